"""Notifications: a log of every email sent (or being sent) and who wants which emails."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationLog(models.Model):
    """One rendered email: what was sent to whom, once per idempotency key."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class NotificationPreference(models.Model):
    """A user's choice to receive (or not) the emails of one topic."""

    class Topic(models.TextChoices):
        COMPANY_ORDERS = "company_orders", _("Every order of my company")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    enabled = models.BooleanField(_("enabled"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "topic"), name="notification_pref_user_topic")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic}={self.enabled}"


class NotificationLanguage(models.Model):
    """The language a user reads their emails in (set on the preferences page)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_language"
    )
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user_id} {self.language}"
