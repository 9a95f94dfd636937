# ruff: noqa: F811 (fixtures are requested by name)
"""Follow-ups under real concurrency: two real Celery workers (subprocesses, Redis broker)
and threads in this process run the job at the same moment on PostgreSQL; every item gets
exactly one row, one email and one task per stage, and each row was acted on by one run."""

import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from oscar.core.loading import get_model

from config.celery import app
from config.tasks import ping
from crm_embedded.followups import services, tasks
from crm_embedded.followups.models import FollowUp, FollowUpRule
from crm_embedded.quotes import services as quote_services
from crm_embedded.quotes.services import RequestItem
from crm_embedded.tasks.models import Task
from shop.approvals import services as approval_services
from shop.approvals.models import ApprovalRequest
from shop.companies.models import CompanyMember
from shop.notifications.models import NotificationLog
from tests.conftest import migrated_data_restore
from tests.crm_embedded.followups.engine_helpers import cart_fill, rules_ensure, total
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory
from tests.helpers import race

pytestmark = [
    pytest.mark.services,
    pytest.mark.real_celery,
    pytest.mark.django_db(transaction=True),
]

Line = get_model("basket", "Line")
Kind = FollowUpRule.Kind
ROOT = Path(__file__).resolve().parents[3]
BUYERS = 30
THREADS = 3

# A worker whose own emails (notification_deliver) go to its own queue, so that nothing is
# left behind on the broker for a worker of another test.
WORKER = """
import sys
from config.celery import app
queue, name = sys.argv[1], sys.argv[2]
app.conf.task_default_queue = queue
app.worker_main(["worker", "--pool=solo", "--concurrency=1", "--without-heartbeat",
                 "--without-gossip", "--without-mingle", "-Q", queue, "-n", name,
                 "--loglevel=WARNING"])
"""


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions (SQLite serialises writers)")


@pytest.fixture(autouse=True)
def _migrated_data(transactional_db, _migrated_snapshot):
    from wagtail.models import Collection, Page

    if Page.get_first_root_node() is None or Collection.get_first_root_node() is None:
        migrated_data_restore(connection, _migrated_snapshot)


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def workers(tmp_path):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    assert broker.startswith("redis://"), "set CELERY_BROKER_URL=redis://... for this test"
    assert settings.CELERY_RESULT_BACKEND, "set CELERY_RESULT_BACKEND too, to read the answers"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # The workers use the test database this test writes to.
        "DATABASE_URL": _database_url(),
    }
    started = []
    for n in range(2):
        queue = f"test-followups-{uuid.uuid4().hex}"
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER, queue, f"followups{n}-{uuid.uuid4().hex[:6]}@%h"],
            cwd=ROOT,
            env=env,
            stdout=(tmp_path / f"worker{n}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        started.append((process, queue))
    try:
        for _, queue in started:  # both are up and listening
            token = uuid.uuid4().hex
            assert (
                ping.apply_async(args=[token], queue=queue).get(
                    timeout=90, disable_sync_subtasks=False
                )
                == f"pong:{token}"
            )
        yield [queue for _, queue in started]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            process.wait(timeout=30)


def _leaks(now):
    """30 idle carts (some valuable: a task too), 2 offers expiring, 2 pending approvals."""
    rules_ensure()
    manager = UserFactory(email="am-race@partshub.example", is_staff=True)
    company = CompanyFactory(account_manager=manager)
    bolt = ProductFactory(upc="RACE-BOLT", stock__price=Decimal("12.50"))
    pump = ProductFactory(upc="RACE-PUMP", stock__price=Decimal("900.00"))
    for n in range(BUYERS):
        member = CompanyMemberFactory(company=company, user=UserFactory(email=f"r{n}@race.example"))
        cart_fill(member, [(pump if n % 5 == 0 else bolt, 2)], at=now)
    Line.objects.update(date_updated=now - timedelta(hours=5))
    offerer = CompanyMemberFactory(company=company, user=UserFactory(email="offers@race.example"))
    for _ in range(2):
        quote = quote_services.quote_request(member=offerer, items=[RequestItem(bolt.pk, 3)])
        line = quote.lines.get()
        quote_services.quote_lines_update(
            quote=quote, by=manager, changes={line.pk: {"unit_price": "11.00"}}
        )
        quote_services.quote_terms_update(
            quote=quote, by=manager, valid_until=timezone.localdate() + timedelta(days=2), terms=""
        )
        quote_services.quote_send(quote=quote, by=manager)
    CompanyMemberFactory(
        company=company, role=CompanyMember.Role.APPROVER,
        user=UserFactory(email="approver@race.example"),
    )  # fmt: skip
    for n in range(2):
        requester = CompanyMemberFactory(
            company=company, user=UserFactory(email=f"asks{n}@race.example")
        )
        basket = cart_fill(requester, [(bolt, 1)], at=now)
        approval_services.approval_request_create(
            basket=basket, member=requester, order_total=total("14.88")
        )
    ApprovalRequest.objects.update(created_at=now - timedelta(hours=30))


def _expected_rows() -> Counter:
    valuable = len([n for n in range(BUYERS) if n % 5 == 0])
    return Counter(
        {
            (Kind.IDLE_BASKET, 1): BUYERS,
            (Kind.IDLE_BASKET, 3): valuable,
            (Kind.OFFER_EXPIRING, 1): 2,
            (Kind.APPROVAL_PENDING, 1): 2,
        }
    )


def test_two_real_workers_and_threads_running_at_once_act_once_per_item_and_stage(workers):
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the set-up's own emails stay in this process
    try:
        _leaks(timezone.now())
    finally:
        app.conf.task_always_eager = previous

    # Both workers get the job, then the threads start it here as well: five runs at once.
    results = [tasks.followups_run.apply_async(queue=queue) for queue in workers]
    app.conf.task_always_eager = True  # the threads' own emails are delivered in-process
    try:
        local = race(*[lambda: services.followups_run().as_dict() for _ in range(THREADS)])
    finally:
        app.conf.task_always_eager = previous
    answers = [result.get(timeout=180, disable_sync_subtasks=False) for result in results] + local
    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert all(a["detector_errors"] == [] for a in answers), answers

    got = Counter(FollowUp.objects.values_list("kind", "stage"))
    assert got == _expected_rows()
    assert not FollowUp.objects.exclude(status__in=[FollowUp.Status.SENT, FollowUp.Status.TASK])
    # Each row was acted on by exactly one of the five runs.
    acted = Counter()
    for answer in answers:
        for key, n in answer["done"].items():
            acted[key] += n
    assert sum(acted.values()) == FollowUp.objects.count(), acted
    # One email per emailing row, one task per task row, nothing twice.
    sent = FollowUp.objects.filter(status=FollowUp.Status.SENT)
    keys = list(NotificationLog.objects.filter(kind__startswith="followup_").values_list(
        "key", flat=True))  # fmt: skip
    assert sorted(keys) == sorted(f"followup:{pk}" for pk in sent.values_list("pk", flat=True))
    assert Task.objects.filter(key__startswith="followup:").count() == got[(Kind.IDLE_BASKET, 3)]
    # The emails really went out: queued by whichever run claimed them, delivered.
    deadline = time.monotonic() + 90
    while NotificationLog.objects.filter(status=NotificationLog.Status.QUEUED).exists():
        assert time.monotonic() < deadline, "emails still queued after 90 s"
        time.sleep(0.5)
    assert not NotificationLog.objects.filter(status=NotificationLog.Status.FAILED).exists()

    # Again, all at once: nothing new.
    results = [tasks.followups_run.apply_async(queue=queue) for queue in workers]
    app.conf.task_always_eager = True
    try:
        local = race(*[lambda: services.followups_run().as_dict() for _ in range(THREADS)])
    finally:
        app.conf.task_always_eager = previous
    answers = [result.get(timeout=180, disable_sync_subtasks=False) for result in results] + local
    assert all(a["done"] == {} for a in answers), answers
    assert Counter(FollowUp.objects.values_list("kind", "stage")) == _expected_rows()
