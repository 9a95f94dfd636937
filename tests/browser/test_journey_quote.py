"""Journey: the acceptance test of quotes, with two people signed in at once.

A buyer fills the basket by quick order and asks for a quote on it; the account manager
reviews it in the CRM, prices one line by amount and one by percent off list and sends
the offer; the buyer asks for changes; the manager revises and sends version 2; the buyer
reads what changed, accepts (the lines land in the basket, price and quantity locked) and
checks out through Oscar's steps. The order carries the quote, and the quote is ordered.

Two browser contexts play the two people: the buyer is the ``page`` fixture (its
screenshot is kept on failure), the account manager a second context set up like
conftest's ``context``. Data is made and checked with the ORM in the live server's
database (``tests/factories.py``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ACTION_TIMEOUT_MS, IGNORED_CONSOLE_ERRORS

pytestmark = pytest.mark.browser

COMPANY = "Brandt Hydraulik GmbH"
BUYER_EMAIL = "tilo.brandt@brandt-hydraulik.example"
BUYER_PASSWORD = "Brandt-Einkauf-4417"
MANAGER_EMAIL = "greta.am@partshub.example"
MANAGER_PASSWORD = "Greta-Accounts-8830"

HOSE, HOSE_TITLE = "QJ-100", "Hydraulic hose DN10, 1 m"
CLAMP, CLAMP_TITLE = "QJ-200", "Hose clamp 20-32 mm"
TARGET_PRICE = "17.50"
NOTE = "Yearly need for the workshop, delivery in two drops."
COUNTER = "17.00 for QJ-100 and we take 120"


@pytest.fixture
def quote_people(portal_server) -> None:
    """An account manager, their active company with a buyer, two stocked products, DE."""
    from django.contrib.auth.models import Group
    from oscar.core.loading import get_model

    from shop.companies.models import CompanyMember
    from shop.companies.selectors import ACCOUNT_MANAGERS_GROUP
    from tests.factories import (
        CompanyFactory,
        CompanyMemberFactory,
        ProductFactory,
        UserFactory,
        category_create,
    )

    Country = get_model("address", "Country")
    Country.objects.update_or_create(
        iso_3166_1_a2="DE",
        defaults={"name": "Germany", "printable_name": "Germany", "is_shipping_country": True},
    )
    manager = UserFactory(
        email=MANAGER_EMAIL,
        username="greta",
        first_name="Greta",
        last_name="Lorenz",
        password=MANAGER_PASSWORD,
        is_staff=True,
    )
    manager.groups.add(Group.objects.get_or_create(name=ACCOUNT_MANAGERS_GROUP)[0])
    company = CompanyFactory(legal_name=COMPANY, slug="brandt-hydraulik", account_manager=manager)
    CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.BUYER,
        user=UserFactory(
            email=BUYER_EMAIL,
            username="tilo",
            first_name="Tilo",
            last_name="Brandt",
            password=BUYER_PASSWORD,
        ),
    )
    category = category_create("Hydraulics")
    for sku, title, price in ((HOSE, HOSE_TITLE, "20.00"), (CLAMP, CLAMP_TITLE, "8.00")):
        ProductFactory(
            upc=sku,
            title=title,
            category=category,
            stock__price=Decimal(price),
            stock__num_in_stock=10_000,
        )


@pytest.fixture
def manager_page(browser, portal_server):
    """The account manager's browser: a second context set up like conftest's ``context``."""
    ctx = browser.new_context(
        base_url=portal_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    ctx.set_default_timeout(ACTION_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    local = urlsplit(portal_server.url).netloc

    def is_third_party(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != local

    ctx.route(is_third_party, lambda route: route.abort("blockedbyclient"))
    page = ctx.new_page()
    page.console_errors = []
    page.page_errors = []

    def on_console(message):
        if message.type == "error" and not any(
            pattern.search(message.text) for pattern in IGNORED_CONSOLE_ERRORS
        ):
            page.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    try:
        yield page
    finally:
        ctx.close()


# --- helpers ------------------------------------------------------------------------------


def _log_in(page: Page, email: str, password: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    # The nav's search form comes first: its button is not the login button.
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))
    expect(page.locator("#nav_account")).to_contain_text(email)


def _alert(page: Page, kind: str):
    return page.locator(f"#messages .alert-{kind}")


def _no_error(page: Page) -> None:
    expect(_alert(page, "danger")).to_have_count(0)
    expect(_alert(page, "error")).to_have_count(0)


def _offer_row(page: Page, sku: str):
    return page.locator("#offer-lines tr").filter(
        has=page.get_by_role("cell", name=sku, exact=True)
    )


def _quote():
    from crm_embedded.quotes.models import Quote

    return Quote.objects.get()


def _open_basket_lines() -> list[tuple[str, int, Decimal | None, str]]:
    from oscar.core.loading import get_model

    Basket = get_model("basket", "Basket")
    basket = Basket.objects.filter(owner__email=BUYER_EMAIL, status=Basket.OPEN).first()
    if basket is None:
        return []
    return list(
        basket.lines.order_by("stockrecord__partner_sku").values_list(
            "stockrecord__partner_sku", "quantity", "quoted_unit_price", "quote_reference"
        )
    )


# --- steps --------------------------------------------------------------------------------


def _buyer_requests_a_quote(buyer: Page) -> str:
    _log_in(buyer, BUYER_EMAIL, BUYER_PASSWORD, "/shop/quick-order/")
    form = buyer.locator("#quick-order-form")
    form.locator('textarea[name="lines"]').fill(f"{HOSE} 100\n{CLAMP} 400")
    form.get_by_role("button", name="Check lines").click()
    expect(buyer.locator("#quick-order-summary")).to_contain_text("2 ready, 0 to fix")
    add = buyer.locator("#quick-order-add")
    expect(add).to_have_text("Add the 2 ready lines to the basket")
    add.click()

    expect(buyer).to_have_url(re.compile(r"/shop/basket/$"))
    expect(buyer.locator("#basket-lines tbody tr")).to_have_count(2)
    assert [line[:2] for line in _open_basket_lines()] == [(HOSE, 100), (CLAMP, 400)]
    buyer.locator("#basket-request-quote").click()

    expect(buyer).to_have_url(re.compile(r"/shop/quotes/request/$"))
    form = buyer.locator("#quote-request-form")
    expect(form.locator("#quote-request-lines tbody tr")).to_have_count(2)
    expect(form.get_by_label(f"Quote {HOSE_TITLE}")).to_be_checked()
    expect(form.get_by_label(f"Quote {CLAMP_TITLE}")).to_be_checked()
    form.get_by_label(f"Target price of {HOSE_TITLE}").fill(TARGET_PRICE)
    form.get_by_label("Note for your account manager").fill(NOTE)
    buyer.locator("#quote-request-submit").click()

    expect(buyer).to_have_url(re.compile(r"/shop/quotes/Q-\d+/$"))
    number = re.search(r"/shop/quotes/(Q-\d+)/$", buyer.url).group(1)
    expect(buyer.locator("h1")).to_contain_text(f"Quote {number}")
    expect(_alert(buyer, "success")).to_contain_text(
        f"Request {number} sent to your account manager. Its lines left your basket"
    )
    expect(buyer.locator("#quote-state")).to_contain_text("Requested")
    expect(buyer.locator("body")).to_contain_text("your account manager: Greta Lorenz")
    requested = buyer.locator("#request-lines")
    expect(requested.locator("tr").filter(has_text=HOSE)).to_contain_text("17.50")
    expect(requested.locator("tr").filter(has_text=CLAMP)).to_contain_text("—")

    quote = _quote()
    assert (quote.number, quote.state, quote.note) == (number, "requested", NOTE)
    assert quote.account_manager.email == MANAGER_EMAIL
    assert sorted(quote.lines.values_list("sku", "quantity", "target_price")) == [
        (HOSE, 100, Decimal("17.50")),
        (CLAMP, 400, None),
    ]
    assert _open_basket_lines() == [], "the quoted lines should have left the basket"
    return number


def _manager_sends_first_offer(manager: Page, number: str) -> None:
    _log_in(manager, MANAGER_EMAIL, MANAGER_PASSWORD, "/crm/")
    expect(manager.get_by_role("heading", name="Quotes waiting for an offer")).to_be_visible()
    waiting = manager.locator("#waiting-quotes")
    expect(waiting.locator("li")).to_have_count(1)
    expect(waiting).to_contain_text(f"{number} {COMPANY} — New request")
    waiting.get_by_role("link", name=number).click()

    expect(manager).to_have_url(re.compile(r"/crm/quotes/\d+/$"))
    expect(manager.locator("h1")).to_contain_text(f"Quote {number} · {COMPANY}")
    expect(manager.locator("#quote-state")).to_have_text("New request")
    expect(manager.locator("body")).to_contain_text(f"Buyer’s note: {NOTE}")
    expect(manager.locator('#quote-lines tr[data-sku="QJ-100"]')).to_contain_text("17.50")
    manager.locator("#quote-review").click()

    expect(_alert(manager, "success")).to_contain_text("Review started.")
    expect(manager.locator("#quote-state")).to_have_text("In review")
    manager.get_by_label(f"Offered price of {HOSE}", exact=True).fill("18.00")
    manager.get_by_label(f"Percent off list of {CLAMP}", exact=True).fill("10")
    manager.locator("#quote-lines-save").click()

    expect(_alert(manager, "success")).to_contain_text("Lines saved.")
    _no_error(manager)
    expect(manager.locator(f'#quote-lines tr[data-sku="{HOSE}"]')).to_contain_text("1,800.00")
    expect(manager.locator(f'#quote-lines tr[data-sku="{CLAMP}"]')).to_contain_text("2,880.00")
    expect(manager.get_by_label(f"Offered price of {CLAMP}", exact=True)).to_have_value("7.20")
    expect(manager.locator("#quote-approval")).to_have_count(0)  # 10 % off: no approval
    manager.locator("#quote-send").click()

    expect(_alert(manager, "success")).to_contain_text("Offer sent to the buyer.")
    expect(manager.locator("#quote-state")).to_contain_text("Offer sent")
    expect(manager.locator("#quote-versions li")).to_have_count(1)
    expect(manager.locator("#quote-versions")).to_contain_text("Version 1")
    expect(manager.locator("#quote-versions")).to_contain_text("First offer.")
    assert _quote().state == "offered"


def _buyer_asks_for_changes(buyer: Page) -> None:
    buyer.reload()
    expect(buyer.locator("#quote-state")).to_contain_text("Offer received")
    expect(buyer.get_by_role("heading", name=re.compile(r"The offer \(version 1,"))).to_be_visible()
    expect(_offer_row(buyer, HOSE)).to_contain_text("18.00")
    expect(_offer_row(buyer, HOSE)).to_contain_text("1,800.00")
    expect(_offer_row(buyer, CLAMP)).to_contain_text("7.20")
    expect(_offer_row(buyer, CLAMP)).to_contain_text("2,880.00")
    expect(buyer.locator("#offer-total")).to_contain_text("4,680.00")

    buyer.get_by_label("Ask for changes").fill(COUNTER)
    buyer.locator("#quote-changes").click()

    expect(_alert(buyer, "success")).to_contain_text(
        "Your account manager will send a revised offer."
    )
    expect(buyer.locator("#quote-state")).to_contain_text("preparing an offer")
    expect(buyer.locator("#quote-thread")).to_contain_text(COUNTER)
    expect(buyer.locator("#quote-accept")).to_have_count(0)  # nothing to accept meanwhile
    assert _quote().state == "in_review"


def _manager_sends_revision(manager: Page) -> None:
    manager.reload()
    expect(manager.locator("#quote-state")).to_have_text("In review")
    expect(manager.locator("#quote-thread")).to_contain_text(COUNTER)
    expect(manager.locator("#quote-thread")).to_contain_text("Tilo Brandt")
    quantity = manager.get_by_label(f"Quantity of {HOSE}", exact=True)
    expect(quantity).to_have_value("100")
    quantity.fill("120")
    manager.get_by_label(f"Offered price of {HOSE}", exact=True).fill("17.00")
    manager.locator("#quote-lines-save").click()

    expect(_alert(manager, "success")).to_contain_text("Lines saved.")
    _no_error(manager)
    expect(manager.locator(f'#quote-lines tr[data-sku="{HOSE}"]')).to_contain_text("2,040.00")
    manager.locator("#quote-send").click()

    expect(_alert(manager, "success")).to_contain_text("Offer sent to the buyer.")
    expect(manager.locator("#quote-state")).to_contain_text("Offer sent")
    versions = manager.locator("#quote-versions li")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Version 2")
    assert _quote().versions.count() == 2


def _buyer_accepts_version_2(buyer: Page, number: str) -> None:
    buyer.reload()
    expect(buyer.locator("#quote-state")).to_contain_text("Offer received")
    expect(buyer.get_by_role("heading", name=re.compile(r"The offer \(version 2,"))).to_be_visible()
    expect(_offer_row(buyer, HOSE)).to_contain_text("120")
    expect(_offer_row(buyer, HOSE)).to_contain_text("17.00")
    expect(_offer_row(buyer, CLAMP)).to_contain_text("7.20")
    expect(buyer.locator("#offer-total")).to_contain_text("4,920.00")
    history = buyer.locator("#quote-versions li")
    expect(history).to_have_count(2)
    newest = history.first
    expect(newest).to_contain_text("Version 2")
    expect(newest).to_contain_text(f"{HOSE} quantity 100 → 120")
    expect(newest).to_contain_text(f"{HOSE} unit price 18.00 → 17.00")
    expect(newest).not_to_contain_text(CLAMP)  # that line did not change
    expect(history.last).to_contain_text("Version 1")
    expect(history.last).to_contain_text("First offer.")
    buyer.locator("#quote-accept").click()

    expect(buyer).to_have_url(re.compile(r"/shop/basket/$"))
    expect(_alert(buyer, "success")).to_contain_text(f"Quote {number} accepted")
    rows = buyer.locator("#basket-lines tbody tr")
    expect(rows).to_have_count(2)
    for sku, title, quantity, price in (
        (HOSE, HOSE_TITLE, "120", "17.00"),
        (CLAMP, CLAMP_TITLE, "400", "7.20"),
    ):
        row = buyer.locator(f'#basket-lines tr[data-sku="{sku}"]')
        expect(row.locator(".badge")).to_contain_text(
            f"Quote {number}: price and quantity locked until"
        )
        expect(row).to_contain_text(f"{quantity} locked")
        expect(row).to_contain_text(price)
        expect(buyer.get_by_label(f"Quantity of {title}")).to_have_count(0)
        expect(row.locator('input[type="checkbox"]')).to_have_count(0)  # cannot be removed
    expect(buyer.locator("#basket-total")).to_contain_text("4,920.00")
    assert _open_basket_lines() == [
        (HOSE, 120, Decimal("17.00"), number),
        (CLAMP, 400, Decimal("7.20"), number),
    ]
    assert _quote().state == "accepted"


def _buyer_checks_out(buyer: Page) -> str:
    buyer.get_by_role("link", name="Proceed to checkout").click()

    expect(buyer).to_have_url(re.compile(r"/shop/checkout/shipping-address/$"))
    form = buyer.locator("#new_shipping_address")
    form.locator('[name="first_name"]').fill("Tilo")
    form.locator('[name="last_name"]').fill("Brandt")
    form.locator('[name="line1"]').fill("Hafenstraße 8")
    form.locator('[name="line4"]').fill("Bremen")
    form.locator('[name="postcode"]').fill("28217")
    country = form.locator('select[name="country"]')
    if country.count():  # Oscar hides the field when DE is the only shipping country
        country.select_option("DE")
    form.get_by_role("button", name="Continue").click()

    # One shipping method and no payment method choice: Oscar skips to the payment details.
    expect(buyer).to_have_url(re.compile(r"/shop/checkout/payment-details/$"))
    buyer.locator("#view_preview").click()

    expect(buyer).to_have_url(re.compile(r"/shop/checkout/preview/$"))
    expect(buyer.locator("body")).to_contain_text(HOSE_TITLE)
    expect(buyer.locator("body")).to_contain_text("4,920.00")
    buyer.locator("#place-order").click()

    expect(buyer).to_have_url(re.compile(r"/shop/checkout/thank-you/$"))
    expect(buyer.locator("body")).to_contain_text("Your order has been placed")
    order_number = buyer.locator("p.lead strong").first.inner_text().strip()
    assert order_number
    return order_number


def _order_carries_the_quote(buyer: Page, manager: Page, number: str, order_number: str):
    from oscar.core.loading import get_model

    Order = get_model("order", "Order")
    order = Order.objects.get(number=order_number)
    assert order.quote_reference == number
    assert order.user.email == BUYER_EMAIL and order.company.legal_name == COMPANY
    assert order.shipping_address.country_id == "DE"
    lines = sorted(order.lines.values_list("partner_sku", "quantity", "unit_price_excl_tax"))
    assert lines == [(HOSE, 120, Decimal("17.00")), (CLAMP, 400, Decimal("7.20"))]
    assert order.total_excl_tax == Decimal("4920.00")
    assert _open_basket_lines() == []  # the submitted basket is closed

    # The order_placed receiver marks the quote ordered once the order is committed.
    quote = _quote()
    assert (quote.state, quote.order_number) == ("ordered", order_number)

    buyer.goto(f"/shop/quotes/{number}/")
    expect(buyer.locator("#quote-state")).to_have_text("Ordered")
    expect(buyer.get_by_role("link", name=f"order {order_number}")).to_be_visible()
    expect(buyer.locator("#offer-actions")).to_have_count(0)
    manager.reload()
    expect(manager.locator("#quote-state")).to_have_text("Ordered")
    expect(manager.locator("body")).to_contain_text(f"Became order {order_number}.")


# --- the journey --------------------------------------------------------------------------


def test_quote_request_negotiate_accept_and_order(page: Page, manager_page: Page, quote_people):
    buyer, manager = page, manager_page

    # 1. The buyer fills the basket by quick order and asks for a quote on it.
    number = _buyer_requests_a_quote(buyer)

    # 2. The account manager finds it in the workspace, prices it and sends version 1.
    _manager_sends_first_offer(manager, number)

    # 3. The buyer reads the offer and asks for changes.
    _buyer_asks_for_changes(buyer)

    # 4. The manager reads the message, revises and sends version 2.
    _manager_sends_revision(manager)

    # 5. The buyer sees what changed, accepts, checks out; the order carries the quote.
    _buyer_accepts_version_2(buyer, number)
    order_number = _buyer_checks_out(buyer)
    _order_carries_the_quote(buyer, manager, number, order_number)

    # 6. Neither browser met a JavaScript error.
    for who, person in (("buyer", buyer), ("account manager", manager)):
        assert person.page_errors == [], f"{who}: uncaught JavaScript errors: {person.page_errors}"
        assert person.console_errors == [], f"{who}: console errors: {person.console_errors}"
