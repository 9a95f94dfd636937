"""Journey: a demo buyer's order over their limit goes to the company's approver, who
approves it in a second browser; the order is placed and the buyer sees it."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ACTION_TIMEOUT_MS

pytestmark = pytest.mark.browser

BUYER = "jonas.weber@rheinland-auto.example"  # order limit 2,500.00 in the demo
APPROVER = "klaus.fischer@rheinland-auto.example"
NOTE = "For the Bonn workshop refit"


@pytest.fixture
def approver_page(browser, demo_portal):
    """The approver's browser: a second context, third-party requests blocked."""
    ctx = browser.new_context(
        base_url=demo_portal.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    ctx.set_default_timeout(ACTION_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    local = urlsplit(demo_portal.url).netloc
    ctx.route(
        lambda url: urlsplit(url).scheme in {"http", "https"} and urlsplit(url).netloc != local,
        lambda route: route.abort("blockedbyclient"),
    )
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def _log_in(page: Page, email: str, next_path: str) -> None:
    from shop.demo import DEMO_PASSWORD

    page.goto(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))


def _line_over_the_limit() -> tuple[str, int]:
    """A stocked demo SKU and a quantity whose list price total is well over 2,500."""
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    for record in StockRecord.objects.select_related("product").order_by("id"):
        product = record.product
        if not record.price:
            continue
        pack = max(product.pack_size or 1, 1)
        quantity = max(math.ceil(Decimal("6000") / record.price), product.min_order_quantity or 1)
        quantity = math.ceil(quantity / pack) * pack
        if quantity <= record.num_in_stock:
            return record.partner_sku, quantity
    pytest.fail("no demo product has stock for an order over the limit")


def test_an_order_over_the_limit_is_approved_and_placed(page: Page, approver_page: Page):
    from oscar.core.loading import get_model

    from shop.approvals.models import ApprovalRequest

    Order = get_model("order", "Order")
    sku, quantity = _line_over_the_limit()

    # 1. The buyer fills the basket by quick order and checks out.
    _log_in(page, BUYER, "/shop/quick-order/")
    form = page.locator("#quick-order-form")
    form.locator('textarea[name="lines"]').fill(f"{sku} {quantity}")
    form.get_by_role("button", name="Check lines").click()
    page.locator("#quick-order-add").click()
    expect(page).to_have_url(re.compile(r"/shop/basket/$"))
    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/shipping-address/$"))
    page.locator("#ship-to-company-address").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/payment-details/$"))
    page.locator("#view_preview").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/preview/$"))
    expect(page.locator("#approval-needed")).to_contain_text("limit per order of 2,500.00 EUR")
    page.get_by_label("Note for your approver").fill(NOTE)
    page.locator("#place-order").click()

    # 2. Not an order: a request, sent for approval.
    expect(page).to_have_url(re.compile(r"/shop/approvals/\d+/sent/$"))
    expect(page.locator("h1")).to_contain_text("Sent for approval")
    expect(page.locator("#approval-lines")).to_contain_text(sku)
    assert not Order.objects.exists()
    approval = ApprovalRequest.objects.get()

    # 3. The approver, in a second browser, finds it in the inbox and approves it.
    _log_in(approver_page, APPROVER, "/shop/approvals/")
    inbox = approver_page.locator("#approval-inbox")
    inbox.get_by_role("link", name=f"#{approval.pk}").click()
    expect(approver_page.locator("#approval-note")).to_have_text(NOTE)
    approver_page.get_by_role("button", name="Approve and place the order").click()
    expect(approver_page).to_have_url(re.compile(r"/shop/approvals/$"))
    expect(approver_page.locator("#messages")).to_contain_text("Approved: order")
    order = Order.objects.get()
    assert order.user.email == BUYER and order.lines.get().quantity == quantity

    # 4. The buyer sees the request approved and the order placed.
    page.goto(f"/shop/approvals/{approval.pk}/")
    expect(page.locator("#approval-status")).to_have_text("Approved")
    page.locator("#approval-order a").click()
    expect(page).to_have_url(re.compile(rf"/shop/accounts/orders/{order.number}/$"))
    expect(page.locator("body")).to_contain_text(sku)
