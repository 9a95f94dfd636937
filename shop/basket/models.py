from decimal import Decimal

from django.db import models
from django.db.models.query import ModelIterable
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine
from oscar.apps.partner.availability import Unavailable

from shop.basket.display import currency_text
from shop.money import money_round
from shop.partner.stock import stock_beside_basket


class _LinesWithOptions(ModelIterable):
    """Basket lines with their options (``line.attributes``) attached in one query.

    Django's ``prefetch_related("attributes")`` builds a filtered query set per line to
    hold the answer, a fifth of loading a 300-line basket. Here a line without options
    shares one empty query set (nothing it could be asked yields anything) and only a
    line with options gets its own; ``line.attributes.all()`` asks the database no more.
    """

    def __iter__(self):
        lines = list(super().__iter__())
        ids = [line.pk for line in lines]
        found: dict[int, list] = {}
        if ids:
            attribute_model = self.queryset.model.attributes.rel.related_model
            for attribute in attribute_model.objects.filter(line_id__in=ids).select_related(
                "option"
            ):
                found.setdefault(attribute.line_id, []).append(attribute)
        none = None
        for line in lines:
            cache = line.__dict__.setdefault("_prefetched_objects_cache", {})
            if "attributes" in cache:
                continue
            options = found.get(line.pk)
            if options:
                attributes = line.attributes.get_queryset()
                attributes._result_cache = options
            else:
                if none is None:
                    none = line.attributes.none()
                    none._result_cache = []
                attributes = none
            attributes._prefetch_done = True
            cache["attributes"] = attributes
        yield from lines


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
            self._lines = self.lines.select_related(
                "product",
                "product__product_class",
                "product__parent__product_class",
                "stockrecord",
            ).order_by(self._meta.pk.name)
            self._lines._iterable_class = _LinesWithOptions
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

    def is_quantity_allowed(self, qty, line=None):
        """Oscar's check; a refused line quantity is explained as one line, unless several
        lines really share the stock record (Oscar's message names that case)."""
        allowed, reason = super().is_quantity_allowed(qty, line=line)
        if allowed or line is None:
            return allowed, reason
        wanted = line.quantity + qty  # qty is the change to the stored quantity (Oscar's form)
        if self.basket_quantity(line) > line.quantity:
            return allowed, reason  # other lines hold the same stock record
        permitted, own_reason = line.purchase_info.availability.is_purchase_permitted(wanted)
        return (allowed, reason) if permitted else (permitted, own_reason)

    def add_product(self, product, quantity=1, options=None):
        line, created = super().add_product(product, quantity, options)
        if quantity > 0 and line.quantity > 0:
            from shop.basket.services import basket_line_price_follow_quantity

            # Oscar kept the first addition's price (or the default quantity's, on creation).
            basket_line_price_follow_quantity(
                line=line,
                strategy=self.strategy,
                stored_for=None if created else line.quantity - quantity,
            )
        return line, created

    add_product.alters_data = True
    add = add_product

    def addition_refusal(self, product, quantity: int, availability) -> str:
        """Why ``quantity`` more of ``product`` cannot be added beside what the basket holds,
        in the stock figures the buyer sees ('' when it can, or when the basket holds none)."""
        held = self.product_quantity(product) if self.id else 0
        permitted, reason = availability.is_purchase_permitted(held + quantity)
        if permitted or not held:
            return ""
        available = getattr(availability, "num_available", None)
        if available is None or not getattr(availability, "tells_quantity", True):
            return reason
        if available > 0 and not availability.is_purchase_permitted(available)[0]:
            return reason  # no quantity at all can be bought from stock (a minimum above it)
        return stock_beside_basket(available=available, held=held)

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
        # The basket shows net amounts, so a change is said in them too. The stored price
        # follows the buyer's own quantity changes (shop.basket.services), so a tier
        # crossed by adding more is not reported as a price change.
        price = self.purchase_info.price
        if (
            self.price_excl_tax is None
            or not getattr(price, "exists", False)
            or isinstance(self.purchase_info.availability, Unavailable)
        ):
            return super().get_warning()
        old, new = money_round(self.price_excl_tax), money_round(price.excl_tax)
        if old == new:
            return None
        amounts = {
            "product": self.product.get_title(),
            # Oscar's currency filter's text, without babel per amount (a basket may warn on
            # hundreds of lines after a price list changed).
            "old_price": currency_text(old, self.price_currency),
            "new_price": currency_text(new, self.price_currency),
        }
        if new > old:
            return (
                gettext(
                    "The price of %(product)s has risen from %(old_price)s to %(new_price)s "
                    "(excl. tax) since you added it to your basket."
                )
                % amounts
            )
        return (
            gettext(
                "The price of %(product)s has fallen from %(old_price)s to %(new_price)s "
                "(excl. tax) since you added it to your basket."
            )
            % amounts
        )

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
