"""Task jobs: thin, idempotent (safe to run twice)."""

import logging

from celery import shared_task

from crm_embedded.tasks import services

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def task_reminders_send() -> int:
    """Email owners about their open tasks due within 24 hours (once per task and due date)."""
    sent = services.task_reminders_send()
    log.info("crm task reminders sent: %s", sent)
    return sent
