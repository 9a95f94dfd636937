"""Journey: a demo buyer pays on account with the PO number their company requires, and finds
the order's debit on the company statement."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

BUYER = "jonas.weber@rheinland-auto.example"  # Rheinland Auto: on account, 30 days
PO = "PO-2026/4711"


def _log_in(page: Page, email: str, next_path: str) -> None:
    from shop.demo import DEMO_PASSWORD

    page.goto(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))


def _small_line() -> tuple[str, int]:
    """A stocked demo SKU at its smallest orderable quantity, well under the buyer's limits."""
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    for record in StockRecord.objects.select_related("product").order_by("price", "id"):
        product = record.product
        if not record.price:
            continue
        pack = max(product.pack_size or 1, 1)
        quantity = math.ceil(max(product.min_order_quantity or 1, 1) / pack) * pack
        if quantity <= record.num_in_stock and record.price * quantity < Decimal("500"):
            return record.partner_sku, quantity
    pytest.fail("no cheap stocked demo product")


def test_buyer_pays_on_account_with_a_po_number_and_sees_the_debit(page: Page, demo_portal):
    from oscar.core.loading import get_model

    from shop.companies.models import Company
    from shop.credit.models import CreditAccount, LedgerEntry

    Order = get_model("order", "Order")
    company = Company.objects.get(slug="rheinland-auto")
    CreditAccount.objects.update_or_create(company=company, defaults={"po_number_required": True})
    sku, quantity = _small_line()

    _log_in(page, BUYER, "/shop/quick-order/")
    form = page.locator("#quick-order-form")
    form.locator('textarea[name="lines"]').fill(f"{sku} {quantity}")
    form.get_by_role("button", name="Check lines").click()
    page.locator("#quick-order-add").click()
    expect(page).to_have_url(re.compile(r"/shop/basket/$"))
    page.get_by_role("link", name="Proceed to checkout").click()
    page.locator("#ship-to-company-address").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/payment-details/$"))

    # The company requires a PO number: without one the step says so.
    page.locator("#view_preview").click()
    expect(page.locator("body")).to_contain_text("requires a purchase order number")
    page.get_by_label("Your purchase order number").fill(PO)
    page.locator("#view_preview").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/preview/$"))
    page.locator("#place-order").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/thank-you/$"))
    order = Order.objects.get()
    expect(page.locator("body")).to_contain_text(order.number)
    expect(page.locator("body")).to_contain_text(PO)
    entry = LedgerEntry.objects.get()
    assert (entry.order, entry.amount) == (order, order.total_incl_tax)

    # The company statement lists the order as an open item, due in 30 days.
    page.goto("/shop/company/")
    page.locator("#company-statement-link").click()
    expect(page).to_have_url(re.compile(r"/shop/company/statement/$"))
    expect(page.locator("#credit-open-items")).to_contain_text(order.number)
    expect(page.locator("#credit-balance")).not_to_have_text("€0.00")
