"""The PDF of a sent quote version: its content, a valid PDF, and a clear error without Pango."""

import datetime
import re
import sys
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from crm_embedded.quotes.documents import (
    PANGO_MESSAGE,
    DocumentUnavailable,
    quote_version_filename,
    quote_version_html,
    quote_version_pdf,
)
from crm_embedded.quotes.models import Quote, QuoteVersion
from shop.companies.models import Company, CompanyAddress
from shop.tax.models import ProductClassTax, TaxRate
from shop.tax.services import REVERSE_CHARGE_TEXT
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory

Product = get_model("catalogue", "Product")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tax_rates():
    """Germany's rates in the shop's tax engine (the PDF's VAT comes from there)."""
    for tax_class, rate in (("standard", "19"), ("reduced", "7")):
        TaxRate.objects.create(
            country="DE", tax_class=tax_class, rate=Decimal(rate),
            valid_from=datetime.date(2024, 1, 1),
        )  # fmt: skip


CENT = Decimal("0.01")
VALID_UNTIL = datetime.date(2031, 3, 14)
ROWS = [
    # sku, title, quantity, list price, unit price
    ("BRG-6204-2RS", "Deep groove ball bearing 6204-2RS", 40, "12.50", "10.95"),
    ("SEAL-35x52", "Radial shaft seal 35x52x7 <NBR>", 7, "3.99", "3.33"),
    ("BLT-M8x30", "Hex bolt M8x30 & nut, 8.8 zinc", 1250, "0.18", "0.17"),
]


def make_version(*, rows=ROWS, terms="Delivery within 10 working days.\nIncoterms DAP.", **quote):
    """Create a company, a quote and its first sent version with the given rows."""
    company = CompanyFactory(
        legal_name="Rheinland Antriebstechnik GmbH",
        trading_name="RAT Drives",
        vat_number="DE811907980",
        country="DE",
        payment_terms=Company.PaymentTerms.NET_30,
    )
    member = CompanyMemberFactory(
        company=company, user=UserFactory(first_name="Petra", last_name="Klein")
    )
    manager = UserFactory(first_name="Jonas", last_name="Berg", email="jonas@partshub.example")
    address = CompanyAddress.objects.create(
        company=company,
        kind=CompanyAddress.Kind.SHIPPING,
        label="Warehouse Cologne",
        line1="Industriestraße 4",
        postcode="50996",
        city="Köln",
        country="DE",
    )
    quote = Quote.objects.create(
        number="Q-000012",
        company=company,
        requested_by=member.user,
        account_manager=manager,
        delivery_address=address,
        currency="EUR",
        **quote,
    )
    lines = []
    for sku, title, quantity, list_price, unit_price in rows:
        product = ProductFactory(upc=sku, title=title)
        lines.append(
            {
                "sku": sku,
                "title": title,
                "quantity": quantity,
                "list_price": list_price,
                "unit_price": unit_price,
                "line_total": str(Decimal(unit_price) * quantity),
                "product_id": product.pk,
            }
        )
    return QuoteVersion.objects.create(
        quote=quote,
        number=2,
        sent_at=timezone.make_aware(datetime.datetime(2031, 2, 12, 9, 30)),
        sent_by=manager,
        valid_until=VALID_UNTIL,
        terms=terms,
        currency="EUR",
        lines=lines,
        total=sum((Decimal(line["line_total"]) for line in lines), Decimal(0)),
    )


def text_of(html: str) -> str:
    """Return the visible text of the HTML with whitespace collapsed."""
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_html_shows_the_version_parties_lines_and_totals():
    version = make_version()
    html = quote_version_html(version=version)
    text = text_of(html)

    assert "PartsHub B2B" in text
    assert "PartsHub Industrial Supply GmbH" in text
    assert "Quotation Q-000012, version 2" in text
    assert "12 February 2031" in text
    assert "Valid until 14 March 2031" in text
    assert "Rheinland Antriebstechnik GmbH" in text
    assert "trading as RAT Drives" in text
    assert "VAT number DE811907980" in text
    assert "Germany" in text
    assert "On account, 30 days" in text
    assert "Warehouse Cologne Industriestraße 4 50996 Köln" in text
    assert "Petra Klein" in text and version.quote.requested_by.email in text
    assert "Jonas Berg jonas@partshub.example" in text
    for sku, *_ in ROWS:
        assert sku in text
    # Titles are escaped, not injected as markup.
    assert "Radial shaft seal 35x52x7 &lt;NBR&gt;" in html
    assert "Hex bolt M8x30 &amp; nut" in html
    assert (
        "BRG-6204-2RS Deep groove ball bearing 6204-2RS 40 12.50 EUR 10.95 EUR 438.00 EUR" in text
    )
    assert "BLT-M8x30" in text and "1250 0.18 EUR 0.17 EUR 212.50 EUR" in text

    net = Decimal("438.00") + Decimal("23.31") + Decimal("212.50")
    assert version.total == net
    # VAT is rounded per line, like basket and order: 83.22 + 4.43 (4.4289) + 40.38 (40.375).
    vat = sum(
        ((line * Decimal(19) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
         for line in (Decimal("438.00"), Decimal("23.31"), Decimal("212.50"))),
        Decimal(0),
    )  # fmt: skip
    assert vat == Decimal("128.03")
    assert f"Net total {net:,.2f} EUR" in text
    assert f"VAT 19 % {vat:,.2f} EUR" in text
    assert f"Total {net + vat:,.2f} EUR" in text
    assert "Total 801.84 EUR" in text
    assert str(REVERSE_CHARGE_TEXT) not in text

    assert "Delivery within 10 working days.<br>Incoterms DAP." in html
    assert "Standard terms of sale apply." not in text
    assert "Prices are locked for this quote once accepted." in text
    assert "http://" not in html and "https://" not in html


def test_vat_rounds_half_up_to_the_cent_and_money_has_thousands():
    # 2632.50 × 0.19 = 500.175: half up gives 500.18 where banker's rounding gives 500.17.
    version = make_version(rows=[("PUMP-X1", "Gear pump", 3, "900.00", "877.50")])
    text = text_of(quote_version_html(version=version))

    assert "Net total 2,632.50 EUR" in text
    assert "VAT 19 % 500.18 EUR" in text
    assert "Total 3,132.68 EUR" in text


def test_vat_follows_the_tax_engine_for_the_products_tax_class():
    version = make_version(rows=[("PUMP-X1", "Gear pump", 1, "100.00", "100.00")])
    product = Product.objects.get(upc="PUMP-X1")
    ProductClassTax.objects.create(product_class=product.product_class, tax_class="reduced")
    text = text_of(quote_version_html(version=version))

    assert "VAT 7 % 7.00 EUR" in text
    assert "Total 107.00 EUR" in text


def test_a_cross_border_eu_company_is_reverse_charged_on_the_pdf(settings):
    settings.SELLER_COUNTRY = "DE"
    version = make_version(rows=[("PUMP-X1", "Gear pump", 2, "100.00", "100.00")])
    company = version.quote.company
    Company.objects.filter(pk=company.pk).update(country="AT", vat_number="ATU13585627")
    CompanyAddress.objects.filter(pk=version.quote.delivery_address_id).update(country="AT")
    version = QuoteVersion.objects.select_related("quote").get(pk=version.pk)
    text = text_of(quote_version_html(version=version))

    assert "VAT 0 % 0.00 EUR" in text
    assert "Total 200.00 EUR" in text
    assert str(REVERSE_CHARGE_TEXT) in text


def test_without_terms_or_delivery_address_or_manager():
    version = make_version(terms="")
    quote = version.quote
    Quote.objects.filter(pk=quote.pk).update(delivery_address=None, account_manager=None)
    version = QuoteVersion.objects.select_related("quote").get(pk=version.pk)
    text = text_of(quote_version_html(version=version))

    assert "Standard terms of sale apply." in text
    assert "Warehouse Cologne" not in text
    assert "Account manager" not in text
    assert "Prices are locked for this quote once accepted." in text


def test_pdf_is_a_valid_document_of_at_least_one_page():
    import weasyprint

    version = make_version()
    pdf = quote_version_pdf(version=version)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 1024
    document = weasyprint.HTML(string=quote_version_html(version=version)).render()
    assert len(document.pages) == 1


def test_many_lines_run_over_several_pages():
    import weasyprint

    rows = [(f"SKU-{n:04d}", f"Part number {n}", n, "2.00", "1.50") for n in range(1, 121)]
    version = make_version(rows=rows)
    document = weasyprint.HTML(string=quote_version_html(version=version)).render()

    assert len(document.pages) >= 3
    assert quote_version_pdf(version=version).startswith(b"%PDF-")


def test_filename():
    version = make_version()
    assert quote_version_filename(version) == "quote-Q-000012-v2.pdf"


def test_without_weasyprint_the_error_says_to_install_pango(monkeypatch):
    version = make_version()
    # None in sys.modules makes `import weasyprint` raise ImportError, as a missing library would.
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    with pytest.raises(DocumentUnavailable) as raised:
        quote_version_pdf(version=version)

    assert str(raised.value) == PANGO_MESSAGE
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in str(raised.value)


def test_an_oserror_loading_pango_is_reported_the_same_way(monkeypatch):
    import builtins

    version = make_version()
    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)

    with pytest.raises(DocumentUnavailable, match="PDF documents need Pango on the server"):
        quote_version_pdf(version=version)
