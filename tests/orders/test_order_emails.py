"""Buyer emails on confirmation, shipment, delivery and delay: once per kind and key,
delivered after commit, and a broken notification never breaks the order change."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from orders import states
from orders.services import order_status_change, shipment_create, tracking_event_add
from shop.notifications.models import NotificationLog
from tests.factories import UserFactory
from tests.orders.fulfilment_helpers import carrier, lines, order_with_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(email="buyer@werk.example")


def test_each_kind_is_logged_once_per_key_and_sent_after_commit(
    buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_with_lines(3, 1, user=buyer)
    confirmed = NotificationLog.objects.get(kind="order_confirmed")
    assert confirmed.key == f"order_confirmed:{order.number}"
    assert confirmed.recipients == ["buyer@werk.example"]
    assert str(order.number) in confirmed.subject
    order_url = reverse("customer:order", kwargs={"order_number": order.number})
    assert f"{settings.SITE_BASE_URL}{order_url}" in confirmed.body_text

    carrier("dhl")
    first, second = lines(order)
    with django_capture_on_commit_callbacks(execute=True):
        one = shipment_create(
            order=order, lines={first.pk: 3}, carrier_code="dhl", tracking_number="T-1"
        )
    shipped = NotificationLog.objects.get(kind="order_shipped")
    assert shipped.key == f"order_shipped:{one.number}"
    assert "Part of order" in shipped.subject
    assert "https://track.example/?n=T-1" in shipped.body_text and "SKU-0-" in shipped.body_text
    assert "https://track.example/?n=T-1" in shipped.body_html

    with django_capture_on_commit_callbacks(execute=True):
        two = shipment_create(order=order, lines={second.pk: 1})
        event = tracking_event_add(shipment=one, kind="exception", note="Road closed")
        tracking_event_add(shipment=one, kind="delivered")
        tracking_event_add(shipment=two, kind="delivered")
    order.refresh_from_db()
    assert order.status == states.DELIVERED
    kinds = sorted(NotificationLog.objects.values_list("kind", flat=True))
    assert kinds == [
        "order_confirmed",
        "order_delayed",
        "order_delivered",
        "order_shipped",
        "order_shipped",
    ]
    assert NotificationLog.objects.get(kind="order_delayed").key == f"order_delayed:{event.pk}"
    assert "Road closed" in NotificationLog.objects.get(kind="order_delayed").body_text
    assert len(mail.outbox) == 5
    assert all(message.to == ["buyer@werk.example"] for message in mail.outbox)


def test_confirming_twice_sends_one_confirmation(buyer):
    order = order_with_lines(1, user=buyer)
    order_status_change(order=order, status=states.ON_HOLD)
    order_status_change(order=order, status=states.CONFIRMED)
    assert NotificationLog.objects.filter(kind="order_confirmed").count() == 1


def test_a_failing_notification_never_breaks_the_status_change(buyer, monkeypatch):
    from shop.notifications import services as notifications

    def broken(**kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(notifications, "notification_send", broken)
    order = order_with_lines(1, user=buyer)
    order.refresh_from_db()
    assert order.status == states.CONFIRMED
    assert not NotificationLog.objects.exists()
