"""The documents follow orders-core's services: shipping invoices, cancelling after invoicing
credits the rest once (the ledger debit is reversed by the cancellation, not twice)."""

from decimal import Decimal

import pytest

from orders import services as order_services
from orders.documents.models import CreditNote, Invoice
from orders.documents.services import invoice_issue
from shop.credit.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_shipping_an_order_issues_its_invoice(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_status_change(order=order, status="Confirmed")
        order_services.order_status_change(order=order, status="Shipped")
    invoice = Invoice.objects.get(order=order)
    assert invoice.gross == order.total_incl_tax and invoice.issued_by is None


def test_cancelling_an_invoiced_on_account_order_credits_it_once(
    order, django_capture_on_commit_callbacks
):
    LedgerEntry.objects.create(
        company=order.company, kind=LedgerEntry.Kind.ORDER, amount=order.total_incl_tax,
        currency="EUR", reference=order.number, order=order,
    )  # fmt: skip
    invoice = invoice_issue(order=order)  # staff invoiced before shipping
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(order=order, reason="Customer changed their mind")
    note = CreditNote.objects.get(order=order)
    assert note.amount == invoice.gross and note.reason == "Order cancelled"
    balance = sum(e.amount for e in LedgerEntry.objects.filter(company=order.company))
    assert balance == Decimal("0.00")  # the debit and its reversal; no second credit


def test_cancelling_an_uninvoiced_order_issues_no_credit_note(
    order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(order=order, reason="Duplicate")
    assert not CreditNote.objects.exists()
