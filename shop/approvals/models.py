from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.approvals.states import State
from shop.companies.models import Company

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
