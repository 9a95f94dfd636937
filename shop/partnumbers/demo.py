"""Demo part numbers: Rheinland Auto Service's workshop system knows our parts by its own numbers."""

from oscar.core.loading import get_model

from shop.companies.models import Company
from shop.partnumbers.models import CustomerPartNumber
from shop.search.codes import normalize_code

StockRecord = get_model("partner", "StockRecord")

COMPANY_SLUG = "rheinland-auto"
# (their part number, our SKU): filters, brakes, ignition and suspension parts they reorder.
PART_NUMBERS = (
    ("RAS-FIL-0815", "AUT-FL-000015"),
    ("RAS-FIL-0816", "AUT-FL-000045"),
    ("RAS-BRE-1001", "AUT-BR-000014"),
    ("RAS-BRE-1002", "AUT-BR-000044"),
    ("RAS-ZND-2201", "AUT-IG-000016"),
    ("RAS-FWK-3301", "AUT-SU-000017"),
)


def part_numbers_demo_ensure() -> int:
    """Give the demo's Rheinland Auto Service its part numbers if missing; return how many were made."""
    company = Company.objects.filter(slug=COMPANY_SLUG).first()
    if company is None:
        return 0
    products = dict(
        StockRecord.objects.filter(partner_sku__in=[sku for _n, sku in PART_NUMBERS]).values_list(
            "partner_sku", "product_id"
        )
    )
    made = 0
    for part_number, sku in PART_NUMBERS:
        product_id = products.get(sku)
        if product_id is None or company.part_numbers.filter(product_id=product_id).exists():
            continue
        _mapping, created = CustomerPartNumber.objects.get_or_create(
            company=company, normalized=normalize_code(part_number),
            defaults={"product_id": product_id, "part_number": part_number},
        )  # fmt: skip
        made += created
    return made
