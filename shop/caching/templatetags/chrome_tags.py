from django import template

from shop.caching.chrome import mini_basket_html
from shop.caching.versions import versions_token

register = template.Library()


@register.simple_tag(takes_context=True)
def mini_basket(context) -> str:
    """The header's basket summary, cached per basket state and price audience."""
    request = context.get("request")
    return mini_basket_html(request=request) if request is not None else ""


@register.simple_tag
def catalogue_version() -> str:
    """The catalogue's version, for fragment caches of category trees and menus."""
    return versions_token(scopes=["catalogue"])
