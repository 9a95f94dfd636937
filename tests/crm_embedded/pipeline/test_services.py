"""Opportunity services: create, update and move (won/lost, lost reason, closed_at, probability)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from crm_embedded.pipeline import services
from crm_embedded.pipeline.models import Stage
from crm_embedded.pipeline.services import OpportunityError
from tests.crm_embedded.pipeline.factories import OpportunityFactory, account_manager, stage
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():
    return account_manager(email="rep@partshub.example")


@pytest.fixture
def company(rep):
    return CompanyFactory(account_manager=rep)


def test_the_migration_seeds_the_default_stages_in_order():
    rows = list(Stage.objects.values_list("name", "probability", "kind"))
    assert rows == [
        ("Qualification", 10, "open"),
        ("Needs analysis", 20, "open"),
        ("Proposal", 50, "open"),
        ("Negotiation", 75, "open"),
        ("Won", 100, "won"),
        ("Lost", 0, "lost"),
    ]


def test_create_takes_the_stage_probability_unless_one_is_given(company, rep):
    followed = services.opportunity_create(
        company=company, name=" Brake pads 2027 ", amount="12500.50", stage=stage("Proposal"),
        owner=rep, by=rep,
    )  # fmt: skip
    assert (followed.name, followed.amount, followed.probability) == (
        "Brake pads 2027", Decimal("12500.50"), 50,
    )  # fmt: skip
    assert followed.probability_manual is False
    typed = services.opportunity_create(
        company=company, name="Filters", amount=100, stage=stage("Proposal"), owner=rep, by=rep,
        probability=30,
    )  # fmt: skip
    assert (typed.probability, typed.probability_manual) == (30, True)


@pytest.mark.parametrize(
    ("amount", "message"),
    [("12a00", "as a number"), ("-5", "cannot be negative"), ("NaN", "as a number")],
)
def test_create_refuses_an_amount_with_letters_or_negative(company, rep, amount, message):
    with pytest.raises(OpportunityError) as error:
        services.opportunity_create(
            company=company, name="X", amount=amount, stage=stage("Proposal"), owner=rep, by=rep
        )
    assert error.value.field == "amount" and message in error.value.message


def test_create_refuses_a_closed_stage_a_foreign_quote_and_a_non_staff_owner(company, rep):
    with pytest.raises(OpportunityError) as error:
        services.opportunity_create(
            company=company, name="X", amount=1, stage=stage("Won"), owner=rep, by=rep
        )
    assert error.value.field == "stage"
    with pytest.raises(OpportunityError) as error:
        services.opportunity_create(
            company=company, name="X", amount=1, stage=stage("Proposal"), owner=UserFactory(),
            by=rep,
        )  # fmt: skip
    assert error.value.field == "owner"


def test_moving_follows_the_stage_probability_unless_it_was_typed(company, rep):
    opportunity = OpportunityFactory(company=company)
    moved = services.opportunity_move(opportunity=opportunity, stage=stage("Negotiation"), by=rep)
    assert (moved.stage.name, moved.probability, moved.closed_at) == ("Negotiation", 75, None)
    services.opportunity_update(opportunity=moved, by=rep, probability=60)
    moved = services.opportunity_move(opportunity=moved, stage=stage("Proposal"), by=rep)
    assert moved.probability == 60  # typed by hand: stays
    moved = services.opportunity_update(opportunity=moved, by=rep, probability=None)
    assert (moved.probability, moved.probability_manual) == (50, False)


def test_won_sets_closed_at_and_100_percent(company, rep):
    opportunity = OpportunityFactory(company=company)
    with time_machine.travel(datetime(2026, 11, 3, 9, 30, tzinfo=UTC), tick=False):
        won = services.opportunity_move(opportunity=opportunity, stage=stage("Won"), by=rep)
    assert won.closed_at == datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
    assert (won.probability, won.lost_reason) == (100, "")


def test_lost_needs_a_reason_and_keeps_it(company, rep):
    opportunity = OpportunityFactory(company=company)
    with pytest.raises(OpportunityError) as error:
        services.opportunity_move(opportunity=opportunity, stage=stage("Lost"), by=rep,
                                  lost_reason="   ")  # fmt: skip
    assert error.value.field == "lost_reason"
    opportunity.refresh_from_db()
    assert opportunity.stage.name == "Qualification" and opportunity.closed_at is None
    lost = services.opportunity_move(
        opportunity=opportunity, stage=stage("Lost"), by=rep, lost_reason=" Competitor cheaper "
    )
    assert (lost.lost_reason, lost.probability) == ("Competitor cheaper", 0)
    assert lost.closed_at is not None


def test_reopening_clears_closed_at_and_the_reason(company, rep):
    opportunity = OpportunityFactory(company=company)
    services.opportunity_move(opportunity=opportunity, stage=stage("Lost"), by=rep, lost_reason="x")
    reopened = services.opportunity_move(opportunity=opportunity, stage=stage("Proposal"), by=rep)
    assert (reopened.closed_at, reopened.lost_reason, reopened.probability) == (None, "", 50)


def test_a_switched_off_stage_is_refused(company, rep):
    off = Stage.objects.create(name="Parked", position=45, probability=5, is_active=False)
    with pytest.raises(OpportunityError) as error:
        services.opportunity_move(
            opportunity=OpportunityFactory(company=company), stage=off, by=rep
        )
    assert error.value.field == "stage"


def test_update_refuses_a_negative_amount_and_a_foreign_quote(company, rep):
    from crm_embedded.quotes.models import Quote

    opportunity = OpportunityFactory(company=company)
    with pytest.raises(OpportunityError) as error:
        services.opportunity_update(opportunity=opportunity, by=rep, amount="-1")
    assert error.value.field == "amount"
    other = Quote.objects.create(number="Q-OTHER", company=CompanyFactory(),
                                 requested_by=UserFactory())  # fmt: skip
    with pytest.raises(OpportunityError) as error:
        services.opportunity_update(opportunity=opportunity, by=rep, quote=other)
    assert error.value.field == "quote"
    updated = services.opportunity_update(
        opportunity=opportunity,
        by=rep,
        name="Renamed",
        amount="250",
        expected_close=date(2027, 1, 5),
    )
    assert (updated.name, updated.amount, updated.expected_close) == (
        "Renamed", Decimal("250.00"), date(2027, 1, 5),
    )  # fmt: skip


def test_stages_configure_renames_reorders_and_the_followers_take_the_new_probability(rep):
    proposal = stage("Proposal")
    follower = OpportunityFactory(company=CompanyFactory(account_manager=rep), stage=proposal)
    typed = OpportunityFactory(company=follower.company, stage=proposal, probability=33,
                               probability_manual=True)  # fmt: skip
    services.stages_configure(
        changes=[
            (proposal, {"name": "Offer", "position": 5, "probability": 40, "is_active": True})
        ],
        new=[{"name": "Trial", "position": 35, "probability": 60, "is_active": True}],
        by=rep,
    )
    assert [s.name for s in Stage.objects.filter(kind="open")] == [
        "Offer", "Qualification", "Needs analysis", "Trial", "Negotiation",
    ]  # fmt: skip
    follower.refresh_from_db()
    typed.refresh_from_db()
    assert (follower.probability, typed.probability) == (40, 33)


def test_stages_configure_refuses_clear_mistakes(rep):
    proposal, won = stage("Proposal"), stage("Won")
    OpportunityFactory(company=CompanyFactory(account_manager=rep), stage=proposal)
    cases = [
        ([(proposal, {"name": "Proposal", "position": 1, "probability": 50, "is_active": False})],
         [], "is_active", "still has 1"),
        ([(won, {"name": "Won", "position": 1, "probability": 90, "is_active": True})],
         [], "probability", "always 100"),
        ([], [{"name": "negotiation", "position": 1, "probability": 5, "is_active": True}],
         "name", "same name"),
    ]  # fmt: skip
    for changes, new, field, words in cases:
        with pytest.raises(OpportunityError) as error:
            services.stages_configure(changes=changes, new=new, by=rep)
        assert error.value.field == field and words in error.value.message
    assert stage("Proposal").is_active and stage("Won").probability == 100


def test_two_stages_may_swap_names(rep):
    a, b = stage("Proposal"), stage("Negotiation")
    services.stages_configure(
        changes=[
            (
                a,
                {
                    "name": "Negotiation",
                    "position": a.position,
                    "probability": 50,
                    "is_active": True,
                },
            ),
            (b, {"name": "Proposal", "position": b.position, "probability": 75, "is_active": True}),
        ],
        new=[],
        by=rep,
    )
    assert Stage.objects.get(pk=a.pk).name == "Negotiation"
