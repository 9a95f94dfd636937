"""Version counters in the cache: bumping one makes every key built on it unreachable.

Scopes: "catalogue" (products, categories, images, stock figures or bands), "prices" (list
prices, tax rates, every price list), "prices:company:<id>" (a company's contract, tax
facts and part numbers), "prices:group:<id>" (a customer group's lists), "cms" (pages).

A counter that the cache evicted must not start again at a value it had before (old
entries would come back): a missing counter starts at the current time in microseconds.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

_PREFIX = "cachever:"


def _fresh() -> int:
    return time.time_ns() // 1000


def versions_token(*, scopes: list[str]) -> str:
    """The scopes' current versions as one string for a cache key (one cache round trip)."""
    keys = [_PREFIX + scope for scope in scopes]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _fresh(), timeout=None)
        found.update(cache.get_many(missing))
    return ".".join(str(found.get(key, "x")) for key in keys)


def version_bump(*, scope: str) -> None:
    """Make every cached entry built on this scope's version stale."""
    key = _PREFIX + scope
    try:
        cache.incr(key)
    except ValueError:
        # Never seen or evicted: any fresh value differs from the ones keys were built on.
        if not cache.add(key, _fresh(), timeout=None):
            cache.incr(key)


def version_bump_safely(*, scopes: list[str]) -> None:
    """Bump now and again after the transaction commits; a cache outage never raises."""
    from django.db import transaction

    def bump() -> None:
        for scope in scopes:
            try:
                version_bump(scope=scope)
            except Exception:  # a cache outage must not fail the write that changed the data
                logger.exception("Could not bump the cache version %s", scope)

    # Now, so this request's next read misses; after commit, so a read that cached the old
    # rows between the bump and the commit is dropped too.
    bump()
    transaction.on_commit(bump, robust=True)
