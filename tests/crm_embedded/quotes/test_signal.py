"""quote_state_changed: sent once per state move, after the commit, with ids; a failing
receiver never breaks the quote, and a rolled-back move tells nobody."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from crm_embedded.quotes import services
from crm_embedded.quotes.models import Quote
from crm_embedded.quotes.services import RequestItem
from crm_embedded.quotes.signals import quote_state_changed
from crm_embedded.quotes.states import State
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """What the receivers heard: a list of the signal's keyword arguments."""
    calls = []

    def listen(sender, **kwargs):
        calls.append({k: v for k, v in kwargs.items() if k != "signal"})

    quote_state_changed.connect(listen, dispatch_uid="test-quote-signal")
    yield calls
    quote_state_changed.disconnect(dispatch_uid="test-quote-signal")


@pytest.fixture
def requested(buyer_member):
    product = ProductFactory(upc="SIG-1", stock__price=Decimal("20.00"))
    return services.quote_request(member=buyer_member, items=[RequestItem(product.pk, 5)])


def test_a_state_move_is_announced_once_after_the_commit_with_ids(
    requested, account_manager, heard, django_capture_on_commit_callbacks
):
    assert heard == []  # a new request is created in its first state, not moved into it
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_start_review(quote=requested, by=account_manager)
        assert heard == []  # not before the commit
    assert heard == [
        {
            "quote_id": requested.pk,
            "from_state": State.REQUESTED,
            "to_state": State.IN_REVIEW,
            "by_user_id": account_manager.pk,
        }
    ]


def test_a_rolled_back_move_tells_nobody(
    requested, account_manager, heard, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.quote_start_review(quote=requested, by=account_manager)
        raise RuntimeError("the request fails after the move")
    assert heard == []
    assert Quote.objects.get(pk=requested.pk).state == State.REQUESTED


def test_a_refused_move_tells_nobody(
    requested, buyer_member, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.QuoteError):
        services.quote_decline(quote=requested, member=buyer_member, reason=" ")
    assert heard == []


def test_a_failing_receiver_never_breaks_the_quote_or_the_other_receivers(
    requested, account_manager, heard, django_capture_on_commit_callbacks
):
    def broken(sender, **kwargs):
        raise ConnectionError("the pipeline room is down")

    quote_state_changed.connect(broken, dispatch_uid="test-quote-signal-broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.quote_start_review(quote=requested, by=account_manager)
    finally:
        quote_state_changed.disconnect(dispatch_uid="test-quote-signal-broken")
    assert Quote.objects.get(pk=requested.pk).state == State.IN_REVIEW
    assert [call["to_state"] for call in heard] == [State.IN_REVIEW]


def test_automation_moves_are_announced_without_a_user(
    requested, account_manager, heard, django_capture_on_commit_callbacks
):
    services.quote_lines_update(
        quote=requested,
        by=account_manager,
        changes={requested.lines.get().pk: {"unit_price": "19.00"}},
    )
    services.quote_send(quote=requested, by=account_manager)
    heard.clear()
    later = timezone.localdate() + timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.quotes_expire(today=later) == 1
    assert heard == [
        {
            "quote_id": requested.pk,
            "from_state": State.OFFERED,
            "to_state": State.EXPIRED,
            "by_user_id": None,
        }
    ]
