"""The quotes' automated tasks go through the tasks room: linked to the quote, closed with who
and why, and an approval asked again reopens each sales manager's task."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm_embedded.quotes import services
from crm_embedded.quotes.services import RequestItem
from crm_embedded.tasks.models import Task
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested(buyer_member):
    product = ProductFactory(upc="TSK-1", stock__price=Decimal("20.00"))
    return services.quote_request(member=buyer_member, items=[RequestItem(product.pk, 5)])


def test_an_overdue_request_files_one_task_on_the_quote_closed_by_the_answer(
    requested, account_manager
):
    later = timezone.now() + timedelta(days=14)
    assert services.quotes_alert_overdue(now=later) == 1
    assert services.quotes_alert_overdue(now=later) == 0  # once
    task = Task.objects.get()
    assert (task.key, task.owner, task.quote, task.company) == (
        f"quote-overdue:{requested.pk}", account_manager, requested, requested.company,
    )  # fmt: skip
    assert task.source == Task.Source.AUTOMATIC and task.done_at is None
    services.quote_start_review(quote=requested, by=account_manager)
    task.refresh_from_db()
    assert task.done_at is not None and task.completed_by == account_manager
    assert task.outcome == "The request was answered."


def test_an_approval_asked_again_reopens_the_sales_managers_task(
    requested, account_manager, sales_manager
):
    line = requested.lines.get()
    services.quote_start_review(quote=requested, by=account_manager)
    services.quote_lines_update(
        quote=requested, by=account_manager, changes={line.pk: {"unit_price": "10.00"}}
    )
    services.quote_request_approval(quote=requested, by=account_manager)
    task = Task.objects.get(key=f"quote-approval:{requested.pk}:{sales_manager.pk}")
    assert (task.owner, task.quote, task.done_at) == (sales_manager, requested, None)
    services.quote_refuse_approval(quote=requested, by=sales_manager, reason="Too deep")
    task.refresh_from_db()
    assert task.done_at is not None and task.completed_by == sales_manager
    services.quote_request_approval(quote=requested, by=account_manager)
    task.refresh_from_db()
    assert task.done_at is None and task.outcome == ""
    assert Task.objects.filter(key__startswith=f"quote-approval:{requested.pk}:").count() == 1
