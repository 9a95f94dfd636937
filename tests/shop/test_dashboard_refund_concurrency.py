"""Two staff refund the same order at once (PostgreSQL, real threads): the rest is refunded once."""

import time

import pytest
from django.db import connection
from oscar.core.loading import get_model

from shop.dashboard import services
from shop.payment import services as card
from tests.factories import UserFactory
from tests.helpers import race as _race
from tests.shop.test_card_payment import localstripe_url, stripe_on  # noqa: F401
from tests.shop.test_dashboard_refunds import card_order, stripe_refunded

PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("stripe_on"),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: row locks and concurrent transactions (SQLite serialises "
            "writers); run with DATABASE_URL=postgres://..."
        )


def test_two_refunds_of_the_whole_rest_at_once_refund_it_once(monkeypatch):
    order = card_order()
    total = order.total_incl_tax
    staff = [UserFactory(email=f"staff{n}@partshub.example", is_staff=True) for n in (1, 2)]
    # Stripe takes a while to answer: without the row lock both would read the whole rest
    # as refundable, send the same idempotency key, and record Stripe's one refund twice.
    original = card.stripe_client

    def slow_client():
        client = original()
        create = client.v1.refunds.create

        def slow_create(*args, **kwargs):
            time.sleep(0.3)
            return create(*args, **kwargs)

        client.v1.refunds.create = slow_create
        return client

    monkeypatch.setattr(card, "stripe_client", slow_client)

    def refund(user):
        return lambda: services.order_card_refund(
            order=order, amount=total, reason="returned", user=user
        )

    results = _race(refund(staff[0]), refund(staff[1]))
    won = [r for r in results if isinstance(r, str)]
    lost = [r for r in results if isinstance(r, services.DashboardPaymentError)]
    assert (len(won), len(lost)) == (1, 1), results
    assert "Refund an amount between 0.01 and 0.00" in lost[0].message
    assert order.sources.get().amount_refunded == total
    assert PaymentEvent.objects.filter(order=order, event_type__name="Refunded").count() == 1
    assert stripe_refunded(order) == int(total * 100)
