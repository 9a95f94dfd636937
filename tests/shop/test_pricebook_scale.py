"""Contract pricing at scale: a buyer's category page is the same with 50 or 5,000 entries.

Issue 16 (scale data): 200 companies with 1,000,000 price-list entries must leave the
category page's figures unchanged, because the price book loads only the entries of the
products (and categories) on the page. Here: the same page with a few entries, then with
about 5,000 more spread over other products, the buyer's own contract and other companies'.
"""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import CompanyFactory, ProductFactory, category_create

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")

pytestmark = pytest.mark.django_db

# The price is the text before the first tag: a buyer's card adds "<small>excl. tax ...".
PRICE_RE = re.compile(r'<p class="price_color">\s*([^<]*?)\s*<')
PAGE_PRODUCTS = 6
OTHER_PRODUCTS = 250
OTHER_COMPANIES = 6


def _page(client, url) -> tuple[int, list[str], list[str]]:
    """(queries, prices shown, the price-list entry queries) of an uncached render."""
    cache.clear()
    client.get(url)  # warm what is per process (content types, templates)
    cache.clear()  # the rendered grid may be cached: measure a real render
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    entry_sql = [q["sql"] for q in ctx.captured_queries if "pricing_pricelistentry" in q["sql"]]
    return len(ctx.captured_queries), PRICE_RE.findall(response.content.decode()), entry_sql


def _rows(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return len(cursor.fetchall())


def _other_products(count: int) -> list:
    other = category_create("Elsewhere")
    product_class = ProductClass.objects.first()
    products = Product.objects.bulk_create(
        Product(title=f"Other part {n}", slug=f"other-part-{n}", upc=f"OTH-{n:05d}",
                structure="standalone", product_class=product_class, is_public=True)
        for n in range(count)
    )  # fmt: skip
    ProductCategory.objects.bulk_create(
        ProductCategory(product=p, category=other) for p in products
    )
    return products


def test_category_page_costs_and_shows_the_same_with_few_or_many_entries(client, buyer_member):
    company = buyer_member.company
    parent = category_create("Contract parts")
    child = category_create("Brake discs", parent=parent)
    products = [
        ProductFactory(category=child, stock__price=Decimal(f"{20 + n}.00"))
        for n in range(PAGE_PRODUCTS)
    ]
    contract = PriceList.objects.create(code="alpha-contract", name="Alpha", company=company)
    # The page's own entries: fixed prices on half, the category's percentage on the rest.
    for product in products[:3]:
        PriceListEntry.objects.create(
            price_list=contract, product=product, value=Decimal("9.99"), kind="fixed"
        )
    PriceListEntry.objects.create(price_list=contract, category=parent, kind="percent", value=10)
    others = _other_products(OTHER_PRODUCTS)
    # A few entries elsewhere: 46 on other products (50 in all).
    PriceListEntry.objects.bulk_create(
        PriceListEntry(price_list=contract, product=p, value=Decimal("1.00")) for p in others[:46]
    )
    assert PriceListEntry.objects.count() == 50
    client.force_login(buyer_member.user)
    url = parent.get_absolute_url()
    few_queries, few_prices, few_sql = _page(client, url)
    assert len(few_prices) == PAGE_PRODUCTS
    # Fixed 9.99 on three; 23.00, 24.00 and 25.00 less the category's 10 % on the others.
    assert sorted(few_prices) == sorted(["€9.99"] * 3 + ["€20.70", "€21.60", "€22.50"])

    # Many: the buyer's contract on 200 more products in two tiers, and other companies'
    # contracts on every product, the page's included, at prices the buyer must never see.
    PriceListEntry.objects.bulk_create(
        PriceListEntry(price_list=contract, product=p, value=Decimal("2.00"), min_quantity=q)
        for p in others[46:246]
        for q in (1, 10)
    )
    for n in range(OTHER_COMPANIES):
        other_list = PriceList.objects.create(
            code=f"other-{n}", name=f"Other {n}", company=CompanyFactory()
        )
        PriceListEntry.objects.bulk_create(
            PriceListEntry(price_list=other_list, product=p, value=Decimal("0.50"), min_quantity=q)
            for p in [*products, *others]
            for q in (1, 5, 10)
        )
    many = PriceListEntry.objects.count()
    assert many >= 5000, many
    many_queries, many_prices, many_sql = _page(client, url)

    assert many_queries == few_queries, (
        f"{few_queries} queries with 50 entries, {many_queries} with {many}"
    )
    assert many_prices == few_prices
    # The price book reads only the page's entries: its own product entries and the
    # category entry, not the thousands elsewhere.
    assert many_sql, "the page loaded no price-list entries"
    loaded = sum(_rows(sql) for sql in many_sql)
    assert loaded <= 3 + 1, f"{loaded} entries loaded for a page of {PAGE_PRODUCTS} products"
