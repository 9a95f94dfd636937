"""Email reminders: once per open task when it falls due within 24 hours (Celery beat)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from crm_embedded.tasks import services
from crm_embedded.tasks.tasks import task_reminders_send
from shop.notifications.models import NotificationLog
from tests.crm_embedded.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0)


def test_beat_runs_the_reminders_every_15_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["crm-task-reminders"]
    assert entry == {"task": "crm_embedded.tasks.tasks.task_reminders_send", "schedule": 900.0}
    assert task_reminders_send.name == entry["task"]


@time_machine.travel(NOON, tick=False)
def test_an_owner_is_reminded_once_of_a_task_due_within_a_day(
    account_manager, company, django_capture_on_commit_callbacks
):
    now = timezone.now()
    due = TaskFactory(owner=account_manager, company=company, title="Call Jonas",
                      due_at=now + timedelta(hours=5), url="/crm/quotes/1/")  # fmt: skip
    TaskFactory(owner=account_manager, title="Next week", due_at=now + timedelta(days=7))
    TaskFactory(owner=account_manager, title="Done", due_at=now + timedelta(hours=1),
                done_at=now)  # fmt: skip
    TaskFactory(owner=account_manager, title="Already late", due_at=now - timedelta(hours=1))
    TaskFactory(owner=account_manager, title="Undated", due_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert task_reminders_send.delay().get() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [account_manager.email]
    assert "Call Jonas" in message.subject and "10.03.2026 17:00" in message.subject
    assert company.legal_name in message.body
    assert f"/crm/tasks/{due.pk}/done/" in message.body
    assert "/crm/quotes/1/" in message.body
    due.refresh_from_db()
    assert due.reminder_sent_at == now
    with django_capture_on_commit_callbacks(execute=True):
        assert services.task_reminders_send() == 0  # the next beat: nothing again
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.filter(kind="crm_task_reminder").count() == 1


@time_machine.travel(NOON, tick=False)
def test_a_task_moved_to_a_later_date_reminds_again(account_manager):
    task = TaskFactory(owner=account_manager, due_at=timezone.now() + timedelta(hours=3))
    assert services.task_reminders_send() == 1
    services.task_update(task=task, by=account_manager,
                         due_at=timezone.now() + timedelta(hours=30))  # fmt: skip
    assert services.task_reminders_send() == 0  # not yet within 24 hours
    later = timezone.now() + timedelta(hours=10)
    assert services.task_reminders_send(now=later) == 1
    assert NotificationLog.objects.filter(kind="crm_task_reminder").count() == 2


@time_machine.travel(NOON, tick=False)
def test_the_reminder_is_in_the_owners_language(account_manager):
    from shop.notifications.services import notification_preferences_save

    notification_preferences_save(user=account_manager, topics={}, language="de")
    TaskFactory(owner=account_manager, title="Anruf", due_at=timezone.now() + timedelta(hours=2))
    services.task_reminders_send()
    assert NotificationLog.objects.get(kind="crm_task_reminder").language == "de"
