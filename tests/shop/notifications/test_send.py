"""One way to send a notification: rendered now, logged once per key, delivered once."""

import copy
import smtplib
from unittest import mock

import pytest
from django.core import mail

from shop.notifications import tasks
from shop.notifications.models import NotificationLog
from shop.notifications.services import absolute_url, notification_resend, notification_send


@pytest.fixture
def kind(settings, tmp_path):
    """A notification kind with text and HTML templates, in a template folder of its own."""
    folder = tmp_path / "notifications" / "greeting"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text(
        "{% load i18n %}\n  {% translate 'Order' %}\n  {{ name }}  \n"
    )
    (folder / "body.txt").write_text("Hello {{ name }}, see {{ url }}\n")
    (folder / "body.html").write_text("<p>Hello <b>{{ name }}</b></p>\n")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [str(tmp_path)]
    settings.TEMPLATES = templates
    return "greeting"


def _send(kind, key="k-1", **extra):
    return notification_send(
        kind=kind,
        to=["a@example.com", "", "a@example.com"],
        context={"name": "Ada", "url": "x"},
        key=key,
        **extra,
    )


@pytest.mark.django_db(transaction=True)
def test_same_key_twice_logs_one_row_and_sends_one_email(kind):
    assert _send(kind) is not None
    assert _send(kind) is None
    assert NotificationLog.objects.count() == 1
    assert len(mail.outbox) == 1
    entry = NotificationLog.objects.get()
    assert entry.status == NotificationLog.Status.SENT and entry.attempts == 1
    assert entry.recipients == ["a@example.com"]
    assert entry.subject == "Order Ada"
    assert mail.outbox[0].to == ["a@example.com"]


@pytest.mark.django_db(transaction=True)
def test_html_alternative_and_language(kind):
    _send(kind, language="de")
    message = mail.outbox[0]
    assert message.body == "Hello Ada, see x\n"
    assert message.alternatives[0][1] == "text/html"
    assert "<b>Ada</b>" in message.alternatives[0][0]
    entry = NotificationLog.objects.get()
    assert entry.language == "de" and entry.subject == "Bestellung Ada"


@pytest.mark.django_db
def test_nothing_is_sent_before_commit(kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send(kind)
    assert len(mail.outbox) == 0 and len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_a_failure_is_retried_and_the_email_goes_out_exactly_once(kind):
    real_send = mail.EmailMultiAlternatives.send
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, *args, **kwargs)

    with mock.patch.object(mail.EmailMultiAlternatives, "send", flaky):
        _send(kind)
    entry = NotificationLog.objects.get()
    assert len(calls) == 2 and len(mail.outbox) == 1
    assert entry.status == NotificationLog.Status.SENT and entry.attempts == 2
    assert "gone" in entry.last_error


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_delivery_after_success_sends_nothing(kind):
    entry = _send(kind)
    assert tasks.notification_deliver.apply(args=[entry.pk]).get() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_failing_for_good_marks_failed_and_send_again_requeues_the_same_row(kind):
    with mock.patch.object(
        mail.EmailMultiAlternatives, "send", side_effect=smtplib.SMTPException("down")
    ) as send:
        _send(kind)
    entry = NotificationLog.objects.get()
    assert send.call_count == tasks.MAX_RETRIES + 1
    assert entry.status == NotificationLog.Status.FAILED and "down" in entry.last_error
    assert len(mail.outbox) == 0
    notification_resend(entry=entry)
    entry.refresh_from_db()
    assert entry.status == NotificationLog.Status.SENT and len(mail.outbox) == 1
    assert NotificationLog.objects.count() == 1


def test_backoff_grows_exponentially_and_is_capped():
    assert [tasks.backoff_seconds(n) for n in range(4)] == [30, 60, 120, 240]
    assert tasks.backoff_seconds(20) == tasks.BACKOFF_MAX_SECONDS


def test_absolute_url_is_site_base_url_plus_reverse(settings):
    settings.SITE_BASE_URL = "https://portal.example"
    assert absolute_url("basket:summary") == "https://portal.example/shop/basket/"
