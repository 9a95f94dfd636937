"""Automation run by Celery beat: expire offers, remind before expiry, alert on waiting requests."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from crm_embedded.quotes import notifications
from crm_embedded.quotes.models import Quote
from crm_embedded.quotes.selectors import business_days_between
from crm_embedded.quotes.services._common import overdue_task_key, quote_move
from crm_embedded.quotes.states import State
from crm_embedded.tasks.services import task_create


def quotes_expire(*, today: date | None = None) -> int:
    """Expire offers past their validity; return how many."""
    today = today or timezone.localdate()
    count = 0
    for pk in Quote.objects.filter(state=State.OFFERED, valid_until__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            quote = Quote.objects.select_for_update().get(pk=pk)
            if quote.state != State.OFFERED or quote.valid_until >= today:
                continue
            quote_move(
                quote, State.EXPIRED, by=None, text=f"Not accepted by {quote.valid_until:%d.%m.%Y}"
            )
            quote.save(update_fields=["state", "updated_at"])
            notifications.queue(quote, "expired")
            count += 1
    return count


def quotes_remind_expiring(*, today: date | None = None) -> int:
    """Remind buyers of offers that expire within the reminder window, once per version."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.QUOTE_REMIND_DAYS_BEFORE_EXPIRY)
    count = 0
    due = Quote.objects.filter(state=State.OFFERED, reminded_at__isnull=True,
                               valid_until__gte=today, valid_until__lte=horizon)  # fmt: skip
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            updated = Quote.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if updated:
                notifications.queue(Quote.objects.get(pk=pk), "expiry_reminder")
                count += 1
    return count


def quotes_alert_overdue(*, now=None) -> int:
    """A task and an email for the account manager of each request waiting past the target."""
    now = now or timezone.now()
    target = settings.QUOTE_RESPONSE_TARGET_BUSINESS_DAYS
    count = 0
    waiting = Quote.objects.filter(state=State.REQUESTED, overdue_alerted_at__isnull=True)
    for quote in waiting.select_related("account_manager", "company"):
        if business_days_between(start=quote.created_at, end=now) < target:
            continue
        with transaction.atomic():
            if not Quote.objects.filter(pk=quote.pk, overdue_alerted_at__isnull=True).update(
                overdue_alerted_at=now
            ):
                continue
            owner = quote.account_manager
            if owner is not None:
                task_create(
                    owner=owner, company=quote.company, quote=quote, due_at=now,
                    title=f"Answer request for quote {quote.number} from "
                          f"{quote.company.legal_name}: waiting since "
                          f"{timezone.localtime(quote.created_at):%d.%m.%Y %H:%M}",
                    url=reverse("crm:quote-detail", args=[quote.pk]),
                    key=overdue_task_key(quote),
                )  # fmt: skip
            notifications.queue(quote, "overdue")
            count += 1
    return count
