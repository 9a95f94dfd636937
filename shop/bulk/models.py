from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RequisitionList(models.Model):
    """A named list of products and quantities to order again and again; shareable in the company."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="requisition_lists"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requisition_lists"
    )
    name = models.CharField(_("name"), max_length=120)
    is_shared = models.BooleanField(
        _("shared with my company"),
        default=False,
        help_text=_("Colleagues can see it; buyers can order it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="requisitionlist_unique_name_per_owner"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RequisitionLine(models.Model):
    requisition = models.ForeignKey(RequisitionList, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requisition", "product"], name="requisitionline_one_per_product"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="requisitionline_quantity_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"
