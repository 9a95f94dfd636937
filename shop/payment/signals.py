"""Card payment events for listeners elsewhere (order documents); ids and amounts only."""

from django.dispatch import Signal

# A card payment was refunded (in part or in full) through Stripe and recorded on the order.
# Sent with send_robust after the refund is recorded. Arguments: order_id, amount (Decimal),
# currency, reference (Stripe's refund id).
card_refunded = Signal()
