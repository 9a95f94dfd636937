"""Version counters in the cache: bumping one makes every key built on it unreachable.

CONTRACT (issue 16 skeleton): scopes are "catalogue" (products, categories, stock bands),
"prices" (every price list), "prices:company:<id>", "prices:group:<id>", "cms" (pages).
"""

from django.core.cache import cache

_PREFIX = "cachever:"


def versions_token(*, scopes: list[str]) -> str:
    """The scopes' current versions as one string for a cache key (one cache round trip)."""
    keys = [_PREFIX + scope for scope in scopes]
    found = cache.get_many(keys)
    return ".".join(str(found.get(key, 0)) for key in keys)


def version_bump(*, scope: str) -> None:
    """Make every cached entry built on this scope's version stale."""
    key = _PREFIX + scope
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=None) or cache.incr(key)
