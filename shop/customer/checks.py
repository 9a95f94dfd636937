"""Deployment checks for the login door: its failure counts need a cache all workers share."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

_PER_PROCESS = "django.core.cache.backends.locmem.LocMemCache"
_NOWHERE = "django.core.cache.backends.dummy.DummyCache"
_HINT = "Set CACHE_URL to a shared cache, e.g. CACHE_URL=redis://127.0.0.1:6379/1."


@register(Tags.security, Tags.caches, deploy=True)
def login_lockout_cache(app_configs=None, **kwargs):
    """Refuse a deployment whose login lockout would not count across workers."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend == _NOWHERE:
        return [
            Error(
                "The default cache is the dummy cache: allauth's login lockout (5 failed "
                "attempts) counts nothing, so passwords can be guessed without limit.",
                hint=_HINT,
                id="partshub.E001",
            )
        ]
    if backend == _PER_PROCESS:
        return [
            Warning(
                "The default cache is local memory: each web worker counts failed logins on "
                "its own, so with N workers an account locks after 5 x N failures, not 5.",
                hint=_HINT + " Local memory is only safe with a single worker process.",
                id="partshub.W001",
            )
        ]
    return []
