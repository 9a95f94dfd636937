"""Invoices and credit notes of orders, numbered without gaps per series."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InvoiceSequence(models.Model):
    """The next free number of one series (e.g. "INV-2026"); locked while a number is taken."""

    key = models.CharField(_("series"), max_length=32, unique=True)
    next_number = models.PositiveIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("document number series")
        verbose_name_plural = _("document number series")

    def __str__(self) -> str:
        return f"{self.key}: {self.next_number}"


class Invoice(models.Model):
    """An order's invoice: totals, seller and buyer as they were on the day of issue."""

    order = models.ForeignKey(
        "order.Order", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("order")
    )
    number = models.CharField(_("invoice number"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    currency = models.CharField(_("currency"), max_length=3)
    net = models.DecimalField(_("net"), max_digits=14, decimal_places=2)
    tax = models.DecimalField(_("tax"), max_digits=14, decimal_places=2)
    gross = models.DecimalField(_("gross"), max_digits=14, decimal_places=2)
    seller = models.JSONField(_("seller"), default=dict)
    buyer = models.JSONField(_("buyer"), default=dict)
    reverse_charge = models.BooleanField(_("reverse charge"), default=False)
    tax_note = models.TextField(_("tax note"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            # One invoice per order, even when "Shipped" and a staff click arrive at once.
            models.UniqueConstraint(fields=["order"], name="invoice_one_per_order"),
            # No "gross = net + tax" check: SQLite adds decimals as floats and refuses
            # exact sums (3274.26 + 622.11); invoice_issue computes tax as gross - net.
        ]

    def __str__(self) -> str:
        return self.number


class CreditNote(models.Model):
    """A credit against an order's invoice: a refund or a cancellation after invoicing."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("invoice")
    )
    order = models.ForeignKey(
        "order.Order",
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("order"),
    )
    number = models.CharField(_("credit note number"), max_length=32, unique=True)
    amount = models.DecimalField(_("amount (gross)"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.TextField(_("reason"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    # The card refund it was issued for (Stripe's id): a redelivered signal issues no second.
    reference = models.CharField(_("reference"), max_length=64, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=Decimal("0")), name="creditnote_positive"
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="creditnote_one_per_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.number
