"""The buyer's order page: the timeline (status changes, shipments, tracking) and what has shipped."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders import services, states
from orders.models import Carrier
from tests.factories import UserFactory
from tests.shop.test_order_history import order_create

pytestmark = pytest.mark.django_db

TRACKING_TEMPLATE = "https://track.example/?n={tracking_number}"


@pytest.fixture
def carrier(db):
    return Carrier.objects.create(
        code="dhl-test", name="DHL Test", tracking_url_template=TRACKING_TEMPLATE
    )


@pytest.fixture
def sales(db):
    return UserFactory(
        email="sofia@partshub.example", first_name="Sofia", last_name="Sales", is_staff=True
    )


@pytest.fixture
def order(company, buyer_member, sales):
    with services.notifications_muted():
        order = order_create(
            company=company,
            user=buyer_member.user,
            number="500001",
            lines=[("BRG-30205", "Tapered roller bearing", 10), ("HEX-M8", "Hex bolt M8", 4)],
            stock=True,
        )
        services.order_status_change(order=order, status=states.CONFIRMED, by_user=sales)
    return order


def _page(client, order, **headers) -> str:
    url = reverse("customer:order", kwargs={"order_number": order.number})
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _ship(order, *, quantities, carrier=None, tracking="", by_user=None, source="staff", **kwargs):
    lines = {
        line.pk: qty
        for line, qty in zip(order.lines.order_by("pk"), quantities, strict=True)
        if qty
    }
    with services.notifications_muted():
        return services.shipment_create(
            order=order,
            lines=lines,
            carrier_code=carrier.code if carrier else "",
            tracking_number=tracking,
            by_user=by_user,
            source=source,
            **kwargs,
        )


def test_a_partial_shipment_shows_on_the_timeline_with_its_lines_and_tracking_link(
    client, order, carrier, sales, buyer_member
):
    expected = timezone.localdate() + datetime.timedelta(days=3)
    _ship(order, quantities=[4, 0], carrier=carrier, tracking="JD0001 42", by_user=sales,
          expected_delivery=expected)  # fmt: skip
    client.force_login(buyer_member.user)
    html = _page(client, order)
    assert 'id="order-timeline"' in html
    assert "Shipment 500001-1 sent" in html
    assert 'href="https://track.example/?n=JD0001%2042"' in html and ">JD0001 42</a>" in html
    assert "DHL Test" in html
    assert "4 × Tapered roller bearing (BRG-30205)" in html
    assert 'id="order-expected-delivery"' in html and expected.isoformat() in html
    line_bearing, line_bolt = order.lines.order_by("pk")
    assert f'id="line-shipped-{line_bearing.pk}">4 of 10 shipped<' in html
    assert f'id="line-shipped-{line_bolt.pk}">0 of 4 shipped<' in html
    assert "Partially shipped" in html
    # The order's documents sit on the same page: the confirmation and this parcel's slip.
    assert 'id="order-documents"' in html
    assert "order-document-confirmation" in html and "Packing slip 500001-1" in html


def test_status_changes_say_when_and_who_but_never_name_staff(client, order, sales, buyer_member):
    with services.notifications_muted():
        services.order_status_change(order=order, status=states.IN_FULFILMENT, source="erp")
    client.force_login(buyer_member.user)
    html = _page(client, order)
    assert "Order placed" in html and buyer_member.user.get_full_name() in html
    assert "Confirmed</strong>" in html and "— PartsHub staff" in html
    assert "In fulfilment</strong>" in html and "— ERP" in html
    assert "Sofia" not in html and sales.email not in html


def test_the_timeline_is_in_the_buyers_language(client, order, carrier, buyer_member):
    shipment = _ship(order, quantities=[10, 4], carrier=carrier, tracking="T1")
    with services.notifications_muted():
        services.tracking_event_add(shipment=shipment, kind="delivered", location="Köln")
    client.force_login(buyer_member.user)
    timeline = _page(client, order, HTTP_ACCEPT_LANGUAGE="de").split('id="order-timeline"')[1]
    assert 'class="tracking-event-label">Zugestellt<' in timeline
    assert 'class="timeline-status-label">Zugestellt<' in timeline


def test_shipping_the_rest_and_a_delivered_event_show_delivered(
    client, order, carrier, buyer_member
):
    first = _ship(order, quantities=[4, 0], carrier=carrier, tracking="A1")
    second = _ship(order, quantities=[6, 4], carrier=carrier, tracking="A2")
    with services.notifications_muted():
        services.tracking_event_add(shipment=first, kind="delivered", location="Köln")
        services.tracking_event_add(shipment=second, kind="in_transit", location="Hub Frankfurt")
        services.tracking_event_add(
            shipment=second, kind="delivered", location="Köln", note="Left at gate 3"
        )
    order.refresh_from_db()
    client.force_login(buyer_member.user)
    html = _page(client, order)
    assert order.status == states.DELIVERED
    assert 'id="order-status">Delivered<' in html
    assert html.count('class="tracking-event-label">Delivered<') == 2
    assert "Hub Frankfurt" in html and "Left at gate 3" in html
    assert "10 of 10 shipped" in html and "4 of 4 shipped" in html
    assert 'id="order-expected-delivery"' not in html  # everything has arrived
    timeline = html.split('id="order-timeline-entries"')[1]
    assert timeline.index("Shipment 500001-1 sent") < timeline.index("Shipment 500001-2 sent")
    assert timeline.index("Hub Frankfurt") < timeline.index("Left at gate 3")


def test_a_cancellation_shows_its_reason(client, company, buyer_member, sales):
    with services.notifications_muted():
        order = order_create(company=company, user=buyer_member.user, number="500002", stock=True)
        services.order_cancel(order=order, reason="Out of production", by_user=sales)
    client.force_login(buyer_member.user)
    html = _page(client, order)
    assert "Cancelled</strong>" in html and "Out of production" in html


def test_a_colleague_sees_the_timeline_and_another_company_does_not(client, order, admin_member):
    client.force_login(admin_member.user)
    assert 'id="order-timeline"' in _page(client, order)
    client.force_login(UserFactory())
    url = reverse("customer:order", kwargs={"order_number": order.number})
    assert client.get(url).status_code == 404


def _queries(client, order) -> int:
    url = reverse("customer:order", kwargs={"order_number": order.number})
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_order_page_queries_do_not_grow_with_shipments_and_events(
    client, order, carrier, buyer_member, django_assert_num_queries
):
    client.force_login(buyer_member.user)
    first = _ship(order, quantities=[1, 1], carrier=carrier, tracking="Q1")
    with services.notifications_muted():
        services.tracking_event_add(shipment=first, kind="in_transit")
    small = _queries(client, order)
    for n in range(5):
        shipment = _ship(order, quantities=[1, 0], carrier=carrier, tracking=f"Q{n + 2}")
        with services.notifications_muted():
            for kind in ("in_transit", "out_for_delivery", "exception"):
                services.tracking_event_add(shipment=shipment, kind=kind, location=f"Stop {n}")
    url = reverse("customer:order", kwargs={"order_number": order.number})
    with django_assert_num_queries(small):
        html = client.get(url).content.decode()
    assert html.count('data-kind="shipment"') == 6 and html.count('data-kind="tracking"') == 16
