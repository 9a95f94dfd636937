from django import template

from shop.tax.services import order_tax_reason

register = template.Library()


@register.simple_tag
def order_tax_note(order) -> str:
    """The legal tax text an order carries (reverse charge), or ''."""
    return order_tax_reason(order=order).note
