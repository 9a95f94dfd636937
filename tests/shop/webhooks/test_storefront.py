"""A dead or slow endpoint never slows or breaks the storefront: checkout and quote
acceptance make no HTTP request (eager Celery, the embedded default), they only record."""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from oscar.core.loading import get_model

from shop.companies.models import CompanyAddress
from shop.demo import DEMO_PASSWORD
from shop.webhooks import services
from shop.webhooks.models import WebhookDelivery, WebhookEvent

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

JONAS = "jonas.weber@rheinland-auto.example"


@pytest.fixture
def demo():
    call_command("seed_demo", products=12, verbosity=0)


def _place_order_as_jonas(client):
    assert client.login(username=JONAS, password=DEMO_PASSWORD)
    record = next(
        r
        for r in StockRecord.objects.select_related("product").order_by("id")
        if r.num_in_stock >= r.product.min_order_quantity and r.price
    )
    client.post(
        reverse("basket:add", kwargs={"pk": record.product_id}),
        {"quantity": record.product.min_order_quantity},
    )
    address = CompanyAddress.objects.get(company__slug="rheinland-auto", label="Workshop Bonn")
    client.post(
        reverse("checkout:shipping-address"),
        {"action": "ship_to_company_address", "company_address": address.pk},
    )
    client.get(reverse("checkout:shipping-method"), follow=True)
    started = time.monotonic()
    response = client.post(
        reverse("checkout:preview"), {"action": "place_order", "purchase_order_number": "PO-WH"}
    )
    return response, time.monotonic() - started


def test_checkout_completes_while_the_endpoint_hangs(client, demo, receiver, settings):
    receiver.answer((200, 10.0))  # would hold a request for 10 s
    endpoint = services.webhook_endpoint_create(url=receiver.url, events=["order.placed"])
    demo_orders = set(Order.objects.values_list("pk", flat=True))
    response, seconds = _place_order_as_jonas(client)

    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    assert receiver.requests == [] and seconds < 8
    order = Order.objects.exclude(pk__in=demo_orders).get()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    data = delivery.event.payload["data"]
    assert data["number"] == order.number and data["purchase_order_number"] == "PO-WH"
    assert data["company"]["id"] == order.company_id
    assert data["buyer_email"] == JONAS

    # The sweep (worker, beat or `manage.py webhooks_deliver`) makes the request later.
    settings.WEBHOOK_TIMEOUTS = (1.0, 0.5)
    services.webhook_deliveries_due()
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "read timeout" in delivery.last_error


def test_checkout_completes_when_recording_the_event_fails(client, demo, receiver, monkeypatch):
    services.webhook_endpoint_create(url=receiver.url, events=["order.placed"])

    def broken(**kwargs):
        raise RuntimeError("database trouble in the webhook tables")

    monkeypatch.setattr(services, "_sequence_next", broken)
    orders_before = Order.objects.count()
    response, _seconds = _place_order_as_jonas(client)
    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    assert Order.objects.count() == orders_before + 1 and not WebhookEvent.objects.exists()


def test_accepting_a_quote_sends_quote_accepted(client, demo, receiver):
    from crm_embedded.quotes.models import Quote
    from crm_embedded.quotes.states import State

    services.webhook_endpoint_create(url=receiver.url, events=["quote.accepted"])
    quote = Quote.objects.get(company__slug="rheinland-auto", state=State.OFFERED)
    assert client.login(username=JONAS, password=DEMO_PASSWORD)
    response = client.post(
        reverse("quotes:action", kwargs={"number": quote.number, "action": "accept"})
    )
    assert response.status_code == 302 and receiver.requests == []
    event = WebhookEvent.objects.get(type="quote.accepted")
    assert (event.resource_type, event.resource_id, event.sequence) == ("quote", quote.number, 1)
    version = quote.versions.order_by("-number").first()
    assert event.payload["data"]["total"] == f"{version.total:.2f}"
    assert event.payload["data"]["company"]["id"] == quote.company_id
    services.webhook_deliveries_due()
    assert receiver.requests[0]["headers"]["PartsHub-Event"] == "quote.accepted"
