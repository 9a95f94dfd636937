"""Reads over baskets for the account team: open baskets of a company's buyers."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from oscar.core.loading import get_model

from shop.money import money_round

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
OrderLine = get_model("order", "Line")


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


def baskets_idle_iter(
    *, idle_before: datetime, active_since: datetime, chunk_size: int = 2000
) -> Iterator[IdleBasket]:
    """Yield idle open baskets of active company members, streamed by basket id.

    A basket qualifies when it is Open (not Saved, Frozen for approval, Submitted or Merged),
    its owner is an active user with an active company membership, and its last line change
    (the newest ``Line.date_updated``) lies in ``[active_since, idle_before)``. A basket is
    left out whole when its company ordered any of its products after that last change: the
    buyer has moved on, a reminder about the rest would be noise.

    Keyset pagination by basket id: one query for the orders placed since ``active_since``
    (their latest date per company and product: bounded by the order volume of the window,
    not by the baskets), then two per chunk (candidates, their lines), whatever the table
    size; at most ``chunk_size`` baskets are held at once. The candidate query walks the
    partial index ``basket_open_owned_idx`` in id order and probes
    ``basket_line_basket_updated_idx`` (migration basket 0016): it never aggregates over all
    lines.
    """
    ordered = _ordered_since(since=active_since)
    after_id = 0
    while True:
        candidates = _idle_candidates(
            idle_before=idle_before, active_since=active_since, after_id=after_id, limit=chunk_size
        )
        if not candidates:
            return
        yield from _idle_chunk(candidates, ordered)
        if len(candidates) < chunk_size:
            return
        after_id = candidates[-1][0]


def _idle_candidates(
    *, idle_before: datetime, active_since: datetime, after_id: int, limit: int
) -> list[tuple]:
    in_window = Line.objects.filter(
        basket_id=OuterRef("pk"), date_updated__gte=active_since, date_updated__lt=idle_before
    )
    touched_since = Line.objects.filter(basket_id=OuterRef("pk"), date_updated__gte=idle_before)
    rows = (
        Basket.objects.filter(
            # status and owner_id IS NOT NULL: the partial index's own predicate.
            status=Basket.OPEN,
            owner__isnull=False,
            pk__gt=after_id,
            owner__is_active=True,
            # One active membership per user (a unique constraint): the join adds no rows.
            owner__company_memberships__is_active=True,
        )
        .filter(Exists(in_window), ~Exists(touched_since))
        .order_by("pk")
        .values_list(
            "pk",
            "owner_id",
            "owner__email",
            "owner__first_name",
            "owner__last_name",
            "owner__company_memberships__company_id",
        )
    )
    return list(rows[:limit])


def _ordered_since(*, since: datetime) -> dict[tuple[int, int], datetime]:
    """(company id, product id) -> the company's latest order of the product after ``since``."""
    rows = (
        OrderLine.objects.filter(
            order__date_placed__gt=since, order__company__isnull=False, product__isnull=False
        )
        .values_list("order__company_id", "product_id")
        .annotate(last=Max("order__date_placed"))
        .order_by()
    )
    return {(company_id, product_id): last for company_id, product_id, last in rows}


def _idle_chunk(
    candidates: list[tuple], ordered: dict[tuple[int, int], datetime]
) -> Iterator[IdleBasket]:
    lines_by_basket: dict[int, list[tuple]] = {}
    last_by_basket: dict[int, datetime] = {}
    line_rows = (
        Line.objects.filter(basket_id__in=[c[0] for c in candidates])
        .order_by("basket_id", "pk")
        .values_list(
            "basket_id",
            "product_id",
            "quantity",
            "price_excl_tax",
            "price_currency",
            "date_updated",
            Coalesce(
                NullIf("stockrecord__partner_sku", Value("")),
                NullIf("product__upc", Value("")),
                Value(""),
                output_field=CharField(),
            ),
            Coalesce(
                NullIf("product__title", Value("")),
                "product__parent__title",
                Value(""),
                output_field=CharField(),
            ),
        )
    )
    for row in line_rows:
        basket_id, updated = row[0], row[5]
        if basket_id not in last_by_basket or updated > last_by_basket[basket_id]:
            last_by_basket[basket_id] = updated
        if row[1] is not None:  # a deleted product cannot be reminded of or restored
            lines_by_basket.setdefault(basket_id, []).append(row)

    for basket_id, owner_id, email, first_name, last_name, company_id in candidates:
        rows = lines_by_basket.get(basket_id)
        if not rows:
            continue
        last_activity = last_by_basket[basket_id]
        if any(ordered.get((company_id, r[1]), last_activity) > last_activity for r in rows):
            continue
        lines = tuple(
            IdleBasketLine(
                product_id=r[1],
                sku=r[6],
                title=r[7],
                quantity=r[2],
                unit_price_excl_tax=r[3] if r[3] is not None else Decimal("0.00"),
            )
            for r in rows
        )
        name = f"{first_name} {last_name}".strip()
        yield IdleBasket(
            basket_id=basket_id,
            owner_id=owner_id,
            owner_email=email,
            owner_name=name or email,
            company_id=company_id,
            currency=rows[0][4] or "",
            total_excl_tax=money_round(
                sum((x.unit_price_excl_tax * x.quantity for x in lines), Decimal("0"))
            ),
            last_activity=last_activity,
            lines=lines,
        )


def basket_is_open(*, basket_id: int) -> bool:
    """Return whether the basket still exists and is Open (not submitted, frozen or merged)."""
    return Basket.objects.filter(pk=basket_id, status=Basket.OPEN).exists()


def basket_last_activity(*, basket_id: int) -> datetime | None:
    """Return the basket's last line change, or None when it has no lines (or is gone)."""
    return Line.objects.filter(basket_id=basket_id).aggregate(last=Max("date_updated"))["last"]
