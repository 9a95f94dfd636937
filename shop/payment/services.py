"""Card payments through Stripe PaymentIntents: create, verify, refund, and webhook events."""

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.payment.exceptions import UnableToTakePayment
from oscar.core.loading import get_model

from shop.payment.gateway import PaymentNotConfigured, stripe_client, stripe_js_url
from shop.payment.models import CardIntent, StripeEvent, UnmatchedPayment
from shop.payment.signals import card_refunded

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")

CARD_SOURCE_TYPE = "Card (Stripe)"
AWAITING_PAYMENT = "Awaiting payment"
PAID_STATUS = "Placed"  # orders.states.PLACED: paid, ready for staff to confirm
SUCCEEDED = "succeeded"
PROCESSING = "processing"
REFUNDED_UNPLACED = "refunded"  # CardIntent.status of a payment refunded for want of stock


class CardPaymentRefused(UnableToTakePayment):
    """The card payment cannot be used for this order; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CardIntentHandle:
    intent_id: str
    client_secret: str
    amount: Decimal
    currency: str
    # Stripe already took this payment for the basket (the buyer paid, then their "Place
    # order" never arrived): placing the order uses it, no card is asked for again.
    paid: bool = False


def _cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _unavailable() -> CardPaymentRefused:
    return CardPaymentRefused(
        _("Card payment is unavailable right now: pay on account or try again later.")
    )


def _refunded(client, intent) -> bool:
    """Whether any of the intent's payment went back (a succeeded intent stays "succeeded")."""
    charge = getattr(intent, "latest_charge", None)
    if not charge:
        return False
    if isinstance(charge, str):
        charge = client.v1.charges.retrieve(charge)
    return bool(charge.amount_refunded)


def _spent(client, known: CardIntent, intent) -> bool:
    """An intent this basket can no longer pay with: used, refunded or cancelled."""
    if known.order_number or known.status == REFUNDED_UNPLACED or intent.status == "canceled":
        return True
    return intent.status == SUCCEEDED and _refunded(client, intent)


def card_intent_for_basket(
    *, basket_id: int, order_number: str, amount: Decimal, currency: str
) -> CardIntentHandle:
    """Return the PaymentIntent for this basket, amount and currency, creating it once.

    The same intent comes back on every visit (idempotency key from basket, amount and
    currency), so a reload or a second tab never charges twice. One that was paid but has
    no order yet is handed back as ``paid``; one that was refunded, cancelled or used is
    replaced by a new one (the key gets a sequence number).
    """
    currency = currency.lower()
    base = f"basket-{basket_id}-{_cents(amount)}-{currency}"
    try:
        client = stripe_client()
    except PaymentNotConfigured as exc:
        raise _unavailable() from exc
    earlier = list(
        CardIntent.objects.filter(basket_id=basket_id, amount=amount, currency=currency).order_by(
            "-pk"
        )
    )
    known = earlier[0] if earlier else None
    key = base if not earlier else known.idempotency_key
    try:
        intent = client.v1.payment_intents.retrieve(known.intent_id) if known else None
        if known is not None and _spent(client, known, intent):
            known, key = None, f"{base}-{len(earlier)}"
        if known is None:
            intent = client.v1.payment_intents.create(
                params={
                    "amount": _cents(amount),
                    "currency": currency,
                    "capture_method": "automatic",
                    "payment_method_types": ["card"],
                    "metadata": {"basket_id": str(basket_id), "order_number": order_number},
                },
                options={"idempotency_key": key},
            )
    except stripe.StripeError as exc:
        logger.warning(
            "Stripe refused to create/retrieve an intent for basket %s: %s", basket_id, exc
        )
        raise _unavailable() from exc
    if known is None:
        try:
            with transaction.atomic():
                CardIntent.objects.create(
                    idempotency_key=key,
                    intent_id=intent.id,
                    basket_id=basket_id,
                    amount=amount,
                    currency=currency,
                    status=intent.status,
                )
        except IntegrityError:
            # A parallel request stored it first; with the same idempotency key Stripe
            # returned that same intent.
            pass
    return CardIntentHandle(
        intent_id=intent.id,
        client_secret=intent.client_secret,
        amount=amount,
        currency=currency,
        paid=intent.status == SUCCEEDED,
    )


def card_browser_settings() -> dict:
    """Return what the payment page needs to load Stripe.js and confirm the card."""
    return {
        "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_js_url": stripe_js_url(),
    }


def card_intent_verify(
    *, intent_id: str, basket_id: int, expected_amount: Decimal, currency: str
) -> str:
    """Check the intent pays this basket's amount and currency; return its status or refuse."""
    record = CardIntent.objects.filter(intent_id=intent_id, basket_id=basket_id).first()
    if record is None:
        raise CardPaymentRefused(
            _("That card payment does not belong to this basket: enter your card details again.")
        )
    try:
        intent = stripe_client().v1.payment_intents.retrieve(intent_id)
    except (stripe.StripeError, PaymentNotConfigured) as exc:
        logger.warning("Stripe could not retrieve intent %s: %s", intent_id, exc)
        raise _unavailable() from exc
    if intent.amount != _cents(expected_amount) or intent.currency.lower() != currency.lower():
        raise CardPaymentRefused(
            _(
                "The card payment (%(paid)s %(paid_currency)s) does not match the order total "
                "(%(total)s %(currency)s): the basket changed. Enter your card details again."
            )
            % {
                "paid": Decimal(intent.amount) / 100,
                "paid_currency": intent.currency.upper(),
                "total": expected_amount,
                "currency": currency.upper(),
            }
        )
    CardIntent.objects.filter(pk=record.pk).update(status=intent.status)
    if intent.status in (SUCCEEDED, PROCESSING):
        return intent.status
    if intent.status == "requires_action":
        raise CardPaymentRefused(
            _(
                "Your bank asks you to confirm this payment (3-D Secure): confirm it in the "
                "window that opens, then place the order again."
            )
        )
    if intent.status in ("requires_payment_method", "canceled"):
        raise CardPaymentRefused(
            _(
                "The card payment did not go through: check the card details or use another "
                "card. Nothing was charged."
            )
        )
    raise CardPaymentRefused(
        _("The card payment is not complete yet (%(status)s): try again in a moment.")
        % {"status": intent.status}
    )


def card_intent_claim(*, intent_id: str, order_number: str) -> None:
    """Tie the intent to the order being placed; refuse an intent already used by another."""
    claimed = CardIntent.objects.filter(
        intent_id=intent_id, order_number__in=("", order_number)
    ).update(order_number=order_number)
    if not claimed:
        raise CardPaymentRefused(
            _("This card payment was already used for another order: nothing more was charged.")
        )


def card_intent_release(*, intent_id: str, basket_id: int) -> bool:
    """Refund in full a card payment whose order cannot be placed; return whether it was paid.

    The browser charges the card before "Place order" reaches us; when the order then fails
    for a reason the buyer cannot pay around (the last units sold a moment earlier), the
    money goes back at once instead of waiting for staff. A later "succeeded" webhook for
    the intent raises no staff flag.
    """
    # Locked: a parallel "Place order" claiming this intent (same row) commits first, and
    # the claimed intent is then left alone.
    record = (
        CardIntent.objects.select_for_update()
        .filter(intent_id=intent_id, basket_id=basket_id, order_number="")
        .first()
    )
    if record is None or record.status == REFUNDED_UNPLACED:
        return False
    try:
        client = stripe_client()
        intent = client.v1.payment_intents.retrieve(intent_id)
        if intent.status != SUCCEEDED:
            return False
        client.v1.refunds.create(
            params={"payment_intent": intent_id},
            options={"idempotency_key": f"release-{intent_id}"},
        )
    except (stripe.StripeError, PaymentNotConfigured) as exc:
        # Not refunded: the "succeeded" webhook flags it for staff (never a silent loss).
        logger.warning("Could not refund unplaced card payment %s: %s", intent_id, exc)
        return False
    CardIntent.objects.filter(pk=record.pk).update(status=REFUNDED_UNPLACED)
    UnmatchedPayment.objects.filter(intent_id=intent_id, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    return True


def card_source_type():
    source_type, _created = SourceType.objects.get_or_create(name=CARD_SOURCE_TYPE)
    return source_type


def card_refund(*, order, amount: Decimal) -> str:
    """Refund part or all of an order's card payment through Stripe and record it on the order."""
    amount = Decimal(amount)
    source = order.sources.filter(source_type__name=CARD_SOURCE_TYPE).first()
    if source is None:
        raise CardPaymentRefused(
            _("Order %(number)s was not paid by card.") % {"number": order.number}
        )
    refundable = source.amount_debited - source.amount_refunded
    if amount <= 0 or amount > refundable:
        raise CardPaymentRefused(
            _("Refund an amount between 0.01 and %(max)s %(currency)s.")
            % {"max": refundable, "currency": source.currency}
        )
    key = f"refund-{order.number}-{_cents(source.amount_refunded)}-{_cents(amount)}"
    try:
        refund = stripe_client().v1.refunds.create(
            params={"payment_intent": source.reference, "amount": _cents(amount)},
            options={"idempotency_key": key},
        )
    except (stripe.StripeError, PaymentNotConfigured) as exc:
        logger.warning("Stripe refused a refund on order %s: %s", order.number, exc)
        raise CardPaymentRefused(
            _("Stripe did not accept the refund: %(error)s") % {"error": str(exc)}
        ) from exc
    source.refund(amount, reference=refund.id)
    _payment_event(
        order=order,
        event_name="Refunded",
        amount=amount,
        reference=refund.id,
        whole_order=amount == source.amount_debited,
    )
    card_refunded.send_robust(sender=Order, order_id=order.pk, amount=amount, currency=source.currency, reference=refund.id)  # fmt: skip
    return refund.id


def _payment_event(
    *, order, event_name: str, amount: Decimal, reference: str, whole_order: bool = True
) -> None:
    event_type, _created = get_model("order", "PaymentEventType").objects.get_or_create(
        name=event_name
    )
    event = get_model("order", "PaymentEvent").objects.create(
        order=order, event_type=event_type, amount=amount, reference=reference
    )
    if not whole_order:
        return  # a partial refund is an amount, not particular lines or units
    for line in order.lines.all():
        event.line_quantities.create(line=line, quantity=line.quantity)


def card_payment_placed(*, order_number: str) -> None:
    """Resolve the staff flag raised for this order's card payment before it was placed."""
    intents = CardIntent.objects.filter(order_number=order_number).values("intent_id")
    UnmatchedPayment.objects.filter(intent_id__in=intents, resolved_at__isnull=True).update(
        order_number=order_number, resolved_at=timezone.now()
    )


def _intent_succeeded(intent: dict) -> None:
    intent_id = intent["id"]
    amount = Decimal(intent["amount"]) / 100
    # The intent's row lock orders this after a "Place order" that is claiming it right now
    # (card_intent_claim updates the same row): once we hold it, that order is committed and
    # its source visible, or its placement has not begun and will resolve the flag below.
    record = CardIntent.objects.select_for_update().filter(intent_id=intent_id).first()
    if record is not None and record.status == REFUNDED_UNPLACED:
        return  # its order could not be placed and the payment was refunded at once
    if record is not None:
        CardIntent.objects.filter(pk=record.pk).update(status=SUCCEEDED)
    source = (
        Source.objects.filter(source_type__name=CARD_SOURCE_TYPE, reference=intent_id)
        .select_related("order")
        .first()
    )
    if source is not None:
        order = source.order
        if order.status == AWAITING_PAYMENT:
            # The intent was still processing when the order was placed: now it is paid.
            source.debit(amount, reference=intent_id)
            _payment_event(order=order, event_name="Settled", amount=amount, reference=intent_id)
            order.set_status(PAID_STATUS)
        return
    # No order for it (yet): the buyer's browser paid but never came back to place the
    # order, or its "Place order" is still on the way (that order resolves this flag). The
    # shipping choice lived in their session, so staff place or refund it: never a silent loss.
    UnmatchedPayment.objects.get_or_create(
        intent_id=intent_id,
        defaults={
            "basket_id": record.basket_id if record else None,
            "amount": amount,
            "currency": intent["currency"],
            "reason": _(
                "Stripe took this payment but no order was placed for it (the buyer did not "
                "return from the payment). When the buyer checks out the same basket again, "
                "the order is placed with this payment and this flag resolves itself; "
                "otherwise refund the payment."
            ),
        },
    )


def _intent_failed(intent: dict) -> None:
    # Out of order: a late failure of an earlier attempt does not undo a success.
    CardIntent.objects.filter(intent_id=intent["id"]).exclude(status=SUCCEEDED).update(
        status="payment_failed"
    )


HANDLERS = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
}


def stripe_event_receive(*, payload: bytes, signature: str) -> StripeEvent:
    """Verify a webhook delivery and process its event once; raise ValueError when not genuine."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or not signature:
        raise ValueError("missing signature or webhook secret")
    try:
        event = stripe.Webhook.construct_event(payload.decode("utf-8"), signature, secret)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    data = event.to_dict()
    with transaction.atomic():
        stored, _created = StripeEvent.objects.get_or_create(
            event_id=data["id"], defaults={"type": data["type"], "payload": data}
        )
        stored = StripeEvent.objects.select_for_update().get(pk=stored.pk)
        if stored.processed_at is not None:
            return stored
        handler = HANDLERS.get(data["type"])
        if handler is not None:
            handler(data["data"]["object"])
        stored.processed_at = timezone.now()
        stored.save(update_fields=["processed_at"])
    return stored
