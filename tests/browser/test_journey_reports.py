"""Journey: a sales manager opens the reports in Chromium; Chart.js draws every chart from
the page's JSON under the Content-Security-Policy, with no script error or violation."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
    window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def report_people(portal_server):
    from django.utils import timezone

    from tests.crm_embedded.reports.factories import (
        company_make,
        deal_make,
        order_make,
        staff_make,
    )

    today = timezone.localdate()
    manager = staff_make(email="sofia.reports@partshub.example", group="Sales managers")
    rep = staff_make(email="anna.reports@partshub.example", first="Anna", last="Berg")
    company = company_make(name="Chart Works GmbH", manager=rep, opened=today.replace(day=1))
    for days in (1, 40, 100, 200):
        order_make(company=company, placed=timezone.now() - datetime.timedelta(days=days),
                   total="250.00")  # fmt: skip
    quiet = company_make(name="Quiet Mills AB", manager=rep, opened=datetime.date(2025, 1, 1))
    order_make(company=quiet, placed=timezone.now() - datetime.timedelta(days=120), total="99.00")
    last_quarter_day = today.replace(day=1) - datetime.timedelta(days=95)
    closed = timezone.make_aware(datetime.datetime.combine(last_quarter_day, datetime.time(12)))
    deal_make(company=company, owner=rep, amount="1200.00", kind="won", closed=closed)
    deal_make(company=company, owner=rep, amount="300.00", kind="lost", closed=closed)
    return manager


def test_the_reports_charts_are_drawn_without_errors(page: Page, report_people):
    from tests.factories import PASSWORD

    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/accounts/login/?next=/crm/reports/")
    page.locator('input[name="login"]').fill(report_people.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator("form button[type=submit] >> nth=-1").click()
    expect(page).to_have_url(re.compile(r"/crm/reports/$"))
    expect(page.locator("#table-active-customers")).to_contain_text("Chart Works GmbH")
    expect(page.locator("#table-dormant-accounts")).to_contain_text("Quiet Mills AB")
    # The click's navigation may still be loading the deferred chart script when the tables
    # are already in the DOM: wait until Chart.js has drawn, then read what it drew.
    page.wait_for_function(
        "() => window.Chart && ['chart-revenue', 'chart-deals', 'chart-dormant'].every("
        "(n) => window.Chart.getChart(document.querySelector(`canvas[data-chart=${n}]`)))"
    )
    for name in ("chart-revenue", "chart-deals", "chart-dormant"):
        drawn = page.evaluate(
            "(name) => { const c = document.querySelector(`canvas[data-chart=${name}]`);"
            " const chart = window.Chart && window.Chart.getChart(c);"
            " return chart ? chart.data.datasets[0].data : null; }",
            name,
        )
        assert drawn, f"{name} was not drawn"
    revenue = page.evaluate(
        "() => window.Chart.getChart(document.querySelector('canvas[data-chart=chart-revenue]'))"
        ".data.datasets[0].data.reduce((a, b) => a + b, 0)"
    )
    assert revenue == 250 * 4 + 99
    page.get_by_role("link", name="Last quarter").click()
    expect(page.locator("#table-deals-by-rep")).to_contain_text("Anna Berg")
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == [] and page.page_errors == []
