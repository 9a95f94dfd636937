"""Journey: company accounts end to end in the browser.

A visitor signs up (allauth, mandatory email verification), applies for a business
account (a mistyped VAT number first), a sales manager approves the application in the
CRM, the new company admin invites a colleague, the colleague joins from the emailed
link, the admin changes the colleague's role and finally removes their access.

Three browser contexts play the three people: the applicant (the ``page`` fixture, whose
screenshot is kept on failure), the sales manager and the invited colleague.
Emails are read from ``django.core.mail.outbox``: ``live_server`` runs in this process
with the locmem backend of ``config.settings.test``.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

pytestmark = pytest.mark.browser

DEMO_PRODUCT_COUNT = 30
ACTION_TIMEOUT_MS = 10_000  # as in conftest
SALES_MANAGER = "sofia.sales@partshub.example"

APPLICANT_EMAIL = "lena.kraus@kraus-fahrzeugtechnik.example"
APPLICANT_PASSWORD = "Kraus-Werkstatt-7391"
COLLEAGUE_EMAIL = "jonas.weber@kraus-fahrzeugtechnik.example"
COLLEAGUE_PASSWORD = "Weber-Einkauf-5820"

APPLICATION = {
    "legal_name": "Kraus Fahrzeugtechnik GmbH",
    "trading_name": "Kraus Fahrzeugtechnik",
    "billing_line1": "Industriestraße 12",
    "billing_postcode": "50667",
    "billing_city": "Köln",
    "contact_name": "Lena Kraus",
    "contact_phone": "+49 221 555 0101",
}
INVALID_VAT = "DE123456789"  # right shape, wrong check digit
VALID_VAT = "DE136695976"


# --- helpers ------------------------------------------------------------------------------


def _new_page(browser: Browser, base_url: str, contexts: list[BrowserContext]) -> Page:
    """Another person's browser: a fresh context set up like conftest's ``context``."""
    ctx = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    ctx.set_default_timeout(ACTION_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    local = urlsplit(base_url).netloc
    ctx.route(
        lambda url: urlsplit(url).scheme in {"http", "https"} and urlsplit(url).netloc != local,
        lambda route: route.abort("blockedbyclient"),
    )
    contexts.append(ctx)
    page = ctx.new_page()
    page.page_errors = []
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    return page


def _mail(predicate, *, what: str, timeout: float = 5.0):
    """The first sent email matching ``predicate`` (waits briefly: mail goes out on commit)."""
    from django.core import mail

    deadline = time.monotonic() + timeout
    while True:
        found = [message for message in mail.outbox if predicate(message)]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            sent = [(m.to, m.subject) for m in mail.outbox]
            pytest.fail(f"no email {what}; sent so far: {sent}")
        time.sleep(0.1)


def _mails_to(address: str) -> list:
    from django.core import mail

    return [message for message in mail.outbox if address in message.to]


def _link_path(body: str, pattern: str) -> str:
    """The path of the first link in an email body whose path matches ``pattern``."""
    match = re.search(r"https?://[^\s/]+(" + pattern + r")", body)
    assert match, f"no link matching {pattern!r} in the email:\n{body}"
    return match.group(1)


def _log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("form").filter(has=page.locator('input[name="login"]'))
    form.locator('input[name="login"]').fill(email)
    form.locator('input[name="password"]').fill(password)
    form.locator('button[type="submit"]').first.click()
    expect(page.locator("#nav_account")).to_contain_text(email)


def _alert(page: Page, kind: str):
    return page.locator(f"#messages .alert-{kind}")


# --- steps --------------------------------------------------------------------------------


def _sign_up_and_verify(page: Page) -> None:
    page.goto("/accounts/signup/")
    form = page.locator("form").filter(has=page.locator('input[name="password2"]'))
    form.locator('input[name="email"]').fill(APPLICANT_EMAIL)
    form.locator('input[name="password1"]').fill(APPLICANT_PASSWORD)
    form.locator('input[name="password2"]').fill(APPLICANT_PASSWORD)
    form.get_by_role("button", name="Sign Up").click()

    # Verification is mandatory: allauth says it sent an email, and it did.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.locator("body")).to_contain_text(APPLICANT_EMAIL)
    confirmation = _mail(
        lambda m: APPLICANT_EMAIL in m.to and "/accounts/confirm-email/" in m.body,
        what=f"with a confirmation link to {APPLICANT_EMAIL}",
    )
    page.goto(_link_path(confirmation.body, r"/accounts/confirm-email/[^\s/]+/"))
    expect(page.locator("body")).to_contain_text(APPLICANT_EMAIL)
    page.get_by_role("button", name="Confirm").click()

    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION logs in a confirmation made in the signup's session.
    expect(page.locator("#nav_account, #login_link").first).to_be_visible()
    if page.locator("#login_link").count():
        _log_in(page, APPLICANT_EMAIL, APPLICANT_PASSWORD)
    expect(page.locator("#nav_account")).to_contain_text(APPLICANT_EMAIL)


def _apply_for_business_account(page: Page) -> None:
    page.locator("#nav_company").click()
    expect(page).to_have_url(re.compile(r"/shop/company/$"))
    page.locator("#apply-link").click()
    expect(page).to_have_url(re.compile(r"/shop/company/apply/$"))

    form = page.locator("#apply-form")
    for name, value in APPLICATION.items():
        form.locator(f'[name="{name}"]').fill(value)
    form.locator('select[name="country"]').select_option("DE")
    form.locator('[name="vat_number"]').fill(INVALID_VAT)
    form.get_by_role("button", name="Send application").click()

    # A mistyped VAT number: a clear message at the field, and nothing else is lost.
    form = page.locator("#apply-form")
    expect(form).to_contain_text("check digits do not match")
    expect(form).to_contain_text("DE123456789")  # the expected shape is shown as an example
    for name, value in APPLICATION.items():
        expect(form.locator(f'[name="{name}"]')).to_have_value(value)
    expect(form.locator('select[name="country"]')).to_have_value("DE")
    expect(form.locator('[name="vat_number"]')).to_have_value(INVALID_VAT)

    form.locator('[name="vat_number"]').fill(VALID_VAT)
    form.get_by_role("button", name="Send application").click()

    expect(page).to_have_url(re.compile(r"/shop/company/$"))
    expect(_alert(page, "success")).to_contain_text("your application is with our account team")
    expect(page.locator("#company-pending, #application-pending").first).to_be_visible()
    _mail(
        lambda m: SALES_MANAGER in m.to and APPLICATION["legal_name"] in m.subject,
        what=f"to the sales managers about {APPLICATION['legal_name']}",
    )


def _sales_manager_approves(staff: Page) -> None:
    _log_in(staff, SALES_MANAGER, _demo_password())
    staff.goto("/crm/applications/")
    row = staff.locator("#application-list tr").filter(has_text=APPLICANT_EMAIL)
    expect(row).to_contain_text("Waiting for review")
    expect(row).to_contain_text(VALID_VAT)
    row.get_by_role("link", name=APPLICATION["legal_name"]).click()

    expect(staff.locator("h1")).to_contain_text(APPLICATION["legal_name"])
    expect(staff.locator("#application-facts")).to_contain_text(APPLICATION["contact_name"])
    decision = staff.locator("#decision-form")
    decision.locator('textarea[name="note"]').fill("VAT number checked; welcome aboard.")
    decision.get_by_role("button", name="Approve and activate").click()

    expect(_alert(staff, "success")).to_contain_text("is active; the applicant was emailed")
    expect(staff.locator("#application-status")).to_contain_text("Approved")
    expect(staff.locator("#application-status")).to_contain_text(SALES_MANAGER)
    expect(staff.locator("#application-facts")).to_contain_text("welcome aboard")
    expect(staff.locator("#decision-form")).to_have_count(0)


def _applicant_sees_active_account(page: Page) -> None:
    page.goto("/shop/company/")
    expect(page.locator("#my-role")).to_have_text("Company admin")
    expect(page.locator("#company-pending")).to_have_count(0)
    expect(page.locator("#application-pending")).to_have_count(0)
    expect(page.locator("#company-details")).to_contain_text("Active")
    expect(page.locator("#company-details")).to_contain_text(VALID_VAT)
    approval = _mail(
        lambda m: APPLICANT_EMAIL in m.to and "is active" in m.subject,
        what=f"to {APPLICANT_EMAIL} saying the account is active",
    )
    assert "welcome aboard" in approval.body


def _admin_invites_colleague(page: Page) -> str:
    """Invite the colleague as Buyer (twice: the second is refused); return the link's path."""
    invite = page.locator("#invite-form")
    invite.locator('input[name="email"]').fill(COLLEAGUE_EMAIL)
    invite.locator('select[name="role"]').select_option(label="Buyer")
    invite.get_by_role("button", name="Send invitation").click()
    expect(_alert(page, "success")).to_contain_text(f"Invitation sent to {COLLEAGUE_EMAIL}")
    expect(page.locator("#open-invitations")).to_contain_text(f"{COLLEAGUE_EMAIL} as Buyer")

    invite = page.locator("#invite-form")
    invite.locator('input[name="email"]').fill(COLLEAGUE_EMAIL)
    invite.locator('select[name="role"]').select_option(label="Buyer")
    invite.get_by_role("button", name="Send invitation").click()
    expect(_alert(page, "danger")).to_contain_text(f"{COLLEAGUE_EMAIL} was already invited")
    expect(page.locator("#open-invitations li")).to_have_count(1)

    invitation = _mail(
        lambda m: COLLEAGUE_EMAIL in m.to and "/shop/company/join/" in m.body,
        what=f"with an invitation link to {COLLEAGUE_EMAIL}",
    )
    assert len(_mails_to(COLLEAGUE_EMAIL)) == 1, "the refused second invitation sent an email"
    return _link_path(invitation.body, r"/shop/company/join/[^\s/]+/")


def _colleague_joins(colleague: Page, join_path: str) -> None:
    colleague.goto(join_path)
    expect(colleague.locator("h1")).to_contain_text(f"Join {APPLICATION['trading_name']}")
    expect(colleague.locator("body")).to_contain_text(COLLEAGUE_EMAIL)
    form = colleague.locator("#join-form")
    form.locator('[name="first_name"]').fill("Jonas")
    form.locator('[name="last_name"]').fill("Weber")
    form.locator('[name="password1"]').fill(COLLEAGUE_PASSWORD)
    form.locator('[name="password2"]').fill(COLLEAGUE_PASSWORD)
    form.get_by_role("button", name="Create account and join").click()

    expect(colleague).to_have_url(re.compile(r"/shop/company/$"))
    expect(_alert(colleague, "success")).to_contain_text(
        f"Welcome to {APPLICATION['trading_name']}"
    )
    expect(colleague.locator("#nav_account")).to_contain_text(COLLEAGUE_EMAIL)
    expect(colleague.locator("#my-role")).to_have_text("Buyer")


def _admin_changes_role_then_removes(page: Page) -> None:
    page.goto("/shop/company/")
    row = page.locator(f'tr[data-email="{COLLEAGUE_EMAIL}"]')
    expect(row).to_contain_text("Jonas Weber")
    expect(row.locator('select[name="role"]')).to_have_value("buyer")
    expect(page.locator("#open-invitations")).to_have_count(0)  # the invitation was used

    row.locator('select[name="role"]').select_option(label="Approver")
    row.get_by_role("button", name="Change").click()
    expect(_alert(page, "success")).to_contain_text(f"{COLLEAGUE_EMAIL} is now Approver")
    row = page.locator(f'tr[data-email="{COLLEAGUE_EMAIL}"]')
    expect(row.locator('select[name="role"]')).to_have_value("approver")

    row.get_by_role("button", name="Remove access").click()
    expect(_alert(page, "success")).to_contain_text(f"{COLLEAGUE_EMAIL} no longer has access")
    row = page.locator(f'tr[data-email="{COLLEAGUE_EMAIL}"]')
    expect(row).to_contain_text("Approver (no longer has access)")
    expect(row.get_by_role("button", name="Remove access")).to_have_count(0)
    expect(page.locator("#my-role")).to_have_text("Company admin")


def _colleague_learns_access_was_removed(colleague: Page) -> None:
    colleague.goto("/")
    expect(_alert(colleague, "warning")).to_contain_text(
        f"Your access to {APPLICATION['trading_name']} was removed by its admin"
    )
    expect(colleague.locator("#nav_account")).to_contain_text(COLLEAGUE_EMAIL)  # still logged in
    colleague.locator("#nav_company").click()
    expect(colleague.locator("#apply-link")).to_be_visible()  # no longer a member
    expect(colleague.locator("#my-role")).to_have_count(0)


def _demo_password() -> str:
    from shop import demo as shop_demo

    return shop_demo.DEMO_PASSWORD


# --- the journey --------------------------------------------------------------------------


def test_company_onboarding_invitation_roles_and_removal(
    page: Page, browser: Browser, portal_server
):
    from django.core.management import call_command

    call_command("seed_demo", products=DEMO_PRODUCT_COUNT, verbosity=0)
    others: list[BrowserContext] = []
    try:
        # 1-2. Visitor signs up, verifies the email, applies (invalid VAT, then a valid one).
        _sign_up_and_verify(page)
        _apply_for_business_account(page)

        # 3. The sales manager approves in the CRM (their own browser).
        staff = _new_page(browser, portal_server.url, others)
        _sales_manager_approves(staff)

        # 4. The applicant is now the admin of an active company, and was told by email.
        _applicant_sees_active_account(page)

        # 5. The admin invites a colleague, who joins from the emailed link (third browser).
        join_path = _admin_invites_colleague(page)
        colleague = _new_page(browser, portal_server.url, others)
        _colleague_joins(colleague, join_path)

        # 6. Role change, then removal; the colleague is told on their next page.
        _admin_changes_role_then_removes(page)
        _colleague_learns_access_was_removed(colleague)

        for other in (staff, colleague):
            assert other.page_errors == [], f"uncaught JavaScript errors: {other.page_errors}"
    finally:
        for ctx in others:
            ctx.close()

    assert page.page_errors == [], f"uncaught JavaScript errors: {page.page_errors}"
    assert page.console_errors == [], f"console errors: {page.console_errors}"
