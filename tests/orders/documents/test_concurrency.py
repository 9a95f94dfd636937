"""Invoice numbers under real concurrency (PostgreSQL, real threads, committed transactions):
many invoices at once get unique, contiguous numbers; one order clicked at once gets one."""

import pytest
from django.db import connection
from django.utils import timezone

from orders.documents.models import Invoice, InvoiceSequence
from orders.documents.services import invoice_issue
from tests.conftest import migrated_data_restore
from tests.factories import CompanyFactory
from tests.helpers import race
from tests.orders.documents.conftest import company_order

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: row locks and concurrent transactions (SQLite serialises "
            "writers); run with DATABASE_URL=postgres://..."
        )


@pytest.fixture(autouse=True)
def _migrated_data(transactional_db, _migrated_snapshot):
    from wagtail.models import Collection, Page

    # An earlier transactional test's flush removed the migrations' data: put it back.
    if Page.get_first_root_node() is None or Collection.get_first_root_node() is None:
        migrated_data_restore(connection, _migrated_snapshot)


def test_invoices_issued_at_once_get_unique_contiguous_numbers():
    company = CompanyFactory()
    orders = [company_order(company=company) for _ in range(8)]
    results = race(*[(lambda order=order: invoice_issue(order=order).number) for order in orders])
    assert not [r for r in results if isinstance(r, Exception)], results
    year = timezone.localdate().year
    assert sorted(results) == [f"INV-{year}-{n:05d}" for n in range(1, 9)]
    assert InvoiceSequence.objects.get(key=f"INV-{year}").next_number == 9


def test_one_order_invoiced_by_several_clicks_at_once_gets_one_invoice():
    order = company_order()
    results = race(*[(lambda: invoice_issue(order=order).number) for _ in range(4)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1 and Invoice.objects.filter(order=order).count() == 1
    year = timezone.localdate().year
    assert InvoiceSequence.objects.get(key=f"INV-{year}").next_number == 2
