"""Company account emails, sent by a Celery task after the transaction commits.

The record (an application, an invitation) is saved first; the email follows. A mail
server that fails is retried with backoff and logged, and never turns a saved record into
an error page.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from shop.mail import email_send_once

log = logging.getLogger(__name__)

KINDS = ("application_received", "application_approved", "application_declined", "invitation")
# The record's creation time is part of the key: a database rebuilt beside a kept cache
# (ids start again at 1) must not silence the new records' emails.
SENT_KEY = "shop:companies:email-sent:{kind}:{object_id}:{stamp}"


def _message(kind: str, object_id: int) -> tuple[str, list[str], str, str] | None:
    """Idempotency key, recipients, subject and body of one email; None if the record is gone."""
    from shop.companies import selectors, services
    from shop.companies.models import CompanyApplication, Invitation

    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    context = {"site_name": settings.SITE_NAME, "base_url": base_url}
    if kind == "invitation":
        invitation = (
            Invitation.objects.select_related("company", "invited_by").filter(pk=object_id).first()
        )
        if invitation is None:
            return None
        recipients = [invitation.email]
        stamp = invitation.created_at
        token = services.invitation_token(invitation=invitation)
        context.update(
            invitation=invitation,
            company=invitation.company,
            token=token,
            join_url=base_url + reverse("company:join", kwargs={"token": token}),
        )
    else:
        application = (
            CompanyApplication.objects.select_related(
                "company", "company__account_manager", "applicant"
            )
            .filter(pk=object_id)
            .first()
        )
        if application is None:
            return None
        stamp = application.submitted_at
        if kind == "application_received":
            staff = get_user_model().objects.filter(
                groups__name=selectors.SALES_MANAGERS_GROUP, is_active=True
            )
            recipients = sorted({user.email for user in staff if user.email})
        else:
            recipients = [application.applicant.email]
        context.update(
            application=application,
            company=application.company,
            company_url=base_url + reverse("company:home"),
            # By URL name only: the storefront never imports the CRM.
            review_url=base_url + reverse("crm:application-detail", kwargs={"pk": application.pk}),
        )
    subject = render_to_string(f"companies/email/{kind}_subject.txt", context)
    body = render_to_string(f"companies/email/{kind}_body.txt", context)
    key = SENT_KEY.format(kind=kind, object_id=object_id, stamp=int(stamp.timestamp()))
    return key, recipients, subject, body


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def company_email_send(kind: str, object_id: int) -> int:
    """Send one company email once (a duplicate delivery sends nothing); return the recipients."""
    if kind not in KINDS:
        raise ValueError(f"Unknown company email kind: {kind}")
    message = _message(kind, object_id)
    if message is None:
        log.warning("company email %s: record %s no longer exists", kind, object_id)
        return 0
    key, recipients, subject, body = message
    return email_send_once(
        key=key,
        recipients=recipients,
        subject=subject,
        body=body,
        what=f"company email {kind} for {object_id}",
        log=log,
    )
