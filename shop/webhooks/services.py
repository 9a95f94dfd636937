"""Outbound webhook writes: endpoints, events with per-resource sequence numbers, attempts.

An event is written in the caller's transaction (its sequence number is allocated under a
row lock there), its deliveries are queued on commit, and the HTTP request is made by a
Celery worker or by ``deliver_due`` (the ``webhooks_deliver`` command), never inside a
storefront request: with eager Celery (the embedded default) deliveries wait as pending.
"""

import hashlib
import hmac
import json
import logging
import time
import uuid
from datetime import timedelta

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.errors import PortalError
from shop.webhooks.models import (
    EVENT_TYPES,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookSequence,
    secret_generate,
)

log = logging.getLogger(__name__)

EVENT_NAMES = frozenset(name for name, _label in EVENT_TYPES)
MAX_ATTEMPTS = 8  # then the delivery is given up (the operator can still redeliver)
BACKOFF_SECONDS = 30  # after attempt n the next one waits 30 s * 2^(n-1)
LEASE_SECONDS = 120  # a claimed delivery is due again if its worker died mid-attempt
BATCH_SIZE = 50
RESPONSE_EXCERPT_CHARS = 2000
USER_AGENT = "PartsHub-Webhooks/1"


class WebhookError(PortalError):
    """A webhook change the operator asked for that cannot be done."""


def _timeouts() -> tuple[float, float]:
    # Seconds to connect and to wait for each read; tests shorten them.
    return tuple(getattr(settings, "WEBHOOK_TIMEOUTS", (3.0, 5.0)))


def _unix_now() -> int:
    return int(time.time())


def _celery_eager() -> bool:
    from config.celery import app

    return bool(app.conf.task_always_eager)


# Signing ---------------------------------------------------------------------------------


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under the endpoint's secret."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def webhook_body(*, event: WebhookEvent) -> bytes:
    """Return the exact bytes POSTed for an event (the same on every attempt)."""
    return json.dumps(event.payload, sort_keys=True, separators=(",", ":")).encode()


def webhook_headers(*, delivery: WebhookDelivery, body: bytes, timestamp: int) -> dict:
    """Return the headers of one attempt, the signature over this timestamp and body included."""
    signature = webhook_signature(secret=delivery.endpoint.secret, timestamp=timestamp, body=body)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "PartsHub-Signature": f"t={timestamp},v1={signature}",
        "PartsHub-Event": delivery.event.type,
        "PartsHub-Delivery": str(delivery.uuid),
        "PartsHub-Sequence": str(delivery.event.sequence),
    }


# Endpoints -------------------------------------------------------------------------------


def _events_clean(events) -> list[str]:
    unknown = set(events) - EVENT_NAMES
    if unknown:
        raise WebhookError(_("Unknown event: %(names)s") % {"names": ", ".join(sorted(unknown))})
    return [name for name, _label in EVENT_TYPES if name in set(events)]


def webhook_endpoint_create(
    *, url: str, events: list[str], description: str = "", active: bool = True
) -> WebhookEndpoint:
    """Add an endpoint with a new signing secret."""
    endpoint = WebhookEndpoint.objects.create(
        url=url, description=description, events=_events_clean(events), active=active
    )
    log.info("webhook endpoint %s added: %s %s", endpoint.pk, url, endpoint.events)
    return endpoint


def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events: list[str], description: str, active: bool
) -> WebhookEndpoint:
    """Change an endpoint's URL, events, description or active flag (the secret stays)."""
    endpoint.url = url
    endpoint.events = _events_clean(events)
    endpoint.description = description
    endpoint.active = active
    endpoint.save(update_fields=["url", "events", "description", "active"])
    log.info(
        "webhook endpoint %s changed: %s %s active=%s", endpoint.pk, url, endpoint.events, active
    )
    return endpoint


def webhook_endpoint_deactivate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Stop sending to an endpoint; its waiting deliveries are given up when their turn comes."""
    endpoint.active = False
    endpoint.save(update_fields=["active"])
    log.info("webhook endpoint %s deactivated", endpoint.pk)
    return endpoint


def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Give an endpoint a new signing secret (the receiver must be told the new one)."""
    endpoint.secret = secret_generate()
    endpoint.save(update_fields=["secret"])
    log.info("webhook endpoint %s: signing secret rotated", endpoint.pk)
    return endpoint


# Events ----------------------------------------------------------------------------------


def _sequence_next(*, resource_type: str, resource_id: str) -> int:
    """Allocate the resource's next sequence number under a row lock (caller's transaction)."""
    # Insert-or-nothing first: two first events of a resource at once must not clash.
    WebhookSequence.objects.bulk_create(
        [WebhookSequence(resource_type=resource_type, resource_id=resource_id, last=0)],
        ignore_conflicts=True,
    )
    row = WebhookSequence.objects.select_for_update().get(
        resource_type=resource_type, resource_id=resource_id
    )
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def _subscribed_endpoint_ids(*, event: str) -> list[int]:
    rows = WebhookEndpoint.objects.filter(active=True).values_list("pk", "events")
    return [pk for pk, events in rows if event in (events or [])]


def webhook_event_emit(*, event: str, resource_type: str, resource_id: str, payload: dict) -> None:
    """Record an event for every active endpoint subscribed to it and queue it on commit.

    Never raises: a failure is logged and the caller's change goes on (its own savepoint).
    """
    try:
        if event not in EVENT_NAMES:
            raise ValueError(f"unknown webhook event {event!r}")
        endpoint_ids = _subscribed_endpoint_ids(event=event)
        if not endpoint_ids:
            return
        resource_id = str(resource_id)
        # Decimals, dates and UUIDs become strings once, here, so every attempt sends the same.
        data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
        with transaction.atomic():
            sequence = _sequence_next(resource_type=resource_type, resource_id=resource_id)
            event_uuid = uuid.uuid4()
            envelope = {
                "id": str(event_uuid),
                "type": event,
                "created": timezone.now().isoformat().replace("+00:00", "Z"),
                "sequence": sequence,
                "resource": {"type": resource_type, "id": resource_id},
                "data": data,
            }
            row = WebhookEvent.objects.create(
                uuid=event_uuid,
                type=event,
                resource_type=resource_type,
                resource_id=resource_id,
                sequence=sequence,
                payload=envelope,
            )
            now = timezone.now()
            delivery_ids = [
                WebhookDelivery.objects.create(event=row, endpoint_id=pk, next_attempt_at=now).pk
                for pk in endpoint_ids
            ]
        if not _celery_eager():
            transaction.on_commit(lambda: _queue(delivery_ids), robust=True)
        # Eager Celery would make the HTTP request inside this request: the deliveries wait
        # for deliver_due (celery beat or `manage.py webhooks_deliver`).
    except Exception:  # never into the caller's request
        log.exception(
            "could not record webhook event %s for %s:%s", event, resource_type, resource_id
        )


def _queue(delivery_ids: list[int]) -> None:
    from shop.webhooks.tasks import webhook_deliver

    for delivery_id in delivery_ids:
        try:
            webhook_deliver.delay(delivery_id)
        except Exception:  # the broker is down: deliver_due picks it up later
            log.exception("could not queue webhook delivery %s", delivery_id)


# Delivery --------------------------------------------------------------------------------


def _due(now):
    return WebhookDelivery.objects.filter(
        status__in=(WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED),
        next_attempt_at__lte=now,
    )


@transaction.atomic
def _claim(queryset, *, now, limit: int) -> list[int]:
    """Lease due deliveries (skipping rows another worker holds) and return their ids."""
    ids = list(
        queryset.select_for_update(skip_locked=True)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        WebhookDelivery.objects.filter(pk__in=ids).update(
            next_attempt_at=now + timedelta(seconds=LEASE_SECONDS)
        )
    return ids


def webhook_deliveries_due(*, limit: int = BATCH_SIZE) -> int:
    """Make one attempt for each delivery that is due; return how many were attempted."""
    ids = _claim(_due(timezone.now()), now=timezone.now(), limit=limit)
    for delivery_id in ids:
        _attempt(delivery_id=delivery_id)
    return len(ids)


def webhook_delivery_send(*, delivery_id: int) -> bool:
    """Make one attempt for a delivery if it is (still) due; False when there was nothing to do."""
    now = timezone.now()
    if not _claim(_due(now).filter(pk=delivery_id), now=now, limit=1):
        return False
    _attempt(delivery_id=delivery_id)
    return True


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str, str]:
    """POST once; return (status code or None, response excerpt, error)."""
    connect_timeout, read_timeout = _timeouts()
    try:
        with requests.post(
            url,
            data=body,
            headers=headers,
            timeout=(connect_timeout, read_timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            raw = response.raw.read(RESPONSE_EXCERPT_CHARS * 2, decode_content=True) or b""
            excerpt = raw.decode(response.encoding or "utf-8", errors="replace")
            return response.status_code, excerpt[:RESPONSE_EXCERPT_CHARS], ""
    except requests.ConnectTimeout:
        return None, "", f"Connection timed out after {connect_timeout:g} s"
    except requests.ReadTimeout:
        return None, "", f"No answer within {read_timeout:g} s (read timeout)"
    except requests.ConnectionError as exc:
        if "timed out" in str(exc).lower():  # urllib3 reports some read timeouts this way
            return None, "", f"No answer within {read_timeout:g} s (read timeout)"
        return None, "", f"Could not connect: {exc}"[:500]
    except requests.RequestException as exc:
        return None, "", f"Request failed: {exc}"[:500]


def _attempt(*, delivery_id: int) -> None:
    """Make one HTTP attempt for a claimed delivery and record it (outside any transaction)."""
    delivery = (
        WebhookDelivery.objects.select_related("event", "endpoint").filter(pk=delivery_id).first()
    )
    if delivery is None:  # its endpoint was deleted meanwhile
        return
    started = timezone.now()
    if not delivery.endpoint.active:
        status_code, excerpt, error, duration_ms = None, "", "Endpoint deactivated", 0
    else:
        body = webhook_body(event=delivery.event)
        headers = webhook_headers(delivery=delivery, body=body, timestamp=_unix_now())
        clock = time.monotonic()
        status_code, excerpt, error = _post(delivery.endpoint.url, body, headers)
        duration_ms = int((time.monotonic() - clock) * 1000)
        if status_code is not None and not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    _attempt_record(
        delivery_id=delivery_id,
        at=started,
        status_code=status_code,
        excerpt=excerpt,
        error=error,
        duration_ms=duration_ms,
        give_up=not delivery.endpoint.active,
    )


@transaction.atomic
def _attempt_record(
    *, delivery_id, at, status_code, excerpt: str, error: str, duration_ms: int, give_up: bool
) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=at,
        status_code=status_code,
        error=error[:500],
        response=excerpt,
        duration_ms=duration_ms,
        manual=delivery.redelivered_at is not None
        and delivery.attempts == delivery.attempts_before_redelivery,
    )
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error[:500]
    delivery.last_response = excerpt
    delivery.last_duration_ms = duration_ms
    now = timezone.now()
    in_this_round = delivery.attempts - delivery.attempts_before_redelivery
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif give_up or in_this_round >= MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.GAVE_UP
        delivery.next_attempt_at = None
        log.warning(
            "webhook delivery %s given up after %s attempts: %s",
            delivery_id,
            delivery.attempts,
            error,
        )
    else:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = now + timedelta(
            seconds=BACKOFF_SECONDS * 2 ** (in_this_round - 1)
        )
        log.info(
            "webhook delivery %s failed (%s), next attempt %s",
            delivery_id,
            error,
            delivery.next_attempt_at,
        )
    delivery.save()
    return delivery


def webhook_delivery_redeliver(*, delivery: WebhookDelivery, by_user) -> WebhookDelivery:
    """Queue a new attempt now (the backoff starts again), remembering who asked."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .get(pk=delivery.pk)
        )
        if not delivery.endpoint.active:
            raise WebhookError(_("The endpoint is deactivated: activate it before redelivering."))
        now = timezone.now()
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = now
        delivery.attempts_before_redelivery = delivery.attempts
        delivery.redelivered_at = now
        delivery.redelivered_by = by_user
        delivery.save(
            update_fields=[
                "status",
                "next_attempt_at",
                "attempts_before_redelivery",
                "redelivered_at",
                "redelivered_by",
            ]
        )
        log.info(
            "webhook delivery %s (%s) redelivered by %s",
            delivery.pk,
            delivery.uuid,
            getattr(by_user, "email", by_user),
        )
        if not _celery_eager():
            ids = [delivery.pk]
            transaction.on_commit(lambda: _queue(ids), robust=True)
    return delivery
