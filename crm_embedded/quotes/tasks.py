"""Quote jobs: thin, idempotent (safe to run twice), retried with backoff."""

import logging

from celery import shared_task

from crm_embedded.quotes import notifications, services

log = logging.getLogger(__name__)


@shared_task
def quote_notify(quote_id: int, kind: str, message_id: int | None = None) -> int:
    """Log and queue one quote email (kept for messages queued before emails moved)."""
    return notifications.quote_notify(quote_id=quote_id, kind=kind, message_id=message_id)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def quote_mark_ordered(quote_number: str, order_number: str) -> None:
    services.quote_mark_ordered(quote_number=quote_number, order_number=order_number)


@shared_task
def housekeeping() -> dict[str, int]:
    """Expire offers past validity, remind buyers before expiry, alert on waiting requests."""
    result = {
        "expired": services.quotes_expire(),
        "reminded": services.quotes_remind_expiring(),
        "overdue": services.quotes_alert_overdue(),
    }
    log.info("quote housekeeping: %s", result)
    return result
