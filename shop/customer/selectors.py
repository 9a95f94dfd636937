"""Reads behind the buyer's order list: filters, search and what one row shows."""

import datetime

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from oscar.core.loading import get_model

Line = get_model("order", "Line")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def orders_filter(
    *,
    orders: QuerySet,
    q: str = "",
    status: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    buyer=None,
    po_number: str = "",
    sku: str = "",
) -> QuerySet:
    """Narrow an already scoped order queryset; typed dates are inclusive calendar days."""
    if status:
        orders = orders.filter(status=status)
    if date_from:
        orders = orders.filter(date_placed__gte=_start_of(date_from))
    if date_to:
        # Everything placed on the last day counts: up to the next day's midnight.
        orders = orders.filter(date_placed__lt=_start_of(date_to + datetime.timedelta(days=1)))
    if buyer is not None:
        orders = orders.filter(user=buyer)
    if po_number:
        orders = orders.filter(purchase_order_number__icontains=po_number.strip())
    if sku:
        # EXISTS instead of a join: an order with two matching lines is listed once.
        lines = Line.objects.filter(order=OuterRef("pk"), partner_sku__iexact=sku.strip())
        orders = orders.filter(Exists(lines))
    if q:
        term = q.strip()
        lines = Line.objects.filter(order=OuterRef("pk")).filter(
            Q(partner_sku__iexact=term) | Q(title__icontains=term)
        )
        orders = orders.filter(
            Q(number__icontains=term)
            | Q(purchase_order_number__icontains=term)
            | Q(quote_reference__icontains=term)
            | Exists(lines)
        )
    return orders


def orders_for_list(*, orders: QuerySet) -> QuerySet:
    """What a row of the order list shows, in one query per page, newest first."""
    items = (
        Line.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return (
        orders.select_related("user", "placed_by_staff")
        .annotate(item_count=Subquery(items, output_field=IntegerField()))
        .order_by("-date_placed", "-pk")
    )
