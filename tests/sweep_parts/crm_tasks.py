"""The tasks room's object URLs in the isolation sweep (staff: the company's manager).

Side B's task is owned by B's account manager on B's company: A's manager gets 404.
"""

from datetime import timedelta

from django.utils import timezone

from crm_embedded.tasks.models import Task
from tests.sweep_parts import Probe

PROBES = {
    "crm:task-edit": Probe("get", lambda s: {"pk": s.extra["crm_task"].pk}, actor="staff"),
    "crm:task-done": Probe(
        "post", lambda s: {"pk": s.extra["crm_task"].pk}, actor="staff", data={"outcome": "Called"}
    ),
}


def objects(side) -> dict:
    task = Task.objects.create(
        owner=side.company.account_manager,
        company=side.company,
        title=f"Call {side.company.legal_name} about the renewal",
        source=Task.Source.MANUAL,
        due_at=timezone.now() + timedelta(days=2),
    )
    return {"crm_task": task}
