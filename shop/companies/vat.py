"""VAT number validation: format per country and check digits, via python-stdnum."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.ch import vat as ch_vat
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.no import mva as no_vat

# Examples shown to the user when a number is wrong, so they can see the expected shape.
EXAMPLES = {
    "AT": "ATU12345678", "BE": "BE0123456789", "BG": "BG123456789", "CY": "CY12345678L",
    "CZ": "CZ12345678", "DE": "DE123456789", "DK": "DK12345678", "EE": "EE123456789",
    "GR": "EL123456789", "ES": "ESB12345678", "FI": "FI12345678", "FR": "FRXX123456789",
    "HR": "HR12345678901", "HU": "HU12345678", "IE": "IE1234567WA", "IT": "IT12345678901",
    "LT": "LT123456789", "LU": "LU12345678", "LV": "LV12345678901", "MT": "MT12345678",
    "NL": "NL123456789B01", "PL": "PL1234567890", "PT": "PT123456789", "RO": "RO1234567890",
    "SE": "SE123456789001", "SI": "SI12345678", "SK": "SK1234567890",
    "GB": "GB123456789", "CH": "CHE-123.456.789 MWST", "NO": "NO123456789MVA",
}  # fmt: skip
SUPPORTED_COUNTRIES = tuple(EXAMPLES)
_EU_PREFIX = {"GR": "EL"}


@dataclass(frozen=True)
class VatResult:
    number: str  # normalised, with the country prefix
    error: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.error


def vat_number_check(*, country: str, number: str) -> VatResult:
    """Validate a VAT number for a country; return it normalised, or a message saying what is wrong."""
    country = (country or "").upper()
    raw = "".join((number or "").split()).upper()
    if country not in EXAMPLES:
        return VatResult(
            raw,
            _("We cannot check VAT numbers for country '%(country)s' yet.") % {"country": country},
        )
    if not raw:
        return VatResult(raw, _("Enter your company's VAT number."))
    prefix = _EU_PREFIX.get(country, country)
    if country in {"CH", "NO"}:
        module, candidate = (ch_vat, raw) if country == "CH" else (no_vat, raw.removeprefix("NO"))
    elif country == "GB":
        module, candidate = gb_vat, raw.removeprefix("GB")
    else:
        module, candidate = eu_vat, raw if raw.startswith(prefix) else prefix + raw
    try:
        valid = module.validate(candidate)
    except stdnum_errors.InvalidChecksum:
        return VatResult(
            raw,
            _(
                "This %(country)s VAT number's check digits do not match: please check it for "
                "typos (expected like %(example)s)."
            )
            % {"country": country, "example": EXAMPLES[country]},
        )
    except stdnum_errors.ValidationError:
        return VatResult(
            raw,
            _("This is not a valid %(country)s VAT number: it should look like %(example)s.")
            % {"country": country, "example": EXAMPLES[country]},
        )
    if module is eu_vat and not valid.startswith(prefix):
        return VatResult(
            raw,
            _(
                "This VAT number belongs to another country: a %(country)s number starts with %(prefix)s."
            )
            % {"country": country, "prefix": prefix},
        )
    if country == "GB":
        valid = "GB" + valid
    elif country == "NO":
        valid = "NO" + valid
    return VatResult(valid)
