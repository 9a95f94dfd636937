"""What staff decided about a card payment that no order accounts for.

Oscar's dashboard has no models of its own; this fork keeps the one record its payment pages
write: who resolved an unmatched payment, how (refunded through Stripe, or handled another
way) and why. One per payment, so a double submit cannot resolve it twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnmatchedPaymentResolution(models.Model):
    class Kind(models.TextChoices):
        REFUNDED = "refunded", _("Refunded through Stripe")
        HANDLED = "handled", _("Handled")

    payment = models.OneToOneField(
        "payment.UnmatchedPayment", on_delete=models.CASCADE, related_name="resolution"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField()
    refund_reference = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("unmatched payment resolution")

    def __str__(self) -> str:
        return f"{self.payment_id} {self.kind}"
