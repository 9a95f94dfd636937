"""Cached fragments of the product page, with per-request holes and the request's CSRF token.

``{% pagecache "name" %}...{% endpagecache %}`` stores what it renders under the view's
``pagecache_key`` (product, price audience, versions: see ``shop.catalogue.views``) and
serves it from the cache next time. Inside it, ``{% pagecache_hole "name" %}...
{% endpagecache_hole %}`` marks what belongs to one user or request (their lists, a stock
alert, the back button): the cached copy holds a marker there, and each request renders
the hole itself, with the page's own context. Forms inside the fragment get a placeholder
instead of the CSRF token; it is swapped for this request's token after the cache.
"""

import hashlib
import re

from django import template
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from shop.caching.versions import request_cache_get

register = template.Library()

FRAGMENT_SECONDS = 3600  # versions make stale copies unreachable; this only frees memory
CSRF_PLACEHOLDER = "pagecache-csrf-9c1f6e0b"
_HOLE = "<!--pagecache-hole:{}-->"
_HOLE_RE = re.compile(r"<!--pagecache-hole:([a-z0-9_-]+)-->")
_FILLING = "_pagecache_filling"
# Hole nodes by name: a cached copy names its holes, so any process can fill them.
_holes: dict[str, "HoleNode"] = {}


def _token(context) -> str:
    request = context.get("request")
    return get_token(request) if request is not None else ""


def fragment_output(html: str, context) -> str:
    """Put this request's CSRF token and holes into a cached fragment."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, _token(context))
    if "<!--pagecache-hole:" in html:
        html = _HOLE_RE.sub(lambda found: _hole_render(found.group(1), context), html)
    return html


def _hole_render(name: str, context) -> str:
    node = _holes.get(name)
    return node.nodelist.render(context) if node is not None else ""


def _rendered(html: str) -> str:
    # Template output, escaped as it was rendered: a simple tag must not escape it again.
    return mark_safe(html)  # noqa: S308


def fragment_fill(context, render) -> str:
    """Render a fragment for the cache: CSRF placeholder, holes as markers."""
    with context.push({"csrf_token": CSRF_PLACEHOLDER, _FILLING: True}):
        return render()


class FragmentNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context) -> str:
        base = context.get("pagecache_key")
        if not base or context.get(_FILLING):
            return self.nodelist.render(context)
        key = f"{base}:{self.name}"
        # The view fetched the page's fragments in one round trip (and skipped pricing).
        found = context.get("pagecache_found")
        html = found.get(key) if found is not None else cache.get(key)
        if html is None:
            html = fragment_fill(context, lambda: self.nodelist.render(context))
            cache.set(key, html, FRAGMENT_SECONDS)
        return fragment_output(html, context)


class HoleNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context) -> str:
        if context.get(_FILLING):
            return _HOLE.format(self.name)
        return self.nodelist.render(context)


def _name(parser, token, end: str) -> tuple[str, template.NodeList]:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "'\"" or not re.fullmatch(r"[a-z0-9_-]+", bits[1][1:-1]):
        raise template.TemplateSyntaxError(f"{bits[0]} takes one quoted name of a-z, 0-9, _ or -")
    nodelist = parser.parse((end,))
    parser.delete_first_token()
    return bits[1][1:-1], nodelist


@register.tag
def pagecache(parser, token):
    """``{% pagecache "name" %}...{% endpagecache %}``: cached under the view's pagecache_key."""
    return FragmentNode(*_name(parser, token, "endpagecache"))


@register.tag
def pagecache_hole(parser, token):
    """``{% pagecache_hole "name" %}...{% endpagecache_hole %}``: rendered for each request."""
    node = HoleNode(*_name(parser, token, "endpagecache_hole"))
    _holes[node.name] = node
    return node


def _viewed_ids(request, current_pk) -> list[int]:
    from oscar.core.loading import get_class

    history = get_class("customer.history", "CustomerHistoryManager")
    ids = [pk for pk in history.extract(request) if type(pk) is int and pk != current_pk]
    return ids[-history.max_products :]


def recently_viewed_key(request, *, current_pk, audience: str) -> str | None:
    """The cache key of the recently viewed products shown beside ``current_pk`` (None: none)."""
    ids = _viewed_ids(request, current_pk)
    if not ids:
        return None
    digest = hashlib.blake2b(",".join(map(str, ids)).encode(), digest_size=8).hexdigest()
    return f"pagecache:viewed:{digest}:{audience}"


@register.simple_tag(takes_context=True)
def recently_viewed_cached(context, current_product):
    """Oscar's recently viewed products, cached per list of products and price audience."""
    from oscar.core.loading import get_class

    history = get_class("customer.history", "CustomerHistoryManager")
    request = context["request"]
    if not _viewed_ids(request, current_product.pk):
        return ""

    def render() -> str:
        products = [p for p in history.get(request) if p.pk != current_product.pk]
        viewed = get_template("oscar/customer/history/recently_viewed_products.html").template
        with context.push(products=products):
            return fragment_fill(context, lambda: viewed.render(context))

    audience = context.get("pagecache_audience")
    if not audience:
        return _rendered(fragment_output(render(), context))
    key = recently_viewed_key(request, current_pk=current_product.pk, audience=audience)
    html = request_cache_get(key)  # the view read it ahead with the page's fragments
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_SECONDS)
    return _rendered(fragment_output(html, context))
