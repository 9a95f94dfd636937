"""Outbound webhook reads for the operator's pages."""

from django.db.models import Count, QuerySet

from shop.webhooks.models import WebhookDelivery, WebhookEndpoint


def webhook_endpoints_for_operator() -> QuerySet[WebhookEndpoint]:
    """Every endpoint with its number of deliveries, active ones first."""
    return WebhookEndpoint.objects.annotate(delivery_count=Count("deliveries")).order_by(
        "-active", "url", "id"
    )


def webhook_deliveries_for_operator(
    *, endpoint_id: int | None = None, status: str = "", event_type: str = ""
) -> QuerySet[WebhookDelivery]:
    """The delivery log, newest first, with its event and endpoint in the same query."""
    deliveries = WebhookDelivery.objects.select_related("event", "endpoint").order_by(
        "-created_at", "-id"
    )
    if endpoint_id:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    if status:
        deliveries = deliveries.filter(status=status)
    if event_type:
        deliveries = deliveries.filter(event__type=event_type)
    return deliveries


def webhook_delivery_with_attempts(*, delivery_id: int) -> WebhookDelivery | None:
    """One delivery with its event, endpoint, redelivering operator and attempts."""
    return (
        WebhookDelivery.objects.select_related("event", "endpoint", "redelivered_by")
        .prefetch_related("attempt_log")
        .filter(pk=delivery_id)
        .first()
    )
