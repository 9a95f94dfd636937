"""The order status machine: every allowed move works, every other is refused, and each
change records who or what made it and when."""

import pytest
from django.conf import settings
from oscar.test.factories import create_order

from orders import states
from orders.models import OrderStatusEvent
from orders.services import OrderStatusError, order_status_change
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALLOWED = [(old, new) for old, targets in states.TRANSITIONS.items() for new in targets]
REFUSED = [
    (old, new)
    for old in states.STATUSES
    for new in states.STATUSES
    if new not in states.TRANSITIONS[old] and new != old
]


def _order_in(status: str, *, before_hold: str = states.PLACED):
    order = create_order()
    if status == states.ON_HOLD:
        order.status = before_hold
        order.save()
        order_status_change(order=order, status=states.ON_HOLD, note="wait")
    else:
        order.status = status
        order.save()
    return order


def test_the_oscar_pipeline_in_settings_is_the_table():
    assert {
        status: tuple(targets) for status, targets in states.TRANSITIONS.items()
    } == settings.OSCAR_ORDER_STATUS_PIPELINE
    assert settings.OSCAR_INITIAL_ORDER_STATUS == states.PLACED
    assert set(states.TRANSITIONS) == set(states.STATUSES)


def test_a_new_order_is_placed():
    assert create_order().status == states.PLACED


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_every_allowed_move_works(old, new):
    # From "On hold" an order goes back to where it was: put it on hold from there.
    before = new if old == states.ON_HOLD and new != states.CANCELLED else states.PLACED
    order = _order_in(old, before_hold=before)
    order_status_change(order=order, status=new, note="because")
    order.refresh_from_db()
    assert order.status == new
    assert order.status_events.last().new_status == new


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_every_other_move_is_refused_with_the_allowed_next_states(old, new):
    order = _order_in(old)
    before = order.status_events.count()
    with pytest.raises(OrderStatusError) as caught:
        order_status_change(order=order, status=new)
    order.refresh_from_db()
    assert order.status == old
    assert order.status_events.count() == before
    message = caught.value.message
    assert order.number in message and states.name(new) in message
    for target in states.allowed_next(old, before_hold=states.PLACED):
        assert states.name(target) in message


def test_on_hold_goes_back_only_to_where_it_was():
    order = _order_in(states.ON_HOLD, before_hold=states.CONFIRMED)
    with pytest.raises(OrderStatusError, match="Confirmed"):
        order_status_change(order=order, status=states.PLACED)
    order_status_change(order=order, status=states.CONFIRMED)
    assert order.status == states.CONFIRMED


def test_an_unknown_status_is_refused():
    order = create_order()
    with pytest.raises(OrderStatusError, match="not an order status"):
        order_status_change(order=order, status="Lost at sea")


def test_a_change_records_who_what_when_and_bumps_modified_at():
    staff = UserFactory(is_staff=True)
    order = create_order()
    modified = order.modified_at
    order_status_change(order=order, status=states.CONFIRMED, by_user=staff, note="Checked")
    event = OrderStatusEvent.objects.get(order=order)
    assert (event.old_status, event.new_status) == (states.PLACED, states.CONFIRMED)
    assert event.by_user == staff and event.source == "staff" and event.note == "Checked"
    assert event.created_at is not None
    order.refresh_from_db()
    assert order.modified_at > modified
    assert set(order.lines.values_list("status", flat=True)) == {states.LINE_CONFIRMED}
    # Oscar's own history has it too.
    assert order.status_changes.get().new_status == states.CONFIRMED


def test_the_erp_is_recorded_as_the_source():
    order = create_order()
    order_status_change(order=order, status=states.CONFIRMED, source="erp")
    assert order.status_events.get().source == "erp"
    assert order.status_events.get().by_user is None
    with pytest.raises(OrderStatusError):
        order_status_change(order=order, status=states.IN_FULFILMENT, source="robot")
