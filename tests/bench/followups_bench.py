"""Idle-basket scan benchmark on PostgreSQL (make bench-followups).

Generates, in its own database ``bench_followups`` and via COPY, a shop with ``--baskets``
baskets (1,000,000 by default): most submitted, anonymous or long abandoned, one open basket
per user of which a realistic share is idle inside the follow-up window, 1-3 lines each; users
with company memberships (some inactive, some without a company); orders, some of them of an
idle basket's products after it went idle. The generator remembers how many baskets the scan
must find. A re-run reuses the data (``--regenerate`` rebuilds it).

Then, in a fresh process (so that its peak RSS is the scan's), it runs the real
``shop.basket.selectors.baskets_idle_iter`` over the window the idle-cart rule uses (last
change between 30 days and 4 hours before the generation moment), consuming the iterator,
and reports wall time, baskets and lines yielded, queries, peak RSS and EXPLAIN (ANALYZE,
BUFFERS) of the scan's queries. Writes bench-results/followups-<timestamp>.md. Target: < 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DB_NAME = "bench_followups"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
META = "bench_followups_meta"
PRODUCTS = 2000
IDLE_HOURS = 4  # the idle-cart rule's defaults (crm_embedded/followups/migrations/0002)
LOOKBACK_DAYS = 30
RESULT_MARK = "@@RESULT@@ "
# Tables the generator fills; emptied by --regenerate (CASCADE: only this database).
TABLES = (
    "order_line", "order_order", "basket_line", "basket_basket", "companies_companymember",
    "companies_company", "auth_user",
)  # fmt: skip


def log(message: str, end: str = "\n") -> None:
    # Progress on stderr: the child processes' stdout carries their result.
    print(message, end=end, file=sys.stderr, flush=True)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DJANGO_DEBUG"] = "False"
    import django

    django.setup()


# --------------------------------------------------------------------------- generation


def ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f+00")


class Copier:
    """COPY text rows into a table, filling NOT NULL columns the generator does not know."""

    FILL = {"character varying": "", "text": "", "boolean": "f", "integer": "0", "numeric": "0"}

    def __init__(self, conn, now: dt.datetime):
        self.conn = conn
        self.now = now

    def extra_columns(self, table: str, columns: list[str]) -> list[tuple[str, str]]:
        rows = self.conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s"
            " AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            (table,),
        ).fetchall()
        extra = []
        for name, kind in rows:
            if name in columns:
                continue
            value = ts(self.now) if kind.startswith("timestamp") else self.FILL.get(kind)
            if value is None:
                raise SystemExit(f"{table}.{name} ({kind}) is NOT NULL: teach the generator")
            extra.append((name, value))
        return extra

    def copy(self, table: str, columns: list[str], rows, total: int) -> int:
        extra = self.extra_columns(table, columns)
        names = ", ".join([*columns, *(name for name, _ in extra)])
        tail = "".join("\t" + value for _, value in extra) + "\n"
        done, buffer = 0, []
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                buffer.append("\t".join(row) + tail)
                done += 1
                if len(buffer) == 20000:
                    copy.write("".join(buffer))
                    buffer.clear()
                    if done % 100000 == 0:
                        log(f"\r  {table}: {done:,}/{total:,}", end="")
            copy.write("".join(buffer))
        log(f"\r  {table}: {done:,} rows        ")
        return done


def products_ensure() -> list[tuple[int, int, str]]:
    """The catalogue the baskets draw from: (product id, stock record id, sku)."""
    from decimal import Decimal

    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    Partner = get_model("partner", "Partner")
    StockRecord = get_model("partner", "StockRecord")
    have = StockRecord.objects.filter(partner_sku__startswith="BFU-").count()
    if have < PRODUCTS:
        log(f"  products: creating {PRODUCTS - have}")
        product_class, _ = ProductClass.objects.get_or_create(name="Bench part")
        partner, _ = Partner.objects.get_or_create(name="Bench warehouse")
        products = Product.objects.bulk_create(
            Product(
                title=f"Bench part {n:05d}",
                upc=f"BFU-{n:05d}",
                slug=f"bench-part-{n:05d}",
                product_class=product_class,
                structure="standalone",
            )  # fmt: skip
            for n in range(have, PRODUCTS)
        )
        StockRecord.objects.bulk_create(
            StockRecord(
                product=p,
                partner=partner,
                partner_sku=p.upc,
                price_currency="EUR",
                price=Decimal(10 + p.pk % 490),
                num_in_stock=1000,
            )  # fmt: skip
            for p in products
        )
    return list(
        StockRecord.objects.filter(partner_sku__startswith="BFU-")
        .order_by("pk")
        .values_list("product_id", "pk", "partner_sku")
    )


def generate(conn, *, baskets: int, seed: int) -> dict:
    """Fill the tables; return what the scan must find."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    rng = random.Random(seed)
    copier = Copier(conn, now)
    catalogue = products_ensure()
    window_start = now - dt.timedelta(days=LOOKBACK_DAYS)
    idle_before = now - dt.timedelta(hours=IDLE_HOURS)

    users = max(baskets // 8, 10)
    companies = max(users // 6, 2)
    log(f"Generating {baskets:,} baskets, {users:,} users, {companies:,} companies ...")
    company_of = [1 + rng.randrange(companies) for _ in range(users)]
    # Users 1..90 %: active membership; up to 94 %: membership ended; the rest: no company.
    # One in a hundred user accounts is deactivated.
    member_until, left_until = int(users * 0.90), int(users * 0.94)
    active_user = [rng.random() >= 0.01 for _ in range(users)]

    copier.copy(
        "companies_company",
        ["id", "legal_name", "slug", "status", "payment_terms", "credit_limit", "currency",
         "created_at", "updated_at"],
        ([str(c), f"Bench {c} GmbH", f"bench-fu-{c}", "active", "net30", "10000.00", "EUR",
          ts(now), ts(now)] for c in range(1, companies + 1)),
        companies,
    )  # fmt: skip
    copier.copy(
        "auth_user",
        ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
         "is_staff", "is_active", "date_joined"],
        ([str(u), "!", "f", f"bfu{u}", "Bench", f"Buyer {u}", f"bfu{u}@bench.example", "f",
          "t" if active_user[u - 1] else "f", ts(now)] for u in range(1, users + 1)),
        users,
    )  # fmt: skip
    copier.copy(
        "companies_companymember",
        ["id", "role", "is_active", "period", "joined_at", "company_id", "user_id"],
        ([str(u), "buyer", "t" if u <= member_until else "f", "none", ts(now),
          str(company_of[u - 1]), str(u)] for u in range(1, left_until + 1)),
        left_until,
    )  # fmt: skip

    # Basket kinds, spread over the id range: one open basket per user, the rest submitted,
    # anonymous (cookie baskets nobody cleans up) or frozen / saved / merged.
    kinds = ["open"] * users
    kinds += ["submitted"] * int(baskets * 0.45)
    kinds += ["other"] * int(baskets * 0.02)
    kinds += ["anonymous"] * (baskets - len(kinds))
    rng.shuffle(kinds)
    submitted_owner = [1 + rng.randrange(users) for _ in range(baskets)]

    def old(max_days: int = 720) -> dt.datetime:
        return now - dt.timedelta(seconds=rng.randrange(LOOKBACK_DAYS * 86400, max_days * 86400))

    plan: dict[int, tuple] = {}  # basket id -> (owner, status, last activity or None)
    eligible, ordered_since, ordered_before = [], [], []
    next_user = 0
    for basket_id, kind in enumerate(kinds, start=1):
        if kind == "open":
            next_user += 1
            owner = next_user
            roll = rng.random()
            if roll < 0.35:
                last = None  # Oscar opens an empty basket for every logged-in visitor
            elif roll < 0.40:
                last = now - dt.timedelta(seconds=rng.randrange(60, IDLE_HOURS * 3600 - 60))
            elif roll < 0.62:
                span = int((idle_before - window_start).total_seconds()) - 7200
                last = window_start + dt.timedelta(seconds=3600 + rng.randrange(span))
            else:
                last = old()
            plan[basket_id] = (owner, "Open", last)
            idle = last is not None and window_start <= last < idle_before
            if idle and owner <= member_until and active_user[owner - 1]:
                eligible.append(basket_id)
                fate = rng.random()
                if fate < 0.15:
                    ordered_since.append(basket_id)
                elif fate < 0.30:
                    ordered_before.append(basket_id)
        elif kind == "submitted":
            placed = now - dt.timedelta(seconds=rng.randrange(3600, 720 * 86400))
            plan[basket_id] = (submitted_owner[basket_id - 1], "Submitted", placed)
        elif kind == "other":
            status = rng.choice(("Frozen", "Saved", "Merged"))
            plan[basket_id] = (submitted_owner[basket_id - 1], status, old(200))
        else:
            plan[basket_id] = (None, "Open", old(720) if rng.random() < 0.6 else None)

    basket_lines: dict[int, list[tuple]] = {}

    def basket_rows():
        for basket_id in range(1, baskets + 1):
            owner, status, last = plan[basket_id]
            created = last or old(720)
            submitted = ts(created) if status == "Submitted" else "\\N"
            yield [str(basket_id), "\\N" if owner is None else str(owner), status, ts(created),
                   "\\N", submitted]  # fmt: skip

    copier.copy(
        "basket_basket",
        ["id", "owner_id", "status", "date_created", "date_merged", "date_submitted"],
        basket_rows(),
        baskets,
    )

    line_ids = iter(range(1, 10**9))
    remember = set(eligible)
    submitted_lines: dict[int, list[tuple]] = {}

    def line_rows():
        for basket_id in range(1, baskets + 1):
            owner, status, last = plan[basket_id]
            if last is None:
                continue
            picks = rng.sample(catalogue, rng.choice((1, 1, 2, 2, 2, 3)))
            for n, (product_id, record_id, _sku) in enumerate(picks):
                # The last line is the newest change; earlier ones a little before.
                changed = last - dt.timedelta(minutes=5 * (len(picks) - 1 - n))
                quantity = rng.randrange(1, 20)
                price = f"{rng.randrange(100, 50000) / 100:.2f}"
                if basket_id in remember:
                    basket_lines.setdefault(basket_id, []).append((product_id, record_id))
                if status == "Submitted" and owner <= member_until and basket_id % 3 == 0:
                    submitted_lines.setdefault(basket_id, []).append(
                        (product_id, record_id, quantity, price)
                    )
                yield [str(next(line_ids)), str(basket_id), f"{product_id}_{record_id}",
                       str(product_id), str(record_id), str(quantity), "EUR", price,
                       ts(changed), ts(changed), ""]  # fmt: skip

    copier.copy(
        "basket_line",
        ["id", "basket_id", "line_reference", "product_id", "stockrecord_id", "quantity",
         "price_currency", "price_excl_tax", "date_created", "date_updated", "quote_reference"],
        line_rows(),
        int(baskets * 1.3),
    )  # fmt: skip

    # Orders: every third submitted basket of a company member became an order; and for some
    # idle baskets the company ordered one of the products after (or before) the basket idled.
    sku = {record_id: s for _p, record_id, s in catalogue}
    orders: list[tuple] = []  # (order id, basket id or None, user, company, placed, lines)
    for basket_id, lines in submitted_lines.items():
        owner, _status, last = plan[basket_id]
        orders.append((basket_id, owner, company_of[owner - 1], last, lines))
    for basket_id in ordered_since + ordered_before:
        owner, _status, last = plan[basket_id]
        product_id, record_id = rng.choice(basket_lines[basket_id])
        if basket_id in ordered_since:
            placed = last + (now - last) * rng.uniform(0.05, 0.95)
        else:
            placed = last - dt.timedelta(days=rng.randrange(1, 60))
        orders.append(
            (None, owner, company_of[owner - 1], placed, [(product_id, record_id, 1, "9.99")])
        )

    copier.copy(
        "order_order",
        ["id", "number", "currency", "total_incl_tax", "total_excl_tax", "shipping_incl_tax",
         "shipping_excl_tax", "shipping_method", "shipping_code", "status", "guest_email",
         "date_placed", "basket_id", "user_id", "company_id", "modified_at"],
        ([str(n), f"BFU-{n:08d}", "EUR", "119.00", "100.00", "0.00", "0.00", "", "", "Placed",
          "", ts(placed), "\\N" if basket is None else str(basket), str(user), str(company),
          ts(placed)] for n, (basket, user, company, placed, _l) in enumerate(orders, start=1)),
        len(orders),
    )  # fmt: skip
    order_line_ids = iter(range(1, 10**9))
    copier.copy(
        "order_line",
        ["id", "order_id", "partner_name", "partner_sku", "title", "upc", "quantity",
         "line_price_incl_tax", "line_price_excl_tax", "line_price_before_discounts_incl_tax",
         "line_price_before_discounts_excl_tax", "status", "num_allocated", "product_id",
         "stockrecord_id"],
        ([str(next(order_line_ids)), str(n), "Bench warehouse", sku[record_id],
          f"Bench part {sku[record_id][4:]}", sku[record_id], str(quantity), price, price, price,
          price, "Placed", "0", str(product_id), str(record_id)]
         for n, (*_o, lines) in enumerate(orders, start=1)
         for product_id, record_id, quantity, price in lines),
        sum(len(o[-1]) for o in orders),
    )  # fmt: skip
    for table in TABLES:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" (SELECT coalesce(max(id), 1) FROM {table}))"
        )
    # What the scan must find: eligible baskets none of whose products the company ordered
    # after the basket's last change (by the targeted orders above or by any other order).
    last_order: dict[tuple[int, int], dt.datetime] = {}
    for _basket, _user, company, placed, lines in orders:
        for product_id, *_rest in lines:
            key = (company, product_id)
            if key not in last_order or placed > last_order[key]:
                last_order[key] = placed
    expected = 0
    for basket_id in eligible:
        owner, _status, last = plan[basket_id]
        company = company_of[owner - 1]
        if all(last_order.get((company, p), last) <= last for p, _r in basket_lines[basket_id]):
            expected += 1
    open_owned = sum(1 for owner, status, _l in plan.values() if owner and status == "Open")
    return {
        "baskets": baskets,
        "generated_at": now.isoformat(),
        "expected": expected,
        "users": users,
        "companies": companies,
        "open_owned": open_owned,
        "orders": len(orders),
        "eligible": len(eligible),
        "ordered_since": len(eligible) - expected,
    }


def prepare(args) -> dict:
    import psycopg

    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    db_name = args.database_url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db_name,)).fetchone():
            log(f"Creating database {db_name}")
            conn.execute(f'CREATE DATABASE "{db_name}"')
    setup_django(args.database_url)
    from django.core.management import call_command

    log("Migrating ...")
    call_command("migrate", verbosity=0)
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {META} (key text PRIMARY KEY, value text)")
        row = conn.execute(f"SELECT value FROM {META} WHERE key = 'meta'").fetchone()
        meta = json.loads(row[0]) if row else None
        if meta and meta["baskets"] == args.baskets and not args.regenerate:
            log(f"Reusing {meta['baskets']:,} baskets generated at {meta['generated_at']}")
            return meta
        log("Emptying the generator's tables ...")
        conn.execute(f"DELETE FROM {META}")
        conn.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        began = time.perf_counter()
        with conn.transaction():
            meta = generate(conn, baskets=args.baskets, seed=args.seed)
            conn.execute(f"INSERT INTO {META} VALUES ('meta', %s)", (json.dumps(meta),))
        meta["generation_seconds"] = round(time.perf_counter() - began, 1)
        log("VACUUM ANALYZE ...")
        for table in TABLES:
            conn.execute(f"VACUUM ANALYZE {table}")
        conn.execute(f"UPDATE {META} SET value = %s WHERE key = 'meta'", (json.dumps(meta),))
        log(f"Generated in {meta['generation_seconds']} s (+ vacuum)")
        return meta


# --------------------------------------------------------------------------- the scan


def _proc_status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def scan(args) -> dict:
    """Run the real scan (in its own process); return figures and plans."""
    setup_django(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shop.basket.selectors import baskets_idle_iter

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {META} WHERE key = 'meta'")
        meta = json.loads(cursor.fetchone()[0])
    now = dt.datetime.fromisoformat(meta["generated_at"])
    window = {
        "idle_before": now - dt.timedelta(hours=IDLE_HOURS),
        "active_since": now - dt.timedelta(days=LOOKBACK_DAYS),
        "chunk_size": args.chunk_size,
    }
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    runs = []
    for _ in range(args.runs):
        began = time.perf_counter()
        baskets = lines = 0
        for basket in baskets_idle_iter(**window):
            baskets += 1
            lines += len(basket.lines)
        runs.append(time.perf_counter() - began)
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm = _proc_status_kb("VmHWM")
    with CaptureQueriesContext(connection) as ctx:
        for _ in baskets_idle_iter(**window):
            pass
    queries = [q["sql"] for q in ctx.captured_queries]
    # The first chunk's three queries and the last (short) candidate page.
    # The window's orders (once), the first chunk's two queries, the last (short) chunk's.
    explained = [("orders since the window's start (once per scan)", queries[0])]
    explained += [("first chunk: candidates", queries[1]), ("first chunk: lines", queries[2])]
    if len(queries) > 3:
        explained.append(("last chunk: candidates", queries[-2]))
    plans, query_ms = [], []
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            query_ms.append(cursor.fetchone()[0][0]["Execution Time"])
        for title, sql in explained:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plans.append((title, sql, "\n".join(r[0] for r in cursor.fetchall())))
    return {
        "meta": meta,
        "window": {k: str(v) for k, v in window.items()},
        "runs": runs,
        "baskets": baskets,
        "lines": lines,
        "queries": len(queries),
        "query_ms": query_ms,
        "rss_before_kb": rss_before,
        "rss_peak_kb": rss_peak,
        "hwm_kb": hwm,
        "plans": plans,
    }


def report(result: dict) -> str:
    meta, runs = result["meta"], result["runs"]
    best, first = min(runs), runs[0]
    ok = "yes" if max(runs) < 5 else "NO"
    lines = [
        f"# Idle-basket scan benchmark {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"PostgreSQL `{DB_NAME}`: {meta['baskets']:,} baskets ({meta['open_owned']:,} open baskets"
        f" of users, one per user), {meta['users']:,} users, {meta['companies']:,} companies,"
        f" {meta['orders']:,} orders. Window: last change in [{result['window']['active_since']},"
        f" {result['window']['idle_before']}), chunk size {result['window']['chunk_size']}.",
        "",
        "| measure | figure | target |",
        "|---|---:|---|",
        f"| scan wall time, first run | {first:.2f} s | < 5 s: {ok} |",
        f"| scan wall time, all runs | {', '.join(f'{r:.2f}' for r in runs)} s (best {best:.2f}) | |",
        f"| idle baskets yielded | {result['baskets']:,} (generator expected {meta['expected']:,}) | equal |",
        f"| their lines | {result['lines']:,} | |",
        f"| left out: ordered since | {meta['ordered_since']:,} | |",
        f"| queries | {result['queries']} (1 + 2 per chunk) | constant per chunk |",
        f"| SQL time of those queries (EXPLAIN ANALYZE) | {sum(result['query_ms']) / 1000:.2f} s | |",
        f"| peak RSS of the scan process | {result['rss_peak_kb'] / 1024:.0f} MiB"
        f" (after Django setup {result['rss_before_kb'] / 1024:.0f} MiB; VmHWM"
        f" {(result['hwm_kb'] or 0) / 1024:.0f} MiB) | bounded |",
        "",
        "Query plans (EXPLAIN (ANALYZE, BUFFERS)):",
    ]
    for title, sql, plan in result["plans"]:
        lines += ["", f"## {title}", "", "```sql", sql, "```", "", "```", plan, "```"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baskets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk-size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_FOLLOWUPS_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--scan-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scan_only:
        print(RESULT_MARK + json.dumps(scan(args), default=str), flush=True)
        return 0
    if args.prepare_only:
        print(RESULT_MARK + json.dumps(prepare(args)), flush=True)
        return 0

    # Generation and scan each in a child process: the scan's peak RSS (getrusage) is then
    # its own, not inherited from a parent that held the generator's data.
    common = [f"--database-url={args.database_url}", f"--baskets={args.baskets}"]
    prepared = subprocess.run(
        [sys.executable, __file__, "--prepare-only", f"--seed={args.seed}", *common]
        + (["--regenerate"] if args.regenerate else []),
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    marked = [x for x in prepared.stdout.splitlines() if x.startswith(RESULT_MARK)]
    if prepared.returncode or not marked:
        return 2
    meta = json.loads(marked[-1][len(RESULT_MARK) :])
    log(f"Scanning ({args.runs} runs, expecting {meta['expected']:,} idle baskets) ...")
    child = subprocess.run(
        [sys.executable, __file__, "--scan-only", f"--runs={args.runs}",
         f"--chunk-size={args.chunk_size}", *common],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    marked = [x for x in child.stdout.splitlines() if x.startswith(RESULT_MARK)]
    if child.returncode or not marked:
        log(child.stdout + child.stderr)
        return 1
    result = json.loads(marked[-1][len(RESULT_MARK) :])
    result["meta"].update({k: v for k, v in meta.items() if k not in result["meta"]})
    text = report(result)
    print(text, flush=True)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    path = out / f"followups-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.md"
    path.write_text(text)
    log(f"Written to {path.relative_to(ROOT)}")
    return 0 if result["baskets"] == meta["expected"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
