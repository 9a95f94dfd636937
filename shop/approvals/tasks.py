"""Approval emails and the expiry sweep, run by Celery after the transaction commits.

Each email is sent once per request and kind (a duplicate delivery sends nothing); a mail
server that fails is retried with backoff and never turns a decision into an error page.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from shop.mail import email_send_once

log = logging.getLogger(__name__)

KINDS = ("requested", "next_tier", "approved", "payment_link", "rejected", "expired")
SENT_KEY = "shop:approvals:email-sent:{kind}:{object_id}:{stamp}"


def _message(kind: str, object_id: int) -> tuple[str, list[str], str, str] | None:
    from shop.approvals.models import ApprovalRequest
    from shop.approvals.rules import deciders

    approval = (
        ApprovalRequest.objects.select_related("company", "requester", "decided_by", "order")
        .filter(pk=object_id)
        .first()
    )
    if approval is None:
        return None
    if kind in ("requested", "next_tier"):
        recipients = sorted(m.user.email for m in deciders(approval) if m.user.email)
    else:
        recipients = [approval.requester.email]
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    context = {
        "site_name": settings.SITE_NAME,
        "approval": approval,
        "company": approval.company,
        "request_url": base_url + reverse("approvals:detail", kwargs={"pk": approval.pk}),
        "basket_url": base_url + reverse("basket:summary"),
        "pay_url": base_url + reverse("approvals:pay", kwargs={"pk": approval.pk}),
    }
    subject = render_to_string(f"approvals/email/{kind}_subject.txt", context)
    body = render_to_string(f"approvals/email/{kind}_body.txt", context)
    # A request moving to the next tier (or the admins) is a new stage: it gets its own email.
    stamp = approval.tier_started_at if kind == "next_tier" else approval.created_at
    key = SENT_KEY.format(kind=kind, object_id=object_id, stamp=int(stamp.timestamp()))
    return key, [address for address in recipients if address], subject, body


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def approval_email_send(kind: str, object_id: int) -> int:
    """Send one approval email once; return the number of recipients."""
    if kind not in KINDS:
        raise ValueError(f"Unknown approval email kind: {kind}")
    message = _message(kind, object_id)
    if message is None:
        log.warning("approval email %s: request %s no longer exists", kind, object_id)
        return 0
    key, recipients, subject, body = message
    return email_send_once(
        key=key,
        recipients=recipients,
        subject=subject,
        body=body,
        what=f"approval email {kind} for {object_id}",
        log=log,
    )


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
        approval_email_send.delay("next_tier", pk)
    return {"expired": expired, "escalated": len(escalated)}
