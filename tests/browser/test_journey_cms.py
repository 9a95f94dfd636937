"""The content journey on the demo (``migrate`` + ``seed_demo``): an editor builds a landing
page with a product carousel and a banner for one company, previews and submits it; the
moderator publishes it from another browser; that company's buyer sees the banner and their
contract price on it, and a visitor sees neither."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journey_demo import _log_in, _no_script_errors

pytestmark = pytest.mark.browser

EDITOR = "eddie.editor@partshub.example"
MODERATOR = "maria.moderator@partshub.example"
BUYER = "jonas.weber@rheinland-auto.example"
COMPANY_SLUG = "rheinland-auto"
SLUG = "brake-week"
BANNER = "Rheinland: brake week at your contract prices"


def _contract_product():
    """A demo brake part whose Rheinland contract price differs from its list price."""
    from oscar.core.loading import get_model

    from shop.companies.models import Company
    from shop.pricing.selectors import price_for_sku

    company = Company.objects.get(slug=COMPANY_SLUG)
    Product = get_model("catalogue", "Product")
    for product in Product.objects.filter(categories__name="Brake parts", is_public=True):
        record = product.stockrecords.first()
        if record is None or record.price is None:
            continue
        price = price_for_sku(company=company, sku=record.partner_sku, quantity=1)
        if price and price.source == "contract" and price.unit_price < price.list_price:
            return company, product, price
    raise AssertionError("the demo has no Rheinland contract price on a brake part")


def _more_actions(page: Page, name: str) -> None:
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=name).click()


def test_editor_builds_a_targeted_landing_page_moderator_publishes_buyer_sees_it(
    page: Page, demo_portal, browser
):
    from wagtail.models import Site

    from cms.models import LandingPage

    company, product, price = _contract_product()
    contract = f"{price.unit_price:.2f}"
    home = Site.objects.get(is_default_site=True).root_page

    _log_in(page, EDITOR, "/cms/")
    # --- the editor: a banner for Rheinland only, linking to the new page ----------------
    page.goto("/cms/snippets/cms_promotions/banner/add/")
    page.locator('input[name="title"]').fill(BANNER)
    page.locator('textarea[name="text"]').fill("18% off brake pads and discs this week.")
    page.locator('input[name="cta_label"]').fill("See the offers")
    page.locator('input[name="link_url"]').fill(f"/{SLUG}/")
    page.locator('select[name="audience"]').select_option("companies")
    page.get_by_label(re.compile("Rheinland")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("created")

    # --- the editor: a landing page with a product carousel, saved as a draft --------------
    page.goto(f"/cms/pages/add/cms/landingpage/{home.pk}/")
    page.locator("#id_title").fill("Brake week for workshops")
    page.get_by_title("Insert a block").click()
    page.get_by_role("option", name=re.compile("Product carousel")).click()
    page.locator('input[name="body-0-value-heading"]').fill("Brake parts at your price")
    # A new carousel has no product entry: the editor adds one, then chooses its product.
    products = page.locator('[data-contentpath="products"]')
    products.locator("button[data-streamfield-list-add]").first.click()
    page.get_by_role("button", name="Choose a product").click()
    modal = page.locator(".modal-dialog")
    modal.locator('input[name="q"]').fill(product.title)
    modal.locator("a", has_text=product.title).first.click()
    expect(modal).to_have_count(0)
    page.get_by_role("tab", name="Promote").click()
    page.locator("#id_slug").fill(SLUG)
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(r"/cms/pages/\d+/edit/$"))
    landing = LandingPage.objects.get(slug=SLUG)
    assert not landing.live

    # Preview in Wagtail's panel, as Rheinland (banner and contract price), then as a visitor.
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("iframe[title]").first
    expect(preview.locator("body")).to_contain_text(product.title)
    modes = page.locator('select[name="preview_mode"]')
    modes.select_option(label=f"As company: {company}")
    expect(preview.locator(".promotion-banner")).to_contain_text(BANNER)
    expect(preview.locator("body")).to_contain_text(contract)
    modes.select_option(label="As a visitor (not signed in)")
    expect(preview.locator("body")).not_to_contain_text(BANNER)
    expect(preview.locator("body")).to_contain_text(product.title)
    expect(preview.locator("body")).not_to_contain_text(contract)

    # Submit for moderation (Wagtail's default workflow, "Moderators approval").
    _more_actions(page, "Submit to Moderators approval")
    expect(page.locator(".messages")).to_contain_text("submitted")

    # The unpublished page is not on the site yet.
    page.context.clear_cookies()
    assert page.goto(f"/{SLUG}/").status == 404

    # --- the moderator, in a browser of her own, approves and publishes ------------------
    moderator_context = browser.new_context(base_url=demo_portal.url)
    try:
        moderator = moderator_context.new_page()
        _log_in(moderator, MODERATOR, "/cms/")
        moderator.goto(f"/cms/pages/{landing.pk}/edit/")
        _more_actions(moderator, "Approve and Publish")
        expect(moderator.locator(".messages")).to_contain_text("Brake week for workshops")
    finally:
        moderator_context.close()
    landing.refresh_from_db()
    assert landing.live and not landing.has_unpublished_changes

    # --- Rheinland's buyer: the banner, and the contract price in the carousel -----------
    _log_in(page, BUYER, f"/{SLUG}/")
    banner = page.locator(".promotion-banner")
    expect(banner).to_contain_text(BANNER)
    expect(banner.get_by_role("link", name="See the offers")).to_have_attribute("href", f"/{SLUG}/")
    expect(page.locator("#content_inner, main").first).to_contain_text(product.title)
    expect(page.locator("body")).to_contain_text(contract)
    page.goto("/shop/catalogue/")  # the banner follows the buyer into the shop
    expect(page.locator(".promotion-banner")).to_contain_text(BANNER)

    # --- a visitor: neither the banner nor the contract price ----------------------------
    page.context.clear_cookies()
    page.goto(f"/{SLUG}/")
    expect(page.locator("body")).to_contain_text(product.title)
    expect(page.locator("body")).not_to_contain_text(BANNER)
    # (the demo's banner for visitors may show instead: it asks them to sign in)
    assert contract not in page.locator("body").inner_text()
    _no_script_errors(page)
