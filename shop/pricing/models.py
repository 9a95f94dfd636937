from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def when_as_date(when=None) -> date:
    """The local date of a moment (now by default); a date stays itself."""
    if when is None or isinstance(when, datetime):
        return timezone.localdate(when)
    return when


class PriceList(models.Model):
    """Negotiated prices for one company (a contract) or for a customer group."""

    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=80, unique=True)
    currency = models.CharField(max_length=3, default="EUR")
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contract_price_lists",
        help_text=_("Set for a contract with one company."),
    )
    customer_group = models.ForeignKey(
        "companies.CustomerGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="price_lists",
        help_text=_("Set for a list that applies to a whole segment."),
    )
    # Dates a person types, both inclusive: "valid until 31 Dec 2027" applies all that day.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("The last day it applies.")
    )
    is_active = models.BooleanField(default=True)
    # The ERP's own key, so an integration can address a price list without storing ours.
    external_id = models.CharField(_("external ID"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(company__isnull=False) & Q(customer_group__isnull=True))
                | (Q(company__isnull=True) & Q(customer_group__isnull=False)),
                name="pricelist_company_xor_group",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="pricelist_ends_on_or_after_start",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="pricelist_external_id_unique_when_set",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_at(self, when=None) -> bool:
        """Whether the list applies at a moment (or on a date): its days are inclusive."""
        day = when_as_date(when)
        return (
            self.is_active
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


class PriceListEntry(models.Model):
    """One price rule: for a product or a whole category, from a quantity upwards."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed unit price")
        PERCENT_OFF = "percent", _("Percent off list price")

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey(
        "catalogue.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "catalogue.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    min_quantity = models.PositiveIntegerField(
        _("from quantity"), default=1, validators=[MinValueValidator(1)]
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FIXED)
    value = models.DecimalField(
        max_digits=12, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    min_order_quantity = models.PositiveIntegerField(
        _("minimum order quantity (override)"), null=True, blank=True
    )
    order_multiple = models.PositiveIntegerField(
        _("order multiple (override)"), null=True, blank=True
    )

    class Meta:
        ordering = ["price_list", "product", "category", "min_quantity"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(product__isnull=False) & Q(category__isnull=True))
                | (Q(product__isnull=True) & Q(category__isnull=False)),
                name="pricelistentry_product_xor_category",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0), name="pricelistentry_value_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100),
                name="pricelistentry_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__gte=1), name="pricelistentry_min_quantity_gte_1"
            ),
            models.UniqueConstraint(
                fields=["price_list", "product", "min_quantity"],
                condition=Q(product__isnull=False),
                name="pricelistentry_one_tier_per_product_quantity",
            ),
            models.UniqueConstraint(
                fields=["price_list", "category", "min_quantity"],
                condition=Q(category__isnull=False),
                name="pricelistentry_one_tier_per_category_quantity",
            ),
        ]
        indexes = [
            models.Index(fields=["price_list", "product"]),
            models.Index(fields=["price_list", "category"]),
        ]

    def __str__(self) -> str:
        target = self.product or self.category
        return f"{self.price_list}: {target} from {self.min_quantity}"


class PriceChange(models.Model):
    """Who changed which price, when, from what to what."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="changes")
    entry_id = models.PositiveIntegerField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=32)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.action} on {self.price_list_id}"
