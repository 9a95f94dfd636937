"""Idempotency-Key: a retry replays the first answer; another body with the key is 422."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from oscar.core.loading import get_model

from shop.integrations.models import IdempotencyRecord, Scope
from shop.integrations.tasks import idempotency_purge
from tests.conftest import migrated_data_restore
from tests.helpers import race
from tests.shop.integrations.conftest import key_for, order_create

Shipment = get_model("order", "Shipment")

SHIP = {"lines": [{"sku": "SKU-A", "quantity": 1}], "tracking_number": "T-1"}


@pytest.mark.django_db(transaction=True)
def test_a_retried_shipment_is_created_once_and_the_answer_replayed(api_for):
    order = order_create(lines=(("SKU-A", 5),))
    api = api_for(Scope.ORDERS_WRITE)
    path = f"orders/{order.number}/shipments/"
    first = api.post(path, json=SHIP, headers={"Idempotency-Key": "ship-1"})
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    # The same body, spaced and ordered differently, is the same request.
    retry = api.post(
        path,
        data='{"tracking_number": "T-1",   "lines": [{"quantity": 1, "sku": "SKU-A"}]}',
        headers={"Idempotency-Key": "ship-1", "Content-Type": "application/json"},
    )
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert Shipment.objects.count() == 1

    other = api.post(
        path, json={**SHIP, "tracking_number": "T-2"}, headers={"Idempotency-Key": "ship-1"}
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert other.json()["field"] == "Idempotency-Key"
    elsewhere = api.post(
        f"orders/{order.number}/status/",
        json={"status": "On hold"},
        headers={"Idempotency-Key": "ship-1"},
    )
    assert elsewhere.status_code == 422
    # Without a key every request counts; another token's key space is its own.
    assert api.post(path, json=SHIP).status_code == 201
    assert (
        api_for(Scope.ORDERS_WRITE)
        .post(path, json=SHIP, headers={"Idempotency-Key": "ship-1"})
        .status_code
        == 201
    )
    assert Shipment.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_refused_request_replays_its_refusal_and_changes_nothing(api_for):
    order = order_create(status="Placed")
    api = api_for(Scope.ORDERS_WRITE)
    path = f"orders/{order.number}/status/"
    body = {"status": "Shipped"}
    first = api.post(path, json=body, headers={"Idempotency-Key": "k"})
    assert first.status_code == 409
    retry = api.post(path, json=body, headers={"Idempotency-Key": "k"})
    assert (retry.status_code, retry.json()) == (409, first.json())
    assert retry.headers["Idempotent-Replayed"] == "true"
    order.refresh_from_db()
    assert order.status == "Placed" and not order.status_events.exists()


@pytest.mark.django_db(transaction=True)
def test_an_overlong_or_unprintable_key_is_400(api_for):
    order = order_create()
    api = api_for(Scope.ORDERS_WRITE)
    for key in ("k" * 256, "tab\there"):
        response = api.put(
            f"orders/{order.number}/external-id/",
            json={"external_id": "X"},
            headers={"Idempotency-Key": key},
        )
        assert response.status_code == 400, key
        assert response.json()["field"] == "Idempotency-Key"
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_records_older_than_a_day_are_purged():
    key_for(Scope.ORDERS_WRITE)
    from shop.integrations.models import IntegrationToken

    token = IntegrationToken.objects.get()
    old = IdempotencyRecord.objects.create(
        token=token, key="old", method="POST", path="/", fingerprint="x"
    )
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    IdempotencyRecord.objects.create(
        token=token, key="new", method="POST", path="/", fingerprint="x"
    )
    assert idempotency_purge.delay().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_create_one_shipment(
    api_for, _migrated_snapshot, monkeypatch
):
    """PostgreSQL, real threads: the second request waits on the claimed key, then replays."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (SQLite serialises writers): run with DATABASE_URL=postgres://..."
        )
    from wagtail.models import Page

    if Page.get_first_root_node() is None:
        migrated_data_restore(connection, _migrated_snapshot)
    import orders.services

    create = orders.services.shipment_create

    def slow_create(**kwargs):
        import time

        time.sleep(0.5)  # hold the claimed key while the other request arrives
        return create(**kwargs)

    monkeypatch.setattr(orders.services, "shipment_create", slow_create)
    order = order_create(lines=(("SKU-A", 5),))
    api = api_for(Scope.ORDERS_WRITE)
    path = f"orders/{order.number}/shipments/"

    def post():
        return api_for(key=api.session.headers["Authorization"].split()[1]).post(
            path, json=SHIP, headers={"Idempotency-Key": "race-1"}
        )

    first, second = race(post, post)
    assert {first.status_code, second.status_code} == {201}, (first.text, second.text)
    assert first.json() == second.json()
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in (first, second)) == ["", "true"]
    assert Shipment.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_error_answer_echoing_a_nul_character_is_kept_and_replayed(api_for):
    """PostgreSQL's jsonb refuses NUL: storing such an answer was a 500 (schemathesis found it)."""
    api = api_for(Scope.CATALOGUE_WRITE)
    body = {"mode": "per_item", "items": [{"sku": "A\u0000B", "title": "x"}]}
    first = api.post("products/bulk/", json=body, headers={"Idempotency-Key": "nul-1"})
    assert first.status_code < 500, first.text
    retry = api.post("products/bulk/", json=body, headers={"Idempotency-Key": "nul-1"})
    assert retry.status_code == first.status_code
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert IdempotencyRecord.objects.get(key="nul-1").response_status == first.status_code
