"""Outbound webhooks: the operator's endpoints, the events sent to them and every attempt."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

EVENT_TYPES = (
    ("order.placed", _("Order placed")),
    ("order.status_changed", _("Order status changed")),
    ("shipment.created", _("Shipment created")),
    ("company.created", _("Company created")),
    ("company.updated", _("Company changed")),
    ("quote.accepted", _("Quote accepted")),
)


def secret_generate() -> str:
    """A new signing secret (the receiver keeps a copy)."""
    return "phwhsec_" + secrets.token_hex(24)


class WebhookEndpoint(models.Model):
    """A URL the operator wants events POSTed to, signed with its own secret."""

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(_("signing secret"), max_length=80, default=secret_generate)
    events = models.JSONField(_("events"), default=list)  # a list of EVENT_TYPES keys
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-active", "url", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class WebhookSequence(models.Model):
    """The last sequence number given to one resource's events (locked while allocating)."""

    resource_type = models.CharField(max_length=40)
    resource_id = models.CharField(max_length=64)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource_type", "resource_id"], name="webhooksequence_unique_resource"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_type}:{self.resource_id} #{self.last}"


class WebhookEvent(models.Model):
    """Something that happened, with the exact envelope every endpoint receives."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("event"), max_length=40, choices=EVENT_TYPES)
    resource_type = models.CharField(max_length=40)
    resource_id = models.CharField(max_length=64)
    sequence = models.PositiveBigIntegerField()
    payload = models.JSONField()  # the whole envelope: id, type, created, sequence, resource, data
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource_type", "resource_id", "sequence"],
                name="webhookevent_unique_sequence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.resource_type}:{self.resource_id} #{self.sequence}"


class WebhookDelivery(models.Model):
    """One event for one endpoint: attempted until a 2xx answer or until we give up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Gave up")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Attempts made before the last manual redelivery: the backoff starts again after it.
    attempts_before_redelivery = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_response = models.TextField(blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    redelivered_at = models.DateTimeField(null=True, blank=True)
    redelivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"], name="webhookdelivery_one_per_endpoint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint}"


class WebhookAttempt(models.Model):
    """One HTTP request made for a delivery and what came back."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField()
    manual = models.BooleanField(default=False)  # after an operator's "Redeliver"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
