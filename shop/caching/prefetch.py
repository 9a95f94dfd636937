"""Read a page's cache entries in one round trip: the view's own and those its layout reads.

A cached product page read its fragments, the header, the banner, the buyer's list
choices and the recently viewed products one after the other. Apps that know what the
layout will read register a provider (``prefetch_provider_register``, in their
``AppConfig.ready``): a function of the request returning the keys it will ask for. The
view passes its own keys to ``request_prefetch``, which reads them all with one
``get_many`` and keeps them for the request (``shop.caching.versions.request_cache_get``).
Providers only name keys built on versions, so an entry read early is still current.
"""

import logging
from collections.abc import Callable

from shop.caching.versions import request_cache_get_many

logger = logging.getLogger(__name__)

_providers: list[Callable] = []


def prefetch_provider_register(provider: Callable) -> None:
    """Register ``provider(request) -> list[str]``: cache keys a page's layout will read."""
    if provider not in _providers:
        _providers.append(provider)


def request_prefetch(*, request, keys: list[str]) -> dict[str, object]:
    """The entries under ``keys``, read with the registered providers' keys in one round trip."""
    more: list[str] = []
    for provider in _providers:
        try:
            more += provider(request)
        except Exception:  # a guess only: the layout reads what it needs anyway
            logger.exception("Cache prefetch provider %r failed", provider)
    found = request_cache_get_many(list(dict.fromkeys([*keys, *more])))
    return {key: found[key] for key in keys if key in found}
