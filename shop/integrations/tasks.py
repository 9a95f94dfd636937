"""Periodic housekeeping of the ERP API."""

from celery import shared_task

from shop.integrations.services import idempotency_records_purge


@shared_task
def idempotency_purge() -> int:
    """Delete stored Idempotency-Key answers older than 24 hours (safe to run twice)."""
    return idempotency_records_purge()
