"""Writes on baskets that other parts of the portal act through (quotes, bulk ordering)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.errors import PortalError

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
