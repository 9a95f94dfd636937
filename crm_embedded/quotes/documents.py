"""The printable documents of a quote: the PDF of a sent version.

Everything is read from the frozen version (lines, total, dates, terms), so the PDF of a
version is the same whenever it is produced; only the parties come from the live quote.
"""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat, timezone

from crm_embedded.quotes.models import QuoteVersion
from shop.catalogue import selectors as catalogue_selectors
from shop.money import money_format, money_round
from shop.tax.services import TaxEngine, TaxResult

TEMPLATE = "quotes/pdf/quote_version.html"
# Relative URLs in the template (none today) resolve next to it, never over the network.
BASE_URL = str(Path(__file__).resolve().parent / "templates" / "quotes" / "pdf") + "/"
PANGO_MESSAGE = (
    "PDF documents need Pango on the server: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
)


class DocumentUnavailable(Exception):
    """Signal that PDF documents cannot be produced on this server."""


def money(amount: Decimal, currency: str) -> str:
    """Format an amount with two decimals and its currency code."""
    return money_format(amount, currency)


def long_date(value) -> str:
    """Format a date as e.g. 14 March 2026."""
    return dateformat.format(value, "j F Y")


def quote_version_line_taxes(version: QuoteVersion) -> list[TaxResult]:
    """Return the tax of each line of a version, from the shop's tax engine for the buyer."""
    quote = version.quote
    address = quote.delivery_address
    engine = TaxEngine(
        company=quote.company,
        ship_to_country=address.country if address is not None else None,
        day=timezone.localtime(version.sent_at).date() if version.sent_at else None,
    )
    ids = [int(row["product_id"]) for row in version.lines if row.get("product_id")]
    products = catalogue_selectors.products_by_id(product_ids=ids)
    return [
        engine.line(
            product=products.get(int(row.get("product_id") or 0)),
            net=Decimal(row["line_total"]),
        )
        for row in version.lines
    ]


def quote_version_totals(version: QuoteVersion) -> dict:
    """Return the net, VAT and gross totals of a version, rounded to cents; VAT per line."""
    taxes = quote_version_line_taxes(version)
    # The frozen total is what the buyer was offered; it is the sum of the line totals.
    net = money_round(version.total)
    vat = sum((tax.amount for tax in taxes), Decimal("0.00"))
    rates = {tax.rate for tax in taxes}
    return {
        "percent": rates.pop() if len(rates) == 1 else None,  # None: lines differ
        "net": net,
        "vat": vat,
        "gross": net + vat,
        "note": taxes[0].note if taxes else "",
        "lines": taxes,
    }


def _person(user) -> dict[str, str] | None:
    if user is None:
        return None
    return {"name": user.get_full_name() or user.email, "email": user.email}


def _address(address) -> dict[str, str] | None:
    if address is None:
        return None
    return {
        "label": address.label,
        "line1": address.line1,
        "line2": address.line2,
        "city": f"{address.postcode} {address.city}",
        "country": address.get_country_display(),
    }


def quote_version_html(*, version: QuoteVersion) -> str:
    """Render the HTML of a sent quote version, ready for WeasyPrint."""
    quote = version.quote
    company = quote.company
    currency = version.currency
    totals = quote_version_totals(version)
    lines = [
        {
            "sku": row["sku"],
            "title": row["title"],
            "quantity": int(row["quantity"]),
            "list_price": money(Decimal(row["list_price"]), currency),
            "unit_price": money(Decimal(row["unit_price"]), currency),
            "line_total": money(Decimal(row["line_total"]), currency),
            "vat_percent": f"{tax.rate.normalize():f}",
        }
        for row, tax in zip(version.lines, totals["lines"], strict=True)
    ]
    context = {
        "site_name": settings.SITE_NAME,
        "seller_details": settings.SELLER_DETAILS,
        "quote_number": quote.number,
        "version_number": version.number,
        "sent_on": long_date(timezone.localtime(version.sent_at).date()),
        "valid_until": long_date(version.valid_until),
        "company": {
            "legal_name": company.legal_name,
            # Shown only when it differs, so the buyer recognises the name they trade under.
            "trading_name": company.trading_name
            if company.trading_name and company.trading_name != company.legal_name
            else "",
            "vat_number": company.vat_number,
            "country": company.get_country_display(),
            "payment_terms": company.get_payment_terms_display(),
        },
        "delivery_address": _address(quote.delivery_address),
        "requested_by": _person(quote.requested_by),
        # A quote not yet assigned is still looked after by the company's account manager.
        "account_manager": _person(quote.account_manager or company.account_manager),
        "lines": lines,
        "net_total": money(totals["net"], currency),
        "vat_percent": f"{totals['percent'].normalize():f}"
        if totals["percent"] is not None
        else "",
        "vat_note": totals["note"],
        "vat_total": money(totals["vat"], currency),
        "gross_total": money(totals["gross"], currency),
        "terms": version.terms.strip(),
    }
    return render_to_string(TEMPLATE, context)


def quote_version_pdf(*, version: QuoteVersion) -> bytes:
    """Render a sent quote version as PDF bytes."""
    html = quote_version_html(version=version)
    try:
        # Imported here: WeasyPrint loads Pango when imported, and a server without it
        # must still start and serve everything but the PDFs.
        import weasyprint
    except (ImportError, OSError) as exc:
        raise DocumentUnavailable(PANGO_MESSAGE) from exc
    return weasyprint.HTML(string=html, base_url=BASE_URL).write_pdf()


def quote_version_filename(version: QuoteVersion) -> str:
    """Return the download name of a version's PDF, e.g. quote-Q-000012-v2.pdf."""
    return f"quote-{version.quote.number}-v{version.number}.pdf"
