"""The pipeline demo: open deals across stages, two won and one lost last quarter; idempotent."""

from datetime import date

import pytest
import time_machine

from crm_embedded.pipeline import demo, selectors
from crm_embedded.pipeline.models import Opportunity
from crm_embedded.quotes.models import Quote
from tests.crm_embedded.pipeline.factories import account_manager
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_board_and_last_quarter_once():
    anna = account_manager(email="anna.berg@partshub.example")
    marco = account_manager(email="marco.rossi@partshub.example")
    companies = {
        slug: CompanyFactory(slug=slug, account_manager=manager)
        for slug, manager in (("rheinland-auto", anna), ("iberia-fleet", anna),
                              ("nordic-textile", marco))
    }  # fmt: skip
    offer = Quote.objects.create(number="Q-DEMO", company=companies["rheinland-auto"],
                                 requested_by=UserFactory(), state="offered")  # fmt: skip
    with time_machine.travel(date(2026, 12, 2), tick=False):
        assert demo.demo_ensure() == 10
        assert demo.demo_ensure() == 0
        summary = selectors.pipeline_summary(owner_ids=[anna.pk])
    assert [row["count"] for row in summary] == [1, 1, 1, 1]
    closed = selectors.deals_closed(start=date(2026, 7, 1), end=date(2026, 9, 30))
    assert sorted((d.stage.kind, d.owner.email.split("@")[0]) for d in closed) == [
        ("lost", "anna.berg"), ("won", "anna.berg"), ("won", "marco.rossi"),
    ]  # fmt: skip
    assert Opportunity.objects.get(name="Conveyor belts replacement").probability == 80
    # The demo offer backs Rheinland's deal in negotiation: accepting it wins the deal.
    assert Opportunity.objects.get(quote=offer).name == "Brake service kits: 2027 framework"


def test_the_demo_does_nothing_without_the_demo_people():
    assert demo.demo_ensure() == 0
