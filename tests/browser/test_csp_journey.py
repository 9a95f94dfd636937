"""Journey: the main pages in Chromium under the Content-Security-Policy, with no violation.

A visitor, the demo buyer and an account manager walk the storefront, the company account,
checkout's address step, the CRM workspace and the quote desk on the seeded demo. Every
page must answer with a Content-Security-Policy, and the browser must report no violation
(``securitypolicyviolation`` events, recorded by an init script in every document, and
console messages about the policy). The page scripts must still work: the basket's
"tick all", the SKU suggestions and the quote desk's filter that submits on change.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

BUYER = "jonas.weber@rheinland-auto.example"
MANAGER = "anna.berg@partshub.example"

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
    window.__cspViolations.push(
        event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
        " in " + event.documentURI + (event.lineNumber ? ":" + event.lineNumber : "") +
        (event.sample ? " (" + event.sample + ")" : "")
    );
});
"""


class Walk:
    """Visits pages and collects what the policy and the browser report."""

    def __init__(self, page: Page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def collect(self) -> None:
        """Record the violations the current document has seen so far."""
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.problems.append(violation)
        self.page.evaluate("window.__cspViolations = []")

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        header = response.headers.get("content-security-policy", "")
        script_src = re.search(r"script-src ([^;]*)", header)
        if not script_src or "'unsafe-inline'" in script_src.group(1):
            self.problems.append(f"{path}: no Content-Security-Policy restricting scripts")
        self.page.wait_for_load_state("load")
        self.collect()


def _password() -> str:
    from shop.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _log_in(walk: Walk, email: str, next_path: str) -> None:
    page = walk.page
    page.context.clear_cookies()
    walk.visit(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(_password())
    # The nav's search form comes first: its button is not the login button.
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))
    walk.collect()


def _catalogue_urls() -> tuple[str, str, str]:
    """A category with products, and one of its products that is in stock."""
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    for product in Product.objects.filter(is_public=True, stockrecords__num_in_stock__gt=50):
        category = product.get_categories().first()
        record = product.stockrecords.first()
        if category is not None and record is not None:
            return category.get_absolute_url(), product.get_absolute_url(), record.partner_sku
    pytest.fail("seed_demo made no categorised product in stock")


def test_main_pages_raise_no_csp_violation_and_their_scripts_work(page: Page, demo_portal):
    from crm_embedded.quotes.models import Quote

    walk = Walk(page)
    category_url, product_url, sku = _catalogue_urls()

    # The recorder works: an injected inline script is blocked and reported.
    walk.visit("/shop/catalogue/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__injected = true'; document.body.appendChild(s); }"
        )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__injected") is None
    assert walk.problems, "the console message about the blocked script was not recorded"
    page.evaluate("window.__cspViolations = []")
    walk.problems.clear()

    # A visitor.
    for path in (
        "/",
        "/shop/catalogue/",
        category_url,
        product_url,
        f"/shop/search/?q={sku[:3]}",
        "/shop/basket/",
        "/accounts/login/",
        "/accounts/signup/",
    ):
        walk.visit(path)

    # The demo buyer: the storefront signed in, the basket's scripts, checkout's first step.
    _log_in(walk, BUYER, "/shop/basket/")
    walk.visit(product_url)
    form = page.locator("#add_to_basket_form")
    form.locator("button[type=submit]").click()
    expect(page.locator("#messages .alert-success")).to_have_count(1)
    walk.collect()
    # The mini basket's "View basket" is a link now (it was a button with an inline onclick).
    page.locator('.basket-mini .btn-group > a[href="/shop/basket/"]').click()
    expect(page).to_have_url(re.compile(r"/shop/basket/$"))
    walk.collect()
    # "Tick all" (an onload script with the nonce) ticks every line for removal.
    page.locator("#basket-select-all").check()
    removals = page.locator('#basket-lines input[name$="-DELETE"]')
    expect(removals.first).to_be_checked()
    assert removals.count() >= 1
    assert all(removals.nth(i).is_checked() for i in range(removals.count()))
    # The SKU suggestions (a static script fetching from our origin) fill the datalist.
    page.locator("#id_entry_sku").press_sequentially(sku[:4], delay=50)
    expect(page.locator("#sku-suggestions option").first).to_be_attached()
    walk.collect()
    for path in (
        "/shop/quick-order/",
        "/shop/lists/",
        "/shop/quotes/",
        "/shop/company/",
        "/shop/accounts/",
        "/shop/checkout/shipping-address/",
    ):
        walk.visit(path)

    # An account manager: the CRM workspace and the quote desk.
    _log_in(walk, MANAGER, "/crm/")
    walk.visit("/crm/quotes/")
    # The state filter submits itself on change (behaviours.js, no inline onchange).
    state = page.locator("select#id_state")
    values = [v for v in state.locator("option").evaluate_all("o => o.map(e => e.value)") if v]
    state.select_option(values[0])
    expect(page).to_have_url(re.compile(r"[?&]state=" + re.escape(values[0])))
    walk.collect()
    quote = Quote.objects.filter(account_manager__email=MANAGER).order_by("pk").first()
    if quote is not None:
        walk.visit(f"/crm/quotes/{quote.pk}/")
    walk.visit("/crm/companies/")

    assert walk.problems == []
