"""Demo data of this room for ``seed_demo`` (idempotent): open tasks for the demo reps."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from crm_embedded.tasks import services
from crm_embedded.tasks.forms import END_OF_DAY
from crm_embedded.tasks.models import Task
from shop.companies.selectors import companies_for_staff

# (key, rep, company, title, description, priority, due in days (None: none), done outcome)
DEMO_TASKS = [
    ("anna-overdue", "anna.berg@partshub.example", "Iberia Fleet Maintenance S.L.",
     "Call Pablo Ruiz about the brake pad consumption report",
     "He asked for last quarter's figures per depot before they reorder.",
     Task.Priority.HIGH, -1, ""),
    ("anna-today", "anna.berg@partshub.example", "Rheinland Auto Service GmbH",
     "Confirm the delivery window for the workshop refit with Jonas Weber",
     "", Task.Priority.NORMAL, 0, ""),
    ("anna-next-week", "anna.berg@partshub.example", "Rheinland Auto Service GmbH",
     "Prepare the annual price review for Rheinland Auto",
     "Compare their contract prices with last year's volumes.",
     Task.Priority.NORMAL, 7, ""),
    ("anna-someday", "anna.berg@partshub.example", "Iberia Fleet Maintenance S.L.",
     "Send the new catalogue of filters to Iberia Fleet", "", Task.Priority.LOW, None, ""),
    ("anna-done", "anna.berg@partshub.example", "Rheinland Auto Service GmbH",
     "Introduce the new bulk order upload to Rheinland Auto", "", Task.Priority.NORMAL, -5,
     "Showed Jonas the upload; their first bulk order came the next day."),
    ("marco-tomorrow", "marco.rossi@partshub.example", "Nordic Textile Mills AB",
     "Check the credit position of Nordic Textile Mills before the next order", "",
     Task.Priority.HIGH, 1, ""),
]  # fmt: skip


def _due(days: int | None, today) -> datetime | None:
    if days is None:
        return None
    day = today + timedelta(days=days)
    # Overdue since yesterday morning; the others by the end of their day.
    return timezone.make_aware(datetime.combine(day, time(10, 0) if days < 0 else END_OF_DAY))


def demo_ensure() -> int:
    """Create this room's demo rows that are missing; return how many were created."""
    users = {u.email: u for u in get_user_model().objects.filter(
        email__in={row[1] for row in DEMO_TASKS})}  # fmt: skip
    today = timezone.localdate()
    created = 0
    for key, email, legal_name, title, description, priority, days, outcome in DEMO_TASKS:
        owner = users.get(email)
        if owner is None or Task.objects.filter(key=f"demo:{key}").exists():
            continue
        company = companies_for_staff(user=owner).filter(legal_name=legal_name).first()
        due_at = _due(days, today)
        task = services.task_create(
            owner=owner, title=title, description=description, priority=priority,
            company=company, key=f"demo:{key}", source=Task.Source.MANUAL, created_by=owner,
            due_at=due_at if due_at is None or due_at > timezone.now() else None,
        )  # fmt: skip
        if due_at is not None and task.due_at != due_at:
            # A demo task "was" filed earlier: its date lies in the past, as if time had passed.
            Task.objects.filter(pk=task.pk).update(due_at=due_at)
        if outcome:
            services.task_complete(task=task, by=owner, outcome=outcome)
        created += 1
    return created
