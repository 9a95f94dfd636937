"""Oscar's basket forms, enforcing minimum order quantities and pack sizes.

A wrong quantity gets a message that proposes the nearest valid one. Prices are never
read from the form: they always come from the strategy.
"""

from django import forms
from django.utils.translation import gettext as _
from oscar.apps.basket import forms as oscar_forms
from oscar.apps.basket.forms import *  # noqa: F403

from shop.pricing.engine import QuantityRule
from shop.validators import TextGuardMixin


def _rule(strategy, product, stockrecord=None) -> QuantityRule:
    if hasattr(strategy, "quantity_rule"):
        return strategy.quantity_rule(product, stockrecord)
    return QuantityRule(product.min_order_quantity, product.pack_size)


def quantity_input_attrs(rule: QuantityRule, *, zero_removes: bool = False) -> dict[str, int]:
    """Return the browser's constraints for a quantity input, agreeing with the rule.

    HTML counts ``step`` from ``min``, so ``min`` is the minimum order rounded up to the pack
    (a multiple of it): every value the browser accepts is then a whole number of packs. Where
    0 removes a line (basket, lists), ``min`` is 0: the same multiples of the pack, plus 0.
    """
    return {"min": 0 if zero_removes else rule.nearest(1), "step": rule.order_multiple}


class AddToBasketForm(TextGuardMixin, oscar_forms.AddToBasketForm):
    def __init__(self, basket, product, *args, **kwargs):
        super().__init__(basket, product, *args, **kwargs)
        if "quantity" in self.fields and not product.is_parent:
            rule = _rule(basket.strategy, product)
            field = self.fields["quantity"]
            field.initial = rule.nearest(1)
            field.widget.attrs.update(quantity_input_attrs(rule))
            # Django's "Ensure this value is greater than or equal to 1." for a 0, though the
            # product's minimum order may be 4: say the quantity that can be ordered.
            field.error_messages = {
                **field.error_messages,
                "min_value": _("Type a quantity of at least %(minimum)s.")
                % {"minimum": rule.nearest(1)},
            }

    def clean(self):
        quantity = self.cleaned_data.get("quantity")
        if quantity and not self.errors and self.basket.id:
            # Oscar checks the stock for basket and addition together and says only "a
            # maximum": with some in the basket already, say how many more can be added.
            info = self.basket.strategy.fetch_for_product(self.product)
            refusal = self.basket.addition_refusal(self.product, quantity, info.availability)
            if refusal:
                raise forms.ValidationError(refusal)
        cleaned = super().clean()
        quantity = cleaned.get("quantity")
        if quantity and not self.errors:
            resulting = (
                self.basket.product_quantity(self.product) if self.basket.id else 0
            ) + quantity
            problem = _rule(self.basket.strategy, self.product).problem(resulting)
            if problem:
                raise forms.ValidationError(problem)
        return cleaned


class SimpleAddToBasketForm(oscar_forms.SimpleAddToBasketMixin, AddToBasketForm):
    """The compact form on product cards: adds the product's smallest valid quantity."""

    def __init__(self, basket, product, *args, **kwargs):
        super().__init__(basket, product, *args, **kwargs)
        if "quantity" in self.fields and not product.is_parent:
            self.fields["quantity"].initial = _rule(basket.strategy, product).nearest(1)


def _line_max(maximum: int, line) -> int:
    """The browser's ``max`` for a line's quantity: Oscar's, but never below the quantity the
    line holds. Stock that dropped below it would make the browser refuse every update of
    the basket, even one that removes the line; the server still refuses the quantity."""
    return max(maximum, line.quantity or 0)


def unbound_quantity_attrs(line, strategy, basket_max_allowed: int | None) -> dict:
    """The quantity widget's attributes of an unbound ``BasketLineForm`` for ``line``.

    What the field declares, Oscar's ``max`` (the stock on hand and the basket's cap) and
    the quantity rule's ``min``/``step``, in the order the form sets them: the basket page
    renders its rows from this without building the forms (shop.basket.display).
    """
    attrs = dict(BasketLineForm.base_fields["quantity"].widget.attrs)
    num_available = getattr(line.purchase_info.availability, "num_available", None)
    if num_available and basket_max_allowed:
        maximum = min(num_available, basket_max_allowed)
    else:
        maximum = num_available or basket_max_allowed
    if maximum:
        attrs["max"] = _line_max(maximum, line)
    if line.quoted_unit_price is None:
        attrs.update(
            quantity_input_attrs(_rule(strategy, line.product, line.stockrecord), zero_removes=True)
        )
    return attrs


class BasketLineForm(oscar_forms.BasketLineForm):
    def __init__(self, strategy, *args, **kwargs):
        super().__init__(strategy, *args, **kwargs)
        line = self.instance
        attrs = self.fields["quantity"].widget.attrs
        if line.id and attrs.get("max"):
            attrs["max"] = _line_max(attrs["max"], line)
        if line.id and line.quoted_unit_price is None:
            rule = _rule(strategy, line.product, line.stockrecord)
            self.fields["quantity"].widget.attrs.update(
                quantity_input_attrs(rule, zero_removes=True)
            )

    def clean_quantity(self):
        if self.instance.id and self.instance.quoted_unit_price is not None:
            quantity = self.cleaned_data.get("quantity")
            if quantity != self.instance.quantity:
                raise forms.ValidationError(
                    _(
                        "The quantity is locked by quote %(quote)s: ask your account manager "
                        "for a new quote to change it."
                    )
                    % {"quote": self.instance.quote_reference}
                )
            return quantity
        quantity = super().clean_quantity()
        if quantity > 0:
            problem = _rule(
                self.instance.basket.strategy, self.instance.product, self.instance.stockrecord
            ).problem(quantity)
            if problem:
                raise forms.ValidationError(problem)
        return quantity

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.id
            and self.instance.quoted_unit_price is not None
            and (cleaned.get("DELETE") or cleaned.get("save_for_later"))
        ):
            raise forms.ValidationError(
                _(
                    "This line belongs to quote %(quote)s: cancel the quote on its page to take "
                    "its lines out of the basket."
                )
                % {"quote": self.instance.quote_reference}
            )
        return cleaned
