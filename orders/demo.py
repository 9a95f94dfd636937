"""Demo data for order handling: the shipping events staff record on the dashboard."""

from oscar.core.loading import get_model

# (code, name): the dashboard's "create shipping event" offers these, in fulfilment order.
SHIPPING_EVENT_TYPES = (("shipped", "Shipped"), ("delivered", "Delivered"))


def shipping_event_types_ensure() -> int:
    """Create the missing shipping event types; return how many were created."""
    ShippingEventType = get_model("order", "ShippingEventType")
    created = 0
    for code, name in SHIPPING_EVENT_TYPES:
        _, made = ShippingEventType.objects.get_or_create(code=code, defaults={"name": name})
        created += made
    return created
