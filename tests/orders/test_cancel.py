"""Cancelling an order releases its stock and reverses its ledger debit; after shipping it is refused."""

from decimal import Decimal

import pytest

from orders import states
from orders.services import OrderStatusError, order_cancel, order_status_change, shipment_create
from shop.credit.models import LedgerEntry
from shop.credit.selectors import credit_balance
from tests.factories import CompanyFactory, UserFactory
from tests.orders.fulfilment_helpers import lines, order_with_lines

pytestmark = pytest.mark.django_db


def test_cancel_releases_the_allocated_stock_and_records_why():
    staff = UserFactory(is_staff=True)
    order = order_with_lines(4, 2)
    records = [line.stockrecord for line in lines(order)]
    assert [r.num_allocated for r in records] == [4, 2]
    order_cancel(order=order, reason="Duplicate order", by_user=staff)
    order.refresh_from_db()
    assert order.status == states.CANCELLED
    for record in records:
        record.refresh_from_db()
        assert (record.num_allocated, record.num_in_stock) == (0, 100)
    assert set(order.lines.values_list("status", flat=True)) == {states.LINE_CANCELLED}
    event = order.status_events.last()
    assert (event.new_status, event.note, event.by_user) == (
        states.CANCELLED,
        "Duplicate order",
        staff,
    )


def test_cancel_reverses_the_on_account_debit_once():
    company = CompanyFactory()
    order = order_with_lines(1)
    order.company = company
    order.save()
    LedgerEntry.objects.create(
        company=company, kind=LedgerEntry.Kind.ORDER, amount=Decimal("10.00"),
        currency=company.currency, reference=order.number, order=order,
    )  # fmt: skip
    assert credit_balance(company=company) == Decimal("10.00")
    order_status_change(order=order, status=states.CANCELLED, note="Out of budget")
    assert credit_balance(company=company) == Decimal("0.00")
    reversal = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ADJUSTMENT)
    assert reversal.order == order and reversal.amount == Decimal("-10.00")
    with pytest.raises(OrderStatusError, match="already cancelled"):
        order_cancel(order=order, reason="again")
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ADJUSTMENT).count() == 1


def test_cancel_needs_a_reason_and_is_refused_after_shipping():
    order = order_with_lines(3)
    with pytest.raises(OrderStatusError, match="reason"):
        order_cancel(order=order, reason="  ")
    shipment_create(order=order, lines={lines(order)[0].pk: 1})
    with pytest.raises(OrderStatusError, match="has shipped"):
        order_cancel(order=order, reason="Too late")
    order.refresh_from_db()
    assert order.status == states.PARTIALLY_SHIPPED


def test_a_completed_order_cannot_be_cancelled():
    order = order_with_lines(1)
    order.status = states.COMPLETED
    order.save()
    with pytest.raises(OrderStatusError, match="final"):
        order_cancel(order=order, reason="No")
