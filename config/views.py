"""Operator endpoints."""

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.health import health_report


@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report database, cache and broker reachability: 200 when all are up, else 503.

    Anyone sees each part's name and ok/failed; only staff see why a part failed.
    """
    report = health_report(details=request.user.is_active and request.user.is_staff)
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@transaction.non_atomic_requests
def trivial(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: the cheapest response the stack can give."""
    if not settings.BENCH_TRIVIAL_VIEW:
        raise Http404  # only the benchmark run (tests/bench/run_bench.py) switches it on
    return HttpResponse(b"ok", content_type="text/plain")
