"""Delivery of logged emails: once per row, retried with exponential backoff."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

MAX_RETRIES = 5
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 1800


def backoff_seconds(retries: int) -> int:
    """Seconds before the next attempt: 30 s, 1 min, 2 min, 4 min, ... at most 30 min."""
    return min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2**retries)


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def notification_deliver(self, log_id: int) -> int:
    """Send one logged email unless it was sent already; return the number of recipients.

    The row stays locked while the mail server is talked to, so a second worker holding the
    same (duplicated) message waits and then finds it sent.
    """
    from shop.notifications.models import NotificationLog

    error = None
    with transaction.atomic():
        entry = NotificationLog.objects.select_for_update().filter(pk=log_id).first()
        if entry is None or entry.status != NotificationLog.Status.QUEUED:
            return 0
        entry.attempts += 1
        message = EmailMultiAlternatives(
            entry.subject, entry.body_text, settings.DEFAULT_FROM_EMAIL, entry.recipients
        )
        if entry.body_html:
            message.attach_alternative(entry.body_html, "text/html")
        try:
            message.send()
        except Exception as exc:  # any mail-server failure: recorded, then retried
            error = exc
            entry.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if self.request.retries >= self.max_retries:
                entry.status = NotificationLog.Status.FAILED
            entry.save(update_fields=["attempts", "last_error", "status"])
        else:
            entry.status = NotificationLog.Status.SENT
            entry.sent_at = timezone.now()
            entry.save(update_fields=["attempts", "status", "sent_at"])
    if error is None:
        log.info("notification %s (%s) sent to %s", log_id, entry.kind, ", ".join(entry.recipients))
        return len(entry.recipients)
    if entry.status == NotificationLog.Status.FAILED:
        log.error("notification %s (%s) failed for good: %s", log_id, entry.kind, entry.last_error)
        return 0
    log.warning("notification %s (%s) failed, retrying: %s", log_id, entry.kind, entry.last_error)
    raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries))
