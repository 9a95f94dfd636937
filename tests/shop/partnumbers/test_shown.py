"""The buyer company's own part number on category cards and the product page, cached safely.

Both are cached per price audience (a company is its own audience, visitors share one);
a part number must never reach another company, a visitor or a user without a company,
whoever filled the cache first, and a change shows at once.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shop.partnumbers.models import CustomerPartNumber
from tests.factories import ProductFactory
from tests.shop.caching.helpers import grid, shop_create

pytestmark = pytest.mark.django_db
SHOWN = "product-part-number"  # the class of the line that shows it (the search box says "Your part no." too)


@pytest.fixture
def shop():
    shop = shop_create()
    shop.alpha = shop.alpha_buyer.company_memberships.get().company
    shop.beta = shop.beta_buyer.company_memberships.get().company
    shop.mapping = CustomerPartNumber.objects.create(
        company=shop.alpha, product=shop.product, part_number="RAS-FIL-0815"
    )
    # Beta has its own number for another product: never shown to Alpha either.
    CustomerPartNumber.objects.create(
        company=shop.beta, product=ProductFactory(), part_number="BETA-SECRET-1"
    )
    return shop


def _clients(shop) -> dict[str, Client]:
    clients = {"visitor": Client()}
    for name, user in (
        ("alpha", shop.alpha_buyer),
        ("viewer", shop.alpha_viewer),
        ("beta", shop.beta_buyer),
        ("nobody", shop.no_company_user),
    ):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("first", ["alpha", "beta", "visitor", "nobody"])
def test_category_cards_show_the_companys_part_number_to_it_only(shop, first):
    clients = _clients(shop)
    order = [first, *(name for name in clients if name != first)]
    url = shop.category.get_absolute_url()
    for round_ in range(2):
        seen = {name: _get(clients[name], url) for name in order}
        for name in ("alpha", "viewer"):
            cards = grid(seen[name])
            assert 'Your part no. <span class="text-monospace">RAS-FIL-0815</span>' in cards, name
        for name in ("beta", "visitor", "nobody"):
            html = seen[name].content.decode()
            assert "RAS-FIL-0815" not in html and SHOWN not in html, name
        assert all("BETA-SECRET-1" not in r.content.decode() for r in seen.values())
        if round_:
            assert all(r.context["grid_cached"] for r in seen.values())


@pytest.mark.parametrize("first", ["alpha", "beta", "visitor", "nobody"])
def test_the_product_page_shows_the_companys_part_number_to_it_only(shop, first):
    clients = _clients(shop)
    order = [first, *(name for name in clients if name != first)]
    url = shop.product.get_absolute_url()
    for _round in range(2):
        seen = {name: _get(clients[name], url).content.decode() for name in order}
        for name in ("alpha", "viewer"):
            assert 'id="product-part-number"' in seen[name], name
            assert 'Your part no. <span class="text-monospace">RAS-FIL-0815</span>' in seen[name]
            assert "<th>Your part number</th><td>RAS-FIL-0815</td>" in seen[name]
        for name in ("beta", "visitor", "nobody"):
            assert "RAS-FIL-0815" not in seen[name] and SHOWN not in seen[name], name
    assert _cached_keys(":1:pagecache:product:"), "the page was not cached"


def _cached_keys(prefix: str) -> list[str]:
    """The cache's keys starting with ``prefix``: local memory or Redis."""
    store = cache._cache
    if isinstance(store, dict):
        return [key for key in store if key.startswith(prefix)]
    return [key.decode() for key in store.get_client().scan_iter(f"{prefix}*")]


def test_a_changed_or_deleted_part_number_shows_at_once_on_cached_pages(shop):
    alpha = _clients(shop)["alpha"]
    page, category = shop.product.get_absolute_url(), shop.category.get_absolute_url()
    assert "RAS-FIL-0815" in _get(alpha, page).content.decode()
    assert "RAS-FIL-0815" in grid(_get(alpha, category))
    shop.mapping.part_number = "RAS-FIL-0816"
    shop.mapping.save()
    assert "RAS-FIL-0816" in _get(alpha, page).content.decode()
    assert "RAS-FIL-0816" in grid(_get(alpha, category))
    shop.mapping.delete()
    assert SHOWN not in _get(alpha, page).content.decode()
    assert SHOWN not in grid(_get(alpha, category))


def test_an_inactive_companys_member_shares_the_users_page_so_sees_no_part_number(shop):
    # Its members share the cached copies of signed-in users without a company.
    shop.alpha.status = shop.alpha.Status.ON_HOLD
    shop.alpha.save()
    clients = _clients(shop)
    for url in (shop.product.get_absolute_url(), shop.category.get_absolute_url()):
        for name in ("alpha", "nobody"):
            assert "RAS-FIL-0815" not in _get(clients[name], url).content.decode()


def _category_queries(client, url) -> int:
    cache.clear()
    client.get(url)  # per-process caches and the page chrome
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200 and not response.context["grid_cached"]
    return len(ctx.captured_queries)


def test_cards_cost_one_query_for_the_page_however_many_part_numbers(shop):
    client = _clients(shop)["alpha"]
    url = shop.category.get_absolute_url()

    def numbered(count: int) -> None:
        for index in range(count):
            product = ProductFactory(category=shop.category)
            CustomerPartNumber.objects.create(
                company=shop.alpha, product=product, part_number=f"RAS-{index:03d}-{count}"
            )

    numbered(2)
    small = _category_queries(client, url)
    numbered(20)
    html = _get(client, url).content.decode()
    assert html.count(SHOWN) >= 20
    assert _category_queries(client, url) == small
