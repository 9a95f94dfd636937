from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.companies.vat import SUPPORTED_COUNTRIES

COUNTRY_NAMES = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CH": "Switzerland", "CY": "Cyprus",
    "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "ES": "Spain",
    "FI": "Finland", "FR": "France", "GB": "United Kingdom", "GR": "Greece", "HR": "Croatia",
    "HU": "Hungary", "IE": "Ireland", "IT": "Italy", "LT": "Lithuania", "LU": "Luxembourg",
    "LV": "Latvia", "MT": "Malta", "NL": "Netherlands", "NO": "Norway", "PL": "Poland",
    "PT": "Portugal", "RO": "Romania", "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia",
}  # fmt: skip
COUNTRY_CHOICES = sorted(
    ((code, COUNTRY_NAMES[code]) for code in SUPPORTED_COUNTRIES), key=lambda c: c[1]
)
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class CustomerGroup(models.Model):
    """A segment of client companies (e.g. workshops, plants, fleets): pricing and content target it."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    """A client business that buys from us; its members order on its behalf."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        CLOSED = "closed", _("Closed")

    class PaymentTerms(models.TextChoices):
        CARD = "card", _("Card payment only")
        NET_15 = "net15", _("On account, 15 days")
        NET_30 = "net30", _("On account, 30 days")
        NET_60 = "net60", _("On account, 60 days")

    legal_name = models.CharField(_("legal name"), max_length=200)
    trading_name = models.CharField(_("trading name"), max_length=200, blank=True)
    slug = models.SlugField(max_length=80, unique=True)
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES, default="DE")
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_companies",
    )
    customer_group = models.ForeignKey(
        CustomerGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="companies"
    )
    payment_terms = models.CharField(
        max_length=8, choices=PaymentTerms.choices, default=PaymentTerms.CARD
    )
    credit_limit = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), validators=NON_NEGATIVE
    )
    currency = models.CharField(max_length=3, default="EUR")
    # The ERP's own key, so an integration can address a company without storing ours.
    external_id = models.CharField(_("external ID"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="company_credit_limit_not_negative"
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="company_external_id_unique_when_set",
            ),
        ]

    def __str__(self) -> str:
        return self.trading_name or self.legal_name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class CompanyAddress(models.Model):
    """A billing or shipping address of a company; one default of each kind."""

    class Kind(models.TextChoices):
        BILLING = "billing", _("Billing")
        SHIPPING = "shipping", _("Shipping")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    label = models.CharField(
        _("label"), max_length=80, help_text=_("e.g. Head office, Warehouse Cologne")
    )
    line1 = models.CharField(_("street and number"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["kind", "-is_default", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind"],
                condition=Q(is_default=True),
                name="companyaddress_one_default_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.line1}, {self.postcode} {self.city}"


class CompanyMember(models.Model):
    """A user's place in a company: the role decides what they may do there."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Company admin")
        BUYER = "buyer", _("Buyer")
        APPROVER = "approver", _("Approver")
        VIEWER = "viewer", _("Viewer")

    class Period(models.TextChoices):
        NONE = "none", _("No period limit")
        DAY = "day", _("Per day")
        WEEK = "week", _("Per week")
        MONTH = "month", _("Per month")
        QUARTER = "quarter", _("Per quarter")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.BUYER)
    is_active = models.BooleanField(default=True)
    order_limit = models.DecimalField(
        _("limit per order"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("Orders above this total need an approver. Empty: no limit."),
    )
    period = models.CharField(
        _("spending period"), max_length=8, choices=Period.choices, default=Period.NONE
    )
    period_limit = models.DecimalField(
        _("limit per period"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["company", "user__email"]
        constraints = [
            # One active company per user today; the membership table allows several later.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_active=True),
                name="companymember_one_active_company_per_user",
            ),
            models.CheckConstraint(
                condition=Q(order_limit__isnull=True) | Q(order_limit__gte=0),
                name="companymember_order_limit_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(period_limit__isnull=True) | Q(period_limit__gte=0),
                name="companymember_period_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.company}"

    @property
    def can_order(self) -> bool:
        return self.is_active and self.role in {
            self.Role.ADMIN,
            self.Role.BUYER,
            self.Role.APPROVER,
        }

    @property
    def can_manage(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN


class CompanyApplication(models.Model):
    """A visitor's request for a business account; kept whatever the decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_applications"
    )
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    message = models.TextField(_("what do you need from us?"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Application of {self.company} ({self.get_status_display()})"


class Invitation(models.Model):
    """A company admin's invitation of a colleague; accepted once, through a signed link."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=CompanyMember.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.company}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class AuditEntry(models.Model):
    """Who did what to a company's account, including staff acting for a buyer."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The buyer a staff member was acting as, if any."),
    )
    action = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
