"""Reads for notifications: who gets an email, in which language, and the operator's log."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from shop.notifications.models import NotificationLanguage, NotificationLog, NotificationPreference

COMPANY_ORDERS = NotificationPreference.Topic.COMPANY_ORDERS


def order_update_recipients(*, order) -> list[str]:
    """Return the ordering buyer's email plus the active company members subscribed to its orders."""
    from shop.companies.models import CompanyMember

    emails: list[str] = []
    if order.user_id and order.user.email:
        emails.append(order.user.email)
    elif getattr(order, "guest_email", ""):
        emails.append(order.guest_email)
    company_id = getattr(order, "company_id", None)
    if company_id:
        subscribed = NotificationPreference.objects.filter(topic=COMPANY_ORDERS, enabled=True)
        members = (
            CompanyMember.objects.filter(
                company_id=company_id,
                is_active=True,
                user__is_active=True,
                user__in=subscribed.values("user"),
            )
            .order_by("user__email")
            .values_list("user__email", flat=True)
        )
        emails.extend(members)
    seen: dict[str, None] = {}
    for email in emails:
        email = (email or "").strip()
        if email and email.lower() not in {e.lower() for e in seen}:
            seen[email] = None
    return list(seen)


def user_language(*, user: AbstractBaseUser | None, default: str | None = None) -> str:
    """Return the language the user reads emails in, else ``default`` (the site's language)."""
    if user is not None and getattr(user, "pk", None):
        language = (
            NotificationLanguage.objects.filter(user_id=user.pk)
            .values_list("language", flat=True)
            .first()
        )
        if language:
            return language
    return settings.LANGUAGE_CODE if default is None else default


def user_topic_enabled(*, user: AbstractBaseUser, topic: str) -> bool:
    return NotificationPreference.objects.filter(user=user, topic=topic, enabled=True).exists()


def notification_logs(
    *, kind: str = "", status: str = "", recipient: str = ""
) -> QuerySet[NotificationLog]:
    """Return the log rows matching the operator's filters, newest first."""
    rows = NotificationLog.objects.defer("body_text", "body_html").order_by("-created_at", "-id")
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if recipient:
        rows = rows.filter(recipients__icontains=recipient)
    return rows


def notification_kinds() -> list[str]:
    return list(NotificationLog.objects.order_by("kind").values_list("kind", flat=True).distinct())


def notifications_sent_to(*, emails: list[str], limit: int = 50) -> list[NotificationLog]:
    """Sent emails with any of these addresses among the recipients, newest first; one query."""
    emails = [e for e in {(e or "").strip().lower() for e in emails} if e]
    if not emails:
        return []
    match = Q()
    for email in sorted(emails):
        match |= Q(recipients__icontains=f'"{email}"')
    rows = (
        NotificationLog.objects.filter(match, status=NotificationLog.Status.SENT)
        .defer("body_text", "body_html")
        .order_by("-created_at", "-id")[:limit]
    )
    return list(rows)
