"""Quote emails, both ways: who gets which, in which language, with which template.

``queue`` sends after the transaction commits, through the storefront's notification path
(templates under crm_embedded/quotes/templates/notifications/quote_<kind>/, a log row per
email, a Celery task with retries): a failing mail server never undoes a quote change.
"""

import logging

from django.conf import settings
from django.db import transaction

from crm_embedded.quotes.models import Quote, QuoteMessage
from crm_embedded.quotes.selectors import sales_managers
from shop.notifications.selectors import user_language
from shop.notifications.services import absolute_url, notification_render, notification_send

log = logging.getLogger(__name__)

BUYER_KINDS = {"offered", "rejected", "expired", "expiry_reminder", "message_to_buyer", "revising"}
STAFF_KINDS = {
    "requested", "changes_requested", "accepted", "declined", "cancelled", "ordered",
    "message_to_staff", "overdue", "approval_requested", "approval_granted", "approval_refused",
}  # fmt: skip


def queue(quote, kind: str, *, message_id: int | None = None) -> None:
    """Send the ``kind`` email for this quote once the current transaction commits."""
    quote_id = quote.pk
    transaction.on_commit(
        lambda: quote_notify(quote_id=quote_id, kind=kind, message_id=message_id), robust=True
    )


def quote_notify(*, quote_id: int, kind: str, message_id: int | None = None) -> int:
    """Render, log and queue one quote email (once per quote change); return the recipients."""
    quote = (
        Quote.objects.select_related("company", "requested_by", "account_manager")
        .filter(pk=quote_id)
        .first()
    )
    if quote is None:
        return 0
    message = None
    if message_id is not None:
        message = QuoteMessage.objects.filter(pk=message_id).select_related("author").first()
    recipients, language, context = _prepare(quote, kind, message)
    # The quote's last change is part of the key: the same event queued twice sends once,
    # the next offer or reminder is a new email.
    stamps = (quote.updated_at, quote.reminded_at, quote.overdue_alerted_at)
    stamp = ":".join(str(int(s.timestamp() * 1000)) if s else "-" for s in stamps)
    entry = notification_send(
        kind=f"quote_{kind}",
        to=recipients,
        context=context,
        key=f"quote:{kind}:{quote.pk}:{message_id or '-'}:{stamp}",
        language=language,
    )
    return len(entry.recipients) if entry else 0


def build(quote, kind: str, message=None) -> tuple[list[str], str, str]:
    """Recipients, subject and text body of one quote email (rendered, not sent)."""
    recipients, language, context = _prepare(quote, kind, message)
    subject, body, _html = notification_render(
        kind=f"quote_{kind}", context=context, language=language
    )
    return recipients, subject, body


def _prepare(quote, kind: str, message) -> tuple[list[str], str | None, dict]:
    if kind in BUYER_KINDS:
        buyer = quote.requested_by
        recipients = [buyer.email] if buyer and buyer.email else []
        language = user_language(user=buyer)
    elif kind in STAFF_KINDS:
        recipients, language = _staff_recipients(quote, kind)
    else:
        raise ValueError(f"Unknown quote email kind: {kind}")
    latest = quote.latest_version
    context = {
        "quote": quote,
        "company": quote.company.legal_name,
        "latest": latest,
        "total": f"{latest.total} {latest.currency}" if latest else "",
        "buyer_url": absolute_url("quotes:detail", kwargs={"number": quote.number}),
        "staff_url": absolute_url("crm:quote-detail", kwargs={"pk": quote.pk}),
        "approvals_url": absolute_url("crm:approval-list"),
        "target_days": settings.QUOTE_RESPONSE_TARGET_BUSINESS_DAYS,
        "message": message,
        "message_author": _author(message.author) if message and message.author else "-",
    }
    if kind == "requested":
        context["line_count"] = quote.lines.count()
    if kind == "changes_requested":
        context["last_message"] = _last_message(quote)
    if kind.startswith("approval_"):
        context["last_event"] = _last_event_text(quote)
    return recipients, language, context


def _staff_recipients(quote, kind: str) -> tuple[list[str], str | None]:
    manager = quote.account_manager
    if kind == "approval_requested" or not getattr(manager, "email", ""):
        return sorted({u.email for u in sales_managers() if u.email}), None
    return [manager.email], user_language(user=manager)


def _author(user) -> str:
    return user.get_full_name() or user.email


def _last_event_text(quote) -> str:
    event = quote.events.select_related("by").order_by("-at", "-id").first()
    if event is None:
        return "-"
    who = _author(event.by) if event.by else "-"
    return f"{who}: {event.text}"


def _last_message(quote) -> str:
    message = quote.messages.filter(is_internal=False).order_by("-created_at", "-id").first()
    return message.body if message else "-"
