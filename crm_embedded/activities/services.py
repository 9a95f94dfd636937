"""Writes of the activities room: log an activity, comment on it, notify who is mentioned."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_embedded.activities.mentions import MentionReport, mentions_resolve
from crm_embedded.activities.models import Activity, ActivityComment
from shop.errors import PortalError
from shop.notifications.selectors import user_language
from shop.notifications.services import absolute_url, notification_send

# A clock a minute ahead of the server's must not turn "just now" into "in the future".
FUTURE_TOLERANCE = timedelta(minutes=1)
EXCERPT_LENGTH = 600


class ActivityError(PortalError):
    """An activity or comment that cannot be saved (``field`` names the form field)."""


def activity_links_check(*, company, contact=None, quote=None, opportunity=None) -> None:
    """Raise ActivityError when a linked contact, quote or opportunity is another company's."""
    for field, obj, message in (
        ("contact", contact, _("%(obj)s works for %(other)s, not %(company)s: choose one of "
                               "%(company)s's contacts or leave it empty.")),
        ("quote", quote, _("Quote %(obj)s belongs to %(other)s, not %(company)s: choose one "
                           "of %(company)s's quotes or leave it empty.")),
        ("opportunity", opportunity, _("The opportunity %(obj)s belongs to %(other)s, not "
                                       "%(company)s: choose one of %(company)s's "
                                       "opportunities or leave it empty.")),
    ):  # fmt: skip
        if obj is not None and obj.company_id != company.pk:
            raise ActivityError(
                message % {"obj": obj, "other": obj.company, "company": company}, field=field
            )


def activity_log(
    *,
    company,
    author,
    kind: str,
    subject: str,
    body: str = "",
    occurred_at: datetime | None = None,
    contact=None,
    quote=None,
    opportunity=None,
    now: datetime | None = None,
) -> tuple[Activity, MentionReport]:
    """Log a call, email, meeting or note against a company and notify the colleagues mentioned."""
    now = now or timezone.now()
    occurred_at = occurred_at or now
    if kind not in Activity.Kind.values:
        raise ActivityError(_("Choose call, email, meeting or note."), field="kind")
    if not subject.strip():
        raise ActivityError(_("Give the activity a subject."), field="subject")
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ActivityError(
            _("This time is in the future: log what has happened (a task is for what is planned)."),
            field="occurred_at",
        )
    activity_links_check(company=company, contact=contact, quote=quote, opportunity=opportunity)
    with transaction.atomic():
        activity = Activity.objects.create(
            company=company,
            author=author,
            kind=kind,
            subject=subject.strip(),
            body=body,
            occurred_at=occurred_at,
            contact=contact,
            quote=quote,
            opportunity=opportunity,
        )
        report = mentions_resolve(text=f"{subject}\n{body}", company=company, author=author)
        _mentions_notify(activity=activity, comment=None, author=author, report=report)
    return activity, report


def activity_comment_add(
    *, activity: Activity, author, body: str, parent: ActivityComment | None = None
) -> tuple[ActivityComment, MentionReport]:
    """Add a comment (a reply when ``parent`` is given) and notify the colleagues mentioned."""
    if not body.strip():
        raise ActivityError(_("Write a comment before sending it."), field="body")
    if parent is not None and parent.activity_id != activity.pk:
        raise ActivityError(
            _("That comment belongs to another activity: reply from this activity's thread."),
            field="parent",
        )
    with transaction.atomic():
        comment = ActivityComment.objects.create(
            activity=activity, parent=parent, author=author, body=body
        )
        report = mentions_resolve(text=body, company=activity.company, author=author)
        _mentions_notify(activity=activity, comment=comment, author=author, report=report)
    return comment, report


def _mentions_notify(*, activity: Activity, comment, author, report: MentionReport) -> None:
    url = absolute_url("crm:activity-detail", kwargs={"pk": activity.pk})
    text = comment.body if comment else activity.body
    if comment:
        url += f"#comment-{comment.pk}"
    where = f"comment:{comment.pk}" if comment else f"activity:{activity.pk}"
    for user in report.notified:
        notification_send(
            kind="crm_mention",
            to=[user.email],
            context={
                "author": author.get_full_name() or author.email,
                "company": activity.company.legal_name,
                "subject": activity.subject,
                "kind": Activity.Kind(activity.kind).label,
                "is_comment": comment is not None,
                "excerpt": _excerpt(text),
                "url": url,
            },
            key=f"crm_mention:{where}:{user.pk}",
            language=user_language(user=user),
        )


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1].rstrip() + "…"
