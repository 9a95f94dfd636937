"""Journey: a demo buyer's order over their limit goes to the company's approver, who
approves it in a second browser; the order is placed and the buyer sees it. For a card-paying
company the buyer then pays by the emailed link (localstripe's Stripe.js) and the order is placed.
"""

from __future__ import annotations

import copy
import math
import re
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ACTION_TIMEOUT_MS

pytestmark = pytest.mark.browser

BUYER = "jonas.weber@rheinland-auto.example"  # order limit 2,500.00 in the demo
APPROVER = "klaus.fischer@rheinland-auto.example"
NOTE = "For the Bonn workshop refit"
CARD_BUYER = "pablo.ruiz@iberiafleet.example"  # Iberia Fleet pays by card; limit 2,500.00
CARD_APPROVER = "javier.moreno@iberiafleet.example"
RUNNER = Path(__file__).resolve().parents[2] / "config" / "localstripe_server.py"
WEBHOOK_SECRET = "whsec_approval_journey"


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


@pytest.fixture
def localstripe(demo_portal, settings, context):
    """localstripe on loopback, its webhooks to the portal, and the buyer's browser allowed it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, str(RUNNER), "--port", str(port),
         "--webhook", f"{demo_portal.url}/shop/payment/stripe/webhook/",
         "--secret", WEBHOOK_SECRET],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.2)
    settings.STRIPE_SECRET_KEY = "sk_test_approvals"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_approvals"
    settings.STRIPE_API_BASE = url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # CSP_PAYMENT_ORIGINS is read at import: allow localstripe as STRIPE_API_BASE would.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    for directive in ("script-src", "connect-src", "frame-src"):
        policy["DIRECTIVES"][directive] = [*policy["DIRECTIVES"][directive], url]
    settings.CONTENT_SECURITY_POLICY = policy
    context.route(f"{url}/**", lambda route: route.continue_())
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _send_for_approval(page: Page, buyer: str, sku: str, quantity: int, note: str) -> None:
    """The buyer fills the basket by quick order and checks out: a request, not an order."""
    _log_in(page, buyer, "/shop/quick-order/")
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
    expect(page.locator("#approval-needed")).to_contain_text("limit per order of €2,500.00")
    page.get_by_label("Note for your approver").fill(note)
    page.locator("#place-order").click()
    expect(page).to_have_url(re.compile(r"/shop/approvals/\d+/sent/$"))


def test_a_card_companys_approved_order_is_paid_by_the_link_and_placed(
    page: Page, approver_page: Page, localstripe
):
    from django.core import mail
    from oscar.core.loading import get_model

    from shop.approvals.models import ApprovalRequest

    Order = get_model("order", "Order")
    sku, quantity = _line_over_the_limit()
    _send_for_approval(page, CARD_BUYER, sku, quantity, "Fleet service")
    approval = ApprovalRequest.objects.get()

    _log_in(approver_page, CARD_APPROVER, "/shop/approvals/")
    approver_page.locator("#approval-inbox").get_by_role("link", name=f"#{approval.pk}").click()
    approver_page.get_by_role("button", name="Approve and place the order").click()
    expect(approver_page.locator("#messages")).to_contain_text("emailed a link to pay by card")
    assert not Order.objects.exists()
    link = next(m for m in mail.outbox if m.to == [CARD_BUYER] and "pay by card" in m.subject)
    path = urlsplit(re.search(r"https?://\S+/pay/", link.body).group(0)).path

    # The buyer follows the emailed link and pays with the test card.
    page.goto(path)
    expect(page.locator("#approval-lines")).to_contain_text(sku)
    expect(page.locator("#card-unavailable")).to_be_hidden()
    field = page.locator("#card-element")
    expect(field.locator('input[placeholder="number"]')).to_be_visible()
    for placeholder, value in (("number", "4242424242424242"), ("exp_month", "12"),
                               ("exp_year", "30"), ("cvc", "123"), ("postal_code", "28906")):  # fmt: skip
        field.locator(f'input[placeholder="{placeholder}"]').press_sequentially(value)
    page.locator("#place-order").click()
    expect(page).to_have_url(re.compile(r"/shop/accounts/orders/\d+/$"), timeout=15_000)
    expect(page.locator("#messages")).to_contain_text("Paid: order")
    order = Order.objects.get()
    assert order.user.email == CARD_BUYER and order.lines.get().quantity == quantity
    source = order.sources.get()
    assert source.source_type.name == "Card (Stripe)"
    assert source.amount_debited == order.total_incl_tax == approval.total
    page.goto(f"/shop/approvals/{approval.pk}/")
    expect(page.locator("#approval-status")).to_have_text("Approved")
    assert page.page_errors == []


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
    expect(page.locator("#approval-needed")).to_contain_text("limit per order of €2,500.00")
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
