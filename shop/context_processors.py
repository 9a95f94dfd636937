from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    """Values every page's layout needs: the site name and the staff areas the user may open."""
    from shop.companies.permissions import ordering_refusal
    from shop.companies.selectors import user_is_account_staff, user_is_sales_manager

    user = getattr(request, "user", None)
    is_staff = bool(user and user.is_authenticated and user.is_staff)
    cms = bool(user and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))
    # The seller's own people (staff, content editors) who belong to no client company have
    # no company area to open, and content-only users do not shop.
    internal_only = (is_staff or cms) and getattr(request, "company_member", None) is None
    return {
        "site_name": settings.SITE_NAME,
        # Why this company member may not order ('' if they may): pages hide ordering controls.
        "ordering_refusal": ordering_refusal(member=getattr(request, "company_member", None)),
        "hide_anonymous_prices": settings.SHOP_ANONYMOUS_PRICES == "login"
        and not (user and user.is_authenticated),
        "nav_staff": {
            # Oscar's dashboard is store-wide: account managers work in the CRM instead.
            "dashboard": bool(is_staff and user_is_sales_manager(user=user)),
            "cms": cms,
            "django_admin": bool(user and user.is_authenticated and user.is_superuser),
            "crm": bool(is_staff and user_is_account_staff(user=user)),
        },
        "nav_company": not internal_only,
        "nav_basket": not (internal_only and not is_staff),
    }


def user_display(user) -> str:
    """How allauth names a user in messages: their name, else their email (never the username)."""
    return user.get_full_name() or user.email
