"""The buyer acts on an offer: accept into the basket, decline, ask for changes, cancel; and
the order that closes an accepted quote."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_embedded.quotes import notifications
from crm_embedded.quotes.models import Quote, QuoteEvent, QuoteMessage
from crm_embedded.quotes.services._common import (
    QuoteError,
    close_approval_tasks,
    locked,
    quote_move,
    quote_move_from,
)
from crm_embedded.quotes.states import State
from shop.basket import services as basket_services
from shop.webhooks.services import webhook_event_emit


def _buyer_may_act(quote: Quote, member) -> None:
    if member is None or member.company_id != quote.company_id:
        raise QuoteError(_("This quote is not your company's."))
    if member.role == member.Role.VIEWER:
        raise QuoteError(_("Your role can see quotes but not act on them: ask a buyer."))
    if not member.company.is_active:
        raise QuoteError(
            _("Your company account is not active: ask your account manager before going on.")
        )


@transaction.atomic
def quote_accept(*, quote: Quote, member, basket) -> Quote:
    """Accept the current offer: its lines go into the basket at the quoted prices, locked.

    Runs under a row lock, so two accepts at once put the lines in once: the second finds
    the quote accepted already and is refused.
    """
    _buyer_may_act(quote, member)
    quote = locked(quote)
    if (
        quote.state == State.OFFERED
        and quote.valid_until
        and quote.valid_until < timezone.localdate()
    ):
        raise QuoteError(
            _("This offer expired on %(date)s: ask for changes to get a new one.")
            % {"date": f"{quote.valid_until:%d.%m.%Y}"}
        )
    quote_move(quote, State.ACCEPTED, by=member.user, text="Offer accepted")
    version = quote.versions.order_by("-number").first()
    try:
        basket_services.basket_add_quoted_lines(
            basket=basket,
            reference=quote.number,
            valid_until=version.valid_until,
            delivery_address_id=quote.delivery_address_id,
            currency=version.currency or quote.currency,
            lines=[
                basket_services.QuotedLine(
                    int(row["product_id"]), int(row["quantity"]), Decimal(row["unit_price"])
                )
                for row in version.lines
            ],
        )
    except basket_services.BasketQuoteError as exc:
        raise QuoteError(exc.message) from exc
    quote.save(update_fields=["state", "updated_at"])
    notifications.queue(quote, "accepted")
    webhook_event_emit(
        event="quote.accepted",
        resource_type="quote",
        resource_id=quote.number,
        payload={
            "number": quote.number,
            "version": version.number,
            "company": {"id": quote.company_id, "external_id": quote.company.external_id},
            "currency": version.currency or quote.currency,
            "total": f"{version.total:.2f}",
            "valid_until": version.valid_until,
            "lines": [
                {k: row.get(k) for k in ("sku", "quantity", "unit_price", "line_total")}
                for row in version.lines
            ],
        },
    )
    return quote


@transaction.atomic
def quote_decline(*, quote: Quote, member, reason: str) -> Quote:
    """The buyer declines the offer, saying why."""
    _buyer_may_act(quote, member)
    if not reason.strip():
        raise QuoteError(_("Tell your account manager why you decline: it helps the next offer."))
    quote = quote_move(locked(quote), State.DECLINED, by=member.user, text=reason.strip())
    quote.reason = reason.strip()[:4000]
    quote.save(update_fields=["state", "reason", "updated_at"])
    notifications.queue(quote, "declined")
    return quote


@transaction.atomic
def quote_ask_changes(*, quote: Quote, member, message: str) -> Quote:
    """The buyer counters the offer: the message goes to the thread and a new version is drafted."""
    _buyer_may_act(quote, member)
    if not message.strip():
        raise QuoteError(_("Say what should change (prices, quantities, dates)."))
    quote = quote_move_from(
        locked(quote),
        (State.OFFERED, State.EXPIRED),
        State.IN_REVIEW,
        by=member.user,
        text="Changes requested",
        refusal=_("You can ask for changes to an offer (or an expired one) only"),
    )
    quote.save(update_fields=["state", "updated_at"])
    QuoteMessage.objects.create(quote=quote, author=member.user, body=message.strip()[:4000])
    notifications.queue(quote, "changes_requested")
    return quote


@transaction.atomic
def quote_cancel(*, quote: Quote, member, reason: str = "", basket=None) -> Quote:
    """The buyer withdraws the request (or an accepted quote not yet ordered)."""
    _buyer_may_act(quote, member)
    quote = locked(quote)
    was_accepted = quote.state == State.ACCEPTED
    quote_move(quote, State.CANCELLED, by=member.user, text=reason.strip() or "Cancelled")
    close_approval_tasks(quote, by=member.user)
    if was_accepted:
        # Accepted but not ordered: the locked lines leave the basket with the quote, also
        # when a colleague cancels (the lines sit in the basket of whoever accepted).
        basket_services.basket_release_quote(basket=basket, reference=quote.number)
    quote.reason = reason.strip()[:4000]
    quote.save(update_fields=["state", "reason", "updated_at"])
    notifications.queue(quote, "cancelled")
    return quote


def quote_mark_ordered(*, quote_number: str, order_number: str) -> None:
    """Record that the accepted quote became an order (from the order_placed receiver)."""
    with transaction.atomic():
        quote = Quote.objects.select_for_update().filter(number=quote_number).first()
        if quote is None or quote.state == State.ORDERED:
            return  # a duplicate delivery changes nothing
        if quote.state != State.ACCEPTED:
            # E.g. cancelled while its basket was being paid for: the order stands (it is
            # paid); staff see it in the history and by email, and nothing is retried.
            QuoteEvent.objects.create(
                quote=quote, text=f"Order {order_number} was placed while the quote was "
                f"'{quote.staff_state}': check it with the buyer.",
            )  # fmt: skip
            quote.order_number = order_number
            quote.save(update_fields=["order_number", "updated_at"])
        else:
            quote_move(quote, State.ORDERED, by=None, text=f"Order {order_number}")
            quote.order_number = order_number
            quote.save(update_fields=["state", "order_number", "updated_at"])
    notifications.queue(quote, "ordered")
