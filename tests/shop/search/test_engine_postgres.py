"""The search engine's behaviour tests again on PostgreSQL (full-text vector, pg_trgm), plus
what only PostgreSQL has: the GIN indexes the queries use, and updates after a real commit.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_engine pytest -m services tests/shop/search
"""

import pytest
from django.db import connection, transaction

from shop.search.models import ProductSearchEntry
from tests.conftest import migrated_data_restore
from tests.factories import ProductFactory
from tests.shop.search.test_engine import *  # noqa: F403 (the same behaviour, collected here)
from tests.shop.search.test_index import (  # noqa: F401
    test_a_failing_index_update_never_fails_the_save,
    test_a_saved_product_is_indexed_with_its_codes_and_never_a_price,
    test_a_variants_sku_and_stock_find_its_parent,
    test_category_links_keep_the_category_facet_current,
    test_erp_bulk_upserts_of_products_and_stock_update_the_index,
    test_product_and_stock_record_saves_keep_the_index_current,
    test_rebuild_writes_the_same_rows_as_the_updates,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL; run with DATABASE_URL=postgres://...")


def _plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: force the choice
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_codes_and_words_use_the_gin_indexes():
    ProductFactory(title="Deep groove ball bearing 6204-2RS", upc="BRG-BB-000091")
    with transaction.atomic():
        plan = _plan(
            "SELECT product_id FROM search_productsearchentry WHERE codes LIKE %s "
            "OR document @@ to_tsquery('english', %s)",
            ["%62042RS%", "'ball':* & 'bear':*"],
        )
    assert "search_entry_codes_trgm" in plan and "search_entry_document_gin" in plan
    with transaction.atomic():
        plan = _plan(
            "SELECT product_id FROM search_productsearchentry WHERE %s <<%% codes", ["BRGBB00009"]
        )
    assert "search_entry_codes_trgm" in plan


@pytest.fixture
def _migrated_data(transactional_db, _migrated_snapshot):
    from wagtail.models import Collection, Page

    if Page.get_first_root_node() is None or Collection.get_first_root_node() is None:
        migrated_data_restore(connection, _migrated_snapshot)


@pytest.mark.django_db(transaction=True)
def test_updates_wait_for_the_commit(_migrated_data):
    with transaction.atomic():
        product = ProductFactory(title="Committed bearing", upc="C-1")
        assert not ProductSearchEntry.objects.filter(product=product).exists()
    assert ProductSearchEntry.objects.filter(product=product).exists()
