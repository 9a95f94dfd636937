"""Reachability checks for the services the portal depends on."""

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("value written to the cache could not be read back")
    cache.delete(key)


def _check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # tasks run in-process: there is no broker to reach
    from config.celery import app

    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
}


def health_report(*, details: bool = False) -> dict:
    """Run every check; name each failing part, with its error only when ``details``.

    An error names internal hosts and ports: it always goes to the log, and into the
    report only for callers allowed to see it (staff).
    """
    parts: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure means "down"
            reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            logger.warning("health check %s failed: %s", name, reason)
            parts[name] = f"error: {reason}" if details else "failed"
        else:
            parts[name] = "ok"
    if settings.CELERY_TASK_ALWAYS_EAGER and details:
        parts["broker"] = "ok (eager: tasks run in-process)"
    failing = [name for name, state in parts.items() if not state.startswith("ok")]
    return {"status": "ok" if not failing else "error", "failing": failing, "checks": parts}
