"""The fulfilment panel on the dashboard's order page: staff with order.change_order change
status, ship, track and cancel through the services; others are refused; errors are messages."""

import pytest
from django.urls import reverse

from orders import states
from orders.models import Shipment
from tests.factories import UserFactory
from tests.orders.fulfilment_helpers import carrier, lines, order_with_lines

pytestmark = pytest.mark.django_db


def _detail(order) -> str:
    return reverse("dashboard:order-detail", kwargs={"number": order.number})


def _url(name, order, **kwargs) -> str:
    return reverse(f"fulfilment:{name}", kwargs={"number": order.number, **kwargs})


@pytest.fixture
def manager(client, sales_manager):
    client.force_login(sales_manager)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_order_page_offers_only_allowed_states_and_hides_oscars_forms(manager):
    order = order_with_lines(2, confirmed=False)
    html = manager.get(_detail(order)).content.decode()
    assert 'id="fulfilment-status-form"' in html and 'id="fulfilment-cancel-form"' in html
    assert '<option value="Confirmed">' in html and '<option value="On hold">' in html
    assert '<option value="Shipped">' not in html
    assert 'value="change_order_status"' not in html
    assert 'value="create_shipping_event"' not in html
    assert 'value="change_line_statuses"' not in html
    assert 'id="fulfilment-shipment-form"' not in html  # placed, not yet confirmed


def test_a_sales_manager_ships_part_of_an_order_and_adds_a_tracking_event(manager, sales_manager):
    order = order_with_lines(5, 2)
    first, second = lines(order)
    carrier("ups")
    html = manager.get(_detail(order)).content.decode()
    assert 'id="fulfilment-shipment-form"' in html and f'name="line_{first.pk}"' in html
    response = manager.post(
        _url("shipment-create", order),
        {f"line_{first.pk}": 2, f"line_{second.pk}": 0, "carrier": "ups",
         "tracking_number": "1Z999", "expected_delivery": "2026-12-09"},
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain[-1][0].endswith(_detail(order) + "#fulfilment")
    assert any("Partially shipped" in m for m in _messages(response))
    shipment = Shipment.objects.get(order=order)
    assert (shipment.created_by, shipment.tracking_number) == (sales_manager, "1Z999")
    assert str(shipment.expected_delivery) == "2026-12-09"
    response = manager.post(
        _url("tracking-event-add", order, shipment_number=shipment.number),
        {f"track-{shipment.pk}-kind": "in_transit", f"track-{shipment.pk}-location": "Köln"},
        follow=True,
    )
    assert shipment.events.get().location == "Köln"
    html = response.content.decode()
    assert "1Z999" in html and "In transit" in html


def test_over_shipping_is_a_message_not_an_error_page(manager):
    order = order_with_lines(2)
    (line,) = lines(order)
    response = manager.post(_url("shipment-create", order), {f"line_{line.pk}": 3}, follow=True)
    assert response.status_code == 200
    assert any("only 2 of 2 ordered" in m for m in _messages(response))
    assert not Shipment.objects.exists()


def test_status_change_and_cancel_go_through_the_state_machine(manager, sales_manager):
    order = order_with_lines(1, confirmed=False)
    response = manager.post(_url("order-status", order), {"status": "Shipped"}, follow=True)
    assert response.status_code == 200 and _messages(response)  # not offered: refused
    order.refresh_from_db()
    assert order.status == states.PLACED
    manager.post(_url("order-status", order), {"status": "Confirmed", "note": "ok"})
    order.refresh_from_db()
    assert order.status == states.CONFIRMED
    assert order.status_events.get().by_user == sales_manager
    response = manager.post(_url("order-cancel", order), {"reason": ""}, follow=True)
    assert any("required" in m for m in _messages(response))
    manager.post(_url("order-cancel", order), {"reason": "Buyer asked"})
    order.refresh_from_db()
    assert order.status == states.CANCELLED


@pytest.mark.parametrize("who", ["anonymous", "buyer", "staff_without_permission"])
def test_others_are_refused(client, who):
    order = order_with_lines(2)
    if who == "buyer":
        client.force_login(order.user or UserFactory())
    elif who == "staff_without_permission":
        client.force_login(UserFactory(is_staff=True))
    response = client.post(_url("shipment-create", order), {f"line_{lines(order)[0].pk}": 1})
    if who == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == 403
    assert not Shipment.objects.exists()
    assert client.get(_url("order-status", order)).status_code in (302, 403, 405)


def test_oscars_own_status_and_shipping_actions_are_refused_even_when_posted_by_hand(manager):
    order = order_with_lines(2, confirmed=False)
    line = order.lines.first()
    posts = [
        {"order_action": "change_order_status", "new_status": states.CONFIRMED},
        {"line_action": "change_line_statuses", "selected_line": [line.pk],
         "new_status": states.SHIPPED},
        {"line_action": "create_shipping_event", "selected_line": [line.pk],
         f"selected_line_qty_{line.pk}": 1, "shipping_event_type": "shipped"},
        {"line_action": "create_payment_event", "selected_line": [line.pk],
         "payment_event_type": "refunded", "amount": "100"},
        {"order_action": "create_order_payment_event", "payment_event_type": "refunded",
         "amount": "100"},
    ]  # fmt: skip
    for data in posts:
        manager.post(_detail(order), data)
    order.refresh_from_db()
    line.refresh_from_db()
    assert order.status == states.PLACED and not order.status_events.exists()
    assert line.status != states.SHIPPED and not order.shipping_events.exists()
    assert not order.payment_events.exists()
    # ...and the order list has no bulk status change either.
    html = manager.get(reverse("dashboard:order-list")).content.decode()
    assert 'value="change_order_statuses"' not in html
    manager.post(
        reverse("dashboard:order-list"),
        {"action": "change_order_statuses", "selected_order": [order.pk],
         "new_status": states.CONFIRMED},
    )  # fmt: skip
    order.refresh_from_db()
    assert order.status == states.PLACED


def test_the_order_page_offers_the_documents_and_the_invoice_button_to_staff(manager):
    order = order_with_lines(2, confirmed=True)
    html = manager.get(_detail(order)).content.decode()
    assert 'id="order-documents"' in html and 'id="invoice-issue-form"' in html
    assert reverse("order_documents:invoice-issue", kwargs={"order_number": order.number}) in html
