"""A client company's own part numbers for our products (its ERP's keys for what it buys)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.search.codes import normalize_code


class CustomerPartNumber(models.Model):
    """One company's part number for one of our products: searched, typed and shown beside our SKU."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="part_numbers"
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="customer_part_numbers"
    )
    part_number = models.CharField(_("your part number"), max_length=64)
    # Upper-case letters and digits only: "ab-12.3" and "AB 123" are the same number.
    normalized = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["part_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "normalized"], name="partnumber_unique_per_company"
            ),
            models.UniqueConstraint(
                fields=["company", "product"], name="partnumber_one_per_product"
            ),
        ]

    def __str__(self) -> str:
        return self.part_number

    def save(self, *args, **kwargs):
        self.normalized = normalize_code(self.part_number)
        super().save(*args, **kwargs)
