"""Reads over orders, scoped to who is asking."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet, Sum
from oscar.core.loading import get_model

from shop.companies.selectors import membership_for_user

Order = get_model("order", "Order")


def orders_for_user(*, user: AbstractBaseUser) -> QuerySet:
    """Orders a storefront user may see: their company's, or (without a company) their own."""
    if not user.is_authenticated:
        return Order.objects.none()
    membership = membership_for_user(user=user)
    if membership is not None:
        return Order.objects.filter(company=membership.company)
    return Order.objects.filter(user=user, company__isnull=True)


def orders_for_company(*, company) -> QuerySet:
    """A company's orders, newest first, with who placed them."""
    return (
        Order.objects.filter(company=company)
        .select_related("user", "placed_by_staff")
        .order_by("-date_placed")
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to an order: ``kind`` is "status", "shipment" or "tracking";
    ``obj`` the OrderStatusEvent, Shipment (lines and events prefetched) or TrackingEvent."""

    kind: str
    at: datetime
    obj: object


def order_timeline(*, order) -> list[TimelineEntry]:
    """Status changes, shipments (with lines) and tracking events of an order, newest last."""
    from orders.models import OrderStatusEvent, Shipment

    entries: list[TimelineEntry] = [
        TimelineEntry("status", event.created_at, event)
        for event in OrderStatusEvent.objects.filter(order=order).select_related("by_user")
    ]
    shipments = (
        Shipment.objects.filter(order=order)
        .select_related("carrier", "created_by")
        .prefetch_related("lines__line", "events")
    )
    for shipment in shipments:
        entries.append(TimelineEntry("shipment", shipment.created_at, shipment))
        for event in shipment.events.all():
            entries.append(TimelineEntry("tracking", event.occurred_at, event))
    order_of_kind = {"status": 0, "shipment": 1, "tracking": 2}
    entries.sort(key=lambda entry: (entry.at, order_of_kind[entry.kind], entry.obj.pk))
    return entries


def order_shipped_quantities(*, order) -> dict[int, int]:
    """How many of each order line have shipped so far (line id -> quantity; 0 if none)."""
    from orders.models import ShipmentLine

    shipped = dict.fromkeys(order.lines.values_list("pk", flat=True), 0)
    rows = (
        ShipmentLine.objects.filter(shipment__order=order)
        .values("line_id")
        .annotate(total=Sum("quantity"))
    )
    for row in rows:
        shipped[row["line_id"]] = row["total"]
    return shipped
