"""The one way to send a notification: render now, log once per key, deliver by Celery."""

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from shop.notifications.models import NotificationLanguage, NotificationLog, NotificationPreference

log = logging.getLogger(__name__)


def absolute_url(viewname: str, *, args=None, kwargs=None) -> str:
    """Return the full URL of a view for an email: SITE_BASE_URL plus reverse()."""
    return settings.SITE_BASE_URL + reverse(viewname, args=args, kwargs=kwargs)


def notification_render(
    *, kind: str, context: dict, language: str | None = None
) -> tuple[str, str, str]:
    """Render a kind's subject (one line), text body and HTML body ("" without a template)."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_BASE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        return _render(kind, context)


def _render(kind: str, context: dict) -> tuple[str, str, str]:
    subject = render_to_string(f"notifications/{kind}/subject.txt", context)
    body_text = render_to_string(f"notifications/{kind}/body.txt", context)
    try:
        body_html = render_to_string(f"notifications/{kind}/body.html", context)
    except TemplateDoesNotExist:
        body_html = ""
    # A subject is a mail header: one line, whatever the template's line breaks.
    return " ".join(subject.split())[:255], body_text, body_html


def _recipients(to: list[str]) -> list[str]:
    return list(dict.fromkeys(address.strip() for address in to if address and address.strip()))


def notification_send(
    *, kind: str, to: list[str], context: dict, key: str, language: str | None = None
) -> NotificationLog | None:
    """Render and log an email under ``key`` and queue its delivery on commit.

    The same key again sends nothing and returns None; so does an empty recipient list.
    """
    recipients = _recipients(to)
    if not recipients or NotificationLog.objects.filter(key=key).exists():
        return None
    language = language or settings.LANGUAGE_CODE
    subject, body_text, body_html = notification_render(
        kind=kind, context=context, language=language
    )
    return _log(
        kind=kind,
        recipients=recipients,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        key=key,
        language=language,
    )


def notification_send_rendered(
    *,
    kind: str,
    to: list[str],
    subject: str,
    body_text: str,
    body_html: str,
    key: str,
    language: str | None = None,
) -> NotificationLog | None:
    """Log an email rendered elsewhere (Oscar's templates) under ``key``; deliver on commit."""
    recipients = _recipients(to)
    if not recipients or NotificationLog.objects.filter(key=key).exists():
        return None
    return _log(
        kind=kind,
        recipients=recipients,
        subject=" ".join((subject or "").split())[:255],
        body_text=body_text,
        body_html=body_html,
        key=key,
        language=language or settings.LANGUAGE_CODE,
    )


def _log(*, kind, recipients, subject, body_text, body_html, key, language):
    """Create the log row under ``key`` and queue its delivery; None if another sender won."""
    try:
        # A savepoint: a concurrent sender of the same key must not break the caller's transaction.
        with transaction.atomic():
            entry = NotificationLog.objects.create(
                kind=kind,
                key=key,
                recipients=recipients,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                language=language,
            )
    except IntegrityError:
        return None
    notification_queue(log_id=entry.pk)
    return entry


def notification_queue(*, log_id: int) -> None:
    """Queue the delivery of a logged email once the current transaction commits."""
    from shop.notifications import tasks

    transaction.on_commit(lambda: tasks.notification_deliver.delay(log_id), robust=True)


def notification_resend(*, entry: NotificationLog) -> NotificationLog:
    """Queue a failed email again (the same row, its attempts start again)."""
    with transaction.atomic():
        entry = NotificationLog.objects.select_for_update().get(pk=entry.pk)
        if entry.status != NotificationLog.Status.FAILED:
            return entry
        entry.status = NotificationLog.Status.QUEUED
        entry.attempts = 0
        entry.save(update_fields=["status", "attempts"])
        notification_queue(log_id=entry.pk)
    return entry


def notification_preferences_save(
    *, user: AbstractBaseUser, topics: dict[str, bool], language: str | None = None
) -> None:
    """Store which topics the user wants emails about (and the language to write them in)."""
    with transaction.atomic():
        for topic, enabled in topics.items():
            NotificationPreference.objects.update_or_create(
                user=user, topic=topic, defaults={"enabled": enabled}
            )
        if language:
            NotificationLanguage.objects.update_or_create(
                user=user, defaults={"language": language}
            )
