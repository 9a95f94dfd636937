"""Writes on baskets that other parts of the portal act through (quotes, bulk ordering)."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.bulk import services as bulk_services
from shop.bulk.parser import ParsedLine
from shop.caching.services import cache_basket_bump
from shop.errors import PortalError
from shop.money import money_round

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
StockRecord = get_model("partner", "StockRecord")


class BasketQuoteError(PortalError):
    """A quote that cannot go into the basket, with a message for the buyer."""


@dataclass(frozen=True)
class QuotedLine:
    product_id: int
    quantity: int
    unit_price: Decimal


def basket_line_price_follow_quantity(
    *, line, strategy, stored_for: int | None, save: bool = True
) -> bool:
    """Store the line's unit price at its new quantity, unless the price changed since it was stored.

    Oscar keeps the price of a line's first addition and warns "the price has changed since
    you added it" when today's price differs: a tier the buyer's own quantity crossed is not
    such a change. ``stored_for`` is the quantity the stored price was for (None: the
    product's default, as Oscar prices an addition). A real price change since then keeps
    the stored price, and its warning. Returns whether the stored price changed; with
    ``save=False`` the caller writes it (a bulk update).
    """
    if (
        line.pk is None
        or line.quoted_unit_price is not None
        or line.price_excl_tax is None
        or line.stockrecord_id is None
        or not hasattr(strategy, "book")
    ):
        return False
    product, record = line.product, line.stockrecord
    before = strategy.pricing_policy(product, record, quantity=stored_for)
    if not before.exists or money_round(before.excl_tax) != money_round(line.price_excl_tax):
        return False
    now = strategy.pricing_policy(product, record, quantity=line.quantity)
    if not now.exists or money_round(now.excl_tax) == money_round(line.price_excl_tax):
        return False
    fields = {"price_excl_tax": now.excl_tax}
    if now.is_tax_known:
        fields["price_incl_tax"] = now.incl_tax
    for name, value in fields.items():
        setattr(line, name, value)
    if save:
        Line.objects.filter(pk=line.pk).update(**fields)
    return True


@transaction.atomic
def basket_lines_take(*, basket, line_ids: set[int] | None = None) -> list:
    """Remove lines (all, or the chosen ones) from the basket and return them, for a quote request.

    Quoted lines stay: they belong to an accepted quote already.
    """
    if basket.id is None:
        return []
    lines = basket.all_lines().filter(quoted_unit_price__isnull=True)
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    taken = list(lines)
    Line.objects.filter(pk__in=[line.pk for line in taken]).delete()
    basket._lines = None
    basket.reset_offer_applications()
    return taken


@transaction.atomic
def basket_add_quoted_lines(
    *,
    basket,
    reference: str,
    lines: list[QuotedLine],
    valid_until=None,
    delivery_address_id: int | None = None,
    currency: str | None = None,
) -> None:
    """Put an accepted quote's lines into the basket with their prices and quantities locked.

    A basket holds one quote at a time, so the order it becomes carries that one quote; the
    quote's delivery address (a company address id) is pre-selected at checkout.
    """
    if basket.id is None:
        basket.save()
    # Lock the basket: two accepts at once (two tabs, two quotes) must see each other.
    Basket.objects.select_for_update().filter(pk=basket.pk).first()
    other = (
        basket.lines.exclude(quote_reference="")
        .exclude(quote_reference=reference)
        .values_list("quote_reference", flat=True)
        .first()
    )
    if other:
        raise BasketQuoteError(
            _(
                "Your basket already holds quote %(other)s: check it out (or cancel it) before "
                "accepting %(quote)s."
            )
            % {"other": other, "quote": reference}
        )
    basket.lines.filter(quote_reference=reference).delete()
    records = {
        r.product_id: r
        for r in StockRecord.objects.filter(product_id__in=[x.product_id for x in lines])
    }
    missing = [x.product_id for x in lines if x.product_id not in records]
    if missing:
        raise BasketQuoteError(_("A quoted product is no longer sold: ask your account manager."))
    Line.objects.bulk_create(
        [
            Line(
                basket=basket,
                product_id=x.product_id,
                stockrecord=records[x.product_id],
                quantity=x.quantity,
                line_reference=f"{x.product_id}_{records[x.product_id].pk}_{reference}",
                # The quote's currency end to end (the stock record's only for old callers).
                price_currency=currency or records[x.product_id].price_currency,
                price_excl_tax=x.unit_price,
                quoted_unit_price=x.unit_price,
                quote_reference=reference,
                quote_valid_until=valid_until,
                quote_delivery_address_id=delivery_address_id,
            )
            for x in lines
        ]
    )
    cache_basket_bump(basket=basket)  # bulk_create sends no signal: the header summary
    basket._lines = None
    basket.reset_offer_applications()


@transaction.atomic
def basket_release_quote(*, reference: str, basket=None) -> int:
    """Take a quote's locked lines out of every basket not yet ordered; return how many.

    Whoever accepted the quote holds its lines, not necessarily the user who cancels it.
    """
    removed, _ = Line.objects.filter(
        quote_reference=reference, basket__status__in=[Basket.OPEN, Basket.SAVED]
    ).delete()
    if basket is not None:
        basket._lines = None
    return removed


# Restoring a cart from a follow-up email --------------------------------------------


@dataclass(frozen=True)
class RestoreLine:
    """A line to put back: the product, the quantity the buyer had, its title as they saw it."""

    product_id: int | None
    quantity: int
    title: str = ""


@dataclass(frozen=True)
class RestoredLine:
    title: str
    quantity: int  # the line's quantity in the basket afterwards


@dataclass(frozen=True)
class UnavailableLine:
    title: str
    reason: str


@dataclass
class RestoreResult:
    added: list[RestoredLine] = field(default_factory=list)
    merged: list[RestoredLine] = field(default_factory=list)  # raised to the earlier quantity
    unchanged: list[RestoredLine] = field(default_factory=list)  # already there, as many or more
    unavailable: list[UnavailableLine] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.merged)


@transaction.atomic
def basket_lines_restore(*, basket, lines: list[RestoreLine], strategy) -> RestoreResult:
    """Put earlier lines back into the basket at the buyer's prices today; merge, never double.

    A product already in the basket keeps the larger of the two quantities, so restoring
    twice changes nothing the second time. Lines are checked like a quick order (still sold,
    the buyer's quantity rules on the resulting line, stock) and added through the same
    bulk path; the ones that cannot be had are named with the reason.
    """
    result = RestoreResult()
    wanted: dict[int, int] = {}
    titles: dict[int, str] = {}
    for line in lines:
        if not line.product_id or line.quantity <= 0:
            result.unavailable.append(
                UnavailableLine(line.title or "?", _("This line cannot be restored."))
            )
            continue
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
        titles.setdefault(line.product_id, line.title)
    if not wanted:
        return result
    if basket.id is None:
        basket.save()
    # Lock the basket: a double click on the link must not add the lines twice.
    Basket.objects.select_for_update().filter(pk=basket.pk).first()
    in_basket = dict(
        basket.lines.filter(product_id__in=list(wanted), quoted_unit_price__isnull=True)
        .values_list("product_id", "quantity")
        .order_by()
    )
    skus = dict(
        StockRecord.objects.filter(product_id__in=list(wanted))
        .order_by("pk")
        .values_list("product_id", "partner_sku")
    )
    parsed, asked = [], {}
    for number, (product_id, quantity) in enumerate(wanted.items(), start=1):
        title = titles[product_id] or str(product_id)
        have = in_basket.get(product_id, 0)
        if have >= quantity:
            result.unchanged.append(RestoredLine(title, have))
            continue
        sku = skus.get(product_id)
        if not sku:
            result.unavailable.append(UnavailableLine(title, _("It is no longer sold.")))
            continue
        line = ParsedLine(number, sku.upper(), quantity - have, title)
        parsed.append(line)
        asked[id(line)] = (product_id, title, have, quantity)
    checked = bulk_services.quick_order_check(lines=parsed, basket=basket, strategy=strategy)
    bulk_services.quick_order_add(basket=basket, checked=checked)
    for item in checked:
        product_id, title, have, quantity = asked[id(item.parsed)]
        if item.product is not None:
            title = item.product.get_title() or title
        if not item.ok:
            result.unavailable.append(UnavailableLine(title, " ".join(item.errors)))
        elif have:
            result.merged.append(RestoredLine(title, quantity))
        else:
            result.added.append(RestoredLine(title, quantity))
    return result


@transaction.atomic
def basket_demo_idle_fill(*, email: str, lines: int, changed_at: datetime) -> int | None:
    """Demo only: fill the member's open basket (if empty) with ``lines`` buyable products at
    their prices and date every line ``changed_at``; return the basket id (None: no member)."""
    # Imported here: the strategy and companies import the basket's neighbours at load time.
    from shop.companies.selectors import membership_for_user
    from shop.partner.strategy import CompanyPricing

    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    membership = membership_for_user(user=user) if user is not None else None
    if membership is None:
        return None
    basket, _ = Basket.open.get_or_create(owner=user)
    if not basket.lines.exists():
        basket.strategy = CompanyPricing(company=membership.company)
        records = StockRecord.objects.select_related("product").filter(
            price__isnull=False, product__is_public=True
        )
        added = 0
        for record in records.order_by("pk"):
            pack = record.product.pack_size or 1
            quantity = -(-max(record.product.min_order_quantity or 1, 2) // pack) * pack
            if added >= lines or record.num_in_stock is None or record.num_in_stock < quantity:
                continue
            if not basket.strategy.fetch_for_product(
                record.product
            ).availability.is_available_to_buy:
                continue
            basket.add_product(record.product, quantity)
            added += 1
    Line.objects.filter(basket=basket).update(date_updated=changed_at)
    return basket.pk
