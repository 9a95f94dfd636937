"""Company account emails (application received/approved/declined, invitation).

Called after the transaction commits: the record is read again, the email rendered and
logged once per key, and delivered by the notification task (retried with backoff).
"""

import logging

from django.contrib.auth import get_user_model

from shop.notifications.selectors import user_language
from shop.notifications.services import absolute_url, notification_send

log = logging.getLogger(__name__)

KINDS = ("application_received", "application_approved", "application_declined", "invitation")


def company_email_send(*, kind: str, object_id: int) -> int:
    """Render and queue one company email once (a second call sends nothing); return the recipients."""
    from shop.companies import selectors, services
    from shop.companies.models import CompanyApplication, Invitation

    if kind not in KINDS:
        raise ValueError(f"Unknown company email kind: {kind}")
    language = None
    if kind == "invitation":
        invitation = (
            Invitation.objects.select_related("company", "invited_by").filter(pk=object_id).first()
        )
        if invitation is None:
            log.warning("company email %s: record %s no longer exists", kind, object_id)
            return 0
        recipients = [invitation.email]
        stamp = invitation.created_at
        token = services.invitation_token(invitation=invitation)
        context = {
            "invitation": invitation,
            "company": invitation.company,
            "token": token,
            "join_url": absolute_url("company:join", kwargs={"token": token}),
        }
    else:
        application = (
            CompanyApplication.objects.select_related(
                "company", "company__account_manager", "applicant"
            )
            .filter(pk=object_id)
            .first()
        )
        if application is None:
            log.warning("company email %s: record %s no longer exists", kind, object_id)
            return 0
        stamp = application.submitted_at
        if kind == "application_received":
            staff = get_user_model().objects.filter(
                groups__name=selectors.SALES_MANAGERS_GROUP, is_active=True
            )
            recipients = sorted({user.email for user in staff if user.email})
        else:
            recipients = [application.applicant.email]
            language = user_language(user=application.applicant)
        context = {
            "application": application,
            "company": application.company,
            "company_url": absolute_url("company:home"),
            # By URL name only: the storefront never imports the CRM.
            "review_url": absolute_url("crm:application-detail", kwargs={"pk": application.pk}),
        }
    # The record's creation time is part of the key: a database rebuilt with ids starting
    # again at 1 must not be mistaken for the old records.
    entry = notification_send(
        kind=f"company_{kind}",
        to=recipients,
        context=context,
        key=f"company:{kind}:{object_id}:{int(stamp.timestamp())}",
        language=language,
    )
    return len(entry.recipients) if entry else 0
