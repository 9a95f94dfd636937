"""Reads over card payments: what an order's card paid and what was refunded."""

from dataclasses import dataclass
from decimal import Decimal

from shop.money import money_round
from shop.payment.services import CARD_SOURCE_TYPE


@dataclass(frozen=True)
class CardPaymentSummary:
    """An order's card payment as staff need it before refunding."""

    reference: str
    currency: str
    paid: Decimal
    refunded: Decimal

    @property
    def refundable(self) -> Decimal:
        return money_round(self.paid - self.refunded)


def card_payment_for_order(*, order) -> CardPaymentSummary | None:
    """Return what the order's card payment debited and refunded, or None if not paid by card."""
    source = order.sources.filter(source_type__name=CARD_SOURCE_TYPE).first()
    if source is None:
        return None
    return CardPaymentSummary(
        reference=source.reference,
        currency=source.currency or order.currency,
        paid=money_round(source.amount_debited),
        refunded=money_round(source.amount_refunded),
    )
