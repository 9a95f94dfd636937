from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.payment.models import *  # noqa: F403


class CardIntent(models.Model):
    """A Stripe PaymentIntent created for a basket: one per basket, amount and currency."""

    idempotency_key = models.CharField(max_length=120, unique=True)
    intent_id = models.CharField(max_length=255, unique=True)
    basket_id = models.PositiveIntegerField(db_index=True)
    order_number = models.CharField(max_length=128, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("card payment intent")

    def __str__(self) -> str:
        return self.intent_id


class StripeEvent(models.Model):
    """A webhook event from Stripe, stored once per event id so that a redelivery does nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Stripe event")

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class UnmatchedPayment(models.Model):
    """A card payment Stripe took that no order accounts for: staff must resolve it.

    Stripe may report the payment while the buyer's "Place order" is still on its way: the
    flag is then resolved by that order (``order_number``, ``resolved_at``).
    """

    intent_id = models.CharField(max_length=255, unique=True)
    basket_id = models.PositiveIntegerField(null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    order_number = models.CharField(
        _("order placed for it"), max_length=128, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("unmatched card payment")

    def __str__(self) -> str:
        return f"{self.intent_id} ({self.amount} {self.currency})"
