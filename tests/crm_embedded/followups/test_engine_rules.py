"""The other four leaks under frozen time: offers expiring unanswered, accepted quotes not
ordered, purchase approvals pending, regular reorders that stopped."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from oscar.core.loading import get_model

from crm_embedded.followups import services
from crm_embedded.followups.detect import cycle_number
from crm_embedded.followups.models import FollowUp, FollowUpOptOut, FollowUpRule
from crm_embedded.quotes import services as quote_services
from crm_embedded.quotes.services import RequestItem
from crm_embedded.tasks.models import Task
from shop.approvals import services as approval_services
from shop.companies.models import CompanyMember
from shop.notifications.models import NotificationLog
from shop.partner.strategy import CompanyPricing
from tests.crm_embedded.followups.engine_helpers import (
    cart_fill,
    order_place,
    rules_ensure,
    total,
)
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Kind = FollowUpRule.Kind
Status = FollowUp.Status
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def rules(db):
    # Accepting a quote fills the basket: the idle-cart rule stays out of these tests.
    return rules_ensure(idle_basket={"active": False})


@pytest.fixture
def brake():
    return ProductFactory(upc="FU-BRAKE", title="Brake disc", stock__price=Decimal("40.00"))


def run_at(moment: datetime) -> services.RunSummary:
    with time_machine.travel(moment, tick=False):
        return services.followups_run()


def rows(kind) -> list[tuple]:
    return list(
        FollowUp.objects.filter(kind=kind)
        .order_by("item_key", "stage")
        .values_list("stage", "status")
    )


def emails(kind: str) -> list[NotificationLog]:
    return list(NotificationLog.objects.filter(kind=kind).order_by("pk"))


def _offer(member, account_manager, product, *, quantity=5, price="38.00", valid_until=None):
    with time_machine.travel(T0, tick=False):
        quote = quote_services.quote_request(
            member=member, items=[RequestItem(product.pk, quantity)]
        )
        line = quote.lines.get()
        quote_services.quote_lines_update(
            quote=quote, by=account_manager, changes={line.pk: {"unit_price": price}}
        )
        if valid_until is not None:
            quote_services.quote_terms_update(
                quote=quote, by=account_manager, valid_until=valid_until, terms=""
            )
        quote_services.quote_send(quote=quote, by=account_manager)
    quote.refresh_from_db()
    return quote


# Offers expiring ----------------------------------------------------------------------


def test_an_unanswered_offer_is_followed_up_before_it_expires_then_reminded_then_a_task(
    rules, buyer_member, account_manager, brake
):
    quote = _offer(buyer_member, account_manager, brake, valid_until=date(2026, 3, 20))
    run_at(datetime(2026, 3, 16, 9, tzinfo=UTC))  # expires in 4 days; the rule looks 3 ahead
    assert rows(Kind.OFFER_EXPIRING) == []

    run_at(datetime(2026, 3, 17, 9, tzinfo=UTC))
    assert rows(Kind.OFFER_EXPIRING) == [(1, Status.SENT)]
    followup = FollowUp.objects.get()
    assert followup.item_key == f"quote:{quote.pk}:offer:2026-03-20"
    assert followup.quote == quote and followup.value == Decimal("190.00")
    [email] = emails("followup_offer")
    assert email.recipients == [buyer_member.user.email]
    assert quote.number in email.subject and "20.03.2026" in email.subject
    assert "FU-BRAKE" in email.body_text and f"/shop/quotes/{quote.number}/" in email.body_text
    assert "/shop/follow-ups/opt-out/" in email.body_text

    run_at(datetime(2026, 3, 18, 8, tzinfo=UTC))  # less than a day after stage 1
    assert rows(Kind.OFFER_EXPIRING) == [(1, Status.SENT)]
    # The day before expiry (earlier than stage2_after_days = 2 would say): the reminder.
    run_at(datetime(2026, 3, 19, 0, 30, tzinfo=UTC))
    assert rows(Kind.OFFER_EXPIRING) == [(1, Status.SENT), (2, Status.SENT), (3, Status.TASK)]
    assert "Reminder" in emails("followup_offer")[1].subject
    task = Task.objects.get()
    assert task.quote == quote and task.owner == account_manager
    assert quote.number in task.title


def test_an_answered_offer_is_left_alone(rules, buyer_member, account_manager, brake):
    quote = _offer(buyer_member, account_manager, brake, valid_until=date(2026, 3, 20))
    with time_machine.travel(datetime(2026, 3, 16, tzinfo=UTC), tick=False):
        quote_services.quote_decline(quote=quote, member=buyer_member, reason="Too dear")
    run_at(datetime(2026, 3, 18, 9, tzinfo=UTC))
    assert rows(Kind.OFFER_EXPIRING) == []


def test_a_valuable_offer_files_the_task_at_stage_one(rules, buyer_member, account_manager, brake):
    _offer(buyer_member, account_manager, brake, quantity=200, price="30.00",
           valid_until=date(2026, 3, 20))  # fmt: skip
    run_at(datetime(2026, 3, 18, 9, tzinfo=UTC))  # 6,000 EUR >= 5,000
    assert rows(Kind.OFFER_EXPIRING) == [(1, Status.SENT), (3, Status.TASK)]


# Accepted quotes not ordered ------------------------------------------------------------


def _accept(quote, member, at):
    with time_machine.travel(at, tick=False):
        basket, _ = Basket.open.get_or_create(owner=member.user)
        basket.strategy = CompanyPricing(company=member.company)
        quote_services.quote_accept(quote=quote, member=member, basket=basket)


def test_an_accepted_quote_not_ordered_gets_an_email_a_reminder_and_a_task(
    rules, buyer_member, account_manager, brake
):
    quote = _offer(buyer_member, account_manager, brake)
    accepted = datetime(2026, 3, 3, 10, tzinfo=UTC)
    _accept(quote, buyer_member, accepted)

    run_at(accepted + timedelta(days=5) - timedelta(minutes=1))
    assert rows(Kind.QUOTE_NOT_ORDERED) == []
    run_at(accepted + timedelta(days=5, minutes=1))
    assert rows(Kind.QUOTE_NOT_ORDERED) == [(1, Status.SENT)]
    [email] = emails("followup_quote_accepted")
    assert quote.number in email.subject and "FU-BRAKE" in email.body_text
    assert FollowUp.objects.get().item_key == f"quote:{quote.pk}:accepted"

    run_at(accepted + timedelta(days=7, minutes=2))
    assert rows(Kind.QUOTE_NOT_ORDERED) == [(1, Status.SENT), (2, Status.SENT), (3, Status.TASK)]
    assert Task.objects.get().quote_id == quote.pk


def test_an_ordered_quote_is_no_leak(rules, buyer_member, account_manager, brake):
    quote = _offer(buyer_member, account_manager, brake)
    accepted = datetime(2026, 3, 3, 10, tzinfo=UTC)
    _accept(quote, buyer_member, accepted)
    quote_services.quote_mark_ordered(quote_number=quote.number, order_number="100123")
    run_at(accepted + timedelta(days=6))
    assert rows(Kind.QUOTE_NOT_ORDERED) == []


# Approvals pending -----------------------------------------------------------------------


@pytest.fixture
def approver(company):
    return CompanyMemberFactory(
        company=company, role=CompanyMember.Role.APPROVER,
        user=UserFactory(email="approver@alpha.example", first_name="Ada", last_name="Approver"),
    )  # fmt: skip


def _approval(member, product, at):
    basket = cart_fill(member, [(product, 3)], at=at)
    with time_machine.travel(at, tick=False):
        return approval_services.approval_request_create(
            basket=basket, member=member, order_total=total("142.80")
        )


def test_a_pending_approval_reminds_the_approvers_then_files_a_task(
    rules, buyer_member, approver, account_manager, brake
):
    request = _approval(buyer_member, brake, T0)
    run_at(T0 + timedelta(hours=23))
    assert rows(Kind.APPROVAL_PENDING) == []
    run_at(T0 + timedelta(hours=25))
    assert rows(Kind.APPROVAL_PENDING) == [(1, Status.SENT)]
    [email] = emails("followup_approval")
    assert email.recipients == ["approver@alpha.example"]  # never the requester
    assert f"/shop/approvals/{request.pk}/" in email.body_text
    assert "FU-BRAKE" in email.body_text and "Hello Ada Approver" not in email.body_text
    followup = FollowUp.objects.get()
    assert followup.approval_id == request.pk and followup.value == Decimal("120.00")

    run_at(T0 + timedelta(days=3, hours=2))
    assert rows(Kind.APPROVAL_PENDING) == [(1, Status.SENT), (2, Status.SENT), (3, Status.TASK)]
    task = Task.objects.get()
    assert task.owner == account_manager and "approval" in task.title.lower()


def test_a_decided_approval_is_no_leak_and_an_opted_out_approver_is_not_emailed(
    rules, buyer_member, approver, brake
):
    request = _approval(buyer_member, brake, T0)
    FollowUpOptOut.objects.create(email="approver@alpha.example")
    run_at(T0 + timedelta(hours=25))
    assert rows(Kind.APPROVAL_PENDING) == [(1, Status.OPTED_OUT), (3, Status.TASK)]
    assert emails("followup_approval") == []
    other = CompanyMemberFactory(company=buyer_member.company)
    second = _approval(other, brake, T0 + timedelta(hours=1))
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        approval_services.approval_request_reject(
            approval_request=second, member=approver, reason="Not now"
        )
    run_at(T0 + timedelta(hours=30))
    assert FollowUp.objects.filter(approval_id=second.pk).count() == 0
    assert request.pk != second.pk


# Reorders lapsed ---------------------------------------------------------------------------


def _cycle_start(n: int, days: int = 30) -> datetime:
    day = date(1970, 1, 1) + timedelta(days=n * days)
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def test_a_product_ordered_three_cycles_running_then_not_for_two_files_a_task(
    rules, company, account_manager, brake
):
    now = datetime(2026, 6, 15, 9, tzinfo=UTC)
    current = cycle_number(now.date(), cycle_days=30)
    for n in (current - 5, current - 4, current - 3):
        order_place(company=company, placed=_cycle_start(n) + timedelta(days=3),
                    lines=[(brake, 10, "400.00")])  # fmt: skip
    run_at(now)
    assert rows(Kind.REORDER_LAPSED) == [(3, Status.TASK)]
    followup = FollowUp.objects.get()
    assert followup.item_key == f"reorder:{company.pk}:{brake.pk}:{current - 3}"
    assert followup.value == Decimal("400.00") and followup.lines[0]["quantity"] == 10
    task = Task.objects.get()
    assert task.owner == account_manager and "Brake disc" in task.title
    assert NotificationLog.objects.filter(kind__startswith="followup_").count() == 0
    run_at(now + timedelta(days=1))
    assert FollowUp.objects.count() == 1 and Task.objects.count() == 1


def test_a_reorder_is_no_lapse_when_ordered_lately_or_not_regularly(rules, company, brake):
    now = datetime(2026, 6, 15, 9, tzinfo=UTC)
    current = cycle_number(now.date(), cycle_days=30)
    other = ProductFactory(upc="FU-OTHER")
    for n in (current - 5, current - 4, current - 3, current - 1):  # ordered again lately
        order_place(company=company, placed=_cycle_start(n) + timedelta(days=1),
                    lines=[(brake, 1, "40.00")])  # fmt: skip
    for n in (current - 5, current - 3):  # a gap: not regular
        order_place(company=company, placed=_cycle_start(n) + timedelta(days=1),
                    lines=[(other, 1, "40.00")])  # fmt: skip
    run_at(now)
    assert rows(Kind.REORDER_LAPSED) == []
