from django import template
from django.utils.safestring import mark_safe

from cms.caching import CHROME_HTML_PARTS, site_chrome_cached, site_chrome_html
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


class SiteChromeHtmlNode(template.Node):
    def __init__(self, part: str, nodelist):
        self.part, self.nodelist = part, nodelist

    def render(self, context) -> str:
        request = context.get("request")
        # The search box shows the words searched: only the empty box is shared.
        if request is None or context.get("site_search_query"):
            return self.nodelist.render(context)
        html = site_chrome_html(
            request=request, part=self.part, render=lambda: self.nodelist.render(context)
        )
        return mark_safe(html)  # noqa: S308 (our own rendered template)


@register.tag
def site_chrome_cache(parser, token):
    """``{% site_chrome_cache "nav" %}...{% endsite_chrome_cache %}``: shared rendered header/footer.

    Only for markup that depends on nothing but the site, the language and the header and
    footer content (cms.caching.site_chrome_html): no user, no CSRF token, no nonce.
    """
    bits = token.split_contents()
    part = bits[1][1:-1] if len(bits) == 2 and bits[1][0] in "'\"" else None
    if part not in CHROME_HTML_PARTS:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes one quoted part of: {', '.join(CHROME_HTML_PARTS)}"
        )
    nodelist = parser.parse(("endsite_chrome_cache",))
    parser.delete_first_token()
    return SiteChromeHtmlNode(part, nodelist)
