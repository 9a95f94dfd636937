"""Two workers delivering the same email at once send it once (PostgreSQL row locks)."""

import time

import pytest
from django.core import mail
from django.db import connection

from shop.notifications import tasks
from shop.notifications.models import NotificationLog
from tests.helpers import race

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and concurrent transactions")


def test_two_workers_with_the_same_message_send_once(monkeypatch):
    entry = NotificationLog.objects.create(
        kind="greeting", key="race-1", recipients=["a@example.com"], subject="Hi", body_text="Hi"
    )
    real_send = mail.EmailMultiAlternatives.send

    def slow_send(self, *args, **kwargs):
        time.sleep(0.5)  # the second worker arrives while the first holds the row
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", slow_send)
    deliver = lambda: tasks.notification_deliver.apply(args=[entry.pk]).get()  # noqa: E731
    assert sorted(race(deliver, deliver)) == [0, 1]
    assert len(mail.outbox) == 1
    entry.refresh_from_db()
    assert entry.status == NotificationLog.Status.SENT and entry.attempts == 1
