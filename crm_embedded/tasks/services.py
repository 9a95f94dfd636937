"""Writes of the tasks room: create (by hand or by automation), update, complete, close by key."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_embedded.tasks import selectors
from crm_embedded.tasks.models import Task
from shop.companies.selectors import companies_for_staff
from shop.errors import PortalError
from shop.notifications.selectors import user_language
from shop.notifications.services import absolute_url, notification_send

# Owners hear about an open task once, when it falls due within this time.
REMINDER_BEFORE = timedelta(hours=24)

# Fields a person (or a room's automation) may change through task_update.
UPDATABLE_FIELDS = frozenset(
    {
        "owner",
        "title",
        "description",
        "priority",
        "due_at",
        "company",
        "quote",
        "opportunity",
        "url",
    }
)


class TaskError(PortalError):
    """A task that cannot be created, changed or completed as asked."""


def _links_checked(*, company, quote, opportunity):
    """Return the company the links agree on; refuse a quote or opportunity of another company."""
    for linked, field in ((quote, "quote"), (opportunity, "opportunity")):
        if linked is None:
            continue
        if company is None:
            company = linked.company
        elif linked.company_id != company.pk:
            raise TaskError(
                _("The %(what)s belongs to another company than the task: choose one of %(company)s.")
                % {"what": _("quote") if field == "quote" else _("opportunity"),
                   "company": company.legal_name},
                field=field,
            )  # fmt: skip
    return company


def _due_checked(due_at: datetime | None) -> None:
    if due_at is not None and due_at < timezone.now():
        raise TaskError(
            _("The due date is in the past: choose today or a later date (or leave it empty)."),
            field="due_at",
        )


def _owner_may_see(owner, company) -> None:
    """Refuse a task on an account its owner may not open (its title would leak to them)."""
    if company is not None and not companies_for_staff(user=owner).filter(pk=company.pk).exists():
        raise TaskError(
            _(
                "%(owner)s cannot open %(company)s: give the task to its account manager or to "
                "a sales manager, or choose another account."
            )
            % {"owner": owner.get_full_name() or owner.email, "company": company.legal_name},
            field="owner",
        )


def task_create(
    *,
    owner,
    title: str,
    due_at: datetime | None = None,
    company=None,
    quote=None,
    opportunity=None,
    priority: int = Task.Priority.NORMAL,
    description: str = "",
    url: str = "",
    key: str = "",
    source: str = Task.Source.AUTOMATIC,
    created_by=None,
) -> Task:
    """Create a task; with a ``key``, return the task already made under it (open or closed).

    A task made by hand cannot be due in the past; automation may file one due now or earlier.
    """
    title = " ".join((title or "").split())
    if not title:
        raise TaskError(_("Give the task a title: what is to be done?"), field="title")
    if owner is None:
        raise TaskError(_("Choose who owns the task."), field="owner")
    if key and len(key) > Task._meta.get_field("key").max_length:
        raise TaskError(_("The task key is too long."), field="key")
    if key:
        existing = Task.objects.filter(key=key).first()
        if existing is not None:
            return existing
    company = _links_checked(company=company, quote=quote, opportunity=opportunity)
    if source == Task.Source.MANUAL:
        _due_checked(due_at)
        _owner_may_see(owner, company)
    fields = {
        "owner": owner,
        "title": title[:200],
        "description": description or "",
        "priority": priority,
        "source": source,
        "company": company,
        "quote": quote,
        "opportunity": opportunity,
        "url": url[:300],
        "key": key,
        "due_at": due_at,
        "created_by": created_by,
    }
    if not key:
        return Task.objects.create(**fields)
    try:
        # A savepoint: a concurrent creator of the same key must not break the caller's transaction.
        with transaction.atomic():
            return Task.objects.create(**fields)
    except IntegrityError:
        return Task.objects.get(key=key)


def task_update(*, task: Task, by, **fields) -> Task:
    """Change a task's owner, title, description, priority, due date or links.

    A new due date cannot lie in the past; changing it re-arms the reminder.
    """
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TaskError(_("These task fields cannot be changed: %(fields)s") % {
            "fields": ", ".join(sorted(unknown))})  # fmt: skip
    if "title" in fields:
        fields["title"] = " ".join((fields["title"] or "").split())[:200]
        if not fields["title"]:
            raise TaskError(_("Give the task a title: what is to be done?"), field="title")
    if "owner" in fields and fields["owner"] is None:
        raise TaskError(_("Choose who owns the task."), field="owner")
    company = fields.get("company", task.company)
    quote = fields.get("quote", task.quote)
    opportunity = fields.get("opportunity", task.opportunity)
    fields["company"] = _links_checked(company=company, quote=quote, opportunity=opportunity)
    if "owner" in fields or fields["company"] != task.company:
        _owner_may_see(fields.get("owner", task.owner), fields["company"])
    changed = []
    if "due_at" in fields and fields["due_at"] != task.due_at:
        _due_checked(fields["due_at"])
        task.reminder_sent_at = None
        changed.append("reminder_sent_at")
    for name, value in fields.items():
        if getattr(task, name) != value:
            setattr(task, name, value)
            changed.append(name)
    if changed:
        task.save(update_fields=sorted(set(changed)))
    return task


@transaction.atomic
def task_complete(*, task: Task, by, outcome: str) -> Task:
    """Mark an open task done with its outcome (what came of it)."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise TaskError(
            _("Write the outcome: what came of it (e.g. “Called, offer accepted”)."),
            field="outcome",
        )
    now = timezone.now()
    if not Task.objects.filter(pk=task.pk, done_at__isnull=True).update(
        done_at=now, completed_by=by, outcome=outcome
    ):
        raise TaskError(_("This task is done already."))
    task.done_at, task.completed_by, task.outcome = now, by, outcome
    return task


def task_reopen(*, task: Task, by) -> Task:
    """Open a done task again (an automation whose reason came back, or a person's undo)."""
    if task.done_at is None:
        return task
    Task.objects.filter(pk=task.pk).update(done_at=None, completed_by=None, outcome="")
    task.done_at, task.completed_by, task.outcome = None, None, ""
    return task


def tasks_close(
    *, key_prefix: str | None = None, keys: list[str] | None = None, by=None, outcome: str = ""
) -> int:
    """Mark the open tasks under these keys (or starting with ``key_prefix``) done; return how many."""
    if not key_prefix and not keys:
        raise TaskError(_("Name the tasks to close by their keys or a key prefix."))
    wanted = Q(key__in=list(keys or []))
    if key_prefix:
        wanted |= Q(key__startswith=key_prefix)
    open_tasks = Task.objects.filter(wanted, done_at__isnull=True).exclude(key="")
    return open_tasks.update(done_at=timezone.now(), completed_by=by, outcome=outcome or "")


def task_reminder_mark(*, task_id: int, now: datetime) -> bool:
    """Claim the reminder of an open task once; False when it was sent already or is done."""
    return bool(
        Task.objects.filter(pk=task_id, done_at__isnull=True, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
    )


def task_reminders_send(*, now: datetime | None = None) -> int:
    """Email each owner once about their open tasks due within the next 24 hours; return how many."""
    now = now or timezone.now()
    sent = 0
    for task in selectors.tasks_due_for_reminder(now=now, within=REMINDER_BEFORE):
        with transaction.atomic():
            if not task_reminder_mark(task_id=task.pk, now=now):
                continue  # another worker, or a completion, got there first
            owner = task.owner
            url = absolute_url("crm:task-edit", args=[task.pk])
            entry = notification_send(
                kind="crm_task_reminder",
                to=[owner.email] if owner.email else [],
                context={
                    "task": task,
                    "owner_name": owner.get_full_name() or owner.email,
                    "company": task.company.legal_name if task.company else "",
                    "task_url": url,
                    "done_url": absolute_url("crm:task-done", args=[task.pk]),
                    "link_url": settings.SITE_BASE_URL + task.url
                    if task.url.startswith("/")
                    else task.url,
                },
                # The due date is part of the key: a task moved to a later date reminds again.
                key=f"crm-task-reminder:{task.pk}:{int(task.due_at.timestamp())}",
                language=user_language(user=owner),
            )
            sent += entry is not None
    return sent
