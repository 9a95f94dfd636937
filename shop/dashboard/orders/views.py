"""The dashboard's order pages: the order list's CSV with safe cells, card refunds on an order."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext
from oscar.apps.dashboard.orders import views
from oscar.core.loading import get_classes

from shop.csv_export import SafeUnicodeCSVWriter
from shop.dashboard.access import REFUND_PERMISSION
from shop.dashboard.forms import CardRefundForm
from shop.dashboard.services import DashboardPaymentError, order_card_refund
from shop.money import money_format
from shop.payment.selectors import card_payment_for_order

OrderNoteForm, OrderStatusForm = get_classes(
    "dashboard.orders.forms", ["OrderNoteForm", "OrderStatusForm"]
)


class OrderListView(views.OrderListView):
    # Status changes go through orders.services (the state machine, its history, the
    # buyer's emails and webhooks), one order at a time on its page: no bulk change here.
    actions = ("download_selected_orders",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.pop("order_statuses", None)  # hides Oscar's bulk "change status" form
        return ctx

    def download_selected_orders(self, request, orders):
        # Oscar's method builds its writer inline; only the writer differs here.
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = (
            f"attachment; filename={self.get_download_filename(request)}"
        )
        writer = SafeUnicodeCSVWriter(open_file=response)
        writer.writerow(self.CSV_COLUMNS.values())
        for order in orders:
            row_values = self.get_row_values(order)
            writer.writerow([row_values.get(column, "") for column in self.CSV_COLUMNS])
        return response


class OrderDetailView(views.OrderDetailView):
    """Oscar's order page with a card refund on the payment tab (issue 11)."""

    # Oscar's status, line-status and shipping-event forms would move an order past the
    # state machine without its history: the fulfilment panel (orders.views) replaces them,
    # and a hand-made POST of those actions is refused as unknown.
    # Oscar's hand-made payment events too: "Refunded 100" typed there moved no money, wrote
    # no credit note and left the refund figures unchanged. Refunds go through refund_card.
    order_actions = ("save_note", "delete_note", "refund_card")
    line_actions = ()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.request.POST.get("order_action") == "refund_card":
            # Oscar binds the note and status forms to every POST: after a refused refund
            # they would show errors of their own for fields nobody filled in.
            ctx["note_form"] = OrderNoteForm(order=self.object, user=self.request.user)
            ctx["order_status_form"] = OrderStatusForm(order=self.object)
        card = card_payment_for_order(order=self.object)
        ctx["card_payment"] = card
        may_refund = card is not None and self.request.user.has_perm(REFUND_PERMISSION)
        ctx["may_refund_card"] = may_refund
        if may_refund and card.refundable > 0:
            ctx["card_refund_form"] = kwargs.get("card_refund_form") or self._refund_form(card)
        return ctx

    def delete_note(self, request, order):
        # Oscar deletes any note by id, though its page offers the button only on editable
        # ones: system notes (status changes, card refunds with who and why) are the record.
        note = order.notes.filter(id=request.POST.get("note_id") or None).first()
        if note is not None and not note.is_editable():
            return self.reload_page(
                fragment="notes",
                error=gettext("This note is part of the order's record and cannot be deleted."),
            )
        return super().delete_note(request, order)

    def _refund_form(self, card, data=None):
        return CardRefundForm(data, refundable=card.refundable, currency=card.currency)

    def refund_card(self, request, order):
        if not request.user.has_perm(REFUND_PERMISSION):
            raise PermissionDenied(gettext("You may not refund card payments."))
        card = card_payment_for_order(order=order)
        if card is None:
            return self.reload_page(
                error=gettext("Order %(number)s was not paid by card: there is nothing to refund.")
                % {"number": order.number}
            )
        if card.refundable <= 0:
            return self.reload_page(
                fragment="payment",
                error=gettext("The card payment is refunded in full: nothing is left to refund."),
            )
        form = self._refund_form(card, data=request.POST)
        if form.is_valid():
            try:
                refund_id = order_card_refund(
                    order=order,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except DashboardPaymentError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(
                    request,
                    gettext("Refunded %(amount)s to the card (Stripe %(reference)s).")
                    % {
                        "amount": money_format(form.cleaned_data["amount"], card.currency),
                        "reference": refund_id,
                    },
                )
                return self.reload_page(fragment="payment")
        messages.error(request, gettext("Nothing was refunded: correct the refund form below."))
        ctx = self.get_context_data(card_refund_form=form, active_tab="payment")
        return self.render_to_response(ctx, status=400)
