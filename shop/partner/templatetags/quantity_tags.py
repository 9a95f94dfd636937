"""Quantity inputs and tier tables that agree with the buyer's quantity rule."""

from django import template

register = template.Library()


@register.filter
def input_min(rule) -> int:
    """``{{ rule|input_min }}``: the smallest quantity the rule accepts (the minimum order
    rounded up to the pack), the ``min`` of a quantity input whose ``step`` is the pack."""
    return rule.nearest(1) if rule is not None else 1


@register.filter
def tiers_from_minimum(tiers, rule) -> list[tuple[int, object]]:
    """``{{ pricing.tiers|tiers_from_minimum:pricing.rule }}``: the tiers a buyer can order.

    Tiers below the minimum order collapse into one row at the minimum (priced as the
    highest of them); the tiers above it stay as they are.
    """
    if rule is None:
        return list(tiers)
    minimum = rule.nearest(1)
    below = [(quantity, price) for quantity, price in tiers if quantity <= minimum]
    rows = [(minimum, below[-1][1])] if below else []
    return rows + [(quantity, price) for quantity, price in tiers if quantity > minimum]
