"""Approval housekeeping run by Celery beat: the expiry sweep and escalation.

The emails go through the notification path (shop/approvals/emails.py).
"""

from celery import shared_task

from shop.approvals import emails


@shared_task
def expire() -> int:
    """Expire pending requests past their date (idempotent: a second run finds none)."""
    from shop.approvals.services import approval_requests_expire

    return approval_requests_expire()


@shared_task
def housekeeping() -> dict:
    """Expire overdue requests and escalate idle ones (idempotent: a rerun changes nothing)."""
    from shop.approvals.rules import approval_requests_escalate

    expired = expire()
    escalated = approval_requests_escalate()
    for pk in escalated:
        emails.approval_email_send(kind="next_tier", object_id=pk)
    return {"expired": expired, "escalated": len(escalated)}
