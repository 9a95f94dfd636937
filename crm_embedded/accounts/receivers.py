"""Buyer logins for the single customer view's timeline. The receiver passes ids, records on
commit and never raises into the login request."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from crm_embedded.accounts.models import LoginEvent
from shop.companies.selectors import membership_for_user

log = logging.getLogger(__name__)


def login_event_record(*, user_id: int, at) -> None:
    """Record a company member's login; nothing for staff or users without a company."""
    user = get_user_model().objects.filter(pk=user_id).first()
    membership = membership_for_user(user=user)
    if membership is not None:
        LoginEvent.objects.create(company_id=membership.company_id, user_id=user_id, at=at)


def _record_safely(user_id: int, at) -> None:
    try:
        login_event_record(user_id=user_id, at=at)
    except Exception:  # a login must never fail because the CRM could not note it
        log.exception("could not record the login of user %s", user_id)


@receiver(user_logged_in, dispatch_uid="crm.accounts.login_event")
def user_logged_in_received(sender, request, user, **kwargs) -> None:
    try:
        user_id, at = user.pk, timezone.now()
        transaction.on_commit(lambda: _record_safely(user_id, at))
    except Exception:
        log.exception("could not queue the login record")
