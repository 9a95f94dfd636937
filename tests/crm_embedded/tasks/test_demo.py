"""The tasks room's demo: anna.berg has an overdue, a today's and a next week's task."""

from datetime import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group

from crm_embedded.tasks import demo, selectors
from crm_embedded.tasks.models import Task
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 3, 10, 12, 0), tick=False)
def test_demo_tasks_are_made_once():
    group = Group.objects.get_or_create(name="Account managers")[0]
    anna = UserFactory(email="anna.berg@partshub.example")
    anna.groups.add(group)
    for name in ("Rheinland Auto Service GmbH", "Iberia Fleet Maintenance S.L."):
        CompanyFactory(legal_name=name, account_manager=anna)
    assert demo.demo_ensure() == 5  # marco is not there: his task waits
    assert demo.demo_ensure() == 0
    today = selectors.tasks_open_for(owner_ids=[anna.pk], today=datetime(2026, 3, 10).date())
    assert [t.key for t in today["overdue"]] == ["demo:anna-overdue"]
    assert [t.key for t in today["today"]] == ["demo:anna-today"]
    assert Task.objects.get(key="demo:anna-next-week").due_at.date().isoformat() == "2026-03-17"
    assert Task.objects.get(key="demo:anna-done").outcome
    assert Task.objects.get(key="demo:anna-overdue").company.legal_name.startswith("Iberia")
