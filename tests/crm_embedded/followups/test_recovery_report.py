"""Recovered by follow-ups: the reports' table (by rule and stage, date and rep filters, CSV)
and the cockpit's figure, against a hand-computed world frozen on Friday 15 May 2026, noon UTC.

Follow-ups (created, status, recovered net EUR):       Standard period: this quarter so far,
  A1 (Anna)  cart  s1  2026-03-31 23:00 sent  999.00 (out)   1 Apr – 15 May 2026.
  A1         cart  s1  2026-04-10 sent        300.00
  A1         cart  s1  2026-04-12 sent          —
  A1         cart  s1  2026-04-20 opted out    50.50
  A1         cart  s2  2026-04-25 sent        100.00
  A1         cart  s1  2026-04-26 failed        —  (reached nobody: never counts)
  A1         offer s1  2026-05-02 sent          —
  M1 (Marco) cart  s1  2026-05-05 sent         20.00
  M1         reorder s3 2026-05-06 task         —
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db.models import F

from crm_embedded.followups.attribution import followups_attribute
from crm_embedded.followups.models import FollowUp, FollowUpRule
from crm_embedded.followups.recovery import recovery_by_rule
from tests.crm_embedded.followups.crm_fixtures import at, followup_make, order_with_lines
from tests.crm_embedded.reports.factories import staff_make
from tests.factories import CompanyFactory, ProductFactory

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = datetime.datetime(2026, 5, 15, 12, 0, tzinfo=datetime.UTC)
URL = "/crm/reports/"
K = FollowUpRule.Kind
S = FollowUp.Status


@pytest.fixture
def world(db):
    with time_machine.travel(NOW, tick=False):
        anna = staff_make(email="anna@partshub.example", first="Anna", last="Berg")
        marco = staff_make(email="marco@partshub.example", first="Marco", last="Rossi")
        sofia = staff_make(email="sofia@partshub.example", group="Sales managers", first="Sofia")
        a1 = CompanyFactory(legal_name="A1 Anna GmbH", account_manager=anna)
        m1 = CompanyFactory(legal_name="M1 Marco GmbH", account_manager=marco)
        for company, kind, stage, created, status, amount in [
            (a1, K.IDLE_BASKET, 1, at(D(2026, 3, 31), 23), S.SENT, "999.00"),
            (a1, K.IDLE_BASKET, 1, at(D(2026, 4, 10)), S.SENT, "300.00"),
            (a1, K.IDLE_BASKET, 1, at(D(2026, 4, 12)), S.SENT, None),
            (a1, K.IDLE_BASKET, 1, at(D(2026, 4, 20)), S.OPTED_OUT, "50.50"),
            (a1, K.IDLE_BASKET, 2, at(D(2026, 4, 25)), S.SENT, "100.00"),
            (a1, K.IDLE_BASKET, 1, at(D(2026, 4, 26)), S.FAILED, None),
            (a1, K.OFFER_EXPIRING, 1, at(D(2026, 5, 2)), S.SENT, None),
            (m1, K.IDLE_BASKET, 1, at(D(2026, 5, 5)), S.SENT, "20.00"),
            (m1, K.REORDER_LAPSED, 3, at(D(2026, 5, 6)), S.TASK, None),
        ]:
            followup = followup_make(
                company=company, kind=kind, stage=stage, created=created, status=status
            )
            if amount:
                FollowUp.objects.filter(pk=followup.pk).update(
                    recovered_order_number=f"R-{followup.pk}",
                    recovered_amount=Decimal(amount),
                    recovered_at=F("created_at"),
                )
        yield {"anna": anna, "marco": marco, "sofia": sofia, "a1": a1, "m1": m1}


def table(rows) -> list[tuple]:
    return [(r.kind, r.stage, r.followups, r.recovered, r.rate, r.revenue) for r in rows]


def test_recovery_by_rule_counts_rate_and_revenue_by_rule_and_stage(world):
    rows = recovery_by_rule(start=D(2026, 4, 1), end=D(2026, 5, 15))
    assert table(rows) == [
        ("idle_basket", 1, 4, 3, Decimal("75.0"), Decimal("370.50")),
        ("idle_basket", 2, 1, 1, Decimal("100.0"), Decimal("100.00")),
        ("offer_expiring", 1, 1, 0, Decimal("0.0"), Decimal("0.00")),
        ("reorder_lapsed", 3, 1, 0, Decimal("0.0"), Decimal("0.00")),
        ("", None, 7, 4, Decimal("57.1"), Decimal("470.50")),
    ]
    assert rows[0].kind_label == "Idle cart" and rows[1].stage_label == "Stage 2 (reminder)"
    # One company's: Marco's account.
    assert table(
        recovery_by_rule(start=D(2026, 4, 1), end=D(2026, 5, 15), company_ids=[world["m1"].pk])
    ) == [  # fmt: skip
        ("idle_basket", 1, 1, 1, Decimal("100.0"), Decimal("20.00")),
        ("reorder_lapsed", 3, 1, 0, Decimal("0.0"), Decimal("0.00")),
        ("", None, 2, 1, Decimal("50.0"), Decimal("20.00")),
    ]
    # Both days count, to the end of the last one; nothing: only a total without a rate.
    assert table(recovery_by_rule(start=D(2026, 3, 31), end=D(2026, 3, 31))) == [
        ("idle_basket", 1, 1, 1, Decimal("100.0"), Decimal("999.00")),
        ("", None, 1, 1, Decimal("100.0"), Decimal("999.00")),
    ]
    assert table(recovery_by_rule(start=D(2026, 1, 1), end=D(2026, 3, 30))) == [
        ("", None, 0, 0, None, Decimal("0.00")),
    ]


def get(client, user, **params):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(URL, params)


def test_the_reports_show_the_table_for_the_quarter_so_far(client, world):
    response = get(client, world["sofia"])
    assert response.status_code == 200
    assert table(response.context["data"]["recovery"]["rows"])[-1] == (
        "", None, 7, 4, Decimal("57.1"), Decimal("470.50")
    )  # fmt: skip
    html = response.content.decode()
    section = html[html.index('id="report-recovery"') :]
    assert 'id="figure-recovery-rate">57.1 %<' in section
    assert 'id="figure-recovered-revenue">€470.50<' in section
    assert "4 of 7 items followed up" in section
    assert "Stage 2 (reminder)" in section and "Regular reorder lapsed" in section


def test_an_account_manager_sees_their_accounts_and_a_sales_manager_filters_by_rep(client, world):
    rows = get(client, world["anna"]).context["data"]["recovery"]["rows"]
    assert table(rows) == [
        ("idle_basket", 1, 3, 2, Decimal("66.7"), Decimal("350.50")),
        ("idle_basket", 2, 1, 1, Decimal("100.0"), Decimal("100.00")),
        ("offer_expiring", 1, 1, 0, Decimal("0.0"), Decimal("0.00")),
        ("", None, 5, 3, Decimal("60.0"), Decimal("450.50")),
    ]
    rows = get(client, world["sofia"], rep=world["marco"].pk).context["data"]["recovery"]["rows"]
    assert table(rows)[-1] == ("", None, 2, 1, Decimal("50.0"), Decimal("20.00"))


def test_the_date_filter_picks_the_followups_created_in_the_period(client, world):
    response = get(client, world["sofia"], start="2026-03-01", end="2026-03-31")
    assert table(response.context["data"]["recovery"]["rows"]) == [
        ("idle_basket", 1, 1, 1, Decimal("100.0"), Decimal("999.00")),
        ("", None, 1, 1, Decimal("100.0"), Decimal("999.00")),
    ]
    response = get(client, world["sofia"], start="2026-01-01", end="2026-01-31")
    assert "No follow-up reached a buyer or an account manager in this period." in (
        response.content.decode()
    )


def test_the_csv_of_the_table(client, world):
    response = get(client, world["anna"], format="csv", table="recovered-by-followups")
    assert response["Content-Type"].startswith("text/csv")
    assert "report-recovered-by-followups-2026-05-15.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Rule", "Stage", "Follow-ups", "Recovered", "Recovery rate (%)",
         "Recovered revenue (net)", "Currency"],
        ["Idle cart", "Stage 1", "3", "2", "66.7", "350.50", "EUR"],
        ["Idle cart", "Stage 2 (reminder)", "1", "1", "100.0", "100.00", "EUR"],
        ["Offer expiring unanswered", "Stage 1", "1", "0", "0.0", "0.00", "EUR"],
        ["Total", "", "5", "3", "60.0", "450.50", "EUR"],
    ]  # fmt: skip
    response = get(client, world["sofia"], format="csv", table="recovered-by-followups",
                   start="2026-01-01", end="2026-01-31")  # fmt: skip
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [["Total", "", "0", "0", "", "0.00", "EUR"]]


def test_an_attributed_order_shows_in_the_report(client, world):
    product = ProductFactory(stock=False)
    with time_machine.travel(NOW, tick=False):
        followup = followup_make(company=world["a1"], created=at(D(2026, 5, 10)),
                                 products=[product])  # fmt: skip
        order_with_lines(company=world["a1"], placed=at(D(2026, 5, 12)),
                         lines=[(product, "75.25")])  # fmt: skip
        assert followups_attribute() == 1
    followup.refresh_from_db()
    assert followup.recovered_amount == Decimal("75.25")
    rows = get(client, world["anna"]).context["data"]["recovery"]["rows"]
    assert table(rows)[0] == ("idle_basket", 1, 4, 3, Decimal("75.0"), Decimal("425.75"))


def test_the_cockpit_shows_what_follow_ups_recovered_this_month(client, world):
    # Anna's reminder of 25 April recovered an order placed on 3 May: May's revenue.
    FollowUp.objects.filter(company=world["a1"], stage=2).update(recovered_at=at(D(2026, 5, 3)))
    client.force_login(world["anna"])
    with time_machine.travel(NOW, tick=False):
        response = client.get("/crm/")
    figure = response.context["followup_recovery"]
    # May's own follow-ups: Anna's offer of 2 May, not recovered.
    assert (figure.revenue, figure.orders, figure.followups, figure.recovered, figure.rate) == (
        Decimal("100.00"), 1, 1, 0, Decimal("0.0")
    )  # fmt: skip
    client.force_login(world["sofia"])
    with time_machine.travel(NOW, tick=False):
        response = client.get("/crm/", {"rep": "all"})
    figure = response.context["followup_recovery"]
    assert (figure.revenue, figure.orders, figure.followups, figure.recovered, figure.rate) == (
        Decimal("120.00"), 2, 3, 1, Decimal("33.3")
    )  # fmt: skip
    html = response.content.decode()
    tile = html[html.index('id="followup-recovery"') :]
    assert "120.00 EUR" in tile and "33.3 %" in tile
    with time_machine.travel(NOW, tick=False):
        response = client.get("/crm/", {"rep": world["marco"].pk})
    figure = response.context["followup_recovery"]
    assert (figure.revenue, figure.orders, figure.followups) == (Decimal("20.00"), 1, 2)


def test_one_cart_with_an_email_and_a_task_counts_once_and_is_credited_to_the_email(client, db):
    """The walker's demo: stage 1 and the task filed in one run, the buyer orders from the email.
    Before the fix: the task was credited, the total read 2 follow-ups, 1 recovered, 50 %."""
    from crm_embedded.tasks.services import task_create

    anna = staff_make(email="anna@partshub.example", first="Anna")
    company = CompanyFactory(legal_name="Rheinland Auto", account_manager=anna)
    product = ProductFactory(stock=False)
    item, created = "basket:42:1778400000", at(D(2026, 5, 12), 9)
    with time_machine.travel(NOW, tick=False):
        email = followup_make(company=company, item=item, stage=1, created=created,
                              products=[product])  # fmt: skip
        task = task_create(
            owner=anna, title="Idle cart", company=company, key=f"followup:{item}:task"
        )
        followup_make(company=company, item=item, stage=3, created=created, products=[product],
                      status=S.TASK, task=task)  # fmt: skip
        order_with_lines(company=company, placed=at(D(2026, 5, 13)), lines=[(product, "292.24")])
        assert followups_attribute() == 1
    email.refresh_from_db()
    assert email.recovered_amount == Decimal("292.24")

    rows = recovery_by_rule(start=D(2026, 5, 1), end=D(2026, 5, 15))
    assert table(rows) == [
        ("idle_basket", 1, 1, 1, Decimal("100.0"), Decimal("292.24")),
        ("idle_basket", 3, 1, 0, Decimal("0.0"), Decimal("0.00")),
        ("", None, 1, 1, Decimal("100.0"), Decimal("292.24")),
    ]
    html = get(client, anna).content.decode()
    section = html[html.index('id="report-recovery"') :]
    assert 'id="figure-recovery-rate">100.0 %<' in section and "1 of 1 items followed up" in section

    client.force_login(anna)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/crm/")
    figure = response.context["followup_recovery"]
    assert (figure.revenue, figure.orders, figure.followups, figure.recovered, figure.rate) == (
        Decimal("292.24"), 1, 1, 1, Decimal("100.0")
    )  # fmt: skip
    html = response.content.decode()
    assert "(1 of 1 items)" in html[html.index('id="followup-recovery"') :]
