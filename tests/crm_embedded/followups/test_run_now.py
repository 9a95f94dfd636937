"""Running the follow-up job by hand: a sales manager's button on the follow-ups page (the
embedded default has no Celery beat) and ``manage.py followups_run`` for cron."""

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from crm_embedded.followups.models import FollowUp
from shop.notifications.models import NotificationLog
from tests.crm_embedded.followups.engine_helpers import cart_fill, rules_ensure
from tests.crm_embedded.reports.factories import staff_make
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

RUN = "/crm/follow-ups/run/"


@pytest.fixture
def idle_cart(buyer_member):
    rules_ensure()
    bolt = ProductFactory(upc="RUN-BOLT", title="Hex bolt M8", stock__price=Decimal("12.50"))
    return cart_fill(buyer_member, [(bolt, 4)], at=timezone.now() - timedelta(hours=5))


def test_the_url_name():
    assert reverse("crm:followup-run") == RUN


def test_a_sales_manager_runs_the_job_and_reads_what_it_did(client, idle_cart, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: no broker, no beat
    manager = staff_make(email="sofia.run@partshub.example", group="Sales managers")
    client.force_login(manager)
    page = client.get("/crm/follow-ups/")
    assert b'id="followup-run"' in page.content

    response = client.post(RUN, follow=True)

    assert response.redirect_chain[-1][0] == "/crm/follow-ups/"
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Emails sent: 1 · tasks filed: 0 · opted out (task route only): 0" in text
    followup = FollowUp.objects.get()
    assert (followup.basket_id, followup.stage, followup.status) == (idle_cart.pk, 1, "sent")
    assert NotificationLog.objects.filter(kind="followup_cart").count() == 1
    # Pressed twice: nothing more.
    client.post(RUN)
    assert FollowUp.objects.count() == 1


def test_account_managers_may_not_start_it_and_get_is_refused(client, idle_cart):
    rep = staff_make(email="anna.run@partshub.example")
    client.force_login(rep)
    assert b'id="followup-run"' not in client.get("/crm/follow-ups/").content
    assert client.post(RUN).status_code == 403
    manager = staff_make(email="sofia.get@partshub.example", group="Sales managers")
    client.force_login(manager)
    assert client.get(RUN).status_code == 405
    assert not FollowUp.objects.exists()


def test_the_command_runs_the_job_once_and_prints_its_summary(idle_cart):
    out = StringIO()
    call_command("followups_run", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["done"] == {"idle_basket/1/sent": 1}
    call_command("followups_run", stdout=StringIO())
    assert FollowUp.objects.count() == 1


def test_with_a_broker_the_button_queues_the_job(client, idle_cart, settings, monkeypatch):
    from crm_embedded.followups import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.followups_run, "delay", lambda: queued.append(True))
    client.force_login(staff_make(email="sofia.queue@partshub.example", group="Sales managers"))

    response = client.post(RUN, follow=True)

    assert queued == [True]
    assert "The follow-up job is queued" in " ".join(str(m) for m in response.context["messages"])
    assert not FollowUp.objects.exists()  # the worker does it, not the request


def test_a_task_filed_by_the_job_is_due_within_a_working_day_not_overdue_at_once(
    idle_cart, buyer_member
):
    from crm_embedded.followups.models import FollowUpRule
    from crm_embedded.tasks.models import Task

    manager = staff_make(email="anna.due@partshub.example")
    buyer_member.company.account_manager = manager
    buyer_member.company.save(update_fields=["account_manager"])
    FollowUpRule.objects.filter(kind="idle_basket").update(task_min_value=Decimal("10.00"))
    before = timezone.now()

    call_command("followups_run", stdout=StringIO())

    task = Task.objects.get(owner=manager)
    assert before + timedelta(hours=23) < task.due_at <= timezone.now() + timedelta(days=1)
