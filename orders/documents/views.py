"""Downloads of order documents (buyers: their company's orders; staff: every order) and
the staff's "Issue invoice" and "Issue credit note" actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import View

from orders.documents import pdf, services
from orders.documents.forms import CreditNoteForm
from orders.documents.models import CreditNote, Invoice
from orders.documents.selectors import (
    STAFF_ISSUE_PERMISSION,
    orders_with_documents_for,
    shipment_model,
)
from shop.money import money_display


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _render(render, filename: str, **kwargs) -> HttpResponse:
    try:
        return _pdf_response(render(**kwargs), filename)
    except pdf.DocumentUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain")


@method_decorator(login_required, name="dispatch")
class ConfirmationView(View):
    def get(self, request, order_number):
        orders = orders_with_documents_for(user=request.user)
        order = get_object_or_404(orders, number=order_number)
        return _render(
            pdf.order_confirmation_pdf, f"order-confirmation-{order.number}.pdf", order=order
        )


@method_decorator(login_required, name="dispatch")
class InvoiceView(View):
    def get(self, request, number):
        orders = orders_with_documents_for(user=request.user)
        invoice = get_object_or_404(
            Invoice.objects.select_related("order"), number=number, order__in=orders
        )
        return _render(pdf.invoice_pdf, f"invoice-{invoice.number}.pdf", invoice=invoice)


@method_decorator(login_required, name="dispatch")
class CreditNoteView(View):
    def get(self, request, number):
        orders = orders_with_documents_for(user=request.user)
        note = get_object_or_404(
            CreditNote.objects.select_related("invoice", "order"), number=number, order__in=orders
        )
        return _render(pdf.credit_note_pdf, f"credit-note-{note.number}.pdf", credit_note=note)


@method_decorator(login_required, name="dispatch")
class PackingSlipView(View):
    def get(self, request, number):
        Shipment = shipment_model()
        if Shipment is None:
            raise Http404
        orders = orders_with_documents_for(user=request.user)
        shipment = get_object_or_404(
            Shipment.objects.select_related("order", "carrier"), number=number, order__in=orders
        )
        return _render(
            pdf.packing_slip_pdf, f"packing-slip-{shipment.number}.pdf", shipment=shipment
        )


class _StaffIssueView(View):
    """A staff POST from the dashboard's order page; answers with a redirect back to it."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            raise Http404  # the storefront does not learn that the order exists
        if not user.has_perm(STAFF_ISSUE_PERMISSION):
            raise PermissionDenied(gettext("You may not issue invoices or credit notes."))
        return super().dispatch(request, *args, **kwargs)

    def _order(self, order_number):
        return get_object_or_404(
            orders_with_documents_for(user=self.request.user), number=order_number
        )

    def _back(self, order):
        target = self.request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            target = reverse("dashboard:order-detail", kwargs={"number": order.number})
        return HttpResponseRedirect(target + "#order-documents")


class InvoiceIssueView(_StaffIssueView):
    def post(self, request, order_number):
        order = self._order(order_number)
        had_one = order.invoices.exists()
        try:
            invoice = services.invoice_issue(order=order, by_user=request.user)
        except services.DocumentError as exc:
            messages.error(request, exc.message)
        else:
            if had_one:
                messages.info(
                    request,
                    gettext("Order %(order)s already has invoice %(number)s.")
                    % {"order": order.number, "number": invoice.number},
                )
            else:
                messages.success(
                    request, gettext("Invoice %(number)s issued.") % {"number": invoice.number}
                )
        return self._back(order)


class CreditNoteIssueView(_StaffIssueView):
    def post(self, request, order_number):
        order = self._order(order_number)
        form = CreditNoteForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(
                        request, gettext("No credit note issued: %(error)s") % {"error": error}
                    )
            return self._back(order)
        try:
            note = services.credit_note_issue(
                order=order,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                by_user=request.user,
            )
        except services.DocumentError as exc:
            messages.error(
                request, gettext("No credit note issued: %(error)s") % {"error": exc.message}
            )
        else:
            messages.success(
                request,
                gettext("Credit note %(number)s over %(amount)s issued.")
                % {"number": note.number, "amount": money_display(note.amount, note.currency)},
            )
        return self._back(order)
