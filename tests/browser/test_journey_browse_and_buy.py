"""Journey: a visitor browses from the home page to a product, signs in as a demo buyer,
adds the product to the basket and finds it there."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DEMO_PRODUCT_COUNT = 60


@dataclass
class Buyer:
    email: str
    password: str


def _seed_command_available() -> bool:
    from django.core.management import get_commands

    return "seed_demo" in get_commands()


def _seeded_buyer() -> Buyer:
    """The first demo company member with the buyer role, as ``seed_demo`` creates them."""
    from shop import demo as shop_demo
    from shop.companies.models import CompanyMember

    for company in shop_demo.COMPANIES:
        for member in company["members"]:
            if member.role == CompanyMember.Role.BUYER:
                return Buyer(email=member.email, password=shop_demo.DEMO_PASSWORD)
    pytest.fail("shop.demo.COMPANIES has no member with the buyer role")


def _minimal_catalogue() -> Buyer:
    """Stand-in for ``seed_demo``: a home page, one category, one product, one buyer."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model
    from wagtail.models import Page as WagtailPage
    from wagtail.models import Site

    from cms.models import HomePage

    Category = get_model("catalogue", "Category")
    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    ProductCategory = get_model("catalogue", "ProductCategory")
    Partner = get_model("partner", "Partner")
    StockRecord = get_model("partner", "StockRecord")

    root = WagtailPage.get_first_root_node()
    home = root.add_child(
        instance=HomePage(
            title="Home",
            slug="portal-home",
            body=[
                {"type": "hero", "value": {"heading": "Parts for business"}},
                {"type": "category_tiles", "value": {"heading": "", "categories": []}},
            ],
        )
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()

    category = Category.add_root(name="Fasteners", is_public=True)
    product_class = ProductClass.objects.create(name="Parts", track_stock=True)
    partner = Partner.objects.create(name="PartsHub Warehouse")
    product = Product.objects.create(
        product_class=product_class, title="Hex bolt M8 x 40, zinc plated", is_public=True
    )
    ProductCategory.objects.create(product=product, category=category)
    StockRecord.objects.create(
        product=product,
        partner=partner,
        partner_sku="HB-M8-40",
        price=Decimal("12.50"),
        num_in_stock=500,
    )

    buyer = Buyer(email="buyer@example.com", password="demo-pass-4821")
    user = get_user_model().objects.create_user(
        username="buyer", email=buyer.email, password=buyer.password
    )
    EmailAddress.objects.create(user=user, email=buyer.email, verified=True, primary=True)
    return buyer


@pytest.fixture
def demo_buyer(portal_server) -> Buyer:
    """Demo data in the live server's database, and the buyer who signs in."""
    if _seed_command_available():
        from django.core.management import call_command

        call_command("seed_demo", products=DEMO_PRODUCT_COUNT, verbosity=0)
        return _seeded_buyer()
    return _minimal_catalogue()


def _pick_category_and_product():
    """A top-level category shown on the home page, and a purchasable product listed in it."""
    from oscar.core.loading import get_class

    from shop import selectors

    Selector = get_class("partner.strategy", "Selector")
    strategy = Selector().strategy()
    fallback = None
    for category in selectors.category_top_level():
        for product in selectors.products_in_category(category=category)[:24]:
            if product.is_parent or product.options.filter(required=True).exists():
                continue
            info = strategy.fetch_for_product(product)
            if not (info.availability.is_available_to_buy and info.price.exists):
                continue
            # This journey is not about pack rules: prefer a product sold by the unit.
            if _order_quantity(product) == 1:
                return category, product
            fallback = fallback or (category, product)
    if fallback:
        return fallback
    pytest.fail("demo data has no top-level category with a purchasable product on page 1")


def _order_quantity(product) -> int:
    """The smallest quantity the B2B rules accept: at least the minimum, a whole number of packs."""
    pack = max(getattr(product, "pack_size", 1) or 1, 1)
    minimum = max(getattr(product, "min_order_quantity", 1) or 1, 1)
    return -(-minimum // pack) * pack


def test_visitor_browses_signs_in_and_adds_to_basket(page: Page, portal_server, demo_buyer):
    category, product = _pick_category_and_product()
    product_url = product.get_absolute_url()

    # Home page: the editor's hero, then "Shop by category".
    page.goto("/")
    categories = page.locator("#home-categories")
    expect(categories.get_by_role("heading", name="Shop by category")).to_be_visible()
    categories.get_by_role("link", name=category.name, exact=True).click()

    # Category page: products listed.
    expect(page).to_have_url(re.compile(re.escape(category.get_absolute_url()) + r"$"))
    expect(page.locator("h1")).to_contain_text(category.name)
    listing = page.locator(".product-list")
    expect(listing.locator("li").first).to_be_visible()
    listing.locator(f'a[href="{product_url}"]').last.click()

    # Product page, anonymous: title shown, an invitation to log in.
    expect(page).to_have_url(re.compile(re.escape(product_url) + r"$"))
    expect(page.locator("h1")).to_contain_text(product.title)

    # Sign in as the demo buyer (allauth, by email); "next" brings us back to the product.
    page.locator("#login_link").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    form = page.locator("form").filter(has=page.locator('input[name="login"]'))
    form.locator('input[name="login"]').fill(demo_buyer.email)
    form.locator('input[name="password"]').fill(demo_buyer.password)
    form.locator('button[type="submit"], input[type="submit"]').first.click()
    expect(page.locator("#nav_account")).to_contain_text(demo_buyer.email)
    expect(page.locator("#logout_link")).to_be_visible()
    if not page.url.endswith(product_url):
        page.goto(product_url)
    expect(page.locator("h1")).to_contain_text(product.title)

    # Add to basket.
    add_form = page.locator("#add_to_basket_form")
    quantity = add_form.locator('input[name="quantity"]')
    if quantity.count() and quantity.is_visible():
        quantity.fill(str(_order_quantity(product)))
    add_form.locator('button[type="submit"]').click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()

    # Basket page lists the product.
    page.goto("/shop/basket/")
    expect(page.locator("#basket_formset")).to_contain_text(product.title)
    expect(page.locator("#nav_account")).to_contain_text(demo_buyer.email)

    # The basket is the buyer's, in the database too.
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    Basket = get_model("basket", "Basket")
    user = get_user_model().objects.get(email__iexact=demo_buyer.email)
    basket = Basket.objects.filter(owner=user, status=Basket.OPEN).get()
    assert list(basket.lines.values_list("product_id", flat=True)) == [product.pk]

    assert page.page_errors == [], f"uncaught JavaScript errors: {page.page_errors}"
    assert page.console_errors == [], f"console errors: {page.console_errors}"
