"""Cancelling an order paid by card refunds what is not refunded yet, through localstripe."""

from decimal import Decimal

import pytest

from orders import states
from orders.services import order_cancel
from shop.payment.services import CARD_SOURCE_TYPE
from tests.shop.test_card_payment import localstripe_url, stripe_on  # noqa: F401
from tests.shop.test_dashboard_refunds import card_order, stripe_refunded

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_on")]


def test_cancel_refunds_the_rest_of_the_card_payment():
    order = card_order("100777")
    order.status = states.CONFIRMED
    order.save()
    source = order.sources.get(source_type__name=CARD_SOURCE_TYPE)
    paid = source.amount_debited
    order_cancel(order=order, reason="Buyer cancelled by phone")
    source.refresh_from_db()
    assert source.amount_refunded == paid
    assert stripe_refunded(order) == int(paid * 100)
    order.refresh_from_db()
    assert order.status == states.CANCELLED
    assert paid > Decimal(0)
