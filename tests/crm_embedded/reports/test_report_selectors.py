"""Every report figure against the hand-computed world of conftest.py."""

import datetime
from decimal import Decimal

import pytest

from crm_embedded.reports import selectors

pytestmark = pytest.mark.django_db

D = datetime.date
Q1 = {"start": D(2026, 1, 1), "end": D(2026, 3, 31)}
THIS_QUARTER = {"start": D(2026, 4, 1), "end": D(2026, 5, 15)}
LAST_12 = {"start": D(2025, 6, 1), "end": D(2026, 5, 15)}


def scope(world, who, rep=None):
    return selectors.report_scope(user=world[who], rep_id=world[rep].pk if rep else None)


def test_periods_from_a_day():
    day = D(2026, 5, 15)
    assert selectors.quarter_of(day) == (D(2026, 4, 1), D(2026, 6, 30))
    assert selectors.quarter_before(day) == (D(2026, 1, 1), D(2026, 3, 31))
    assert selectors.quarter_before(D(2026, 2, 1)) == (D(2025, 10, 1), D(2025, 12, 31))
    assert selectors.month_before(day) == (D(2026, 4, 1), D(2026, 4, 30))
    assert selectors.month_before(D(2026, 1, 31)) == (D(2025, 12, 1), D(2025, 12, 31))
    assert selectors.last_twelve_months(day) == (D(2025, 6, 1), D(2026, 5, 15))


def test_scope_a_rep_their_accounts_a_sales_manager_all_or_one_rep(world):
    anna = scope(world, "anna")
    assert sorted(anna.company_ids) == sorted([world["a1"].pk, world["a2"].pk, world["a3"].pk])
    assert anna.owner_ids == [world["anna"].pk]
    everyone = scope(world, "sofia")
    assert everyone.company_ids is None and everyone.owner_ids is None
    assert everyone.companies.count() == 6
    marco = scope(world, "sofia", rep="marco")
    assert sorted(marco.company_ids) == sorted([world[k].pk for k in ("m1", "m2", "m3")])
    assert marco.owner_ids == [world["marco"].pk]


def test_scope_a_rep_cannot_widen_it_with_a_rep_id(world):
    # The view offers the rep filter to sales managers only; the selector ignores it too.
    widened = selectors.report_scope(user=world["anna"], rep_id=world["marco"].pk)
    assert world["m1"].pk not in widened.company_ids
    assert widened.owner_ids == [world["anna"].pk]


def test_active_customers_this_quarter(world):
    rows = selectors.customers_active(scope=scope(world, "sofia"), **THIS_QUARTER)
    assert [(r["company"], r["orders"], r["revenue"]) for r in rows] == [
        (world["a1"], 2, Decimal("300.00")),  # 100 + 200; the cancelled 500 does not count
        (world["a2"], 1, Decimal("70.00")),
    ]
    assert rows[0]["last_ordered_at"].date() == D(2026, 5, 10)
    assert (
        selectors.customers_active(scope=scope(world, "sofia", rep="marco"), **THIS_QUARTER) == []
    )


def test_new_customers_this_quarter(world):
    assert selectors.customers_new(scope=scope(world, "sofia"), **THIS_QUARTER) == [world["a2"]]
    assert selectors.customers_new(scope=scope(world, "marco"), **THIS_QUARTER) == []
    assert selectors.customers_new(
        scope=scope(world, "anna"), start=D(2025, 6, 1), end=D(2025, 6, 1)
    ) == [world["a3"]]


def test_revenue_by_month_last_twelve_months(world):
    figures = selectors.revenue_months(scope=scope(world, "sofia"), **LAST_12)
    by_month = {m["month"]: (m["revenue"], m["orders"]) for m in figures["months"]}
    assert len(figures["months"]) == 12
    assert list(by_month)[0] == D(2025, 6, 1) and list(by_month)[-1] == D(2026, 5, 1)
    assert by_month[D(2025, 6, 1)] == (Decimal("30.00"), 1)  # the 31 May order is outside
    assert by_month[D(2025, 7, 1)] == (Decimal("0.00"), 0)
    assert by_month[D(2025, 10, 1)] == (Decimal("10.00"), 1)
    assert by_month[D(2026, 1, 1)] == (Decimal("50.00"), 1)
    assert by_month[D(2026, 2, 1)] == (Decimal("400.00"), 1)
    assert by_month[D(2026, 3, 1)] == (Decimal("605.00"), 2)
    assert by_month[D(2026, 4, 1)] == (Decimal("170.00"), 2)
    assert by_month[D(2026, 5, 1)] == (Decimal("200.00"), 1)
    assert figures["revenue"] == Decimal("1465.00") and figures["orders"] == 9


def test_revenue_of_a_rep_and_last_month(world):
    anna = selectors.revenue_months(scope=scope(world, "anna"), **LAST_12)
    assert anna["revenue"] == Decimal("1050.00") and anna["orders"] == 6
    april = {"start": D(2026, 4, 1), "end": D(2026, 4, 30)}
    assert selectors.revenue_between(scope=scope(world, "sofia"), **april) == Decimal("170.00")
    assert selectors.revenue_between(scope=scope(world, "marco"), **april) == Decimal("0.00")


def test_deals_won_and_lost_last_quarter_by_rep(world):
    deals = selectors.deals_by_rep(scope=scope(world, "sofia"), **Q1)
    assert deals["total"] == {
        "rep": None, "won": 3, "won_value": Decimal("3500.00"), "lost": 3,
        "lost_value": Decimal("450.00"), "win_rate": Decimal("50.0"),
    }  # fmt: skip
    assert [(r["rep"], r["won"], r["won_value"], r["lost"], r["lost_value"], r["win_rate"])
            for r in deals["rows"]] == [
        (world["marco"], 1, Decimal("2000.00"), 2, Decimal("150.00"), Decimal("33.3")),
        (world["anna"], 2, Decimal("1500.00"), 1, Decimal("300.00"), Decimal("66.7")),
    ]  # fmt: skip


def test_a_rep_sees_only_their_deals_and_an_empty_period_has_no_win_rate(world):
    anna = selectors.deals_by_rep(scope=scope(world, "anna"), **Q1)
    assert [r["rep"] for r in anna["rows"]] == [world["anna"]]
    assert anna["total"]["won_value"] == Decimal("1500.00")
    empty = selectors.deals_by_rep(scope=scope(world, "anna"), start=D(2024, 1, 1),
                                   end=D(2024, 3, 31))  # fmt: skip
    assert empty["rows"] == [] and empty["total"]["win_rate"] is None


def test_top_closers_by_won_value_and_by_their_accounts_revenue(world):
    closers = selectors.closers_top(scope=scope(world, "sofia"), **Q1)
    assert [(r["rep"], r["won"], r["won_value"], r["accounts"], r["revenue"])
            for r in closers["by_won"]] == [
        (world["marco"], 1, Decimal("2000.00"), 2, Decimal("405.00")),
        (world["anna"], 2, Decimal("1500.00"), 1, Decimal("650.00")),
    ]  # fmt: skip
    assert [r["rep"] for r in closers["by_revenue"]] == [world["anna"], world["marco"]]


def test_accounts_not_ordering_in_60_90_180_days(world):
    dormant = selectors.accounts_dormant(scope=scope(world, "sofia"), today=D(2026, 5, 15))
    assert [(r["company"], r["days"]) for r in dormant["rows"]] == [
        (world["a3"], 348),  # never ordered: since it opened on 1 June 2025
        (world["m1"], 84),
        (world["m3"], 60),  # exactly 60 days counts
    ]
    assert dormant["rows"][0]["last_ordered_at"] is None
    assert dormant["counts"] == {60: 3, 90: 1, 180: 1}  # M2 is on hold: not listed
    anna = selectors.accounts_dormant(scope=scope(world, "anna"), today=D(2026, 5, 15))
    assert [r["company"] for r in anna["rows"]] == [world["a3"]]
    assert anna["counts"] == {60: 1, 90: 1, 180: 1}


def test_quote_conversion_and_median_response_hours(world):
    quotes = selectors.quotes_conversion(scope=scope(world, "sofia"), **Q1)
    assert quotes["total"] == {
        "rep": None, "sent": 3, "converted": 2, "rate": Decimal("66.7"),
        "median_hours": Decimal("24.0"),
    }  # fmt: skip
    assert [(r["rep"], r["sent"], r["converted"], r["rate"], r["median_hours"])
            for r in quotes["rows"]] == [
        (world["anna"], 2, 1, Decimal("50.0"), Decimal("26.0")),  # median of 4 h and 48 h
        (world["marco"], 1, 1, Decimal("100.0"), Decimal("24.0")),
    ]  # fmt: skip
    marco = selectors.quotes_conversion(scope=scope(world, "marco"), **Q1)
    assert [r["rep"] for r in marco["rows"]] == [world["marco"]]
    nothing = selectors.quotes_conversion(scope=scope(world, "anna"), start=D(2024, 1, 1),
                                          end=D(2024, 1, 31))  # fmt: skip
    assert nothing["total"]["rate"] is None and nothing["total"]["median_hours"] is None
