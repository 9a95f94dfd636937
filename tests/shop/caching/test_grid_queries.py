"""A cached grid costs no product, price or stock query, whatever the catalogue's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CompanyMemberFactory, ProductFactory, category_create

pytestmark = pytest.mark.django_db
GRID_TABLES = ("catalogue_product", "partner_stockrecord", "pricing_pricelist")


def _measure(client, url) -> tuple[int, list[str], bool]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return (
        len(ctx.captured_queries),
        [q["sql"] for q in ctx.captured_queries],
        (response.context["grid_cached"]),
    )


def test_category_page_queries_cached_and_uncached_at_two_sizes(client):
    member = CompanyMemberFactory()
    client.force_login(member.user)
    category = category_create("Sized")
    for _ in range(3):
        ProductFactory(category=category)
    url = category.get_absolute_url()
    client.get(url)  # per-process caches (content types, site)
    from django.core.cache import cache

    cache.clear()
    uncached_small, _sql, hit = _measure(client, url)
    assert not hit
    cached_small, sql, hit = _measure(client, url)
    assert hit
    assert not [s for s in sql if any(f'FROM "{t}"' in s for t in GRID_TABLES)], sql
    for _ in range(45):
        ProductFactory(category=category)
    uncached_large, _sql, hit = _measure(client, url)
    assert not hit  # the new products bumped the catalogue version
    cached_large, _sql, hit = _measure(client, url)
    assert hit
    print(f"\ncategory page: uncached {uncached_small}/{uncached_large}, cached "
          f"{cached_small}/{cached_large} queries (3/48 products)")  # fmt: skip
    assert cached_small == cached_large < uncached_small
    # The uncached page keeps the listing's constant cost too (the chrome is cached by then).
    assert uncached_large <= uncached_small
