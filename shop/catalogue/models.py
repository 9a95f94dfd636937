from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct


class Product(AbstractProduct):
    """Oscar's product plus the B2B quantity rules sold with it."""

    pack_size = models.PositiveIntegerField(
        _("pack size"),
        default=1,
        help_text=_("Units per pack; order quantities must be a multiple of it."),
    )
    min_order_quantity = models.PositiveIntegerField(_("minimum order quantity"), default=1)
    # The ERP's own key, so an integration can address a product without storing ours.
    external_id = models.CharField(_("external ID"), max_length=64, blank=True, db_index=True)
    # Buyers search by the maker's name and the maker's own part number as often as by ours.
    brand = models.CharField(_("brand"), max_length=80, blank=True, db_index=True)
    manufacturer_part_number = models.CharField(
        _("manufacturer part number"), max_length=64, blank=True
    )

    class Meta(AbstractProduct.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pack_size__gte=1), name="product_pack_size_gte_1"
            ),
            models.CheckConstraint(
                condition=models.Q(min_order_quantity__gte=1),
                name="product_min_order_quantity_gte_1",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="product_external_id_unique_when_set",
            ),
        ]


from oscar.apps.catalogue.models import *  # noqa: E402,F403
