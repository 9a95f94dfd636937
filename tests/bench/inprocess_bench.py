"""In-process timings for ``make bench``: product search over the whole catalogue, a 300-line basket.

Runs inside the bench's child process (``run_bench.py --inprocess FILE``, Django set up on
the bench database). Search: ``shop.search.selectors.product_search`` as a contract buyer's
company, for a SKU prefix, a maker's part number with a typo and a two-word query, each
with its facets and its first page of products fetched; p50/p95 over ``runs`` runs after a
warm-up, and EXPLAIN (ANALYZE, BUFFERS) of each SQL statement one search runs. Basket:
300 lines in a contract buyer's basket; p50 of pricing the basket (lines and total through
the buyer's strategy) and of the whole basket page (Django test client).
"""

from __future__ import annotations

import re
import statistics
import time

SEARCH_RUNS = 50
BASKET_RUNS = 20
BASKET_LINES = 300
PAGE_SIZE = 24
SEARCH_TARGET_MS = 50
BASKET_TARGET_MS = 150
TWO_WORDS = "tapered bearing"
BUYER_EMAIL = "bench.contract001@bench.example"
CONTRACT_SLUG = "bench-contract-001"  # tests/bench/catalogue_gen.py COMPANY_SLUG
FALLBACK_SLUG = "rheinland-auto"  # the demo's contract company when the generator did not run
TRANSACTION_RE = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.I)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _typo(code: str) -> str:
    """The code with two neighbouring characters of its middle swapped (a typing slip)."""
    middle = len(code) // 2
    for at in range(middle, len(code) - 1):
        a, b = code[at], code[at + 1]
        if a.isalnum() and b.isalnum() and a != b:
            return code[:at] + b + a + code[at + 2 :]
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def search_queries() -> list[tuple[str, str]]:
    """(label, query) for a SKU prefix, a part number with a typo and two words."""
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    StockRecord = get_model("partner", "StockRecord")
    count = Product.objects.count()
    middle = (
        Product.objects.filter(pk__gte=Product.objects.order_by("pk").values_list("pk", flat=True)[count // 2])
        .exclude(manufacturer_part_number="")
        .order_by("pk")
        .first()
    )  # fmt: skip
    if middle is None:
        middle = Product.objects.order_by("pk").first()
    sku = (
        StockRecord.objects.filter(product=middle).values_list("partner_sku", flat=True).first()
        or middle.upc
        or ""
    )
    return [
        ("SKU prefix", sku[: max(3, len(sku) - 2)]),
        ("part number with a typo", _typo(middle.manufacturer_part_number or sku)),
        ("two words", TWO_WORDS),
    ]


def _run_search(query: str, company_id: int | None):
    from shop.search.selectors import SearchFilters, product_search

    outcome = product_search(query=query, company_id=company_id, filters=SearchFilters())
    page = list(outcome.products[:PAGE_SIZE])
    facets = outcome.facets
    return outcome, page, facets


def _explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def search_measure(*, company_id: int | None, runs: int = SEARCH_RUNS) -> list[dict]:
    """Time each query ``runs`` times; keep its SQL with plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = []
    for label, query in search_queries():
        outcome, page, facets = _run_search(query, company_id)  # warm-up
        with CaptureQueriesContext(connection) as ctx:
            outcome, page, facets = _run_search(query, company_id)
        statements = [q["sql"] for q in ctx.captured_queries if not TRANSACTION_RE.match(q["sql"])]
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            _run_search(query, company_id)
            timings.append((time.perf_counter() - started) * 1000)
        plans = []
        for sql in statements:
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                try:
                    plans.append({"sql": sql, "plan": _explain(sql)})
                except Exception as exc:  # a statement EXPLAIN cannot take: say so, go on
                    plans.append({"sql": sql, "plan": f"(no plan: {exc})"})
        results.append(
            {
                "label": label,
                "query": query,
                "runs": runs,
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(_percentile(timings, 0.95), 1),
                "total": outcome.total,
                "shown": len(page),
                "facet_values": len(facets.categories) + len(facets.brands),
                "exact_product_id": outcome.exact_product_id,
                "fuzzy": outcome.fuzzy,
                "suggestion": outcome.suggestion,
                "queries": len(statements),
                "plans": plans,
            }
        )
    return results


def buyer_ensure(company):
    """The contract company's buyer (idempotent)."""
    from shop.companies.models import CompanyMember
    from shop.demo import DemoUser, _user_ensure

    user, _ = _user_ensure(DemoUser(BUYER_EMAIL, "Bench", "Contract Buyer", "buyer"))
    CompanyMember.objects.update_or_create(
        user=user,
        defaults={"company": company, "role": CompanyMember.Role.BUYER, "is_active": True,
                  "order_limit": None, "period_limit": None},
    )  # fmt: skip
    return user


def basket_measure(*, company, runs: int = BASKET_RUNS, lines: int = BASKET_LINES) -> dict:
    """Price a 300-line basket and render its page as the contract's buyer; p50 of each."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from oscar.core.loading import get_model

    from shop.partner.strategy import CompanyPricing
    from shop.pricing.models import PriceListEntry

    Basket = get_model("basket", "Basket")
    Line = get_model("basket", "Line")
    StockRecord = get_model("partner", "StockRecord")
    user = buyer_ensure(company)
    # Half the lines from the contract's own product entries, the rest from the catalogue.
    contract_products = list(
        PriceListEntry.objects.filter(price_list__company=company, product__isnull=False)
        .order_by("product_id")
        .values_list("product_id", flat=True)
        .distinct()[: lines // 2]
    )
    records = list(
        StockRecord.objects.filter(product_id__in=contract_products).select_related("product")
    )
    seen = {r.product_id for r in records}
    records += [
        r
        for r in StockRecord.objects.select_related("product").order_by("id")[: lines * 2]
        if r.product_id not in seen
    ][: lines - len(records)]
    Basket.objects.filter(owner=user).delete()
    basket = Basket.objects.create(owner=user)
    # Each line stores the buyer's price at its quantity, as adding it does (Basket.add_product):
    # a basket whose every price changed since it was filled would warn on every line.
    adding = CompanyPricing(company=company)
    lines_to_add = []
    for r in records:
        quantity = max(r.product.min_order_quantity, r.product.pack_size)
        price = adding.pricing_policy(r.product, r, quantity=quantity)
        lines_to_add.append(
            Line(basket=basket, product=r.product, stockrecord=r, quantity=quantity,
                 line_reference=f"{r.product_id}_{r.id}", price_currency="EUR",
                 price_excl_tax=price.excl_tax,
                 price_incl_tax=price.incl_tax if price.is_tax_known else None)
        )  # fmt: skip
    Line.objects.bulk_create(lines_to_add)

    pricing, pricing_queries = [], []
    for _ in range(runs + 1):
        fresh = Basket.objects.get(pk=basket.pk)
        fresh.strategy = CompanyPricing(company=company)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            priced = list(fresh.all_lines())
            total = fresh.total_excl_tax
            pricing.append((time.perf_counter() - started) * 1000)
        pricing_queries.append(len(ctx.captured_queries))
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    client.get("/shop/basket/")  # warm-up: session, templates
    page, page_queries, status = [], [], None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get("/shop/basket/")
            page.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        page_queries.append(
            sum(1 for q in ctx.captured_queries if not TRANSACTION_RE.match(q["sql"]))
        )
    Basket.objects.filter(pk=basket.pk).delete()
    return {
        "buyer": BUYER_EMAIL,
        "company": str(company),
        "lines": len(priced),
        "contract_lines": len(contract_products),
        "total_excl_tax": str(total),
        "runs": runs,
        "pricing_p50_ms": round(statistics.median(pricing[1:]), 1),
        "pricing_queries": pricing_queries[-1],
        "page_status": status,
        "page_p50_ms": round(statistics.median(page), 1),
        "page_p95_ms": round(_percentile(page, 0.95), 1),
        "page_queries": page_queries[-1],
    }


def inprocess_measure(*, search_runs: int = SEARCH_RUNS, basket_runs: int = BASKET_RUNS) -> dict:
    """Both measures on the current database; the notes say what could not be measured."""
    from django.db import connection
    from oscar.core.loading import get_model

    from shop.companies.models import Company
    from shop.pricing.models import PriceListEntry

    Product = get_model("catalogue", "Product")
    notes = []
    company = (
        Company.objects.filter(slug=CONTRACT_SLUG).first()
        or Company.objects.filter(slug=FALLBACK_SLUG).first()
    )
    if company is None:
        notes.append("no contract company found: the search runs without company_id")
    entries = PriceListEntry.objects.filter(price_list__company=company).count() if company else 0
    all_entries = PriceListEntry.objects.count()
    result = {
        "vendor": connection.vendor,
        "products": Product.objects.count(),
        "company": str(company) if company else None,
        "company_entries": entries,
        "price_list_entries": all_entries,
        "search": search_measure(company_id=company.pk if company else None, runs=search_runs),
        "basket": basket_measure(company=company, runs=basket_runs) if company else None,
        "notes": notes,
    }
    try:
        from shop.search import services  # noqa: F401 (the engine's index, issue 16)
    except ImportError:
        notes.append(
            "shop.search.services is missing: the search measured is the skeleton's stub, not the engine"
        )
    return result


def render_inprocess(result: dict) -> str:
    """Markdown: the search table, the basket table, then each search's query plans."""
    lines = [
        f"In process on {result['vendor']}: {result['products']:,} products, "
        f"{result['price_list_entries']:,} price-list entries; searches as {result['company']} "
        f"(its contract: {result['company_entries']:,} entries)",
        "",
        "| search (with facets, first page) | query | p50 ms | p95 ms | target p50 | matches | near matches / did you mean | SQL queries |",
        "|---|---|---:|---:|---|---:|---|---:|",
    ]
    for row in result["search"]:
        verdict = "MET" if row["p50_ms"] < SEARCH_TARGET_MS else "NOT MET"
        lines.append(
            f"| {row['label']} | `{row['query']}` | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
            f"| < {SEARCH_TARGET_MS} ms: {verdict} | {row['total']:,} "
            f"| {'yes' if row['fuzzy'] else 'no'} / {row['suggestion'] or '-'} | {row['queries']} |"
        )
    basket = result.get("basket")
    if basket:
        verdict = "MET" if basket["page_p50_ms"] < BASKET_TARGET_MS else "NOT MET"
        lines += [
            "",
            f"Basket of {basket['lines']} lines ({basket['contract_lines']} with a contract entry), "
            f"{basket['buyer']} ({basket['company']}), median of {basket['runs']} runs:",
            "",
            "| basket | p50 ms | SQL queries | target |",
            "|---|---:|---:|---|",
            f"| pricing: load the lines, total through the buyer's strategy | "
            f"{basket['pricing_p50_ms']:.1f} | {basket['pricing_queries']} | |",
            f"| basket page (GET /shop/basket/, status {basket['page_status']}) | "
            f"{basket['page_p50_ms']:.1f} (p95 {basket['page_p95_ms']:.1f}) | "
            f"{basket['page_queries']} | p50 < {BASKET_TARGET_MS} ms: {verdict} |",
        ]
    for row in result["search"]:
        lines += ["", f"### Plans: {row['label']} `{row['query']}`", ""]
        for number, plan in enumerate(row["plans"], start=1):
            lines += [
                f"{number}. `{plan['sql'][:300]}{'...' if len(plan['sql']) > 300 else ''}`",
                "",
                "```",
                plan["plan"],
                "```",
            ]
    return "\n".join(lines)
