"""Read the cache versions a page needs once per request (shop.caching.versions)."""

from shop.caching.audience import price_scopes
from shop.caching.versions import request_versions_end, request_versions_start


def request_scopes(request) -> list[str]:
    """The version scopes a page for this request's user usually reads (header, prices, basket)."""
    scopes = [*price_scopes(request), "cms"]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        scopes += ["perms", f"user:{user.pk}", f"basket:user:{user.pk}"]
        if getattr(request, "company_member", None) is not None:
            scopes.append(f"lists:user:{user.pk}")
    return scopes


class RequestVersionsMiddleware:
    """Keep the versions read during a request; the first read fetches the usual ones too.

    Nothing is read until a part of the page asks (a view that caches nothing costs no
    round trip); the scopes are listed then, when the user and company are known.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_versions_start(usual_scopes=lambda: request_scopes(request))
        try:
            return self.get_response(request)
        finally:
            request_versions_end(token)
