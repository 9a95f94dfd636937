"""Demo price lists: each demo company negotiated something different."""

from decimal import Decimal

from oscar.core.loading import get_model

from shop.companies.models import Company, CustomerGroup
from shop.pricing.models import PriceList, PriceListEntry

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")

PERCENT = PriceListEntry.Kind.PERCENT_OFF
FIXED = PriceListEntry.Kind.FIXED

# (code, name, company slug or None, group slug or None, [(category name, kind, value, min qty), ...])
LISTS = (
    ("rheinland-contract", "Rheinland Auto Service contract 2026", "rheinland-auto", None, [
        ("Automotive spare parts", PERCENT, "12", 1),
        ("Filters", PERCENT, "15", 1), ("Filters", PERCENT, "20", 20), ("Filters", PERCENT, "25", 100),
        ("Brake parts", PERCENT, "18", 1), ("Brake parts", PERCENT, "22", 10),
    ]),
    ("nordic-contract", "Nordic Textile framework agreement", "nordic-textile", None, [
        ("Power transmission", PERCENT, "15", 1),
        ("Bearings", PERCENT, "8", 1), ("Bearings", PERCENT, "12", 10), ("Bearings", PERCENT, "15", 50),
        ("Lubricants and chemicals", PERCENT, "10", 1),
    ]),
    ("iberia-contract", "Iberia Fleet PPE contract", "iberia-fleet", None, [
        ("Safety and PPE", PERCENT, "20", 1),
    ]),
    ("workshops-list", "Automotive workshops price list", None, "automotive-workshops", [
        ("Tools and workshop", PERCENT, "5", 1), ("Automotive spare parts", PERCENT, "6", 1),
    ]),
    ("fleet-list", "Fleet operators price list", None, "fleet-operators", [
        ("Automotive spare parts", PERCENT, "7", 1), ("Automotive spare parts", PERCENT, "10", 25),
    ]),
)  # fmt: skip


def price_lists_ensure() -> int:
    """Create the demo price lists if missing; return how many were created."""
    created = 0
    for code, name, company_slug, group_slug, entries in LISTS:
        if PriceList.objects.filter(code=code).exists():
            continue
        company = Company.objects.filter(slug=company_slug).first() if company_slug else None
        group = CustomerGroup.objects.filter(slug=group_slug).first() if group_slug else None
        if company is None and group is None:
            continue
        price_list = PriceList.objects.create(
            code=code, name=name, company=company, customer_group=group
        )
        for category_name, kind, value, min_quantity in entries:
            category = Category.objects.filter(name=category_name).first()
            if category is not None:
                PriceListEntry.objects.create(
                    price_list=price_list, category=category, kind=kind,
                    value=Decimal(value), min_quantity=min_quantity,
                )  # fmt: skip
        # A few products with a fixed contract price, as negotiated item by item.
        if company is not None:
            for product in Product.objects.filter(
                categories__name__in=[e[0] for e in entries]
            ).order_by("id")[:3]:
                stockrecord = product.stockrecords.first()
                if stockrecord and stockrecord.price:
                    PriceListEntry.objects.create(
                        price_list=price_list, product=product, kind=FIXED,
                        value=(stockrecord.price * Decimal("0.70")).quantize(Decimal("0.01")),
                    )  # fmt: skip
        created += 1
    return created
