"""Invoice and credit note numbers: per series and year, contiguous, never lost to a rollback."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from orders.documents.models import Invoice, InvoiceSequence
from orders.documents.services import DocumentError, credit_note_issue, invoice_issue
from tests.orders.documents.conftest import company_order

pytestmark = pytest.mark.django_db


def test_invoices_are_numbered_contiguously_per_year():
    year = timezone.localdate().year
    numbers = [invoice_issue(order=company_order()).number for _ in range(3)]
    assert numbers == [f"INV-{year}-00001", f"INV-{year}-00002", f"INV-{year}-00003"]
    assert InvoiceSequence.objects.get(key=f"INV-{year}").next_number == 4


def test_an_order_gets_one_invoice_however_often_it_is_asked(order):
    first = invoice_issue(order=order)
    assert invoice_issue(order=order) == first
    assert Invoice.objects.filter(order=order).count() == 1


def test_the_invoice_holds_the_orders_totals_and_both_parties(order):
    invoice = invoice_issue(order=order)
    assert invoice.net == order.total_excl_tax and invoice.gross == order.total_incl_tax
    assert invoice.tax == invoice.gross - invoice.net
    assert invoice.currency == order.currency
    assert invoice.buyer["legal_name"] == "Rhein Werkstatt GmbH"
    assert invoice.seller["vat_id"] == "DE123456788"
    assert invoice.reverse_charge is False


def test_a_rolled_back_invoice_gives_its_number_back():
    year = timezone.localdate().year
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(order=company_order())
        raise RuntimeError("the caller failed after the invoice")
    assert not Invoice.objects.exists()
    assert invoice_issue(order=company_order()).number == f"INV-{year}-00001"


def test_credit_notes_have_their_own_series(order):
    year = timezone.localdate().year
    invoice_issue(order=order)
    note = credit_note_issue(order=order, amount="1.00", reason="Damaged box")
    again = credit_note_issue(order=order, amount="1.00", reason="Second box")
    assert (note.number, again.number) == (f"CN-{year}-00001", f"CN-{year}-00002")


@pytest.mark.parametrize("status", ["Cancelled", "Awaiting approval", "Awaiting payment"])
def test_orders_not_to_be_invoiced_are_refused_without_using_a_number(status):
    order = company_order(status=status)
    with pytest.raises(DocumentError) as error:
        invoice_issue(order=order)
    assert str(order.number) in error.value.message and "cannot be invoiced" in error.value.message
    assert invoice_issue(order=company_order()).number.endswith("-00001")


def test_totals_that_floats_cannot_add_up_are_invoiced(order):
    """Found on the demo: SQLite's decimal arithmetic refused 3274.26 + 622.11 = 3896.37."""
    order.total_excl_tax, order.total_incl_tax = Decimal("3274.26"), Decimal("3896.37")
    order.save()
    invoice = invoice_issue(order=order)
    invoice.refresh_from_db()
    assert (invoice.net, invoice.tax, invoice.gross) == (
        Decimal("3274.26"), Decimal("622.11"), Decimal("3896.37"),
    )  # fmt: skip
