"""One search box: products (shop's search selector) and content pages on one results page."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from cms.models import ContentPage
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
URL = reverse("site-search")


@pytest.fixture
def content(db):
    root = Site.objects.get(is_default_site=True).root_page
    for slug, title, description in (
        ("bearing-guide", "How to choose a bearing", "Loads, speeds and seals explained"),
        ("delivery", "Delivery and returns", "Same-day dispatch"),
        ("draft-bearings", "Bearing secrets (draft)", ""),
    ):
        page = root.add_child(
            instance=ContentPage(title=title, slug=slug, search_description=description)
        )
        if not slug.startswith("draft"):
            page.save_revision().publish()
        else:
            page.unpublish()
    ProductFactory(title="Deep groove ball bearing 6204")
    ProductFactory(title="Hydraulic hose 1/2in")


def _section(html: str, section: str) -> str:
    start = html.index(f'id="search-{section}"')
    return html[start : html.index("</section>", start)]


def test_one_results_page_has_products_and_pages(client, content):
    html = client.get(URL, {"q": "bearing"}).content.decode()
    products, pages = _section(html, "products"), _section(html, "pages")
    assert "Deep groove ball bearing 6204" in products and "Hydraulic" not in products
    assert "Products (1)" in products
    assert f"{reverse('search:search')}?q=bearing" in products  # full listing with prices
    assert "How to choose a bearing" in pages and 'href="/bearing-guide/"' in pages
    assert "Delivery" not in pages
    assert "draft" not in pages  # unpublished pages never show


def test_no_match_and_an_empty_query_say_what_to_do(client, content):
    html = client.get(URL, {"q": "zzzz-nothing"}).content.decode()
    assert "No products match" in html and "No pages match" in html
    assert "Type a part number" in client.get(URL).content.decode()


def test_a_too_long_or_broken_query_is_explained_not_a_500(client, content):
    response = client.get(URL, {"q": "x" * 150})
    assert response.status_code == 200
    assert "Search for at most 100 characters" in response.content.decode()
    response = client.get(URL, {"q": "bearing\x00"})
    assert response.status_code == 200 and 'id="search-errors"' in response.content.decode()


def test_the_header_search_box_leads_to_the_site_search(client, content):
    html = client.get(reverse("catalogue:index")).content.decode()
    assert f'action="{URL}"' in html


def test_search_queries_do_not_grow_with_the_results(
    client, content, django_assert_max_num_queries
):
    client.get(URL, {"q": "bearing"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "bearing"})
    for n in range(5):
        ProductFactory(title=f"Bearing {n}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(URL, {"q": "bearing"}).content.decode()
    assert "Products (6)" in html
    assert len(many) == len(few)


def test_products_show_the_buyers_own_price_and_a_visitor_the_list_price(client, db):
    from decimal import Decimal

    from shop.pricing.models import PriceList, PriceListEntry
    from tests.factories import CompanyMemberFactory

    product = ProductFactory(title="Oil filter M20", stock__price=Decimal("20.00"))
    member = CompanyMemberFactory()
    contract = PriceList.objects.create(code="c", name="Contract", company=member.company)
    PriceListEntry.objects.create(
        price_list=contract, product=product, kind=PriceListEntry.Kind.FIXED, value=Decimal("15")
    )
    visitor = _section(client.get(URL, {"q": "oil filter"}).content.decode(), "products")
    assert "€20.00" in visitor and "€15.00" not in visitor
    client.force_login(member.user)
    own = _section(client.get(URL, {"q": "oil filter"}).content.decode(), "products")
    assert "€15.00" in own and "€20.00" not in own
