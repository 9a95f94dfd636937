from django import template

from shop.partner.stock import stock_info as _stock_info

register = template.Library()


@register.simple_tag(takes_context=True)
def stock_info(context, stockrecord, product=None):
    """``{% stock_info stockrecord product as stock %}``: the buyer's stock view, or None."""
    request = context.get("request")
    strategy = getattr(request, "strategy", None)
    return _stock_info(stockrecord, strategy=strategy, product=product)
