"""Version counters in the cache: bumping one makes every key built on it unreachable.

Scopes: "catalogue" (products, categories, images, stock figures or bands), "prices" (list
prices, tax rates, every price list), "prices:company:<id>" (a company's contract, tax
facts and part numbers), "prices:group:<id>" (a customer group's lists), "cms" (pages).

A counter that the cache evicted must not start again at a value it had before (old
entries would come back): a missing counter starts at the current time in microseconds.

Within a request (``RequestVersionsMiddleware``) the versions read are kept: a page asks
for them five or six times (its fragments, the user's chrome, the mini basket, the
header, the banner), and the first read fetches the scopes the request's user is likely
to need as well, so a page reads all its versions in one round trip. A bump in this
process forgets the bumped scope, so a request that changes data and then renders reads
the new version; a bump by another process during the request is seen by the next one,
as when each part of the page read the versions a moment apart.
"""

import contextvars
import logging
import time
from collections.abc import Callable

from django.core.cache import cache

logger = logging.getLogger(__name__)

_PREFIX = "cachever:"


class _RequestVersions:
    def __init__(self, usual_scopes: Callable[[], list[str]]):
        self.found: dict[str, object] = {}
        self.usual_scopes: Callable[[], list[str]] | None = usual_scopes
        # Entries read ahead (request_cache_get_many), None for a key the cache lacked.
        self.values: dict[str, object] = {}


_request_versions: contextvars.ContextVar[_RequestVersions | None] = contextvars.ContextVar(
    "shop_caching_request_versions", default=None
)


def _fresh() -> int:
    return time.time_ns() // 1000


def _read(keys: list[str]) -> dict[str, object]:
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _fresh(), timeout=None)
        found.update(cache.get_many(missing))
    return found


def versions_token(*, scopes: list[str]) -> str:
    """The scopes' current versions as one string for a cache key (at most one round trip)."""
    keys = [_PREFIX + scope for scope in scopes]
    kept = _request_versions.get()
    if kept is None:
        found = _read(keys)
        return ".".join(str(found.get(key, "x")) for key in keys)
    wanted = [key for key in keys if key not in kept.found]
    if wanted:
        if kept.usual_scopes is not None:
            usual, kept.usual_scopes = kept.usual_scopes, None  # asked for once per request
            try:
                more = [_PREFIX + scope for scope in usual()]
            except Exception:  # a guess only: the scopes asked for are read anyway
                logger.exception("Could not list the request's usual version scopes")
                more = []
            wanted += [
                key for key in dict.fromkeys(more) if key not in kept.found and key not in wanted
            ]
        kept.found.update(_read(wanted))
    return ".".join(str(kept.found.get(key, "x")) for key in keys)


def request_versions_start(*, usual_scopes: Callable[[], list[str]]) -> contextvars.Token:
    """Keep the versions read until ``request_versions_end``; the first read adds ``usual_scopes()``."""
    return _request_versions.set(_RequestVersions(usual_scopes))


def request_versions_end(token: contextvars.Token) -> None:
    _request_versions.reset(token)


def _forget(key: str) -> None:
    kept = _request_versions.get()
    if kept is not None:
        kept.found.pop(key, None)


def version_bump(*, scope: str) -> None:
    """Make every cached entry built on this scope's version stale."""
    key = _PREFIX + scope
    _forget(key)
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


def request_cache_get_many(keys: list[str]) -> dict[str, object]:
    """``cache.get_many(keys)``, answering keys read earlier in this request from memory.

    Only for keys that name their versions (a change makes a new key): an entry read at
    the start of the request is then as good as one read now. Outside a request, a plain
    ``get_many``.
    """
    kept = _request_versions.get()
    if kept is None:
        return cache.get_many(keys)
    wanted = [key for key in keys if key not in kept.values]
    if wanted:
        found = cache.get_many(wanted)
        kept.values.update({key: found.get(key) for key in wanted})
    return {key: kept.values[key] for key in keys if kept.values[key] is not None}


def request_cache_get(key: str):
    """``cache.get(key)`` through ``request_cache_get_many``."""
    return request_cache_get_many([key]).get(key)
