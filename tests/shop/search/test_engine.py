"""The search engine's behaviour: codes as buyers type them, ranking, exact match, facets, sorts.

These run on the default database (SQLite with FTS5); ``test_engine_postgres`` runs the
same functions on PostgreSQL (full-text vector and pg_trgm).
"""

from decimal import Decimal

import pytest

from shop.partnumbers.models import CustomerPartNumber
from shop.pricing.models import PriceList, PriceListEntry
from shop.search.codes import normalize_code
from shop.search.selectors import (
    PRICE_SORT_LIMIT,
    SearchFilters,
    product_autocomplete,
    product_search,
)
from tests.factories import CompanyMemberFactory, ProductFactory, category_create

pytestmark = pytest.mark.django_db


def _product(title, sku, *, brand="", mpn="", category=None, price="10.00", stock=50):
    return ProductFactory(
        title=title, upc=sku, brand=brand, manufacturer_part_number=mpn, category=category,
        stock__price=Decimal(price), stock__num_in_stock=stock,
    )  # fmt: skip


@pytest.fixture
def catalogue(db):
    bearings = category_create("Bearings")
    ball = category_create("Ball bearings", parent=bearings)
    roller = category_create("Roller bearings", parent=bearings)
    hoses = category_create("Hoses")
    return {
        "bearings": bearings,
        "ball": ball,
        "roller": roller,
        "hoses": hoses,
        "6204": _product("Deep groove ball bearing 6204-2RS", "BRG-BB-000091", brand="Nordlager",
                         mpn="NL-6204-2RS/1", category=ball, price="14.00"),
        "6205": _product("Deep groove ball bearing 6205-ZZ", "BRG-BB-000181", brand="Veloma",
                         mpn="VM-6205-ZZ", category=ball, price="9.00", stock=0),
        "angular": _product("Angular contact ball bearing 7205-B", "BRG-BB-000211",
                            brand="Nordlager", mpn="NL-7205-B", category=ball, price="31.00"),
        "taper": _product("Tapered roller bearing 30205", "BRG-RB-000062", brand="Ostwerk",
                          mpn="OW30205", category=roller, price="22.00"),
        "prefix": _product("Spacer ring for 62042RS housings", "62042RS-SP", brand="Ostwerk",
                           category=roller, price="3.00"),
        "hose": _product("Hydraulic hose 2SN DN10", "HYD-HS-000010", brand="Veloma",
                         mpn="VM-2SN-10", category=hoses, price="5.00"),
    }  # fmt: skip


def _ids(outcome, n=None):
    return [p.pk for p in list(outcome.products)[:n]]


def test_codes_compare_without_dashes_spaces_dots_or_case():
    assert normalize_code("6204 2rs") == normalize_code("6204-2RS") == "62042RS"
    assert normalize_code(" nl.6204-2rs/1 ") == "NL62042RS1"


@pytest.mark.parametrize("query", ["6204 2RS", "6204-2rs", "6204.2RS", "62042rs"])
def test_a_part_number_is_found_inside_other_codes_however_it_is_typed(catalogue, query):
    outcome = product_search(query=query)
    ids = _ids(outcome)
    # "NL-6204-2RS/1" holds the code inside; "62042RS-SP" starts with it.
    assert catalogue["6204"].pk in ids and catalogue["prefix"].pk in ids
    assert catalogue["6205"].pk not in ids and catalogue["hose"].pk not in ids


def test_ranking_exact_code_then_prefix_then_contains_then_words(catalogue):
    extra = _product(
        "Bearing grease for BRG-BB-000091", "LUB-GR-000001", category=catalogue["hoses"]
    )
    code_inside = _product("Seal kit", "KIT-BRGBB000091", category=catalogue["hoses"])
    code_prefix = _product("Shim", "BRG-BB-0000912", category=catalogue["hoses"])
    ids = _ids(product_search(query="BRG-BB-000091"))  # one token: a code, codes only
    assert ids == [catalogue["6204"].pk, code_prefix.pk, code_inside.pk]
    ids = _ids(product_search(query="brg-bb 000091"))  # words too
    assert ids[:3] == [catalogue["6204"].pk, code_prefix.pk, code_inside.pk]
    assert extra.pk in ids[3:]  # only its words (title) match


def test_words_match_all_of_them_with_stemming_and_prefixes(catalogue):
    ids = _ids(product_search(query="ball bearings"))
    assert set(ids) == {catalogue["6204"].pk, catalogue["6205"].pk, catalogue["angular"].pk}
    assert set(_ids(product_search(query="hose hydr"))) == {catalogue["hose"].pk}
    assert set(_ids(product_search(query="nordlager"))) == {
        catalogue["6204"].pk,
        catalogue["angular"].pk,
    }


def test_an_exact_sku_mpn_or_upc_names_one_product(catalogue):
    assert product_search(query="brg bb 000091").exact_product_id == catalogue["6204"].pk
    assert product_search(query="nl 6204 2rs 1").exact_product_id == catalogue["6204"].pk
    assert product_search(query="6204 2RS").exact_product_id is None  # inside codes only
    assert product_search(query="ball bearing").exact_product_id is None


def test_the_companys_own_part_number_names_the_product_only_for_that_company(catalogue):
    member = CompanyMemberFactory()
    other = CompanyMemberFactory()
    CustomerPartNumber.objects.create(
        company=member.company, product=catalogue["taper"], part_number="WS-4711"
    )
    outcome = product_search(query="ws 4711", company_id=member.company_id)
    assert outcome.exact_product_id == catalogue["taper"].pk
    assert _ids(outcome)[0] == catalogue["taper"].pk
    stranger = product_search(query="ws 4711", company_id=other.company_id)
    assert stranger.exact_product_id is None and catalogue["taper"].pk not in _ids(stranger)
    assert product_search(query="WS-4711").exact_product_id is None


def test_a_typo_in_a_word_suggests_the_right_word_and_shows_near_matches(catalogue):
    outcome = product_search(query="hydralic")
    assert outcome.suggestion == "hydraulic"
    assert outcome.fuzzy and _ids(outcome) == [catalogue["hose"].pk]


def test_a_typo_in_a_part_number_shows_the_near_part_numbers(catalogue):
    outcome = product_search(query="BRG-BB-000019")  # 000091 with two digits swapped
    assert outcome.fuzzy and outcome.total >= 1
    assert catalogue["6204"].pk in _ids(outcome)
    assert outcome.suggestion.startswith("BRG-BB-")
    assert product_search(query="6204-2RS").fuzzy is False


def test_facets_count_categories_brands_and_stock(catalogue):
    outcome = product_search(query="bearing")
    assert outcome.total == 4  # the spacer ring says "housings", the hose nothing of bearings
    categories = {f.label: (f.count, f.depth) for f in outcome.facets.categories}
    assert categories == {"Bearings": (4, 1)}
    brands = {f.value: f.count for f in outcome.facets.brands}
    assert brands == {"Nordlager": 2, "Veloma": 1, "Ostwerk": 1}
    assert outcome.facets.in_stock == 3  # the 6205 is sold out


def test_filters_narrow_the_results_and_facets_drill_down(catalogue):
    bearings = catalogue["bearings"]
    outcome = product_search(query="bearing", filters=SearchFilters(category_ids=(bearings.pk,)))
    shown = {f.label: (f.count, f.selected) for f in outcome.facets.categories}
    assert shown["Bearings"] == (4, True)
    assert shown["Ball bearings"] == (3, False) and shown["Roller bearings"] == (1, False)
    by_brand = product_search(query="bearing", filters=SearchFilters(brands=("Nordlager",)))
    assert set(_ids(by_brand)) == {catalogue["6204"].pk, catalogue["angular"].pk}
    assert by_brand.total == 2
    # Brands keep their counts when one is chosen, so a second can be added.
    assert {f.value for f in by_brand.facets.brands} == {"Nordlager", "Veloma", "Ostwerk"}
    stocked = product_search(
        query="ball bearing",
        filters=SearchFilters(category_ids=(catalogue["ball"].pk,), in_stock=True),
    )
    assert set(_ids(stocked)) == {catalogue["6204"].pk, catalogue["angular"].pk}
    assert stocked.total == 2 and stocked.products.count() == 2


def test_price_sort_follows_the_buyers_contract_price_not_the_list_price(catalogue):
    member = CompanyMemberFactory()
    contract = PriceList.objects.create(code="contract", name="Contract", company=member.company)
    # The most expensive by list price is the cheapest for this buyer.
    PriceListEntry.objects.create(
        price_list=contract, product=catalogue["angular"], value=Decimal("1.00")
    )
    query = "ball bearing"
    visitor = _ids(product_search(query=query, sort="price"))
    assert visitor == [catalogue["6205"].pk, catalogue["6204"].pk, catalogue["angular"].pk]
    buyer = _ids(product_search(query=query, sort="price", company_id=member.company_id))
    assert buyer == [catalogue["angular"].pk, catalogue["6205"].pk, catalogue["6204"].pk]
    highest = _ids(product_search(query=query, sort="-price", company_id=member.company_id))
    assert highest == buyer[::-1]
    by_name = _ids(product_search(query=query, sort="name"))
    assert by_name == [catalogue["angular"].pk, catalogue["6204"].pk, catalogue["6205"].pk]


def test_price_sort_is_refused_above_the_limit(catalogue, monkeypatch):
    monkeypatch.setattr("shop.search.selectors.PRICE_SORT_LIMIT", 2)
    outcome = product_search(query="ball bearing", sort="price")
    assert outcome.price_sort_refused and outcome.total == 3
    assert PRICE_SORT_LIMIT >= 1000
    assert not product_search(query="ball bearing", sort="bogus").price_sort_refused


def test_autocomplete_offers_code_prefixes_first_then_titles(catalogue):
    member = CompanyMemberFactory()
    CustomerPartNumber.objects.create(
        company=member.company, product=catalogue["6204"], part_number="WS-1"
    )
    found = product_autocomplete(query="6204 2r", company_id=member.company_id)
    assert [s.product_id for s in found][:2] == [catalogue["prefix"].pk, catalogue["6204"].pk]
    assert found[1].sku == "BRG-BB-000091" and found[1].customer_part_number == "WS-1"
    assert found[1].url == catalogue["6204"].get_absolute_url()
    titles = product_autocomplete(query="deep gr", limit=1)
    assert [s.product_id for s in titles] == [catalogue["6204"].pk]
    assert product_autocomplete(query="") == []


def test_an_empty_or_unmatched_query_costs_nothing_and_finds_nothing(catalogue):
    assert product_search(query="   ").total == 0
    outcome = product_search(query="zzzzqqq")
    assert outcome.total == 0 and list(outcome.products) == [] and not outcome.suggestion


def _page_queries(django_assert_num_queries, query, **kwargs) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        outcome = product_search(query=query, **kwargs)
        page = list(outcome.products[:24])
        outcome.products.count()
    return len(ctx.captured_queries), len(page)


@pytest.mark.parametrize("sort", ["relevance", "price", "name"])
def test_a_results_page_costs_the_same_queries_at_two_sizes(
    catalogue, django_assert_num_queries, sort
):
    member = CompanyMemberFactory()
    small, shown = _page_queries(
        django_assert_num_queries, "bearing", company_id=member.company_id, sort=sort
    )
    for n in range(30):
        _product(f"Needle roller bearing {n}", f"NRB-{n:04d}", brand=f"Brand {n % 4}",
                 category=catalogue["roller"])  # fmt: skip
    large, shown_large = _page_queries(
        django_assert_num_queries, "bearing", company_id=member.company_id, sort=sort
    )
    assert (shown, shown_large) == (4, 24)
    assert large == small


def test_submitted_words_match_whole_and_an_unfinished_last_word_as_a_prefix(catalogue):
    seal = _product("Shaft seal 35x52x7", "SEA-SH-000001", category=catalogue["hoses"])
    sealant = _product("Sealant tube 50 ml", "SEA-ST-000002", category=catalogue["hoses"])
    # The results page: a whole word (stemmed), so "seal" is not every word starting "seal".
    assert set(_ids(product_search(query="seal"))) == {seal.pk}
    assert set(_ids(product_search(query="shaft seals"))) == {seal.pk}
    # Nothing matches whole: the last word was not finished ("hose hydr", "seala").
    assert set(_ids(product_search(query="seala"))) == {sealant.pk}
    # The header box is typed into: its last word is always a prefix.
    found = {s.product_id for s in product_autocomplete(query="seal")}
    assert {seal.pk, sealant.pk} <= found


def test_pages_read_with_the_facets_and_pages_beyond_them_rank_alike(catalogue, monkeypatch):
    # PostgreSQL reads the first ranked ids in the facets' statement; later pages ask the
    # ranking query. Both must give one order, also across the boundary.
    from shop.search import facets

    for n in range(7):
        _product(f"Ball bearing spacer {n}", f"BRG-SP-{n:06d}", category=catalogue["ball"])
    for sort in ("relevance", "name"):
        whole = _ids(product_search(query="ball bearing", sort=sort))
        monkeypatch.setattr(facets, "HEAD", 4)
        outcome = product_search(query="ball bearing", sort=sort)
        paged = [p.pk for start in range(0, 12, 3) for p in outcome.products[start : start + 3]]
        monkeypatch.setattr(facets, "HEAD", 120)
        assert len(whole) == outcome.total == 10
        assert paged == whole


def test_a_plain_number_finds_titles_naming_it_as_well_as_codes(catalogue):
    kit = _product("Repair kit for bearing 30205 and 30206", "KIT-RP-000001",
                   category=catalogue["roller"])  # fmt: skip
    ids = _ids(product_search(query="30205"))
    assert catalogue["taper"].pk in ids  # its MPN OW30205
    assert kit.pk in ids  # only its title names the number
    # A code with separators stays a code: its pieces are not searched as words.
    assert _ids(product_search(query="KIT-RP-000001")) == [kit.pk]
