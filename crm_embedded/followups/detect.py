"""The five leak detectors: each yields the items a rule applies to right now.

Detectors only read (through the storefront's selectors and the quotes room's); the engine
in ``services.py`` decides which stage is due and acts. An item is a leak as long as a
detector yields it: a cart that is ordered, touched again or frozen for approval, an offer
that is answered, a quote that is ordered, an approval that is decided, a product ordered
again: each drops out, and no later stage follows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from crm_embedded.followups.models import FollowUpRule
from crm_embedded.quotes import selectors as quote_selectors
from orders import selectors as order_selectors
from shop.approvals import selectors as approval_selectors
from shop.basket import selectors as basket_selectors
from shop.catalogue import selectors as catalogue_selectors
from shop.money import money_round

Kind = FollowUpRule.Kind
# Reorder cycles are counted from a fixed day, so an item's cycle number never shifts.
CYCLE_EPOCH = date(1970, 1, 1)
ORDERED_CYCLES = 3  # a regular reorder: ordered in this many consecutive cycles
MISSED_CYCLES = 2  # ... and then not in this many


@dataclass(frozen=True)
class Recipient:
    user_id: int | None
    email: str
    name: str = ""


@dataclass(frozen=True)
class Item:
    """One leak as the engine acts on it."""

    kind: str
    item_key: str
    company_id: int
    value: Decimal
    currency: str
    # [{"product_id", "sku", "title", "quantity", "unit_price"}] (unit_price a string)
    lines: tuple[dict, ...]
    since: datetime  # when it became a leak (idle since, accepted at, requested at ...)
    user_id: int | None = None  # the buyer concerned
    email: str = ""
    name: str = ""
    recipients: tuple[Recipient, ...] = ()  # who the emails go to
    basket_id: int | None = None
    quote_id: int | None = None
    quote_number: str = ""
    approval_id: int | None = None
    valid_until: date | None = None
    # Stage 2 comes at the latest by then (an offer's last day but one).
    reminder_deadline: datetime | None = None
    task_url: str = ""
    extra: dict = field(default_factory=dict)


def _line(*, product_id, sku, title, quantity, unit_price) -> dict:
    return {
        "product_id": product_id,
        "sku": sku or "",
        "title": title or "",
        "quantity": int(quantity),
        "unit_price": str(money_round(unit_price or 0)),
    }


def idle_baskets(*, rule: FollowUpRule, now: datetime) -> Iterator[Item]:
    """Open carts of company buyers idle longer than the threshold (within the look-back)."""
    scan = basket_selectors.baskets_idle_iter(
        idle_before=now - timedelta(hours=rule.threshold_hours),
        active_since=now - timedelta(days=rule.lookback_days),
    )
    for basket in scan:
        lines = tuple(
            _line(product_id=line.product_id, sku=line.sku, title=line.title,
                  quantity=line.quantity, unit_price=line.unit_price_excl_tax)
            for line in basket.lines
        )  # fmt: skip
        if not lines:
            continue
        # Touched again after stage 1, the cart is idle since a new moment: a new item.
        yield Item(
            kind=Kind.IDLE_BASKET,
            item_key=f"basket:{basket.basket_id}:{int(basket.last_activity.timestamp())}",
            company_id=basket.company_id,
            value=money_round(basket.total_excl_tax),
            currency=basket.currency or "EUR",
            lines=lines,
            since=basket.last_activity,
            user_id=basket.owner_id,
            email=basket.owner_email,
            name=basket.owner_name,
            recipients=(Recipient(basket.owner_id, basket.owner_email, basket.owner_name),),
            basket_id=basket.basket_id,
            task_url=reverse("crm:company-detail", args=[basket.company_id]),
        )


def _quote_lines(quote) -> tuple[dict, ...]:
    return tuple(
        _line(product_id=line.product_id, sku=line.sku, title=line.title,
              quantity=line.quantity, unit_price=line.offered_price)
        for line in quote.lines.all()
        if line.offered_price is not None
    )  # fmt: skip


def _quote_item(*, kind: str, key: str, quote, since: datetime, **fields) -> Item | None:
    versions = sorted(quote.versions.all(), key=lambda version: version.number)
    latest = versions[-1] if versions else None
    lines = _quote_lines(quote)
    if not lines:
        return None
    buyer = quote.requested_by
    name = buyer.get_full_name() or buyer.email
    value = (
        latest.total
        if latest
        else sum((Decimal(line["unit_price"]) * line["quantity"] for line in lines), Decimal("0"))
    )
    return Item(
        kind=kind,
        item_key=key,
        company_id=quote.company_id,
        value=money_round(value),
        currency=(latest.currency if latest else quote.currency) or "EUR",
        lines=lines,
        since=since,
        user_id=buyer.pk,
        email=buyer.email,
        name=name,
        recipients=(Recipient(buyer.pk, buyer.email, name),) if buyer.is_active else (),
        quote_id=quote.pk,
        quote_number=quote.number,
        valid_until=quote.valid_until,
        task_url=reverse("crm:quote-detail", args=[quote.pk]),
        **fields,
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def offers_expiring(*, rule: FollowUpRule, now: datetime) -> Iterator[Item]:
    """Offers still unanswered whose validity ends within ``threshold_days`` (today included)."""
    today = timezone.localdate(now)
    quotes = quote_selectors.quotes_offered_expiring(
        first_day=today, last_day=today + timedelta(days=rule.threshold_days)
    )
    for quote in quotes:
        item = _quote_item(
            kind=Kind.OFFER_EXPIRING,
            # A renewed offer with a new validity is a new item.
            key=f"quote:{quote.pk}:offer:{quote.valid_until.isoformat()}",
            quote=quote,
            since=quote.offered_at or _day_start(quote.valid_until),
            reminder_deadline=_day_start(quote.valid_until - timedelta(days=1)),
        )
        if item is not None:
            yield item


def quotes_accepted_not_ordered(*, rule: FollowUpRule, now: datetime) -> Iterator[Item]:
    """Quotes accepted ``threshold_days`` ago or longer (within the look-back), not ordered."""
    rows = quote_selectors.quotes_accepted_between(
        accepted_since=now - timedelta(days=rule.lookback_days),
        accepted_before=now - timedelta(days=rule.threshold_days),
    )
    for quote, accepted_at in rows:
        item = _quote_item(
            kind=Kind.QUOTE_NOT_ORDERED, key=f"quote:{quote.pk}:accepted", quote=quote,
            since=accepted_at,
        )  # fmt: skip
        if item is not None:
            yield item


def approvals_pending(*, rule: FollowUpRule, now: datetime) -> Iterator[Item]:
    """Purchase approvals pending longer than ``threshold_hours``: the deciders are emailed."""
    pending = approval_selectors.approval_requests_pending_between(
        created_since=now - timedelta(days=rule.lookback_days),
        created_before=now - timedelta(hours=rule.threshold_hours),
    )
    for request in pending:
        net = sum(
            (line.unit_price_excl_tax * line.quantity for line in request.lines), Decimal("0")
        )
        yield Item(
            kind=Kind.APPROVAL_PENDING,
            item_key=f"approval:{request.approval_id}",
            company_id=request.company_id,
            value=money_round(net or request.total),
            currency=request.currency or "EUR",
            lines=tuple(
                _line(
                    product_id=line.product_id,
                    sku=line.sku,
                    title=line.title,
                    quantity=line.quantity,
                    unit_price=line.unit_price_excl_tax,
                )
                for line in request.lines
            ),  # fmt: skip
            since=request.created_at,
            user_id=request.requester_id,
            email=request.requester_email,
            name=request.requester_name,
            recipients=tuple(Recipient(user_id, email) for user_id, email in request.deciders),
            approval_id=request.approval_id,
            task_url=reverse("crm:company-detail", args=[request.company_id]),
        )


def cycle_number(day: date, *, cycle_days: int) -> int:
    """The reorder cycle a day falls in (cycles of ``cycle_days`` from a fixed day)."""
    return (day - CYCLE_EPOCH).days // cycle_days


def reorders_lapsed(*, rule: FollowUpRule, now: datetime) -> Iterator[Item]:
    """A company's product ordered in 3 consecutive cycles and then in none of the last two
    whole cycles (nor in the current one): a task for the account manager.

    Cycles are ``threshold_days`` long and counted from 1970-01-01, so the item's key (the
    last ordered cycle) stays the same during the whole cycle it is reported in.
    """
    days = rule.threshold_days
    today = timezone.localdate(now)
    current = cycle_number(today, cycle_days=days)
    first = current - MISSED_CYCLES - ORDERED_CYCLES
    since = _day_start(CYCLE_EPOCH + timedelta(days=first * days))
    rows = order_selectors.company_product_order_days(placed_since=since, placed_before=now)
    groups: dict[tuple[int, int], dict[int, list]] = {}
    for row in rows:
        cycles = groups.setdefault((row.company_id, row.product_id), {})
        cycles.setdefault(cycle_number(row.day, cycle_days=days), []).append(row)
    wanted = range(first, first + ORDERED_CYCLES)
    lapsed = {
        key: cycles
        for key, cycles in groups.items()
        if all(n in cycles for n in wanted) and not any(n > wanted[-1] for n in cycles)
    }
    if not lapsed:
        return
    products = catalogue_selectors.product_stock(product_ids=[key[1] for key in lapsed])
    for (company_id, product_id), cycles in sorted(lapsed.items()):
        ordered = [row for n in wanted for row in cycles[n]]
        quantity = sum(row.quantity for row in ordered)
        net = sum((row.net for row in ordered), Decimal("0"))
        stock = products.get(product_id)
        title = stock.product.get_title() if stock else str(product_id)
        per_cycle_qty = max(1, round(quantity / ORDERED_CYCLES))
        unit = net / quantity if quantity else Decimal("0")
        yield Item(
            kind=Kind.REORDER_LAPSED,
            item_key=f"reorder:{company_id}:{product_id}:{wanted[-1]}",
            company_id=company_id,
            value=money_round(net / ORDERED_CYCLES),
            currency="EUR",
            lines=(
                _line(
                    product_id=product_id,
                    sku=stock.sku if stock else "",
                    title=title,
                    quantity=per_cycle_qty,
                    unit_price=unit,
                ),
            ),  # fmt: skip
            since=_day_start(max(row.day for row in ordered)),
            task_url=reverse("crm:company-detail", args=[company_id]),
            extra={"cycle_days": days},
        )


DETECTORS = {
    Kind.IDLE_BASKET: idle_baskets,
    Kind.OFFER_EXPIRING: offers_expiring,
    Kind.QUOTE_NOT_ORDERED: quotes_accepted_not_ordered,
    Kind.APPROVAL_PENDING: approvals_pending,
    Kind.REORDER_LAPSED: reorders_lapsed,
}
