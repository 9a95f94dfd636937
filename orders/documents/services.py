"""Writes over order documents: issue invoices and credit notes with gap-free numbers.

A number is taken from its series row under a row lock, in the same transaction that
creates the document: a document that is rolled back gives its number back, and two
documents issued at once wait for each other instead of sharing or skipping a number.
"""

import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from orders.documents.models import CreditNote, Invoice, InvoiceSequence
from orders.documents.selectors import credited_total
from shop.companies.models import CompanyAddress
from shop.credit.models import LedgerEntry
from shop.credit.services import ledger_record_credit_note
from shop.errors import PortalError
from shop.money import CENT, money_display, money_round
from shop.tax.models import OrderTaxRecord
from shop.tax.services import REVERSE_CHARGE_TEXT, order_tax_note

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")

INVOICE_SERIES = "INV"
CREDIT_NOTE_SERIES = "CN"
# Stored status strings of orders/states.py (the CONTRACT's names): no invoice while an
# order waits for approval or payment, or once it is cancelled.
NOT_INVOICEABLE = ("Awaiting approval", "Awaiting payment", "Cancelled")


class DocumentError(PortalError):
    """A document that cannot be issued, with a message for the person who asked."""


def document_number_allocate(*, series: str, year: int | None = None) -> str:
    """Take the next number of a series (e.g. INV-2026-00001); call inside a transaction."""
    year = year or timezone.localdate().year
    key = f"{series}-{year}"
    sequence, _created = InvoiceSequence.objects.get_or_create(key=key)
    # The lock is held until the caller's transaction ends: the next caller reads the
    # number this one wrote, or (after a rollback) the one it did not use.
    sequence = InvoiceSequence.objects.select_for_update().get(pk=sequence.pk)
    number = sequence.next_number
    sequence.next_number = number + 1
    sequence.save(update_fields=["next_number"])
    return f"{key}-{number:05d}"


def seller_snapshot() -> dict:
    """Return the seller's legal and tax details from settings, as printed on documents."""
    return {
        "legal_name": settings.SELLER_LEGAL_NAME,
        "address": list(settings.SELLER_ADDRESS_LINES),
        "country": settings.SELLER_COUNTRY,
        "vat_id": settings.SELLER_VAT_ID,
        "registration": settings.SELLER_REGISTRATION,
        "bank_name": settings.SELLER_BANK_NAME,
        "iban": settings.SELLER_IBAN,
        "bic": settings.SELLER_BIC,
    }


def _oscar_address_lines(address) -> list[str]:
    if address is None:
        return []
    return [str(part) for part in address.active_address_fields() if part]


def _company_billing_lines(company) -> list[str]:
    address = (
        CompanyAddress.objects.filter(company=company, kind=CompanyAddress.Kind.BILLING)
        .order_by("-is_default", "pk")
        .first()
    )
    if address is None:
        return []
    lines = [address.line1, address.line2, f"{address.postcode} {address.city}"]
    return [line for line in lines if line] + [address.get_country_display()]


def buyer_snapshot(*, order) -> dict:
    """Return the buyer's legal name, VAT number and addresses for an order's documents."""
    company = order.company
    billing = _oscar_address_lines(order.billing_address)
    if company is not None:
        billing = billing or _company_billing_lines(company)
    shipping = _oscar_address_lines(order.shipping_address)
    user = order.user
    return {
        "legal_name": company.legal_name
        if company is not None
        else (user.get_full_name() or user.email if user else ""),
        "trading_name": company.trading_name
        if company is not None and company.trading_name != company.legal_name
        else "",
        "vat_number": company.vat_number if company is not None else "",
        "country": company.country if company is not None else "",
        # The code: printed in the reader's language (orders.documents.pdf).
        "payment_terms": company.payment_terms if company is not None else "",
        "address": billing or shipping,
        "shipping_address": shipping,
        "email": user.email if user else order.guest_email,
    }


def _is_reverse_charge(*, order) -> bool:
    try:
        return order.tax_record.treatment == OrderTaxRecord.Treatment.REVERSE_CHARGE
    except OrderTaxRecord.DoesNotExist:
        return order_tax_note(order=order) == str(REVERSE_CHARGE_TEXT)


def _locked_order(order):
    # Serialises documents per order: the second "issue" waits, then sees the first's.
    return Order.objects.select_for_update().get(pk=order.pk)


def invoice_issue(*, order, by_user: AbstractBaseUser | None = None) -> Invoice:
    """Issue the order's invoice, or return the one already issued (one per order)."""
    with transaction.atomic():
        order = _locked_order(order)
        existing = Invoice.objects.filter(order=order).first()
        if existing is not None:
            return existing
        if order.status in NOT_INVOICEABLE:
            raise DocumentError(
                _("Order %(number)s is '%(status)s': it cannot be invoiced.")
                % {"number": order.number, "status": _(order.status)}
            )
        net = money_round(order.total_excl_tax)
        gross = money_round(order.total_incl_tax)
        reverse_charge = _is_reverse_charge(order=order)
        invoice = Invoice.objects.create(
            order=order,
            number=document_number_allocate(series=INVOICE_SERIES),
            issued_at=timezone.now(),
            currency=order.currency,
            net=net,
            tax=gross - net,
            gross=gross,
            seller=seller_snapshot(),
            buyer=buyer_snapshot(order=order),
            reverse_charge=reverse_charge,
            tax_note=order_tax_note(order=order),
            issued_by=by_user if by_user is not None and by_user.is_authenticated else None,
        )
        # Card refunds made before the invoice existed had no document to credit: the
        # invoice shows what was ordered, and one credit note beside it what went back.
        refunded = sum((source.amount_refunded for source in order.sources.all()), Decimal("0"))
        if refunded > 0:
            credit_note_issue(
                order=order,
                amount=min(money_round(refunded), gross),
                reason=_("Card refunds made before this invoice"),
                by_user=by_user,
                reference=f"refunds-before-{invoice.number}",
                ledger=False,
            )
    logger.info("Invoice %s issued for order %s.", invoice.number, order.number)
    return invoice


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DocumentError(_("Enter the amount as a number, e.g. 49.90."), "amount") from None
    if not amount.is_finite() or amount <= 0:
        raise DocumentError(_("Enter an amount greater than zero, e.g. 49.90."), "amount")
    if amount != amount.quantize(CENT):
        raise DocumentError(_("Enter the amount with at most two decimal places."), "amount")
    return amount


def _on_account(*, order) -> bool:
    return (
        order.company_id is not None
        and LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ORDER, reference=order.number).exists()
    )


def credit_note_issue(
    *,
    order,
    amount,
    reason: str,
    by_user: AbstractBaseUser | None = None,
    reference: str = "",
    ledger: bool = True,
) -> CreditNote:
    """Issue a credit note against the order's invoice, at most what is left uncredited.

    ``reference`` (a card refund's id) makes a repeat call return the same credit note;
    ``ledger=False`` skips the company ledger (when the caller reversed the debit itself).
    """
    amount = _amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError(_("Say why the credit note is issued."), "reason")
    with transaction.atomic():
        order = _locked_order(order)
        if reference:
            existing = CreditNote.objects.filter(reference=reference).first()
            if existing is not None:
                return existing
        invoice = Invoice.objects.filter(order=order).first()
        if invoice is None:
            raise DocumentError(
                _("Order %(number)s has no invoice yet: issue the invoice first.")
                % {"number": order.number}
            )
        creditable = invoice.gross - credited_total(order=order)
        if amount > creditable:
            raise DocumentError(
                _("At most %(amount)s can still be credited on invoice %(invoice)s.")
                % {
                    "amount": money_display(creditable, invoice.currency),
                    "invoice": invoice.number,
                },
                "amount",
            )
        user = by_user if by_user is not None and by_user.is_authenticated else None
        note = CreditNote.objects.create(
            invoice=invoice,
            order=order,
            number=document_number_allocate(series=CREDIT_NOTE_SERIES),
            amount=amount,
            currency=invoice.currency,
            reason=reason,
            issued_at=timezone.now(),
            issued_by=user,
            reference=reference,
        )
        if ledger and _on_account(order=order):
            ledger_record_credit_note(
                company=order.company,
                amount=amount,
                currency=invoice.currency,
                reference=note.number,
                user=user,
                note=reason,
            )
    logger.info("Credit note %s issued for order %s.", note.number, order.number)
    return note
