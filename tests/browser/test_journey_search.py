"""Journey: the demo buyer finds parts by typing codes and words, as a workshop buyer does.

On the demo exactly as ``migrate`` + ``seed_demo`` build it (with enough products for the
catalogue's 6204-2RS bearings), jonas.weber of Rheinland Auto Service:

- types "6204 2rs" in the header box, sees suggestions (SKU and title), picks one with the
  arrow keys and Enter and lands on that product;
- searches words, opens the full product search, ticks a brand facet and sorts by his
  (contract) price;
- types an exact SKU, and one of his company's own part numbers, and goes straight to the
  product;
- mistypes a word and is offered "Did you mean".
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

BUYER = "jonas.weber@rheinland-auto.example"
# The demo's first 6204-2RS bearing is its 91st product (shop.demo.product_specs).
SEARCH_DEMO_PRODUCTS = 160
AUTOCOMPLETE_PATH = "/shop/search/autocomplete/"


@pytest.fixture
def search_demo(portal_server, django_db_blocker):
    """The live server on ``migrate`` + ``seed_demo`` (its search index included), nothing more."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("seed_demo", products=SEARCH_DEMO_PRODUCTS, verbosity=0)
    return portal_server


def _log_in(page: Page, email: str, next_path: str) -> None:
    from shop.demo import DEMO_PASSWORD

    page.goto(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    # The nav's search form comes first: its button is not the login button.
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))
    page.wait_for_load_state("load")  # the header box's script is deferred


def _product_url(sku: str) -> str:
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    return (
        StockRecord.objects.select_related("product")
        .get(partner_sku=sku)
        .product.get_absolute_url()
    )


def _money(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.]", "", text.split("excl.")[0].replace(",", "")))


def test_demo_buyer_finds_parts_by_code_words_facets_and_price(page: Page, search_demo):
    asked = []
    page.on(
        "request",
        lambda request: asked.append(request.url) if AUTOCOMPLETE_PATH in request.url else None,
    )
    _log_in(page, BUYER, "/")
    box = page.locator("#id_q")
    listbox = page.locator("#search-suggestions")

    # --- 1. Suggestions while typing; the keyboard picks one --------------------------------
    box.click()
    box.press_sequentially("6204 2rs", delay=30)  # faster than the 150 ms debounce
    options = listbox.get_by_role("option")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(options.first).to_contain_text("6204-2RS")
    assert options.count() >= 2
    assert len(asked) <= 2, f"debounced typing asked {len(asked)} times: {asked}"
    for index in range(options.count()):
        expect(options.nth(index).locator(".suggestion-sku")).to_have_text(re.compile(r"\w+-"))
    expect(page.locator("#search-suggestions-status")).to_contain_text("suggestions")

    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("ArrowUp")  # the second suggestion
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(options.first).to_have_attribute("aria-selected", "false")
    expect(box).to_have_attribute("aria-activedescendant", "search-suggestions-1")
    sku = second.locator(".suggestion-sku").inner_text().strip()

    # Escape closes the list and keeps what was typed; ArrowDown opens it again.
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("6204 2rs")
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")  # first, then the second again
    expect(second).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(_product_url(sku)) + r"$"))
    expect(page.locator("h1")).to_contain_text("6204-2RS")

    # --- 2. Words, then the full product search with a facet and the price sort --------------
    box = page.locator("#id_q")
    box.fill("bearing")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=bearing$"))
    expect(page.locator("#search-products .search-product").first).to_be_visible()
    page.locator("#search-all-products").click()
    expect(page).to_have_url(re.compile(r"/shop/search/\?q=bearing$"))
    cards = page.locator(".product-list .product_pod")
    expect(cards.first).to_be_visible()
    # At 1280 px four cards a row: the price and its tax line fit (the tax was cut off).
    page.set_viewport_size({"width": 1280, "height": 900})
    overflow = page.locator(".product-list .product_pod .price_color").evaluate_all(
        "lines => lines.filter(l => l.scrollWidth > l.clientWidth).map(l => l.innerText)"
    )
    assert overflow == [], overflow

    brands = page.locator("#facet-brands .form-check")
    expect(brands.first).to_be_visible()
    counts = [
        re.match(r"(.+?) \((\d+)\)", label.strip()).groups()
        for label in brands.locator("label").all_inner_texts()
    ]
    brand, count = max(counts, key=lambda pair: int(pair[1]))  # the brand with most matches
    assert int(count) >= 2, counts
    page.locator("#facet-brands").get_by_label(brand).check()  # applies at once (autosubmit)
    expect(page).to_have_url(re.compile(r"brand=" + re.escape(brand).replace(r"\ ", r"\+")))
    expect(page.locator("#facet-brands input:checked")).to_have_count(1)
    expect(page.locator(".result-count")).to_contain_text(f"Found {count} product")

    # The scripts (autosubmit, suggestions) listen once the new page has loaded: a change
    # made while it still parses goes unheard.
    page.wait_for_load_state("load")
    page.locator("#search-sort-select").select_option("price")
    expect(page).to_have_url(re.compile(r"sort=price"))
    expect(page.locator("#search-sort-select")).to_have_value("price")
    expect(page.locator("#search-price-sort-refused")).to_have_count(0)
    prices = [
        _money(text)
        for text in page.locator(".product-list .product_pod .price_color").all_inner_texts()
        if any(char.isdigit() for char in text)
    ]
    assert len(prices) >= 2 and prices == sorted(prices), prices
    expect(cards).to_have_count(int(count))

    # --- 3. An exact SKU and the company's own part number go straight to the product --------
    box = page.locator("#id_q")
    box.fill("BRG-BB-000091")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(_product_url("BRG-BB-000091")) + r"$"))

    page.wait_for_load_state("load")
    box = page.locator("#id_q")
    box.fill("ras fil 0815")  # Rheinland's number for our AUT-FL-000015
    expect(listbox.locator(".suggestion-part-number").first).to_contain_text("RAS-FIL-0815")
    box.press("Enter")  # no suggestion highlighted: the box searches
    expect(page).to_have_url(re.compile(re.escape(_product_url("AUT-FL-000015")) + r"$"))

    # --- 4. A typo gets "Did you mean" ------------------------------------------------------
    box = page.locator("#id_q")
    box.fill("bearnig")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=bearnig$"))
    offer = page.locator("#site-search-suggestion a")
    expect(offer).to_be_visible()
    suggestion = offer.inner_text().strip()
    assert "bearing" in suggestion.lower()
    page.goto("/shop/search/?q=bearnig")
    expect(page.locator("#search-suggestion")).to_contain_text("Did you mean")
    page.locator("#search-suggestion a").click()
    expect(page.locator(".product-list .product_pod").first).to_be_visible()
    assert page.console_errors == [] and page.page_errors == []
