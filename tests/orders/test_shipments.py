"""Shipments drive the order and line statuses; over-shipping and shipping a cancelled order
are refused; tracking events deliver it."""

import datetime

import pytest
from django.utils import timezone

from orders import states
from orders.models import TrackingEvent
from orders.selectors import order_shipped_quantities, order_timeline
from orders.services import (
    OrderStatusError,
    order_cancel,
    shipment_create,
    tracking_event_add,
)
from tests.factories import UserFactory
from tests.orders.fulfilment_helpers import carrier, lines, order_with_lines

pytestmark = pytest.mark.django_db


def _statuses(order) -> list[str]:
    return list(order.lines.order_by("pk").values_list("status", flat=True))


def test_partial_then_rest_then_delivered():
    staff = UserFactory(is_staff=True)
    order = order_with_lines(5, 3)
    first, second = lines(order)
    carrier("dhl")
    one = shipment_create(
        order=order,
        lines={first.pk: 5, second.pk: 1},
        carrier_code="dhl",
        tracking_number="JD 0001",
        expected_delivery=datetime.date(2026, 12, 4),
        by_user=staff,
    )
    order.refresh_from_db()
    assert order.status == states.PARTIALLY_SHIPPED
    assert _statuses(order) == [states.LINE_SHIPPED, states.LINE_PARTIALLY_SHIPPED]
    assert one.number == f"{order.number}-1" and one.created_by == staff
    assert one.tracking_url == "https://track.example/?n=JD%200001"
    assert order_shipped_quantities(order=order) == {first.pk: 5, second.pk: 1}
    # Stock: the shipped quantities left the warehouse (allocation consumed).
    first.stockrecord.refresh_from_db()
    assert (first.stockrecord.num_in_stock, first.stockrecord.num_allocated) == (95, 0)

    two = shipment_create(order=order, lines={second.pk: 2}, source="erp", external_id="LS-9")
    order.refresh_from_db()
    assert order.status == states.SHIPPED
    assert _statuses(order) == [states.LINE_SHIPPED, states.LINE_SHIPPED]
    # The ERP sending the same shipment again gets the same one back.
    assert shipment_create(order=order, lines={second.pk: 2}, external_id="LS-9") == two

    tracking_event_add(shipment=one, kind=TrackingEvent.Kind.IN_TRANSIT, location="Köln")
    tracking_event_add(shipment=one, kind=TrackingEvent.Kind.DELIVERED)
    order.refresh_from_db()
    assert order.status == states.SHIPPED  # the second parcel is still on its way
    assert _statuses(order) == [states.LINE_DELIVERED, states.LINE_SHIPPED]
    tracking_event_add(shipment=two, kind=TrackingEvent.Kind.DELIVERED, source="erp")
    order.refresh_from_db()
    assert order.status == states.DELIVERED
    assert _statuses(order) == [states.LINE_DELIVERED, states.LINE_DELIVERED]

    events = list(order.status_events.values_list("new_status", "source"))
    assert events == [
        (states.CONFIRMED, "staff"),
        (states.PARTIALLY_SHIPPED, "staff"),
        (states.SHIPPED, "erp"),
        (states.DELIVERED, "erp"),
    ]
    kinds = [entry.kind for entry in order_timeline(order=order)]
    assert kinds.count("shipment") == 2 and kinds.count("tracking") == 3
    assert kinds[0] == "status"


def test_shipping_more_than_ordered_minus_shipped_is_refused():
    order = order_with_lines(4)
    (line,) = lines(order)
    shipment_create(order=order, lines={line.pk: 3})
    with pytest.raises(OrderStatusError, match="only 1 of 4 ordered are still to ship"):
        shipment_create(order=order, lines={line.pk: 2})
    assert order_shipped_quantities(order=order) == {line.pk: 3}
    assert order.shipments.count() == 1


@pytest.mark.parametrize(
    ("lines_of", "message"),
    [
        (lambda line: {}, "at least one line"),
        (lambda line: {line.pk: 0}, "at least one line"),
        (lambda line: {line.pk: -1}, "negative"),
        (lambda line: {line.pk + 999: 1}, "is not a line of order"),
    ],
)
def test_bad_shipment_lines_are_refused(lines_of, message):
    order = order_with_lines(2)
    with pytest.raises(OrderStatusError, match=message):
        shipment_create(order=order, lines=lines_of(lines(order)[0]))


def test_an_unknown_carrier_is_refused():
    order = order_with_lines(2)
    with pytest.raises(OrderStatusError, match="Unknown carrier"):
        shipment_create(order=order, lines={lines(order)[0].pk: 1}, carrier_code="pigeon")


def test_a_cancelled_or_unconfirmed_order_cannot_ship():
    placed = order_with_lines(2, confirmed=False)
    with pytest.raises(OrderStatusError, match="shipments can be recorded only"):
        shipment_create(order=placed, lines={lines(placed)[0].pk: 1})
    order_cancel(order=placed, reason="Customer changed their mind")
    with pytest.raises(OrderStatusError, match="cancelled: it cannot ship"):
        shipment_create(order=placed, lines={lines(placed)[0].pk: 1})


def test_a_tracking_event_records_when_and_who_and_bumps_modified_at():
    staff = UserFactory(is_staff=True)
    order = order_with_lines(2)
    shipment = shipment_create(order=order, lines={lines(order)[0].pk: 2})
    order.refresh_from_db()
    before = order.modified_at
    when = timezone.now() - datetime.timedelta(hours=3)
    event = tracking_event_add(
        shipment=shipment, kind="exception", occurred_at=when, note="Address unclear", by_user=staff
    )
    assert (event.occurred_at, event.created_by, event.source) == (when, staff, "staff")
    order.refresh_from_db()
    assert order.modified_at > before
    with pytest.raises(OrderStatusError, match="is not a tracking event"):
        tracking_event_add(shipment=shipment, kind="lost")


def test_signals_are_sent_after_the_change_and_a_raising_receiver_breaks_nothing():
    from orders import signals

    seen = []

    def boom(sender, **kwargs):
        seen.append(kwargs)
        raise RuntimeError("receiver down")

    order = order_with_lines(2)
    signals.shipment_created.connect(boom)
    signals.order_status_changed.connect(boom)
    try:
        shipment = shipment_create(order=order, lines={lines(order)[0].pk: 2})
    finally:
        signals.shipment_created.disconnect(boom)
        signals.order_status_changed.disconnect(boom)
    assert any(s.get("shipment_id") == shipment.pk and s["order_id"] == order.pk for s in seen)
    assert any(s.get("new_status") == states.SHIPPED for s in seen)


def test_a_tracking_carrier_needs_its_tracking_number_and_events_cannot_lie_ahead():
    order = order_with_lines(2)
    (line,) = lines(order)
    carrier("dhl")
    with pytest.raises(OrderStatusError, match="tracking number DHL gave") as error:
        shipment_create(order=order, lines={line.pk: 1}, carrier_code="dhl", tracking_number=" ")
    assert error.value.field == "tracking_number" and not order.shipments.exists()
    shipment = shipment_create(order=order, lines={line.pk: 1}, carrier_code="dhl",
                               tracking_number="JD 2")  # fmt: skip
    later = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(OrderStatusError, match="cannot lie in the future") as error:
        tracking_event_add(shipment=shipment, kind="in_transit", occurred_at=later)
    assert error.value.field == "occurred_at" and not TrackingEvent.objects.exists()
    soon = timezone.now() + datetime.timedelta(minutes=5)  # the carrier's clock may run ahead
    tracking_event_add(shipment=shipment, kind="in_transit", occurred_at=soon)
