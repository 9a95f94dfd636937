from django.conf import settings
from django.http import HttpRequest


def _user_chrome(request: HttpRequest) -> dict:
    """The user's cached chrome (shop.caching.chrome), read once per request."""
    from shop.caching.chrome import user_chrome

    found = getattr(request, "_user_chrome", None)
    if found is None:
        found = request._user_chrome = user_chrome(user=request.user)
    return found


def portal(request: HttpRequest) -> dict:
    """Values every page's layout needs: the site name and the staff areas the user may open."""
    from shop.companies.permissions import ordering_refusal

    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    # Rights come from groups and permissions: cached per user, bumped when those change.
    rights = _user_chrome(request) if authenticated else {}
    is_staff = bool(authenticated and user.is_staff)
    cms = bool(rights.get("cms"))
    # The seller's own people (staff, content editors) who belong to no client company have
    # no company area to open, and content-only users do not shop.
    internal_only = (is_staff or cms) and getattr(request, "company_member", None) is None
    return {
        "site_name": settings.SITE_NAME,
        # Why this company member may not order ('' if they may): pages hide ordering controls.
        "ordering_refusal": ordering_refusal(member=getattr(request, "company_member", None)),
        "hide_anonymous_prices": settings.SHOP_ANONYMOUS_PRICES == "login" and not authenticated,
        "nav_staff": {
            # Oscar's dashboard is store-wide: account managers work in the CRM instead.
            "dashboard": bool(is_staff and rights.get("sales_manager")),
            "cms": cms,
            "django_admin": bool(authenticated and user.is_superuser),
            "crm": bool(is_staff and rights.get("account_staff")),
        },
        "nav_company": not internal_only,
        "nav_basket": not (internal_only and not is_staff),
    }


def notifications(request: HttpRequest) -> dict:
    """The unread notification count for the header, from the per-user chrome cache.

    Replaces Oscar's ``notifications`` context processor, which counts on every page.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"num_unread_notifications": _user_chrome(request)["unread"]}


def user_display(user) -> str:
    """How allauth names a user in messages: their name, else their email (never the username)."""
    return user.get_full_name() or user.email
