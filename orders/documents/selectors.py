"""Reads over order documents, scoped to who is asking."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from orders.documents.models import CreditNote, Invoice
from orders.selectors import orders_for_user

Order = get_model("order", "Order")

STAFF_VIEW_PERMISSION = "order.view_order"
STAFF_ISSUE_PERMISSION = "order.change_order"


def shipment_model():
    """Return orders-core's Shipment model, or None on a tree without it."""
    try:
        return get_model("order", "Shipment")
    except LookupError:
        return None


def is_document_staff(*, user: AbstractBaseUser) -> bool:
    """Whether the user is seller staff who may read every order's documents."""
    return bool(user.is_authenticated and user.is_staff and user.has_perm(STAFF_VIEW_PERMISSION))


def orders_with_documents_for(*, user: AbstractBaseUser) -> QuerySet:
    """Orders whose documents the user may download: staff all, buyers their company's."""
    if is_document_staff(user=user):
        return Order.objects.all()
    return orders_for_user(user=user)


def credited_total(*, order) -> Decimal:
    """Return the gross amount credited on an order so far."""
    total = CreditNote.objects.filter(order=order).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def creditable_amount(*, order) -> Decimal:
    """Return what can still be credited on the order's invoice (0 without an invoice)."""
    invoice = Invoice.objects.filter(order=order).first()
    if invoice is None:
        return Decimal("0.00")
    return max(invoice.gross - credited_total(order=order), Decimal("0.00"))


@dataclass(frozen=True)
class DocumentLink:
    kind: str  # "confirmation", "invoice", "packing_slip", "credit_note"
    title: str
    number: str
    url: str
    issued_at: object = None


class OrderDocuments(list):
    """The order's document links, plus what the staff forms need to know."""

    invoice: Invoice | None = None
    creditable: Decimal = Decimal("0.00")
    currency: str = ""


def order_documents(*, order, user: AbstractBaseUser) -> OrderDocuments:
    """List the documents of an order the user may see (an empty list when none)."""
    documents = OrderDocuments()
    if not orders_with_documents_for(user=user).filter(pk=order.pk).exists():
        return documents
    documents.currency = order.currency
    documents.append(
        DocumentLink(
            kind="confirmation",
            title=_("Order confirmation"),
            number=order.number,
            url=reverse("order_documents:confirmation", kwargs={"order_number": order.number}),
            issued_at=order.date_placed,
        )
    )
    invoice = Invoice.objects.filter(order=order).first()
    if invoice is not None:
        documents.invoice = invoice
        documents.append(
            DocumentLink(
                kind="invoice",
                title=_("Invoice"),
                number=invoice.number,
                url=reverse("order_documents:invoice", kwargs={"number": invoice.number}),
                issued_at=invoice.issued_at,
            )
        )
    Shipment = shipment_model()
    if Shipment is not None:
        for shipment in Shipment.objects.filter(order=order).order_by("created_at", "pk"):
            documents.append(
                DocumentLink(
                    kind="packing_slip",
                    title=_("Packing slip"),
                    number=shipment.number,
                    url=reverse("order_documents:packing-slip", kwargs={"number": shipment.number}),
                    issued_at=shipment.created_at,
                )
            )
    credited = Decimal("0.00")
    for note in CreditNote.objects.filter(order=order).order_by("issued_at", "pk"):
        credited += note.amount
        documents.append(
            DocumentLink(
                kind="credit_note",
                title=_("Credit note"),
                number=note.number,
                url=reverse("order_documents:credit-note", kwargs={"number": note.number}),
                issued_at=note.issued_at,
            )
        )
    if invoice is not None:
        documents.creditable = max(invoice.gross - credited, Decimal("0.00"))
    return documents
