"""A quote linked to an opportunity closes it: won when accepted or ordered, lost otherwise."""

from unittest import mock

import pytest

from crm_embedded.pipeline import receivers
from crm_embedded.quotes.models import Quote
from crm_embedded.quotes.signals import quote_state_changed
from tests.crm_embedded.pipeline.factories import OpportunityFactory, account_manager, stage
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked():
    company = CompanyFactory(account_manager=account_manager())
    quote = Quote.objects.create(number="Q-PIPE", company=company, requested_by=UserFactory())
    return OpportunityFactory(company=company, quote=quote, stage=stage("Negotiation"))


def _send(opportunity, to_state, capture):
    with capture(execute=True) as callbacks:
        quote_state_changed.send_robust(
            sender=Quote, quote_id=opportunity.quote_id, from_state="offered", to_state=to_state,
            by_user_id=None,
        )  # fmt: skip
    opportunity.refresh_from_db()
    return callbacks


@pytest.mark.parametrize("to_state", ["accepted", "ordered"])
def test_an_accepted_or_ordered_quote_wins_its_opportunity(
    linked, to_state, django_capture_on_commit_callbacks
):
    callbacks = _send(linked, to_state, django_capture_on_commit_callbacks)
    assert len(callbacks) == 1  # the move waits for the commit
    assert (linked.stage.name, linked.probability) == ("Won", 100)
    assert linked.closed_at is not None


@pytest.mark.parametrize(
    ("to_state", "reason"),
    [("declined", "Quote declined by the buyer"), ("rejected", "Quote rejected by us"),
     ("expired", "Quote expired"), ("cancelled", "Quote cancelled")],
)  # fmt: skip
def test_a_declined_rejected_expired_or_cancelled_quote_loses_it(
    linked, to_state, reason, django_capture_on_commit_callbacks
):
    _send(linked, to_state, django_capture_on_commit_callbacks)
    assert (linked.stage.name, linked.lost_reason) == ("Lost", reason)


def test_other_states_and_closed_opportunities_stay(linked, django_capture_on_commit_callbacks):
    _send(linked, "in_review", django_capture_on_commit_callbacks)
    assert linked.stage.name == "Negotiation"
    linked.stage = stage("Lost")
    linked.lost_reason = "Budget cut"
    linked.save()
    _send(linked, "accepted", django_capture_on_commit_callbacks)
    assert (linked.stage.name, linked.lost_reason) == ("Lost", "Budget cut")


def test_the_receiver_never_raises_into_the_quote(linked, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(receivers.services, "opportunity_move", side_effect=RuntimeError("boom")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        # .send, not .send_robust: an exception would reach the caller
        responses = quote_state_changed.send(
            sender=Quote, quote_id=linked.quote_id, from_state="offered",
            to_state="accepted", by_user_id=None,
        )  # fmt: skip
    assert responses
    linked.refresh_from_db()
    assert linked.stage.name == "Negotiation"


def _offered(company):
    from datetime import timedelta

    from django.utils import timezone

    return Quote.objects.create(
        number=f"Q-{company.pk}", company=company, requested_by=UserFactory(), state="offered",
        valid_until=timezone.localdate() - timedelta(days=1),
    )  # fmt: skip


def test_the_quote_rooms_own_moves_reach_the_pipeline(django_capture_on_commit_callbacks):
    """Through the quote services, not a hand-sent signal: a declined and an expired offer."""
    from crm_embedded.quotes import services as quote_services
    from tests.factories import CompanyMemberFactory

    company = CompanyFactory(account_manager=account_manager())
    declined_quote = _offered(company)
    expired_quote = _offered(CompanyFactory(account_manager=account_manager()))
    declined = OpportunityFactory(company=company, quote=declined_quote)
    expired = OpportunityFactory(company=expired_quote.company, quote=expired_quote)
    member = CompanyMemberFactory(company=company)
    with django_capture_on_commit_callbacks(execute=True):
        quote_services.quote_decline(quote=declined_quote, member=member, reason="Too dear")
    with django_capture_on_commit_callbacks(execute=True):
        quote_services.quotes_expire()
    declined.refresh_from_db()
    expired.refresh_from_db()
    assert (declined.stage.name, declined.lost_reason) == ("Lost", "Quote declined by the buyer")
    assert (expired.stage.name, expired.lost_reason) == ("Lost", "Quote expired")
