"""Oscar's account views, with orders scoped to the buyer's company instead of the person."""

from django.shortcuts import get_object_or_404, redirect
from oscar.apps.customer import views

from orders.selectors import orders_for_user


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
