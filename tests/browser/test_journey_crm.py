"""Journey (issue 13 acceptance): an account manager works an account from the CRM cockpit.

On the demo data exactly as ``seed_demo`` leaves it, anna.berg (an account manager) opens
her cockpit (``crm:home``), opens an account from one of its "accounts needing attention"
items, logs a call with the single customer view's log form
(``crm/activities/_log_form.html``), creates a task for the account (``crm:task-create``
with ``?company=``), moves one of the account's open opportunities to Won on its page, and
the reports page (``crm:report-index``, this quarter) shows one more deal won, worth the
opportunity's amount, than it did before. No page raises a console or script error.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ACCOUNT_MANAGER = "anna.berg@partshub.example"
CALL_SUBJECT = "Called about the 2027 workshop equipment"
CALL_BODY = "Jonas wants the lifting equipment offer signed before the year ends."
TASK_TITLE = "Send the signed lifting equipment contract"


def _log_in(page: Page, email: str, next_path: str) -> None:
    from shop.demo import DEMO_PASSWORD

    page.goto(f"/accounts/login/?next={next_path}")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))


def _no_error_alert(page: Page) -> None:
    expect(page.locator("#messages .alert-danger")).to_have_count(0)
    expect(page.locator("#messages .alert-error")).to_have_count(0)


def _won_this_quarter(page: Page) -> tuple[int, Decimal]:
    """Open the reports for this quarter; return the deals won (count, value in EUR)."""
    page.goto("/crm/reports/")
    expect(page.locator("#report-filter")).to_be_visible()
    page.locator("#report-filter a", has_text="This quarter").click()
    expect(page).to_have_url(re.compile(r"/crm/reports/\?start=\d{4}-\d\d-\d\d&end=\d{4}-"))
    expect(page.locator("#report-scope")).to_contain_text("Your accounts and your deals.")
    text = page.locator("#figure-won").inner_text()
    match = re.fullmatch(r"\s*(\d+)\s*·\s*€\s*([\d,]+\.\d\d)\s*", text)
    assert match, f"unexpected 'Won' figure on the reports page: {text!r}"
    return int(match.group(1)), Decimal(match.group(2).replace(",", ""))


def _pipeline_counts(page: Page) -> dict[str, int]:
    """The cockpit's pipeline summary: open deals per stage name."""
    rows = page.locator("#pipeline-summary tbody tr")
    expect(rows.first).to_be_visible()
    counts = {}
    for row in rows.all():
        cells = row.locator("td").all_inner_texts()
        counts[cells[0].strip()] = int(cells[1])
    return counts


def _open_deals_without_quote():
    """Anna's open deals on her own accounts that no quote decides, the largest first.

    Read from what the demo left (nothing is created here). A deal backed by a quote is
    left alone: the quote's outcome moves it on its own.
    """
    from crm_embedded.pipeline.models import Opportunity, Stage

    return list(
        Opportunity.objects.filter(
            owner__email=ACCOUNT_MANAGER,
            company__account_manager__email=ACCOUNT_MANAGER,
            stage__kind=Stage.Kind.OPEN,
            quote__isnull=True,
        )
        .select_related("company", "stage")
        .order_by("-amount", "pk")
    )


def _won_stage_pk() -> int:
    from crm_embedded.pipeline.models import Stage

    return Stage.objects.get(kind=Stage.Kind.WON, is_active=True).pk


def test_an_account_manager_works_an_account_from_the_cockpit_to_a_won_deal(
    page: Page, demo_portal
):
    from django.utils import timezone

    deals = _open_deals_without_quote()
    assert deals, "seed_demo should leave Anna open deals on her accounts"
    by_company = {}
    for deal in deals:
        by_company.setdefault(deal.company.legal_name, deal)

    # Before: the reports' deals won this quarter, as Anna sees them.
    _log_in(page, ACCOUNT_MANAGER, "/crm/")
    expect(page.locator("#attention")).to_be_visible()
    won_before, won_value_before = _won_this_quarter(page)

    # The cockpit lists accounts needing attention; Anna opens one that has an open deal.
    page.goto("/crm/")
    open_before = _pipeline_counts(page)
    rows = page.locator("#attention tr[data-kind]")
    assert rows.count() > 0, (
        "the cockpit lists no account needing attention on the demo data: "
        + page.locator("#attention").inner_text()
    )
    names = [text.strip() for text in rows.locator("td:first-child a").all_inner_texts()]
    workable = [name for name in names if name in by_company]
    assert workable, (
        f"no attention item on an account with an open deal: {names} vs {sorted(by_company)}"
    )
    name = workable[0]
    deal = by_company[name]
    company = deal.company
    row = rows.filter(has=page.locator("td:first-child a", has_text=name)).first
    expect(row.locator("a.btn", has_text="Handle")).to_have_attribute("href", re.compile(r"^/"))
    row.locator("td:first-child a").click()
    expect(page).to_have_url(re.compile(rf"/crm/companies/{company.pk}/$"))
    expect(page.locator("h1")).to_contain_text(company.legal_name)
    expect(page.locator("#company-opportunities")).to_contain_text(deal.name)
    _no_error_alert(page)
    company_url = page.url

    # A call, logged with the form on the single customer view, lands on its timeline.
    form = page.locator("#activity-log-form")
    form.locator('select[name="kind"]').select_option("call")
    form.locator('input[name="subject"]').fill(CALL_SUBJECT)
    form.locator('textarea[name="body"]').fill(CALL_BODY)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(company_url)
    expect(page.locator("#messages .alert-success")).to_contain_text(f"Logged: {CALL_SUBJECT}.")
    logged = page.locator('#timeline li[data-kind="activity"]', has_text=CALL_SUBJECT)
    expect(logged).to_have_count(1)
    expect(logged.locator("a")).to_have_text(f"Call: {CALL_SUBJECT}")
    expect(logged).to_contain_text(CALL_BODY)

    # A task for the account, through the "New task" link (the account preselected).
    due = timezone.localdate() + timedelta(days=3)
    page.locator("#new-task-link").click()
    expect(page).to_have_url(re.compile(rf"/crm/tasks/new/\?company={company.pk}&next="))
    task_form = page.locator("#task-form")
    expect(task_form.locator('select[name="company"]')).to_have_value(str(company.pk))
    task_form.locator('input[name="title"]').fill(TASK_TITLE)
    task_form.locator('input[name="due_date"]').fill(due.isoformat())
    task_form.locator("button[type=submit]", has_text="Create task").click()
    expect(page.locator("#messages .alert-success")).to_contain_text(f"Task created: {TASK_TITLE}")
    expect(page).to_have_url(company_url)  # back on the account it was made for
    task = page.locator("#company-tasks li", has_text=TASK_TITLE)
    expect(task).to_have_count(1)
    expect(task).to_contain_text(ACCOUNT_MANAGER)
    expect(task).to_contain_text(f"{due.day} {due:%b %Y}")

    # The deal is won, on its own page (reached from the account's opportunities).
    page.locator("#company-opportunities a", has_text=deal.name).click()
    expect(page).to_have_url(re.compile(rf"/crm/opportunities/{deal.pk}/$"))
    expect(page.locator("#opportunity-stage")).to_have_text(deal.stage.name)
    move = page.locator("#move-form")
    move.locator('select[name="stage"]').select_option(str(_won_stage_pk()))
    move.locator("button[type=submit]").click()
    expect(page.locator("#opportunity-stage")).to_have_text("Won")
    expect(page.locator("#opportunity-closed")).to_be_visible()
    _no_error_alert(page)

    # The board no longer carries it among the open deals.
    page.goto("/crm/pipeline/")
    expect(page.locator("#pipeline-board")).to_be_visible()
    expect(page.locator(f"#opportunity-{deal.pk}")).to_have_count(0)

    # The cockpit: the deal left its open stage, the new task waits among the later ones.
    page.goto("/crm/")
    open_after = _pipeline_counts(page)
    assert open_after[deal.stage.name] == open_before[deal.stage.name] - 1, (
        open_before,
        open_after,
    )
    expect(page.locator("#tasks-upcoming li", has_text=TASK_TITLE)).to_have_count(1)

    # The reports count it: one more deal won this quarter, worth the deal's amount.
    won_after, won_value_after = _won_this_quarter(page)
    assert (won_after, won_value_after) == (won_before + 1, won_value_before + deal.amount)
    anna_row = page.locator("#table-deals-by-rep tbody tr", has_text="Anna")
    expect(anna_row).to_have_count(1)

    assert page.page_errors == [], page.page_errors
    assert page.console_errors == [], page.console_errors
