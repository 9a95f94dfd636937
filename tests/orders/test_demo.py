"""The demo's tracked orders: one delivered, one partly shipped with a tracking event; twice = once."""

import pytest
from django.core.management import call_command

from orders import demo, states
from orders.models import Carrier

pytestmark = pytest.mark.django_db


def test_tests_get_no_demo_orders_by_default():
    assert demo.demo_orders_ensure() == 0


def test_the_demo_orders_are_tracked_and_created_once():
    call_command("seed_demo", products=12, verbosity=0)
    assert demo.carriers_ensure() == 0
    assert set(Carrier.objects.values_list("code", flat=True)) == {"dhl", "ups", "db-schenker"}
    assert demo.demo_orders_ensure(enabled=True) == 2
    assert demo.demo_orders_ensure(enabled=True) == 0
    from oscar.core.loading import get_model

    Order = get_model("order", "Order")
    delivered = Order.objects.get(number=demo.DELIVERED_ORDER)
    partial = Order.objects.get(number=demo.PARTIAL_ORDER)
    assert delivered.status == states.DELIVERED and delivered.company.slug == "rheinland-auto"
    assert partial.status == states.PARTIALLY_SHIPPED
    assert partial.shipments.get().events.count() == 1
    assert partial.shipments.get().tracking_url.startswith("https://www.ups.com/")
