"""Quote jobs: thin, idempotent (safe to run twice), retried with backoff."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def quote_notify(quote_id: int, kind: str, message_id: int | None = None) -> int:
    """Send one quote email; returns the number of recipients."""
    from crm_embedded.quotes import notifications
    from crm_embedded.quotes.models import Quote, QuoteMessage

    quote = (
        Quote.objects.select_related("company", "requested_by", "account_manager")
        .filter(pk=quote_id)
        .first()
    )
    if quote is None:
        return 0
    message = QuoteMessage.objects.filter(pk=message_id).select_related("author").first()
    recipients, subject, body = notifications.build(quote, kind, message)
    if recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def quote_mark_ordered(quote_number: str, order_number: str) -> None:
    from crm_embedded.quotes import services

    services.quote_mark_ordered(quote_number=quote_number, order_number=order_number)


@shared_task
def housekeeping() -> dict[str, int]:
    """Expire offers past validity, remind buyers before expiry, alert on waiting requests."""
    from crm_embedded.quotes import services

    result = {
        "expired": services.quotes_expire(),
        "reminded": services.quotes_remind_expiring(),
        "overdue": services.quotes_alert_overdue(),
    }
    log.info("quote housekeeping: %s", result)
    return result
