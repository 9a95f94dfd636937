"""Tasks that prove the Celery wiring end to end."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task(name="config.tasks.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Record the time a worker last ran a task, for /healthz and operators."""
    now = timezone.now().isoformat()
    cache.set("portal:last-heartbeat", now, timeout=None)
    return now


@shared_task(name="config.tasks.ping")
def ping(token: str) -> str:
    """Echo a token back; the worker test sends one through a real broker."""
    return f"pong:{token}"
