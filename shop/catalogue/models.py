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

    class Meta(AbstractProduct.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pack_size__gte=1), name="product_pack_size_gte_1"
            ),
            models.CheckConstraint(
                condition=models.Q(min_order_quantity__gte=1),
                name="product_min_order_quantity_gte_1",
            ),
        ]


from oscar.apps.catalogue.models import *  # noqa: E402,F403
