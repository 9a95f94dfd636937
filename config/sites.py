"""django.contrib.sites' Site as the portal's one site URL setting describes it.

Oscar builds the links in its emails from ``Site.domain`` and signs them with ``Site.name``;
Django creates the Site as "example.com". ``site_sync`` makes it follow
``WAGTAILADMIN_BASE_URL`` (host and port) and ``SITE_NAME``: after every ``migrate`` (a
``post_migrate`` receiver, see ``PortalConfig.ready``) and in ``seed_demo``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import DEFAULT_DB_ALIAS, router


def site_domain() -> str:
    """Return the host[:port] of the portal's base URL, as Site.domain holds it."""
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc


def site_sync(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Give the current Site the domain and name from settings; return whether it changed."""
    wanted = {"domain": site_domain(), "name": settings.SITE_NAME}
    site = Site.objects.using(using).filter(pk=settings.SITE_ID).first()
    if site is None:
        Site.objects.using(using).create(pk=settings.SITE_ID, **wanted)
        return True
    if all(getattr(site, field) == value for field, value in wanted.items()):
        return False
    for field, value in wanted.items():
        setattr(site, field, value)
    site.save(using=using, update_fields=list(wanted))  # also clears Django's Site cache
    return True


def site_sync_after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver for the sites app: runs after Django creates the default Site."""
    if router.allow_migrate_model(using, Site):
        site_sync(using=using)
