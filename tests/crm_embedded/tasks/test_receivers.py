"""The credit-limit request becomes the account manager's task, through task_create."""

import pytest
from django.urls import reverse

import crm_embedded.tasks.receivers as receivers
from crm_embedded.tasks.models import Task
from shop.notifications.services import notification_preferences_save

pytestmark = pytest.mark.django_db


def test_a_limit_request_files_one_high_priority_task_a_day(
    client, buyer_member, account_manager, django_capture_on_commit_callbacks
):
    client.force_login(buyer_member.user)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("company:credit-limit-request"),
                        {"amount": "2500.00", "currency": "EUR"})  # fmt: skip
    task = Task.objects.get()
    assert task.owner == account_manager and task.company == buyer_member.company
    assert task.priority == Task.Priority.HIGH and task.source == Task.Source.AUTOMATIC
    assert task.key.startswith(f"credit-limit:{buyer_member.company.pk}:")
    assert "2500.00 EUR" in task.title


def test_the_task_is_made_in_the_account_managers_language_with_a_credit_link(
    account_manager, company
):
    notification_preferences_save(user=account_manager, topics={}, language="de")
    receivers.credit_limit_task_create(company_id=company.pk, user_id=0, amount="9.00",
                                       currency="EUR")  # fmt: skip
    task = Task.objects.get()
    assert "9.00 EUR" in task.title and task.url.endswith(f"/{company.pk}/credit/")


def test_no_account_manager_no_task(company):
    company.account_manager = None
    company.save()
    receivers.credit_limit_task_create(company_id=company.pk, user_id=0, amount="1", currency="EUR")
    assert not Task.objects.exists()


def test_a_failing_receiver_does_not_break_the_buyers_request(
    client, buyer_member, monkeypatch, django_capture_on_commit_callbacks
):
    def boom(**kwargs):
        raise RuntimeError("CRM down")

    monkeypatch.setattr(receivers, "credit_limit_task_create", boom)
    client.force_login(buyer_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("company:credit-limit-request"),
                               {"amount": "20.00", "currency": "EUR"})  # fmt: skip
    assert response.status_code == 302
    assert not Task.objects.exists()
