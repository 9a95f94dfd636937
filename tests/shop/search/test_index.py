"""The search index stays current: saves, stock, categories, ERP bulk upserts, rebuilds."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from shop.catalogue.services import products_upsert
from shop.partner.services import stock_upsert
from shop.search import services
from shop.search.models import ProductSearchCategory, ProductSearchEntry, SearchTerm
from shop.search.selectors import SearchFilters, product_search
from tests.factories import PartnerFactory, ProductClassFactory, ProductFactory, category_create

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


def _ids(query, **kwargs):
    return [p.pk for p in product_search(query=query, **kwargs).products]


def test_a_saved_product_is_indexed_with_its_codes_and_never_a_price():
    parent = category_create("Bearings")
    child = category_create("Ball bearings", parent=parent)
    product = ProductFactory(
        title="Deep groove ball bearing 6204-2RS", upc="BRG-BB-000091", brand="Nordlager",
        manufacturer_part_number="NL-6204-2RS/1", category=child, stock__price=Decimal("14.00"),
    )  # fmt: skip
    entry = ProductSearchEntry.objects.get(product=product)
    assert (entry.sku, entry.sku_code, entry.mpn_code) == (
        "BRG-BB-000091",
        "BRGBB000091",
        "NL62042RS1",
    )
    assert entry.codes == " BRGBB000091 NL62042RS1 " and entry.in_stock
    assert set(
        ProductSearchCategory.objects.filter(product=product).values_list("category_id", flat=True)
    ) == {parent.pk, child.pk}
    assert {"deep", "groove", "ball", "bearing"} <= set(
        SearchTerm.objects.values_list("term", flat=True)
    )
    stored = " ".join(str(v) for v in ProductSearchEntry.objects.values_list().get())
    assert "14.00" not in stored and "14.0" not in stored


def test_product_and_stock_record_saves_keep_the_index_current():
    product = ProductFactory(title="Hydraulic hose DN10", upc="HYD-1", stock__num_in_stock=0)
    assert _ids("hydraulic") == [product.pk]
    assert _ids("hydraulic", filters=SearchFilters(in_stock=True)) == []
    record = StockRecord.objects.get(product=product)
    record.num_in_stock = 5
    record.save()
    assert _ids("hydraulic", filters=SearchFilters(in_stock=True)) == [product.pk]
    product.title = "Pneumatic tube DN10"
    product.save()
    assert _ids("hydraulic") == [] and _ids("pneumatic") == [product.pk]
    product.is_public = False
    product.save()
    assert _ids("pneumatic") == [] and not ProductSearchEntry.objects.filter(product=product)
    product.delete()
    assert not ProductSearchEntry.objects.exists()


def test_category_links_keep_the_category_facet_current():
    hoses = category_create("Hoses")
    product = ProductFactory(title="Hydraulic hose DN10", upc="HYD-1")
    product.categories.add(hoses)
    facets = product_search(query="hose").facets
    assert [(f.label, f.count) for f in facets.categories] == [("Hoses", 1)]


def test_erp_bulk_upserts_of_products_and_stock_update_the_index(buyer):
    ProductClassFactory(name="Bearing")
    PartnerFactory(name="Main warehouse", code="main")
    result = products_upsert(
        items=[{"sku": "ERP-6204-2RS", "title": "Bearing imported overnight",
                "product_class": "Bearing", "is_public": True}],
        atomic=True, by_user=buyer,
    )  # fmt: skip
    assert [i.status for i in result.items] == ["created"]
    assert len(_ids("erp 6204")) == 1
    products_upsert(
        items=[{"sku": "ERP-6204-2RS", "title": "Sealed ball bearing"}], atomic=True, by_user=buyer
    )
    assert _ids("overnight") == [] and len(_ids("sealed")) == 1
    assert _ids("sealed", filters=SearchFilters(in_stock=True)) == []
    stock_upsert(
        items=[{"sku": "ERP-6204-2RS", "partner": "main", "num_in_stock": 8, "price": "4.50"}],
        atomic=True,
        by_user=buyer,
    )
    assert len(_ids("sealed", filters=SearchFilters(in_stock=True))) == 1


def test_rebuild_writes_the_same_rows_as_the_updates():
    category = category_create("Bearings")
    for n in range(5):
        ProductFactory(title=f"Bearing {n}", upc=f"B-{n}", category=category)
    ProductFactory(title="Hidden bearing", upc="H-1", is_public=False)
    before = sorted(ProductSearchEntry.objects.values_list("product_id", "codes", "in_stock"))
    ProductSearchEntry.objects.all().delete()
    assert services.search_index_rebuild() == 5
    after = sorted(ProductSearchEntry.objects.values_list("product_id", "codes", "in_stock"))
    assert after == before and ProductSearchCategory.objects.count() == 5


def test_ensure_rebuilds_only_when_products_changed_or_rows_are_missing():
    for n in range(3):
        ProductFactory(title=f"Bearing {n}", upc=f"E-{n}")
    assert services.search_index_ensure(changed=False) == 0  # every product has its row
    assert services.search_index_ensure(changed=True) == 3
    ProductSearchEntry.objects.filter(product__upc="E-0").delete()
    assert services.search_index_ensure(changed=False) == 3
    assert ProductSearchEntry.objects.count() == 3


def test_a_failing_index_update_never_fails_the_save(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("index down")

    monkeypatch.setattr(services, "search_index_update", broken)
    product = ProductFactory(title="Still saved", upc="S-1")
    assert product.pk is not None


def test_sqlite_uses_fts5_words_and_trigram_codes():
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default's FTS5 tables")
    product = ProductFactory(title="Angular contact bearings", upc="BRG-BB-000211")
    with connection.cursor() as cursor:
        # Rows of products gone are harmless: searches join the index rows.
        cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH 'bearing'")
        assert (product.pk,) in cursor.fetchall()  # porter: bearings -> bearing
        cursor.execute("SELECT rowid FROM search_fts_codes WHERE search_fts_codes MATCH 'BB0002'")
        assert (product.pk,) in cursor.fetchall()  # trigram: inside the code
    product.title = "Thrust washer"
    product.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH 'bearing'")
        assert (product.pk,) not in cursor.fetchall()


def test_an_update_under_debug_rewrites_the_words():
    # With DEBUG, Django's cursor logs every statement by formatting it with %: the
    # SQLite full-text writes once raised there after running (make run lost updates).
    product = ProductFactory(title="Plain washer", upc="W-1")
    product.title = "Spring washer"
    product.save()
    with CaptureQueriesContext(connection):  # the debug cursor, as with DEBUG
        assert services.search_index_update(product_ids=[product.pk]) == 1
    assert _ids("spring") == [product.pk]
    assert _ids("plain") == []


def test_a_variants_sku_and_stock_find_its_parent():
    parent = ProductFactory(
        title="Hydraulic hose 2SN", upc="HYD-2SN", structure="parent", stock=False
    )
    variant = ProductFactory(
        title="", upc="HYD-2SN-DN10", structure="child", parent=parent, stock__num_in_stock=0
    )
    entry = ProductSearchEntry.objects.get(product_id=parent.pk)
    assert " HYD2SNDN10 " in entry.codes and not entry.in_stock
    assert not ProductSearchEntry.objects.filter(product_id=variant.pk).exists()
    assert _ids("HYD-2SN-DN10") == [parent.pk]
    assert product_search(query="hyd 2sn dn10").exact_product_id == parent.pk
    # The variant's stock arrives: its record's save updates the parent's row.
    record = StockRecord.objects.get(product=variant)
    record.num_in_stock = 5
    record.save()
    assert ProductSearchEntry.objects.get(product_id=parent.pk).in_stock
    assert _ids("hydraulic hose", filters=SearchFilters(in_stock=True)) == [parent.pk]
    # A rebuild writes the same row.
    before = ProductSearchEntry.objects.filter(product_id=parent.pk).values_list(
        "codes", "in_stock"
    )
    services.search_index_rebuild()
    after = ProductSearchEntry.objects.filter(product_id=parent.pk).values_list("codes", "in_stock")
    assert list(after) == list(before)
