"""Smoke of the bench's catalogue generator on PostgreSQL (COPY): small figures, run twice."""

import pytest
from django.db import connection
from oscar.core.loading import get_model

from shop.pricing.models import PriceList, PriceListEntry
from tests.bench.catalogue_gen import ATTRIBUTES, generate

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductCategory = get_model("catalogue", "ProductCategory")

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the generator writes with COPY")


def test_the_generator_fills_the_catalogue_and_contracts_and_is_idempotent():
    report = generate(products=300, companies=4, entries=400, progress=False)

    assert report["products_created"] == 300 and Product.objects.count() == 300
    assert StockRecord.objects.filter(price__isnull=False).count() == 300
    assert ProductCategory.objects.values("product").distinct().count() == 300
    assert not Product.objects.filter(brand="").exists()
    assert not Product.objects.filter(manufacturer_part_number="").exists()
    product = Product.objects.get(upc="BRG-BB-000001")  # shop.demo.product_specs, index 0
    assert product.stockrecords.get().partner_sku == "BRG-BB-000001"
    codes = set(
        ProductAttributeValue.objects.filter(product=product).values_list(
            "attribute__code", flat=True
        )
    )
    assert {"material", "weight_kg"} <= codes <= {code for code, _, _ in ATTRIBUTES}
    lists = PriceList.objects.filter(code__startswith="bench-contract-")
    assert lists.count() == 4 and all(pl.company_id for pl in lists)
    assert PriceListEntry.objects.filter(price_list__in=lists).count() == 400
    assert PriceListEntry.objects.filter(price_list__in=lists, category__isnull=False).exists()
    assert PriceListEntry.objects.filter(price_list__in=lists, min_quantity=10).exists()
    assert report["rows_copied"] > 300 * 4 and report["wall_seconds"] > 0

    again = generate(products=300, companies=4, entries=400, progress=False)
    assert (again["products_created"], again["entries_created"], again["rows_copied"]) == (0, 0, 0)
    assert Product.objects.count() == 300
    assert PriceListEntry.objects.filter(price_list__in=lists).count() == 400

    more = generate(products=350, companies=4, entries=400, progress=False)
    assert more["products_created"] == 50 and Product.objects.count() == 350
