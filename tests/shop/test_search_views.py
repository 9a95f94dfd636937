"""The buyer's product search page (/shop/search/?q=) and the header box's suggestions.

Two kinds of test: the page over the real engine (exact codes go to the product, part
numbers on cards, facets, sort, pagination, constant queries), and the page given an
engine answer (``SearchOutcome``) it must show: "did you mean", near matches, a refused
price sort. Bad input never fails the page.
"""

from decimal import Decimal
from unittest import mock
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.partnumbers.models import CustomerPartNumber
from shop.search import selectors as search_selectors
from shop.search.selectors import Facets, FacetValue, SearchOutcome
from tests.factories import ProductFactory, category_create

pytestmark = pytest.mark.django_db
URL = reverse("search:search")
SUGGEST_URL = reverse("search:autocomplete")


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _product(title: str, sku: str, *, brand: str = "", mpn: str = "", category=None, **stock):
    return ProductFactory(
        title=title,
        upc=sku,
        brand=brand,
        manufacturer_part_number=mpn,
        category=category,
        **{f"stock__{key}": value for key, value in stock.items()},
    )


def _grid(html: str) -> str:
    start = html.index('class="row list-unstyled')
    return html[start : html.index("</ol>", start)]


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run the search index's after-commit updates at the end of the block, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def catalogue(db, indexed):
    with indexed():
        return _catalogue()


def _catalogue() -> dict:
    bearings = category_create("Ball bearings")
    hoses = category_create("Hoses")
    products = {
        "6204": _product(
            "Deep groove ball bearing 6204-2RS",
            "BRG-BB-000091",
            brand="Veloma",
            mpn="VM-6204-2RS",
            category=bearings,
            price=Decimal("9.00"),
        ),
        "6205": _product(
            "Deep groove ball bearing 6205-ZZ",
            "BRG-BB-000092",
            brand="Nordlager",
            mpn="NL-6205-ZZ",
            category=bearings,
            price=Decimal("4.00"),
            num_in_stock=0,
        ),
        "hose": _product(
            "Hydraulic hose 2SN DN06",
            "HYD-HS-000007",
            brand="Nordlager",
            mpn="NL-DN06",
            category=hoses,
            price=Decimal("30.00"),
        ),
    }
    return {"bearings": bearings, "hoses": hoses, **products}


# --- exact codes go straight to the product ---------------------------------------------


@pytest.mark.parametrize("typed", ["BRG-BB-000091", "brg bb 000091", "VM-6204-2RS", "vm62042rs"])
def test_an_exact_sku_or_makers_number_goes_straight_to_the_product(client, catalogue, typed):
    response = client.get(URL, {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == catalogue["6204"].get_absolute_url()


def test_the_companys_own_part_number_goes_straight_to_the_product(client, catalogue, buyer_member):
    CustomerPartNumber.objects.create(
        company=buyer_member.company, product=catalogue["hose"], part_number="ALPHA-77-H"
    )
    client.force_login(buyer_member.user)
    response = client.get(URL, {"q": "alpha 77 h"})
    assert response.status_code == 302
    assert response["Location"] == catalogue["hose"].get_absolute_url()


def test_another_companys_part_number_finds_nothing(client, catalogue, buyer_member):
    from tests.factories import CompanyFactory

    CustomerPartNumber.objects.create(
        company=CompanyFactory(), product=catalogue["hose"], part_number="ALPHA-77-H"
    )
    client.force_login(buyer_member.user)
    html = _html(client.get(URL, {"q": "ALPHA-77-H"}))
    assert "Hydraulic hose" not in html


def test_an_exact_code_with_a_filter_or_a_page_stays_on_the_list(client, catalogue):
    html = _html(client.get(URL, {"q": "BRG-BB-000091", "in_stock": "1"}))
    assert "Deep groove ball bearing 6204-2RS" in _grid(html)
    assert client.get(URL, {"q": "BRG-BB-000091", "all": "1"}).status_code == 200


# --- the results page ----------------------------------------------------------------------


def test_words_find_products_with_the_buyers_part_number_beside_the_sku(
    client, catalogue, buyer_member
):
    CustomerPartNumber.objects.create(
        company=buyer_member.company, product=catalogue["6204"], part_number="WS-4711"
    )
    client.force_login(buyer_member.user)
    html = _html(client.get(URL, {"q": "ball bearing"}))
    grid = _grid(html)
    assert "6204-2RS" in grid and "6205-ZZ" in grid and "Hydraulic" not in grid
    assert "BRG-BB-000091" in grid
    start = html.index('id="search-part-numbers"')
    shown = html[start : html.index("</p>", start)]
    assert "WS-4711" in shown and "BRG-BB-000091" in shown and "BRG-BB-000092" not in shown
    # A visitor never sees a company's part numbers (and the grid cache keeps them apart).
    client.logout()
    html = _html(client.get(URL, {"q": "ball bearing"}))
    assert "BRG-BB-000091" in _grid(html) and "WS-4711" not in html


def test_facets_list_categories_brands_and_stock_and_filter_as_get_parameters(client, catalogue):
    html = _html(client.get(URL, {"q": "nordlager"}))
    facets = html[
        html.index('id="search-facets"') : html.index("</form>", html.index('id="search-facets"'))
    ]
    assert f'name="category" value="{catalogue["bearings"].pk}"' in facets
    assert f'name="category" value="{catalogue["hoses"].pk}"' in facets
    assert 'name="brand" value="Nordlager"' in facets and 'name="in_stock"' in facets
    filtered = _html(client.get(URL, {"q": "nordlager", "category": catalogue["hoses"].pk}))
    grid = _grid(filtered)
    assert "Hydraulic hose" in grid and "6205-ZZ" not in grid
    assert f'id="facet-category-{catalogue["hoses"].pk}" data-autosubmit checked' in filtered
    in_stock = _grid(_html(client.get(URL, {"q": "ball bearing", "in_stock": "1"})))
    assert "6204-2RS" in in_stock and "6205-ZZ" not in in_stock
    brand = _grid(_html(client.get(URL, {"q": "ball bearing", "brand": "Veloma"})))
    assert "6204-2RS" in brand and "6205-ZZ" not in brand


@pytest.mark.parametrize(
    ("sort", "first", "second"),
    [("price", "6205-ZZ", "6204-2RS"), ("-price", "6204-2RS", "6205-ZZ")],
)
def test_the_price_sort_orders_by_the_buyers_price(client, catalogue, sort, first, second):
    html = _html(client.get(URL, {"q": "ball bearing", "sort": sort}))
    grid = _grid(html)
    assert grid.index(first) < grid.index(second)
    assert f'<option value="{sort}" selected>' in html


def test_the_contract_price_sorts_and_shows_as_on_the_category_page(
    client, catalogue, buyer_member, indexed
):
    from shop.pricing.models import PriceList, PriceListEntry

    with indexed():
        contract = PriceList.objects.create(code="c", name="Contract", company=buyer_member.company)
        PriceListEntry.objects.create(
            price_list=contract,
            product=catalogue["6204"],
            kind=PriceListEntry.Kind.FIXED,
            value=Decimal("2.00"),
        )
    client.force_login(buyer_member.user)
    grid = _grid(_html(client.get(URL, {"q": "ball bearing", "sort": "price"})))
    assert grid.index("6204-2RS") < grid.index("6205-ZZ")  # 2.00 (contract) before 4.00
    assert "€2.00" in grid


def test_pagination_keeps_the_query_filters_and_sort(client, catalogue, indexed):
    with indexed():
        for n in range(30):
            _product(f"Ball bearing spare {n:02d}", f"SPR-{n:04d}", brand="Veloma")
    html = _html(client.get(URL, {"q": "bearing", "brand": "Veloma", "sort": "name"}))
    nav = html[html.index("search-pagination") :]
    link = nav[nav.index('href="?') + 7 : nav.index('"', nav.index('href="?') + 7)]
    params = parse_qs(link.replace("&amp;", "&"))
    assert params == {"q": ["bearing"], "brand": ["Veloma"], "sort": ["name"], "page": ["2"]}
    second = _html(client.get(URL, params))
    assert "Page 2 of 2" in second


def test_an_empty_query_asks_for_one(client):
    html = _html(client.get(URL))
    assert "Type a product name, SKU or part number" in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "bearing", "sort": "drop table"},
        {"q": "bearing", "category": "abc"},
        {"q": "bearing", "category": "99999999"},
        {"q": "bearing", "category": "-1"},
        {"q": "bearing", "category": "1" * 40},
        {"q": "bearing", "brand": "x" * 500},
        {"q": "bearing", "page": "9999"},
        {"q": "bearing", "page": "abc"},
        {"q": "bearing", "in_stock": "maybe"},
        {"q": "bear\x00ing"},
        {"q": "x" * 500},
        {"q": "6204\t2RS"},
        {"q": "%_*\\'\""},
        {"q": '(((( AND OR NOT "" ^^ :: --'},
    ],
)
def test_bad_input_is_ignored_or_explained_never_a_500(client, catalogue, params):
    html = _html(client.get(URL, params))
    assert "Products matching" in html or "search-errors" in html or "Search products" in html


def test_what_was_left_out_is_said(client, catalogue):
    html = _html(client.get(URL, {"q": "bearing", "sort": "cheapest", "category": "99999"}))
    assert "That sort order does not exist" in html
    assert "A category in the address does not exist" in html
    assert "6204-2RS" in _grid(html)
    html = _html(client.get(URL, {"q": "x" * 150}))
    assert "shortened to its first 100 characters" in html
    html = _html(client.get(URL, {"q": "bear\x00ing"}))
    assert 'id="search-errors"' in html


# --- what the engine says, shown -------------------------------------------------------


def _outcome(products, **kwargs) -> SearchOutcome:
    defaults = {"total": len(products), "facets": Facets()}
    return SearchOutcome(products=products, **{**defaults, **kwargs})


def test_did_you_mean_links_the_suggestion(client, catalogue):
    outcome = _outcome([], suggestion="6204-2RS")
    with mock.patch.object(search_selectors, "product_search", return_value=outcome):
        html = _html(client.get(URL, {"q": "6240-2RS"}))
    assert "Did you mean" in html and 'href="?q=6204-2RS">6204-2RS</a>' in html


def test_near_matches_are_labelled_as_such(client, catalogue):
    from shop import selectors

    products = selectors.product_list_queryset().filter(pk=catalogue["6204"].pk)
    outcome = _outcome(products, total=1, fuzzy=True, suggestion="bearing")
    with mock.patch.object(search_selectors, "product_search", return_value=outcome):
        html = _html(client.get(URL, {"q": "baering"}))
    assert 'id="search-fuzzy"' in html and "showing near matches" in html
    assert "6204-2RS" in _grid(html)


def test_a_refused_price_sort_says_how_to_narrow(client, catalogue):
    from shop import selectors

    products = selectors.product_list_queryset().order_by("title")
    outcome = _outcome(
        products,
        total=5000,
        price_sort_refused=True,
        facets=Facets(categories=[FacetValue("1", "Ball bearings", 5000)]),
    )
    with mock.patch.object(search_selectors, "product_search", return_value=outcome):
        html = _html(client.get(URL, {"q": "bearing", "sort": "price"}))
    assert 'id="search-price-sort-refused"' in html and "Narrow the search" in html
    assert '<option value="relevance" selected>' in html


def test_ticked_facets_stay_visible_when_they_match_nothing(client, catalogue):
    outcome = _outcome([], facets=Facets(brands=[FacetValue("Veloma", "Veloma", 3)]))
    with mock.patch.object(search_selectors, "product_search", return_value=outcome):
        html = _html(
            client.get(URL, {"q": "bearing", "brand": "Ostwerk", "category": catalogue["hoses"].pk})
        )
    assert 'name="brand" value="Ostwerk"' in html and "Hoses" in html
    assert 'id="facet-clear"' in html


# --- constant queries ---------------------------------------------------------------------


def _queries(client, params) -> int:
    from django.core.cache import cache

    cache.clear()  # a cached grid would hide the engine's queries
    client.get(URL, params)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("logged_in", [False, True])
def test_search_page_queries_do_not_grow_with_the_matches(
    client, catalogue, buyer_member, logged_in, indexed
):
    if logged_in:
        CustomerPartNumber.objects.create(
            company=buyer_member.company, product=catalogue["6204"], part_number="WS-1"
        )
        client.force_login(buyer_member.user)
    params = {"q": "bearing", "brand": "Veloma", "sort": "price"}
    small = _queries(client, params)
    with indexed():
        for n in range(40):
            product = _product(
                f"Ball bearing {n:02d}",
                f"GRW-{n:04d}",
                brand="Veloma",
                category=catalogue["bearings"],
            )
            if logged_in:
                CustomerPartNumber.objects.create(
                    company=buyer_member.company, product=product, part_number=f"WS-{n + 2}"
                )
    large = _queries(client, params)
    assert large == small, f"{small} queries with 1 match, {large} with 41"
    assert _queries(client, {**params, "page": 2}) == small


def test_a_cached_results_page_asks_the_database_little(client, catalogue, buyer_member):
    client.force_login(buyer_member.user)
    params = {"q": "bearing", "brand": "Veloma"}
    client.get(URL, params)
    with CaptureQueriesContext(connection) as ctx:
        html = _html(client.get(URL, params))
    assert "6204-2RS" in html and 'name="brand" value="Veloma"' in html
    assert not [q for q in ctx.captured_queries if 'FROM "catalogue_product"' in q["sql"]]


# --- the header box's suggestions -------------------------------------------------------


def test_suggestions_give_sku_title_url_and_the_companys_part_number(
    client, catalogue, buyer_member
):
    CustomerPartNumber.objects.create(
        company=buyer_member.company, product=catalogue["6204"], part_number="WS-4711"
    )
    client.force_login(buyer_member.user)
    results = client.get(SUGGEST_URL, {"q": "6204 2rs"}).json()["results"]
    assert results[0] == {
        "title": "Deep groove ball bearing 6204-2RS",
        "sku": "BRG-BB-000091",
        "url": catalogue["6204"].get_absolute_url(),
        "part_number": "WS-4711",
    }
    by_part_number = client.get(SUGGEST_URL, {"q": "ws-47"}).json()["results"]
    assert by_part_number and by_part_number[0]["sku"] == "BRG-BB-000091"


def test_suggestions_for_a_visitor_carry_no_part_number(client, catalogue):
    results = client.get(SUGGEST_URL, {"q": "BRG-BB"}).json()["results"]
    assert {r["sku"] for r in results} >= {"BRG-BB-000091", "BRG-BB-000092"}
    assert all(r["part_number"] == "" for r in results)


@pytest.mark.parametrize("q", ["", "a", "\x00\x00", "6204\x00", "%" * 300, "' OR 1=1 --", "*"])
def test_suggestions_never_fail(client, catalogue, q):
    response = client.get(SUGGEST_URL, {"q": q})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def _reads(captured) -> list[str]:
    """The SELECTs past the request's session, user and membership."""
    skip = ("django_session", "auth_user", "companies_")
    return [
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT") and not any(table in q["sql"] for table in skip)
    ]


@pytest.mark.parametrize(("logged_in", "most"), [(False, 1), (True, 4)])
def test_suggestions_cost_a_fixed_few_queries(
    client, catalogue, buyer_member, indexed, logged_in, most
):
    if logged_in:
        # A buyer's suggestions also look up the company's own part numbers.
        client.force_login(buyer_member.user)
    client.get(SUGGEST_URL, {"q": "bearing"})
    with CaptureQueriesContext(connection) as few:
        client.get(SUGGEST_URL, {"q": "bearing"})
    with indexed():
        for n in range(20):
            _product(f"Ball bearing {n:02d}", f"SUG-{n:04d}")
    with CaptureQueriesContext(connection) as many:
        results = client.get(SUGGEST_URL, {"q": "bearing"}).json()["results"]
    assert len(results) == 8
    assert len(many) == len(few)
    assert len(_reads(many.captured_queries)) <= most, _reads(many.captured_queries)
