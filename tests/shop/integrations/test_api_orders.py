"""Orders through the API: reading, incremental sync, ext: keys, status, shipments, events."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from shop.integrations.models import Scope
from tests.factories import CompanyFactory, UserFactory
from tests.shop.integrations.conftest import ALL_SCOPES, key_for, order_create

Order = get_model("order", "Order")
Shipment = get_model("order", "Shipment")

live = pytest.mark.django_db(transaction=True)


@live
def test_an_order_reads_with_lines_company_and_shipments(api_for, carrier):
    company = CompanyFactory(legal_name="Rheinland Auto GmbH", external_id="K-77")
    buyer = UserFactory(email="jonas@rheinland.example")
    order = order_create(
        company=company,
        user=buyer,
        lines=(("SKU-A", 2), ("SKU-B", 4)),
        purchase_order_number="PO-1",
    )
    api = api_for(*ALL_SCOPES)
    line_b = order.lines.get(partner_sku="SKU-B")
    shipped = api.post(
        f"orders/{order.number}/shipments/",
        json={
            "lines": [{"line_id": line_b.pk, "quantity": 3}],
            "carrier_code": "dhl",
            "tracking_number": "00340434",
            "expected_delivery": "2026-12-09",
            "external_id": "LS-1",
        },
    )
    assert shipped.status_code == 201, shipped.text
    assert shipped.json()["tracking_url"] == "https://track.example/?n=00340434"
    assert shipped.json()["lines"] == [{"line_id": line_b.pk, "quantity": 3}]

    data = api.get(f"orders/{order.number}/").json()
    assert data["status"] == "Partially shipped"
    assert data["company"] == {
        "id": company.pk,
        "external_id": "K-77",
        "name": "Rheinland Auto GmbH",
    }
    assert data["buyer_email"] == "jonas@rheinland.example"
    assert data["purchase_order_number"] == "PO-1"
    assert [
        (line["sku"], line["quantity"], line["shipped_quantity"]) for line in data["lines"]
    ] == [
        ("SKU-A", 2, 0),
        ("SKU-B", 4, 3),
    ]
    assert data["lines"][0]["unit_price_excl_tax"] == "10.00"
    (shipment,) = data["shipments"]
    assert shipment["carrier_code"] == "dhl" and shipment["external_id"] == "LS-1"
    assert shipment["expected_delivery"] == "2026-12-09"


@live
def test_the_erp_addresses_an_order_by_its_own_key(api_for):
    order = order_create()
    api = api_for(Scope.ORDERS_READ, Scope.ORDERS_WRITE)
    assert api.get("orders/ext:SO-4711/").status_code == 404
    put = api.put(f"orders/{order.number}/external-id/", json={"external_id": "SO-4711"})
    assert put.status_code == 200 and put.json()["external_id"] == "SO-4711"
    assert api.get("orders/ext:SO-4711/").json()["number"] == order.number
    status = api.post("orders/ext:SO-4711/status/", json={"status": "In fulfilment"})
    assert status.status_code == 200 and status.json()["status"] == "In fulfilment"
    shipped = api.post(
        "orders/ext:SO-4711/shipments/", json={"lines": [{"sku": "sku-a", "quantity": 3}]}
    )
    assert shipped.status_code == 201, shipped.text
    assert api.get("orders/ext:SO-4711/").json()["status"] == "Shipped"
    # Another order cannot take the key: 409 naming the field.
    other = order_create()
    taken = api.put(f"orders/{other.number}/external-id/", json={"external_id": "SO-4711"})
    assert taken.status_code == 409
    assert taken.json()["field"] == "external_id"
    assert api.get("orders/ext:/").status_code == 404


@live
def test_status_changes_are_recorded_as_the_erp_and_illegal_moves_are_409(api_for):
    order = order_create(status="Placed")
    api = api_for(Scope.ORDERS_WRITE)
    illegal = api.post(f"orders/{order.number}/status/", json={"status": "Delivered"})
    assert illegal.status_code == 409, illegal.text
    assert illegal.json()["detail"]
    unknown = api.post(f"orders/{order.number}/status/", json={"status": "Teleported"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "status"
    ok = api.post(f"orders/{order.number}/status/", json={"status": "Confirmed", "note": "ERP ok"})
    assert ok.status_code == 200
    event = order.status_events.get()
    assert (event.old_status, event.new_status, event.source, event.note) == (
        "Placed",
        "Confirmed",
        "erp",
        "ERP ok",
    )
    assert event.by_user.integration_tokens.get().name == "ERP test"


@live
def test_cancelling_needs_a_reason_and_cancels_through_the_service(api_for):
    order = order_create(status="Confirmed")
    api = api_for(Scope.ORDERS_WRITE)
    bare = api.post(f"orders/{order.number}/status/", json={"status": "Cancelled"})
    assert bare.status_code == 400 and bare.json()["field"] == "note"
    done = api.post(
        f"orders/{order.number}/status/", json={"status": "Cancelled", "note": "customer withdrew"}
    )
    assert done.status_code == 200, done.text
    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert order.status_events.get().note == "customer withdrew"
    again = api.post(f"orders/{order.number}/status/", json={"status": "Cancelled", "note": "x"})
    assert again.status_code == 409


@live
def test_shipments_never_exceed_the_order_and_bad_lines_are_400(api_for, carrier):
    order = order_create(lines=(("SKU-A", 2), ("SKU-A", 1), ("SKU-C", 1)))
    api = api_for(Scope.ORDERS_WRITE)
    path = f"orders/{order.number}/shipments/"
    ambiguous = api.post(path, json={"lines": [{"sku": "SKU-A", "quantity": 1}]})
    assert ambiguous.status_code == 400 and ambiguous.json()["field"] == "lines.0.sku"
    unknown = api.post(path, json={"lines": [{"line_id": 999999, "quantity": 1}]})
    assert unknown.status_code == 400 and unknown.json()["field"] == "lines.0.line_id"
    both = api.post(path, json={"lines": [{"line_id": 1, "sku": "SKU-C", "quantity": 1}]})
    assert both.status_code == 400
    too_many = api.post(path, json={"lines": [{"sku": "SKU-C", "quantity": 2}]})
    assert too_many.status_code == 400, too_many.text
    bad_carrier = api.post(
        path, json={"lines": [{"sku": "SKU-C", "quantity": 1}], "carrier_code": "owl"}
    )
    assert bad_carrier.status_code == 400 and bad_carrier.json()["field"] == "carrier_code"
    assert not Shipment.objects.exists()
    assert (
        api.post(
            "orders/nope/shipments/", json={"lines": [{"sku": "x", "quantity": 1}]}
        ).status_code
        == 404
    )


@live
def test_tracking_events_deliver_the_order(api_for, carrier):
    order = order_create(lines=(("SKU-A", 1),))
    api = api_for(Scope.ORDERS_WRITE, Scope.ORDERS_READ)
    number = api.post(
        f"orders/{order.number}/shipments/", json={"lines": [{"sku": "SKU-A", "quantity": 1}]}
    ).json()["number"]
    transit = api.post(
        f"shipments/{number}/events/",
        json={"kind": "in_transit", "location": "Hub Köln", "occurred_at": "2026-12-01T08:00:00Z"},
    )
    assert transit.status_code == 201, transit.text
    assert transit.json()["occurred_at"].startswith("2026-12-01T")
    assert api.post(f"shipments/{number}/events/", json={"kind": "teleported"}).status_code == 400
    assert api.post("shipments/NOPE/events/", json={"kind": "delivered"}).status_code == 404
    assert api.post(f"shipments/{number}/events/", json={"kind": "delivered"}).status_code == 201
    data = api.get(f"orders/{order.number}/").json()
    assert data["status"] == "Delivered"
    assert [e["kind"] for e in data["shipments"][0]["events"]] == ["in_transit", "delivered"]


def _sync_all(api, limit: int, **params) -> tuple[list[str], str | None, int]:
    numbers, cursor, pages = [], None, 0
    while True:
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        page = api.get("orders/", params=query).json()
        numbers += [order["number"] for order in page["results"]]
        cursor = page["next_cursor"] or cursor
        pages += 1
        if not page["has_more"]:
            return numbers, cursor, pages


@live
def test_incremental_sync_never_skips_or_repeats_orders_with_equal_timestamps(api_for):
    same = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    orders = [order_create() for _ in range(7)]
    # Five orders changed in the same instant, two a second later.
    Order.objects.filter(pk__in=[o.pk for o in orders[:5]]).update(modified_at=same)
    Order.objects.filter(pk__in=[o.pk for o in orders[5:]]).update(
        modified_at=same + dt.timedelta(seconds=1)
    )
    api = api_for(Scope.ORDERS_READ)
    numbers, cursor, pages = _sync_all(api, limit=2)
    assert numbers == [o.number for o in orders]  # (modified_at, id) order, each once
    assert pages == 4

    # Later: one order changes; syncing on from the kept cursor brings only that one.
    assert api.get("orders/", params={"cursor": cursor}).json()["results"] == []
    api_write = api_for(Scope.ORDERS_WRITE)
    api_write.post(f"orders/{orders[2].number}/status/", json={"status": "In fulfilment"})
    again, _cursor, _pages = _sync_all(api, limit=2, cursor=cursor)
    assert again == [orders[2].number]

    since = (same + dt.timedelta(seconds=1)).isoformat()
    changed, _c, _p = _sync_all(api, limit=500, changed_since=since)
    assert changed == [orders[5].number, orders[6].number, orders[2].number]


@live
@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 501},
        {"limit": "many"},
        {"cursor": "garbage"},
        {"cursor": "WyJ4IiwxXQ"},
        {"changed_since": "yesterday"},
        {"changed_since": "9999-12-31T23:59:59-23:59"},
    ],
)
def test_bad_sync_parameters_are_400_naming_the_parameter(api_for, params):
    response = api_for(Scope.ORDERS_READ).get("orders/", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == next(iter(params))


def _page_queries(client) -> int:
    client.get("/api/v1/orders/?limit=50")  # warm caches (content types, sites)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/orders/?limit=50")
    assert response.status_code == 200
    return len(queries)


def _ship(orders) -> None:
    from orders.services import shipment_create, tracking_event_add

    for order in orders:
        line = order.lines.first()
        shipment = shipment_create(
            order=order,
            lines={line.pk: 1},
            carrier_code="dhl",
            tracking_number=f"JD-{order.number}",
        )
        tracking_event_add(shipment=shipment, kind="in_transit")


@pytest.mark.django_db
def test_an_orders_page_takes_the_same_queries_at_3_and_at_60_orders_with_shipments(carrier):
    company = CompanyFactory()
    client = Client(HTTP_AUTHORIZATION=f"Token {key_for(Scope.ORDERS_READ)}")
    _ship([order_create(company=company, lines=(("SKU-A", 2), ("SKU-B", 1))) for _ in range(3)])
    few = _page_queries(client)
    _ship([order_create(company=company, lines=(("SKU-A", 2), ("SKU-B", 1))) for _ in range(57)])
    many = _page_queries(client)
    assert few == many
    # token; orders (with company, buyer, addresses); lines; shipments; their lines; events
    # (+ the request's savepoint statements).
    assert many <= 8
