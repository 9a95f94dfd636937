"""Bulk upserts and price lists through the ERP API, with a real HTTP client on the live server:
scopes, atomic vs per item, JSON and CSV/XLSX uploads, ext: addressing and Idempotency-Key."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from oscar.core.loading import get_model

from shop.integrations.models import Scope
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import CompanyFactory, PartnerFactory, ProductClassFactory, ProductFactory

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)

PRODUCTS = "products/bulk/"
STOCK = "stock/bulk/"


@pytest.fixture
def price_list():
    company = CompanyFactory(external_id="ERP-C-1")
    return PriceList.objects.create(
        name="Contract", code="contract-1", company=company, external_id="ERP-PL-1"
    )


@pytest.fixture
def catalogue():
    ProductClassFactory(name="Bearing")
    PartnerFactory(name="Main warehouse", code="main")


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("POST", PRODUCTS, Scope.CATALOGUE_WRITE),
        ("POST", STOCK, Scope.CATALOGUE_WRITE),
        ("POST", "price-lists/contract-1/entries/bulk/", Scope.PRICES_WRITE),
        ("GET", "price-lists/contract-1/", Scope.PRICES_WRITE),
    ],
)
def test_each_endpoint_needs_its_scope(api_for, price_list, catalogue, method, path, scope):
    body = {"mode": "per_item", "items": [{"sku": "X"}]} if method == "POST" else None
    assert api_for(key="").request(method, path, json=body).status_code == 401
    others = [s for s in Scope.values if s != scope]
    refused = api_for(*others).request(method, path, json=body)
    assert refused.status_code == 403
    assert scope in refused.json()["detail"]
    assert api_for(scope).request(method, path, json=body).status_code == 200
    assert not Product.objects.exists() and not PriceListEntry.objects.exists()


def test_products_atomic_refuses_all_with_422_and_per_item_writes_the_good(api_for, catalogue):
    api = api_for(Scope.CATALOGUE_WRITE)
    items = [
        {"sku": "A-1", "external_id": "EA-1", "title": "Bearing A", "product_class": "Bearing"},
        {"sku": "B-1", "title": "No class"},
    ]
    refused = api.post(PRODUCTS, json={"mode": "atomic", "items": items})
    assert refused.status_code == 422
    body = refused.json()
    assert body["applied"] is False and body["code"] == "items_invalid"
    assert [r["status"] for r in body["results"]] == ["skipped", "error"]
    assert body["results"][1]["errors"] == [
        {"field": "product_class", "message": "A new product needs a product class."}
    ]
    assert not Product.objects.exists()

    answer = api.post(PRODUCTS, json={"mode": "per_item", "items": items})
    assert answer.status_code == 200
    body = answer.json()
    assert body["counts"]["created"] == 1 and body["counts"]["error"] == 1
    assert body["results"][0] == {"index": 0, "key": "A-1", "status": "created", "errors": []}
    assert Product.objects.get().external_id == "EA-1"


def test_bad_requests_are_400(api_for):
    api = api_for(Scope.CATALOGUE_WRITE)
    assert api.post(PRODUCTS, json={"mode": "sometimes", "items": [{}]}).json()["field"] == "mode"
    assert api.post(PRODUCTS, json={"items": []}).status_code == 400
    assert api.post(PRODUCTS, json={"items": ["text"]}).status_code == 400
    assert api.post(PRODUCTS, json=[1]).status_code == 400
    nan = api.post(
        PRODUCTS, data='{"items": [{"sku": NaN}]}', headers={"Content-Type": "application/json"}
    )
    assert nan.status_code == 400


def test_stock_json_prices_stay_exact_decimals(api_for, catalogue):
    ProductFactory(upc="S-1", external_id="ES-1", stock=False)
    api = api_for(Scope.CATALOGUE_WRITE)
    answer = api.post(
        STOCK,
        data='{"items": [{"product_external_id": "ES-1", "partner": "main", '
        '"num_in_stock": 4, "price": 0.10}]}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["key"] == "main/ext:ES-1"
    record = StockRecord.objects.get()
    assert (record.price, record.num_in_stock, record.partner_sku) == (Decimal("0.10"), 4, "S-1")


def test_stock_from_a_csv_file_reports_file_lines(api_for, catalogue):
    ProductFactory(upc="S-1", stock=False)
    csv = "sku;partner;num_in_stock;price\nS-1;main;12;4,50\n=cmd;main;1;1\n"
    answer = api_for(Scope.CATALOGUE_WRITE).post(
        STOCK, files={"file": ("stock.csv", csv.encode())}, data={"mode": "per_item"}
    )
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["line"], r["status"]) for r in results] == [(2, "created"), (3, "error")]
    assert "formulas" in results[1]["errors"][0]["message"]
    record = StockRecord.objects.get()  # "4,50": a decimal comma, as in the price import
    assert (record.num_in_stock, record.price) == (12, Decimal("4.50"))


def test_products_from_an_xlsx_file_atomic(api_for, catalogue):
    data = _xlsx(
        [
            ["SKU", "external_id", "title", "product_class", "is_public"],
            ["X-1", "EX-1", "Bearing X", "Bearing", "false"],
            ["X-2", None, "Bearing Y", "Bearing", None],
        ]
    )
    answer = api_for(Scope.CATALOGUE_WRITE).post(PRODUCTS, files={"file": ("p.xlsx", data)})
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["created", "created"]
    assert Product.objects.get(upc="X-1").is_public is False
    assert Product.objects.get(upc="X-2").is_public is True


def test_a_broken_file_is_refused_whole(api_for):
    answer = api_for(Scope.CATALOGUE_WRITE).post(
        PRODUCTS, files={"file": ("p.xlsx", b"PK\x03\x04broken")}
    )
    assert answer.status_code == 400
    assert answer.json()["field"] == "file"


def test_price_list_entries_by_erp_key_then_read_back(api_for, price_list):
    ProductFactory(upc="P-1")
    ProductFactory(upc="P-2", external_id="EP-2")
    api = api_for(Scope.PRICES_WRITE)
    answer = api.post(
        "price-lists/ext:ERP-PL-1/entries/bulk/",
        json={
            "mode": "atomic",
            "items": [
                {"sku": "P-1", "price": "9.50"},
                {"product_external_id": "EP-2", "price": "7.25", "min_quantity": 10},
            ],
        },
    )
    assert answer.status_code == 200, answer.text
    assert [r["key"] for r in answer.json()["results"]] == ["P-1@1", "ext:EP-2@10"]
    read = api.get("price-lists/ext:ERP-PL-1/").json()
    assert read["code"] == "contract-1" and read["company_external_id"] == "ERP-C-1"
    assert [(e["sku"], e["value"], e["min_quantity"]) for e in read["entries"]] == [
        ("P-1", "9.5000", 1),
        ("P-2", "7.2500", 10),
    ]
    assert api.get("price-lists/ext:nope/").status_code == 404


def test_price_list_entries_from_xlsx_and_atomic_errors(api_for, price_list):
    ProductFactory(upc="P-1")
    data = _xlsx([["sku", "value", "min_quantity"], ["P-1", 9.5, 1], ["NOPE", 1, 1]])
    api = api_for(Scope.PRICES_WRITE)
    refused = api.post("price-lists/contract-1/entries/bulk/", files={"file": ("p.xlsx", data)})
    assert refused.status_code == 422
    assert refused.json()["results"][1]["errors"][0]["field"] == "sku"
    assert refused.json()["results"][1]["line"] == 3
    assert not PriceListEntry.objects.exists()


def test_a_retried_bulk_request_does_nothing_twice(api_for, catalogue):
    api = api_for(Scope.CATALOGUE_WRITE)
    body = {"items": [{"sku": "I-1", "title": "Once", "product_class": "Bearing"}]}
    headers = {"Idempotency-Key": "batch-1"}
    first = api.post(PRODUCTS, json=body, headers=headers)
    Product.objects.filter(upc="I-1").update(title="Changed since")
    second = api.post(PRODUCTS, json=body, headers=headers)
    assert first.json() == second.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert Product.objects.get().title == "Changed since"


def test_the_schema_documents_the_bulk_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for operation in (
        "products_bulk_upsert",
        "stock_bulk_upsert",
        "price_list_entries_bulk_upsert",
        "price_list_read",
    ):
        assert operation in schema
