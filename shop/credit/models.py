"""The company ledger (immutable entries) and each company's credit-control settings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.companies.models import Company


class LedgerImmutableError(Exception):
    """A ledger entry is written once; corrections are new entries."""


class CreditAccount(models.Model):
    """Credit control for one company; its row is the lock that serialises authorisations."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="credit_account")
    hold_after_days_overdue = models.PositiveIntegerField(
        _("hold when overdue by more than (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: overdue invoices never put the account on hold."),
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warning band (% of the limit)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    po_number_required = models.BooleanField(_("purchase order number required"), default=False)
    hold_override_reason = models.TextField(_("reason for lifting the hold"), blank=True)
    hold_override_until = models.DateField(
        _("hold lifted until (inclusive)"), null=True, blank=True
    )
    hold_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hold_override_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(warning_percent__gte=1) & Q(warning_percent__lte=100),
                name="credit_warning_percent_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.company)


class LedgerEntry(models.Model):
    """One immutable line of a company's account: debits positive, credits negative."""

    class Kind(models.TextChoices):
        ORDER = "order", _("Order")
        PAYMENT = "payment", _("Payment received")
        CREDIT_NOTE = "credit_note", _("Credit note")
        ADJUSTMENT = "adjustment", _("Adjustment")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    # Linked once the order exists (the debit is written while the order is being placed).
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=64, blank=True)
    due_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(kind="order") & Q(amount__gt=0))
                    | (Q(kind__in=["payment", "credit_note"]) & Q(amount__lt=0))
                    | (Q(kind="adjustment") & ~Q(amount=0))
                ),
                name="credit_ledger_amount_sign",
            ),
            # One debit per order number: a replayed checkout cannot charge the account twice.
            models.UniqueConstraint(
                fields=["reference"], condition=Q(kind="order"), name="credit_one_debit_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} {self.amount} {self.currency}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutableError(_("A ledger entry cannot be changed: add a new entry."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutableError(_("A ledger entry cannot be deleted: add a new entry."))
