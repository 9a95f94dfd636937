"""Selectors other rooms call: pipeline_summary, deals_closed, opportunities_for_company/_staff."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from crm_embedded.pipeline import selectors
from tests.crm_embedded.pipeline.factories import (
    OpportunityFactory,
    account_manager,
    sales_manager,
    stage,
)
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def world():
    anna, marco = account_manager(), account_manager()
    a, m = CompanyFactory(account_manager=anna), CompanyFactory(account_manager=marco)
    return {"anna": anna, "marco": marco, "a": a, "m": m}


def test_pipeline_summary_counts_sums_and_weights_per_open_stage(world, django_assert_num_queries):
    proposal, negotiation = stage("Proposal"), stage("Negotiation")
    OpportunityFactory(
        company=world["a"], stage=proposal, amount=Decimal("1000.00"), probability=50
    )
    OpportunityFactory(company=world["a"], stage=proposal, amount=Decimal("333.33"), probability=33)
    OpportunityFactory(
        company=world["a"], stage=negotiation, amount=Decimal("2000"), probability=75
    )
    OpportunityFactory(company=world["m"], stage=proposal, amount=Decimal("5000"), probability=50)
    OpportunityFactory(
        company=world["a"], stage=stage("Won"), amount=Decimal("9999"), probability=100
    )
    with django_assert_num_queries(2):
        everyone = selectors.pipeline_summary(owner_ids=None)
    assert [(r["stage"].name, r["count"], r["amount"], r["weighted"]) for r in everyone] == [
        ("Qualification", 0, Decimal("0.00"), Decimal("0.00")),
        ("Needs analysis", 0, Decimal("0.00"), Decimal("0.00")),
        # 500 + 109.9989 = 609.9989 -> 610.00; 2500
        ("Proposal", 3, Decimal("6333.33"), Decimal("3110.00")),
        ("Negotiation", 1, Decimal("2000.00"), Decimal("1500.00")),
    ]
    annas = selectors.pipeline_summary(owner_ids=[world["anna"].pk])
    assert [(r["count"], r["weighted"]) for r in annas][2:] == [
        (2, Decimal("610.00")), (1, Decimal("1500.00")),
    ]  # fmt: skip


def test_deals_closed_takes_won_and_lost_within_inclusive_dates(world):
    won_first = OpportunityFactory(company=world["a"], stage=stage("Won"),
                                   closed_at=_at(2026, 7, 1, 0))  # fmt: skip
    lost_last = OpportunityFactory(company=world["m"], stage=stage("Lost"), lost_reason="Price",
                                   closed_at=_at(2026, 9, 30, 23))  # fmt: skip
    OpportunityFactory(company=world["a"], stage=stage("Won"), closed_at=_at(2026, 10, 1, 0))
    OpportunityFactory(company=world["a"], stage=stage("Won"), closed_at=_at(2026, 6, 30, 23))
    OpportunityFactory(company=world["a"], stage=stage("Proposal"))
    deals = selectors.deals_closed(start=date(2026, 7, 1), end=date(2026, 9, 30))
    assert deals == [won_first, lost_last]
    assert selectors.deals_closed(
        start=date(2026, 7, 1), end=date(2026, 9, 30), owner_ids=[world["marco"].pk]
    ) == [lost_last]


def test_opportunities_for_company_open_first_then_closed_newest_first(world):
    late = OpportunityFactory(company=world["a"], expected_close=date(2027, 3, 1))
    soon = OpportunityFactory(company=world["a"], expected_close=date(2027, 1, 1))
    old = OpportunityFactory(company=world["a"], stage=stage("Won"), closed_at=_at(2026, 1, 5))
    new = OpportunityFactory(company=world["a"], stage=stage("Lost"), closed_at=_at(2026, 5, 5))
    OpportunityFactory(company=world["m"])
    assert selectors.opportunities_for_company(company_id=world["a"].pk) == [soon, late, new, old]


def test_opportunities_for_staff_a_rep_sees_their_accounts_a_sales_manager_all(world):
    mine = OpportunityFactory(company=world["a"])
    theirs = OpportunityFactory(company=world["m"])
    assert list(selectors.opportunities_for_staff(user=world["anna"])) == [mine]
    assert set(selectors.opportunities_for_staff(user=sales_manager())) == {mine, theirs}
    assert list(selectors.opportunities_for_staff(user=UserFactory())) == []
