"""Demo tax rates for the seller's markets (idempotent: existing rows are left alone)."""

import datetime
from decimal import Decimal

from shop.tax.models import TaxClass, TaxRate

SINCE = datetime.date(2024, 1, 1)
# country: (standard, reduced) in percent, as in force from 2024 (simplified: one reduced rate).
RATES = {
    "AT": ("20", "10"), "BE": ("21", "6"), "CH": ("8.1", "2.6"), "CZ": ("21", "12"),
    "DE": ("19", "7"), "DK": ("25", "25"), "ES": ("21", "10"), "FI": ("24", "14"),
    "FR": ("20", "5.5"), "GB": ("20", "5"), "IE": ("23", "13.5"), "IT": ("22", "10"),
    "LU": ("17", "8"), "NL": ("21", "9"), "NO": ("25", "15"), "PL": ("23", "8"),
    "PT": ("23", "13"), "SE": ("25", "12"),
}  # fmt: skip


def tax_rates_ensure() -> int:
    """Create the demo countries' standard, reduced and zero rates if missing; return how many."""
    created = 0
    for country, (standard, reduced) in RATES.items():
        for tax_class, rate in (
            (TaxClass.STANDARD, standard), (TaxClass.REDUCED, reduced), (TaxClass.ZERO, "0"),
        ):  # fmt: skip
            if TaxRate.objects.filter(country=country, region="", tax_class=tax_class).exists():
                continue
            TaxRate.objects.create(
                country=country, tax_class=tax_class, rate=Decimal(rate), valid_from=SINCE
            )
            created += 1
    return created
