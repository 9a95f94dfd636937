"""Celery tasks for outbound webhooks: thin, idempotent (a claimed delivery is attempted once)."""

from celery import shared_task

from shop.webhooks import services


@shared_task(name="shop.webhooks.tasks.webhook_deliver")
def webhook_deliver(delivery_id: int) -> bool:
    """Make one attempt for a delivery if it is still due (a duplicate run does nothing)."""
    return services.webhook_delivery_send(delivery_id=delivery_id)


@shared_task(name="shop.webhooks.tasks.deliver_due")
def deliver_due() -> int:
    """Attempt every delivery whose (next) attempt is due: the periodic retry sweep."""
    return services.webhook_deliveries_due()
