"""One search box: products (shop's search selector) and content pages on one results page."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from cms.models import ContentPage
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
URL = reverse("site-search")


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run the search index's after-commit updates at the end of the block, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def content(db, indexed):
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
    with indexed():
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
    client, content, django_assert_max_num_queries, indexed
):
    client.get(URL, {"q": "bearing"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "bearing"})
    with indexed():
        for n in range(5):
            ProductFactory(title=f"Bearing {n}")
    client.get(URL, {"q": "bearing"})  # the catalogue changed: the cached page chrome refills
    with CaptureQueriesContext(connection) as many:
        html = client.get(URL, {"q": "bearing"}).content.decode()
    assert "Products (6)" in html
    assert len(many) == len(few)


def test_products_show_the_buyers_own_price_and_a_visitor_the_list_price(client, db, indexed):
    from decimal import Decimal

    from shop.pricing.models import PriceList, PriceListEntry
    from tests.factories import CompanyMemberFactory

    with indexed():
        product = ProductFactory(title="Oil filter M20", stock__price=Decimal("20.00"))
        member = CompanyMemberFactory()
        contract = PriceList.objects.create(code="c", name="Contract", company=member.company)
        PriceListEntry.objects.create(
            price_list=contract,
            product=product,
            kind=PriceListEntry.Kind.FIXED,
            value=Decimal("15"),
        )
    visitor = _section(client.get(URL, {"q": "oil filter"}).content.decode(), "products")
    assert "€20.00" in visitor and "€15.00" not in visitor
    client.force_login(member.user)
    own = _section(client.get(URL, {"q": "oil filter"}).content.decode(), "products")
    assert "€15.00" in own and "€20.00" not in own


# --- issue 16: the engine ranks the products; an exact code goes straight to the product --


def test_an_exact_sku_goes_straight_to_the_product(client, content, indexed):
    with indexed():
        product = ProductFactory(title="Angular contact ball bearing 7205-B", upc="BRG-BB-000777")
    for typed in ("BRG-BB-000777", "brg bb 000777"):
        response = client.get(URL, {"q": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == product.get_absolute_url()


def test_the_companys_own_part_number_goes_straight_to_the_product(client, content, indexed):
    from shop.partnumbers.models import CustomerPartNumber
    from tests.factories import CompanyMemberFactory

    with indexed():
        product = ProductFactory(title="Oil filter M20")
    member = CompanyMemberFactory()
    CustomerPartNumber.objects.create(
        company=member.company, product=product, part_number="RA-0815"
    )
    assert client.get(URL, {"q": "RA-0815"}).status_code == 200  # a visitor: not a code
    client.force_login(member.user)
    response = client.get(URL, {"q": "ra 0815"})
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()


def test_sku_matches_rank_before_title_matches_and_show_the_part_number(client, content, indexed):
    from shop.partnumbers.models import CustomerPartNumber
    from tests.factories import CompanyMemberFactory

    with indexed():
        by_title = ProductFactory(title="Seal kit for hydraulic pumps", upc="KIT-000001")
        by_code = ProductFactory(title="Radial shaft ring 30x47x7", upc="SEAL-30-47")
        ProductFactory(title="Seal puller set", upc="TLS-000009")
    member = CompanyMemberFactory()
    CustomerPartNumber.objects.create(company=member.company, product=by_code, part_number="MY-1")
    client.force_login(member.user)
    products = _section(client.get(URL, {"q": "seal"}).content.decode(), "products")
    assert products.index(f'data-product-id="{by_code.pk}"') < products.index(
        f'data-product-id="{by_title.pk}"'
    )
    assert "Your part no." in products and "MY-1" in products


def test_the_full_product_search_is_one_link_away_with_the_count(client, content, indexed):
    with indexed():
        for n in range(8):
            ProductFactory(title=f"Bearing grease {n}")
    html = _section(client.get(URL, {"q": "bearing"}).content.decode(), "products")
    assert html.count('class="list-group-item') == 6  # the first six
    assert "See all 9 products with filters" in html
    assert f'href="{reverse("search:search")}?q=bearing"' in html


def test_a_typo_offers_the_engines_suggestion(client, content):
    from unittest import mock

    from shop.search import selectors as search_selectors
    from shop.search.selectors import Facets, SearchOutcome

    outcome = SearchOutcome(products=[], total=0, facets=Facets(), suggestion="bearing")
    with mock.patch.object(search_selectors, "product_search", return_value=outcome):
        html = client.get(URL, {"q": "baering"}).content.decode()
    assert 'Did you mean <a href="?q=bearing">bearing</a>?' in html


def test_the_header_box_offers_suggestions_under_the_csp(client, content):
    html = client.get(URL).content.decode()
    box = html[html.index('id="id_q"') - 200 : html.index('id="search-suggestions-status"')]
    assert 'role="combobox"' in box and 'aria-controls="search-suggestions"' in box
    assert f'data-autocomplete-url="{reverse("search:autocomplete")}"' in box
    assert 'role="listbox"' in box
    assert 'src="/static/shop/js/search-autocomplete.js"' in html
