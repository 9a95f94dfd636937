"""allauth's login page is the portal's one door.

Wagtail's admin and private-page logins, Oscar's dashboard login and Django admin's
login each authenticated on their own: no lockout after failed attempts, no email
verification, buyers let in too. Each of those URLs now sends the visitor to allauth's
login (rate limited, verification enforced), keeping a safe local ``next``.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

# The login URLs of Django admin, Wagtail (admin and private pages) and Oscar's dashboard,
# served by ``login_door`` ahead of their apps' own views (see config/urls.py).
OTHER_LOGIN_PATHS = (
    "django-admin/login/",
    "cms/login/",
    "shop/dashboard/login/",
    "_util/login/",
)


def safe_next(request: HttpRequest) -> str:
    """Return the requested ``next`` if it stays on this site, else an empty string."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@never_cache
def login_door(request: HttpRequest) -> HttpResponse:
    """Send the visitor to allauth's login, keeping ``next``; refuse a signed-in user clearly."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        # Sending a signed-in user to the login page would bounce straight back to the page
        # that refused them (allauth redirects signed-in users to ``next``): say why instead.
        return render(
            request,
            "customer/login_door_refused.html",
            {"next_url": next_url},
            status=403,
        )
    target = settings.LOGIN_URL
    if next_url:
        target = f"{target}?{urlencode({'next': next_url}, safe='/')}"
    return HttpResponseRedirect(target)
