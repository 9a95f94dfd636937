"""Documents for the isolation sweep (tests/test_isolation_sweep.py): one of each per side."""

import pytest

from orders.documents.models import CreditNote
from orders.documents.selectors import shipment_model
from orders.documents.services import credit_note_issue, invoice_issue


def sweep_invoice(side):
    return invoice_issue(order=side.order)


def sweep_credit_note(side):
    invoice_issue(order=side.order)
    existing = CreditNote.objects.filter(order=side.order).first()
    return existing or credit_note_issue(order=side.order, amount="1.00", reason="Sweep")


def sweep_shipment(side):
    Shipment = shipment_model()
    if Shipment is None:
        pytest.skip("no Shipment model on this tree")
    shipment, _created = Shipment.objects.get_or_create(
        number=f"SHP-{side.order.number}", defaults={"order": side.order, "source": "staff"}
    )
    return shipment
