"""Reads over baskets for the account team: open baskets of a company's buyers."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Sum
from oscar.core.loading import get_model

from shop.money import money_round

Basket = get_model("basket", "Basket")


@dataclass(frozen=True)
class OpenBasket:
    """An open basket: who fills it, its net value, how many lines, when it last changed."""

    basket_id: int
    company_id: int
    owner_email: str
    owner_name: str
    total_excl_tax: Decimal
    currency: str
    line_count: int
    last_activity: datetime


def baskets_open_by_company(
    *,
    company_ids: list[int] | None,
    min_total: Decimal | None = None,
    idle_before: datetime | None = None,
    limit: int = 200,
) -> dict[int, list[OpenBasket]]:
    """Open baskets with lines of active company members, by company; one query.

    ``min_total`` keeps baskets worth at least that much net, ``idle_before`` those whose
    lines last changed before that moment (high-value idle baskets); ``None`` is all companies.
    """
    line_net = ExpressionWrapper(
        F("lines__price_excl_tax") * F("lines__quantity"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    baskets = Basket.objects.filter(
        status=Basket.OPEN,
        owner__company_memberships__is_active=True,
        lines__isnull=False,
    )
    if company_ids is not None:
        baskets = baskets.filter(owner__company_memberships__company_id__in=company_ids)
    rows = baskets.values(
        "pk",
        "owner__email",
        "owner__first_name",
        "owner__last_name",
        company_id=F("owner__company_memberships__company_id"),
    ).annotate(
        total=Sum(line_net),
        currency=Max("lines__price_currency"),
        line_count=Count("lines"),
        last_activity=Max("lines__date_updated"),
    )
    if min_total is not None:
        rows = rows.filter(total__gte=min_total)
    if idle_before is not None:
        rows = rows.filter(last_activity__lt=idle_before)
    result: dict[int, list[OpenBasket]] = {}
    for row in rows.order_by("-total", "pk")[:limit]:
        name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
        result.setdefault(row["company_id"], []).append(
            OpenBasket(
                basket_id=row["pk"],
                company_id=row["company_id"],
                owner_email=row["owner__email"],
                owner_name=name or row["owner__email"],
                total_excl_tax=money_round(Decimal(str(row["total"] or 0))),
                currency=row["currency"] or "",
                line_count=row["line_count"],
                last_activity=row["last_activity"],
            )
        )
    return result


@dataclass(frozen=True)
class IdleBasketLine:
    """One line of an idle basket at the price the buyer saw (their negotiated price)."""

    product_id: int
    sku: str
    title: str
    quantity: int
    unit_price_excl_tax: Decimal


@dataclass(frozen=True)
class IdleBasket:
    """An open basket of a company member, untouched since ``last_activity``."""

    basket_id: int
    owner_id: int
    owner_email: str
    owner_name: str
    company_id: int
    currency: str
    total_excl_tax: Decimal
    last_activity: datetime
    lines: tuple[IdleBasketLine, ...]


def baskets_idle_iter(*, idle_before: datetime, active_since: datetime, chunk_size: int = 2000):
    """Yield open baskets of active company members whose last line change lies between
    ``active_since`` and ``idle_before``, with no order by the same company for those
    products since; streamed in chunks, never all rows loaded. (Stub: the scan fills it in.)
    """
    yield from ()
