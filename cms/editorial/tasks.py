"""Scheduled publishing: Wagtail's publish_scheduled command, run by Celery beat."""

from celery import shared_task
from django.core.management import call_command


# Idempotent: the command publishes only revisions whose go-live time has passed and
# unpublishes expired pages, so a duplicate run does nothing.
@shared_task(
    name="cms.editorial.tasks.publish_scheduled",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def publish_scheduled() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones."""
    call_command("publish_scheduled")
