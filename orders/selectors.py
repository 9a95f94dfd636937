"""Reads over orders, scoped to who is asking."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from oscar.core.loading import get_model

from orders import states
from shop.companies.selectors import membership_for_user
from shop.money import money_round

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


# Reads for the account team's figures (cockpit, customer view, reports). One rule for all:
# an order counts from its ``date_placed`` with its ``total_excl_tax`` (net, in the order's
# currency: the shop sells in EUR), and cancelled orders never count.


def _counting_orders() -> QuerySet:
    return Order.objects.exclude(status=states.CANCELLED).filter(company__isnull=False)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _month_first(day: date) -> date:
    return day.replace(day=1)


def _month_next(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def revenue_by_month(*, start: date, end: date, company_ids: list[int] | None = None) -> list[dict]:
    """Net revenue and order count per calendar month from start to end (inclusive days).

    Every month touched by the range is listed, oldest first, zeros included; only orders
    placed on a day within [start, end] count, so a range may cut a month short.
    ``company_ids`` None means every company.
    """
    orders = _counting_orders().filter(
        date_placed__gte=_day_start(start), date_placed__lt=_day_start(end + timedelta(days=1))
    )
    if company_ids is not None:
        orders = orders.filter(company_id__in=company_ids)
    rows = (
        orders.annotate(month=TruncMonth("date_placed"))
        .values("month")
        .annotate(revenue=Sum("total_excl_tax"), orders=Count("pk"))
        .order_by("month")
    )
    found = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        found[_month_first(month)] = row
    result = []
    month = _month_first(start)
    while month <= end:
        row = found.get(month)
        result.append(
            {
                "month": month,
                "revenue": money_round(row["revenue"]) if row else Decimal("0.00"),
                "orders": row["orders"] if row else 0,
            }
        )
        month = _month_next(month)
    return result


def company_order_totals(*, company_ids: list[int]) -> dict[int, dict]:
    """Per company: how many orders, their net revenue and when the last was placed.

    Every id asked for is in the answer (zeros and None when it never ordered).
    """
    totals = {
        company_id: {"orders": 0, "revenue": Decimal("0.00"), "last_ordered_at": None}
        for company_id in company_ids
    }
    rows = (
        _counting_orders()
        .filter(company_id__in=company_ids)
        .values("company_id")
        .annotate(orders=Count("pk"), revenue=Sum("total_excl_tax"), last=Max("date_placed"))
        .order_by()
    )
    for row in rows:
        totals[row["company_id"]] = {
            "orders": row["orders"],
            "revenue": money_round(row["revenue"]),
            "last_ordered_at": row["last"],
        }
    return totals


def company_order_totals_between(
    *, start: date, end: date, company_ids: list[int] | None = None
) -> dict[int, dict]:
    """Per company that ordered on a day within [start, end]: orders, net revenue, last order.

    Companies without an order in the range are absent; ``company_ids`` None means all.
    """
    orders = _counting_orders().filter(
        date_placed__gte=_day_start(start), date_placed__lt=_day_start(end + timedelta(days=1))
    )
    if company_ids is not None:
        orders = orders.filter(company_id__in=company_ids)
    rows = (
        orders.values("company_id")
        .annotate(orders=Count("pk"), revenue=Sum("total_excl_tax"), last=Max("date_placed"))
        .order_by()
    )
    return {
        row["company_id"]: {
            "orders": row["orders"],
            "revenue": money_round(row["revenue"]),
            "last_ordered_at": row["last"],
        }
        for row in rows
    }


def company_last_order_dates(*, company_ids: list[int] | None = None) -> dict[int, datetime]:
    """When each company last placed an order; companies that never ordered are absent."""
    orders = _counting_orders()
    if company_ids is not None:
        orders = orders.filter(company_id__in=company_ids)
    rows = orders.values("company_id").annotate(last=Max("date_placed")).order_by()
    return {row["company_id"]: row["last"] for row in rows}


def recent_orders_for_company(*, company_id: int, limit: int = 10) -> list:
    """A company's latest orders (not cancelled), newest first, with who placed them."""
    return list(
        _counting_orders()
        .filter(company_id=company_id)
        .select_related("user", "placed_by_staff")
        .order_by("-date_placed", "-pk")[:limit]
    )


def shipments_in_transit_for_company(*, company_id: int) -> list:
    """The company's shipments that left the warehouse and have no delivery event yet, newest first."""
    from orders.models import Shipment, TrackingEvent

    return list(
        Shipment.objects.filter(order__company_id=company_id)
        .exclude(order__status=states.CANCELLED)
        .exclude(events__kind=TrackingEvent.Kind.DELIVERED)
        .select_related("order", "carrier")
        .order_by("-created_at", "-pk")
    )


def orders_awaiting_approval_count(*, company_ids: list[int] | None) -> dict[int, int]:
    """How many orders wait for the buyer's approver, per company (every id asked for, 0 too).

    ``company_ids`` None: every company with at least one.
    """
    orders = Order.objects.filter(status=states.AWAITING_APPROVAL, company__isnull=False)
    counts = {}
    if company_ids is not None:
        orders = orders.filter(company_id__in=company_ids)
        counts = dict.fromkeys(company_ids, 0)
    for row in orders.values("company_id").annotate(n=Count("pk")).order_by():
        counts[row["company_id"]] = row["n"]
    return counts


@dataclass(frozen=True)
class OrderedLine:
    """One line of a counting order, as follow-up attribution reads it."""

    order_number: str
    company_id: int
    date_placed: datetime
    product_id: int
    line_price_excl_tax: Decimal


def order_lines_for_products(
    *,
    company_ids: list[int],
    product_ids: list[int],
    placed_after: datetime,
    placed_until: datetime,
) -> list[OrderedLine]:
    """Lines of the companies' orders placed in (placed_after, placed_until] with these products.

    Oldest order first (then by number); cancelled orders never count. One query.
    """
    from orders.models import Line

    if not company_ids or not product_ids:
        return []
    rows = (
        Line.objects.filter(
            order__company_id__in=list(company_ids),
            product_id__in=list(product_ids),
            order__date_placed__gt=placed_after,
            order__date_placed__lte=placed_until,
        )
        .exclude(order__status=states.CANCELLED)
        .order_by("order__date_placed", "order__number", "pk")
        .values_list(
            "order__number",
            "order__company_id",
            "order__date_placed",
            "product_id",
            "line_price_excl_tax",
        )  # fmt: skip
    )
    return [OrderedLine(*row) for row in rows]


@dataclass(frozen=True)
class CompanyProductDay:
    """What a company ordered of one product on one day (counting orders, net)."""

    company_id: int
    product_id: int
    day: date
    quantity: int
    net: Decimal


def company_product_order_days(
    *, placed_since: datetime, placed_before: datetime, company_ids: list[int] | None = None
) -> list[CompanyProductDay]:
    """Per company, product and local day: quantity and net value ordered; one query.

    For the follow-ups' lapsed-reorder rule; cancelled orders never count.
    """
    from django.db.models.functions import TruncDate

    from orders.models import Line

    lines = Line.objects.filter(
        order__company__isnull=False,
        product__isnull=False,
        order__date_placed__gte=placed_since,
        order__date_placed__lt=placed_before,
    ).exclude(order__status=states.CANCELLED)
    if company_ids is not None:
        lines = lines.filter(order__company_id__in=list(company_ids))
    rows = (
        lines.annotate(day=TruncDate("order__date_placed", tzinfo=timezone.get_current_timezone()))
        .values("order__company_id", "product_id", "day")
        .annotate(quantity=Sum("quantity"), net=Sum("line_price_excl_tax"))
        .order_by("order__company_id", "product_id", "day")
    )
    return [
        CompanyProductDay(
            company_id=row["order__company_id"],
            product_id=row["product_id"],
            day=row["day"],
            quantity=int(row["quantity"] or 0),
            net=money_round(Decimal(str(row["net"] or 0))),
        )
        for row in rows
    ]
