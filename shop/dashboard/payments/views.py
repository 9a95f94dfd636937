"""Card payments Stripe took that no order accounts for: staff list, refund or mark them handled."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views import generic

from shop.dashboard.access import CHANGE_UNMATCHED_PERMISSION, REFUND_PERMISSION
from shop.dashboard.forms import UnmatchedPaymentActionForm
from shop.dashboard.selectors import baskets_by_id, unmatched_payments_for_staff
from shop.dashboard.services import (
    DashboardPaymentError,
    unmatched_payment_mark_handled,
    unmatched_payment_refund,
)
from shop.money import money_format


class UnmatchedPaymentListView(generic.ListView):
    template_name = "oscar/dashboard/payments/unmatched_list.html"
    context_object_name = "payments"
    paginate_by = 25

    def show_all(self) -> bool:
        return self.request.GET.get("show") == "all"

    def get_queryset(self):
        return unmatched_payments_for_staff(include_resolved=self.show_all())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        baskets = baskets_by_id(basket_ids=[p.basket_id for p in ctx["payments"]])
        ctx["rows"] = [(payment, baskets.get(payment.basket_id)) for payment in ctx["payments"]]
        ctx["show_all"] = self.show_all()
        return ctx


class UnmatchedPaymentDetailView(generic.DetailView):
    template_name = "oscar/dashboard/payments/unmatched_detail.html"
    context_object_name = "payment"

    def get_object(self, queryset=None):
        return get_object_or_404(
            unmatched_payments_for_staff(include_resolved=True), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        payment = self.object
        ctx["basket"] = baskets_by_id(basket_ids=[payment.basket_id]).get(payment.basket_id)
        user = self.request.user
        ctx["may_change"] = user.has_perm(CHANGE_UNMATCHED_PERMISSION)
        ctx["may_refund"] = ctx["may_change"] and user.has_perm(REFUND_PERMISSION)
        if payment.resolved_at is None and ctx["may_change"]:
            ctx["form"] = kwargs.get("form") or UnmatchedPaymentActionForm(
                initial={"action": UnmatchedPaymentActionForm.REFUND}
            )
        return ctx

    def post(self, request, *args, **kwargs):
        self.object = payment = self.get_object()
        if not request.user.has_perm(CHANGE_UNMATCHED_PERMISSION):
            raise PermissionDenied(gettext("You may not resolve unmatched card payments."))
        form = UnmatchedPaymentActionForm(request.POST)
        if form.is_valid():
            note = form.cleaned_data["note"]
            try:
                if form.cleaned_data["action"] == UnmatchedPaymentActionForm.REFUND:
                    if not request.user.has_perm(REFUND_PERMISSION):
                        raise PermissionDenied(gettext("You may not refund card payments."))
                    refund_id = unmatched_payment_refund(
                        payment_id=payment.pk, note=note, user=request.user
                    )
                    message = gettext(
                        "Refunded %(amount)s to the card (Stripe %(reference)s); the payment "
                        "is resolved."
                    ) % {
                        "amount": money_format(payment.amount, payment.currency.upper()),
                        "reference": refund_id,
                    }
                else:
                    unmatched_payment_mark_handled(
                        payment_id=payment.pk, note=note, user=request.user
                    )
                    message = gettext("Marked handled: the payment is resolved, nothing refunded.")
            except DashboardPaymentError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, message)
                return redirect("dashboard:payments-unmatched-list")
        messages.error(request, gettext("Nothing was changed: correct the form below."))
        return self.render_to_response(self.get_context_data(form=form), status=400)
