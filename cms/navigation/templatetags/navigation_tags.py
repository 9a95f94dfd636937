from django import template

from cms.caching import site_chrome_cached
from cms.navigation.selectors import SiteChrome, site_chrome

register = template.Library()


@register.simple_tag(takes_context=True)
def site_navigation(context) -> SiteChrome:
    """The header/footer content, computed once per request."""
    request = context.get("request")
    if request is None:
        return SiteChrome()
    chrome = getattr(request, "_site_chrome", None)
    if chrome is None:
        chrome = request._site_chrome = site_chrome_cached(
            request=request, build=lambda: site_chrome(request=request)
        )
    return chrome
