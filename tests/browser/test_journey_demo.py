"""Journeys on the demo exactly as ``migrate`` + ``seed_demo`` build it: no fixture data.

The suite's other journeys make the data they need; these use only the demo's accounts,
catalogue, companies, quotes and pages, as a newcomer meets them after ``make run``:

- the demo buyer finds a pack-size product by search, adds it from its product page and
  checks out to a placed order;
- the demo's publishing editor changes a page in the Wagtail admin and publishes it;
- the account manager sets an offer's validity in the CRM quote desk, sends the offer,
  and the buyer sees that date among their quotes.

Each test gets a freshly seeded database (``demo_portal`` in conftest).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

BUYER = "jonas.weber@rheinland-auto.example"
MANAGER = "anna.berg@partshub.example"
MODERATOR = "maria.moderator@partshub.example"
COMPANY = "Rheinland Auto Service GmbH"


def _password() -> str:
    from shop.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _log_in(page: Page, email: str, next_path: str) -> None:
    page.context.clear_cookies()  # whoever was signed in before is signed out
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(_password())
    # The nav's search form comes first: its button is not the login button.
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))


def _no_script_errors(page: Page) -> None:
    assert page.console_errors == [] and page.page_errors == []


def _no_error(page: Page) -> None:
    expect(page.locator("#messages .alert-danger")).to_have_count(0)
    expect(page.locator("#messages .alert-error")).to_have_count(0)


def _order_quantity(product) -> int:
    """The smallest quantity the rules accept: the minimum, rounded up to whole packs."""
    pack = max(product.pack_size or 1, 1)
    return -(-max(product.min_order_quantity or 1, 1) // pack) * pack


def _pack_product():
    """A demo product sold in packs whose first valid quantity is in stock and affordable.

    Affordable: under the demo buyer's 2,500 per-order limit, so checkout needs no approval.
    """
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    for product in Product.objects.filter(pack_size__gt=1, is_public=True).order_by("pk"):
        record = product.stockrecords.first()
        quantity = _order_quantity(product)
        if (
            record is not None
            and record.price is not None
            and record.num_in_stock is not None
            and record.num_in_stock >= quantity
            and record.price * quantity < 1500
            and quantity % product.pack_size == 0
            and quantity > 1
        ):
            return product, record, quantity
    pytest.fail("seed_demo made no in-stock product sold in packs")


# --- the buyer ----------------------------------------------------------------------------


def test_demo_buyer_searches_adds_a_pack_product_and_places_an_order(page: Page, demo_portal):
    from oscar.core.loading import get_model

    product, record, quantity = _pack_product()
    sku = record.partner_sku
    _log_in(page, BUYER, "/shop/catalogue/")

    # Search by the part number, as a workshop buyer does.
    # The header's one search box: an exact SKU goes straight to its product.
    search = page.locator('form[action="/search/"] input[name="q"]').first
    search.fill(sku)
    search.press("Enter")

    # Product page: the pack rule is stated; the browser accepts a whole number of packs.
    expect(page).to_have_url(re.compile(re.escape(product.get_absolute_url()) + r"$"))
    expect(page.locator("h1")).to_contain_text(product.get_title())
    form = page.locator("#add_to_basket_form")
    form.locator('input[name="quantity"]').fill(str(quantity))
    form.get_by_role("button", name="Add to basket").click()
    # A browser that refuses the quantity ("the two nearest valid values are ...") never
    # submits: the form stays as it is and nothing reaches the basket.
    expect(page.locator("#messages .alert-success")).to_contain_text(product.get_title())
    _no_error(page)

    page.goto("/shop/basket/")
    row = page.locator(f'#basket-lines tr[data-sku="{sku}"]')
    expect(row).to_have_count(1)
    page.get_by_role("link", name="Proceed to checkout").first.click()

    # Shipping address: one of the company's delivery addresses from its address book.
    expect(page).to_have_url(re.compile(r"/shop/checkout/shipping-address/$"))
    book = page.locator("#company_shipping_address")
    book.get_by_label(re.compile(r"Workshop Koeln-Nippes")).check()
    book.get_by_role("button", name="Deliver to this address").click()
    _no_error(page)
    expect(page.locator(".is-invalid, .invalid-feedback, .errorlist")).to_have_count(0)

    # Rheinland pays on account (net 30): no card step, straight to the preview.
    expect(page).to_have_url(re.compile(r"/shop/checkout/(payment-details|preview)/$"))
    if page.url.endswith("/payment-details/"):
        page.locator("#view_preview").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/preview/$"))
    expect(page.locator("body")).to_contain_text(product.get_title())
    page.locator("#place-order").click()

    expect(page).to_have_url(re.compile(r"/shop/checkout/thank-you/$"))
    expect(page.locator("body")).to_contain_text("Your order has been placed")
    Order = get_model("order", "Order")
    order = Order.objects.get(user__email=BUYER)
    assert list(order.lines.values_list("partner_sku", "quantity")) == [(sku, quantity)]
    assert order.company.legal_name == COMPANY
    assert order.shipping_address.country_id == "DE"
    assert "Neusser Strasse 240" in order.shipping_address.summary
    _no_script_errors(page)


# --- the content team ---------------------------------------------------------------------


def test_demo_moderator_publishes_a_page_change(page: Page, demo_portal):
    from cms.models import ContentPage

    about = ContentPage.objects.get(slug="about")
    new_intro = "Open on Saturdays from 8 to 12 for collection orders."
    _log_in(page, MODERATOR, "/cms/")
    expect(page.locator("body")).not_to_contain_text("You do not have permission")

    page.goto(f"/cms/pages/{about.pk}/edit/")
    intro = page.locator('textarea[name="intro"]')
    expect(intro).to_be_visible()
    intro.fill(new_intro)
    publish = page.locator('button[name="action-publish"]')
    if not publish.is_visible():  # Wagtail keeps "Publish" in the save button's menu
        page.locator(
            "footer [data-w-dropdown-target='toggle'], footer .dropdown-toggle"
        ).first.click()
    publish.click()
    expect(page.locator(".messages")).to_contain_text("has been published")

    page.goto("/about/")
    expect(page.locator(".lead")).to_have_text(new_intro)
    about.refresh_from_db()
    assert about.intro == new_intro and not about.has_unpublished_changes
    _no_script_errors(page)


# --- the account manager and the buyer ----------------------------------------------------


def test_demo_offer_validity_reaches_the_buyer(page: Page, demo_portal):
    from django.utils import timezone

    from crm_embedded.quotes.models import Quote

    quote = Quote.objects.get(company__slug="rheinland-auto", state="requested")
    valid_until = timezone.localdate() + timedelta(days=45)
    shown = f"{valid_until.day} {valid_until:%b %Y}"  # the pages' "j M Y"

    _log_in(page, MANAGER, "/crm/quotes/")
    page.get_by_role("link", name=quote.number).first.click()
    expect(page.locator("#quote-state")).to_have_text("New request")
    page.locator("#quote-review").click()
    expect(page.locator("#quote-state")).to_have_text("In review")
    for sku in quote.lines.values_list("sku", flat=True):
        page.get_by_label(f"Percent off list of {sku}", exact=True).fill("5")
    page.locator("#quote-lines-save").click()
    expect(page.locator("#messages .alert-success")).to_contain_text("Lines saved.")

    terms = page.locator("#quote-terms-form")
    terms.get_by_label("Valid until").fill(valid_until.isoformat())
    terms.get_by_label("Terms").fill("Delivery within 10 working days.")
    terms.get_by_role("button", name="Save validity and terms").click()
    _no_error(page)
    # The date survives the round trip: the form shows it again, and saving keeps it.
    expect(page.locator("#quote-terms-form").get_by_label("Valid until")).to_have_value(
        valid_until.isoformat()
    )
    page.locator("#quote-send").click()
    expect(page.locator("#messages .alert-success")).to_contain_text("Offer sent to the buyer.")
    quote.refresh_from_db()
    assert (quote.state, quote.valid_until) == ("offered", valid_until)

    _log_in(page, BUYER, "/shop/quotes/")
    row = page.locator("#quote-list tr").filter(has_text=quote.number)
    expect(row).to_contain_text(shown)
    _no_script_errors(page)
