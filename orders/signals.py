"""Our order signals, sent with ``send_robust`` after the change is saved (inside the
transaction): receivers get ids, not instances, and queue their work with
``transaction.on_commit``."""

from django.dispatch import Signal

# sender=Order; order_id, old_status, new_status, source
order_status_changed = Signal()
# sender=Shipment; shipment_id, order_id
shipment_created = Signal()
# sender=TrackingEvent; event_id, shipment_id, order_id
tracking_event_added = Signal()
