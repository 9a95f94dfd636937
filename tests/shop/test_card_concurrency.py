# ruff: noqa: F811 (the fixtures imported below are requested by name)
"""A double click on "Place order" for a card payment, under real concurrency (PostgreSQL,
real threads, committed transactions): one order, one charge, the other click is told."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.payment import services as card
from shop.payment.models import CardIntent
from tests.conftest import migrated_data_restore
from tests.shop.test_card_payment import (  # noqa: F401 (fixtures)
    _browser_confirms,
    _place,
    _to_preview,
    demo,
    localstripe_url,
    stripe_on,
)

# Real transactions. seed_demo needs the migrations' data (Wagtail's root page), which an
# earlier transactional test's flush removed: it is put back as the browser journeys do it.
# (Not serialized_rollback: after a flush that re-ran post_migrate, restoring the
# serialized contents meets the content types twice.)
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _migrated_data(transactional_db, _migrated_snapshot):
    from wagtail.models import Collection, Page

    if Page.get_first_root_node() is None or Collection.get_first_root_node() is None:
        migrated_data_restore(connection, _migrated_snapshot)


Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: row locks and concurrent transactions (SQLite serialises "
            "writers); run with DATABASE_URL=postgres://..."
        )


def test_two_place_order_posts_at_once_give_one_order(client, demo, stripe_on, monkeypatch):
    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)

    verify = card.card_intent_verify

    def slow_verify(**kwargs):
        status = verify(**kwargs)
        time.sleep(0.5)  # the first click holds the basket's lock: the second must wait
        return status

    monkeypatch.setattr(card, "card_intent_verify", slow_verify)
    barrier = threading.Barrier(2, timeout=30)
    responses: list = [None, None]

    def click(index):
        browser = Client()
        # The same buyer in the same session (a copy: each click gets its own cookie jar).
        browser.cookies.load({name: morsel.value for name, morsel in client.cookies.items()})
        try:
            barrier.wait()
            responses[index] = _place(browser, intent.intent_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    locations = sorted(response["Location"] for response in responses)
    assert [response.status_code for response in responses] == [302, 302], [
        response.content.decode()[:500] for response in responses
    ]
    assert locations == sorted([reverse("checkout:thank-you"), reverse("customer:order-list")])
    order = Order.objects.get()
    assert order.sources.count() == 1 and PaymentEvent.objects.filter(order=order).count() == 1
    assert CardIntent.objects.get().order_number == order.number


def test_a_webhook_during_place_order_waits_for_the_order_and_flags_nothing(
    client, demo, stripe_on, monkeypatch
):
    """Stripe's webhook lands while "Place order" is between claiming the intent and commit."""
    from shop.payment.models import UnmatchedPayment
    from tests.shop.test_card_payment import _deliver, _event, _signed

    _to_preview(client)
    intent = CardIntent.objects.get()
    _browser_confirms(intent.intent_id)
    payload = _event("evt_during_placement", "payment_intent.succeeded", intent.intent_id)
    claim = card.card_intent_claim
    claimed = threading.Event()

    def slow_claim(**kwargs):
        claim(**kwargs)
        claimed.set()
        time.sleep(0.8)  # the order is still being placed (uncommitted) when Stripe calls

    monkeypatch.setattr(card, "card_intent_claim", slow_claim)
    results: dict = {}

    def place():
        try:
            results["place"] = _place(client, intent.intent_id)
        finally:
            connection.close()

    def webhook():
        try:
            assert claimed.wait(timeout=30)
            results["webhook"] = _deliver(Client(), payload, _signed(payload))
        finally:
            connection.close()

    threads = [threading.Thread(target=place), threading.Thread(target=webhook)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results["place"].status_code == 302 and results["webhook"].status_code == 200
    order = Order.objects.get()
    assert not UnmatchedPayment.objects.filter(resolved_at__isnull=True).exists()
    assert order.sources.get().amount_debited == order.total_incl_tax
    assert PaymentEvent.objects.filter(order=order).count() == 1
