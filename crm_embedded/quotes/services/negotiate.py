"""Staff negotiate a request into offers: review, edit the draft, send versions, reject; the thread."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_embedded.quotes import notifications, selectors
from crm_embedded.quotes.models import Quote, QuoteEvent, QuoteLine, QuoteMessage, QuoteVersion
from crm_embedded.quotes.services._common import (
    MAX_TOTAL,
    QuoteError,
    check_editable,
    check_price,
    check_quantity,
    close_overdue_task,
    locked,
    quote_move,
    quote_move_from,
)
from crm_embedded.quotes.states import State
from shop.catalogue import selectors as catalogue_selectors
from shop.companies.selectors import user_is_sales_manager
from shop.money import money_round
from shop.pricing.selectors import company_prices


@transaction.atomic
def quote_start_review(*, quote: Quote, by) -> Quote:
    """Take a new request into review."""
    quote = quote_move_from(
        locked(quote),
        (State.REQUESTED,),
        State.IN_REVIEW,
        by=by,
        text="Review started",
        refusal=_("Only a new request is taken into review"),
    )
    quote.save(update_fields=["state", "updated_at"])
    close_overdue_task(quote, by=by)
    return quote


@transaction.atomic
def quote_revise(*, quote: Quote, by) -> Quote:
    """Staff reopen a sent offer to change it; the buyer can no longer accept the old one."""
    quote = quote_move_from(
        locked(quote),
        (State.OFFERED,),
        State.IN_REVIEW,
        by=by,
        text="Offer withdrawn for revision",
        refusal=_("Only a sent offer is revised"),
    )
    quote.save(update_fields=["state", "updated_at"])
    notifications.queue(quote, "revising")
    return quote


def _offered_from(line: QuoteLine, *, unit_price, percent_off) -> Decimal | None:
    if unit_price not in (None, "") and percent_off not in (None, ""):
        raise QuoteError(
            _("%(sku)s: give a unit price or a percentage off, not both.") % {"sku": line.sku}
        )
    if percent_off not in (None, ""):
        percent = Decimal(percent_off)
        if not Decimal(0) <= percent <= Decimal(100):
            raise QuoteError(
                _("%(sku)s: the percentage off must be from 0 to 100.") % {"sku": line.sku}
            )
        return money_round(line.list_price * (Decimal(100) - percent) / Decimal(100))
    if unit_price not in (None, ""):
        price = Decimal(unit_price)
        check_price(price, f"price of {line.sku}")
        return money_round(price)
    return line.offered_price


@transaction.atomic
def quote_lines_update(*, quote: Quote, by, changes: dict[int, dict]) -> Quote:
    """Staff set each line's quantity and offered price (or percentage off list); 0 removes it.

    ``changes`` maps line id to {"quantity", "unit_price", "percent_off"} (strings or numbers).
    """
    quote = locked(quote)
    check_editable(quote)
    lines = {line.pk: line for line in quote.lines.all()}
    changed, removed, notes = [], [], []
    for line_id, change in changes.items():
        line = lines.get(line_id)
        if line is None:
            raise QuoteError(_("That line is not on this quote any more: reload the page."))
        quantity = int(change.get("quantity", line.quantity))
        if quantity == 0:
            removed.append(line)
            continue
        check_quantity(quantity)
        offered = _offered_from(
            line, unit_price=change.get("unit_price"), percent_off=change.get("percent_off")
        )
        if (quantity, offered) != (line.quantity, line.offered_price):
            parts = []
            if quantity != line.quantity:
                parts.append(f"quantity {line.quantity} → {quantity}")
            if offered != line.offered_price:
                parts.append(f"price {line.offered_price or '—'} → {offered or '—'}")
            notes.append(f"{line.sku}: {', '.join(parts)}")
            line.quantity, line.offered_price = quantity, offered
            changed.append(line)
    if len(removed) == len(lines):
        raise QuoteError(_("An offer needs at least one line: keep one, or reject the request."))
    QuoteLine.objects.bulk_update(changed, ["quantity", "offered_price"])
    QuoteLine.objects.filter(pk__in=[line.pk for line in removed]).delete()
    if changed or removed:
        text = "; ".join(notes + [f"{line.sku} removed" for line in removed])
        QuoteEvent.objects.create(quote=quote, by=by, text=f"Lines changed: {text}")
    return quote


@transaction.atomic
def quote_line_add(*, quote: Quote, by, sku: str, quantity: int) -> QuoteLine:
    """Staff add a product by SKU to the draft."""
    quote = locked(quote)
    check_editable(quote)
    check_quantity(quantity)
    stock = catalogue_selectors.product_stock_for_sku(sku=sku)
    price = None
    if stock is not None and stock.price is not None:
        price = company_prices(
            company=quote.company, products_quantities=[(stock.product, quantity)]
        ).get(stock.product.pk)
    if price is None:
        raise QuoteError(
            _("No product with the SKU '%(sku)s' is sold: check the SKU.")
            % {"sku": sku.strip()[:40]}
        )
    if quote.lines.filter(product=stock.product).exists():
        raise QuoteError(
            _("%(sku)s is on the quote already: change its quantity.") % {"sku": stock.sku}
        )
    line = QuoteLine.objects.create(
        quote=quote, product=stock.product, sku=stock.sku,
        title=stock.product.get_title()[:255], quantity=quantity,
        list_price=price.list_price, contract_price=price.unit_price,
    )  # fmt: skip
    QuoteEvent.objects.create(quote=quote, by=by, text=f"Line added: {quantity} x {line.sku}")
    return line


@transaction.atomic
def quote_terms_update(*, quote: Quote, by, valid_until: date | None, terms: str) -> Quote:
    """Staff set the offer's validity and terms."""
    quote = locked(quote)
    check_editable(quote)
    if valid_until is not None and valid_until < timezone.localdate():
        raise QuoteError(
            _("Valid until %(date)s is in the past: choose a later date.")
            % {"date": f"{valid_until:%d.%m.%Y}"}
        )
    quote.valid_until, quote.terms = valid_until, terms.strip()[:4000]
    quote.save(update_fields=["valid_until", "terms", "updated_at"])
    return quote


@transaction.atomic
def quote_send(*, quote: Quote, by) -> QuoteVersion:
    """Freeze the draft into a new version and send it to the buyer."""
    quote = locked(quote)
    if quote.state == State.AWAITING_APPROVAL:
        raise QuoteError(
            _("This offer is waiting for a sales manager's approval: send it once approved.")
        )
    lines = list(quote.lines.order_by("pk"))
    if not lines:
        raise QuoteError(_("The offer has no lines."))
    unpriced = [line.sku for line in lines if line.offered_price is None]
    if unpriced:
        raise QuoteError(
            _("Give every line an offered price first: %(skus)s.")
            % {"skus": ", ".join(unpriced[:10])}
        )
    if sum((line.offered_price * line.quantity for line in lines), Decimal(0)) > MAX_TOTAL:
        raise QuoteError(
            _("The offer's total is above %(max)s: split it into several quotes.")
            % {"max": f"{MAX_TOTAL:,}"}
        )
    today = timezone.localdate()
    if quote.valid_until is None:
        quote.valid_until = today + timedelta(days=settings.QUOTE_DEFAULT_VALIDITY_DAYS)
    if quote.valid_until < today:
        raise QuoteError(_("The validity date is in the past: set a later one."))
    needing = selectors.lines_needing_approval(quote=quote)
    if (
        needing
        and not selectors.quote_is_approved(quote=quote)
        and not user_is_sales_manager(user=by)
    ):
        names = "; ".join(f"{line.sku}: {why}" for line, why in needing[:5])
        raise QuoteError(
            _(
                "A sales manager must approve these discounts before the offer is sent: "
                "%(names)s. Use “Ask a sales manager to approve”."
            )
            % {"names": names}
        )
    quote_move(quote, State.OFFERED, by=by, text="Offer sent")
    close_overdue_task(quote, by=by)
    number = (quote.versions.count() or 0) + 1
    snapshot = [
        {"sku": line.sku, "title": line.title, "quantity": line.quantity,
         "list_price": str(line.list_price), "unit_price": str(line.offered_price),
         "line_total": str(line.offered_price * line.quantity), "product_id": line.product_id}
        for line in lines
    ]  # fmt: skip
    version = QuoteVersion.objects.create(
        quote=quote, number=number, sent_at=timezone.now(), sent_by=by,
        valid_until=quote.valid_until, terms=quote.terms, currency=quote.currency,
        lines=snapshot, total=sum((line.offered_price * line.quantity for line in lines), Decimal(0)),
    )  # fmt: skip
    quote.offered_at, quote.reminded_at = version.sent_at, None
    quote.save(update_fields=["state", "valid_until", "offered_at", "reminded_at", "updated_at"])
    notifications.queue(quote, "offered")
    return version


@transaction.atomic
def quote_reject(*, quote: Quote, by, reason: str) -> Quote:
    """Staff turn a request down, with a reason the buyer sees."""
    if not reason.strip():
        raise QuoteError(_("Say why the request is rejected: the buyer sees the reason."))
    quote = quote_move(locked(quote), State.REJECTED, by=by, text=reason.strip())
    close_overdue_task(quote, by=by)
    quote.reason = reason.strip()[:4000]
    quote.save(update_fields=["state", "reason", "updated_at"])
    notifications.queue(quote, "rejected")
    return quote


@transaction.atomic
def quote_message_post(
    *, quote: Quote, author, body: str, from_staff: bool, internal: bool = False, line_id=None
) -> QuoteMessage:
    """Post to the quote's thread; staff may keep a note internal."""
    body = body.strip()
    if not body:
        raise QuoteError(_("Write a message first."))
    if internal and not from_staff:
        raise QuoteError(_("Only staff can write internal notes."))
    line = None
    if line_id:
        line = quote.lines.filter(pk=line_id).first()
        if line is None:
            raise QuoteError(_("That line is not on this quote: choose another or none."))
    message = QuoteMessage.objects.create(
        quote=quote, author=author, body=body[:4000], is_internal=internal, from_staff=from_staff,
        line=line, line_label=f"{line.sku} {line.title}"[:200] if line else "",
    )  # fmt: skip
    if not internal:
        notifications.queue(quote, "message_to_buyer" if from_staff else "message_to_staff",
                            message_id=message.pk)  # fmt: skip
    return message
