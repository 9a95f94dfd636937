"""Storefront events that become tasks for the account team. Receivers pass ids, queue their
work on commit and never raise into the request."""

import logging

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm_embedded.tasks import services
from crm_embedded.tasks.models import Task
from shop.credit.selectors import credit_company
from shop.credit.signals import credit_limit_requested
from shop.notifications.selectors import user_language

log = logging.getLogger(__name__)


def credit_limit_task_create(*, company_id: int, user_id: int, amount: str, currency: str) -> None:
    """Create the account manager's task to review a limit (one per company per day)."""
    company = credit_company(company_id=company_id)
    if company is None or company.account_manager_id is None:
        log.warning("credit limit request for company %s: no account manager", company_id)
        return
    # The title is read by the account manager: in their language, not the buyer's.
    with translation.override(user_language(user=company.account_manager)):
        title = _(
            "Review the credit limit of %(company)s: an order of %(amount)s %(currency)s did "
            "not fit (limit %(limit)s %(limit_currency)s)"
        ) % {"company": company.legal_name, "amount": amount, "currency": currency,
             "limit": company.credit_limit, "limit_currency": company.currency}  # fmt: skip
    services.task_create(
        owner=company.account_manager,
        company=company,
        key=f"credit-limit:{company_id}:{timezone.localdate().isoformat()}",
        due_at=timezone.now(),
        priority=Task.Priority.HIGH,
        title=title,
        url=reverse("crm:company-credit", kwargs={"pk": company_id}),
    )


@receiver(credit_limit_requested, dispatch_uid="crm.credit_limit_requested")
def credit_limit_requested_received(sender, company_id, user_id, amount, currency, **kwargs):
    try:
        transaction.on_commit(
            lambda: credit_limit_task_create(
                company_id=company_id, user_id=user_id, amount=amount, currency=currency
            ),
            robust=True,
        )
    except Exception:  # never into the buyer's request
        log.exception("could not queue the credit limit task for company %s", company_id)
