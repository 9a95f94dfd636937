"""Pricing and quick-order micro-benchmark on PostgreSQL (make bench-pricing).

Measures, on the ``bench`` database (50,000 products by default):
- importing a 100,000-row price list CSV (check + apply), with progress;
- pricing a 1,000-line basket for a company whose contract has those 100,000 entries:
  wall time and number of queries, median of several runs.
Writes bench-results/pricing-<timestamp>.md. No assertion: the figures are the output.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50000)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench"),
    )
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DJANGO_DEBUG"] = "False"
    import psycopg

    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bench'").fetchone():
            conn.execute("CREATE DATABASE bench")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from oscar.core.loading import get_model

    from shop.companies.models import Company, CompanyMember
    from shop.partner.strategy import CompanyPricing
    from shop.pricing import services
    from shop.pricing.models import PriceList

    Product = get_model("catalogue", "Product")
    StockRecord = get_model("partner", "StockRecord")
    Basket = get_model("basket", "Basket")
    Line = get_model("basket", "Line")

    call_command("migrate", verbosity=0)
    if Product.objects.count() < args.products:
        call_command("seed_demo", products=args.products, verbosity=1)
    else:
        call_command("seed_demo", products=0, verbosity=0)

    company, _ = Company.objects.get_or_create(
        slug="bench-co", defaults={"legal_name": "Bench Co GmbH", "status": Company.Status.ACTIVE}
    )
    PriceList.objects.filter(code="bench-contract").delete()
    price_list = PriceList.objects.create(
        code="bench-contract", name="Bench contract", company=company
    )

    skus = list(
        StockRecord.objects.order_by("id").values_list("partner_sku", flat=True)[: args.products]
    )
    rows = ["sku,kind,value,min_quantity"]
    for sku in skus:
        rows.append(f"{sku},percent,7.5,1")
        rows.append(f"{sku},percent,12,10")
    data = ("\n".join(rows) + "\n").encode()

    def progress(done: int, total: int) -> None:
        print(f"\r  checking {done}/{total}", end="\n" if done == total else "", flush=True)

    print(f"Importing {len(rows) - 1} rows ...")
    started = time.perf_counter()
    report = services.price_list_import_check(price_list=price_list, data=data, progress=progress)
    checked = time.perf_counter()
    services.price_list_import_apply(
        price_list=price_list, report=report, by_user=None, valid_only=False
    )
    applied = time.perf_counter()
    import_total = applied - started
    print(
        f"  check {checked - started:.1f} s, apply {applied - checked:.1f} s, {report.created} entries"
    )

    member = CompanyMember.objects.filter(company=company).select_related("user").first()
    if member is None:
        from django.contrib.auth import get_user_model

        user, _ = get_user_model().objects.get_or_create(
            username="bench-buyer", defaults={"email": "bench@bench.example"}
        )
        member = CompanyMember.objects.create(company=company, user=user)
    Basket.objects.filter(owner=member.user).delete()
    basket = Basket.objects.create(owner=member.user)
    records = list(StockRecord.objects.select_related("product").order_by("id")[: args.lines])
    Line.objects.bulk_create(
        [Line(basket=basket, product=r.product, stockrecord=r, quantity=(i % 15) + 1,
              line_reference=f"{r.product_id}_{r.id}", price_currency="EUR", price_excl_tax=r.price)
         for i, r in enumerate(records)]
    )  # fmt: skip

    timings, load_timings, queries = [], [], []
    for _ in range(args.runs):
        fresh = Basket.objects.get(pk=basket.pk)
        strategy = CompanyPricing(company=company)
        fresh.strategy = strategy
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            lines = list(fresh.all_lines())  # what the basket page loads anyway (Oscar)
            loaded = time.perf_counter()
            total = fresh.total_excl_tax  # pricing every line through the strategy
            timings.append(time.perf_counter() - loaded)
            load_timings.append(loaded - began)
        queries.append(len(ctx.captured_queries))
    assert len(lines) == args.lines

    # Quick order: validate and add 500 lines (parse + check + bulk add), on an empty basket.
    from shop.bulk import parser as quick_parser
    from shop.bulk import services as quick_services

    quick_text = "\n".join(f"{sku} {10 + i % 7 * 10}" for i, sku in enumerate(skus[1000:1500]))
    quick_timings, quick_queries = [], []
    for _ in range(args.runs):
        Basket.objects.filter(owner=member.user).delete()
        target = Basket.objects.create(owner=member.user)
        target.strategy = CompanyPricing(company=company)
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            parsed = quick_parser.parse_text(quick_text)
            checked = quick_services.quick_order_check(
                lines=parsed.lines, basket=target, strategy=target.strategy
            )
            quick_services.quick_order_add(basket=target, checked=checked)
            quick_timings.append(time.perf_counter() - began)
        quick_queries.append(len(ctx.captured_queries))
    quick_added = target.lines.count()

    # The basket page with 300 lines, rendered in-process (Django test client, production
    # settings): what the server spends on it, and its queries.
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    Basket.objects.filter(owner=member.user).delete()
    page_basket = Basket.objects.create(owner=member.user)
    Line.objects.bulk_create(
        [Line(basket=page_basket, product=r.product, stockrecord=r, quantity=(i % 15) + 1,
              line_reference=f"{r.product_id}_{r.id}", price_currency="EUR", price_excl_tax=r.price)
         for i, r in enumerate(records[:300])]
    )  # fmt: skip
    client = Client()
    client.force_login(member.user)
    client.get("/shop/basket/")  # warm: session write, template loading
    page_timings, page_queries = [], []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = client.get("/shop/basket/")
            page_timings.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
        page_queries.append(len(ctx.captured_queries))

    median_ms = statistics.median(timings) * 1000
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    table = "\n".join([
        f"# Pricing micro-benchmark {stamp}",
        "",
        f"- PostgreSQL `bench`, {Product.objects.count()} products; contract with {price_list.entries.count()} entries",
        "",
        "| measure | figure | target |",
        "|---|---:|---|",
        f"| import {len(rows) - 1} CSV rows (check + apply) | {import_total:.1f} s | < 60 s |",
        f"| load the {args.lines} basket lines (Oscar's query + objects, median) | {statistics.median(load_timings) * 1000:.0f} ms | |",
        f"| price the {args.lines} lines: price book + every line (median of {args.runs}) | {median_ms:.0f} ms | < 300 ms |",
        f"| queries to load and price that basket | {statistics.median(queries):.0f} (runs: {queries}) | constant |",
        f"| basket total | {total} EUR | |",
        f"| quick order: parse, check and add 500 lines (median of {args.runs}) | {statistics.median(quick_timings) * 1000:.0f} ms, {quick_added} lines added | < 1 s |",
        f"| queries for that quick order | {statistics.median(quick_queries):.0f} (runs: {quick_queries}) | constant |",
        f"| basket page with 300 lines, in-process (median of {args.runs}) | {statistics.median(page_timings) * 1000:.0f} ms | |",
        f"| queries for that basket page | {statistics.median(page_queries):.0f} (runs: {page_queries}) | constant |",
    ])  # fmt: skip
    print(table)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / f"pricing-{stamp}.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
