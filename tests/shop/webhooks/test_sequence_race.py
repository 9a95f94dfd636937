# ruff: noqa: F811 (fixtures are requested by name)
"""Per-resource sequence numbers under real concurrency (PostgreSQL, threads, committed
transactions): events of one resource emitted at once get 1..N, no gaps, no duplicates,
even when the resource's first event is among them."""

import pytest
from django.db import connection, transaction

from shop.webhooks.models import WebhookEvent
from shop.webhooks.services import webhook_endpoint_create, webhook_event_emit
from tests.conftest import migrated_data_restore
from tests.helpers import race

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

THREADS = 6


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and concurrent transactions")


@pytest.fixture(autouse=True)
def _migrated_data(transactional_db, _migrated_snapshot):
    # An earlier transactional test's flush removed the migrations' data (Wagtail's root
    # page): put it back as the browser journeys and card concurrency tests do.
    from wagtail.models import Collection, Page

    if Page.get_first_root_node() is None or Collection.get_first_root_node() is None:
        migrated_data_restore(connection, _migrated_snapshot)


def _emit(resource_id: str, n: int):
    def job():
        with transaction.atomic():
            webhook_event_emit(
                event="order.status_changed",
                resource_type="order",
                resource_id=resource_id,
                payload={"n": n},
            )
        return n

    return job


def test_concurrent_events_of_one_resource_get_consecutive_unique_sequences():
    webhook_endpoint_create(url="http://127.0.0.1:9/", events=["order.status_changed"])
    results = race(*[_emit("R-1", n) for n in range(THREADS)])
    assert sorted(results) == list(range(THREADS)), results
    sequences = sorted(
        WebhookEvent.objects.filter(resource_id="R-1").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, THREADS + 1))

    # A second round on the same resource goes on from there; another resource starts at 1.
    race(*[_emit("R-1", n) for n in range(3)], *[_emit("R-2", n) for n in range(3)])
    assert sorted(
        WebhookEvent.objects.filter(resource_id="R-1").values_list("sequence", flat=True)
    ) == list(range(1, THREADS + 4))
    assert sorted(
        WebhookEvent.objects.filter(resource_id="R-2").values_list("sequence", flat=True)
    ) == [1, 2, 3]
