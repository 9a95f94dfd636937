"""The page chrome of a signed-in user (navigation rights, unread count, mini basket), cached.

Every page pays for the chrome. Per user, the staff areas they may open and their unread
notification count are kept in the cache under the user's version scope ("user:<id>"),
bumped when their groups, permissions or notifications change ("perms" for a change to a
group's permissions). The mini basket is cached per basket version ("basket:<id>") with
the price audience and price versions, since it shows the lines' prices.
"""

import logging

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from shop.caching.audience import audience_key, price_scopes
from shop.caching.versions import request_cache_get, versions_token

logger = logging.getLogger(__name__)

TIMEOUT = 3600


def _cached(make_key, build):
    """The cached value under ``make_key()``, else ``build()`` stored under the key after it.

    The key is made again after building: building may itself change a version (loading
    a user's basket the first time creates it), and the value shows the state after that.
    """
    try:
        value = request_cache_get(make_key())  # read ahead with the page's entries, if it did
    except Exception:
        logger.exception("Chrome cache read failed")
        return build()
    if value is None:
        value = build()
        try:
            cache.set(make_key(), value, timeout=TIMEOUT)
        except Exception:
            logger.exception("Chrome cache write failed")
    return value


def user_chrome(*, user) -> dict:
    """The user's staff areas and unread notification count (cached per user)."""
    from oscar.core.loading import get_model

    from shop.companies.selectors import user_is_account_staff, user_is_sales_manager

    def build() -> dict:
        notification = get_model("communication", "Notification")
        return {
            "cms": user.has_perm("wagtailadmin.access_admin"),
            "sales_manager": bool(user.is_staff and user_is_sales_manager(user=user)),
            "account_staff": bool(user.is_staff and user_is_account_staff(user=user)),
            "unread": notification.objects.filter(recipient=user, date_read=None).count(),
        }

    return _cached(lambda: _user_chrome_key(user), build)


def _user_chrome_key(user) -> str:
    flags = "".join("1" if f else "0" for f in (user.is_active, user.is_staff, user.is_superuser))
    versions = versions_token(scopes=["perms", f"user:{user.pk}"])
    return f"chrome:user:{user.pk}:{versions}:{flags}"


def _user_basket_key(request, user) -> str:
    scopes = [f"basket:user:{user.pk}", *price_scopes(request)]
    return f"chrome:basket:user:{user.pk}:{audience_key(request)}:{versions_token(scopes=scopes)}"


def chrome_prefetch_keys(request) -> list[str]:
    """The chrome entries a signed-in user's page will read (shop.caching.prefetch)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    keys = [_user_chrome_key(user)]
    if getattr(request, "_basket_cache", None) is None:
        keys.append(_user_basket_key(request, user))
    return keys


def mini_basket_html(*, request) -> str:
    """The header's basket summary for this request's basket, rendered once per basket state.

    A signed-in user's summary is keyed by the user (their one open basket, bumped as
    "basket:user:<id>"), so a hit does not even load the basket; a basket this request has
    loaded already (basket and checkout pages) is keyed by itself and its ship-to country.
    """
    template = "shop/partials/mini_basket_body.html"

    def build() -> str:
        basket = getattr(request, "basket", None)
        if basket is not None and getattr(basket, "id", None) is not None:
            # The summary shows each line's thumbnail: the images of all lines at once.
            prefetch_related_objects(list(basket.all_lines()), "product__images")
        return render_to_string(template, {"request": request})

    user = getattr(request, "user", None)
    loaded = getattr(request, "_basket_cache", None)
    audience = audience_key(request)
    if loaded is None and user is not None and user.is_authenticated:
        return mark_safe(_cached(lambda: _user_basket_key(request, user), build))  # noqa: S308
    basket = getattr(request, "basket", None)
    if basket is None or basket.id is None:
        return mark_safe(build())  # noqa: S308
    ship_to = getattr(getattr(basket, "strategy", None), "_ship_to_country", None)
    scopes = [f"basket:{basket.id}", *price_scopes(request)]

    def basket_key() -> str:
        return f"chrome:basket:{basket.id}:{audience}:{ship_to}:{versions_token(scopes=scopes)}"

    return mark_safe(_cached(basket_key, build))  # noqa: S308
