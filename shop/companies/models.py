from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    """A client business that buys from us; its members order on its behalf."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        CLOSED = "closed", _("Closed")

    legal_name = models.CharField(_("legal name"), max_length=200)
    trading_name = models.CharField(_("trading name"), max_length=200, blank=True)
    slug = models.SlugField(max_length=80, unique=True)
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    country = models.CharField(_("country"), max_length=2, default="DE")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_companies",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.trading_name or self.legal_name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class CompanyMember(models.Model):
    """A user's place in a company: the role decides what they may do there."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Company admin")
        BUYER = "buyer", _("Buyer")
        APPROVER = "approver", _("Approver")
        VIEWER = "viewer", _("Viewer")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.BUYER)
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One company per user for now; dropping this constraint is the path to several.
            models.UniqueConstraint(fields=["user"], name="companymember_one_company_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.company}"
