"""The reports page: standard periods, date and rep filters, CSV of every table, charts
under CSP, scoping, clear messages for bad input and a constant number of queries."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm_embedded.reports.tables import TABLES
from tests.crm_embedded.reports.factories import (
    at,
    company_make,
    deal_make,
    order_make,
    quote_make,
    staff_make,
)
from tests.factories import UserFactory
from tests.security.test_csp import _check_page

pytestmark = pytest.mark.django_db

URL = "/crm/reports/"
D = datetime.date


def test_the_url_name():
    assert reverse("crm:report-index") == URL


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_buyers_editors_and_visitors_never_reach_the_reports(client, world, buyer_member, editor):
    assert client.get(URL).status_code == 302
    for user in (buyer_member.user, editor):
        assert get(client, user).status_code == 403


def test_a_sales_manager_sees_every_account_in_the_standard_periods(client, world):
    response = get(client, world["sofia"])
    assert response.status_code == 200
    data = response.context["data"]
    assert response.context["periods"] == {
        "customers": (D(2026, 4, 1), D(2026, 5, 15)),
        "deals": (D(2026, 1, 1), D(2026, 3, 31)),
        "closers": (D(2026, 1, 1), D(2026, 3, 31)),
        "revenue": (D(2025, 6, 1), D(2026, 5, 15)),
        "quotes": (D(2026, 1, 1), D(2026, 3, 31)),
        "deals_current": (D(2026, 4, 1), D(2026, 5, 15)),
    }
    # Beside last quarter's deals, this quarter's so far: Anna's 999 won on 1 April.
    assert data["deals"]["current"]["won"] == 1
    assert data["deals"]["current"]["won_value"] == Decimal("999.00")
    assert [row["company"] for row in data["customers"]["active"]] == [world["a1"], world["a2"]]
    assert data["customers"]["new"] == [world["a2"]]
    assert data["revenue"]["revenue"] == Decimal("1465.00")
    assert data["revenue"]["last_month"] == {"month": D(2026, 4, 1), "revenue": Decimal("170.00")}
    assert data["deals"]["total"]["win_rate"] == Decimal("50.0")
    assert data["dormant"]["counts"] == {60: 3, 90: 1, 180: 1}
    assert data["quotes"]["total"]["median_hours"] == Decimal("24.0")
    html = response.content.decode()
    assert re.search(r'id="figure-active">\s*2<', html)
    assert re.search(r'id="figure-win-rate">\s*50.0 %<', html)
    assert "€1,465.00" in html and "€170.00" in html
    assert re.search(r'id="figure-current-quarter">\s*1 won \(€999.00\), 0 lost<', html)
    assert 'name="rep"' in html


def test_a_rep_sees_their_accounts_and_deals_only_and_has_no_rep_filter(client, world):
    response = get(client, world["anna"], rep=world["marco"].pk)
    assert response.status_code == 200
    data = response.context["data"]
    assert [row["rep"] for row in data["deals"]["rows"]] == [world["anna"]]
    assert data["revenue"]["revenue"] == Decimal("1050.00")
    assert [row["company"] for row in data["dormant"]["rows"]] == [world["a3"]]
    assert [row["rep"] for row in data["quotes"]["rows"]] == [world["anna"]]
    assert 'name="rep"' not in response.content.decode()
    assert "M1 Marco" not in response.content.decode()


def test_a_sales_manager_filters_by_rep(client, world):
    response = get(client, world["sofia"], rep=world["marco"].pk)
    data = response.context["data"]
    assert [row["rep"] for row in data["deals"]["rows"]] == [world["marco"]]
    assert data["revenue"]["revenue"] == Decimal("415.00")  # 10 + 400 + 5
    assert [row["company"] for row in data["dormant"]["rows"]] == [world["m1"], world["m3"]]


def test_the_cockpits_all_reps_is_everyone_here_and_a_bogus_rep_is_a_clear_400(client, world):
    everyone = get(client, world["sofia"]).context["data"]
    response = get(client, world["sofia"], rep="all")
    assert response.status_code == 200
    assert response.context["data"]["revenue"] == everyone["revenue"]
    assert get(client, world["sofia"], rep="999999").status_code == 400


def test_a_picked_period_applies_to_every_report(client, world):
    response = get(client, world["sofia"], start="2026-01-01", end="2026-03-31")
    assert response.status_code == 200
    assert set(response.context["periods"].values()) == {(D(2026, 1, 1), D(2026, 3, 31))}
    assert "current" not in response.context["data"]["deals"]
    data = response.context["data"]
    assert [(r["company"], r["revenue"]) for r in data["customers"]["active"]] == [
        (world["a1"], Decimal("650.00")),
        (world["m1"], Decimal("400.00")),
        (world["m3"], Decimal("5.00")),
    ]
    assert [m["month"] for m in data["revenue"]["months"]] == [
        D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1),
    ]  # fmt: skip
    assert data["revenue"]["revenue"] == Decimal("1055.00")


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2026-01-01"}, "end", "Give both days of the period"),
        ({"end": "2026-01-01"}, "start", "Give both days of the period"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "end", "The end date is before the start"),
        ({"start": "2026-13-45", "end": "2026-02-01"}, "start", "Enter a valid date."),
        ({"start": "1990-01-01", "end": "2026-02-01"}, "start", "at most five years"),
        ({"rep": "999999"}, "rep", "Select a valid choice."),
    ],
)
def test_bad_filters_are_explained_beside_the_field(client, world, params, field, message):
    response = get(client, world["sofia"], **params)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    for value in params.values():
        assert f'value="{value}"' in html or value == "999999"  # nothing typed is lost


def test_every_table_exports_as_csv_with_the_same_figures(client, world):
    client.force_login(world["sofia"])
    page = client.get(URL).content.decode()
    for key in TABLES:
        assert f"table={key}" in page
        rows = csv_rows(client.get(URL, {"format": "csv", "table": key}))
        assert len(rows) >= 2, key
    deals = csv_rows(client.get(URL, {"format": "csv", "table": "deals-by-rep"}))
    assert deals == [
        ["Account manager", "Won", "Won value (EUR)", "Lost", "Lost value (EUR)", "Win rate (%)"],
        ["Marco Rossi", "1", "2000.00", "2", "150.00", "33.3"],
        ["Anna Berg", "2", "1500.00", "1", "300.00", "66.7"],
        ["Total", "3", "3500.00", "3", "450.00", "50.0"],
    ]
    revenue = csv_rows(client.get(URL, {"format": "csv", "table": "revenue-by-month"}))
    assert len(revenue) == 13 and revenue[1] == ["2025-06", "1", "30.00", "EUR"]
    assert revenue[-1] == ["2026-05", "1", "200.00", "EUR"]
    dormant = csv_rows(client.get(URL, {"format": "csv", "table": "dormant-accounts"}))
    assert dormant[1] == ["A3 Anna Silent GmbH", "Anna Berg", "never", "348"]
    quotes = csv_rows(client.get(URL, {"format": "csv", "table": "quote-conversion"}))
    assert quotes[-1] == ["Total", "3", "2", "66.7", "24.0"]
    closers = csv_rows(client.get(URL, {"format": "csv", "table": "closers-by-revenue"}))
    assert closers[1] == ["Anna Berg", "2", "1500.00", "1", "650.00"]


def test_csv_keeps_the_filters_and_the_scope(client, world):
    response = get(client, world["anna"], format="csv", table="active-customers",
                   start="2026-01-01", end="2026-03-31")  # fmt: skip
    rows = csv_rows(response)
    assert rows[1:] == [["A1 Anna Alpha GmbH", "Anna Berg", "2", "650.00", "EUR", "2026-03-10"]]
    assert 'filename="report-active-customers-2026-05-15.csv"' in response["Content-Disposition"]


def test_an_unknown_table_is_not_found(client, world):
    assert get(client, world["sofia"], format="csv", table="salaries").status_code == 404


def test_charts_read_json_from_the_page_and_the_page_satisfies_the_csp(client, world):
    response = get(client, world["sofia"])
    _check_page(response)
    html = response.content.decode()
    assert "/static/crm/vendor/chart.js/chart.umd.min.js" in html
    assert "/static/crm/reports/charts.js" in html
    block = re.search(
        r'<script nonce="[^"]+" id="chart-revenue" type="application/json">(.*?)</script>', html
    )
    revenue = json.loads(block.group(1))
    assert revenue["datasets"][0]["data"][-1] == "200.00" and len(revenue["labels"]) == 12
    deals = json.loads(
        re.search(r'id="chart-deals" type="application/json">(.*?)</script>', html).group(1)
    )
    assert deals["labels"] == ["Marco Rossi", "Anna Berg"]
    assert deals["datasets"][0]["data"] == ["2000.00", "1500.00"]
    for name in ("chart-revenue", "chart-deals", "chart-dormant"):
        assert f'data-chart="{name}"' in html


def _more_history(world, n: int) -> None:
    """More reps, accounts, orders, deals and quotes: the page must not ask more for them."""
    for i in range(n):
        rep = staff_make(email=f"rep{i}@partshub.example", first="Rep", last=str(i))
        company = company_make(name=f"Extra {i} GmbH", manager=rep, opened=D(2025, 2, 1))
        for month in (2, 4, 5):
            order_make(company=company, placed=at(D(2026, month, 3)), total="10.00")
        deal_make(company=company, owner=rep, amount="100.00", kind="won", closed=at(D(2026, 2, 2)))
        deal_make(company=company, owner=rep, amount="50.00", kind="lost", closed=at(D(2026, 2, 3)))
        quote_make(company=company, manager=rep, buyer=UserFactory(), state="ordered",
                   requested=at(D(2026, 2, 1)), sent=[at(D(2026, 2, 2))])  # fmt: skip


def test_the_page_asks_the_same_number_of_queries_whatever_the_history(
    client, world, django_assert_num_queries
):
    client.force_login(world["sofia"])
    client.get(URL)  # first requests fill caches (site, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    _more_history(world, 4)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert len(response.context["data"]["deals"]["rows"]) == 6
