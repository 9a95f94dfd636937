"""An order's timeline as its buyer reads it: what happened, when, and who (in words, not staff names)."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from orders import states as order_states
from orders.selectors import order_timeline

# The buyer never learns which member of staff moved their order: only that the seller did.
ACTORS = {
    "staff": _("PartsHub staff"),
    "erp": _("ERP"),
    "system": _("PartsHub (automatically)"),
}
DELIVERED = "delivered"


@dataclass(frozen=True)
class BuyerTimelineEntry:
    """One row: ``kind`` is "placed", "status", "shipment" or "tracking"; ``obj`` the record."""

    kind: str
    at: datetime.datetime
    actor: str = ""
    label: str = ""
    note: str = ""
    obj: object = None


@dataclass
class BuyerTimeline:
    entries: list[BuyerTimelineEntry] = field(default_factory=list)
    shipped: dict[int, int] = field(default_factory=dict)  # order line id -> quantity shipped
    expected_delivery: datetime.date | None = None  # the latest date still awaited


def actor_label(*, source: str, user=None) -> str:
    """Who made a change, as the buyer may read it: a colleague by name, the seller by role."""
    if source == "buyer" and user is not None:
        return user.get_full_name() or user.email
    return str(ACTORS.get(source, ACTORS["staff"]))


def buyer_timeline(*, order) -> BuyerTimeline:
    """Build the buyer's view of an order's timeline (a fixed number of queries)."""
    placed_by = order.user
    result = BuyerTimeline()
    result.entries.append(
        BuyerTimelineEntry(
            kind="placed",
            at=order.date_placed,
            actor=(placed_by.get_full_name() or placed_by.email) if placed_by else "",
            label=str(_("Order placed")),
        )
    )
    awaited = []
    for entry in order_timeline(order=order):
        obj = entry.obj
        if entry.kind == "status":
            result.entries.append(
                BuyerTimelineEntry(
                    kind="status",
                    at=entry.at,
                    actor=actor_label(source=obj.source, user=obj.by_user),
                    label=order_states.name(obj.new_status),
                    # A cancellation's reason is for the buyer; other notes are the seller's.
                    note=obj.note if obj.new_status == order_states.CANCELLED else "",
                    obj=obj,
                )
            )
        elif entry.kind == "shipment":
            for shipment_line in obj.lines.all():
                line_id = shipment_line.line_id
                result.shipped[line_id] = result.shipped.get(line_id, 0) + shipment_line.quantity
            delivered = any(event.kind == DELIVERED for event in obj.events.all())
            if obj.expected_delivery and not delivered:
                awaited.append(obj.expected_delivery)
            result.entries.append(
                BuyerTimelineEntry(
                    kind="shipment",
                    at=entry.at,
                    actor=actor_label(source=obj.source, user=None),
                    obj=obj,
                )
            )
        else:
            result.entries.append(
                BuyerTimelineEntry(
                    kind="tracking",
                    at=entry.at,
                    label=obj.get_kind_display(),
                    note=obj.note,
                    obj=obj,
                )
            )
    if awaited and order.status not in (order_states.DELIVERED, order_states.COMPLETED):
        result.expected_delivery = max(awaited)
    return result
