"""The storefront's credit events the account team listens to. Receivers pass ids, queue
their work on commit and never raise into the request."""

import logging

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from shop.credit.signals import credit_limit_requested

log = logging.getLogger(__name__)


def credit_limit_task_create(*, company_id: int, user_id: int, amount: str, currency: str) -> None:
    """Create the account manager's task to review a limit (one per company per day)."""
    from crm_embedded.tasks.models import Task
    from shop.credit.selectors import credit_company

    company = credit_company(company_id=company_id)
    if company is None or company.account_manager_id is None:
        log.warning("credit limit request for company %s: no account manager", company_id)
        return
    today = timezone.localdate()
    Task.objects.get_or_create(
        key=f"credit-limit:{company_id}:{today.isoformat()}",
        defaults={
            "owner_id": company.account_manager_id,
            "company": company,
            "due_at": timezone.now(),
            "title": f"Review the credit limit of {company.legal_name}: an order of "
            f"{amount} {currency} did not fit (limit {company.credit_limit} {company.currency})",
            "url": reverse("crm:company-credit", kwargs={"pk": company_id}),
        },
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
