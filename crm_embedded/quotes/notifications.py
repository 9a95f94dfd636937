"""Quote emails, both ways: who gets which, with what subject and text.

``queue`` sends after the transaction commits, through a Celery task, so a failing mail
server never undoes a quote change.
"""

from django.conf import settings
from django.db import transaction

BUYER_KINDS = {"offered", "rejected", "expired", "expiry_reminder", "message_to_buyer", "revising"}
STAFF_KINDS = {
    "requested", "changes_requested", "accepted", "declined", "cancelled", "ordered",
    "message_to_staff", "overdue", "approval_requested", "approval_granted", "approval_refused",
}  # fmt: skip


def queue(quote, kind: str, *, message_id: int | None = None) -> None:
    """Send the ``kind`` email for this quote once the current transaction commits."""
    from crm_embedded.quotes import tasks

    quote_id = quote.pk
    transaction.on_commit(lambda: tasks.quote_notify.delay(quote_id, kind, message_id), robust=True)


def _staff_recipients(quote, kind: str) -> list[str]:
    from crm_embedded.quotes.selectors import sales_managers

    if kind == "approval_requested" or not getattr(quote.account_manager, "email", ""):
        return sorted({u.email for u in sales_managers() if u.email})
    return [quote.account_manager.email] if quote.account_manager.email else []


def build(quote, kind: str, message=None) -> tuple[list[str], str, str]:
    """Recipients, subject and body of one quote email."""
    site = settings.SITE_NAME
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    buyer_url = f"{base}/shop/quotes/{quote.number}/"
    staff_url = f"{base}/crm/quotes/{quote.pk}/"
    company = quote.company.legal_name
    latest = quote.latest_version
    total = f"{latest.total} {latest.currency}" if latest else ""
    texts = {
        "requested": (f"New request for quote {quote.number} from {company}",
                      f"{quote.requested_by.email} asks for a quote on {quote.lines.count()} "
                      f"line(s).\nNote: {quote.note or '-'}\nNeeded by: "
                      f"{quote.needed_by or '-'}\n\nOpen it: {staff_url}"),
        "changes_requested": (f"{company} asks for changes to quote {quote.number}",
                              f"The buyer asks for changes:\n\n{_last_message(quote)}\n\n"
                              f"Revise the offer: {staff_url}"),
        "accepted": (f"{company} accepted quote {quote.number}",
                     f"The offer ({total}) was accepted; the lines are in the buyer's basket "
                     f"until they check out.\n\n{staff_url}"),
        "declined": (f"{company} declined quote {quote.number}",
                     f"Reason: {quote.reason}\n\n{staff_url}"),
        "cancelled": (f"{company} cancelled quote {quote.number}",
                      f"Reason: {quote.reason or '-'}\n\n{staff_url}"),
        "ordered": (f"Quote {quote.number} became order {quote.order_number}",
                    f"{company} ordered the accepted quote.\n\n{staff_url}"),
        "message_to_staff": (f"Message on quote {quote.number} from {company}",
                             f"{_message_text(message)}\n\nReply: {staff_url}"),
        "overdue": (f"Request for quote {quote.number} is waiting for an answer",
                    f"{company} asked on {quote.created_at:%d.%m.%Y %H:%M} and has no offer yet "
                    f"(target: {settings.QUOTE_RESPONSE_TARGET_BUSINESS_DAYS} business day(s)). "
                    f"A task is in your CRM workspace.\n\n{staff_url}"),
        "approval_requested": (f"Approve discounts on quote {quote.number} for {company}",
                               f"An offer is beyond the discount or margin threshold:\n"
                               f"{_last_event_text(quote)}\n\nApprove or refuse it: {staff_url}\n"
                               f"Everything waiting for approval: {base}/crm/approvals/"),
        "approval_granted": (f"Discounts on quote {quote.number} for {company} approved",
                             f"{_last_event_text(quote)}\n\nSend the offer: {staff_url}"),
        "approval_refused": (f"Discounts on quote {quote.number} for {company} refused",
                             f"{_last_event_text(quote)}\n\nChange the offer: {staff_url}"),
        "offered": (f"Your quote {quote.number} from {site}: offer {latest.number if latest else ''}",
                    f"Your account manager sent an offer: {total}, valid until "
                    f"{quote.valid_until:%d.%m.%Y}.\nAccept it, decline it or ask for changes: "
                    f"{buyer_url}" if quote.valid_until else buyer_url),
        "rejected": (f"Your request for quote {quote.number} was not offered",
                     f"Reason: {quote.reason}\n\n{buyer_url}"),
        "expired": (f"Your quote {quote.number} expired",
                    f"The offer was valid until {quote.valid_until:%d.%m.%Y}. Ask for changes to "
                    f"get a new one: {buyer_url}" if quote.valid_until else buyer_url),
        "expiry_reminder": (f"Your quote {quote.number} expires on "
                            f"{quote.valid_until:%d.%m.%Y}" if quote.valid_until else "Quote expiry",
                            f"The offer ({total}) is valid until {quote.valid_until:%d.%m.%Y}. "
                            f"Accept it before then: {buyer_url}" if quote.valid_until else buyer_url),
        "message_to_buyer": (f"Message on your quote {quote.number}",
                             f"{_message_text(message)}\n\nReply: {buyer_url}"),
        "revising": (f"Your quote {quote.number} is being revised",
                     f"Your account manager is changing the offer; you will get the new version "
                     f"by email.\n\n{buyer_url}"),
    }  # fmt: skip
    subject, body = texts[kind]
    if kind in BUYER_KINDS:
        recipients = [quote.requested_by.email] if quote.requested_by.email else []
    else:
        recipients = _staff_recipients(quote, kind)
    return recipients, subject, body


def _message_text(message) -> str:
    if message is None:
        return ""
    author = message.author.get_full_name() or message.author.email if message.author else "-"
    about = f" (about {message.line_label})" if message.line_label else ""
    return f"{author}{about}:\n\n{message.body}"


def _last_event_text(quote) -> str:
    event = quote.events.select_related("by").order_by("-at", "-id").first()
    if event is None:
        return "-"
    who = (event.by.get_full_name() or event.by.email) if event.by else "-"
    return f"{who}: {event.text}"


def _last_message(quote) -> str:
    message = quote.messages.filter(is_internal=False).order_by("-created_at", "-id").first()
    return message.body if message else "-"
