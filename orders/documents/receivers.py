"""Documents that follow order events: the invoice on shipping, credit notes on cancelling
and card refunds after invoicing.

Every receiver takes ids, queues its work with ``transaction.on_commit`` (nothing is issued
for a change that is rolled back) and never raises into the caller: a refused document is
logged, and staff can still issue it by hand from the order's dashboard page.
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import override as language_override
from oscar.core.loading import get_model

from orders.documents import services
from orders.documents.selectors import creditable_amount

logger = logging.getLogger(__name__)

SHIPPED = "Shipped"
CANCELLED = "Cancelled"


def _order(order_id):
    return get_model("order", "Order").objects.filter(pk=order_id).first()


def _invoice_on_shipping(order_id) -> None:
    try:
        order = _order(order_id)
        if order is not None:
            services.invoice_issue(order=order)
    except Exception:
        logger.exception("No invoice issued for shipped order %s.", order_id)


def _credit_rest(order_id, *, reason: str, amount=None, reference: str = "", ledger: bool) -> None:
    try:
        order = _order(order_id)
        if order is None or not order.invoices.exists():
            return  # nothing invoiced, nothing to credit
        rest = creditable_amount(order=order)
        amount = rest if amount is None else min(Decimal(amount), rest)
        if amount <= 0:
            return  # credited in full already (e.g. the refund came first)
        services.credit_note_issue(
            order=order, amount=amount, reason=reason, reference=reference, ledger=ledger
        )
    except Exception:
        logger.exception("No credit note issued for order %s (%s).", order_id, reason)


def order_status_changed(sender, *, order_id, old_status="", new_status="", **kwargs) -> None:
    """Invoice an order when it ships; credit its invoice in full when it is cancelled."""
    try:
        if new_status == SHIPPED:
            transaction.on_commit(lambda: _invoice_on_shipping(order_id))
        elif new_status == CANCELLED:
            with language_override("en-gb"):  # stored text; the PDF translates its labels
                reason = gettext("Order cancelled")
            # order_cancel reverses the on-account debit on the ledger itself.
            transaction.on_commit(lambda: _credit_rest(order_id, reason=reason, ledger=False))
    except Exception:
        logger.exception("Order documents missed a status change of order %s.", order_id)


def card_refunded(sender, *, order_id, amount, reference="", **kwargs) -> None:
    """Credit a card refund made after invoicing (at most what the invoice has left)."""
    try:
        with language_override("en-gb"):
            reason = gettext("Card refund %(reference)s") % {"reference": reference}
        # The money went back to the card: the company's ledger is not credited as well.
        transaction.on_commit(
            lambda: _credit_rest(
                order_id, reason=reason, amount=amount, reference=reference, ledger=False
            )
        )
    except Exception:
        logger.exception("Order documents missed a card refund on order %s.", order_id)


def connect() -> None:
    """Connect the receivers (called from the app's ready())."""
    from shop.payment.signals import card_refunded as card_refunded_signal

    card_refunded_signal.connect(card_refunded, dispatch_uid="order_documents.card_refunded")
    try:
        from orders.signals import order_status_changed as status_signal
    except ImportError:  # a tree without the order status machine yet
        return
    status_signal.connect(order_status_changed, dispatch_uid="order_documents.status_changed")
