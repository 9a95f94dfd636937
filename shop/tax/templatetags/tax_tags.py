from django import template

from shop.tax import services

register = template.Library()


@register.simple_tag
def order_tax_note(order) -> str:
    """The legal tax text an order was placed with (reverse charge, exemption), or ''."""
    return services.order_tax_note(order=order)
