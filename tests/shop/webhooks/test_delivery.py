"""Delivery: one attempt per run, retries with growing pauses against a failing local
endpoint, timeouts recorded, giving up, redelivery, and the queue with a real broker."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from shop.webhooks import services
from shop.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def _make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_500_500_then_200_is_three_attempts_with_growing_pauses(endpoint, receiver):
    receiver.answer((500, 0), (500, 0), (200, 0))
    CompanyFactory()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 0)

    pauses = []
    for expected in ("failed", "failed", "succeeded"):
        assert services.webhook_deliveries_due() == 1
        delivery.refresh_from_db()
        assert delivery.status == expected
        if expected == "failed":
            pauses.append(delivery.next_attempt_at - delivery.attempt_log.last().at)
            # Not due yet: the sweep leaves it alone until its time comes.
            assert services.webhook_deliveries_due() == 0
            _make_due(delivery)

    assert delivery.attempts == 3 and len(receiver.requests) == 3
    assert delivery.last_status_code == 200 and delivery.delivered_at is not None
    assert delivery.next_attempt_at is None and delivery.last_response == "answer 200"
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 500, 200]
    assert [a.error for a in delivery.attempt_log.all()] == ["HTTP 500", "HTTP 500", ""]
    assert timedelta(seconds=29) < pauses[0] < timedelta(seconds=32)
    assert timedelta(seconds=59) < pauses[1] < timedelta(seconds=62)
    # The same delivery id and sequence on every retry; each attempt signed afresh.
    assert len({r["headers"]["PartsHub-Delivery"] for r in receiver.requests}) == 1
    assert {r["body"] for r in receiver.requests} == {receiver.requests[0]["body"]}


def test_a_slow_endpoint_times_out_and_is_recorded(endpoint, receiver, short_timeouts):
    receiver.answer((200, 2.0))
    CompanyFactory()
    services.webhook_deliveries_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.last_status_code is None
    assert "read timeout" in delivery.last_error
    assert 400 <= delivery.last_duration_ms < 1900
    attempt = WebhookAttempt.objects.get()
    assert attempt.error == delivery.last_error and attempt.status_code is None


def test_a_dead_endpoint_is_a_failure_not_an_error(db, short_timeouts):
    services.webhook_endpoint_create(url="http://127.0.0.1:9/gone", events=["company.created"])
    CompanyFactory()
    assert services.webhook_deliveries_due() == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.last_error.startswith("Could not connect")


def test_after_eight_failures_the_delivery_gives_up(endpoint, receiver):
    receiver.answer((503, 0))
    CompanyFactory()
    delivery = WebhookDelivery.objects.get()
    for _ in range(8):
        _make_due(delivery)
        services.webhook_deliveries_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("gave_up", 8, None)
    _make_due(delivery)
    assert services.webhook_deliveries_due() == 0  # gave up: nothing more is tried


def test_redeliver_queues_a_new_attempt_now_and_restarts_the_backoff(endpoint, receiver, superuser):
    receiver.answer((500, 0), (200, 0))
    CompanyFactory()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status="gave_up", attempts=8, next_attempt_at=None
    )
    delivery.refresh_from_db()
    services.webhook_delivery_redeliver(delivery=delivery, by_user=superuser)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.redelivered_by == superuser
    assert services.webhook_deliveries_due() == 1
    delivery.refresh_from_db()
    # Attempt 9 failed, but it is the first of a new round: retried after 30 s, not given up.
    assert (delivery.status, delivery.attempts) == ("failed", 9)
    assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=25)
    first = delivery.attempt_log.get()
    assert first.manual
    _make_due(delivery)
    services.webhook_deliveries_due()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert [a.manual for a in delivery.attempt_log.all()] == [True, False]


def test_redelivering_to_a_deactivated_endpoint_is_refused(endpoint, superuser):
    CompanyFactory()
    delivery = WebhookDelivery.objects.get()
    services.webhook_endpoint_deactivate(endpoint=endpoint)
    with pytest.raises(services.WebhookError):
        services.webhook_delivery_redeliver(delivery=delivery, by_user=superuser)


def test_a_deactivated_endpoints_waiting_deliveries_are_given_up_unsent(endpoint, receiver):
    CompanyFactory()
    services.webhook_endpoint_deactivate(endpoint=endpoint)
    services.webhook_deliveries_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "gave_up" and receiver.requests == []
    # ...and new events are not recorded for it at all.
    CompanyFactory()
    assert WebhookDelivery.objects.count() == 1


def test_only_subscribed_active_endpoints_get_a_delivery(db, receiver):
    services.webhook_endpoint_create(url=receiver.url, events=["order.placed"])
    CompanyFactory()
    assert not WebhookEvent.objects.exists()  # nobody listens: nothing is written
    services.webhook_endpoint_create(url=receiver.url + "/b", events=["company.created"])
    CompanyFactory()
    assert WebhookDelivery.objects.get().endpoint.url.endswith("/b")


def test_the_command_runs_the_sweep_once(endpoint, receiver, capsys):
    CompanyFactory()
    call_command("webhooks_deliver")
    assert "1 webhook deliveries attempted." in capsys.readouterr().out
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_with_a_broker_each_delivery_is_queued_on_commit(
    endpoint, monkeypatch, django_capture_on_commit_callbacks
):
    from config.celery import app
    from shop.webhooks import tasks

    queued = []
    monkeypatch.setattr(tasks.webhook_deliver, "delay", queued.append)
    app.conf.task_always_eager = False  # the autouse fixture puts it back
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        CompanyFactory()
    assert queued == []  # not before the commit
    for callback in callbacks:
        callback()
    assert queued == [WebhookDelivery.objects.get().pk]


def test_the_task_attempts_once_and_a_duplicate_run_does_nothing(endpoint, receiver):
    from shop.webhooks.tasks import deliver_due, webhook_deliver

    CompanyFactory()
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliver(delivery.pk) is True
    assert webhook_deliver(delivery.pk) is False  # succeeded already
    assert len(receiver.requests) == 1
    assert deliver_due() == 0


def test_emit_never_raises_into_the_caller(endpoint, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("sequence table gone")

    monkeypatch.setattr(services, "_sequence_next", broken)
    company = CompanyFactory()  # the save goes through
    company.legal_name = "Still Saved GmbH"
    company.save()
    assert not WebhookEvent.objects.exists()
    assert "could not record webhook event company.created" in caplog.text
