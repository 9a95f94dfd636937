"""Rendered product grids in the cache, keyed by what they show and to whom.

A grid (result count, cards, pagination) is cached per view, the request's query
string, the view's own parts (category, query, filters), the price audience with its
language and day, and the versions of the scopes its prices and stock come from. Forms
in the grid carry ``CSRF_PLACEHOLDER``; ``grid_csrf_fill`` puts the request's own token
in after the cache.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe

from shop.caching.audience import audience_key, price_scopes
from shop.caching.versions import versions_token

logger = logging.getLogger(__name__)

# Letters only: survives HTML escaping unchanged, and a token is letters and digits.
CSRF_PLACEHOLDER = "gridcacheCsrfTokenPlaceholder"
_PREFIX = "grid:"


def grid_timeout() -> int:
    return getattr(settings, "SHOP_GRID_CACHE_SECONDS", 3600)


def grid_cache_key(*, request, name: str, parts: list[str]) -> str:
    """The cache key of one grid for this request's audience and the current versions."""
    query = sorted(request.GET.lists())
    raw = repr((name, parts, query, request.path))
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    token = versions_token(scopes=price_scopes(request))
    return f"{_PREFIX}{name}:{audience_key(request)}:{token}:{digest}"


def grid_get(*, key: str) -> tuple[str, dict] | None:
    """The cached (html, extra) of a grid, or None (a cache outage is a miss)."""
    try:
        found = cache.get(key)
    except Exception:
        logger.exception("Grid cache read failed")
        return None
    return found if isinstance(found, tuple) and len(found) == 2 else None


def grid_set(*, key: str, html: str, extra: dict) -> None:
    """Store a rendered grid (still holding the CSRF placeholder)."""
    try:
        cache.set(key, (str(html), extra), timeout=grid_timeout())
    except Exception:
        logger.exception("Grid cache write failed")


def grid_csrf_fill(*, request, html: str) -> str:
    """The grid with this request's CSRF token in place of the placeholder."""
    if CSRF_PLACEHOLDER not in html:
        return mark_safe(html)  # noqa: S308 (our own rendered template output)
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))  # noqa: S308
