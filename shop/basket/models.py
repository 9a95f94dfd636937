from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine
from oscar.apps.partner.availability import Unavailable

from shop.money import money_round


class Basket(AbstractBasket):
    """Oscar's basket, loading each line's product class with the lines.

    Pricing and availability read ``product.get_product_class()`` for every line, so
    without these joins the basket page costs queries per line. The products' images are
    not loaded with the lines: only the header's basket summary shows them, and it loads
    them when it is rendered again (shop.caching.chrome), not on every basket page.
    """

    def all_lines(self):
        if self.id is None:
            return self.lines.model.objects.none()
        if self._lines is None:
            self._lines = (
                self.lines.select_related(
                    "product",
                    "product__product_class",
                    "product__parent__product_class",
                    "stockrecord",
                )
                .prefetch_related("attributes")
                .order_by(self._meta.pk.name)
            )
        return self._lines

    # {stock record id: quantity in the database} while the basket formset validates an
    # update (shop.basket.formsets): Oscar would sum the lines once per line.
    stock_record_quantities: dict | None = None

    # (max allowed, threshold) while the basket formset builds its forms: Oscar asks per line.
    max_allowed_quantity_known: tuple | None = None

    def max_allowed_quantity(self):
        if self.max_allowed_quantity_known is not None:
            return self.max_allowed_quantity_known
        return super().max_allowed_quantity()

    def basket_quantity(self, line):
        known = self.stock_record_quantities
        if known is not None and self.id is not None:
            return known.get(line.stockrecord_id) or 0
        return super().basket_quantity(line)

    class Meta(AbstractBasket.Meta):
        pass


class Line(AbstractLine):
    """A basket line; a quote locks its unit price (the Quotes issue sets these fields)."""

    quoted_unit_price = models.DecimalField(
        _("locked quoted unit price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quote_reference = models.CharField(_("quote"), max_length=32, blank=True)
    quote_valid_until = models.DateField(_("quoted price valid until"), null=True, blank=True)
    # The quote's agreed delivery address, pre-selected at checkout (the shop cannot read quotes).
    quote_delivery_address = models.ForeignKey(
        "companies.CompanyAddress",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("quote's delivery address"),
    )

    class Meta(AbstractLine.Meta):
        pass

    def get_warning(self):
        # Tax is rounded per line (shop.tax), so a unit price incl. tax carries fractions of a
        # cent that the price stored at add time (two places) does not: Oscar's comparison
        # then warned "increased from €36.52 to €36.52". A buyer pays the net unit price plus
        # tax on the line, so the net unit price to the cent is what can have changed.
        price = self.purchase_info.price
        if (
            self.price_excl_tax is not None
            and getattr(price, "exists", False)
            and money_round(price.excl_tax) == money_round(self.price_excl_tax)
            and not isinstance(self.purchase_info.availability, Unavailable)
        ):
            return None
        return super().get_warning()

    # A quoted price is final: Oscar's offers and vouchers leave quoted lines alone.
    def is_available_for_offer_discount(self, offer):
        if self.quoted_unit_price is not None:
            return False
        return super().is_available_for_offer_discount(offer)

    @property
    def unit_effective_price(self):
        if self.quoted_unit_price is not None:
            return Decimal("0.00")  # offers skip zero-priced lines (oscar.apps.offer)
        return super().unit_effective_price


from oscar.apps.basket.models import *  # noqa: E402,F403
