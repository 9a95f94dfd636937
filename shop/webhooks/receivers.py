"""Storefront events that become outbound webhooks. Connected in ``WebhooksConfig.ready()``.

Every receiver runs inside the sender's transaction (the event's sequence number is taken
there), builds the payload from ids and never raises: Oscar sends ``order_placed`` with
``.send()``, so an error here would turn a placed order into an error page.
"""

import logging

from django.db.models.signals import post_save
from oscar.apps.order.signals import order_placed
from oscar.core.loading import get_model

from shop.companies.models import Company
from shop.webhooks import payloads
from shop.webhooks.services import webhook_event_emit

log = logging.getLogger(__name__)


def order_placed_received(sender, order, **kwargs) -> None:
    try:
        webhook_event_emit(
            event="order.placed",
            resource_type="order",
            resource_id=order.number,
            payload=payloads.order_data(order),
        )
    except Exception:  # never into checkout
        log.exception("webhook order.placed for order %s", getattr(order, "number", "?"))


def order_status_changed_received(
    sender, order_id, old_status, new_status, source="", **kwargs
) -> None:
    try:
        order = (
            get_model("order", "Order").objects.select_related("company", "user").get(pk=order_id)
        )
        webhook_event_emit(
            event="order.status_changed",
            resource_type="order",
            resource_id=order.number,
            payload={
                **payloads.order_data(order, lines=False),
                "old_status": old_status,
                "new_status": new_status,
                "source": source,
            },
        )
    except Exception:
        log.exception("webhook order.status_changed for order id %s", order_id)


def shipment_created_received(sender, shipment_id, order_id, **kwargs) -> None:
    try:
        shipment = (
            get_model("order", "Shipment").objects.select_related("carrier").get(pk=shipment_id)
        )
        order = get_model("order", "Order").objects.get(pk=order_id)
        webhook_event_emit(
            event="shipment.created",
            resource_type="shipment",
            resource_id=getattr(shipment, "number", "") or str(shipment.pk),
            payload=payloads.shipment_data(shipment, order),
        )
    except Exception:
        log.exception("webhook shipment.created for shipment id %s", shipment_id)


def company_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:  # loaddata: not a change anyone made
        return
    try:
        webhook_event_emit(
            event="company.created" if created else "company.updated",
            resource_type="company",
            resource_id=str(instance.pk),
            payload=payloads.company_data(instance),
        )
    except Exception:
        log.exception("webhook company event for company %s", instance.pk)


def connect() -> None:
    """Connect the receivers (the order pipeline's signals only once that module exists)."""
    order_placed.connect(order_placed_received, dispatch_uid="webhooks.order_placed")
    post_save.connect(company_saved, sender=Company, dispatch_uid="webhooks.company_saved")
    try:
        from orders import signals as order_signals
    except ImportError:  # the status pipeline is not there yet
        log.info("orders.signals is missing: no order status or shipment webhooks")
        return
    if hasattr(order_signals, "order_status_changed"):
        order_signals.order_status_changed.connect(
            order_status_changed_received, dispatch_uid="webhooks.order_status_changed"
        )
    if hasattr(order_signals, "shipment_created"):
        order_signals.shipment_created.connect(
            shipment_created_received, dispatch_uid="webhooks.shipment_created"
        )
