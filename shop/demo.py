"""Demo data for the storefront: a parts distributor's catalogue, client companies, staff.

Every function is idempotent: it looks up what it would create and creates only what
is missing, so running the seed twice changes nothing.
"""

import io
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from oscar.core.loading import get_model
from PIL import Image, ImageDraw, ImageFont

from shop.companies.models import (
    COUNTRY_NAMES,
    Company,
    CompanyAddress,
    CompanyMember,
    CustomerGroup,
)
from shop.dashboard.services import sales_manager_permissions_ensure
from shop.tax.demo import tax_rates_ensure

Category = get_model("catalogue", "Category")
Country = get_model("address", "Country")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

DEMO_CUSTOMER_SINCE_DAYS = 800  # the demo companies opened their accounts about two years ago
DEMO_PASSWORD = "partshub-demo-2026"  # noqa: S105 (printed for the demo on purpose)
PARTNER_NAME = "PartsHub Central Warehouse"
PRODUCT_CLASS_NAME = "Industrial part"
CURRENCY = "EUR"
BATCH_SIZE = 2000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Family:
    """One subcategory's products: names, specs, a price band and usual pack sizes."""

    code: str
    category: tuple[str, str]
    nouns: tuple[str, ...]
    specs: tuple[str, ...]
    price: tuple[float, float]
    packs: tuple[int, ...]
    blurb: str


FAMILIES: tuple[Family, ...] = (
    Family(
        "BRG-BB",
        ("Bearings", "Ball bearings"),
        ("Deep groove ball bearing", "Angular contact ball bearing", "Self-aligning ball bearing"),
        (
            "6004-2RS",
            "6204-2RS",
            "6205-ZZ",
            "6206-2RS C3",
            "6305-2RS",
            "7205-B",
            "1205-K",
            "6008-ZZ",
        ),
        (3.5, 48.0),
        (1, 10),
        "Steel cage, pre-greased, sealed for dust and splash water.",
    ),
    Family(
        "BRG-RB",
        ("Bearings", "Roller bearings"),
        ("Tapered roller bearing", "Cylindrical roller bearing", "Spherical roller bearing"),
        ("30205", "32208", "NU205-E", "NJ306", "22210-E", "22312-E C3"),
        (12.0, 210.0),
        (1,),
        "Case-hardened rollers for heavy radial and axial loads.",
    ),
    Family(
        "BRG-UN",
        ("Bearings", "Bearing units"),
        ("Pillow block bearing unit", "Flange bearing unit", "Take-up bearing unit"),
        ("UCP205", "UCF206", "UCFL204", "UCT207", "UCP208"),
        (14.0, 95.0),
        (1, 2),
        "Cast-iron housing with grease nipple and set-screw locking.",
    ),
    Family(
        "FST-BL",
        ("Fasteners", "Bolts and screws"),
        (
            "Hex bolt DIN 933",
            "Socket cap screw DIN 912",
            "Countersunk screw ISO 10642",
            "Flange bolt DIN 6921",
        ),
        (
            "M6x20 8.8 zinc",
            "M8x30 8.8 zinc",
            "M10x40 10.9",
            "M12x50 8.8 HDG",
            "M16x60 10.9",
            "M8x25 A2 stainless",
            "M10x30 A4 stainless",
        ),
        (0.08, 1.9),
        (50, 100, 200),
        "Metric thread, certified property class, sold per pack.",
    ),
    Family(
        "FST-NT",
        ("Fasteners", "Nuts and washers"),
        (
            "Hex nut DIN 934",
            "Nylon lock nut DIN 985",
            "Flat washer DIN 125",
            "Spring washer DIN 127",
        ),
        ("M6 zinc", "M8 zinc", "M10 8", "M12 A2", "M16 10", "M20 HDG"),
        (0.02, 0.6),
        (100, 250, 500),
        "Bulk packs for assembly lines and workshops.",
    ),
    Family(
        "FST-AN",
        ("Fasteners", "Anchors"),
        ("Wedge anchor", "Chemical anchor stud", "Nylon wall plug"),
        ("M8x75", "M10x95", "M12x110", "6x30", "8x40", "10x50"),
        (0.15, 4.2),
        (25, 50, 100),
        "ETA-approved for cracked and uncracked concrete.",
    ),
    Family(
        "HYD-HS",
        ("Hydraulics and pneumatics", "Hydraulic hoses"),
        ("Hydraulic hose 2SN", "Hydraulic hose 1SN", "Hydraulic hose assembly 4SH"),
        ("DN06 1/4in", "DN10 3/8in", "DN12 1/2in", "DN16 5/8in", "DN20 3/4in", "DN25 1in"),
        (4.0, 120.0),
        (1, 5, 10),
        "Steel-wire braided, rated to EN 853 / EN 856.",
    ),
    Family(
        "HYD-FT",
        ("Hydraulics and pneumatics", "Fittings and couplings"),
        ("Hydraulic straight fitting", "Quick-release coupling", "Compression fitting DIN 2353"),
        ("BSP 1/4in", "BSP 3/8in", "BSP 1/2in", "JIC 9/16in", "L12 steel", "S16 steel"),
        (1.2, 38.0),
        (1, 5, 10, 25),
        "Zinc-nickel plated steel, Viton seals.",
    ),
    Family(
        "PNE-CY",
        ("Hydraulics and pneumatics", "Pneumatic cylinders"),
        ("ISO 15552 pneumatic cylinder", "Compact cylinder", "Mini cylinder ISO 6432"),
        ("32x100", "40x160", "50x200", "63x250", "20x50", "16x25"),
        (28.0, 260.0),
        (1,),
        "Double acting, adjustable cushioning, magnetic piston.",
    ),
    Family(
        "PNE-VL",
        ("Hydraulics and pneumatics", "Valves"),
        ("5/2 solenoid valve", "Ball valve brass", "Check valve", "Pressure regulator"),
        ("G1/8 24VDC", "G1/4 230VAC", "G1/2 PN40", "G3/4 PN25", "G1 PN16"),
        (6.5, 145.0),
        (1, 5),
        "Tested to 10 bar; spare coils available.",
    ),
    Family(
        "PTR-BT",
        ("Power transmission", "V-belts"),
        ("Classical V-belt", "Narrow wedge belt", "Cogged V-belt"),
        ("A-32", "A-48", "B-56", "SPZ-1000", "SPA-1250", "XPZ-900", "SPB-1600"),
        (3.9, 42.0),
        (1, 5, 10),
        "Oil and heat resistant, matched sets for multi-groove drives.",
    ),
    Family(
        "PTR-CH",
        ("Power transmission", "Chains and sprockets"),
        ("Roller chain ISO 606", "Sprocket with hub", "Chain connecting link"),
        ("08B-1 5m", "10B-1 5m", "12B-2 5m", "08B-1 z17", "10B-1 z21", "16B-1"),
        (2.5, 185.0),
        (1, 5),
        "Pre-stretched and lubricated, European standard pitch.",
    ),
    Family(
        "PTR-CP",
        ("Power transmission", "Couplings"),
        ("Jaw coupling", "Gear coupling", "Disc coupling"),
        ("size 19", "size 24", "size 28", "size 38", "size 42"),
        (18.0, 320.0),
        (1,),
        "Bored to order or supplied pilot-bored.",
    ),
    Family(
        "AUT-BR",
        ("Automotive spare parts", "Brake parts"),
        ("Brake pad set", "Brake disc", "Brake caliper remanufactured", "Brake shoe set"),
        ("front axle", "rear axle", "front vented 280mm", "rear solid 255mm", "HD commercial"),
        (18.0, 240.0),
        (1, 2, 4),
        "OE-equivalent quality, ECE R90 approved.",
    ),
    Family(
        "AUT-FL",
        ("Automotive spare parts", "Filters"),
        ("Oil filter", "Air filter", "Fuel filter", "Cabin filter"),
        ("spin-on M20x1.5", "panel 245x190", "inline diesel", "activated carbon", "HD cartridge"),
        (3.2, 48.0),
        (1, 5, 10, 20),
        "Meets OE specifications for service intervals.",
    ),
    Family(
        "AUT-IG",
        ("Automotive spare parts", "Ignition and electrics"),
        ("Spark plug iridium", "Glow plug", "Ignition coil", "Alternator regenerated"),
        ("M14 gap 0.8", "M12 11V", "pencil type", "14V 120A", "24V 80A"),
        (4.5, 210.0),
        (1, 4, 10),
        "Tested on the bench before shipping.",
    ),
    Family(
        "AUT-SU",
        ("Automotive spare parts", "Suspension and steering"),
        ("Shock absorber gas", "Tie rod end", "Control arm with bushing", "Coil spring"),
        ("front left", "front right", "rear pair", "HD front", "HD rear"),
        (14.0, 180.0),
        (1, 2),
        "Direct fit, with mounting kit.",
    ),
    Family(
        "ELE-CT",
        ("Electrical and automation", "Contactors and relays"),
        ("Power contactor AC-3", "Control relay", "Thermal overload relay"),
        ("9A 24VDC", "12A 230VAC", "18A 24VDC", "25A 230VAC", "32A 400VAC", "1.6-2.5A"),
        (9.0, 140.0),
        (1, 5),
        "IEC 60947 rated, DIN-rail mounting.",
    ),
    Family(
        "ELE-SN",
        ("Electrical and automation", "Sensors"),
        (
            "Inductive proximity sensor",
            "Photoelectric sensor",
            "Pressure transmitter",
            "PT100 temperature probe",
        ),
        ("M12 PNP NO", "M18 NPN NC", "M30 PNP 4-wire", "0-10 bar 4-20mA", "G1/2 100mm"),
        (16.0, 260.0),
        (1, 5),
        "IP67, M12 connector, 10-30 VDC.",
    ),
    Family(
        "ELE-CB",
        ("Electrical and automation", "Cables and wiring"),
        (
            "Control cable YSLY-JZ",
            "Power cable NYY-J",
            "Cable gland nickel-plated",
            "Cable tie UV-resistant",
        ),
        ("3x1.5 50m", "5x2.5 50m", "4x16 25m", "M20", "M25", "4.8x300 100pcs"),
        (0.9, 420.0),
        (1, 10, 100),
        "CE and RoHS compliant.",
    ),
    Family(
        "ELE-BR",
        ("Electrical and automation", "Circuit protection"),
        ("Miniature circuit breaker", "Residual current device", "Motor protection switch"),
        ("B16 1P", "C32 3P", "40A 30mA 4P", "2.5-4A", "6.3-10A"),
        (6.0, 190.0),
        (1, 6, 12),
        "EN 60898 / EN 61008 certified.",
    ),
    Family(
        "TLS-HT",
        ("Tools and workshop", "Hand tools"),
        ("Combination spanner set", "Torque wrench", "Socket set 1/2in", "Screwdriver set VDE"),
        ("8-piece", "12-piece", "20-200 Nm", "40-piece", "6-piece insulated"),
        (12.0, 340.0),
        (1,),
        "Chrome-vanadium steel, lifetime warranty.",
    ),
    Family(
        "TLS-PT",
        ("Tools and workshop", "Power tools"),
        (
            "Cordless drill driver",
            "Angle grinder",
            "Impact wrench cordless",
            "Rotary hammer SDS-plus",
        ),
        ("18V 2x5Ah", "125mm 1200W", "1/2in 18V 600Nm", "26mm 800W", "230mm 2400W"),
        (89.0, 690.0),
        (1,),
        "Professional series, with carry case.",
    ),
    Family(
        "TLS-MS",
        ("Tools and workshop", "Measuring"),
        ("Digital caliper", "Outside micrometer", "Dial indicator", "Laser distance meter"),
        ("150mm", "0-25mm", "0-10mm", "50m", "300mm"),
        (19.0, 260.0),
        (1,),
        "Supplied with calibration certificate.",
    ),
    Family(
        "SAF-GL",
        ("Safety and PPE", "Gloves"),
        (
            "Nitrile work gloves",
            "Cut-resistant gloves level D",
            "Disposable nitrile gloves",
            "Leather rigger gloves",
        ),
        ("size 8", "size 9", "size 10", "size L box 100", "size XL box 100"),
        (0.7, 14.0),
        (12, 120),
        "EN 388 certified, sold per pair or box.",
    ),
    Family(
        "SAF-EY",
        ("Safety and PPE", "Eye and ear protection"),
        (
            "Safety glasses anti-fog",
            "Goggles indirect vent",
            "Ear defenders SNR 30",
            "Ear plugs foam",
        ),
        ("clear", "smoke", "amber", "box 200 pairs"),
        (1.5, 38.0),
        (10, 50),
        "EN 166 / EN 352 marked.",
    ),
    Family(
        "SAF-WW",
        ("Safety and PPE", "Workwear"),
        ("Safety boot S3", "Hi-vis vest class 2", "Work trousers cordura", "Softshell jacket"),
        ("size 42", "size 44", "size 46", "size L", "size XL"),
        (6.0, 120.0),
        (1, 10),
        "Durable, industrial-laundry safe.",
    ),
    Family(
        "LUB-GR",
        ("Lubricants and chemicals", "Greases"),
        ("Lithium complex grease EP2", "High-temperature grease", "Food-grade grease H1"),
        ("400g cartridge", "1kg tin", "5kg pail", "18kg drum"),
        (5.5, 210.0),
        (1, 12),
        "For bearings, chassis and slideways.",
    ),
    Family(
        "LUB-OL",
        ("Lubricants and chemicals", "Oils"),
        ("Hydraulic oil HLP 46", "Gear oil CLP 220", "Engine oil 10W-40", "Compressor oil VDL 100"),
        ("1 l", "5 l", "20 l", "208 l drum"),
        (7.0, 890.0),
        (1, 4),
        "Meets DIN 51524 / DIN 51517.",
    ),
    Family(
        "LUB-CL",
        ("Lubricants and chemicals", "Cleaners and adhesives"),
        (
            "Brake cleaner",
            "Threadlocker medium strength",
            "Industrial degreaser",
            "Instant adhesive",
        ),
        ("500ml spray", "50ml", "5 l", "20g"),
        (2.9, 64.0),
        (1, 12, 24),
        "Workshop grade, safety data sheet available.",
    ),
)


def _price(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 2)))


def cost_price_for(*, sku: str, price: Decimal) -> Decimal:
    """Return the demo cost price of a SKU: 55-70 % of its list price, the same on every run."""
    share = Decimal(str(round(random.Random(f"cost {sku}").uniform(0.55, 0.70), 3)))
    return (price * share).quantize(Decimal("0.01"))


def stock_cost_prices_ensure(*, partner) -> int:
    """Give the partner's stock records without a cost price one; return how many were filled.

    The CRM's quote margins and the margin approval rule need cost prices to apply.
    """
    records = list(
        StockRecord.objects.filter(
            partner=partner, cost_price__isnull=True, price__isnull=False
        ).only("id", "partner_sku", "price")
    )
    for record in records:
        record.cost_price = cost_price_for(sku=record.partner_sku, price=record.price)
    StockRecord.objects.bulk_update(records, ["cost_price"], batch_size=BATCH_SIZE)
    return len(records)


def stock_minimums_ensure(*, partner) -> int:
    """Top up the partner's records holding some stock, but less than one minimum order.

    Such a product cannot be bought at all; demo databases seeded before the catalogue kept
    stock at the minimum get it now. Sold-out records stay sold out. Returns how many changed.
    """
    records = list(
        StockRecord.objects.filter(partner=partner, num_in_stock__gt=0)
        .annotate(minimum=F("product__min_order_quantity"))
        .filter(num_in_stock__lt=F("num_allocated") + F("minimum"))
        .only("id", "num_in_stock", "num_allocated")
    )
    changed = []
    for record in records:
        allocated = record.num_allocated or 0
        if record.num_in_stock > allocated:  # some stock left, below the minimum
            record.num_in_stock = allocated + record.minimum
            changed.append(record)
    StockRecord.objects.bulk_update(changed, ["num_in_stock"], batch_size=BATCH_SIZE)
    return len(changed)


# Makers whose parts the distributor stocks (invented names), with their part-number prefix.
BRANDS: tuple[tuple[str, str], ...] = (
    ("Nordlager", "NL-"),
    ("Rhenus Drive", "RD"),
    ("Kestrel Tools", "KT."),
    ("Veloma", "VM-"),
    ("Ostwerk", "OW"),
    ("Tagus Industrial", "TI-"),
)


def _manufacturer_part_number(prefix: str, spec: str, index: int, series: int) -> str:
    """The maker's number: its prefix, the size code (or a catalogue number), the series."""
    code = next(
        (t.upper() for t in spec.split() if len(t) >= 3 and any(c.isdigit() for c in t)), ""
    )
    code = code or f"{index + 1:05d}"
    return f"{prefix}{code}" + (f"/{series}" if series else "")


def product_specs(count: int) -> Iterator[dict]:
    """Yield ``count`` believable product definitions, the same ones on every run."""
    for index in range(count):
        family = FAMILIES[index % len(FAMILIES)]
        series, variant = divmod(index // len(FAMILIES), len(family.nouns) * len(family.specs))
        noun = family.nouns[variant % len(family.nouns)]
        spec = family.specs[(variant // len(family.nouns)) % len(family.specs)]
        rng = random.Random(index)
        sku = f"{family.code}-{index + 1:06d}"
        grade = "" if series == 0 else f" series {chr(65 + series % 26)}{series // 26 or ''}"
        title = f"{noun} {spec}{grade}"
        pack = rng.choice(family.packs)
        price = _price(rng, *family.price)
        minimum = pack * rng.choice((1, 1, 1, 2, 5))
        stock = rng.choice((0, 4, 12, 40, 120, 600, 2500))
        # Sold out, or at least one minimum order: stock below the minimum cannot be bought.
        stock = stock and max(stock, minimum)
        brand, prefix = BRANDS[(index // len(FAMILIES) + index) % len(BRANDS)]
        yield {
            "sku": sku,
            "title": title,
            "brand": brand,
            "manufacturer_part_number": _manufacturer_part_number(prefix, spec, index, series),
            "family": family,
            "description": f"<p>{family.blurb}</p><p>Part number {sku}. Packed in units of {pack}.</p>",
            "price": price,
            "pack_size": pack,
            "min_order_quantity": minimum,
            "stock": stock,
            "lead_time_days": rng.choice((2, 3, 5, 10, 15, None)),
        }


def catalogue_brands_ensure(*, count: int) -> int:
    """Give demo products seeded before brands existed their brand and maker's part number."""
    specs = {spec["sku"]: spec for spec in product_specs(count)}
    missing = list(Product.objects.filter(brand="", upc__in=list(specs)))
    for product in missing:
        spec = specs[product.upc]
        product.brand = spec["brand"]
        product.manufacturer_part_number = spec["manufacturer_part_number"]
    Product.objects.bulk_update(
        missing, ["brand", "manufacturer_part_number"], batch_size=BATCH_SIZE
    )
    return len(missing)


def categories_ensure() -> dict[tuple[str, str], object]:
    """Create the category tree if missing; return subcategories by (parent, child) name."""
    result = {}
    for family in FAMILIES:
        parent_name, child_name = family.category
        parent = Category.get_root_nodes().filter(name=parent_name).first()
        if parent is None:
            parent = Category.add_root(
                name=parent_name,
                description=f"{parent_name} for workshops, plants and fleets, from stock.",
            )
        child = parent.get_children().filter(name=child_name).first()
        if child is None:
            child = parent.add_child(name=child_name)
        result[family.category] = child
    return result


def catalogue_ensure(*, products: int, progress: Progress | None = None) -> int:
    """Create the first ``products`` demo products that do not exist yet; return how many."""
    categories = categories_ensure()
    partner, _ = Partner.objects.get_or_create(name=PARTNER_NAME)
    product_class, _ = ProductClass.objects.get_or_create(
        name=PRODUCT_CLASS_NAME, defaults={"requires_shipping": True, "track_stock": True}
    )
    existing = set(Product.objects.values_list("upc", flat=True))
    created = 0
    batch: list[dict] = []

    def flush() -> None:
        nonlocal created
        with transaction.atomic():
            new_products = Product.objects.bulk_create(
                [
                    Product(
                        structure=Product.STANDALONE,
                        upc=spec["sku"],
                        title=spec["title"],
                        slug=slugify(f"{spec['title']} {spec['sku']}")[:128],
                        description=spec["description"],
                        product_class=product_class,
                        pack_size=spec["pack_size"],
                        min_order_quantity=spec["min_order_quantity"],
                        brand=spec["brand"],
                        manufacturer_part_number=spec["manufacturer_part_number"],
                    )
                    for spec in batch
                ]
            )
            ProductCategory.objects.bulk_create(
                [
                    ProductCategory(product=product, category=categories[spec["family"].category])
                    for product, spec in zip(new_products, batch, strict=True)
                ]
            )
            StockRecord.objects.bulk_create(
                [
                    StockRecord(
                        product=product,
                        partner=partner,
                        partner_sku=spec["sku"],
                        price_currency=CURRENCY,
                        price=spec["price"],
                        cost_price=cost_price_for(sku=spec["sku"], price=spec["price"]),
                        num_in_stock=spec["stock"],
                        num_allocated=0,
                        lead_time_days=spec["lead_time_days"],
                    )
                    for product, spec in zip(new_products, batch, strict=True)
                ]
            )
        created += len(batch)
        batch.clear()

    for done, spec in enumerate(product_specs(products), start=1):
        if spec["sku"] not in existing:
            batch.append(spec)
        if len(batch) >= BATCH_SIZE:
            flush()
        if progress and (done % 500 == 0 or done == products):
            progress(done, products)
    if batch:
        flush()
    catalogue_brands_ensure(count=products)  # products seeded before brands existed
    stock_cost_prices_ensure(partner=partner)  # records seeded before cost prices existed
    stock_minimums_ensure(partner=partner)  # records seeded below their minimum order
    return created


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    role: str


STAFF = (
    DemoUser("admin@partshub.example", "Ada", "Admin", "superuser"),
    DemoUser("sofia.sales@partshub.example", "Sofia", "Lindqvist", "sales manager"),
    DemoUser("anna.berg@partshub.example", "Anna", "Berg", "account manager"),
    DemoUser("marco.rossi@partshub.example", "Marco", "Rossi", "account manager"),
    DemoUser("eddie.editor@partshub.example", "Eddie", "Moreau", "content editor"),
)

COMPANIES = (
    {
        "slug": "rheinland-auto",
        "legal_name": "Rheinland Auto Service GmbH",
        "trading_name": "Rheinland Auto Service",
        "vat_number": "DE811907980",
        "country": "DE",
        "manager": "anna.berg@partshub.example",
        "group": "Automotive workshops",
        "terms": Company.PaymentTerms.NET_30,
        "credit_limit": Decimal("25000.00"),
        "addresses": (
            ("billing", "Head office", "Industriestrasse 12", "50735", "Koeln"),
            ("shipping", "Workshop Koeln-Nippes", "Neusser Strasse 240", "50733", "Koeln"),
            ("shipping", "Workshop Bonn", "Siemensstrasse 8", "53121", "Bonn"),
        ),
        "members": (
            DemoUser(
                "petra.hoffmann@rheinland-auto.example",
                "Petra",
                "Hoffmann",
                CompanyMember.Role.ADMIN,
            ),
            DemoUser(
                "jonas.weber@rheinland-auto.example", "Jonas", "Weber", CompanyMember.Role.BUYER
            ),
            DemoUser(
                "klaus.fischer@rheinland-auto.example",
                "Klaus",
                "Fischer",
                CompanyMember.Role.APPROVER,
            ),
            DemoUser(
                "lena.schmidt@rheinland-auto.example", "Lena", "Schmidt", CompanyMember.Role.VIEWER
            ),
        ),
    },
    {
        "slug": "nordic-textile",
        "legal_name": "Nordic Textile Mills AB",
        "trading_name": "Nordic Textile",
        "vat_number": "SE556677889901",
        "country": "SE",
        "manager": "marco.rossi@partshub.example",
        "group": "Manufacturing plants",
        "terms": Company.PaymentTerms.NET_60,
        "credit_limit": Decimal("80000.00"),
        "addresses": (
            ("billing", "Head office", "Vaevaregatan 3", "50338", "Boras"),
            ("shipping", "Mill 2 goods-in", "Fabriksgatan 17", "50462", "Boras"),
        ),
        "members": (
            DemoUser(
                "erik.nilsson@nordictextile.example", "Erik", "Nilsson", CompanyMember.Role.ADMIN
            ),
            DemoUser(
                "maja.larsson@nordictextile.example", "Maja", "Larsson", CompanyMember.Role.BUYER
            ),
            DemoUser(
                "oskar.berg@nordictextile.example", "Oskar", "Berg", CompanyMember.Role.APPROVER
            ),
            DemoUser(
                "ingrid.dahl@nordictextile.example", "Ingrid", "Dahl", CompanyMember.Role.VIEWER
            ),
        ),
    },
    {
        "slug": "iberia-fleet",
        "legal_name": "Iberia Fleet Maintenance S.L.",
        "trading_name": "Iberia Fleet",
        "vat_number": "ESB12345674",
        "country": "ES",
        "manager": "anna.berg@partshub.example",
        "group": "Fleet operators",
        "terms": Company.PaymentTerms.CARD,
        "credit_limit": Decimal("0.00"),
        "addresses": (
            ("billing", "Head office", "Calle de Alcala 120", "28009", "Madrid"),
            ("shipping", "Depot Getafe", "Avenida de la Industria 4", "28906", "Getafe"),
        ),
        "members": (
            DemoUser(
                "lucia.garcia@iberiafleet.example", "Lucia", "Garcia", CompanyMember.Role.ADMIN
            ),
            DemoUser("pablo.ruiz@iberiafleet.example", "Pablo", "Ruiz", CompanyMember.Role.BUYER),
            DemoUser(
                "javier.moreno@iberiafleet.example", "Javier", "Moreno", CompanyMember.Role.APPROVER
            ),
            DemoUser(
                "carmen.lopez@iberiafleet.example", "Carmen", "Lopez", CompanyMember.Role.VIEWER
            ),
        ),
    },
)

STAFF_GROUPS = {"sales manager": "Sales managers", "account manager": "Account managers"}

# The seller's markets (every country a client company may be registered in or ship to):
# ISO 3166-1 alpha-3 and numeric codes beside the names the companies app uses.
SHIPPING_COUNTRIES = {
    "AT": ("AUT", "040"), "BE": ("BEL", "056"), "BG": ("BGR", "100"), "CH": ("CHE", "756"),
    "CY": ("CYP", "196"), "CZ": ("CZE", "203"), "DE": ("DEU", "276"), "DK": ("DNK", "208"),
    "EE": ("EST", "233"), "ES": ("ESP", "724"), "FI": ("FIN", "246"), "FR": ("FRA", "250"),
    "GB": ("GBR", "826"), "GR": ("GRC", "300"), "HR": ("HRV", "191"), "HU": ("HUN", "348"),
    "IE": ("IRL", "372"), "IT": ("ITA", "380"), "LT": ("LTU", "440"), "LU": ("LUX", "442"),
    "LV": ("LVA", "428"), "MT": ("MLT", "470"), "NL": ("NLD", "528"), "NO": ("NOR", "578"),
    "PL": ("POL", "616"), "PT": ("PRT", "620"), "RO": ("ROU", "642"), "SE": ("SWE", "752"),
    "SI": ("SVN", "705"), "SK": ("SVK", "703"),
}  # fmt: skip


def shipping_countries_ensure() -> int:
    """Make every market a shipping country (creating missing ones); return how many were created.

    Checkout offers only countries flagged for shipping: without them no buyer can check out.
    """
    created = 0
    for code, (alpha3, numeric) in SHIPPING_COUNTRIES.items():
        name = COUNTRY_NAMES[code]
        country, made = Country.objects.get_or_create(
            iso_3166_1_a2=code,
            defaults={
                "iso_3166_1_a3": alpha3,
                "iso_3166_1_numeric": numeric,
                "name": name,
                "printable_name": name,
                "is_shipping_country": True,
            },
        )
        created += made
        if not country.is_shipping_country:
            country.is_shipping_country = True
            country.save(update_fields=["is_shipping_country"])
    tax_rates_ensure()  # and each market's tax rates, or checkout charges no tax
    return created


def _user_ensure(demo: DemoUser, **flags) -> tuple[object, bool]:
    User = get_user_model()
    user = User.objects.filter(email__iexact=demo.email).first()
    created = user is None
    if created:
        user = User(
            username=demo.email.split("@")[0][:30] + "-" + slugify(demo.email.split("@")[1])[:8],
            email=demo.email,
            first_name=demo.first_name,
            last_name=demo.last_name,
            **flags,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=demo.email, defaults={"verified": True, "primary": True}
    )
    return user, created


def users_ensure() -> list[tuple[str, str]]:
    """Create the demo staff, companies and members if missing; return (role, email) logins."""
    logins = []
    for demo in STAFF:
        flags = {}
        if demo.role == "superuser":
            flags = {"is_staff": True, "is_superuser": True}
        elif demo.role in STAFF_GROUPS:
            flags = {"is_staff": True}
        user, _ = _user_ensure(demo, **flags)
        group_name = STAFF_GROUPS.get(demo.role) or (
            "Editors" if demo.role == "content editor" else None
        )
        if group_name:
            group, _ = Group.objects.get_or_create(name=group_name)
            user.groups.add(group)
            if group_name == STAFF_GROUPS["sales manager"]:
                sales_manager_permissions_ensure(create=True)
        logins.append((demo.role, demo.email))
    User = get_user_model()
    for spec in COMPANIES:
        company = Company.objects.filter(slug=spec["slug"]).first()
        if company is None:
            group, _ = CustomerGroup.objects.get_or_create(
                slug=slugify(spec["group"]), defaults={"name": spec["group"]}
            )
            company = Company.objects.create(
                slug=spec["slug"],
                legal_name=spec["legal_name"],
                trading_name=spec["trading_name"],
                vat_number=spec["vat_number"],
                country=spec["country"],
                status=Company.Status.ACTIVE,
                account_manager=User.objects.get(email=spec["manager"]),
                customer_group=group,
                payment_terms=spec["terms"],
                credit_limit=spec["credit_limit"],
            )
            # Customers of long standing (the demo's order history goes back a year), not
            # accounts opened today: "customer since" and the CRM's new-customer counts agree.
            Company.objects.filter(pk=company.pk).update(
                created_at=timezone.now() - timedelta(days=DEMO_CUSTOMER_SINCE_DAYS)
            )
            seen_kinds = set()
            for kind, label, line1, postcode, city in spec["addresses"]:
                CompanyAddress.objects.create(
                    company=company, kind=kind, label=label, line1=line1, postcode=postcode,
                    city=city, country=spec["country"], is_default=kind not in seen_kinds,
                )  # fmt: skip
                seen_kinds.add(kind)
        for demo in spec["members"]:
            user, _ = _user_ensure(demo)
            limits = (
                {"order_limit": Decimal("2500.00"), "period": CompanyMember.Period.MONTH,
                 "period_limit": Decimal("10000.00")}
                if demo.role == CompanyMember.Role.BUYER
                else {}
            )  # fmt: skip
            CompanyMember.objects.get_or_create(
                user=user,
                is_active=True,
                defaults={"company": company, "role": demo.role, **limits},
            )
            logins.append((f"{CompanyMember.Role(demo.role).label} at {company}", demo.email))
    return logins


# Images ---------------------------------------------------------------------------
# Drawn offline with Pillow, one per product family and one per category: a coloured
# background per top-level category, a simple shape per family, the family's name and
# code. Products of a family share their family's file (50,000 drawings would take
# minutes; 30 take a fraction of a second), so a seed stays fast at any catalogue size.

IMAGE_SIZE = 600
IMAGE_FOLDER = "images/products/demo"
CATEGORY_IMAGE_FOLDER = "categories/demo"
CATEGORY_COLOURS = {
    "Bearings": ((31, 95, 168), (214, 229, 246)),
    "Fasteners": ((84, 96, 110), (226, 230, 235)),
    "Hydraulics and pneumatics": ((200, 110, 30), (251, 231, 210)),
    "Power transmission": ((40, 130, 80), (214, 240, 223)),
    "Automotive spare parts": ((170, 40, 50), (246, 218, 220)),
    "Electrical and automation": ((120, 70, 160), (233, 222, 244)),
    "Tools and workshop": ((30, 120, 140), (210, 237, 242)),
    "Safety and PPE": ((190, 150, 0), (250, 241, 200)),
    "Lubricants and chemicals": ((60, 60, 60), (232, 232, 224)),
}
DEFAULT_COLOURS = ((70, 80, 90), (230, 232, 235))
# The shape drawn for a family, by its code (prefix first).
FAMILY_SHAPES = {
    "BRG": "bearing", "FST-BL": "bolt", "FST-NT": "nut", "FST-AN": "bolt", "HYD-HS": "hose",
    "HYD-FT": "nut", "PNE": "cylinder", "PTR-BT": "belt", "PTR-CH": "chain", "PTR-CP": "bearing",
    "AUT-BR": "disc", "AUT-FL": "cylinder", "AUT-IG": "bolt", "AUT-SU": "cylinder", "ELE": "box",
    "ELE-CB": "hose", "TLS": "spanner", "SAF": "shield", "LUB": "drop",
}  # fmt: skip


def _font(size: int):
    return ImageFont.load_default(size=size)  # Pillow's bundled font: no system fonts needed


def _shape_for(code: str) -> str:
    return FAMILY_SHAPES.get(code) or FAMILY_SHAPES.get(code.split("-")[0], "box")


def _draw_shape(draw: ImageDraw.ImageDraw, shape: str, colour: tuple, light: tuple) -> None:
    cx, cy, r = IMAGE_SIZE // 2, 250, 150
    line = {"fill": colour}
    if shape in ("bearing", "disc"):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), **line)
        draw.ellipse((cx - r + 22, cy - r + 22, cx + r - 22, cy + r - 22), fill=light)
        inner = 70 if shape == "bearing" else 45
        draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), **line)
        draw.ellipse(
            (cx - inner + 20, cy - inner + 20, cx + inner - 20, cy + inner - 20), fill=light
        )
        holes, radius, size = (10, 103, 22) if shape == "bearing" else (6, 95, 12)
        for i in range(holes):
            a = 2 * math.pi * i / holes
            x, y = cx + radius * math.cos(a), cy + radius * math.sin(a)
            draw.ellipse((x - size, y - size, x + size, y + size), **line)
    elif shape in ("nut", "bolt"):
        hexagon = [(cx + 110 * math.cos(math.pi / 3 * i), (cy - 40 if shape == "bolt" else cy) + 110 * math.sin(math.pi / 3 * i)) for i in range(6)]  # fmt: skip
        draw.polygon(hexagon, **line)
        if shape == "nut":
            draw.ellipse((cx - 50, cy - 50, cx + 50, cy + 50), fill=light)
        else:
            draw.rectangle((cx - 38, cy + 50, cx + 38, cy + 170), **line)
            for y in range(cy + 62, cy + 170, 18):
                draw.line((cx - 38, y, cx + 38, y + 8), fill=light, width=4)
    elif shape == "cylinder":
        draw.rounded_rectangle((cx - 190, cy - 60, cx + 120, cy + 60), radius=18, **line)
        draw.rectangle((cx + 120, cy - 14, cx + 200, cy + 14), **line)
        for x in (cx - 150, cx + 80):
            draw.rectangle((x, cy - 60, x + 12, cy + 60), fill=light)
    elif shape == "hose":
        draw.arc((cx - r, cy - r, cx + r, cy + r), 150, 390, fill=colour, width=34)
        draw.rectangle((cx - r - 20, cy + 60, cx - r + 40, cy + 110), **line)
    elif shape == "belt":
        draw.rounded_rectangle(
            (cx - 190, cy - 90, cx + 190, cy + 90), radius=90, outline=colour, width=28
        )
        for x in (cx - 100, cx + 100):
            draw.ellipse((x - 55, cy - 55, x + 55, cy + 55), outline=colour, width=10)
    elif shape == "chain":
        for i in range(5):
            x = cx - 200 + i * 90
            draw.rounded_rectangle(
                (x, cy - 40, x + 120, cy + 40), radius=40, outline=colour, width=18
            )
    elif shape == "spanner":
        draw.line((cx - 150, cy + 110, cx + 110, cy - 80), fill=colour, width=46)
        draw.ellipse((cx + 60, cy - 160, cx + 200, cy - 20), **line)
        draw.rectangle((cx + 115, cy - 165, cx + 150, cy - 95), fill=light)
        draw.ellipse((cx - 210, cy + 60, cx - 110, cy + 160), **line)
    elif shape == "shield":
        draw.polygon([(cx, cy - 160), (cx + 140, cy - 110), (cx + 120, cy + 60), (cx, cy + 160),
                      (cx - 120, cy + 60), (cx - 140, cy - 110)], **line)  # fmt: skip
        draw.line((cx - 55, cy, cx - 10, cy + 50, cx + 65, cy - 50), fill=light, width=22)
    elif shape == "drop":
        draw.ellipse((cx - 110, cy - 30, cx + 110, cy + 170), **line)
        draw.polygon([(cx, cy - 170), (cx - 103, cy + 35), (cx + 103, cy + 35)], **line)
    else:  # box: a module with terminals
        draw.rounded_rectangle((cx - 120, cy - 130, cx + 120, cy + 130), radius=14, **line)
        for x in (cx - 80, cx - 25, cx + 30):
            draw.ellipse((x, cy - 110, x + 40, cy - 70), fill=light)
        draw.rectangle((cx - 60, cy - 10, cx + 60, cy + 60), fill=light)


def demo_image_png(*, title: str, code: str, top_category: str, shape: str) -> bytes:
    """Draw one demo picture: the category's colours, a shape, a title and a code."""
    colour, light = CATEGORY_COLOURS.get(top_category, DEFAULT_COLOURS)
    image = Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE), light)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, IMAGE_SIZE, 14), fill=colour)
    _draw_shape(draw, shape, colour, light)
    draw.rectangle((0, 470, IMAGE_SIZE, IMAGE_SIZE), fill=colour)
    draw.text((IMAGE_SIZE // 2, 515), title, font=_font(38), fill="white", anchor="mm")
    draw.text((IMAGE_SIZE // 2, 565), code, font=_font(26), fill=light, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _stored(path: str, draw) -> str:
    if not default_storage.exists(path):
        return default_storage.save(path, ContentFile(draw()))
    return path


def catalogue_images_ensure() -> tuple[int, int]:
    """Give demo products and categories without an image one; return (products, categories)."""
    family_files = {}
    for family in FAMILIES:
        top, child = family.category
        family_files[family.code] = _stored(
            f"{IMAGE_FOLDER}/{family.code.lower()}.png",
            lambda family=family, top=top, child=child: demo_image_png(
                title=child, code=family.code, top_category=top, shape=_shape_for(family.code)
            ),
        )
    made_products = 0
    without = Product.objects.filter(images__isnull=True).values_list("pk", "upc")
    batch = []
    for pk, upc in without.iterator(chunk_size=BATCH_SIZE):
        path = family_files.get((upc or "").rsplit("-", 1)[0])
        if path is None:
            continue  # not a demo product: it keeps Oscar's placeholder
        batch.append(ProductImage(product_id=pk, original=path, caption="", display_order=0))
        if len(batch) >= BATCH_SIZE:
            ProductImage.objects.bulk_create(batch)
            made_products, batch = made_products + len(batch), []
    if batch:
        ProductImage.objects.bulk_create(batch)
        made_products += len(batch)

    made_categories = 0
    first_family = {}
    for family in FAMILIES:
        first_family.setdefault(family.category[0], family)
        first_family.setdefault(family.category, family)
    for category in Category.objects.filter(Q(image="") | Q(image__isnull=True)):
        if category.is_root():
            family = first_family.get(category.name)
            if family is None:
                continue  # not a demo category
            # A top-level category: its name on its first family's shape.
            path = _stored(
                f"{CATEGORY_IMAGE_FOLDER}/{slugify(category.name)}.png",
                lambda category=category, family=family: demo_image_png(
                    title=category.name, code=family.code.split("-")[0],
                    top_category=category.name, shape=_shape_for(family.code),
                ),
            )  # fmt: skip
        else:
            family = first_family.get((category.get_parent().name, category.name))
            if family is None:
                continue
            path = family_files[family.code]  # a subcategory is one family: its picture
        Category.objects.filter(pk=category.pk).update(image=path)
        made_categories += 1
    return made_products, made_categories
