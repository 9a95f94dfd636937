"""The follow-up engine under frozen time: each rule's stages, opt-out and consent, the task
route, failures retried with backoff for the failing item only, and a run that never raises."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from crm_embedded.contacts.models import Contact
from crm_embedded.followups import detect, services, tasks
from crm_embedded.followups.models import FollowUp, FollowUpOptOut, FollowUpRule
from crm_embedded.followups.selectors import email_allowed
from crm_embedded.followups.tokens import opt_out_token_read, restore_token_read
from crm_embedded.tasks.models import Task
from shop.companies.models import CompanyMember
from shop.notifications.models import NotificationLog
from tests.crm_embedded.followups.engine_helpers import cart_fill, rules_ensure
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = FollowUpRule.Kind
Status = FollowUp.Status
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday morning


@pytest.fixture
def rules(db):
    return rules_ensure()


@pytest.fixture
def bolt():
    return ProductFactory(upc="FU-BOLT", title="Hex bolt M8", stock__price=Decimal("12.50"))


@pytest.fixture
def pump():
    return ProductFactory(upc="FU-PUMP", title="Hydraulic pump", stock__price=Decimal("900.00"))


def run_at(moment: datetime) -> services.RunSummary:
    with time_machine.travel(moment, tick=False):
        return services.followups_run()


def rows(**filters) -> list[tuple]:
    return list(
        FollowUp.objects.filter(**filters)
        .order_by("item_key", "stage")
        .values_list("kind", "stage", "status")
    )


def logs(kind: str | None = None) -> list[NotificationLog]:
    entries = NotificationLog.objects.filter(kind__startswith="followup_").order_by("pk")
    return list(entries.filter(kind=kind) if kind else entries)


# Idle carts ------------------------------------------------------------------------------


def test_an_idle_cart_gets_one_email_with_its_lines_a_restore_and_an_opt_out_link(
    rules, buyer_member, bolt
):
    cart_fill(buyer_member, [(bolt, 4)], at=T0)

    run_at(T0 + timedelta(hours=3, minutes=59))
    assert rows() == []  # not idle long enough

    summary = run_at(T0 + timedelta(hours=4, minutes=1))
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.SENT)]
    assert summary.count(kind=Kind.IDLE_BASKET, stage=1, status=Status.SENT) == 1
    followup = FollowUp.objects.get()
    assert followup.item_key == f"basket:{followup.basket_id}:{int(T0.timestamp())}"
    assert followup.value == Decimal("50.00") and followup.user_id == buyer_member.user_id
    assert followup.lines == [
        {"product_id": bolt.pk, "sku": "FU-BOLT", "title": "Hex bolt M8", "quantity": 4,
         "unit_price": "12.50"}
    ]  # fmt: skip
    [entry] = logs()
    assert entry.kind == "followup_cart" and entry.recipients == [buyer_member.user.email]
    assert entry.key == f"followup:{followup.pk}" == followup.notification_key
    assert "FU-BOLT" in entry.body_text and "Hex bolt M8" in entry.body_text
    assert "4 ×" in entry.body_text and "12.50" in entry.body_text
    restore = re.search(r"/shop/follow-ups/restore/([^/\s]+)/", entry.body_text).group(1)
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        claim = restore_token_read(restore)
    assert (claim.followup_id, claim.user_id) == (followup.pk, buyer_member.user_id)
    opt_out = re.search(r"/shop/follow-ups/opt-out/([^/\s]+)/", entry.body_text).group(1)
    assert opt_out_token_read(opt_out) == buyer_member.user.email.lower()
    assert "<a href=" in entry.body_html  # the links are clickable in the HTML part
    assert not Task.objects.exists()  # 50 EUR: below the task threshold

    run_at(T0 + timedelta(hours=5))
    assert len(rows()) == 1 and len(logs()) == 1  # never twice per item and stage


def test_the_reminder_comes_stage2_after_days_later_and_then_a_task(
    rules, buyer_member, bolt, account_manager
):
    cart_fill(buyer_member, [(bolt, 2)], at=T0)
    first = T0 + timedelta(hours=5)
    run_at(first)

    run_at(first + timedelta(days=2) - timedelta(minutes=1))
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.SENT)]

    run_at(first + timedelta(days=2, minutes=1))
    assert rows() == [
        (Kind.IDLE_BASKET, 1, Status.SENT),
        (Kind.IDLE_BASKET, 2, Status.SENT),
        (Kind.IDLE_BASKET, 3, Status.TASK),
    ]
    assert [e.kind for e in logs()] == ["followup_cart", "followup_cart_reminder"]
    reminder = logs("followup_cart_reminder")[0]
    assert "/shop/follow-ups/restore/" in reminder.body_text
    task = Task.objects.get()
    item_key = FollowUp.objects.get(stage=1).item_key
    assert task.key == f"followup:{item_key}:task"
    assert task.owner == account_manager and task.company == buyer_member.company
    assert "FU-BOLT" in task.description and "Idle cart" in task.title
    assert FollowUp.objects.get(stage=3).task == task

    run_at(first + timedelta(days=5))
    assert len(rows()) == 3 and len(logs()) == 2 and Task.objects.count() == 1


def test_a_valuable_cart_files_the_task_at_stage_one(rules, buyer_member, pump, account_manager):
    cart_fill(buyer_member, [(pump, 2)], at=T0)  # 1,800 EUR >= 1,000
    run_at(T0 + timedelta(hours=5))
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.SENT), (Kind.IDLE_BASKET, 3, Status.TASK)]
    assert Task.objects.get().owner == account_manager


def test_without_an_account_manager_the_task_goes_to_a_sales_manager(
    rules, buyer_member, pump, sales_manager
):
    buyer_member.company.account_manager = None
    buyer_member.company.save(update_fields=["account_manager"])
    cart_fill(buyer_member, [(pump, 2)], at=T0)
    run_at(T0 + timedelta(hours=5))
    assert Task.objects.get().owner == sales_manager


def test_a_cart_touched_again_after_stage_one_is_a_new_item(rules, buyer_member, bolt):
    basket = cart_fill(buyer_member, [(bolt, 1)], at=T0)
    run_at(T0 + timedelta(hours=5))
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        line = basket.lines.get()
        line.quantity = 3
        line.save()
    run_at(T0 + timedelta(days=1, hours=2))  # touched 2 hours ago: not idle
    assert len(rows()) == 1
    run_at(T0 + timedelta(days=2, hours=1))  # the first item's reminder would be due now
    keys = list(FollowUp.objects.order_by("pk").values_list("item_key", "stage"))
    new_since = int((T0 + timedelta(days=1)).timestamp())
    assert keys == [
        (f"basket:{basket.pk}:{int(T0.timestamp())}", 1),
        (f"basket:{basket.pk}:{new_since}", 1),
    ]
    assert [e.kind for e in logs()] == ["followup_cart", "followup_cart"]


def test_frozen_and_ordered_carts_are_no_leaks(rules, buyer_member, company, bolt):
    from tests.crm_embedded.followups.engine_helpers import order_place

    basket = cart_fill(buyer_member, [(bolt, 1)], at=T0)
    basket.freeze()
    run_at(T0 + timedelta(hours=5))
    assert rows() == []
    basket.thaw()
    # A colleague ordered the product after the cart went idle: the buyer has moved on.
    order_place(company=company, placed=T0 + timedelta(hours=1), lines=[(bolt, 1, "12.50")])
    run_at(T0 + timedelta(hours=5))
    assert rows() == []


# Opt-out and consent: the task route only ------------------------------------------------


def test_an_opted_out_buyer_gets_no_email_and_the_account_manager_a_task(
    rules, buyer_member, bolt, account_manager
):
    FollowUpOptOut.objects.create(email=buyer_member.user.email.upper())
    cart_fill(buyer_member, [(bolt, 1)], at=T0)
    run_at(T0 + timedelta(hours=5))
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.OPTED_OUT), (Kind.IDLE_BASKET, 3, Status.TASK)]
    assert logs() == []
    assert "opted out" in Task.objects.get().description
    run_at(T0 + timedelta(days=4))  # no reminder for them either
    assert len(rows()) == 2 and logs() == []


def test_a_declined_marketing_consent_is_respected_an_untouched_one_is_not_a_refusal(
    rules, buyer_member, bolt
):
    user = buyer_member.user
    contact = Contact.objects.create(
        company=buyer_member.company, first_name="B", last_name="Uyer", email=user.email,
        marketing_consent=False,
    )  # fmt: skip
    assert email_allowed(email=user.email, user_id=user.pk)  # never asked: allowed
    contact.consent_changed_at = T0
    contact.save()
    assert not email_allowed(email=user.email, user_id=user.pk)
    assert not email_allowed(email=user.email.upper(), user_id=None)  # by address alone
    cart_fill(buyer_member, [(bolt, 1)], at=T0)
    run_at(T0 + timedelta(hours=5))
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.OPTED_OUT), (Kind.IDLE_BASKET, 3, Status.TASK)]
    assert logs() == []
    contact.marketing_consent = True
    contact.save()
    assert email_allowed(email=user.email, user_id=user.pk)


def test_email_allowed_reads_opt_outs_by_address_or_user():
    user = UserFactory(email="someone@client.example")
    assert email_allowed(email="someone@client.example", user_id=user.pk)
    assert not email_allowed(email="", user_id=user.pk)
    FollowUpOptOut.objects.create(email="other@client.example", user=user)
    assert not email_allowed(email="someone@client.example", user_id=user.pk)
    assert email_allowed(email="someone@client.example", user_id=None)


# Failures: the item alone, retried with backoff ------------------------------------------


def test_a_failing_email_marks_the_item_failed_and_a_later_run_retries_it(
    rules, buyer_member, bolt
):
    cart_fill(buyer_member, [(bolt, 1)], at=T0)
    start = T0 + timedelta(hours=5)
    with mock.patch.object(services, "notification_send", side_effect=OSError("SMTP down")):
        summary = run_at(start)
    followup = FollowUp.objects.get()
    assert followup.status == Status.FAILED and followup.attempts == 1
    assert followup.last_error == "OSError: SMTP down"
    assert followup.next_attempt_at == start + timedelta(minutes=10)
    assert summary.count(status=Status.FAILED) == 1 and logs() == []

    run_at(start + timedelta(minutes=9))  # not yet due
    assert FollowUp.objects.get().attempts == 1 and logs() == []

    run_at(start + timedelta(minutes=11))
    followup.refresh_from_db()
    assert (followup.status, followup.attempts, followup.last_error) == (Status.SENT, 1, "")
    assert followup.next_attempt_at is None
    assert [e.key for e in logs()] == [f"followup:{followup.pk}"]


def test_backoff_doubles_and_gives_up_after_five_attempts(rules, buyer_member, bolt):
    cart_fill(buyer_member, [(bolt, 1)], at=T0)
    moment = T0 + timedelta(hours=5)
    waits = []
    with mock.patch.object(services, "notification_send", side_effect=RuntimeError("down")):
        for _ in range(7):
            run_at(moment)
            followup = FollowUp.objects.get(stage=1)
            if followup.next_attempt_at is None:
                break
            waits.append(followup.next_attempt_at - moment)
            moment = followup.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (10, 20, 40, 80)]
    assert (followup.status, followup.attempts) == (Status.FAILED, 5)
    # Given up on the email: the account manager gets the task instead, once.
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.FAILED), (Kind.IDLE_BASKET, 3, Status.TASK)]
    run_at(moment + timedelta(days=1))
    assert FollowUp.objects.get(stage=1).attempts == 5 and logs() == []
    assert Task.objects.count() == 1


def test_one_failing_item_does_not_stop_the_others(rules, company, bolt):
    members = [
        CompanyMemberFactory(company=company, user=UserFactory(email=f"b{n}@alpha.example"))
        for n in range(3)
    ]
    for member in members:
        cart_fill(member, [(bolt, 1)], at=T0)
    real_send = services.notification_send

    def send(**kwargs):
        if kwargs["to"] == ["b1@alpha.example"]:
            raise ValueError("bad row")
        return real_send(**kwargs)

    with mock.patch.object(services, "notification_send", side_effect=send):
        run_at(T0 + timedelta(hours=5))
    statuses = dict(FollowUp.objects.values_list("email", "status"))
    assert statuses == {
        "b0@alpha.example": Status.SENT,
        "b1@alpha.example": Status.FAILED,
        "b2@alpha.example": Status.SENT,
    }
    assert sorted(r for e in logs() for r in e.recipients) == [
        "b0@alpha.example",
        "b2@alpha.example",
    ]


def test_a_failing_detector_is_logged_and_the_other_rules_still_run(
    rules, buyer_member, bolt, caplog
):
    cart_fill(buyer_member, [(bolt, 1)], at=T0)

    def broken(**kwargs):
        raise RuntimeError("quotes table gone")
        yield  # pragma: no cover

    with mock.patch.dict(detect.DETECTORS, {Kind.OFFER_EXPIRING: broken}):
        summary = run_at(T0 + timedelta(hours=5))
    assert summary.detector_errors == [Kind.OFFER_EXPIRING]
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.SENT)]
    assert "offer_expiring detector failed" in caplog.text


def test_the_run_never_raises_even_when_the_rules_cannot_be_read(rules):
    with mock.patch.object(services.selectors, "rules_active", side_effect=RuntimeError("db")):
        summary = services.followups_run()
    assert summary.detector_errors == ["rules"]


def test_a_failing_task_is_retried_without_a_second_email(
    rules, buyer_member, pump, account_manager
):
    cart_fill(buyer_member, [(pump, 2)], at=T0)
    start = T0 + timedelta(hours=5)
    with mock.patch.object(services, "task_create", side_effect=RuntimeError("tasks down")):
        run_at(start)
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.SENT), (Kind.IDLE_BASKET, 3, Status.FAILED)]
    run_at(start + timedelta(minutes=11))
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.SENT), (Kind.IDLE_BASKET, 3, Status.TASK)]
    assert len(logs()) == 1 and Task.objects.count() == 1


def test_an_abandoned_claim_is_taken_up_after_its_lease(rules, buyer_member, bolt):
    cart_fill(buyer_member, [(bolt, 1)], at=T0)
    start = T0 + timedelta(hours=5)
    # A worker claimed the row and died before acting.
    with mock.patch.object(services, "_act", side_effect=SystemExit), pytest.raises(SystemExit):
        run_at(start)
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.PENDING)]
    run_at(start + timedelta(minutes=10))
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.PENDING)] and logs() == []
    run_at(start + services.LEASE + timedelta(minutes=1))
    assert rows() == [(Kind.IDLE_BASKET, 1, Status.SENT)] and len(logs()) == 1


# Rules switched off, emails off ------------------------------------------------------------


def test_an_inactive_rule_does_nothing_and_email_off_means_the_task_from_its_threshold(
    rules, buyer_member, bolt, pump
):
    FollowUpRule.objects.filter(kind=Kind.IDLE_BASKET).update(active=False)
    cart_fill(buyer_member, [(bolt, 1)], at=T0)
    run_at(T0 + timedelta(hours=5))
    assert rows() == []
    FollowUpRule.objects.filter(kind=Kind.IDLE_BASKET).update(active=True, email_buyer=False)
    run_at(T0 + timedelta(hours=6))
    assert rows() == [] and logs() == []  # 12.50 EUR: below the task threshold
    other = CompanyMemberFactory(company=buyer_member.company)
    cart_fill(other, [(pump, 2)], at=T0)
    run_at(T0 + timedelta(hours=7))
    assert rows() == [(Kind.IDLE_BASKET, 3, Status.TASK)] and logs() == []


def test_the_celery_task_runs_the_engine_and_answers_with_counts(rules, buyer_member, bolt):
    cart_fill(buyer_member, [(bolt, 1)], at=T0)
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        result = tasks.followups_run.apply().get()
    assert result["done"] == {"idle_basket/1/sent": 1}
    assert result["detector_errors"] == []


def test_a_buyer_who_left_the_company_gets_nothing(rules, buyer_member, bolt):
    cart_fill(buyer_member, [(bolt, 1)], at=T0)
    CompanyMember.objects.filter(pk=buyer_member.pk).update(is_active=False)
    run_at(T0 + timedelta(hours=5))
    assert rows() == []


def test_the_email_is_written_in_the_buyers_language(rules, buyer_member, bolt):
    from shop.notifications.models import NotificationLanguage

    NotificationLanguage.objects.create(user=buyer_member.user, language="de")
    cart_fill(buyer_member, [(bolt, 1)], at=T0)
    run_at(T0 + timedelta(hours=5))
    assert logs()[0].language == "de"
    assert timezone.now()  # the clock is back


def test_opting_out_after_the_first_email_stops_the_reminder_and_files_the_task(
    rules, buyer_member, bolt, account_manager
):
    cart_fill(buyer_member, [(bolt, 1)], at=T0)
    run_at(T0 + timedelta(hours=5))
    FollowUpOptOut.objects.create(email=buyer_member.user.email, user=buyer_member.user)
    run_at(T0 + timedelta(days=2, hours=6))
    assert rows() == [
        (Kind.IDLE_BASKET, 1, Status.SENT),
        (Kind.IDLE_BASKET, 2, Status.OPTED_OUT),
        (Kind.IDLE_BASKET, 3, Status.TASK),
    ]
    assert [e.kind for e in logs()] == ["followup_cart"]
    assert Task.objects.get().owner == account_manager


def test_a_run_with_nothing_new_costs_the_same_queries_whatever_the_number_of_items(
    rules, company, bolt
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def quiet_run_queries(carts: int, hour: int) -> int:
        for _ in range(carts):
            member = CompanyMemberFactory(company=company, user=UserFactory())
            cart_fill(member, [(bolt, 1)], at=T0)
        run_at(T0 + timedelta(hours=hour))  # acts on the new carts
        with CaptureQueriesContext(connection) as queries:
            run_at(T0 + timedelta(hours=hour, minutes=10))  # nothing new to do
        return len(queries)

    few = quiet_run_queries(3, hour=5)
    assert FollowUp.objects.count() == 3
    many = quiet_run_queries(12, hour=6)
    assert FollowUp.objects.count() == 15
    assert few == many  # the rows of a batch are read at once: nothing per item
