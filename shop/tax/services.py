"""The one tax engine: which rate applies to a line, and why (standard, reverse charge, exempt).

The rules, in order: a company with a tax-exemption certificate valid on the day pays none;
an EU cross-border sale to a company whose VAT number is valid in format is reverse-charged
(0 %, with the legal text on order and invoice); otherwise the rate of the ship-to country
for the product's tax class applies (the seller's country when the ship-to country has no
rates, e.g. an export market not set up yet).
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.companies.models import Company, CompanyAddress
from shop.companies.vat import vat_number_check
from shop.money import money_round
from shop.tax.models import OrderTaxRecord, ProductClassTax, TaxClass, TaxExemption, TaxRate

logger = logging.getLogger(__name__)

STANDARD = "standard"
REVERSE_CHARGE = "reverse charge"
EXEMPT = "exempt"
REVERSE_CHARGE_TEXT = gettext_lazy(
    "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)"
)
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class TaxResult:
    rate: Decimal  # percent, e.g. Decimal("19.00")
    amount: Decimal  # rounded to cents
    reason: str  # STANDARD, REVERSE_CHARGE or EXEMPT

    @property
    def note(self) -> str:
        """The legal text to print beside the line or total, if any."""
        return str(REVERSE_CHARGE_TEXT) if self.reason == REVERSE_CHARGE else ""


def seller_country() -> str:
    return getattr(settings, "SELLER_COUNTRY", "DE").upper()


def _company_tax_facts(*, company) -> tuple[str, datetime.date | None]:
    """Return a company's default delivery country and certificate end, in one query."""
    delivery = (
        CompanyAddress.objects.filter(company=OuterRef("pk"), kind=CompanyAddress.Kind.SHIPPING)
        .order_by("-is_default", "pk")
        .values("country")[:1]
    )
    row = (
        Company.objects.filter(pk=company.pk)
        .annotate(delivery_country=Subquery(delivery))
        .values_list("delivery_country", "tax_exemption__valid_until")
        .first()
    )
    country, exempt_until = row or (None, None)
    return (country or company.country or seller_country()).upper(), exempt_until


def company_ship_to_country(*, company) -> str:
    """Return the country a company's goods go to by default: its default delivery address."""
    if company is None:
        return seller_country()
    return _company_tax_facts(company=company)[0]


class TaxEngine:
    """Tax for the lines of one buyer and one destination, with its lookups done once."""

    def __init__(self, *, company=None, ship_to_country: str | None = None, region: str = "",
                 day: datetime.date | None = None):  # fmt: skip
        self.company = company
        self._exempt_until = None
        if company is not None:
            default_country, self._exempt_until = _company_tax_facts(company=company)
        else:
            default_country = seller_country()
        self.country = (ship_to_country or default_country).upper()
        self.region = region or ""
        self.day = day or timezone.localdate()
        self._reason: str | None = None
        self._rates: dict[tuple[str, str], Decimal] | None = None
        self._classes: dict[int, str] | None = None

    @property
    def reason(self) -> str:
        """Why this buyer pays what they pay to this destination (same for all lines)."""
        if self._reason is None:
            self._reason = self._treatment()
        return self._reason

    @property
    def note(self) -> str:
        """The legal text to print with the totals, if any (reverse charge)."""
        return str(REVERSE_CHARGE_TEXT) if self.reason == REVERSE_CHARGE else ""

    def _treatment(self) -> str:
        company = self.company
        if company is None:
            return STANDARD
        if self._exempt_until is not None and self._exempt_until >= self.day:
            return EXEMPT
        seller = seller_country()
        if (
            seller in EU_COUNTRIES
            and self.country in EU_COUNTRIES
            and self.country != seller
            and company.vat_number
            and vat_number_check(country=company.country, number=company.vat_number).is_valid
        ):
            return REVERSE_CHARGE
        return STANDARD

    def _load_rates(self) -> dict[tuple[str, str], Decimal]:
        """The destination's rates on the day, else the seller's country's (one query)."""
        seller = seller_country()
        rows = TaxRate.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=self.day),
            country__in={self.country, seller},
            valid_from__lte=self.day,
            region__in={"", self.region},
        ).order_by("valid_from")
        by_country: dict[str, dict[tuple[str, str], Decimal]] = {}
        for row in rows:  # later rows win: the newest rate that started by the day
            by_country.setdefault(row.country, {})[(row.region, row.tax_class)] = row.rate
        return by_country.get(self.country) or by_country.get(seller, {})

    def tax_class(self, product) -> str:
        if self._classes is None:
            self._classes = dict(
                ProductClassTax.objects.values_list("product_class_id", "tax_class")
            )
        if product is None:  # e.g. a frozen quote line whose product was deleted
            return TaxClass.STANDARD
        class_id = product.product_class_id
        if class_id is None and product.parent_id:
            class_id = product.parent.product_class_id
        return self._classes.get(class_id, TaxClass.STANDARD)

    def rate(self, product) -> Decimal:
        """Return the rate in percent for a product (0 when exempt or reverse-charged)."""
        if self.reason != STANDARD:
            return ZERO
        if self._rates is None:
            self._rates = self._load_rates()
        tax_class = self.tax_class(product)
        for key in ((self.region, tax_class), ("", tax_class)):
            if key in self._rates:
                return self._rates[key]
        logger.warning(
            "No tax rate for %s %s %s on %s: charging none.",
            self.country, self.region, tax_class, self.day,
        )  # fmt: skip
        return ZERO

    def line(self, *, product, net: Decimal) -> TaxResult:
        """Return the tax on a net amount of a product."""
        rate = self.rate(product)
        return TaxResult(
            rate=rate, amount=money_round(Decimal(net) * rate / 100), reason=self.reason
        )


def tax_for_line(*, company, ship_to_country: str | None, product, net: Decimal,
                 region: str = "", day: datetime.date | None = None) -> TaxResult:  # fmt: skip
    """Return the rate, tax amount and reason for one line of a buyer to a destination."""
    engine = TaxEngine(company=company, ship_to_country=ship_to_country, region=region, day=day)
    return engine.line(product=product, net=net)


def basket_ship_to(*, basket, country: str | None) -> None:
    """Re-price a basket's lines for delivery to ``country``: their tax follows the destination."""
    strategy = getattr(basket, "strategy", None)
    if strategy is None or not hasattr(strategy, "ship_to"):
        return
    strategy.ship_to(country)
    for line in basket.all_lines():
        line._info = strategy.fetch_for_line(line, line.stockrecord)  # Oscar caches it there


def _order_engine(*, order, ship_to_country: str | None = None) -> TaxEngine:
    address = getattr(order, "shipping_address", None)
    if ship_to_country is None and address is not None:
        ship_to_country = address.country_id
    return TaxEngine(
        company=getattr(order, "company", None),
        ship_to_country=ship_to_country,
        day=timezone.localdate(order.date_placed) if order.date_placed else None,
    )


def tax_record_for_order(*, order, ship_to_country: str | None = None) -> OrderTaxRecord:
    """Store the tax treatment an order is placed under (idempotent: the first record stays)."""
    existing = OrderTaxRecord.objects.filter(order=order).first()
    if existing is not None:
        return existing
    engine = _order_engine(order=order, ship_to_country=ship_to_country)
    record = OrderTaxRecord(
        order=order,
        treatment=engine.reason,
        seller_country=seller_country(),
        ship_to_country=engine.country,
    )
    if engine.reason == REVERSE_CHARGE:
        record.buyer_vat_number = engine.company.vat_number
        record.legal_text = str(REVERSE_CHARGE_TEXT)
    elif engine.reason == EXEMPT:
        exemption = TaxExemption.objects.get(company=engine.company)
        record.exemption_certificate_number = exemption.certificate_number
        record.exemption_valid_until = exemption.valid_until
        record.legal_text = _(
            "Tax exempt: exemption certificate %(number)s, valid until %(date)s."
        ) % {"number": exemption.certificate_number, "date": exemption.valid_until.isoformat()}
    record.save()
    return record


def order_tax_note(*, order) -> str:
    """Return the legal tax text an order was placed with (reverse charge, exemption), or ''.

    Read from the record stored at placement. Orders placed before records existed have
    none: for them the treatment is worked out from today's data, as it used to be.
    """
    try:
        return order.tax_record.legal_text
    except OrderTaxRecord.DoesNotExist:
        return (
            str(REVERSE_CHARGE_TEXT) if _order_engine(order=order).reason == REVERSE_CHARGE else ""
        )
