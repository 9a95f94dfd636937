"""Card payment in the browser, on the demo: the card-paying buyer types a test card into
the Stripe.js card field (localstripe's mock of it, with the shim from
config/localstripe_server.py) and places the order; a 3-D Secure card goes through the bank's
dialog; a declined card keeps the basket and says why.

localstripe runs as the runner `make run` starts, on a free loopback port, with its signed
webhooks pointed at the live server, exactly as a newcomer meets it.
"""

from __future__ import annotations

import copy
import re
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

BUYER = "pablo.ruiz@iberiafleet.example"  # Iberia Fleet pays by card
RUNNER = Path(__file__).resolve().parents[2] / "config" / "localstripe_server.py"
WEBHOOK_SECRET = "whsec_browser_journey"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def card_portal(demo_portal, settings, context):
    """The demo with card payment on: localstripe beside it, its webhooks to the portal."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            str(RUNNER),
            "--port",
            str(port),
            "--webhook",
            f"{demo_portal.url}/shop/payment/stripe/webhook/",
            "--secret",
            WEBHOOK_SECRET,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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
    settings.STRIPE_SECRET_KEY = "sk_test_browser"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_browser"
    settings.STRIPE_API_BASE = url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # CSP_PAYMENT_ORIGINS is read into the policy at import: allow localstripe as the
    # settings would with STRIPE_API_BASE in the environment.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    for directive in ("script-src", "connect-src", "frame-src"):
        policy["DIRECTIVES"][directive] = [*policy["DIRECTIVES"][directive], url]
    settings.CONTENT_SECURITY_POLICY = policy
    # The journeys block every other host; Stripe (localstripe) is the payment page's peer.
    context.route(f"{url}/**", lambda route: route.continue_())
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _password() -> str:
    from shop.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _product():
    """A demo product whose smallest valid quantity is in stock."""
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    for product in Product.objects.filter(is_public=True).order_by("pk"):
        record = product.stockrecords.first()
        pack = max(product.pack_size or 1, 1)
        quantity = -(-max(product.min_order_quantity or 1, 1) // pack) * pack
        if record and record.price and (record.num_in_stock or 0) >= quantity:
            return product, quantity
    pytest.fail("seed_demo made no product in stock")


def _to_card_field(page: Page) -> None:
    """Pablo logs in, adds a product and checks out to the preview with its card field."""
    product, quantity = _product()
    page.goto(f"/accounts/login/?next={product.get_absolute_url()}")
    page.locator('input[name="login"]').fill(BUYER)
    page.locator('input[name="password"]').fill(_password())
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(product.get_absolute_url()) + r"$"))
    form = page.locator("#add_to_basket_form")
    form.locator('input[name="quantity"]').fill(str(quantity))
    form.get_by_role("button", name="Add to basket").click()
    expect(page.locator("#messages .alert-success")).to_contain_text(product.get_title())

    page.goto("/shop/basket/")
    page.get_by_role("link", name="Proceed to checkout").first.click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/shipping-address/$"))
    book = page.locator("#company_shipping_address")
    book.get_by_label(re.compile(r"Depot Getafe")).check()
    book.get_by_role("button", name="Deliver to this address").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/(payment-details|preview)/$"))
    if page.url.endswith("/payment-details/"):
        page.locator('input[name="purchase_order_number"]').fill("PO-CARD-1")
        page.locator("#view_preview").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/preview/$"))
    expect(page.locator("#card-payment h3")).to_have_text("Pay by card")
    expect(page.locator("#card-unavailable")).to_be_hidden()


def _type_card(page: Page, number: str) -> None:
    """Type into localstripe's card field as a buyer would (its inputs are plain text)."""
    field = page.locator("#card-element")
    expect(field.locator('input[placeholder="number"]')).to_be_visible()
    for placeholder, value in (
        ("number", number),
        ("exp_month", "12"),
        ("exp_year", "30"),
        ("cvc", "123"),
        ("postal_code", "28906"),
    ):
        field.locator(f'input[placeholder="{placeholder}"]').press_sequentially(value)


def _paid_order():
    from oscar.core.loading import get_model

    Order = get_model("order", "Order")
    order = Order.objects.get(user__email=BUYER)
    source = order.sources.get()
    return order, source


def _thank_you(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/shop/checkout/thank-you/$"), timeout=15_000)
    expect(page.locator("body")).to_contain_text("Your order has been placed")
    order, source = _paid_order()
    expect(page.locator("body")).to_contain_text(order.number)
    expect(page.locator("#order-payment")).to_contain_text("Paid by card: €")
    expect(page.locator("#order-payment")).to_contain_text(f"Stripe payment {source.reference}")
    assert source.source_type.name == "Card (Stripe)"
    assert source.amount_debited == source.amount_allocated == order.total_incl_tax > Decimal(0)
    assert order.status == "Placed" and order.purchase_order_number == "PO-CARD-1"


def _settled_once(order) -> None:
    """Stripe's succeeded webhook reaches the portal (a second later) and adds nothing."""
    from shop.payment.models import StripeEvent, UnmatchedPayment

    deadline = time.monotonic() + 10
    while not StripeEvent.objects.filter(type="payment_intent.succeeded").exists():
        assert time.monotonic() < deadline, "localstripe's webhook never arrived"
        time.sleep(0.2)
    assert not UnmatchedPayment.objects.filter(resolved_at__isnull=True).exists()
    assert order.payment_events.count() == 1


def _no_script_errors(page: Page) -> None:
    assert page.console_errors == [] and page.page_errors == []


def test_card_buyer_pays_with_4242_and_reaches_the_order(page: Page, card_portal):
    _to_card_field(page)
    _type_card(page, "4242424242424242")
    page.locator("#place-order").click()
    _thank_you(page)
    order, _source = _paid_order()
    _settled_once(order)
    _no_script_errors(page)


def test_a_3d_secure_card_is_confirmed_in_the_banks_dialog(page: Page, card_portal):
    from oscar.core.loading import get_model

    _to_card_field(page)
    _type_card(page, "4000002500003155")
    # The buyer first fails the bank's check: told so, nothing placed, free to try again.
    page.locator("#place-order").click()
    page.get_by_role("button", name="Fail authentication").click()
    expect(page.locator("#card-errors")).to_contain_text("failed authentication")
    assert not get_model("order", "Order").objects.exists()
    page.locator("#place-order").click()
    page.get_by_role("button", name="Complete authentication").click()
    _thank_you(page)
    _no_script_errors(page)


def test_a_declined_card_keeps_the_basket_and_says_why(page: Page, card_portal):
    from oscar.core.loading import get_model

    _to_card_field(page)
    _type_card(page, "4000000000000002")
    page.locator("#place-order").click()
    expect(page.locator("#card-errors")).to_have_text("Your card was declined.")
    expect(page).to_have_url(re.compile(r"/shop/checkout/preview/$"))
    expect(page.locator("#place-order")).to_be_enabled()
    # Not "Submitting..." any more: the button reads as before the click.
    expect(page.locator("#place-order")).to_have_text("Place order")
    expect(page.locator("#place-order")).not_to_have_class(re.compile(r"\bdisabled\b"))
    assert not get_model("order", "Order").objects.exists()
    basket = get_model("basket", "Basket").objects.get(owner__email=BUYER, status="Open")
    assert basket.num_lines == 1
    # Another card on the same page then goes through.
    page.locator('#card-element input[placeholder="number"]').fill("")
    page.locator('#card-element input[placeholder="number"]').press_sequentially("4242424242424242")
    page.locator("#place-order").click()
    _thank_you(page)


def test_an_on_account_buyer_over_the_credit_limit_pays_this_order_by_card(page: Page, card_portal):
    """Credit refuses the order; "Pay this order by card instead" takes it by card."""
    from oscar.core.loading import get_model

    from shop.companies.models import Company

    Company.objects.filter(slug="rheinland-auto").update(credit_limit=Decimal("1.00"))
    buyer = "jonas.weber@rheinland-auto.example"
    product, quantity = _product()
    page.goto(f"/accounts/login/?next={product.get_absolute_url()}")
    page.locator('input[name="login"]').fill(buyer)
    page.locator('input[name="password"]').fill(_password())
    page.locator("form button[type=submit] >> nth=-1").click()
    form = page.locator("#add_to_basket_form")
    form.locator('input[name="quantity"]').fill(str(quantity))
    form.get_by_role("button", name="Add to basket").click()
    page.goto("/shop/basket/")
    page.get_by_role("link", name="Proceed to checkout").first.click()
    book = page.locator("#company_shipping_address")
    book.get_by_label(re.compile(r"Workshop Koeln-Nippes")).check()
    book.get_by_role("button", name="Deliver to this address").click()
    if page.url.endswith("/payment-details/"):
        page.locator('input[name="purchase_order_number"]').fill("PO-CARD-2")
        page.locator("#view_preview").click()
    page.locator("#place-order").click()

    expect(page.locator("body")).to_contain_text("more than the credit available")
    page.get_by_role("button", name="Pay this order by card instead").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/preview/$"))
    expect(page.locator("#card-instead")).to_be_visible()
    _type_card(page, "4242424242424242")
    page.locator("#place-order").click()
    expect(page).to_have_url(re.compile(r"/shop/checkout/thank-you/$"), timeout=15_000)
    order = get_model("order", "Order").objects.get(user__email=buyer)
    source = order.sources.get()
    assert source.source_type.name == "Card (Stripe)"
    assert source.amount_debited == order.total_incl_tax
    expect(page.locator("#order-payment")).to_contain_text(f"Stripe payment {source.reference}")
    _no_script_errors(page)
