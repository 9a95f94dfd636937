"""Two shipments of the same lines at once (PostgreSQL, real threads, committed
transactions): together they never ship more than was ordered."""

import pytest
from django.db import connection

from orders.models import ShipmentLine
from orders.services import OrderStatusError, shipment_create
from tests.conftest import migrated_data_restore
from tests.helpers import race
from tests.orders.fulfilment_helpers import lines, order_with_lines

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _migrated_data(transactional_db, _migrated_snapshot):
    from wagtail.models import Collection, Page

    if Page.get_first_root_node() is None or Collection.get_first_root_node() is None:
        migrated_data_restore(connection, _migrated_snapshot)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and concurrent transactions")


def test_two_concurrent_shipments_never_exceed_the_ordered_quantity():
    order = order_with_lines(5)
    (line,) = lines(order)

    def ship():
        return shipment_create(order=order, lines={line.pk: 3}, source="erp")

    results = race(ship, ship)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], OrderStatusError), results
    assert "only 2 of 5" in errors[0].message
    assert sum(ShipmentLine.objects.filter(line=line).values_list("quantity", flat=True)) == 3
    order.refresh_from_db()
    assert order.status == "Partially shipped"
