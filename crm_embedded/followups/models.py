"""Follow-up rules (edited by sales managers), what the job did per item and stage, opt-outs."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FollowUpRule(models.Model):
    """One rule per kind of leak: whether it runs, its thresholds and what each stage does."""

    class Kind(models.TextChoices):
        IDLE_BASKET = "idle_basket", _("Idle cart")
        OFFER_EXPIRING = "offer_expiring", _("Offer expiring unanswered")
        QUOTE_NOT_ORDERED = "quote_not_ordered", _("Accepted quote not ordered")
        APPROVAL_PENDING = "approval_pending", _("Purchase approval pending")
        REORDER_LAPSED = "reorder_lapsed", _("Regular reorder lapsed")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, unique=True)
    active = models.BooleanField(_("active"), default=True)
    # When an item becomes a leak: hours idle or pending (carts, approvals), days before an
    # offer expires or since a quote was accepted, cycles missed (reorders).
    threshold_hours = models.PositiveIntegerField(
        _("hours before stage 1"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 90)],
    )
    threshold_days = models.PositiveIntegerField(
        _("days"), default=3, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    email_buyer = models.BooleanField(_("email the buyer at stage 1 and 2"), default=True)
    stage2_after_days = models.PositiveIntegerField(
        _("days between stage 1 and the reminder (stage 2)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    task_min_value = models.DecimalField(
        _("file a task at stage 1 from this net value (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("1000.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    task_after_stage2 = models.BooleanField(
        _("file a task for the account manager after the reminder"), default=True
    )
    lookback_days = models.PositiveIntegerField(
        _("ignore items older than (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("follow-up rule")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class FollowUp(models.Model):
    """What the job did for one item (a cart, quote, approval, reorder) at one stage.

    ``(item_key, stage)`` is unique: two overlapping runs cannot both act on an item's stage.
    """

    class Stage(models.IntegerChoices):
        FIRST = 1, _("Stage 1")
        REMINDER = 2, _("Stage 2 (reminder)")
        TASK = 3, _("Task for the account manager")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Email sent")
        TASK = "task", _("Task filed")
        OPTED_OUT = "opted_out", _("Opted out: task route only")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    rule = models.ForeignKey(FollowUpRule, on_delete=models.PROTECT, related_name="followups")
    kind = models.CharField(_("kind"), max_length=32, choices=FollowUpRule.Kind.choices)
    item_key = models.CharField(_("item"), max_length=120)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("buyer"),
    )
    email = models.EmailField(_("email"), blank=True)
    # The item's ids as plain integers: the CRM reads the storefront only through selectors.
    basket_id = models.PositiveIntegerField(null=True, blank=True)
    quote = models.ForeignKey(
        "quotes.Quote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_id = models.PositiveIntegerField(null=True, blank=True)
    # [{"product_id", "sku", "title", "quantity", "unit_price"}] at the buyer's prices, as sent.
    lines = models.JSONField(_("lines"), default=list, blank=True)
    value = models.DecimalField(_("net value"), max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="EUR")
    task = models.ForeignKey(
        "crm_tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notification_key = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Recovery: the first order of the company after this follow-up with any of its lines.
    recovered_order_number = models.CharField(max_length=128, blank=True)
    recovered_amount = models.DecimalField(
        _("recovered net revenue"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    recovered_at = models.DateTimeField(null=True, blank=True)
    restored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("follow-up")
        constraints = [
            models.UniqueConstraint(fields=["item_key", "stage"], name="crm_followup_item_stage")
        ]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="crm_followup_company"),
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=["pending", "failed"]),
                name="crm_followup_retry",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(recovered_at__isnull=True),
                name="crm_followup_unrecovered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_key} stage {self.stage}"


class FollowUpOptOut(models.Model):
    """A person who asked for no follow-up emails: by the link in an email or in their account."""

    class Source(models.TextChoices):
        LINK = "link", _("Link in an email")
        ACCOUNT = "account", _("Account settings")
        STAFF = "staff", _("Account team")

    email = models.EmailField(_("email"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.LINK)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up opt-out")

    def __str__(self) -> str:
        return self.email
