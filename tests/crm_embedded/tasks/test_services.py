"""The tasks room's services and selectors: the names other rooms call."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from crm_embedded.tasks import selectors, services
from crm_embedded.tasks.models import Task
from crm_embedded.tasks.services import TaskError
from tests.crm_embedded.tasks.factories import TaskFactory, opportunity_make, quote_make
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0)


def _at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def test_task_create_by_key_returns_the_existing_task_open_or_closed(account_manager, company):
    first = services.task_create(owner=account_manager, title="Review limit", key="credit:1")
    again = services.task_create(owner=account_manager, title="Other title", key="credit:1")
    assert again.pk == first.pk and again.title == "Review limit"
    services.task_complete(task=first, by=account_manager, outcome="Raised to 50k")
    assert services.task_create(owner=account_manager, title="x", key="credit:1").pk == first.pk
    assert Task.objects.filter(key="credit:1").count() == 1


def test_task_create_without_key_makes_new_tasks_and_keeps_fields(account_manager, company):
    quote = quote_make(company=company)
    task = services.task_create(
        owner=account_manager, title="  Call   Jonas  ", quote=quote, priority=Task.Priority.HIGH,
        description="About the brake pads", url="/crm/quotes/1/", created_by=account_manager,
    )  # fmt: skip
    assert task.title == "Call Jonas"
    assert task.company == company  # taken from the quote
    assert task.source == Task.Source.AUTOMATIC and task.priority == Task.Priority.HIGH
    assert services.task_create(owner=account_manager, title="Call Jonas").pk != task.pk


def test_task_create_refuses_a_quote_of_another_company(account_manager, company):
    other = CompanyFactory(account_manager=account_manager)
    with pytest.raises(TaskError) as error:
        services.task_create(owner=account_manager, title="x", company=company,
                             quote=quote_make(company=other))  # fmt: skip
    assert error.value.field == "quote"
    opportunity = opportunity_make(company=other, owner=account_manager)
    with pytest.raises(TaskError) as error:
        services.task_create(owner=account_manager, title="x", company=company,
                             opportunity=opportunity)  # fmt: skip
    assert error.value.field == "opportunity"
    assert not Task.objects.exists()


def test_task_create_refuses_an_empty_title(account_manager):
    with pytest.raises(TaskError) as error:
        services.task_create(owner=account_manager, title="   ")
    assert error.value.field == "title"


@time_machine.travel(NOON, tick=False)
def test_a_task_by_hand_cannot_be_due_in_the_past_automation_can(account_manager):
    past = timezone.now() - timedelta(minutes=1)
    with pytest.raises(TaskError) as error:
        services.task_create(owner=account_manager, title="x", due_at=past,
                             source=Task.Source.MANUAL)  # fmt: skip
    assert error.value.field == "due_at"
    assert "in the past" in error.value.message
    task = services.task_create(owner=account_manager, title="Overdue quote", due_at=past)
    assert task.due_at == past


@time_machine.travel(NOON, tick=False)
def test_task_update_changes_fields_and_rearms_the_reminder(account_manager, company):
    task = TaskFactory(owner=account_manager, reminder_sent_at=timezone.now())
    later = timezone.now() + timedelta(days=5)
    services.task_update(task=task, by=account_manager, title="New", due_at=later, company=company)
    task.refresh_from_db()
    assert (task.title, task.due_at, task.company, task.reminder_sent_at) == (
        "New", later, company, None)  # fmt: skip
    with pytest.raises(TaskError) as error:
        services.task_update(task=task, by=account_manager, due_at=timezone.now() - timedelta(1))
    assert error.value.field == "due_at"
    with pytest.raises(TaskError):
        services.task_update(task=task, by=account_manager, done_at=timezone.now())


@time_machine.travel(NOON, tick=False)
def test_an_overdue_task_can_be_edited_without_touching_its_due_date(account_manager):
    task = TaskFactory(owner=account_manager, due_at=timezone.now() - timedelta(days=3))
    services.task_update(task=task, by=account_manager, due_at=task.due_at, title="Still to do")
    task.refresh_from_db()
    assert task.title == "Still to do"


def test_task_complete_needs_an_outcome_and_happens_once(account_manager):
    task = TaskFactory(owner=account_manager)
    with pytest.raises(TaskError) as error:
        services.task_complete(task=task, by=account_manager, outcome="  ")
    assert error.value.field == "outcome"
    services.task_complete(task=task, by=account_manager, outcome="Called, order follows")
    task.refresh_from_db()
    assert task.done_at is not None and task.completed_by == account_manager
    assert task.outcome == "Called, order follows"
    with pytest.raises(TaskError):
        services.task_complete(task=task, by=account_manager, outcome="again")


def test_task_reopen(account_manager):
    task = TaskFactory(owner=account_manager, done_at=timezone.now(), outcome="x")
    services.task_reopen(task=task, by=account_manager)
    task.refresh_from_db()
    assert task.done_at is None and task.outcome == ""


def test_tasks_close_by_prefix_or_keys_only_open_ones(account_manager):
    a = TaskFactory(owner=account_manager, key="quote-approval:7:1")
    b = TaskFactory(owner=account_manager, key="quote-approval:7:2")
    done = TaskFactory(owner=account_manager, key="quote-approval:7:3", done_at=timezone.now())
    other = TaskFactory(owner=account_manager, key="quote-approval:70:1")
    unkeyed = TaskFactory(owner=account_manager)
    assert services.tasks_close(key_prefix="quote-approval:7:", by=account_manager) == 2
    assert services.tasks_close(keys=["quote-approval:70:1"], outcome="Answered") == 1
    for task in (a, b, done, other, unkeyed):
        task.refresh_from_db()
    assert a.done_at and b.done_at and a.completed_by == account_manager
    assert other.outcome == "Answered" and unkeyed.done_at is None
    with pytest.raises(TaskError):
        services.tasks_close(key_prefix="")


def test_tasks_for_staff_scoping(account_manager, sales_manager, company, buyer):
    other_rep = UserFactory(is_staff=True)
    other_rep.groups.add(account_manager.groups.first())
    mine = TaskFactory(owner=account_manager)
    on_my_account = TaskFactory(owner=other_rep, company=company)
    theirs = TaskFactory(owner=other_rep)
    assert set(selectors.tasks_for_staff(user=account_manager)) == {mine, on_my_account}
    assert set(selectors.tasks_for_staff(user=other_rep)) == {on_my_account, theirs}
    assert set(selectors.tasks_for_staff(user=sales_manager)) == {mine, on_my_account, theirs}
    assert not selectors.tasks_for_staff(user=buyer).exists()


def test_tasks_open_for_splits_overdue_and_today_in_one_query(
    account_manager, django_assert_num_queries
):
    today = date(2026, 3, 10)
    other = UserFactory()
    overdue = TaskFactory(owner=account_manager, due_at=_at(today - timedelta(days=1), 18))
    early = TaskFactory(owner=account_manager, due_at=_at(today, 0))
    late = TaskFactory(owner=account_manager, due_at=_at(today, 23))
    TaskFactory(owner=account_manager, due_at=_at(today + timedelta(days=1), 0))
    TaskFactory(owner=account_manager, due_at=_at(today, 9), done_at=timezone.now())
    TaskFactory(owner=account_manager, due_at=None)
    theirs = TaskFactory(owner=other, due_at=_at(today, 10))
    with django_assert_num_queries(1):
        result = selectors.tasks_open_for(owner_ids=[account_manager.pk], today=today)
        assert [t.company for t in result["today"]]  # links come with the query
    assert result == {"overdue": [overdue], "today": [early, late]}
    everyone = selectors.tasks_open_for(owner_ids=None, today=today)
    assert everyone["today"] == [early, theirs, late]
    assert selectors.tasks_open_for(owner_ids=[], today=today) == {"overdue": [], "today": []}


def test_tasks_for_company_lists_open_tasks_soonest_first(account_manager, company):
    undated = TaskFactory(owner=account_manager, company=company, due_at=None)
    soon = TaskFactory(owner=account_manager, company=company,
                       due_at=timezone.now() + timedelta(days=1))  # fmt: skip
    later = TaskFactory(owner=account_manager, company=company,
                        due_at=timezone.now() + timedelta(days=9))  # fmt: skip
    TaskFactory(owner=account_manager, company=company, done_at=timezone.now())
    TaskFactory(owner=account_manager, company=CompanyFactory())
    assert selectors.tasks_for_company(company_id=company.pk) == [soon, later, undated]
    assert selectors.tasks_for_company(company_id=company.pk, limit=1) == [soon]


def test_a_task_by_hand_on_an_account_goes_only_to_someone_who_may_open_it(
    account_manager, sales_manager, company
):
    """A colleague outside the account would see its title and a link that 404s for them."""
    colleague = UserFactory(email="colleague@partshub.example", is_staff=True)
    colleague.groups.add(*account_manager.groups.all())
    due = timezone.now() + timedelta(days=1)
    with pytest.raises(TaskError) as refused:
        services.task_create(owner=colleague, title="Call", company=company, due_at=due,
                             source=Task.Source.MANUAL, created_by=account_manager)  # fmt: skip
    assert refused.value.field == "owner"
    assert company.legal_name in refused.value.message
    assert not Task.objects.filter(title="Call").exists()
    task = services.task_create(owner=sales_manager, title="Call", company=company, due_at=due,
                                source=Task.Source.MANUAL, created_by=account_manager)  # fmt: skip
    with pytest.raises(TaskError):
        services.task_update(task=task, by=account_manager, owner=colleague)
    task.refresh_from_db()
    assert task.owner == sales_manager
    # Without an account, anyone on the team may own it.
    services.task_update(task=task, by=account_manager, owner=colleague, company=None)
    task.refresh_from_db()
    assert (task.owner, task.company) == (colleague, None)
