"""Visitors' copies of Wagtail pages, and the site's header and footer, in the cache.

A page is served from the cache only to a visitor: not signed in, no preview, no pending
message, no basket of their own (the header shows it), a plain GET without a query
string. Everyone else gets the page rendered for them (as ShopAwarePage always did), and
never fills the visitors' copy. The key holds the price audience of visitors
(shop.caching.audience: anonymous price mode, language, day, stock display) and the
versions "cms" (pages, banners, menus: bumped here on publish, unpublish, move, delete and
snippet or settings saves), "catalogue" and "prices" (product blocks: list prices, stock).
The copy holds placeholders for the CSRF token and the CSP nonce, replaced per request.

wagtail-cache 3.0.0 (the newest) requires wagtail<8.0, hence this small wrapper.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from shop.caching.audience import audience_key
from shop.caching.versions import (
    request_cache_get,
    request_cache_get_many,
    version_bump,
    versions_token,
)

logger = logging.getLogger(__name__)

PAGE_SECONDS = 300  # versions purge on change; this bounds a banner's start or end
CHROME_SECONDS = 3600
PAGE_SCOPES = ["cms", "catalogue", "prices"]
CSRF_PLACEHOLDER = "pagecache-csrf-9c1f6e0b"
NONCE_PLACEHOLDER = "pagecache-nonce-5d2a7c41"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_KEPT_HEADERS = ("Content-Type", "Content-Language")


def visitor_copy_allowed(request) -> bool:
    """Whether this request may be served, or fill, the visitors' shared copy of a page."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if request.method != "GET" or request.GET or getattr(request, "is_preview", False):
        return False
    if settings.OSCAR_BASKET_COOKIE_OPEN in request.COOKIES:
        return False  # the header's mini basket shows this visitor's own basket
    return not _messages_pending(request)


def _messages_pending(request) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    # Peek without marking them shown: the rendered page must show and consume them.
    return bool(storage._queued_messages or storage._loaded_messages)


def _page_key(request) -> str:
    # Host and path name the page (before Wagtail routes it: see VisitorPageMiddleware).
    versions = versions_token(scopes=PAGE_SCOPES)
    # Hashed: a path may be long or hold any character (memcached refuses both in keys).
    where = hashlib.sha256(f"{request.get_host()}:{request.path}".encode()).hexdigest()[:40]
    return f"pagecache:wagtail:{where}:{audience_key(request)}:{versions}"


def _stored_copy(request):
    """The visitors' copy for this request (or None); a cache outage is a miss."""
    try:
        key = _page_key(request)
        return key, cache.get(key)
    except Exception:  # a cache outage costs speed, never the page
        logger.warning("page cache unavailable", exc_info=True)
        return None, None


def _copy_response(stored, request) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(_fill_in(content, request))
    for name, value in headers.items():
        response[name] = value
    patch_vary_headers(response, ("Cookie",))
    response["X-Page-Cache"] = "hit"
    return response


class VisitorPageMiddleware:
    """Serve a visitor's cached Wagtail page before URL routing and Wagtail's page lookup.

    Goes after the session, auth, messages and basket middleware (it asks them whether this
    is a visitor); only copies that ShopAwarePage.serve filled exist, so a shop URL misses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if visitor_copy_allowed(request):
            _, stored = _stored_copy(request)
            if stored is not None:
                return _copy_response(stored, request)
        return self.get_response(request)


def page_serve(page, request, serve) -> HttpResponse:
    """Serve ``page`` through ``serve()``, from the visitors' cached copy where allowed."""
    if not visitor_copy_allowed(request):
        return serve()
    key, stored = _stored_copy(request)
    if stored is not None:
        return _copy_response(stored, request)
    response = serve()
    if key is None or getattr(response, "status_code", None) != 200:
        return response
    if getattr(response, "streaming", False) or page.get_view_restrictions().exists():
        return response  # a password or login restricted page is never shared
    if hasattr(response, "render"):
        response.render()
    if response.cookies or response.has_header("Set-Cookie"):
        return response
    headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
    try:
        cache.set(key, (_blank_out(response.content.decode(), request), headers), _timeout())
    except Exception:
        logger.warning("page not cached", exc_info=True)
    response["X-Page-Cache"] = "miss"
    return response


def _blank_out(html: str, request) -> str:
    """Replace this request's CSRF token and CSP nonce with placeholders."""
    html = _CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", html)
    nonce = getattr(request, "_csp_nonce", None) or _nonce(request)
    return html.replace(f'nonce="{nonce}"', f'nonce="{NONCE_PLACEHOLDER}"') if nonce else html


def _fill_in(html: str, request) -> str:
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in html:
        html = html.replace(NONCE_PLACEHOLDER, _nonce(request))
    return html


def _nonce(request) -> str:
    # django-csp's lazy nonce is falsy until read: reading it puts it in the header too.
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce is not None else ""


def _timeout() -> int:
    """Seconds until the copy may go stale by the clock: a banner starting or ending."""
    from django.db.models import Min

    from cms.promotions.models import Banner

    now = timezone.now()
    bounds = Banner.objects.filter(is_active=True).aggregate(
        starts=Min("starts_at", filter=_after("starts_at", now)),
        ends=Min("ends_at", filter=_after("ends_at", now)),
    )
    soonest = [b for b in bounds.values() if b is not None]
    if not soonest:
        return PAGE_SECONDS
    return max(1, min(PAGE_SECONDS, int((min(soonest) - now).total_seconds()) + 1))


def _after(field: str, now):
    from django.db.models import Q

    return Q(**{f"{field}__gt": now})


def _chrome_key(request) -> str:
    from django.utils.translation import get_language

    # "cms" only: categories bump it too (connect), product and stock changes do not.
    versions = versions_token(scopes=["cms"])
    return f"pagecache:chrome:{request.get_host()}:{get_language()}:{versions}"


def site_chrome_cached(*, request, build):
    """The header and footer content for the request's site, cached per site and language."""
    try:
        key = _chrome_key(request)
        chrome = cache.get(key)
    except Exception:
        logger.warning("chrome cache unavailable", exc_info=True)
        return build()
    if chrome is None:
        chrome = build()
        cache.set(key, chrome, CHROME_SECONDS)
    return chrome


CHROME_HTML_PARTS = ("nav", "footer")


def _static_version() -> str:
    """The static files' manifest (hashed names) in use: a deploy's new files are a new copy."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    return str(getattr(staticfiles_storage, "manifest_hash", "") or "")


def site_chrome_html(*, request, part: str, render) -> str:
    """The header's or footer's rendered HTML (``part``), cached like their content.

    Both parts are the same for everyone on a site in a language (no user, no form token),
    so they are kept rendered under the content's key and the static files' manifest (the
    header links a script by its hashed name); the first part a request asks for fetches
    both in one round trip.
    """
    try:
        base = f"{_chrome_key(request)}:{_static_version()}"
        found = getattr(request, "_site_chrome_html", None)
        if found is None or found[0] != base:
            keys = [f"{base}:html:{name}" for name in CHROME_HTML_PARTS]
            found = request._site_chrome_html = (base, request_cache_get_many(keys))
        key = f"{base}:html:{part}"
        html = found[1].get(key)
    except Exception:
        logger.warning("chrome cache unavailable", exc_info=True)
        return render()
    if html is None:
        html = found[1][key] = str(render())
        try:
            cache.set(key, html, CHROME_SECONDS)
        except Exception:
            logger.warning("chrome not cached", exc_info=True)
    return html


def _banner_key(audience) -> str:
    if audience.company_id is None and audience.group_id is None and not audience.signed_in:
        who = "v"
    else:
        who = f"{int(audience.signed_in)}:{audience.company_id}:{audience.group_id}"
    return f"pagecache:banner:{who}:{versions_token(scopes=['cms'])}"


def chrome_prefetch_keys(request) -> list[str]:
    """The header, footer and banner entries a shop page will read (shop.caching.prefetch)."""
    from cms.promotions.selectors import audience_for_request

    base = f"{_chrome_key(request)}:{_static_version()}"
    keys = [f"{base}:html:{name}" for name in CHROME_HTML_PARTS]
    if not getattr(request, "is_preview", False):
        keys.append(_banner_key(audience_for_request(request)))
    return keys


def banner_cached(*, audience, build):
    """The banner an audience sees, cached until a banner changes, starts or ends."""
    try:
        key = _banner_key(audience)
        found = request_cache_get(key)
    except Exception:
        logger.warning("banner cache unavailable", exc_info=True)
        return build()
    if found is not None:
        return found or None  # "" stands for "no banner"
    banner = build()
    cache.set(key, banner if banner is not None else "", _timeout())
    return banner


def cms_version_bump(**kwargs) -> None:
    """Make every cached visitor page and header stale, now and once the change commits."""

    def bump() -> None:
        try:
            version_bump(scope="cms")
        except Exception:  # a cache outage must not fail an editor's publish
            logger.exception("could not bump the cms cache version")

    bump()
    transaction.on_commit(bump, robust=True)


def connect() -> None:
    """Purge on publish, unpublish, move and delete, and on banner, menu or site changes."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from shop.caching.prefetch import prefetch_provider_register

    prefetch_provider_register(chrome_prefetch_keys)
    from oscar.core.loading import get_model
    from wagtail.models import Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from cms.navigation.models import ContactSettings, NavigationSettings
    from cms.promotions.models import Banner

    uid = "cms.caching"
    page_published.connect(cms_version_bump, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(cms_version_bump, dispatch_uid=f"{uid}.unpublished")
    post_page_move.connect(cms_version_bump, dispatch_uid=f"{uid}.moved")
    post_delete.connect(_page_deleted, dispatch_uid=f"{uid}.deleted")
    category = get_model("catalogue", "Category")
    for model in (Banner, Site, category):
        post_save.connect(cms_version_bump, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
    for model in (NavigationSettings, ContactSettings):
        post_save.connect(_settings_saved, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
    for model in (Banner, Site, category, NavigationSettings, ContactSettings):
        post_delete.connect(
            cms_version_bump, sender=model, dispatch_uid=f"{uid}.{model.__name__}.del"
        )
    m2m_changed.connect(
        cms_version_bump, sender=Banner.companies.through, dispatch_uid=f"{uid}.banner-companies"
    )


def _settings_saved(sender, instance, created=False, **kwargs) -> None:
    # Wagtail creates a site's settings row with its defaults on first read (also while
    # building the header): that changes nothing shown. Editors' saves are updates.
    if not created:
        cms_version_bump()


def _page_deleted(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        cms_version_bump()
