"""Quote reads, scoped to who asks: a buyer's company, or a staff member's accounts."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from crm_embedded.quotes.models import Quote, QuoteLine, QuoteVersion
from crm_embedded.quotes.states import State
from shop.catalogue import selectors as catalogue_selectors
from shop.companies.selectors import SALES_MANAGERS_GROUP, companies_for_staff
from shop.pricing.selectors import company_prices


def quotes_for_member(*, member) -> QuerySet[Quote]:
    """The quotes of the member's company (colleagues see each other's)."""
    if member is None:
        return Quote.objects.none()
    return (
        Quote.objects.filter(company=member.company)
        .select_related("requested_by", "account_manager", "company")
        .annotate(line_count=Count("lines"))
    )


def quotes_for_staff(*, user) -> QuerySet[Quote]:
    """The quotes of the accounts this staff user may see."""
    return (
        Quote.objects.filter(company__in=companies_for_staff(user=user))
        .select_related("requested_by", "account_manager", "company")
        .annotate(line_count=Count("lines"))
    )


def sales_managers() -> QuerySet:
    """Active users who may approve discounts beyond the threshold (superusers included)."""
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=SALES_MANAGERS_GROUP), is_active=True)
        .distinct()
        .order_by("pk")
    )


def quotes_awaiting_approval(*, user) -> QuerySet[Quote]:
    """Offers waiting for a sales manager, oldest request first, among the user's accounts."""
    return (
        quotes_for_staff(user=user)
        .filter(state=State.AWAITING_APPROVAL)
        .order_by("approval_requested_at", "pk")
    )


def quote_approval_requester(*, quote: Quote):
    """Who asked for the pending approval (None if no approval is pending)."""
    if quote.state != State.AWAITING_APPROVAL:
        return None
    event = (
        quote.events.filter(to_state=State.AWAITING_APPROVAL)
        .select_related("by")
        .order_by("-at", "-id")
        .first()
    )
    return event.by if event else None


def quote_thread(*, quote: Quote, staff: bool):
    """The thread; buyers never see internal notes."""
    messages = quote.messages.select_related("author")
    return messages if staff else messages.filter(is_internal=False)


def quote_versions_with_changes(*, quote: Quote) -> list[dict]:
    """Sent versions, newest first, each with what changed since the one before."""
    versions = list(quote.versions.select_related("sent_by").order_by("number"))
    rows = []
    for index, version in enumerate(versions):
        older = versions[index - 1] if index else None
        rows.append({"version": version, "changes": version_changes(older=older, newer=version)})
    return list(reversed(rows))


# The approval rule and other reads the services and views share --------------------------


@dataclass(frozen=True)
class LineEconomics:
    """A draft line seen by the approval rule: cost, margin, discount and why it needs approval."""

    line: QuoteLine
    cost_price: Decimal | None
    discount_percent: Decimal | None  # off list
    margin_percent: Decimal | None  # over cost, of the offered price
    needs_approval_because: str  # "" when the line may go out without approval


def quote_line_economics(*, quote: Quote) -> list[LineEconomics]:
    """Each draft line against the discount and margin thresholds: the one approval rule."""
    max_discount = Decimal(settings.QUOTE_MAX_DISCOUNT_PERCENT)
    min_margin = Decimal(settings.QUOTE_MIN_MARGIN_PERCENT)
    lines = list(quote.lines.all())
    costs = catalogue_selectors.product_cost_prices(product_ids=[line.product_id for line in lines])
    result = []
    for line in lines:
        cost = costs.get(line.product_id)
        discount = margin = None
        why = ""
        if line.offered_price is not None and line.list_price:
            discount = (line.list_price - line.offered_price) * 100 / line.list_price
        if line.offered_price and cost:
            margin = (line.offered_price - cost) * 100 / line.offered_price
        if discount is not None and discount > max_discount:
            why = f"{discount:.1f}% off list (more than {max_discount}%)"
        elif discount is not None and margin is not None and margin < min_margin:
            why = f"{margin:.1f}% margin (less than {min_margin}%)"
        result.append(LineEconomics(line, cost, discount, margin, why))
    return result


def lines_needing_approval(*, quote: Quote) -> list[tuple[QuoteLine, str]]:
    """Lines whose offered price is beyond the discount or margin threshold, and why."""
    return [(row.line, row.needs_approval_because) for row in quote_line_economics(quote=quote)
            if row.needs_approval_because]  # fmt: skip


def quote_fingerprint(*, quote: Quote) -> str:
    """A digest of the draft's lines as they are now (what an approval is given for)."""
    rows = quote.lines.order_by("pk").values_list("pk", "quantity", "offered_price")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def quote_is_approved(*, quote: Quote) -> bool:
    """Whether a sales manager approved the draft exactly as it is now."""
    return bool(quote.approved_fingerprint) and (
        quote.approved_fingerprint == quote_fingerprint(quote=quote)
    )


def prices_today(
    *, company, products_quantities: list[tuple[object, int]]
) -> dict[int, tuple[Decimal, str]]:
    """The company's unit price today (and currency) of each product at its quantity."""
    prices = company_prices(company=company, products_quantities=products_quantities)
    return {product_id: (price.unit_price, price.currency) for product_id, price in prices.items()}


def business_days_between(*, start, end) -> int:
    """Whole business days (Monday to Friday) from ``start`` to ``end``."""
    days, current = 0, start
    while current + timedelta(days=1) <= end:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


def version_changes(*, older: QuoteVersion | None, newer: QuoteVersion) -> list[str]:
    """What changed from one sent version to the next, in words."""
    if older is None:
        return ["First offer."]
    before = {row["sku"]: row for row in older.lines}
    after = {row["sku"]: row for row in newer.lines}
    changes = []
    for sku, row in after.items():
        old = before.get(sku)
        if old is None:
            changes.append(f"{sku} added: {row['quantity']} at {row['unit_price']}")
            continue
        if old["quantity"] != row["quantity"]:
            changes.append(f"{sku} quantity {old['quantity']} → {row['quantity']}")
        if old["unit_price"] != row["unit_price"]:
            changes.append(f"{sku} unit price {old['unit_price']} → {row['unit_price']}")
    changes += [f"{sku} removed" for sku in before if sku not in after]
    if older.valid_until != newer.valid_until:
        changes.append(f"valid until {older.valid_until:%d.%m.%Y} → {newer.valid_until:%d.%m.%Y}")
    if older.terms != newer.terms:
        changes.append("terms changed")
    if older.total != newer.total:
        changes.append(f"total {older.total:,.2f} → {newer.total:,.2f} {newer.currency}")
    return changes or ["No change."]


def quotes_offered_expiring(*, first_day, last_day) -> list[Quote]:
    """Offers waiting for the buyer whose validity ends in [first_day, last_day], with the
    buyer, company and versions loaded (for follow-ups)."""
    return list(
        Quote.objects.filter(
            state=State.OFFERED, valid_until__gte=first_day, valid_until__lte=last_day
        )
        .select_related("requested_by", "company", "account_manager")
        .prefetch_related("versions", "lines")
        .order_by("valid_until", "pk")
    )


def quotes_accepted_between(*, accepted_since, accepted_before) -> list[tuple[Quote, object]]:
    """Accepted quotes not yet ordered whose acceptance lies in [since, before), with when."""
    from django.db.models import Max

    quotes = (
        Quote.objects.filter(state=State.ACCEPTED)
        .annotate(
            accepted_at=Max("events__at", filter=Q(events__to_state=State.ACCEPTED)),
        )
        .filter(accepted_at__gte=accepted_since, accepted_at__lt=accepted_before)
        .select_related("requested_by", "company", "account_manager")
        .prefetch_related("versions", "lines")
        .order_by("accepted_at", "pk")
    )
    return [(quote, quote.accepted_at) for quote in quotes]
