"""Tax rates by country, region, product tax class and validity dates, and exemptions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shop.companies.models import COUNTRY_CHOICES


class TaxClass(models.TextChoices):
    STANDARD = "standard", _("Standard rate")
    REDUCED = "reduced", _("Reduced rate")
    ZERO = "zero", _("Zero rate")


class TaxRate(models.Model):
    """A tax rate in percent for one country (and region), tax class and span of days."""

    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    region = models.CharField(
        _("region"), max_length=64, blank=True, help_text=_("Leave blank for the whole country.")
    )
    tax_class = models.CharField(
        _("tax class"), max_length=16, choices=TaxClass.choices, default=TaxClass.STANDARD
    )
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Percent of the net price, from 0 to 100, e.g. 19.00."),
    )
    valid_from = models.DateField(_("valid from"), help_text=_("First day the rate applies."))
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Last day the rate applies (inclusive); blank for no end date."),
    )

    class Meta:
        ordering = ["country", "region", "tax_class", "-valid_from"]
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="taxrate_rate_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="taxrate_until_not_before_from",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.country}-{self.region}" if self.region else self.country
        return f"{where} {self.get_tax_class_display()} {self.rate} %"

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("The last day cannot be before the first day (%(day)s).")
                 % {"day": self.valid_from.isoformat()}}
            )  # fmt: skip
        if not (self.country and self.tax_class and self.valid_from):
            return
        overlapping = TaxRate.objects.filter(
            country=self.country, region=self.region, tax_class=self.tax_class
        ).exclude(pk=self.pk)
        if self.valid_until is not None:
            overlapping = overlapping.filter(valid_from__lte=self.valid_until)
        overlapping = overlapping.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from)
        )
        other = overlapping.first()
        if other is not None:
            raise ValidationError(
                _("These days overlap another rate for the same country, region and class "
                  "(%(other)s from %(day)s): end that one first or change the dates.")
                % {"other": other, "day": other.valid_from.isoformat()}
            )  # fmt: skip


class ProductClassTax(models.Model):
    """The tax class of an Oscar product class; product classes without one are standard."""

    product_class = models.OneToOneField(
        "catalogue.ProductClass", on_delete=models.CASCADE, related_name="tax_setting"
    )
    tax_class = models.CharField(
        _("tax class"), max_length=16, choices=TaxClass.choices, default=TaxClass.STANDARD
    )

    class Meta:
        verbose_name = _("product class tax class")
        verbose_name_plural = _("product class tax classes")

    def __str__(self) -> str:
        return f"{self.product_class}: {self.get_tax_class_display()}"


class TaxExemption(models.Model):
    """A company's tax-exemption certificate; it exempts orders up to its last valid day."""

    company = models.OneToOneField(
        "companies.Company", on_delete=models.CASCADE, related_name="tax_exemption"
    )
    certificate_number = models.CharField(_("certificate number"), max_length=64)
    valid_until = models.DateField(
        _("valid until"), help_text=_("Last day the certificate is valid (inclusive).")
    )

    class Meta:
        verbose_name = _("tax exemption")
        verbose_name_plural = _("tax exemptions")

    def __str__(self) -> str:
        return f"{self.company}: {self.certificate_number} (until {self.valid_until})"

    def clean(self) -> None:
        if self.certificate_number is not None and not self.certificate_number.strip():
            raise ValidationError({"certificate_number": _("Enter the certificate's number.")})


class OrderTaxRecord(models.Model):
    """The tax treatment an order was placed under, stored at placement and never recomputed.

    The legal text (reverse charge) or the exemption certificate printed on the order and its
    documents must stay what applied on the day, whatever later happens to the company's VAT
    number, certificate or addresses.
    """

    class Treatment(models.TextChoices):
        STANDARD = "standard", _("Taxed at the destination's rates")
        REVERSE_CHARGE = "reverse charge", _("Reverse charge (EU cross-border B2B)")
        EXEMPT = "exempt", _("Tax exempt (certificate)")

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="tax_record", verbose_name=_("order")
    )
    treatment = models.CharField(_("tax treatment"), max_length=16, choices=Treatment.choices)
    legal_text = models.TextField(
        _("legal text"), blank=True, help_text=_("Printed with the order's tax, as placed.")
    )
    seller_country = models.CharField(_("seller country"), max_length=2)
    ship_to_country = models.CharField(_("ship-to country"), max_length=2)
    buyer_vat_number = models.CharField(
        _("buyer's VAT number"), max_length=32, blank=True,
        help_text=_("The VAT number the reverse charge relied on."),
    )  # fmt: skip
    exemption_certificate_number = models.CharField(
        _("exemption certificate number"), max_length=64, blank=True
    )
    exemption_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order tax record")
        verbose_name_plural = _("order tax records")
        constraints = [
            models.CheckConstraint(
                condition=~Q(treatment="exempt") | ~Q(exemption_certificate_number=""),
                name="ordertaxrecord_exempt_has_certificate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.get_treatment_display()}"
