"""The periodic flush of buffered analytics events (Celery beat, every minute)."""

from celery import shared_task

from . import buffer


@shared_task(name="shop.analytics.tasks.flush", ignore_result=True)
def flush() -> int:
    """Write the buffered product views, searches and basket additions; return how many."""
    return buffer.events_flush()
