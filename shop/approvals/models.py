from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.approvals.states import State
from shop.companies.models import Company, CompanyMember

DEFAULT_EXPIRY_DAYS = 7


class ApprovalPolicy(models.Model):
    """A company's approval settings (kept here, not on Company, so the app owns them)."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="approval_policy"
    )
    expiry_days = models.PositiveSmallIntegerField(
        _("requests expire after (days)"),
        default=DEFAULT_EXPIRY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    class Meta:
        verbose_name_plural = _("approval policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_days__gte=1) & Q(expiry_days__lte=90),
                name="approvalpolicy_expiry_days_1_to_90",
            )
        ]

    def __str__(self) -> str:
        return f"Approval policy of {self.company}"


class ApprovalRequest(models.Model):
    """A basket frozen over a buyer's limits, waiting for an approver's decision."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="approval_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_requests"
    )
    basket = models.ForeignKey(
        "basket.Basket", on_delete=models.PROTECT, related_name="approval_requests"
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    # Oscar's shipping session fields and method code, as the buyer chose them.
    shipping_address = models.JSONField(default=dict, blank=True)
    shipping_method_code = models.CharField(max_length=128, blank=True)
    purchase_order_number = models.CharField(_("purchase order number"), max_length=64, blank=True)
    note = models.TextField(_("note for the approver"), blank=True)
    reasons = models.TextField(_("why approval is needed"), blank=True)
    status = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # Set when an approval rule applies: its tiers decide, from tier 1 on.
    rule = models.ForeignKey(
        "approvals.ApprovalRule", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="requests",
    )  # fmt: skip
    tier = models.PositiveSmallIntegerField(default=1)
    tier_started_at = models.DateTimeField(null=True, blank=True)
    # After the last tier's time ran out: the company admins decide.
    escalated_to_admin = models.BooleanField(default=False)
    order = models.OneToOneField(
        "order.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approval_request",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=Decimal("0")), name="approvalrequest_total_not_negative"
            ),
            # One live request per basket: a replayed POST cannot create a second one.
            models.UniqueConstraint(
                fields=["basket"],
                condition=Q(status=State.PENDING),
                name="approvalrequest_one_pending_per_basket",
            ),
        ]

    def __str__(self) -> str:
        return f"Approval request #{self.pk} of {self.company} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == State.PENDING

    @property
    def is_awaiting_payment(self) -> bool:
        return self.status == State.AWAITING_PAYMENT


class ApprovalRule(models.Model):
    """A company admin's rule: orders matching every condition set need these approvers.

    Tier 1 decides first; tier 2 (optional) only after tier 1. "Any" needs one approval of
    the tier, "all" every member's. Nobody acting within ``escalate_after_hours`` moves the
    request to the next tier, or after the last to the company admins.
    """

    class Mode(models.TextChoices):
        ANY = "any", _("Any one of them")
        ALL = "all", _("All of them")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="approval_rules")
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)
    min_total = models.DecimalField(
        _("order total from"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    min_lines = models.PositiveIntegerField(_("number of lines from"), null=True, blank=True)
    category = models.ForeignKey(
        "catalogue.Category", verbose_name=_("contains products of category"), null=True,
        blank=True, on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    # SET_NULL, not CASCADE: a product leaving the catalogue widens the rule (more orders
    # go to approval) rather than deleting it (fewer would).
    product = models.ForeignKey(
        "catalogue.Product", verbose_name=_("contains the product"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    buyer_role = models.CharField(
        _("buyer's role"), max_length=16, blank=True, choices=CompanyMember.Role.choices
    )
    tier1 = models.ManyToManyField(
        CompanyMember, verbose_name=_("first approvers"), related_name="+"
    )
    tier1_mode = models.CharField(max_length=3, choices=Mode.choices, default=Mode.ANY)
    tier2 = models.ManyToManyField(
        CompanyMember, verbose_name=_("second approvers"), related_name="+", blank=True
    )
    tier2_mode = models.CharField(max_length=3, choices=Mode.choices, default=Mode.ANY)
    escalate_after_hours = models.PositiveIntegerField(
        _("escalate after (hours)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
    )  # fmt: skip

    class Meta:
        ordering = ["company", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_total__isnull=True) | Q(min_total__gte=0),
                name="approvalrule_min_total_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalVote(models.Model):
    """One approver's approval of a request at a tier of its rule."""

    approval_request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="votes"
    )
    member = models.ForeignKey(CompanyMember, on_delete=models.CASCADE, related_name="+")
    tier = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval_request", "member", "tier"], name="approvalvote_once_per_tier"
            )
        ]

    def __str__(self) -> str:
        return f"Approval of request #{self.approval_request_id} at tier {self.tier}"
