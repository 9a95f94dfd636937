from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm_embedded.quotes.states import BUYER_NAMES, STAFF_NAMES, State

ZERO = Decimal("0.00")


class Quote(models.Model):
    """A request for quote and its negotiation; the working lines are the draft of the next offer."""

    number = models.CharField(max_length=20, unique=True)
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="quotes"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quotes_requested"
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes_managed",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    currency = models.CharField(max_length=3, default="EUR")
    note = models.TextField("buyer's note", blank=True)
    needed_by = models.DateField(null=True, blank=True)
    delivery_address = models.ForeignKey(
        "companies.CompanyAddress",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_until = models.DateField(null=True, blank=True)
    terms = models.TextField(blank=True)
    reason = models.TextField(
        blank=True, help_text=_("Why it was declined, rejected or cancelled.")
    )
    # Approval of a discount beyond the threshold, for the lines as they were approved.
    approval_requested_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_fingerprint = models.CharField(max_length=64, blank=True)
    order_number = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "valid_until"])]

    def __str__(self) -> str:
        return self.number

    @property
    def buyer_state(self) -> str:
        return BUYER_NAMES[State(self.state)]

    @property
    def staff_state(self) -> str:
        return STAFF_NAMES[State(self.state)]

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()


class QuoteLine(models.Model):
    """A line of the working draft: what the buyer asked for and what staff will offer."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=128)
    title = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    list_price = models.DecimalField(max_digits=12, decimal_places=2)
    contract_price = models.DecimalField(
        "the company's price when requested", max_digits=12, decimal_places=2
    )
    target_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    offered_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="quoteline_quantity_gte_1"),
            models.CheckConstraint(
                condition=Q(offered_price__isnull=True) | Q(offered_price__gte=0),
                name="quoteline_offered_price_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(target_price__isnull=True) | Q(target_price__gte=0),
                name="quoteline_target_price_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def line_total(self) -> Decimal | None:
        return None if self.offered_price is None else self.offered_price * self.quantity


class QuoteVersion(models.Model):
    """A sent offer, frozen: its lines are a snapshot and the row is never changed again."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_until = models.DateField()
    terms = models.TextField(blank=True)
    currency = models.CharField(max_length=3)
    lines = models.JSONField()  # [{sku, title, quantity, list_price, unit_price, line_total}]
    total = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["quote", "number"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "number"], name="quoteversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.quote.number} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A sent quote version is frozen: it cannot be changed."))
        super().save(*args, **kwargs)


class QuoteMessage(models.Model):
    """The quote's thread; internal notes are for staff only."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    line = models.ForeignKey(
        QuoteLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    line_label = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    is_internal = models.BooleanField(default=False)
    from_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class QuoteEvent(models.Model):
    """The quote's history: every transition and change, who made it and when."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state}"
