"""Operator endpoints."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.health import health_report


@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report database, cache and broker reachability: 200 when all are up, else 503."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@transaction.non_atomic_requests
def trivial(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: the cheapest response the stack can give."""
    return HttpResponse(b"ok", content_type="text/plain")
