"""The task pages: list with filters and overdue rows, new (prefilled), edit, done with outcome."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm_embedded.tasks.models import Task
from tests.crm_embedded.tasks.factories import TaskFactory, opportunity_make, quote_make
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0)


@pytest.fixture
def other_rep(db):
    user = UserFactory(email="other-am@partshub.example", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Account managers")[0])
    return user


def _rows(response) -> str:
    return response.content.decode()


@time_machine.travel(NOON, tick=False)
def test_the_list_shows_my_open_tasks_with_overdue_ones_highlighted(
    client, account_manager, other_rep, company
):
    late = TaskFactory(owner=account_manager, title="Late call",
                       due_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    soon = TaskFactory(owner=account_manager, title="Soon call", company=company)
    TaskFactory(owner=account_manager, title="Finished", done_at=timezone.now())
    TaskFactory(owner=other_rep, title="Not mine")
    client.force_login(account_manager)
    html = _rows(client.get(reverse("crm:task-list")))
    assert "Late call" in html and "Soon call" in html
    assert "Finished" not in html and "Not mine" not in html
    assert f'task-overdue" data-task="{late.pk}"' in html
    assert f'task-overdue" data-task="{soon.pk}"' not in html
    done = _rows(client.get(reverse("crm:task-list"), {"status": "done"}))
    assert "Finished" in done and "Late call" not in done
    overdue = _rows(client.get(reverse("crm:task-list"), {"status": "overdue"}))
    assert "Late call" in overdue and "Soon call" not in overdue


def test_all_shows_a_reps_accounts_and_a_sales_manager_everything(
    client, account_manager, other_rep, sales_manager, company
):
    TaskFactory(owner=other_rep, title="On my account", company=company)
    TaskFactory(owner=other_rep, title="Elsewhere", company=CompanyFactory())
    TaskFactory(owner=account_manager, title="Urgent one", priority=Task.Priority.HIGH)
    client.force_login(account_manager)
    html = _rows(client.get(reverse("crm:task-list"), {"scope": "all"}))
    assert "On my account" in html and "Elsewhere" not in html
    high = _rows(client.get(reverse("crm:task-list"), {"scope": "all", "priority": "3"}))
    assert "Urgent one" in high and "On my account" not in high
    client.force_login(sales_manager)
    assert "Elsewhere" not in _rows(client.get(reverse("crm:task-list")))  # mine by default
    everything = _rows(client.get(reverse("crm:task-list"), {"scope": "all"}))
    assert "Elsewhere" in everything and "On my account" in everything


def test_nonsense_filters_fall_back_to_the_defaults(client, account_manager):
    TaskFactory(owner=account_manager, title="Mine open")
    client.force_login(account_manager)
    response = client.get(reverse("crm:task-list"), {"status": "x", "priority": "abc"})
    assert response.status_code == 200 and "Mine open" in _rows(response)


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(owner, n: int) -> None:
    for i in range(n):
        company = CompanyFactory(account_manager=owner)
        TaskFactory(owner=owner, company=company, quote=quote_make(company=company),
                    opportunity=opportunity_make(company=company, owner=owner),
                    due_at=timezone.now() - timedelta(days=i % 3))  # fmt: skip


@pytest.mark.parametrize("query", ["", "?scope=all&status=any"])
def test_the_list_costs_the_same_queries_at_two_sizes(client, sales_manager, query):
    client.force_login(sales_manager)
    _grow(sales_manager, 2)
    small = _count(client, reverse("crm:task-list") + query)
    _grow(sales_manager, 15)
    assert _count(client, reverse("crm:task-list") + query) == small


def test_new_task_is_prefilled_from_the_quote(client, account_manager, company):
    quote = quote_make(company=company, number="Q-PRE1")
    client.force_login(account_manager)
    response = client.get(reverse("crm:task-create"), {"quote": quote.pk})
    html = _rows(response)
    assert response.status_code == 200
    assert f'<option value="{company.pk}" selected>' in html
    assert f'name="quote" value="{quote.pk}"' in html and "Q-PRE1" in html


def test_new_task_prefill_with_an_account_one_may_not_see_is_404(client, account_manager):
    foreign = CompanyFactory(account_manager=UserFactory())
    client.force_login(account_manager)
    assert client.get(reverse("crm:task-create"), {"company": foreign.pk}).status_code == 404
    quote = quote_make(company=foreign)
    assert client.get(reverse("crm:task-create"), {"quote": quote.pk}).status_code == 404
    assert client.get(reverse("crm:task-create"), {"company": "x"}).status_code == 404


@time_machine.travel(NOON, tick=False)
def test_creating_a_task_by_hand(client, account_manager, company):
    opportunity = opportunity_make(company=company, owner=account_manager)
    client.force_login(account_manager)
    response = client.post(reverse("crm:task-create"), {
        "title": "Send brochure", "description": "Brake range", "owner": account_manager.pk,
        "priority": "3", "due_date": "2026-03-12", "due_time": "", "company": company.pk,
        "opportunity": opportunity.pk, "next": "/crm/",
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/crm/"
    task = Task.objects.get()
    assert (task.title, task.priority, task.company, task.opportunity) == (
        "Send brochure", 3, company, opportunity)  # fmt: skip
    assert task.source == Task.Source.MANUAL and task.created_by == account_manager
    due = timezone.localtime(task.due_at)
    assert (due.date().isoformat(), due.hour, due.minute) == ("2026-03-12", 23, 59)


@time_machine.travel(NOON, tick=False)
def test_a_due_date_in_the_past_is_refused_and_nothing_typed_is_lost(client, account_manager):
    client.force_login(account_manager)
    data = {"title": "Call Jonas back", "owner": account_manager.pk, "priority": "2",
            "due_date": "2026-03-09", "description": "About pads"}  # fmt: skip
    response = client.post(reverse("crm:task-create"), data)
    html = _rows(response)
    assert response.status_code == 400
    assert "This due date is in the past" in html
    assert 'value="Call Jonas back"' in html and "About pads" in html
    # Today without a time is fine (due by the end of the day); today at 09:00 is not.
    earlier = client.post(reverse("crm:task-create"), {**data, "due_date": "2026-03-10",
                                                        "due_time": "09:00"})  # fmt: skip
    assert earlier.status_code == 400
    ok = client.post(reverse("crm:task-create"), {**data, "due_date": "2026-03-10"})
    assert ok.status_code == 302 and Task.objects.count() == 1


def test_a_quote_of_another_account_is_refused_clearly(client, account_manager, company):
    other = CompanyFactory(account_manager=account_manager)
    quote = quote_make(company=other)
    client.force_login(account_manager)
    response = client.post(reverse("crm:task-create"), {
        "title": "x", "owner": account_manager.pk, "priority": "2", "company": company.pk,
        "quote": quote.pk})  # fmt: skip
    assert response.status_code == 400
    assert "belongs to another company" in _rows(response)
    assert not Task.objects.exists()


def test_a_time_without_a_date_is_refused(client, account_manager):
    client.force_login(account_manager)
    response = client.post(reverse("crm:task-create"), {
        "title": "x", "owner": account_manager.pk, "priority": "2", "due_time": "10:00"})  # fmt: skip
    assert response.status_code == 400 and "Give a due date" in _rows(response)


@time_machine.travel(NOON, tick=False)
def test_editing_a_task(client, account_manager, company):
    task = TaskFactory(owner=account_manager, due_at=timezone.now() - timedelta(days=1))
    client.force_login(account_manager)
    url = reverse("crm:task-edit", args=[task.pk])
    page = _rows(client.get(url))
    assert 'value="2026-03-09"' in page and f'value="{task.title}"' in page
    # The overdue date stays as it is: saving other fields is allowed.
    response = client.post(url, {"title": "Renamed", "owner": account_manager.pk, "priority": "1",
                                 "due_date": "2026-03-09", "due_time": "12:00",
                                 "company": company.pk})  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.priority, task.company) == ("Renamed", 1, company)
    moved = client.post(url, {"title": "Renamed", "owner": account_manager.pk, "priority": "1",
                              "due_date": "2026-03-08"})  # fmt: skip
    assert moved.status_code == 400 and "in the past" in _rows(moved)


def test_another_reps_task_is_404_a_sales_manager_may_edit_it(
    client, account_manager, other_rep, sales_manager
):
    task = TaskFactory(owner=other_rep)
    client.force_login(account_manager)
    assert client.get(reverse("crm:task-edit", args=[task.pk])).status_code == 404
    assert client.get(reverse("crm:task-done", args=[task.pk])).status_code == 404
    client.force_login(sales_manager)
    assert client.get(reverse("crm:task-edit", args=[task.pk])).status_code == 200


def test_buyers_do_not_reach_the_task_pages(client, buyer_member):
    client.force_login(buyer_member.user)
    assert client.get(reverse("crm:task-list")).status_code == 403


def test_done_needs_an_outcome(client, account_manager):
    task = TaskFactory(owner=account_manager)
    client.force_login(account_manager)
    url = reverse("crm:task-done", args=[task.pk])
    assert 'name="outcome"' in _rows(client.get(url))
    empty = client.post(url, {"outcome": "  "})
    assert empty.status_code == 400 and "Write the outcome" in _rows(empty)
    task.refresh_from_db()
    assert task.done_at is None
    response = client.post(url, {"outcome": "Reached Jonas, order next week", "next": "/crm/"})
    assert response.status_code == 302 and response["Location"] == "/crm/"
    task.refresh_from_db()
    assert task.done_at and task.outcome == "Reached Jonas, order next week"
    assert task.completed_by == account_manager
    again = client.post(url, {"outcome": "twice"})
    assert again.status_code == 400 and "done already" in _rows(again)


def test_next_pointing_elsewhere_is_ignored(client, account_manager):
    task = TaskFactory(owner=account_manager)
    client.force_login(account_manager)
    response = client.post(reverse("crm:task-done", args=[task.pk]),
                           {"outcome": "ok", "next": "https://evil.example/"})  # fmt: skip
    assert response["Location"] == reverse("crm:task-list")


def test_a_posted_quote_one_may_not_see_is_refused_above_the_form(client, account_manager):
    quote = quote_make(company=CompanyFactory(account_manager=UserFactory()))
    client.force_login(account_manager)
    response = client.post(reverse("crm:task-create"), {
        "title": "x", "owner": account_manager.pk, "priority": "2", "quote": quote.pk})  # fmt: skip
    assert response.status_code == 400
    assert "The linked quote is not one you may see" in _rows(response)
    assert not Task.objects.exists()


def test_the_list_for_one_account(client, account_manager, company):
    TaskFactory(owner=account_manager, company=company, title="On Alpha")
    TaskFactory(owner=account_manager, company=CompanyFactory(account_manager=account_manager),
                title="On another")  # fmt: skip
    client.force_login(account_manager)
    html = _rows(client.get(reverse("crm:task-list"), {"company": company.pk, "scope": "all"}))
    assert "On Alpha" in html and "On another" not in html
    assert f"/crm/tasks/new/?company={company.pk}" in html
    foreign = CompanyFactory(account_manager=UserFactory())
    assert client.get(reverse("crm:task-list"), {"company": foreign.pk}).status_code == 404
