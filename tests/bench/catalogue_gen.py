"""Catalogue at scale for the benchmarks: products, stock, attributes and contracts by COPY.

Fills a PostgreSQL database (``bench`` by default) with ``--products`` demo-style products
(``shop.demo.product_specs``: the same titles, SKUs, brands and maker's part numbers as
``seed_demo``, so the first 400 are the demo's own), each with its category of the demo
tree, a stock record of the demo partner, a picture, and values of three product
attributes (material, weight, country of origin); then ``--companies`` companies, each with
a contract price list, totalling ``--entries`` price-list entries (product entries with
some quantity tiers, and a few category entries per list). Rows go in through psycopg's
``cursor.copy`` with a progress bar; afterwards the search index is rebuilt
(``shop.search.services.search_index_rebuild``) and the database analysed.

Run from the project root (it migrates the database and runs ``seed_demo`` first, so the
demo companies and people exist):

    python tests/bench/catalogue_gen.py --products 500000
    python tests/bench/catalogue_gen.py --products 500000 --regenerate   # drop and rebuild

Re-runs create only what is missing: products up to ``--products`` and the bench contracts
(``bench-contract-001`` ...) when they are not all there. ``--regenerate`` drops the whole
database first (it belongs to the benchmark). Reports wall time and rows per second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench"
COMPANIES = 200
ENTRIES = 1_000_000
CATEGORY_ENTRIES = 10  # per contract: whole categories at a percentage off
TIER_SHARE = 5  # one product entry in five is a second quantity tier
COMPANY_SLUG = "bench-contract-{:03d}"
LIST_CODE = "bench-contract-{:03d}"
RESULT_MARK = "@@CATALOGUE@@ "
COPY_CHUNK = 5000
# A plausible material per top-level category of the demo tree (shop.demo.FAMILIES).
MATERIALS = {
    "Bearings": ("chrome steel", "stainless steel", "ceramic hybrid"),
    "Fasteners": ("steel 8.8 zinc plated", "stainless steel A2", "stainless steel A4"),
    "Power transmission": ("hardened steel", "cast iron", "polyurethane"),
    "Hydraulics and pneumatics": ("brass", "nitrile rubber", "stainless steel"),
    "Electrical and automation": ("polyamide", "copper", "polycarbonate"),
    "Automotive spare parts": ("steel", "aluminium", "ceramic"),
    "Tools and workshop": ("chrome vanadium steel", "tool steel", "composite"),
    "Safety and PPE": ("nitrile", "polycarbonate", "leather"),
    "Lubricants and chemicals": ("mineral oil", "synthetic", "solvent based"),
}
ORIGINS = ("Germany", "Italy", "Spain", "Poland", "Czech Republic", "Japan", "Sweden")
ATTRIBUTES = (  # (code, name, Oscar type)
    ("material", "Material", "text"),
    ("weight_kg", "Weight (kg)", "float"),
    ("origin", "Country of origin", "text"),
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "False")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --------------------------------------------------------------------------- COPY


class Copier:
    """COPY rows into a table with a progress bar; reserve ids from the table's sequence."""

    def __init__(self, conn, *, progress: bool):
        self.conn = conn
        self.progress = progress
        self.steps: list[dict] = []

    def reserve_ids(self, table: str, count: int) -> int:
        """Move the id sequence past ``count`` new rows; return the first id to use."""
        with self.conn.cursor() as cur:
            cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 (our names)
            start = cur.fetchone()[0] + 1
            cur.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", (table, start + count)
            )
        return start

    def copy(self, table: str, columns: tuple[str, ...], rows, *, total: int) -> int:
        from tqdm import tqdm

        started = time.monotonic()
        done = 0
        bar = tqdm(
            total=total, desc=f"  {table}", unit=" rows", unit_scale=True, file=sys.stderr,
            disable=not self.progress, mininterval=0.5 if sys.stderr.isatty() else 5,
            dynamic_ncols=True,
        )  # fmt: skip
        with (
            bar,
            self.conn.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                done += 1
                if done % COPY_CHUNK == 0:
                    bar.update(COPY_CHUNK)
            bar.update(done % COPY_CHUNK)
        seconds = time.monotonic() - started
        self.steps.append({"table": table, "rows": done, "seconds": round(seconds, 2)})
        return done


# --------------------------------------------------------------------------- generation


def catalogue_fill(copier: Copier, *, products: int, now: dt.datetime) -> int:
    """Create the products of ``product_specs(products)`` that are missing; return how many."""
    from django.utils.text import slugify
    from oscar.core.loading import get_model

    from shop import demo

    ProductClass = get_model("catalogue", "ProductClass")
    ProductAttribute = get_model("catalogue", "ProductAttribute")
    Partner = get_model("partner", "Partner")

    categories = demo.categories_ensure()
    partner, _ = Partner.objects.get_or_create(name=demo.PARTNER_NAME)
    product_class, _ = ProductClass.objects.get_or_create(
        name=demo.PRODUCT_CLASS_NAME, defaults={"requires_shipping": True, "track_stock": True}
    )
    attributes = {}
    for code, name, kind in ATTRIBUTES:
        attributes[code], _ = ProductAttribute.objects.get_or_create(
            product_class=product_class, code=code, defaults={"name": name, "type": kind}
        )
    demo.catalogue_images_ensure()  # the family pictures exist as files
    conn = copier.conn
    with conn.cursor() as cur:
        cur.execute("SELECT upc FROM catalogue_product WHERE upc IS NOT NULL")
        existing = {row[0] for row in cur}
    log(f"Catalogue: {len(existing):,} products present, building the missing ones ...")
    started = time.monotonic()
    codes = [family.code for family in demo.FAMILIES]
    if all(f"{codes[i % len(codes)]}-{i + 1:06d}" in existing for i in range(products)):
        return 0  # the SKU scheme of product_specs: all there, no need to build the specs
    specs = [spec for spec in demo.product_specs(products) if spec["sku"] not in existing]
    log(f"  {len(specs):,} product definitions in {time.monotonic() - started:.1f} s")
    if not specs:
        return 0
    first = copier.reserve_ids("catalogue_product", len(specs))
    ids = range(first, first + len(specs))
    copier.copy(
        "catalogue_product",
        ("id", "structure", "upc", "title", "slug", "description", "date_created",
         "date_updated", "is_discountable", "product_class_id", "is_public", "priority",
         "min_order_quantity", "pack_size", "external_id", "brand", "manufacturer_part_number"),
        (
            (pk, "standalone", s["sku"], s["title"], slugify(f"{s['title']} {s['sku']}")[:128],
             s["description"], now, now, True, product_class.pk, True, 0,
             s["min_order_quantity"], s["pack_size"], "", s["brand"],
             s["manufacturer_part_number"])
            for pk, s in zip(ids, specs, strict=True)
        ),
        total=len(specs),
    )  # fmt: skip
    first_link = copier.reserve_ids("catalogue_productcategory", len(specs))
    copier.copy(
        "catalogue_productcategory",
        ("id", "product_id", "category_id"),
        (
            (first_link + n, pk, categories[s["family"].category].pk)
            for n, (pk, s) in enumerate(zip(ids, specs, strict=True))
        ),
        total=len(specs),
    )
    first_record = copier.reserve_ids("partner_stockrecord", len(specs))
    copier.copy(
        "partner_stockrecord",
        ("id", "partner_sku", "price_currency", "price", "cost_price", "num_in_stock",
         "num_allocated", "lead_time_days", "date_created", "date_updated", "partner_id",
         "product_id"),
        (
            (first_record + n, s["sku"], demo.CURRENCY, s["price"],
             demo.cost_price_for(sku=s["sku"], price=s["price"]), s["stock"], 0,
             s["lead_time_days"], now, now, partner.pk, pk)
            for n, (pk, s) in enumerate(zip(ids, specs, strict=True))
        ),
        total=len(specs),
    )  # fmt: skip
    first_image = copier.reserve_ids("catalogue_productimage", len(specs))
    copier.copy(
        "catalogue_productimage",
        ("id", "product_id", "original", "caption", "display_order", "date_created"),
        (
            (first_image + n, pk, f"{demo.IMAGE_FOLDER}/{s['family'].code.lower()}.png", "", 0, now)
            for n, (pk, s) in enumerate(zip(ids, specs, strict=True))
        ),
        total=len(specs),
    )

    def attribute_rows(start: int):
        number = start
        for pk, s in zip(ids, specs, strict=True):
            rng = random.Random(f"attributes {s['sku']}")
            top = s["family"].category[0]
            material = rng.choice(MATERIALS.get(top, ("steel",)))
            yield (number, attributes["material"].pk, pk, material, None)
            yield (
                number + 1,
                attributes["weight_kg"].pk,
                pk,
                None,
                round(rng.uniform(0.01, 25), 3),
            )
            number += 2
            if rng.random() < 0.5:
                yield (number, attributes["origin"].pk, pk, rng.choice(ORIGINS), None)
                number += 1

    # At most three values a product: reserve for three, the sequence just skips the rest.
    first_value = copier.reserve_ids("catalogue_productattributevalue", 3 * len(specs))
    copier.copy(
        "catalogue_productattributevalue",
        ("id", "attribute_id", "product_id", "value_text", "value_float"),
        attribute_rows(first_value),
        total=int(2.5 * len(specs)),
    )
    return len(specs)


def contracts_fill(copier: Copier, *, companies: int, entries: int, now: dt.datetime) -> int:
    """Create the bench companies' contracts up to ``entries`` entries; return entries created."""
    from django.db import transaction
    from oscar.core.loading import get_model

    from shop.companies.models import Company
    from shop.pricing.models import PriceList, PriceListEntry

    Category = get_model("catalogue", "Category")
    codes = [LIST_CODE.format(n) for n in range(1, companies + 1)]
    have = PriceListEntry.objects.filter(price_list__code__in=codes).count()
    if have >= entries and PriceList.objects.filter(code__in=codes).count() == companies:
        log(f"Contracts: {companies} bench contracts with {have:,} entries present")
        return 0
    log(f"Contracts: {companies} companies, {entries:,} price-list entries ...")
    with transaction.atomic():
        PriceListEntry.objects.filter(price_list__code__in=codes).delete()
        for n in range(1, companies + 1):
            company, _ = Company.objects.update_or_create(
                slug=COMPANY_SLUG.format(n),
                defaults={
                    "legal_name": f"Bench Contract {n:03d} GmbH",
                    "country": "DE",
                    "status": Company.Status.ACTIVE,
                },
            )
            PriceList.objects.update_or_create(
                code=LIST_CODE.format(n),
                defaults={"name": f"Bench contract {n:03d}", "company": company},
            )
    lists = list(
        PriceList.objects.filter(code__in=codes).order_by("code").values_list("pk", flat=True)
    )
    with copier.conn.cursor() as cur:
        cur.execute("SELECT product_id, price FROM partner_stockrecord WHERE price IS NOT NULL")
        priced = cur.fetchall()
    priced.sort()
    category_ids = list(Category.objects.order_by("pk").values_list("pk", flat=True))
    per_list, extra = divmod(entries, companies)

    def rows(start: int):
        number = start
        for index, list_id in enumerate(lists):
            rng = random.Random(f"contract {index}")
            total = per_list + (1 if index < extra else 0)
            on_categories = min(CATEGORY_ENTRIES, total, len(category_ids))
            for category_id in rng.sample(category_ids, on_categories):
                yield (
                    number,
                    1,
                    "percent",
                    Decimal(rng.randrange(3, 25)),
                    category_id,
                    list_id,
                    None,
                )
                number += 1
            on_products = total - on_categories
            tiers = on_products // TIER_SHARE
            chosen = rng.sample(range(len(priced)), min(on_products - tiers, len(priced)))
            for position, pick in enumerate(chosen):
                product_id, price = priced[pick]
                if rng.random() < 0.5:
                    value = (price * Decimal(rng.randrange(60, 96)) / 100).quantize(Decimal("0.01"))
                    yield (number, 1, "fixed", value, None, list_id, product_id)
                else:
                    yield (
                        number,
                        1,
                        "percent",
                        Decimal(rng.randrange(3, 30)),
                        None,
                        list_id,
                        product_id,
                    )
                number += 1
                if position < tiers:  # a better price from 10 units
                    yield (
                        number,
                        10,
                        "percent",
                        Decimal(rng.randrange(30, 40)),
                        None,
                        list_id,
                        product_id,
                    )
                    number += 1

    first = copier.reserve_ids("pricing_pricelistentry", entries)
    return copier.copy(
        "pricing_pricelistentry",
        ("id", "min_quantity", "kind", "value", "category_id", "price_list_id", "product_id"),
        rows(first),
        total=entries,
    )  # fmt: skip


def search_index_rebuild_guarded(*, progress: bool) -> tuple[int | None, float, str]:
    """Rebuild the search engine's index when the engine provides it; (rows, seconds, note)."""
    try:
        from shop.search.services import search_index_rebuild
    except ImportError:  # the engine lands in parallel work (issue 16)
        return (
            None,
            0.0,
            "search index not rebuilt: shop.search.services.search_index_rebuild is missing",
        )
    started = time.monotonic()
    stages: list[str] = []

    def report(*args) -> None:  # the engine names each stage it starts
        if progress:
            log(
                f"  search index: {' '.join(str(a) for a in args)} ({time.monotonic() - started:.1f} s)"
            )
        stages.append(str(args[0]) if args else "")

    try:
        rows = search_index_rebuild(progress=report)
    except Exception as exc:  # the engine's tables missing (not migrated), or its bug: say so
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        return None, time.monotonic() - started, f"search index rebuild failed: {first}"
    return rows, time.monotonic() - started, ""


def generate(
    *, products: int, companies: int = COMPANIES, entries: int = ENTRIES, progress: bool = True,
    rebuild_index: bool = True, force_index: bool = False,
) -> dict:  # fmt: skip
    """Fill the current database (Django set up, PostgreSQL) up to the figures; return a report."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("the catalogue generator needs PostgreSQL (it uses COPY)")
    now = dt.datetime.now(dt.UTC)
    started = time.monotonic()
    connection.ensure_connection()
    copier = Copier(connection.connection, progress=progress)
    with transaction.atomic():
        created = catalogue_fill(copier, products=products, now=now)
    with transaction.atomic():
        made_entries = contracts_fill(copier, companies=companies, entries=entries, now=now)
    notes = []
    index_rows = None
    index_seconds = 0.0
    if force_index or (rebuild_index and (created or made_entries)):
        log("Search index: rebuilding ...")
        index_rows, index_seconds, note = search_index_rebuild_guarded(progress=progress)
        if note:
            notes.append(note)
            log(f"  {note}")
    analyse_started = time.monotonic()
    if created or made_entries or force_index:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    analyse_seconds = time.monotonic() - analyse_started
    wall = time.monotonic() - started
    copied = sum(step["rows"] for step in copier.steps)
    copy_seconds = sum(step["seconds"] for step in copier.steps)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalogue_product")
        total_products = cursor.fetchone()[0]
    return {
        "products_requested": products,
        "products_in_database": total_products,
        "products_created": created,
        "entries_created": made_entries,
        "steps": copier.steps,
        "rows_copied": copied,
        "copy_seconds": round(copy_seconds, 1),
        "rows_per_second": round(copied / copy_seconds) if copy_seconds else None,
        "search_index_rows": index_rows,
        "search_index_seconds": round(index_seconds, 1),
        "analyze_seconds": round(analyse_seconds, 1),
        "wall_seconds": round(wall, 1),
        "notes": notes,
    }


def summary(report: dict) -> str:
    """The report in a few lines."""
    lines = [
        f"{report['products_in_database']:,} products in the database "
        f"({report['products_created']:,} created, {report['entries_created']:,} price-list entries created)",
    ]
    for step in report["steps"]:
        rate = step["rows"] / step["seconds"] if step["seconds"] else 0
        lines.append(
            f"  {step['table']}: {step['rows']:,} rows in {step['seconds']:.1f} s ({rate:,.0f} rows/s)"
        )
    if report["rows_copied"]:
        lines.append(
            f"  COPY: {report['rows_copied']:,} rows in {report['copy_seconds']:.1f} s "
            f"({report['rows_per_second']:,} rows/s)"
        )
    if report["search_index_rows"] is not None:
        lines.append(
            f"  search index: {report['search_index_rows']:,} rows in {report['search_index_seconds']:.1f} s"
        )
    lines.append(
        f"  ANALYZE: {report['analyze_seconds']:.1f} s; wall time {report['wall_seconds']:.1f} s"
    )
    lines += [f"  note: {note}" for note in report["notes"]]
    return "\n".join(lines)


# --------------------------------------------------------------------------- command line


def database_recreate(database_url: str) -> None:
    """Drop and create the database (``--regenerate``): it holds only benchmark data."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_ensure(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--products", type=int, default=500_000, help="products to have (default 500000)"
    )
    parser.add_argument(
        "--companies", type=int, default=COMPANIES, help=f"contract companies (default {COMPANIES})"
    )
    parser.add_argument(
        "--entries",
        type=int,
        default=ENTRIES,
        help=f"price-list entries over all contracts (default {ENTRIES})",
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument(
        "--regenerate", action="store_true", help="drop the database and build it again"
    )
    parser.add_argument(
        "--search-index", action="store_true",
        help="rebuild the search index even when no row was created",
    )  # fmt: skip
    parser.add_argument("--no-seed", action="store_true", help="skip migrate and seed_demo")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    if min(args.products, args.companies, args.entries) < 1:
        parser.error("--products, --companies and --entries must be positive")
    if args.regenerate:
        log(f"Dropping and creating {args.database_url.rsplit('/', 1)[1]} ...")
        database_recreate(args.database_url)
    else:
        database_ensure(args.database_url)
    started = time.monotonic()
    if not args.no_seed:
        env = {**os.environ, "DATABASE_URL": args.database_url}
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
        for command in (["migrate", "--noinput"], ["seed_demo", "--verbosity", "0"]):
            log(f"manage.py {' '.join(command)} ...")
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    seeded = time.monotonic() - started
    setup_django(args.database_url)
    report = generate(
        products=args.products, companies=args.companies, entries=args.entries,
        progress=not args.no_progress, force_index=args.search_index,
    )  # fmt: skip
    report["seed_seconds"] = round(seeded, 1)
    log(summary(report))
    print(RESULT_MARK + json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
