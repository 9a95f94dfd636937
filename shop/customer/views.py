"""Oscar's account views, with orders scoped to the buyer's company instead of the person."""

import io
from collections.abc import Iterator

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer import views
from oscar.core.loading import get_model

from orders.documents.selectors import order_documents
from orders.selectors import orders_for_user
from shop.bulk import services as bulk_services
from shop.bulk.views import report_price_changes, report_refused
from shop.companies.permissions import ordering_refusal
from shop.csv_export import csv_writer
from shop.customer.forms import OrderFilterForm, UserAddressForm
from shop.customer.selectors import orders_filter, orders_for_list
from shop.customer.templatetags.order_labels import ORDER_STATUSES
from shop.customer.timeline import buyer_timeline

Order = get_model("order", "Order")


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
    """The company's orders (every buyer's), filtered and searched; ``?export=csv`` downloads them."""

    form_class = OrderFilterForm

    def get(self, request, *args, **kwargs):
        member = getattr(request, "company_member", None)
        self.company = member.company if member else None
        bound = any(request.GET.get(name) for name in OrderFilterForm.FILTER_FIELDS)
        self.form = self.form_class(request.GET if bound else None, company=self.company)
        if bound and not self.form.is_valid():
            # Say what is wrong beside the field; list nothing rather than the unfiltered orders.
            self.object_list = Order.objects.none()
            context = self.get_context_data(object_list=self.object_list)
            return self.render_to_response(context, status=400)
        if request.GET.get("export") == "csv":
            return self.export_csv()
        return super(views.OrderHistoryView, self).get(request, *args, **kwargs)

    def get_queryset(self):
        orders = orders_for_user(user=self.request.user)
        if self.form.is_bound:
            orders = orders_filter(orders=orders, **self.form.filters())
        return orders_for_list(orders=orders)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["show_buyer_filter"] = self.company is not None
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "csv"
        context["export_query"] = query.urlencode()
        return context

    def export_csv(self) -> StreamingHttpResponse:
        # Labels are made now, in the reader's language: the rows are written after
        # the view has returned.
        header = [str(label) for label in ORDER_CSV_HEADER]
        statuses = {stored: str(label) for stored, label in ORDER_STATUSES.items()}
        rows = order_csv_rows(orders=self.get_queryset(), header=header, statuses=statuses)
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        filename = f"orders-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


ORDER_CSV_HEADER = (
    _("Order number"),
    _("Date placed"),
    _("Buyer"),
    _("Buyer email"),
    _("PO number"),
    _("Quote"),
    _("Status"),
    _("Items"),
    _("Total (excl. tax)"),
    _("Tax"),
    _("Total (incl. tax)"),
    _("Currency"),
)
CSV_CHUNK = 2000


def order_csv_rows(*, orders, header: list[str], statuses: dict[str, str]) -> Iterator[str]:
    """Yield the order list as CSV text, a chunk at a time."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(header)
    for order in orders.iterator(chunk_size=CSV_CHUNK):
        buyer = order.user
        writer.writerow(
            [
                order.number,
                timezone.localtime(order.date_placed).strftime("%Y-%m-%d %H:%M"),
                (buyer.get_full_name() if buyer else "") or "",
                buyer.email if buyer else order.guest_email,
                order.purchase_order_number,
                order.quote_reference,
                statuses.get(order.status, order.status),
                order.item_count or 0,
                order.total_excl_tax,
                order.total_incl_tax - order.total_excl_tax,
                order.total_incl_tax,
                order.currency,
            ]
        )
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class OrderDetailView(views.OrderDetailView):
    """The order as the buyer follows it: lines with what has shipped, the timeline, documents."""

    def get_object(self, queryset=None):
        return get_object_or_404(
            orders_for_user(user=self.request.user).select_related(
                "user", "placed_by_staff", "shipping_address"
            ),
            number=self.kwargs["order_number"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        tracking = buyer_timeline(order=order)
        lines = list(order.lines.select_related("product"))
        for line in lines:
            line.shipped_quantity = tracking.shipped.get(line.pk, 0)
        context["order_lines"] = lines
        context["timeline"] = tracking.entries
        context["expected_delivery"] = tracking.expected_delivery
        context["documents"] = order_documents(order=order, user=self.request.user)
        return context

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
