"""Bulk upserts of products, stock and price-list entries (issue 12): atomic vs per item,
statuses, ERP keys, Decimal prices and a query count that does not grow with the items."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from shop.catalogue.services import products_upsert
from shop.partner.services import stock_upsert
from shop.pricing.models import PriceList, PriceListEntry
from shop.pricing.services import price_list_by_ref, price_list_entries_upsert
from tests.factories import PartnerFactory, ProductClassFactory, ProductFactory, category_create

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def product_class():
    return ProductClassFactory(name="Bearing")


@pytest.fixture
def partner():
    return PartnerFactory(name="Main warehouse", code="main")


@pytest.fixture
def price_list(company):
    return PriceList.objects.create(
        name="Contract", code="contract-1", company=company, external_id="ERP-PL-1"
    )


def _statuses(result) -> list[str]:
    return [item.status for item in result.items]


def test_products_are_created_then_updated_then_unchanged(product_class, buyer):
    bearings = category_create("Bearings")
    category_create("Ball bearings", parent=bearings)
    items = [
        {"sku": "BRG-1", "external_id": "E-1", "title": "Bearing 1", "product_class": "bearing",
         "category": "Bearings > Ball bearings", "description": "Steel", "is_public": True},
        {"external_id": "E-2", "title": "Bearing 2", "product_class": "Bearing"},
    ]  # fmt: skip
    result = products_upsert(items=items, atomic=True, by_user=buyer)
    assert _statuses(result) == ["created", "created"]
    product = Product.objects.get(upc="BRG-1")
    assert product.external_id == "E-1" and product.slug == "bearing-1"
    assert [c.full_name for c in product.categories.all()] == ["Bearings > Ball bearings"]
    assert Product.objects.get(external_id="E-2").upc == ""  # stored as NULL

    again = products_upsert(items=items, atomic=True, by_user=buyer)
    assert _statuses(again) == ["unchanged", "unchanged"]

    # Found by its ERP key: the sku is added, only the fields sent change.
    changed = products_upsert(
        items=[{"external_id": "E-2", "sku": "BRG-2", "is_public": False}],
        atomic=True,
        by_user=buyer,
    )
    assert _statuses(changed) == ["updated"]
    product = Product.objects.get(external_id="E-2")
    assert (product.upc, product.title, product.is_public) == ("BRG-2", "Bearing 2", False)


def test_atomic_products_write_nothing_and_return_every_error(product_class, buyer):
    items = [
        {"sku": "OK-1", "title": "Good", "product_class": "Bearing"},
        {"sku": "BAD-1", "title": "No class"},
        {"sku": "BAD-2", "title": "Unknown class", "product_class": "Nope"},
        {"title": "No key"},
    ]
    result = products_upsert(items=items, atomic=True, by_user=buyer)
    assert not result.applied
    assert _statuses(result) == ["skipped", "error", "error", "error"]
    assert result.items[1].errors[0].field == "product_class"
    assert result.items[2].errors[0].field == "product_class"
    assert "Nope" in result.items[2].errors[0].message
    assert result.items[3].errors[0].field is None
    assert not Product.objects.exists()

    per_item = products_upsert(items=items, atomic=False, by_user=buyer)
    assert per_item.applied
    assert _statuses(per_item) == ["created", "error", "error", "error"]
    assert list(Product.objects.values_list("upc", flat=True)) == ["OK-1"]


def test_products_refuse_a_key_twice_and_keys_of_two_products(product_class, buyer):
    ProductFactory(upc="A-1", external_id="EA", stock=False)
    ProductFactory(upc="B-1", external_id="EB", stock=False)
    result = products_upsert(
        items=[
            {"sku": "A-1", "external_id": "EB"},
            {"sku": "N-1", "title": "New", "product_class": "Bearing"},
            {"sku": "N-1", "title": "New again", "product_class": "Bearing"},
        ],
        atomic=False,
        by_user=buyer,
    )
    assert _statuses(result) == ["error", "created", "error"]
    assert result.items[0].errors[0].field == "external_id"
    assert result.items[2].errors[0].field == "sku"


def test_products_from_a_file_refuse_formulas(product_class, buyer):
    result = products_upsert(
        items=[{"sku": "F-1", "title": "=HYPERLINK(1)", "product_class": "Bearing"}],
        atomic=True,
        by_user=buyer,
        from_file=True,
    )
    assert result.items[0].errors[0].field == "title"
    assert "formulas" in result.items[0].errors[0].message


def test_stock_upsert_by_sku_and_external_id_with_decimal_prices(partner, buyer):
    first = ProductFactory(upc="S-1", stock=False)
    second = ProductFactory(upc="S-2", external_id="ES-2", stock=False)
    items = [
        {"sku": "S-1", "partner": "main", "num_in_stock": 7, "price": Decimal("12.30")},
        {"product_external_id": "ES-2", "partner": "main", "partner_sku": "W-2",
         "num_in_stock": "3", "price": "0.10", "price_currency": "EUR"},
    ]  # fmt: skip
    result = stock_upsert(items=items, atomic=True, by_user=buyer)
    assert _statuses(result) == ["created", "created"]
    record = StockRecord.objects.get(product=first, partner=partner)
    assert (record.partner_sku, record.num_in_stock, record.price) == ("S-1", 7, Decimal("12.30"))
    assert record.price_currency == "EUR"
    assert StockRecord.objects.get(product=second).partner_sku == "W-2"

    again = stock_upsert(items=items, atomic=True, by_user=buyer)
    assert _statuses(again) == ["unchanged", "unchanged"]
    moved = stock_upsert(
        items=[{"sku": "S-1", "partner": "main", "num_in_stock": 0}], atomic=True, by_user=buyer
    )
    assert _statuses(moved) == ["updated"]
    record.refresh_from_db()
    assert (record.num_in_stock, record.price) == (0, Decimal("12.30"))


def test_stock_errors_name_their_fields(partner, buyer):
    ProductFactory(upc="S-1", stock=False)
    ProductFactory(upc="S-2", stock=False)
    result = stock_upsert(
        items=[
            {"sku": "S-1", "partner": "main", "price": "-1"},
            {"sku": "NOPE", "partner": "main"},
            {"sku": "S-1", "partner": "elsewhere"},
            {"sku": "S-1", "partner": "main", "num_in_stock": "1.5"},
            {"sku": "S-1", "partner": "main", "num_in_stock": 4},
            {"sku": "S-2", "partner": "main", "partner_sku": "S-1"},
        ],
        atomic=False,
        by_user=buyer,
    )
    assert [[e.field for e in item.errors] for item in result.items] == [
        ["price"], ["sku"], ["partner"], ["num_in_stock"], [], ["partner_sku"]
    ]  # fmt: skip
    assert _statuses(result)[-2] == "created"


def test_price_entries_use_the_import_checks_and_report_each_item(price_list, buyer):
    ProductFactory(upc="P-1")
    ProductFactory(upc="P-2", external_id="EP-2")
    result = price_list_entries_upsert(
        price_list=price_list,
        items=[
            {"sku": "P-1", "price": Decimal("9.50")},
            {"product_external_id": "EP-2", "price": Decimal("8"), "min_quantity": 10},
            {"sku": "NOPE", "price": Decimal("1")},
            {"sku": "=SUM(A1)", "price": Decimal("1")},
            {"sku": "P-1", "kind": "percent", "price": Decimal("120"), "min_quantity": 5},
        ],
        atomic=True,
        by_user=buyer,
    )
    assert not result.applied and not PriceListEntry.objects.exists()
    assert [[e.field for e in item.errors] for item in result.items] == [
        [], [], ["sku"], ["sku", "sku"], ["price"]
    ]  # fmt: skip
    assert "formulas" in result.items[3].errors[0].message

    ok = price_list_entries_upsert(
        price_list=price_list, items=result_items_ok(), atomic=True, by_user=buyer
    )
    assert _statuses(ok) == ["created", "created"]
    entry = PriceListEntry.objects.get(min_quantity=10)
    assert entry.value == Decimal("8") and entry.product.external_id == "EP-2"
    again = price_list_entries_upsert(
        price_list=price_list,
        items=[{"sku": "P-1", "price": "9.5"}, {"sku": "P-1", "price": "9.40", "min_quantity": 1}],
        atomic=False,
        by_user=buyer,
    )
    # The same tier twice in one request: the second is refused, the first unchanged.
    assert _statuses(again) == ["unchanged", "error"]
    assert price_list.changes.filter(action="entry.imported").count() == 2


def result_items_ok() -> list[dict]:
    return [
        {"sku": "P-1", "price": Decimal("9.50")},
        {"product_external_id": "EP-2", "price": Decimal("8"), "min_quantity": 10},
    ]


def test_price_list_by_code_or_erp_key(price_list):
    assert price_list_by_ref(ref="contract-1") == price_list
    assert price_list_by_ref(ref="ext:ERP-PL-1") == price_list
    assert price_list_by_ref(ref="ext:") is None
    assert price_list_by_ref(ref="ext:nope") is None


def _count(run) -> int:
    """Statements run, a bulk insert, update or delete cut into batches counting once.

    SQLite allows 999 parameters a statement, so Django splits a bulk_create of 200 rows
    into several INSERTs of the same shape; PostgreSQL sends one.
    """
    with CaptureQueriesContext(connection) as queries:
        run()
    shapes = [re.sub(r"\(.*", "", q["sql"])[:60] for q in queries.captured_queries]
    return sum(
        1
        for i, shape in enumerate(shapes)
        # Only a batch of the same write collapses: a repeated SELECT is an N+1 and counts.
        if i == 0 or shape != shapes[i - 1] or not shape.startswith(("INSERT", "UPDATE", "DELETE"))
    )


@pytest.mark.parametrize("atomic", [True, False])
def test_product_upsert_queries_do_not_grow_with_items(product_class, buyer, atomic):
    category_create("Bearings")

    def batch(start: int, size: int) -> list[dict]:
        return [
            {"sku": f"Q-{n}", "external_id": f"EQ-{n}", "title": f"Part {n}",
             "product_class": "Bearing", "category": "Bearings"}
            for n in range(start, start + size)
        ]  # fmt: skip

    small = _count(lambda: products_upsert(items=batch(0, 10), atomic=atomic, by_user=buyer))
    large = _count(lambda: products_upsert(items=batch(100, 200), atomic=atomic, by_user=buyer))
    assert small == large
    # Updating (half of them changed) costs the same too.
    items = batch(100, 200)
    for item in items[::2]:
        item["title"] += " (new)"
    updated = _count(lambda: products_upsert(items=items, atomic=atomic, by_user=buyer))
    items = batch(0, 10)
    for item in items[::2]:
        item["title"] += " (new)"
    assert updated == _count(lambda: products_upsert(items=items, atomic=atomic, by_user=buyer))


def test_stock_upsert_queries_do_not_grow_with_items(partner, buyer):
    products = [ProductFactory(upc=f"Q-{n}", stock=False) for n in range(210)]
    small = [{"sku": p.upc, "partner": "main", "num_in_stock": 5} for p in products[:10]]
    large = [{"sku": p.upc, "partner": "main", "num_in_stock": 5} for p in products[10:]]
    created = _count(lambda: stock_upsert(items=small, atomic=True, by_user=buyer))
    assert created == _count(lambda: stock_upsert(items=large, atomic=True, by_user=buyer))
    for item in small + large:
        item["price"] = "3.20"
    updated = _count(lambda: stock_upsert(items=small, atomic=True, by_user=buyer))
    assert updated == _count(lambda: stock_upsert(items=large, atomic=True, by_user=buyer))


def test_price_entries_upsert_queries_do_not_grow_with_items(price_list, buyer):
    products = [ProductFactory(upc=f"Q-{n}") for n in range(210)]
    small = [{"sku": p.upc, "price": "1.00"} for p in products[:10]]
    large = [{"sku": p.upc, "price": "1.00"} for p in products[10:]]

    def run(items):
        return lambda: price_list_entries_upsert(
            price_list=price_list, items=items, atomic=True, by_user=buyer
        )

    assert _count(run(small)) == _count(run(large))
    for item in small + large:
        item["price"] = "2.00"
    assert _count(run(small)) == _count(run(large))


@pytest.mark.parametrize("size", [10, 200])
def test_reading_a_price_list_costs_the_same_queries_at_any_size(
    client, price_list, django_assert_num_queries, size
):
    from shop.integrations.models import Scope
    from shop.integrations.services import token_create

    bearings = category_create("Bearings")
    PriceListEntry.objects.create(price_list=price_list, category=bearings, value=Decimal("5"))
    for n in range(size):
        product = ProductFactory(upc=f"R-{n}", external_id=f"ER-{n}")
        PriceListEntry.objects.create(price_list=price_list, product=product, value=Decimal("1.5"))
    key = token_create(name="ERP", scopes=[Scope.PRICES_WRITE]).key
    # token, its touch, the list by ref, with its company, entries, SKUs, categories
    with django_assert_num_queries(8):
        answer = client.get("/api/v1/price-lists/ext:ERP-PL-1/", HTTP_AUTHORIZATION=f"Token {key}")
    assert answer.status_code == 200
    entries = answer.json()["entries"]
    assert len(entries) == size + 1
    by_sku = {entry["sku"]: entry for entry in entries}
    assert by_sku["R-0"]["product_external_id"] == "ER-0" and by_sku["R-0"]["value"] == "1.5000"
    assert by_sku[""]["category"] == "Bearings"
