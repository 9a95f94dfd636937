"""Approval emails, sent after the transaction commits through the notification path.

Each email is logged once per request, kind and stage (a second call sends nothing) and
delivered by the notification task, retried with backoff: a failing mail server never turns
a decision into an error page.
"""

import logging

from shop.notifications.selectors import user_language
from shop.notifications.services import absolute_url, notification_send

log = logging.getLogger(__name__)

KINDS = ("requested", "next_tier", "approved", "payment_link", "rejected", "expired")


def approval_email_send(*, kind: str, object_id: int) -> int:
    """Render and queue one approval email once; return the number of recipients."""
    from shop.approvals.models import ApprovalRequest
    from shop.approvals.rules import deciders

    if kind not in KINDS:
        raise ValueError(f"Unknown approval email kind: {kind}")
    approval = (
        ApprovalRequest.objects.select_related("company", "requester", "decided_by", "order")
        .filter(pk=object_id)
        .first()
    )
    if approval is None:
        log.warning("approval email %s: request %s no longer exists", kind, object_id)
        return 0
    if kind in ("requested", "next_tier"):
        users = [member.user for member in deciders(approval) if member.user.email]
        recipients = sorted(user.email for user in users)
        language = user_language(user=users[0]) if len(users) == 1 else None
    else:
        recipients = [approval.requester.email]
        language = user_language(user=approval.requester)
    context = {
        "approval": approval,
        "company": approval.company,
        "request_url": absolute_url("approvals:detail", kwargs={"pk": approval.pk}),
        "basket_url": absolute_url("basket:summary"),
        "pay_url": absolute_url("approvals:pay", kwargs={"pk": approval.pk}),
    }
    # A request moving to the next tier (or the admins) is a new stage: it gets its own email.
    stamp = approval.tier_started_at if kind == "next_tier" else approval.created_at
    entry = notification_send(
        kind=f"approval_{kind}",
        to=recipients,
        context=context,
        key=f"approval:{kind}:{object_id}:{int(stamp.timestamp())}",
        language=language,
    )
    return len(entry.recipients) if entry else 0
