"""Follow-up jobs: thin, idempotent (safe to run twice, even at once)."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task
def followups_run() -> dict:
    """Detect leaks and act on them (stub: the engine fills this in)."""
    return {}
