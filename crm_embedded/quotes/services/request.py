"""A buyer asks for a quote on products (from a product page or the basket)."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_embedded.quotes import notifications
from crm_embedded.quotes.models import Quote, QuoteEvent, QuoteLine
from crm_embedded.quotes.services._common import QuoteError, check_price, check_quantity
from crm_embedded.quotes.states import State
from shop.basket import services as basket_services
from shop.catalogue import selectors as catalogue_selectors
from shop.pricing.selectors import company_prices


@dataclass(frozen=True)
class RequestItem:
    product_id: int
    quantity: int
    target_price: Decimal | None = None


@transaction.atomic
def quote_request(
    *,
    member,
    items: list[RequestItem],
    note: str = "",
    needed_by: date | None = None,
    delivery_address=None,
    basket=None,
    basket_line_ids: set[int] | None = None,
) -> Quote:
    """Ask for a quote on products; lines taken from the basket leave it (the quote keeps a copy)."""
    company = member.company
    if not company.is_active:
        raise QuoteError(_("Your company account is not active yet: quotes open once it is."))
    if member.role == member.Role.VIEWER:
        raise QuoteError(
            _("Your role can see quotes but not ask for them: ask a buyer or your admin.")
        )
    if needed_by is not None and needed_by < timezone.localdate():
        raise QuoteError(
            _("'Needed by' %(date)s is in the past: choose a later date.")
            % {"date": f"{needed_by:%d.%m.%Y}"}
        )
    if delivery_address is not None and delivery_address.company_id != company.pk:
        raise QuoteError(_("Choose one of your company's addresses."))
    if not items:
        raise QuoteError(_("Choose at least one product and quantity for the quote."))
    merged: dict[int, RequestItem] = {}
    for item in items:
        check_quantity(item.quantity)
        check_price(item.target_price, "target price")
        if item.product_id in merged:
            old = merged[item.product_id]
            item = RequestItem(item.product_id, old.quantity + item.quantity, item.target_price)
        merged[item.product_id] = item
    stock = catalogue_selectors.product_stock(product_ids=list(merged))
    pairs = [(stock[pid].product, merged[pid].quantity) for pid in merged if pid in stock]
    prices = company_prices(company=company, products_quantities=pairs)
    if any(pid not in prices for pid in merged):
        raise QuoteError(
            _("A product of this request is not sold online: remove it and try again.")
        )
    quote = Quote.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced by Q-<id> just below
        company=company,
        requested_by=member.user,
        account_manager=company.account_manager,
        currency=next(iter(prices.values())).currency,
        note=note.strip()[:4000],
        needed_by=needed_by,
        delivery_address=delivery_address,
    )
    quote.number = f"Q-{quote.pk:06d}"
    quote.save(update_fields=["number"])
    QuoteLine.objects.bulk_create(
        [
            QuoteLine(
                quote=quote,
                product=stock[pid].product,
                sku=stock[pid].sku,
                title=stock[pid].product.get_title()[:255],
                quantity=merged[pid].quantity,
                list_price=prices[pid].list_price,
                contract_price=prices[pid].unit_price,
                target_price=merged[pid].target_price,
            )
            for pid in merged
        ]
    )
    if basket is not None:
        basket_services.basket_lines_take(basket=basket, line_ids=basket_line_ids)
    QuoteEvent.objects.create(quote=quote, by=member.user, to_state=State.REQUESTED,
                              text="Request for quote")  # fmt: skip
    notifications.queue(quote, "requested")
    return quote
