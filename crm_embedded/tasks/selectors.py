"""Reads of the tasks room, scoped to who is asking."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from crm_embedded.pipeline.models import Opportunity
from crm_embedded.quotes.models import Quote
from crm_embedded.tasks.models import Task
from shop.companies.selectors import (
    ACCOUNT_MANAGERS_GROUP,
    SALES_MANAGERS_GROUP,
    user_is_account_staff,
    user_is_sales_manager,
)


def _with_links(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related("owner", "company", "quote", "opportunity", "completed_by")


def tasks_for_staff(*, user: AbstractBaseUser) -> QuerySet[Task]:
    """Tasks a staff user may see: their own and those on their accounts; sales managers all."""
    tasks = _with_links(Task.objects.all())
    if user_is_sales_manager(user=user):
        return tasks
    if user_is_account_staff(user=user):
        return tasks.filter(Q(owner=user) | Q(company__account_manager=user))
    return tasks.none()


def day_start(day: date) -> datetime:
    """The first instant of a local calendar day, timezone-aware."""
    return timezone.make_aware(datetime.combine(day, time.min))


def tasks_open_for(*, owner_ids: list[int] | None, today: date) -> dict:
    """Open tasks due before today ("overdue") and due today ("today"), in one query.

    ``owner_ids`` None means every owner; an empty list means nobody.
    """
    start, end = day_start(today), day_start(today + timedelta(days=1))
    tasks = _with_links(Task.objects.filter(done_at__isnull=True, due_at__lt=end))
    if owner_ids is not None:
        tasks = tasks.filter(owner_id__in=list(owner_ids))
    result: dict = {"overdue": [], "today": []}
    for task in tasks.order_by("due_at", "-priority", "pk"):
        result["overdue" if task.due_at < start else "today"].append(task)
    return result


def tasks_for_company(*, company_id: int, limit: int = 20) -> list[Task]:
    """A company's open tasks, soonest due first (undated last), at most ``limit``."""
    tasks = _with_links(Task.objects.filter(company_id=company_id, done_at__isnull=True))
    return list(tasks.order_by(F("due_at").asc(nulls_last=True), "-priority", "pk")[:limit])


def tasks_due_for_reminder(*, now: datetime, within: timedelta) -> list[Task]:
    """Open tasks due within ``within`` from now whose reminder has not gone out."""
    return list(
        _with_links(
            Task.objects.filter(
                done_at__isnull=True,
                reminder_sent_at__isnull=True,
                due_at__gt=now,
                due_at__lte=now + within,
            )
        ).order_by("due_at", "pk")
    )


def task_owners() -> QuerySet:
    """The people a task can be given to: active account and sales managers (and superusers)."""
    staff = Q(groups__name__in=[ACCOUNT_MANAGERS_GROUP, SALES_MANAGERS_GROUP]) | Q(
        is_superuser=True
    )
    ids = get_user_model().objects.filter(staff, is_active=True).values("pk")
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name", "email")


def quotes_for_companies(*, companies: QuerySet) -> QuerySet[Quote]:
    """Quotes a task may link to: those of the given (already scoped) companies."""
    return Quote.objects.filter(company__in=companies.order_by().values("pk"))


def opportunities_for_companies(*, companies: QuerySet) -> QuerySet[Opportunity]:
    """Opportunities a task may link to: those of the given (already scoped) companies."""
    return Opportunity.objects.filter(company__in=companies.order_by().values("pk"))
