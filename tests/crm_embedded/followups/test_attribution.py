"""Attribution of orders to the follow-ups that recovered them (hand-computed, frozen time).

Frozen on Monday 1 June 2026, noon UTC; FOLLOWUP_ATTRIBUTION_DAYS is 14.
"""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm_embedded.followups.attribution import followups_attribute
from crm_embedded.followups.models import FollowUp, FollowUpRule
from orders import states
from tests.crm_embedded.followups.crm_fixtures import at, followup_make, order_with_lines
from tests.factories import CompanyFactory, ProductFactory

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def products(db):
    return [ProductFactory(stock=False) for _ in range(3)]


def fresh(followup) -> FollowUp:
    followup.refresh_from_db()
    return followup


def test_the_first_order_with_any_of_the_lines_is_attributed_with_its_matching_net_lines(
    frozen, products
):
    p1, p2, p3 = products
    company = CompanyFactory()
    followup = followup_make(company=company, created=at(D(2026, 5, 25), 9), products=[p1, p2])
    order_with_lines(company=company, placed=at(D(2026, 5, 20)), lines=[(p1, "99.00")])  # before
    first = order_with_lines(
        company=company, placed=at(D(2026, 5, 27)), lines=[(p1, "100.00"), (p3, "50.00")],
        number="F-FIRST",
    )  # fmt: skip
    order_with_lines(company=company, placed=at(D(2026, 5, 29)), lines=[(p2, "70.00")])

    assert followups_attribute() == 1

    followup = fresh(followup)
    assert followup.recovered_order_number == first.number == "F-FIRST"
    # Only the lines with the follow-up's products: 100, not the order's 150.
    assert followup.recovered_amount == Decimal("100.00")
    assert followup.recovered_at == first.date_placed
    # A second run changes nothing.
    assert followups_attribute() == 0
    assert fresh(followup).recovered_order_number == "F-FIRST"


def test_two_lines_of_the_same_products_add_up(frozen, products):
    p1, p2, _ = products
    company = CompanyFactory()
    followup = followup_make(company=company, created=at(D(2026, 5, 30)), products=[p1, p2])
    order_with_lines(
        company=company, placed=at(D(2026, 5, 31)),
        lines=[(p1, "10.50"), (p2, "20.25"), (p1, "1.25")],
    )  # fmt: skip
    assert followups_attribute(now=NOW) == 1
    assert fresh(followup).recovered_amount == Decimal("32.00")


def test_orders_outside_the_window_of_another_company_or_cancelled_do_not_count(frozen, products):
    p1, _, _ = products
    company, other = CompanyFactory(), CompanyFactory()
    # Created 1 May: the window ends 15 May 12:00; the order of 16 May is too late.
    late = followup_make(company=company, created=at(D(2026, 5, 1)), products=[p1])
    order_with_lines(company=company, placed=at(D(2026, 5, 16)), lines=[(p1, "10.00")])
    # Another company's order, a cancelled order, a later one that counts.
    followup = followup_make(company=other, created=at(D(2026, 5, 28)), products=[p1])
    order_with_lines(company=company, placed=at(D(2026, 5, 29)), lines=[(p1, "11.00")])
    order_with_lines(
        company=other, placed=at(D(2026, 5, 29)), lines=[(p1, "12.00")],
        status=states.CANCELLED,
    )  # fmt: skip
    counting = order_with_lines(company=other, placed=at(D(2026, 5, 30)), lines=[(p1, "13.00")])

    assert followups_attribute() == 1
    assert fresh(late).recovered_at is None
    assert fresh(followup).recovered_order_number == counting.number
    assert fresh(followup).recovered_amount == Decimal("13.00")


def test_an_order_without_the_products_or_a_followup_without_lines_is_never_attributed(
    frozen, products
):
    p1, p2, p3 = products
    company = CompanyFactory()
    no_match = followup_make(company=company, created=at(D(2026, 5, 28)), products=[p1])
    no_lines = followup_make(company=company, created=at(D(2026, 5, 28)), products=[])
    order_with_lines(company=company, placed=at(D(2026, 5, 29)), lines=[(p2, "5.00"), (p3, "5")])
    assert followups_attribute() == 0
    assert fresh(no_match).recovered_at is None
    assert fresh(no_lines).recovered_at is None


def test_only_followups_that_reached_someone_are_attributed(frozen, products):
    p1, _, _ = products
    company = CompanyFactory()
    made = {
        status: followup_make(
            company=company, created=at(D(2026, 5, 28)), products=[p1], status=status
        )
        for status in FollowUp.Status.values
    }
    order_with_lines(company=company, placed=at(D(2026, 5, 29)), lines=[(p1, "40.00")])
    assert followups_attribute() == 3
    recovered = {s for s, f in made.items() if fresh(f).recovered_at is not None}
    assert recovered == {FollowUp.Status.SENT, FollowUp.Status.OPTED_OUT, FollowUp.Status.TASK}


def test_one_order_goes_to_the_latest_stage_before_it_and_never_twice(frozen, products):
    p1, _, _ = products
    company = CompanyFactory()
    item = "basket:7:1780000000"
    stage1 = followup_make(company=company, item=item, stage=1, created=at(D(2026, 5, 20)),
                           products=[p1])  # fmt: skip
    stage2 = followup_make(company=company, item=item, stage=2, created=at(D(2026, 5, 22)),
                           products=[p1])  # fmt: skip
    # The task is filed after the order: it did not recover it.
    task = followup_make(company=company, item=item, stage=3, created=at(D(2026, 5, 26)),
                         products=[p1], status=FollowUp.Status.TASK)  # fmt: skip
    order = order_with_lines(company=company, placed=at(D(2026, 5, 25)), lines=[(p1, "80.00")])
    order_with_lines(company=company, placed=at(D(2026, 5, 27)), lines=[(p1, "90.00")])

    assert followups_attribute() == 1
    assert fresh(stage2).recovered_order_number == order.number
    assert fresh(stage2).recovered_amount == Decimal("80.00")
    assert fresh(stage1).recovered_at is None
    assert fresh(task).recovered_at is None
    # The item is recovered: the later order is not attributed to its other stages.
    assert followups_attribute() == 0
    assert FollowUp.objects.filter(recovered_at__isnull=False).count() == 1


def test_an_order_between_stage_1_and_the_reminder_goes_to_stage_1(frozen, products):
    p1, _, _ = products
    company = CompanyFactory()
    item = "quote:5:offer:2026-06-10"
    stage1 = followup_make(company=company, kind=FollowUpRule.Kind.OFFER_EXPIRING, item=item,
                           stage=1, created=at(D(2026, 5, 20)), products=[p1])  # fmt: skip
    stage2 = followup_make(company=company, kind=FollowUpRule.Kind.OFFER_EXPIRING, item=item,
                           stage=2, created=at(D(2026, 5, 30)), products=[p1])  # fmt: skip
    order = order_with_lines(company=company, placed=at(D(2026, 5, 21)), lines=[(p1, "15.00")])
    assert followups_attribute() == 1
    assert fresh(stage1).recovered_order_number == order.number
    assert fresh(stage2).recovered_at is None


def test_orders_placed_after_now_do_not_count(frozen, products):
    p1, _, _ = products
    company = CompanyFactory()
    followup = followup_make(company=company, created=at(D(2026, 5, 28)), products=[p1])
    order_with_lines(company=company, placed=at(D(2026, 5, 30)), lines=[(p1, "15.00")])
    assert followups_attribute(now=at(D(2026, 5, 29))) == 0
    assert fresh(followup).recovered_at is None
    assert followups_attribute(now=NOW) == 1


def _world(size: int, products) -> None:
    for _ in range(size):
        company = CompanyFactory()
        followup_make(company=company, created=at(D(2026, 5, 28)), products=products[:2])
        order_with_lines(company=company, placed=at(D(2026, 5, 29)), lines=[(products[0], "9")])


def test_the_reads_do_not_grow_with_the_followups(frozen, products):
    _world(2, products)
    with CaptureQueriesContext(connection) as small:
        assert followups_attribute() == 2
    _world(12, products)
    with CaptureQueriesContext(connection) as large:
        assert followups_attribute() == 12
    reads = lambda ctx: [q for q in ctx.captured_queries if q["sql"].startswith("SELECT")]  # noqa: E731
    # The follow-ups, the done items, the orders, and the open tasks of the items recovered.
    assert len(reads(small)) == len(reads(large)) == 4
    # One conditional UPDATE per attributed follow-up (so that two runs never double).
    assert len(large.captured_queries) - len(reads(large)) == 12


# --- One cart, one credit: the email that reached the buyer, not the task filed with it -------


def _cart_with_email_and_task(company, products, *, email_status=FollowUp.Status.SENT):
    """Stage 1 and the task filed in the same run (same created_at), as with a low task value."""
    from crm_embedded.tasks.services import task_create
    from tests.crm_embedded.reports.factories import staff_make

    manager = staff_make(email=f"am{company.pk}@partshub.example")
    item = f"basket:{company.pk}:1780000000"
    created = at(D(2026, 5, 28), 9)
    email = followup_make(company=company, item=item, stage=1, created=created,
                          products=products, status=email_status)  # fmt: skip
    task = task_create(owner=manager, title="Idle cart", company=company,
                       key=f"followup:{item}:task")  # fmt: skip
    task_row = followup_make(company=company, item=item, stage=3, created=created,
                             products=products, status=FollowUp.Status.TASK, task=task)  # fmt: skip
    return email, task_row, task


def test_an_order_after_an_email_and_a_task_of_the_same_run_goes_to_the_email(frozen, products):
    p1, _, _ = products
    company = CompanyFactory()
    email, task_row, _ = _cart_with_email_and_task(company, [p1])
    order = order_with_lines(company=company, placed=at(D(2026, 5, 29)), lines=[(p1, "292.24")])

    assert followups_attribute() == 1
    assert fresh(email).recovered_order_number == order.number
    assert fresh(task_row).recovered_at is None


def test_without_an_email_that_reached_the_buyer_the_task_is_credited(frozen, products):
    p1, _, _ = products
    company = CompanyFactory()
    email, task_row, _ = _cart_with_email_and_task(
        company, [p1], email_status=FollowUp.Status.OPTED_OUT
    )
    order = order_with_lines(company=company, placed=at(D(2026, 5, 29)), lines=[(p1, "10.00")])
    assert followups_attribute() == 1
    assert fresh(task_row).recovered_order_number == order.number
    assert fresh(email).recovered_at is None


def test_a_later_email_beats_an_earlier_one_and_a_later_task(frozen, products):
    p1, _, _ = products
    company = CompanyFactory()
    item = "basket:8:1780000000"
    followup_make(company=company, item=item, stage=1, created=at(D(2026, 5, 20)), products=[p1])
    reminder = followup_make(company=company, item=item, stage=2, created=at(D(2026, 5, 22)),
                             products=[p1])  # fmt: skip
    task_row = followup_make(company=company, item=item, stage=3, created=at(D(2026, 5, 23)),
                             products=[p1], status=FollowUp.Status.TASK)  # fmt: skip
    order_with_lines(company=company, placed=at(D(2026, 5, 24)), lines=[(p1, "10.00")])
    assert followups_attribute() == 1
    assert fresh(reminder).recovered_at is not None
    assert fresh(task_row).recovered_at is None


# --- The account manager's task is completed by the order -------------------------------------


def test_the_open_task_of_a_recovered_item_is_completed_with_the_order_once(frozen, products):
    p1, _, _ = products
    company = CompanyFactory()
    _, _, task = _cart_with_email_and_task(company, [p1])
    order = order_with_lines(company=company, placed=at(D(2026, 5, 29)), lines=[(p1, "292.24")],
                             number="100003")  # fmt: skip

    assert followups_attribute() == 1
    task.refresh_from_db()
    assert task.done_at == NOW
    assert task.completed_by is None
    assert task.outcome == "Ordered: order 100003 (€292.24 net), recovered by the follow-up."
    assert order.number == "100003"
    # A second run changes nothing.
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        assert followups_attribute() == 0
    task.refresh_from_db()
    assert task.done_at == NOW


def test_a_task_done_already_keeps_its_outcome(frozen, products):
    from crm_embedded.tasks.services import task_complete

    p1, _, _ = products
    company = CompanyFactory()
    _, _, task = _cart_with_email_and_task(company, [p1])
    task_complete(task=task, by=task.owner, outcome="Called, he orders tomorrow")
    order_with_lines(company=company, placed=at(D(2026, 5, 29)), lines=[(p1, "10.00")])
    assert followups_attribute() == 1
    task.refresh_from_db()
    assert task.outcome == "Called, he orders tomorrow" and task.completed_by == task.owner


def test_a_task_that_cannot_be_completed_does_not_stop_the_attribution(frozen, products, caplog):
    p1, _, _ = products
    first, second = CompanyFactory(), CompanyFactory()
    _, _, task_a = _cart_with_email_and_task(first, [p1])
    email_b, _, task_b = _cart_with_email_and_task(second, [p1])
    order_with_lines(company=first, placed=at(D(2026, 5, 29)), lines=[(p1, "10.00")])
    order_with_lines(company=second, placed=at(D(2026, 5, 29)), lines=[(p1, "20.00")])

    from crm_embedded.tasks import services as task_services

    real = task_services.task_complete

    def flaky(*, task, by, outcome):
        if task.pk == task_a.pk:
            raise RuntimeError("database hiccup")
        return real(task=task, by=by, outcome=outcome)

    with mock.patch("crm_embedded.followups.attribution.task_complete", flaky):
        assert followups_attribute() == 2
    task_a.refresh_from_db()
    task_b.refresh_from_db()
    assert task_a.done_at is None and task_b.done_at == NOW
    assert fresh(email_b).recovered_amount == Decimal("20.00")
    assert "could not be completed" in caplog.text
