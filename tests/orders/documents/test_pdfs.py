"""The PDFs render, with both parties' legal details and the reverse-charge text when it applies."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import dateformat, timezone, translation
from django.utils.formats import get_format

from orders.documents import pdf
from orders.documents.services import credit_note_issue, invoice_issue
from shop.tax.models import OrderTaxRecord
from shop.tax.services import REVERSE_CHARGE_TEXT, tax_record_for_order
from tests.factories import CompanyFactory
from tests.orders.documents.conftest import company_order

pytestmark = pytest.mark.django_db


def pdf_text(html: str, content: bytes) -> str:
    """The PDF's text: through pypdf when installed, else WeasyPrint's laid-out pages."""
    assert content.startswith(b"%PDF")
    try:
        import io

        import pypdf
    except ImportError:
        import weasyprint

        texts: list[str] = []

        def walk(box):
            if getattr(box, "text", None):
                texts.append(box.text)
            for child in getattr(box, "children", None) or []:
                walk(child)

        for page in weasyprint.HTML(string=html, base_url=pdf.BASE_URL).render().pages:
            walk(page._page_box)
        return " ".join(texts)
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def austrian_order(db):
    company = CompanyFactory(
        legal_name="Wiener Fuhrpark GmbH", country="AT", vat_number="ATU13585627"
    )
    order = company_order(company=company)
    # The record stored at placement knew no company yet (the test order gets it after).
    OrderTaxRecord.objects.filter(order=order).delete()
    tax_record_for_order(order=order, ship_to_country="AT")
    order.refresh_from_db()
    return order


def test_the_invoice_of_an_eu_company_abroad_carries_the_reverse_charge_text(austrian_order):
    invoice = invoice_issue(order=austrian_order)
    assert invoice.reverse_charge
    text = pdf_text(pdf.invoice_html(invoice=invoice), pdf.invoice_pdf(invoice=invoice))
    assert invoice.number in text and "Wiener Fuhrpark GmbH" in text and "ATU13585627" in text
    assert "Reverse charge" in text and "2006/112/EC" in text
    assert "PartsHub Industrial Supply GmbH" in text and "DE123456788" in text
    line = austrian_order.lines.get()
    assert line.partner_sku in text


def test_a_domestic_invoice_has_no_reverse_charge_text(order):
    invoice = invoice_issue(order=order)
    html = pdf.invoice_html(invoice=invoice)
    assert not invoice.reverse_charge and str(REVERSE_CHARGE_TEXT) not in html
    assert pdf.invoice_pdf(invoice=invoice).startswith(b"%PDF")


def test_the_confirmation_renders_in_german(austrian_order):
    with translation.override("de"):
        html = pdf.order_confirmation_html(order=austrian_order)
        content = pdf.order_confirmation_pdf(order=austrian_order)
    text = pdf_text(html, content)
    assert "Artikelnummer" in text and "Zahlungsbedingungen" in text
    assert "Steuerschuldnerschaft des Leistungsempfängers" in text


def test_the_credit_note_names_its_invoice_and_reason(austrian_order):
    invoice = invoice_issue(order=austrian_order)
    note = credit_note_issue(
        order=austrian_order, amount=Decimal("1.50"), reason="Two seals missing"
    )
    text = pdf_text(pdf.credit_note_html(credit_note=note), pdf.credit_note_pdf(credit_note=note))
    assert note.number in text and invoice.number in text and "Two seals missing" in text
    assert "Reverse charge" in text


def test_the_packing_slip_lists_the_shipments_lines_without_prices(order, client, stranger):
    from django.urls import reverse

    from orders.documents.selectors import shipment_model

    Shipment = shipment_model()
    if Shipment is None:
        pytest.skip("no Shipment model on this tree")
    line = order.lines.get()
    shipment = Shipment.objects.create(
        order=order, number="SHP-1", source="staff", tracking_number="TRK-778"
    )
    shipment.lines.create(line=line, quantity=1)
    text = pdf_text(
        pdf.packing_slip_html(shipment=shipment), pdf.packing_slip_pdf(shipment=shipment)
    )
    assert "SHP-1" in text and "TRK-778" in text and line.partner_sku in text
    assert f"{line.unit_price_excl_tax:.2f}" not in text
    url = reverse("order_documents:packing-slip", kwargs={"number": "SHP-1"})
    client.force_login(order.user)
    assert client.get(url).content.startswith(b"%PDF")
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_the_invoice_prints_the_payment_terms_in_the_readers_language(order):
    invoice = invoice_issue(order=order)  # issued while the page was English
    with translation.override("de"):
        html = pdf.invoice_html(invoice=invoice)
    assert "Auf Rechnung, 30 Tage" in html


def test_the_invoice_names_the_delivery_date_and_when_payment_is_due(order):
    # The documents' company pays in 30 days (see the payment terms test above).
    invoice = invoice_issue(order=order)
    issued = timezone.localtime(invoice.issued_at).date()
    with translation.override("en-gb"):
        html = pdf.invoice_html(invoice=invoice)
    assert "Delivery date" in html and "Due date" in html
    assert dateformat.format(issued + timedelta(days=30), get_format("DATE_FORMAT")) in html
    with translation.override("de"):
        html = pdf.invoice_html(invoice=invoice)
    assert "Lieferdatum" in html and "Fällig am" in html
