# ruff: noqa: F811 (the fixtures imported below are requested by name)
"""Card checkout when events cross: Stripe's webhook before or after "Place order", a
payment still processing, and "Place order" sent twice (against a real localstripe)."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.payment import services as card
from shop.payment.gateway import stripe_client
from shop.payment.models import CardIntent, UnmatchedPayment
from tests.shop.test_card_payment import (  # noqa: F401 (fixtures)
    _browser_confirms,
    _deliver,
    _event,
    _place,
    _signed,
    _to_preview,
    demo,
    localstripe_url,
    stripe_on,
)

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/django-admin/payment/unmatchedpayment/"


def _succeeded_webhook(client, event_id: str, intent_id: str) -> None:
    payload = _event(event_id, "payment_intent.succeeded", intent_id)
    assert _deliver(client, payload, _signed(payload)).status_code == 200


def test_a_webhook_before_place_order_is_resolved_by_the_order(
    client, admin_client, demo, stripe_on
):
    """Stripe reports the payment first; the order placed a moment later resolves the flag."""
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    _succeeded_webhook(client, "evt_early_1", intent.intent_id)
    flag = UnmatchedPayment.objects.get()
    assert flag.resolved_at is None and flag.order_number == ""
    assert intent.intent_id in admin_client.get(ADMIN_LIST).content.decode()

    response = _place(client, intent.intent_id)
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get()
    flag.refresh_from_db()
    assert flag.order_number == order.number and flag.resolved_at is not None
    thanks = client.get(reverse("checkout:thank-you")).content.decode()
    assert f"Stripe payment {intent.intent_id}" in thanks and "invoiced" not in thanks
    # Staff see open flags only (resolved ones behind the filter).
    assert intent.intent_id not in admin_client.get(ADMIN_LIST).content.decode()
    assert intent.intent_id in admin_client.get(f"{ADMIN_LIST}?state=resolved").content.decode()
    # Paid once, recorded once.
    source = order.sources.get()
    assert source.amount_debited == order.total_incl_tax
    assert PaymentEvent.objects.filter(order=order).count() == 1


def test_a_webhook_after_place_order_raises_no_flag(client, demo, stripe_on):
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    assert _place(client, intent.intent_id).status_code == 302
    _succeeded_webhook(client, "evt_late_1", intent.intent_id)
    assert not UnmatchedPayment.objects.exists()
    assert Order.objects.count() == 1 and PaymentEvent.objects.count() == 1


def test_a_failed_placement_after_an_early_webhook_leaves_the_flag_open(
    client, demo, stripe_on, monkeypatch
):
    """The order cannot be placed after all: the paid intent stays flagged for staff."""
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    _succeeded_webhook(client, "evt_early_2", intent.intent_id)

    from oscar.apps.order.utils import OrderCreator

    def broken(*args, **kwargs):
        raise RuntimeError("the order table is on fire")

    monkeypatch.setattr(OrderCreator, "place_order", broken)
    response = _place(client, intent.intent_id)
    assert response.status_code == 200  # Oscar's error on the preview, basket kept
    assert not Order.objects.exists()
    flag = UnmatchedPayment.objects.get()
    assert flag.resolved_at is None and flag.order_number == ""


def _retrieved_as_processing(monkeypatch) -> None:
    """Stripe answers "processing" (a bank still deciding); localstripe's cards never do."""
    real_client = card.stripe_client

    def client_with_processing_intents():
        client = real_client()
        retrieve = client.v1.payment_intents.retrieve

        def processing(intent_id, *args, **kwargs):
            intent = retrieve(intent_id, *args, **kwargs)
            intent["status"] = card.PROCESSING
            return intent

        client.v1.payment_intents.retrieve = processing
        return client

    monkeypatch.setattr(card, "stripe_client", client_with_processing_intents)


def test_a_processing_payment_awaits_payment_until_the_signed_webhook_settles_it(
    client, demo, stripe_on, monkeypatch
):
    _to_preview(client)
    intent = CardIntent.objects.get()
    with monkeypatch.context() as patch:
        _retrieved_as_processing(patch)
        response = _place(client, intent.intent_id)
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get()
    assert order.status == card.AWAITING_PAYMENT
    thanks = client.get(reverse("checkout:thank-you")).content.decode()
    assert "still being processed by your bank" in thanks and "invoiced" not in thanks
    source = order.sources.get()
    assert source.amount_allocated == order.total_incl_tax and source.amount_debited == 0
    assert not PaymentEvent.objects.exists()

    # The bank says yes: Stripe sends payment_intent.succeeded, signed.
    _browser_confirms(intent.intent_id)
    _succeeded_webhook(client, "evt_settled_1", intent.intent_id)
    order.refresh_from_db()
    source.refresh_from_db()
    assert order.status == card.PAID_STATUS
    assert source.amount_debited == order.total_incl_tax
    event = PaymentEvent.objects.get(order=order)
    assert (event.event_type.name, event.amount) == ("Settled", order.total_incl_tax)
    assert not UnmatchedPayment.objects.exists()
    # Redelivered: settled once.
    _succeeded_webhook(client, "evt_settled_1", intent.intent_id)
    source.refresh_from_db()
    assert source.amount_debited == order.total_incl_tax
    assert PaymentEvent.objects.filter(order=order).count() == 1


def test_place_order_sent_twice_gives_one_order_and_one_charge(client, demo, stripe_on):
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    first = _place(client, intent.intent_id)
    second = _place(client, intent.intent_id)
    assert first.status_code == 302 and first["Location"] == reverse("checkout:thank-you")
    assert second.status_code == 302 and second["Location"] != reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.sources.count() == 1 and PaymentEvent.objects.count() == 1
    assert CardIntent.objects.get().order_number == order.number
    # localstripe cannot filter charges by intent: list them all (one server per session).
    charges = stripe_client().v1.charges.list(params={"limit": 100}).data
    assert [c.amount for c in charges if c.payment_intent == intent.intent_id] == [
        int(order.total_incl_tax * 100)
    ]


def test_an_intent_claimed_by_another_order_is_refused(client, demo, stripe_on):
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    CardIntent.objects.filter(pk=intent.pk).update(order_number="999999")
    response = _place(client, intent.intent_id)
    assert response.status_code == 200
    assert "already used for another order" in response.content.decode()
    assert not Order.objects.exists()
