"""The product page's cached part: per product and price audience, never another's figures.

The price, stock, tiers, "how this price was built" and the forms are cached per product,
price audience (company, may order or not, visitor) and versions (shop.caching); a
user's own lists, stock alert, back button and recently viewed products are filled in per
request, and so is the CSRF token.
"""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from shop.bulk.models import RequisitionList
from shop.catalogue.templatetags.product_page_tags import CSRF_PLACEHOLDER
from shop.companies.models import CompanyMember
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import (
    CompanyFactory,
    CompanyMemberFactory,
    ProductFactory,
    UserFactory,
    category_create,
)

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def shop(db):
    category = category_create("Filters")
    product = ProductFactory(
        upc="OF-1", title="Oil filter W712", category=category, stock__price=Decimal("10.00")
    )
    alpha, beta = CompanyFactory(legal_name="Alpha GmbH"), CompanyFactory(legal_name="Beta SL")
    entries = {}
    for company, price in ((alpha, "8.10"), (beta, "9.20")):
        contract = PriceList.objects.create(code=f"c{company.pk}", name="Contract", company=company)
        entries[company.pk] = PriceListEntry.objects.create(
            price_list=contract, product=product, value=Decimal(price)
        )
    PriceListEntry.objects.create(
        price_list=PriceList.objects.get(company=alpha),
        product=product,
        value=Decimal("7.00"),
        min_quantity=50,
    )
    people = {
        "alpha": CompanyMemberFactory(company=alpha, user=UserFactory(email="a@alpha.example")),
        "alpha2": CompanyMemberFactory(company=alpha, user=UserFactory(email="a2@alpha.example")),
        "viewer": CompanyMemberFactory(
            company=alpha, role=CompanyMember.Role.VIEWER, user=UserFactory(email="v@alpha.example")
        ),
        "beta": CompanyMemberFactory(company=beta, user=UserFactory(email="b@beta.example")),
    }
    return {"product": product, "entries": entries, "people": people, "alpha": alpha}


def _page(who, shop, client=None) -> str:
    client = client or Client()
    if who != "visitor":
        client.force_login(shop["people"][who].user)
    response = client.get(shop["product"].get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _price_block(html: str) -> str:
    start = html.index('class="col-sm-6 product_main"')
    return html[start : html.index('id="product-information"', start)]


PRICES = {
    "alpha": "€8.10",
    "alpha2": "€8.10",
    "viewer": "€8.10",
    "beta": "€9.20",
    "visitor": "€10.00",
}


def _cached_keys(prefix: str) -> list[str]:
    """The cache's keys starting with ``prefix``: local memory or Redis (make test-services)."""
    store = cache._cache
    if isinstance(store, dict):
        return [key for key in store if key.startswith(prefix)]
    return [key.decode() for key in store.get_client().scan_iter(f"{prefix}*")]


def test_no_audience_gets_another_audiences_prices_stock_or_controls(shop):
    seen = {}
    for _ in range(2):  # the second round is served from the cache
        for who in ("alpha", "visitor", "beta", "viewer", "alpha2"):
            seen.setdefault(who, []).append(_price_block(_page(who, shop)))
    assert _cached_keys(":1:pagecache:product:")
    for who, blocks in seen.items():
        for block in blocks:
            assert PRICES[who] in block, who
            # Contract prices are one company's; €10.00 is everybody's (struck) list price.
            others = {"€8.10", "€9.20"} - {PRICES[who]}
            assert not any(price in block for price in others), who
            # Tiers and the explanation are the company's: only Alpha has a 50+ tier.
            assert ('id="price-tiers"' in block) == (who in ("alpha", "alpha2", "viewer")), who
            # Buyers see the stock on hand, visitors only that it is in stock.
            assert ("100 in stock" in block) == (who != "visitor"), who
            # The viewer may not order: no basket form, one explanation; the others may.
            assert ('id="add_to_basket_form"' in block) == (who != "viewer"), who
            assert ("but not order" in block) == (who == "viewer"), who


def test_a_contract_price_change_shows_at_once(shop):
    assert "€8.10" in _price_block(_page("alpha", shop))
    entry = shop["entries"][shop["alpha"].pk]
    entry.value = Decimal("6.60")
    entry.save()
    block = _price_block(_page("alpha", shop))
    assert "€6.60" in block and "€8.10" not in block
    assert "€9.20" in _price_block(_page("beta", shop))


def test_a_list_price_change_and_a_stock_change_show_at_once(shop, settings):
    settings.SHOP_STOCK_DISPLAY = "band"
    assert "€10.00" in _price_block(_page("visitor", shop))
    assert "In stock" in _price_block(_page("alpha", shop))
    record = StockRecord.objects.get(product=shop["product"])
    record.price = Decimal("12.00")
    record.save()
    assert "€12.00" in _price_block(_page("visitor", shop))
    record.num_in_stock = 3  # below SHOP_STOCK_LOW_BELOW: another band
    record.save()
    block = _price_block(_page("alpha", shop))
    assert "Low stock" in block or "low stock" in block.lower(), block


def test_the_csrf_token_is_the_requests_own_and_adding_from_a_cached_page_works(shop):
    first = Client(enforce_csrf_checks=True)
    _page("alpha", shop, first)  # fills the cache
    second = Client(enforce_csrf_checks=True)
    html = _page("alpha2", shop, second)
    tokens = set(TOKEN_RE.findall(html))
    assert CSRF_PLACEHOLDER not in html and tokens and "" not in tokens
    response = second.post(
        reverse("basket:add", kwargs={"pk": shop["product"].pk}),
        {"csrfmiddlewaretoken": tokens.pop(), "quantity": 1},
    )
    assert response.status_code == 302
    basket = Basket.objects.get(owner=shop["people"]["alpha2"].user, status="Open")
    assert basket.lines.get().product == shop["product"]
    # A token from another session's page is refused.
    other = TOKEN_RE.search(_page("alpha", shop, first)).group(1)
    third = Client(enforce_csrf_checks=True)
    third.force_login(shop["people"]["alpha"].user)
    third.get(reverse("basket:summary"))
    refused = third.post(
        reverse("basket:add", kwargs={"pk": shop["product"].pk}),
        {"csrfmiddlewaretoken": other, "quantity": 1},
    )
    assert refused.status_code == 403


def test_each_buyer_sees_their_own_lists_on_a_cached_page(shop):
    for who, name in (("alpha", "Workshop A"), ("alpha2", "Night shift")):
        member = shop["people"][who]
        RequisitionList.objects.create(name=name, owner=member.user, company=member.company)
    first, second = _page("alpha", shop), _page("alpha2", shop)
    assert "Workshop A" in first and "Night shift" not in first
    assert "Night shift" in second and "Workshop A" not in second


def _queries(client, url) -> int:
    client.get(url)  # fills the page's fragments
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_a_cached_product_page_costs_the_same_few_queries_whatever_the_product(shop, client):
    client.force_login(shop["people"]["alpha"].user)
    category = category_create("Bearings")
    plain = ProductFactory(category=category)
    rich = ProductFactory(category=category_create("Deep groove", parent=category))
    contract = PriceList.objects.get(company=shop["alpha"])
    for quantity in range(10, 200, 10):
        PriceListEntry.objects.create(
            price_list=contract, product=rich, value=Decimal("5.00"), min_quantity=quantity
        )
    for other in [ProductFactory(category=category) for _ in range(5)]:
        client.get(other.get_absolute_url())  # recently viewed: cached with the page
    small = _queries(client, plain.get_absolute_url())
    large = _queries(client, rich.get_absolute_url())
    assert large == small, f"{small} queries for a plain product, {large} for a rich one"
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get(rich.get_absolute_url())
    assert small < len(ctx.captured_queries), "the cached page should skip pricing and loading"
