"""Oscar's account views, with orders scoped to the buyer's company instead of the person."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from oscar.apps.customer import views

from orders.selectors import orders_for_user
from shop.bulk import services as bulk_services
from shop.bulk.views import report_price_changes, report_refused
from shop.companies.permissions import ordering_refusal
from shop.customer.forms import UserAddressForm


def order_again(request, order, line_ids=None):
    """Put a past order's lines (all or chosen) into the basket at today's prices; say what changed."""
    refusal = ordering_refusal(member=getattr(request, "company_member", None))
    if refusal:
        messages.error(request, refusal)
        return redirect("customer:order", order_number=order.number)
    result = bulk_services.reorder(
        order=order, basket=request.basket, strategy=request.strategy, line_ids=line_ids
    )
    added = len(result.added)
    if added:
        messages.success(
            request,
            f"{added} line{'s' if added != 1 else ''} of order {order.number} added to your "
            "basket at today's prices.",
        )
    report_price_changes(request, result.price_changes)
    report_refused(request, result.checked)
    if added:
        return redirect("basket:summary")
    return redirect("customer:order", order_number=order.number)


class OrderHistoryView(views.OrderHistoryView):
    def get_queryset(self):
        orders = orders_for_user(user=self.request.user)
        if self.form.is_bound and self.form.is_valid():
            orders = orders.filter(**self.form.get_filters())
        return orders


class OrderDetailView(views.OrderDetailView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            orders_for_user(user=self.request.user), number=self.kwargs["order_number"]
        )

    def do_reorder(self, order):
        self.response = order_again(self.request, order)


class OrderLineView(views.OrderLineView):
    def get(self, request, *args, **kwargs):
        # Oscar has no page for one line (GET would be a 500): show the order instead.
        self.get_object()
        return redirect("customer:order", order_number=self.kwargs["order_number"])

    def get_object(self, queryset=None):
        order = get_object_or_404(
            orders_for_user(user=self.request.user), number=self.kwargs["order_number"]
        )
        return get_object_or_404(order.lines, pk=self.kwargs["line_id"])

    def do_reorder(self, line):
        self.response = order_again(self.request, line.order, line_ids={line.pk})


class AddressCreateView(views.AddressCreateView):
    form_class = UserAddressForm


class AddressUpdateView(views.AddressUpdateView):
    form_class = UserAddressForm
