"""Storefront events become webhook events with per-resource sequence numbers."""

import pytest
from oscar.test.factories import create_order

from orders import states
from orders.services import order_status_change, shipment_create
from shop.webhooks.models import WebhookDelivery, WebhookEvent
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def _events(resource_type: str, resource_id) -> list[tuple[str, int]]:
    return list(
        WebhookEvent.objects.filter(resource_type=resource_type, resource_id=str(resource_id))
        .order_by("sequence")
        .values_list("type", "sequence")
    )


def test_company_events_count_per_company(endpoint):
    alpha = CompanyFactory(legal_name="Alpha GmbH", external_id="ERP-ALPHA")
    alpha.phone = "+49 221 1"
    alpha.save()
    alpha.status = "active"
    alpha.save()
    beta = CompanyFactory(legal_name="Beta AG")

    assert _events("company", alpha.pk) == [
        ("company.created", 1),
        ("company.updated", 2),
        ("company.updated", 3),
    ]
    assert _events("company", beta.pk) == [("company.created", 1)]
    last = WebhookEvent.objects.get(resource_id=str(alpha.pk), sequence=3).payload
    assert last["type"] == "company.updated" and last["sequence"] == 3
    assert last["resource"] == {"type": "company", "id": str(alpha.pk)}
    assert last["data"]["external_id"] == "ERP-ALPHA" and last["data"]["status"] == "active"
    assert last["data"]["credit_limit"] == f"{alpha.credit_limit:.2f}"  # money as a string
    assert set(last) == {"id", "type", "created", "sequence", "resource", "data"}
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 4


def test_an_order_placed_then_confirmed_then_shipped(endpoint):
    order = create_order()
    order_status_change(order=order, status=states.CONFIRMED, note="ok")
    line = order.lines.get()
    shipment = shipment_create(order=order, lines={line.pk: line.quantity}, tracking_number="T1")

    assert _events("order", order.number) == [
        ("order.placed", 1),
        ("order.status_changed", 2),
        ("order.status_changed", 3),
    ]
    placed = WebhookEvent.objects.get(type="order.placed").payload["data"]
    assert placed["number"] == str(order.number) and placed["status"] == states.PLACED
    assert placed["total_incl_tax"] == f"{order.total_incl_tax:.2f}"
    assert placed["external_id"] == "" and placed["lines"][0]["quantity"] == line.quantity
    changed = WebhookEvent.objects.get(resource_id=order.number, sequence=3).payload["data"]
    assert (changed["old_status"], changed["new_status"]) == (states.CONFIRMED, states.SHIPPED)
    assert changed["source"] == "staff"

    assert _events("shipment", shipment.number) == [("shipment.created", 1)]
    data = WebhookEvent.objects.get(type="shipment.created").payload["data"]
    assert data["order"]["number"] == str(order.number) and data["tracking_number"] == "T1"
    assert data["lines"] == [
        {"order_line_id": line.pk, "sku": line.partner_sku, "quantity": line.quantity}
    ]


def test_a_receiver_that_fails_does_not_stop_the_order(endpoint, monkeypatch):
    from shop.webhooks import payloads

    def broken(*args, **kwargs):
        raise RuntimeError("payload bug")

    monkeypatch.setattr(payloads, "order_data", broken)
    order = create_order()
    order_status_change(order=order, status=states.CONFIRMED)
    order.refresh_from_db()
    assert order.status == states.CONFIRMED
    assert not WebhookEvent.objects.filter(resource_type="order").exists()
