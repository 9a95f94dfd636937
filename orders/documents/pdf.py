"""The printable documents of an order: confirmation, invoice, packing slip and credit note.

HTML templates rendered by WeasyPrint in the active language (the requesting user's).
Invoices and credit notes print the seller and buyer as snapshotted when they were issued;
the confirmation and packing slips read the live order.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from oscar.core.loading import get_model

from orders.documents.services import buyer_snapshot, seller_snapshot
from shop.companies.models import COUNTRY_NAMES, Company
from shop.money import money_display, money_round
from shop.tax.models import OrderTaxRecord
from shop.tax.services import REVERSE_CHARGE_TEXT, order_tax_note

Line = get_model("order", "Line")

# Days to pay by the company's payment terms (the invoice snapshot keeps the terms' code).
PAYMENT_DAYS = {
    Company.PaymentTerms.NET_15: 15,
    Company.PaymentTerms.NET_30: 30,
    Company.PaymentTerms.NET_60: 60,
}

# Relative URLs in the templates (none today) resolve next to them, never over the network.
BASE_URL = str(Path(__file__).resolve().parent / "templates" / "order_documents" / "pdf") + "/"
PANGO_MESSAGE = (
    "PDF documents need Pango on the server: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
)


class DocumentUnavailable(Exception):
    """Signal that PDF documents cannot be produced on this server."""


def _tax_note(*, reverse_charge: bool, stored: str) -> str:
    # The reverse-charge wording is law, not data: printed in the reader's language.
    return str(REVERSE_CHARGE_TEXT) if reverse_charge else stored


def _order_reverse_charge(order) -> bool:
    try:
        return order.tax_record.treatment == OrderTaxRecord.Treatment.REVERSE_CHARGE
    except OrderTaxRecord.DoesNotExist:
        return False


def _percent(net: Decimal, tax: Decimal) -> str:
    if not net:
        return "0"
    return f"{(Decimal(tax) * 100 / Decimal(net)).quantize(Decimal('0.1')).normalize():f}"


def _lines(order) -> list[dict]:
    currency = order.currency
    rows = []
    for line in order.lines.order_by("pk"):
        net = money_round(line.line_price_excl_tax)
        rows.append(
            {
                "sku": line.partner_sku or line.upc or "",
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": money_display(line.unit_price_excl_tax, currency),
                "net": money_display(net, currency),
                "tax_rate": _percent(net, money_round(line.line_price_incl_tax) - net),
            }
        )
    return rows


def _seller_with_country(seller: dict) -> dict:
    return {**seller, "country_name": COUNTRY_NAMES.get(seller.get("country", ""), "")}


def _buyer(buyer: dict) -> dict:
    terms = buyer.get("payment_terms", "")
    labels = dict(Company.PaymentTerms.choices)
    return {**buyer, "payment_terms": labels.get(terms, terms)}


def _common(order) -> dict:
    return {
        "order": order,
        "order_number": order.number,
        "po_number": order.purchase_order_number,
        "placed_on": timezone.localtime(order.date_placed) if order.date_placed else None,
        "lines": _lines(order),
    }


def _totals(*, order, net: Decimal, tax: Decimal, gross: Decimal) -> dict:
    currency = order.currency
    shipping = money_round(order.shipping_excl_tax or 0)
    return {
        "lines_net": money_display(net - shipping, currency),
        "shipping_net": money_display(shipping, currency) if shipping else "",
        "net": money_display(net, currency),
        "tax": money_display(tax, currency),
        "gross": money_display(gross, currency),
    }


def order_confirmation_html(*, order) -> str:
    """Render the HTML of an order's confirmation."""
    net = money_round(order.total_excl_tax)
    gross = money_round(order.total_incl_tax)
    context = {
        **_common(order),
        "seller": _seller_with_country(seller_snapshot()),
        "buyer": _buyer(buyer_snapshot(order=order)),
        "totals": _totals(order=order, net=net, tax=gross - net, gross=gross),
        "tax_note": _tax_note(
            reverse_charge=_order_reverse_charge(order), stored=order_tax_note(order=order)
        ),
    }
    return render_to_string("order_documents/pdf/confirmation.html", context)


def invoice_html(*, invoice) -> str:
    """Render the HTML of an invoice, with the parties as they were on the day of issue."""
    order = invoice.order
    issued_on = timezone.localtime(invoice.issued_at)
    # An invoice names when the goods were delivered (German law asks for it): the days the
    # shipments left, or the invoice date when it was issued before anything shipped.
    shipped = [timezone.localtime(moment).date() for moment in
               order.shipments.order_by("created_at").values_list("created_at", flat=True)]  # fmt: skip
    days = PAYMENT_DAYS.get(invoice.buyer.get("payment_terms", ""))
    context = {
        **_common(order),
        "invoice": invoice,
        "issued_on": issued_on,
        "delivered_from": shipped[0] if shipped else issued_on.date(),
        "delivered_to": shipped[-1] if shipped else issued_on.date(),
        "due_on": (issued_on + timedelta(days=days)).date() if days else None,
        "seller": _seller_with_country(invoice.seller),
        "buyer": _buyer(invoice.buyer),
        "totals": _totals(order=order, net=invoice.net, tax=invoice.tax, gross=invoice.gross),
        "tax_note": _tax_note(reverse_charge=invoice.reverse_charge, stored=invoice.tax_note),
    }
    return render_to_string("order_documents/pdf/invoice.html", context)


def credit_note_html(*, credit_note) -> str:
    """Render the HTML of a credit note: its amount split like the invoice's net and tax."""
    invoice = credit_note.invoice
    order = credit_note.order
    amount = credit_note.amount
    net = money_round(amount * invoice.net / invoice.gross) if invoice.gross else amount
    currency = credit_note.currency
    context = {
        **_common(order),
        "credit_note": credit_note,
        "invoice": invoice,
        "issued_on": timezone.localtime(credit_note.issued_at),
        "seller": _seller_with_country(invoice.seller),
        "buyer": _buyer(invoice.buyer),
        "net": money_display(net, currency),
        "tax": money_display(amount - net, currency),
        "gross": money_display(amount, currency),
        "tax_note": _tax_note(reverse_charge=invoice.reverse_charge, stored=invoice.tax_note),
    }
    return render_to_string("order_documents/pdf/credit_note.html", context)


def packing_slip_html(*, shipment) -> str:
    """Render the HTML of a shipment's packing slip: its lines and quantities, no prices."""
    order = shipment.order
    rows = [
        {
            "sku": item.line.partner_sku or item.line.upc or "",
            "title": item.line.title,
            "quantity": item.quantity,
            "ordered": item.line.quantity,
        }
        for item in shipment.lines.select_related("line").order_by("line_id")
    ]
    context = {
        "order": order,
        "order_number": order.number,
        "po_number": order.purchase_order_number,
        "shipment": shipment,
        "shipped_on": timezone.localtime(shipment.created_at),
        "seller": _seller_with_country(seller_snapshot()),
        "buyer": _buyer(buyer_snapshot(order=order)),
        "lines": rows,
    }
    return render_to_string("order_documents/pdf/packing_slip.html", context)


def html_to_pdf(html: str) -> bytes:
    """Render HTML as PDF bytes with WeasyPrint."""
    try:
        # Imported here: WeasyPrint loads Pango when imported, and a server without it
        # must still start and serve everything but the PDFs.
        import weasyprint
    except (ImportError, OSError) as exc:
        raise DocumentUnavailable(PANGO_MESSAGE) from exc
    return weasyprint.HTML(string=html, base_url=BASE_URL).write_pdf()


def order_confirmation_pdf(*, order) -> bytes:
    """Render an order's confirmation as PDF bytes."""
    return html_to_pdf(order_confirmation_html(order=order))


def invoice_pdf(*, invoice) -> bytes:
    """Render an invoice as PDF bytes."""
    return html_to_pdf(invoice_html(invoice=invoice))


def credit_note_pdf(*, credit_note) -> bytes:
    """Render a credit note as PDF bytes."""
    return html_to_pdf(credit_note_html(credit_note=credit_note))


def packing_slip_pdf(*, shipment) -> bytes:
    """Render a shipment's packing slip as PDF bytes."""
    return html_to_pdf(packing_slip_html(shipment=shipment))
