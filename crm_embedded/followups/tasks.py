"""Follow-up jobs: thin, idempotent (safe to run twice, even at once)."""

import logging

from celery import shared_task

from crm_embedded.followups import services

log = logging.getLogger(__name__)


@shared_task
def followups_run() -> dict:
    """Detect leaks and act on each item's due stage once (the engine never raises)."""
    return services.followups_run().as_dict()
