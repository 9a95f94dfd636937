"""Journey: a buyer adds products sold in packs from their product pages, by clicking the
button with the quantity the page proposes, and finds them in the basket.

The browser checks a number input against its ``min`` and ``step`` before the form is sent:
a page that proposes 50 in steps of 10 counted from 1 never submits ("the two nearest valid
values are 41 and 51"). This journey clicks the real button, so it catches that.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

BUYER_EMAIL = "pia.packs@kessler-antriebe.example"
BUYER_PASSWORD = "Kessler-Packs-4471"
# SKU -> (pack, minimum order, what the page proposes and the basket must hold)
PACK_PRODUCTS = {
    "BRG-PACK-10": (10, 50, 50),
    "BRG-PACK-20": (20, 30, 40),  # a minimum of 30 rounded up to whole packs of 20
}


@pytest.fixture
def pack_catalogue(portal_server) -> dict[str, str]:
    """An active company with a buyer and two products sold in packs; SKU -> product URL."""
    from shop.companies.models import CompanyMember
    from tests.factories import (
        CompanyFactory,
        CompanyMemberFactory,
        ProductFactory,
        UserFactory,
        category_create,
    )

    company = CompanyFactory(legal_name="Kessler Antriebe GmbH", slug="kessler-antriebe")
    CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.BUYER,
        user=UserFactory(email=BUYER_EMAIL, username="pia", password=BUYER_PASSWORD),
    )
    category = category_create("Bearings")
    urls = {}
    for number, (sku, (pack, minimum, _)) in enumerate(PACK_PRODUCTS.items()):
        product = ProductFactory(
            upc=sku,
            title=f"Deep groove ball bearing 62{number:02d}-2RS, packs of {pack}",
            category=category,
            pack_size=pack,
            min_order_quantity=minimum,
            stock__price=Decimal("8.64"),
            stock__num_in_stock=5_000,
        )
        urls[sku] = product.get_absolute_url()
    return urls


def _log_in(page: Page, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(BUYER_EMAIL)
    page.locator('input[name="password"]').fill(BUYER_PASSWORD)
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))


def _basket_quantities() -> dict[str, int]:
    from oscar.core.loading import get_model

    Basket = get_model("basket", "Basket")
    basket = Basket.objects.filter(owner__email=BUYER_EMAIL, status=Basket.OPEN).first()
    if basket is None:
        return {}
    return dict(basket.lines.values_list("stockrecord__partner_sku", "quantity"))


def test_a_buyer_adds_pack_products_from_their_pages(page: Page, pack_catalogue):
    first_sku = next(iter(PACK_PRODUCTS))
    _log_in(page, pack_catalogue[first_sku])
    for sku, (_pack, _minimum, proposed) in PACK_PRODUCTS.items():
        page.goto(pack_catalogue[sku])
        form = page.locator("#add_to_basket_form")
        quantity = form.locator('input[name="quantity"]')
        expect(quantity).to_have_value(str(proposed))
        # What the browser would refuse is what the server would refuse: nothing proposed is.
        assert quantity.evaluate("input => input.validity.valid"), quantity.evaluate(
            "input => input.validationMessage"
        )
        with page.expect_navigation():  # the browser sends the form: it found the quantity valid
            form.locator('button[type="submit"]').click()
        expect(page.locator("#messages .alert-success")).to_be_visible()
        assert _basket_quantities().get(sku) == proposed, _basket_quantities()

    # A quantity off the pack is refused by the browser with its own message; the page stays.
    page.goto(pack_catalogue[first_sku])
    quantity = page.locator('#add_to_basket_form input[name="quantity"]')
    quantity.fill("55")
    assert not quantity.evaluate("input => input.validity.valid")
    assert quantity.evaluate("input => input.validity.stepMismatch")
    quantity.fill("60")
    assert quantity.evaluate("input => input.validity.valid")

    page.goto("/shop/basket/")
    for sku, (pack, _minimum, proposed) in PACK_PRODUCTS.items():
        row = page.locator(f'#basket-lines tr[data-sku="{sku}"]')
        line_quantity = row.locator('input[name$="-quantity"]')
        expect(line_quantity).to_have_value(str(proposed))
        expect(line_quantity).to_have_attribute("step", str(pack))
    assert not page.page_errors, page.page_errors
