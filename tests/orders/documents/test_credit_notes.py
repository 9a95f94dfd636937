"""Credit notes: only after an invoice, never more than is left, on the ledger for on-account
orders; issued by themselves for cancellations and card refunds after invoicing."""

from decimal import Decimal

import pytest

from orders.documents import receivers
from orders.documents.models import CreditNote
from orders.documents.selectors import creditable_amount
from orders.documents.services import DocumentError, credit_note_issue, invoice_issue
from shop.credit.models import LedgerEntry
from shop.payment.signals import card_refunded

pytestmark = pytest.mark.django_db


def test_no_credit_note_before_the_invoice(order):
    with pytest.raises(DocumentError, match="no invoice yet"):
        credit_note_issue(order=order, amount="1.00", reason="Returned")
    assert not CreditNote.objects.exists()


def test_credit_notes_never_exceed_what_was_invoiced(order):
    invoice = invoice_issue(order=order)
    credit_note_issue(order=order, amount=invoice.gross - Decimal("1.00"), reason="Most of it")
    with pytest.raises(DocumentError) as error:
        credit_note_issue(order=order, amount="1.01", reason="Too much")
    assert error.value.field == "amount" and invoice.number in error.value.message
    credit_note_issue(order=order, amount="1.00", reason="The rest")
    assert creditable_amount(order=order) == 0
    with pytest.raises(DocumentError):
        credit_note_issue(order=order, amount="0.01", reason="Nothing left")


@pytest.mark.parametrize("amount", ["0", "-5", "1.001", "abc"])
def test_a_credit_note_needs_a_positive_amount_in_cents(order, amount):
    invoice_issue(order=order)
    with pytest.raises(DocumentError) as error:
        credit_note_issue(order=order, amount=amount, reason="Returned")
    assert error.value.field == "amount"


def test_an_on_account_order_is_credited_on_the_company_ledger(order, staff_user):
    LedgerEntry.objects.create(
        company=order.company, kind=LedgerEntry.Kind.ORDER, amount=order.total_incl_tax,
        currency="EUR", reference=order.number, order=order,
    )  # fmt: skip
    invoice_issue(order=order)
    note = credit_note_issue(order=order, amount="2.50", reason="Damaged", by_user=staff_user)
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.CREDIT_NOTE)
    assert (entry.amount, entry.reference, entry.company) == (
        Decimal("-2.50"),
        note.number,
        order.company,
    )


def test_a_card_order_is_not_credited_on_the_ledger(order):
    invoice_issue(order=order)
    credit_note_issue(order=order, amount="2.50", reason="Damaged")
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CREDIT_NOTE).exists()


def test_a_card_refund_after_invoicing_is_credited_once(order, django_capture_on_commit_callbacks):
    invoice_issue(order=order)
    for _attempt in range(2):  # a redelivered signal issues no second credit note
        with django_capture_on_commit_callbacks(execute=True):
            card_refunded.send_robust(
                sender=None, order_id=order.pk, amount=Decimal("3.00"), currency="EUR",
                reference="re_123",
            )  # fmt: skip
    note = CreditNote.objects.get()
    assert (note.amount, note.reference) == (Decimal("3.00"), "re_123")


def test_a_card_refund_before_invoicing_issues_nothing(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        card_refunded.send_robust(
            sender=None, order_id=order.pk, amount=Decimal("3.00"), currency="EUR", reference="re_1"
        )
    assert not CreditNote.objects.exists()


def test_the_invoice_after_a_card_refund_comes_with_a_credit_note_for_it(order):
    from oscar.core.loading import get_model

    SourceType = get_model("payment", "SourceType")
    order.sources.create(
        source_type=SourceType.objects.create(name="Card (Stripe)"),
        amount_allocated=order.total_incl_tax,
        amount_debited=order.total_incl_tax,
        amount_refunded=Decimal("4.00"),
        reference="pi_1",
    )
    invoice = invoice_issue(order=order)
    note = CreditNote.objects.get()
    assert (note.invoice, note.amount) == (invoice, Decimal("4.00"))
    assert creditable_amount(order=order) == invoice.gross - Decimal("4.00")
    assert invoice_issue(order=order) == invoice and CreditNote.objects.count() == 1
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CREDIT_NOTE).exists()


def test_shipping_invoices_and_cancelling_credits_the_rest(
    order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        receivers.order_status_changed(
            sender=None, order_id=order.pk, old_status="Confirmed", new_status="Shipped"
        )
    invoice = order.invoices.get()
    credit_note_issue(order=order, amount="1.00", reason="Part")
    with django_capture_on_commit_callbacks(execute=True):
        receivers.order_status_changed(
            sender=None, order_id=order.pk, old_status="Shipped", new_status="Cancelled"
        )
    assert sum(n.amount for n in CreditNote.objects.all()) == invoice.gross
    assert CreditNote.objects.last().reason == "Order cancelled"


def test_a_failing_document_never_raises_into_the_status_change(
    order, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(receivers.services, "invoice_issue", broken)
    with django_capture_on_commit_callbacks(execute=True):
        receivers.order_status_changed(
            sender=None, order_id=order.pk, old_status="Confirmed", new_status="Shipped"
        )
    assert "No invoice issued" in caplog.text
