#!/usr/bin/env python
"""Benchmark the storefront's main pages against a production-like server on loopback.

Steps: make sure a ``bench`` PostgreSQL database exists, migrate it, seed it with demo
products (skipped when it already holds enough), collect static files, start gunicorn
on a free 127.0.0.1 port, then measure each page with its own headless locust run and
count each page's SQL queries in-process with Django's test client. Results are printed
as a table and written to ``bench-results/<UTC timestamp>.json|.md`` and
``bench-results/latest.md``.

Run from the project root with the project's virtualenv:

    python tests/bench/run_bench.py            # 50,000 products, 15 s per page, 8 users
    python tests/bench/run_bench.py --quick    # 2,000 products, 5 s per page (smoke run)
    python tests/bench/run_bench.py --scenario checkout   # only the checkout on account

After the pages, the ``checkout`` scenario: 20 buyers of on-account bench companies each
order through the real checkout pages (add to basket, delivery address, payment step with a
PO number, preview, place order) again and again for 60 s; it reports orders placed, the
p50/p95 of a whole order and of the place-order request, and failures.

Exit status: 0 when every page answered with at most 5 % failures, 1 otherwise, 2 when
the setup (database, migrations, seed, server start) failed. The req/s target is
reported but does not change the exit status.
"""

from __future__ import annotations

import argparse
import ast
import collections
import concurrent.futures
import csv
import datetime as dt
import hashlib
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RESULTS_DIR = ROOT / "bench-results"
LOOPBACK = "127.0.0.1"
PG_PORT = 5432
PG_ROLES = ("postgres", "root")
DB_NAME = "bench"
REDIS_PORT = 6379
REDIS_DB = 5

PAGES = (
    "trivial", "home", "category", "category_buyer", "product", "product_buyer", "search",
    "search_buyer", "basket", "basket_buyer", "crm_cockpit", "crm_customer",
)  # fmt: skip
BUYER_PAGES = ("category_buyer", "product_buyer", "search_buyer", "basket_buyer")
# The CRM pages, fetched by the demo account manager with 200 accounts of history
# (tests/bench/crm_history.py, created by the probe when missing).
MANAGER_PAGES = ("crm_cockpit", "crm_customer")
BASKET_PAGES = ("basket", "basket_buyer")
TRIVIAL_PATH = "/bench/trivial"
MIN_CATEGORY_PRODUCTS = 24
BASKET_LINES = 3
# The category measured, anonymous and as the buyer: one the buyer's contract covers
# (shop/pricing/demo.py), so that the buyer's page prices every product from the contract.
PREFERRED_CATEGORY = "Automotive spare parts"
# A demo buyer whose company (Rheinland Auto Service) has a contract price list; the
# password is shop/demo.py DEMO_PASSWORD.
BUYER_EMAIL = "jonas.weber@rheinland-auto.example"
# The checkout scenario's buyers: one on-account company each (created by the bench, with a
# credit limit the run cannot use up and no order limits: no order waits for approval).
CHECKOUT_EMAIL = "bench.buyer{:02d}@bench.example"
CHECKOUT_SLUG = "bench-buyer-{:02d}"
CHECKOUT_CREDIT_LIMIT = "1000000000.00"
CHECKOUT_LINES = 2  # products per order
CHECKOUT_STOCK = 1_000_000  # the checkout products are restocked to this before the run
SCENARIOS = ("all", "pages", "checkout", "inprocess")
LOGIN_PATH = "/accounts/login/"
PREFERRED_SEARCH_WORDS = ("bearing", "bolt", "valve", "filter", "motor")
TARGET_PAGE = "category"
TARGET_RATIO = 0.10
# Issue 16's targets, as shares of the trivial view's req/s in the same run.
PAGE_TARGETS = {"category_buyer": 0.10, "search_buyer": 0.10, "product_buyer": 0.15, "home": 0.30}
# Above this many products the catalogue comes from tests/bench/catalogue_gen.py (COPY,
# with 200 contract companies and 1,000,000 price-list entries) instead of seed_demo.
GENERATOR_THRESHOLD = 50_000
SCENARIOS_HELP = (
    "the pages, the checkout on account, only the in-process search and basket timings, "
    "or everything (default all)"
)
MAX_FAILURE_RATE = 0.05
WORKERS = 2
STATIC_ROOT = ROOT / "var" / "static"  # config/settings/base.py STATIC_ROOT

CATEGORY_LINK_RE = re.compile(r'href="(/shop/catalogue/category/[^"?#]+)"')
PRODUCT_LINK_RE = re.compile(r'href="(/shop/catalogue/(?!category/)[^"/?#]+_\d+/)"')
PRODUCT_PK_RE = re.compile(r"_(\d+)/$")
TOTAL_FORMS_RE = re.compile(r'name="form-TOTAL_FORMS"[^>]*value="(\d+)"')
TRANSACTION_RE = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.I)
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
QUANTITY_INPUT_RE = re.compile(r'<input[^>]*\bname="quantity"[^>]*>')
VALUE_RE = re.compile(r'\bvalue="(\d+)"')
# The price is the text before the first tag: a buyer's card adds "<small>excl. tax ...".
PRICE_RE = re.compile(r'<p class="price_color">\s*([^<]*?)\s*<')


def add_form(page: str, product_url: str) -> tuple[str, str] | None:
    """The product page's own add-to-basket form: (its action, the quantity it proposes).

    A product page can hold other products' add forms too (recently viewed, related):
    only the form posting to this product's pk counts. The proposed quantity follows
    the product's pack size and minimum (1 when the form shows none).
    """
    pk = PRODUCT_PK_RE.search(product_url)
    if not pk:
        return None
    action = f"/shop/basket/add/{pk.group(1)}/"
    start = page.find(f'action="{action}"')
    if start < 0:
        return None
    end = page.find("</form>", start)
    tag = QUANTITY_INPUT_RE.search(page, start, end if end > 0 else len(page))
    value = VALUE_RE.search(tag.group(0)) if tag else None
    return action, value.group(1) if value else "1"


class BenchError(Exception):
    """A failure that ends the run; its message is the one-line reason shown to the user."""


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --------------------------------------------------------------------------- services


def _pg_connect(role: str, dbname: str):
    import psycopg

    return psycopg.connect(
        host=LOOPBACK, port=PG_PORT, user=role, dbname=dbname, autocommit=True, connect_timeout=5
    )


def pg_role() -> str:
    """Return the first role that can connect to the ``postgres`` database without a password."""
    errors = []
    for role in PG_ROLES:
        try:
            with _pg_connect(role, "postgres") as conn:
                conn.execute("SELECT 1")
            return role
        except Exception as exc:  # any failure: try the next role
            errors.append(f"{role}: {str(exc).strip().splitlines()[0] if str(exc) else exc!r}")
    raise BenchError(f"PostgreSQL at {LOOPBACK}:{PG_PORT} refused every role ({'; '.join(errors)})")


def ensure_database(role: str) -> bool:
    """Create the bench database if it is missing; return True when it was created."""
    with _pg_connect(role, "postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
        if exists:
            return False
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        return True


def product_count(role: str) -> int:
    with _pg_connect(role, DB_NAME) as conn:
        found = conn.execute("SELECT to_regclass('public.catalogue_product')").fetchone()[0]
        if not found:
            return 0
        return conn.execute("SELECT count(*) FROM catalogue_product").fetchone()[0]


def _redis_command(sock: socket.socket, *parts: str) -> bytes:
    payload = f"*{len(parts)}\r\n" + "".join(f"${len(p)}\r\n{p}\r\n" for p in parts)
    sock.sendall(payload.encode())
    return sock.recv(64)


def redis_cache_url() -> str | None:
    """Return the bench cache URL on Redis after emptying its database, or None if unreachable."""
    try:
        with socket.create_connection((LOOPBACK, REDIS_PORT), timeout=2) as sock:
            if not _redis_command(sock, "PING").startswith(b"+PONG"):
                return None
            # Database 5 belongs to the benchmark: start every run with a cold cache.
            _redis_command(sock, "SELECT", str(REDIS_DB))
            _redis_command(sock, "FLUSHDB")
    except OSError:
        return None
    return f"redis://{LOOPBACK}:{REDIS_PORT}/{REDIS_DB}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def bench_env(*, role: str, cache_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48)[:64],
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="False",
        DJANGO_SECURE_COOKIES="False",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DATABASE_URL=f"postgres://{role}@{LOOPBACK}:{PG_PORT}/{DB_NAME}",
        # Celery runs eagerly: page requests queue no tasks, and the health check then
        # does not depend on a broker.
        CELERY_BROKER_URL="",
        # The yardstick view /bench/trivial answers only when this is on.
        BENCH_TRIVIAL_VIEW="True",
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    if cache_url:
        env["CACHE_URL"] = cache_url
    else:
        env["CACHE_URL"] = "locmemcache://bench"
    return env


# --------------------------------------------------------------------------- setup steps


def manage(env: dict[str, str], args: list[str], *, logfile: Path, timeout: int) -> str:
    """Run a manage.py command with its output in ``logfile``; raise BenchError if it fails."""
    with logfile.open("a") as out:
        out.write(f"\n$ manage.py {' '.join(args)}\n")
        out.flush()
        try:
            proc = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BenchError(
                f"manage.py {args[0]} took more than {timeout} s (log: {logfile})"
            ) from None
    if proc.returncode != 0:
        tail = logfile.read_text().strip().splitlines()[-1:] or ["?"]
        raise BenchError(f"manage.py {args[0]} failed: {tail[0][:200]} (log: {logfile})")
    return logfile.read_text()


def prepare_database(
    env: dict[str, str], *, role: str, products: int, logfile: Path, force_collectstatic: bool
) -> dict:
    info: dict = {}
    started = time.monotonic()
    manage(env, ["migrate", "--noinput"], logfile=logfile, timeout=900)
    info["migrate_s"] = round(time.monotonic() - started, 1)

    # seed_demo always runs: it is idempotent and creates only what is missing, so that
    # demo data added since the last run (companies, price lists) exists even when the
    # product count is already reached. Large catalogues come from the COPY generator
    # (seed_demo keeps its demo size then: creating them through the ORM takes hours).
    have = product_count(role)
    generated = products > GENERATOR_THRESHOLD
    seed_products = min(products, 400) if generated else products
    log(f"seed_demo --products {seed_products} (database holds {have} products) ...")
    started = time.monotonic()
    manage(env, ["seed_demo", "--products", str(seed_products)], logfile=logfile, timeout=3600)
    if generated:
        log(f"catalogue_gen.py --products {products} (COPY; skipped when already there) ...")
        info["generator"] = run_generator(env, products=products, logfile=logfile)
        log(f"  {info['generator']['summary'].splitlines()[0]}")
    elapsed = time.monotonic() - started
    after = product_count(role)
    how = "seed_demo and catalogue_gen.py" if generated else "seed_demo"
    info["seed"] = (
        f"{how} in {elapsed:.0f} s, {after - have} products created"
        if after > have
        else f"{how} in {elapsed:.0f} s, no product created ({have} present)"
    )
    if after < products:
        log(f"warning: after seed_demo the database holds {after} products, asked for {products}")
    info["products"] = after

    fingerprint = static_fingerprint()
    stamp_file = STATIC_ROOT / ".bench-static-fingerprint"
    manifest = STATIC_ROOT / "staticfiles.json"
    if (
        not force_collectstatic
        and manifest.exists()
        and stamp_file.exists()
        and stamp_file.read_text() == fingerprint
    ):
        info["collectstatic"] = "skipped (static sources unchanged since the last bench run)"
    else:
        started = time.monotonic()
        manage(env, ["collectstatic", "--noinput"], logfile=logfile, timeout=900)
        stamp_file.write_text(fingerprint)
        info["collectstatic"] = f"ran in {time.monotonic() - started:.0f} s"
    return info


def run_generator(env: dict[str, str], *, products: int, logfile: Path) -> dict:
    """Run tests/bench/catalogue_gen.py (no migrate or seed: done); return its report."""
    sys.path.insert(0, str(HERE))
    from catalogue_gen import RESULT_MARK, summary

    cmd = [sys.executable, str(HERE / "catalogue_gen.py"), "--products", str(products),
           "--database-url", env["DATABASE_URL"], "--no-seed"]  # fmt: skip
    with logfile.open("a") as out:
        out.write(f"\n$ {' '.join(cmd[1:])}\n")
        out.flush()
        # The progress bars go to the terminal (stderr); the report comes on stdout.
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, timeout=7200, check=False
        )
        out.write(proc.stdout)
    found = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not found:
        raise BenchError(f"catalogue_gen.py failed with status {proc.returncode} (log: {logfile})")
    report = json.loads(found[-1][len(RESULT_MARK) :])
    report["summary"] = summary(report)
    return report


def static_fingerprint() -> str:
    """Fingerprint what collectstatic reads: the project's static dirs, installed packages, settings.

    Collecting with the production storage (hashing and compressing every file) takes
    minutes; reruns skip it when nothing it reads has changed.
    """
    digest = hashlib.sha256()
    skip = {".venv", "var", "bench-results", ".git", "node_modules", "__pycache__"}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        if "static" not in Path(dirpath).relative_to(ROOT).parts:
            continue
        for name in sorted(filenames):
            st = os.stat(os.path.join(dirpath, name))
            digest.update(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    # Installing, removing or upgrading a package touches the site-packages directory.
    digest.update(str(os.stat(sysconfig.get_paths()["purelib"]).st_mtime_ns).encode())
    for settings_file in sorted((ROOT / "config" / "settings").glob("*.py")):
        digest.update(settings_file.read_bytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- server


class Gunicorn:
    """Gunicorn on a free loopback port, in its own process group so it can be stopped whole."""

    def __init__(self, env: dict[str, str], *, logfile: Path) -> None:
        self.env = env
        self.logfile = logfile
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, *, timeout: float = 90.0) -> None:
        cmd = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"{LOOPBACK}:{self.port}",
            "--workers", str(WORKERS),
            "--worker-class", "sync",
            "--timeout", "60",
            "--graceful-timeout", "5",
            "--log-level", "warning",
            "--error-logfile", "-",
        ]  # fmt: skip
        out = self.logfile.open("a")
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(
                    f"gunicorn exited with status {self.proc.returncode} before answering (log: {self.logfile})"
                )
            status, body = http_get(self.url + "/healthz", timeout=5)
            if status == 200:
                return
            last = f"HTTP {status} {body[:150]!r}" if status else body[:150]
            time.sleep(0.5)
        raise BenchError(
            f"gunicorn did not answer /healthz with 200 within {timeout:.0f} s: {last}"
        )

    def stop(self) -> None:
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the add-to-basket POST answers a redirect: it is not followed


LOGIN_ERROR_RE = re.compile(
    r'class="[^"]*(?:errorlist|invalid-feedback|alert-danger)[^"]*"[^>]*>\s*(?:<li>)?([^<]{1,160})'
)


def demo_password() -> str | None:
    """shop/demo.py DEMO_PASSWORD, read without importing the module (it needs Django)."""
    tree = ast.parse((ROOT / "shop" / "demo.py").read_text())
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "DEMO_PASSWORD" for t in node.targets)
            and isinstance(node.value, ast.Constant)
        ):
            return str(node.value.value)
    return None


def _cookie_opener(jar: http.cookiejar.CookieJar) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
    )


def login_buyer(
    base_url: str, email: str = BUYER_EMAIL
) -> tuple[http.cookiejar.CookieJar | None, str]:
    """Log a demo buyer in over HTTP; return (the session's cookie jar, "") or (None, problem)."""
    assert base_url.startswith(f"http://{LOOPBACK}:"), base_url
    password = demo_password()
    if not password:
        return None, "no DEMO_PASSWORD constant found in shop/demo.py"
    jar = http.cookiejar.CookieJar()
    opener = _cookie_opener(jar)
    try:
        with opener.open(base_url + LOGIN_PATH, timeout=60) as resp:  # noqa: S310 (loopback)
            page = resp.read().decode("utf-8", "replace")
    except (OSError, urllib.error.URLError) as exc:
        return None, f"GET {LOGIN_PATH}: {exc}"
    token = CSRF_RE.search(page)
    if not token:
        return None, f"{LOGIN_PATH} has no CSRF token"
    data = urllib.parse.urlencode(
        {"login": email, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (loopback http URL)
        base_url + LOGIN_PATH, data=data, headers={"Referer": base_url + LOGIN_PATH}
    )
    try:
        with opener.open(request, timeout=60) as resp:  # noqa: S310 (loopback http URL)
            status, body = resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, body = exc.code, ""
    except (OSError, urllib.error.URLError) as exc:
        return None, f"POST {LOGIN_PATH}: {exc}"
    if status not in (301, 302, 303):
        error = LOGIN_ERROR_RE.search(body)
        reason = f": {error.group(1).strip()}" if error else ""
        return None, f"POST {LOGIN_PATH} answered {status}, not a redirect{reason}"
    if not any("session" in c.name for c in jar):
        return None, f"POST {LOGIN_PATH} set no session cookie (cookies: {[c.name for c in jar]})"
    return jar, ""


def fill_basket(
    base_url: str,
    product_urls: list[str],
    *,
    lines: int,
    jar: http.cookiejar.CookieJar | None = None,
) -> tuple[dict[str, str], int, str]:
    """Fill one basket over HTTP; return (its cookies, lines it shows, problem or "").

    Without ``jar`` the basket is a new anonymous one; with a logged-in session's jar
    it is that user's basket.
    """
    assert base_url.startswith(f"http://{LOOPBACK}:"), base_url
    jar = jar if jar is not None else http.cookiejar.CookieJar()
    opener = _cookie_opener(jar)
    problem = ""
    for product_url in product_urls[:lines]:
        try:
            with opener.open(base_url + product_url, timeout=60) as resp:  # noqa: S310
                page = resp.read().decode("utf-8", "replace")
        except (OSError, urllib.error.URLError) as exc:
            problem = f"GET {product_url}: {exc}"
            continue
        form, token = add_form(page, product_url), CSRF_RE.search(page)
        if not (form and token):
            problem = f"{product_url} has no add-to-basket form"
            continue
        action, quantity = form
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "quantity": quantity}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (loopback http URL)
            base_url + action, data=data, headers={"Referer": base_url + product_url}
        )
        try:
            opener.open(request, timeout=60).close()  # noqa: S310 (loopback http URL, asserted above)
        except urllib.error.HTTPError as exc:
            if exc.code not in (301, 302, 303):
                problem = f"POST {action} answered {exc.code}"
        except (OSError, urllib.error.URLError) as exc:
            problem = f"POST {action}: {exc}"
    try:
        with opener.open(base_url + "/shop/basket/", timeout=60) as resp:
            found = TOTAL_FORMS_RE.search(resp.read().decode("utf-8", "replace"))
    except (OSError, urllib.error.URLError) as exc:
        return {}, 0, f"GET /shop/basket/: {exc}"
    cookies = {cookie.name: cookie.value for cookie in jar}
    shown = int(found.group(1)) if found else 0
    if shown < min(lines, len(product_urls)) and not problem:
        problem = (
            f"every add answered, but the basket shows {shown} lines "
            "(an add was refused: quantity rule, stock?)"
        )
    return cookies, shown, problem


def fill_baskets(
    base_url: str, product_urls: list[str], *, count: int
) -> tuple[list[dict], int, str]:
    """Fill ``count`` baskets in parallel; return their cookies, the fewest lines any shows, a problem."""
    if not product_urls:
        return [], 0, "no product with an add-to-basket form was found"
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(count, 8)) as pool:
        results = list(
            pool.map(
                lambda _: fill_basket(base_url, product_urls, lines=BASKET_LINES), range(count)
            )
        )
    problems = [p for _, _, p in results if p]
    return (
        [c for c, _, _ in results],
        min(n for _, n, _ in results),
        problems[0] if problems else "",
    )


def http_get(url: str, *, timeout: float) -> tuple[int | None, str]:
    """GET a loopback URL without any proxy; return (status, body) or (None, error)."""
    assert url.startswith(f"http://{LOOPBACK}:"), url
    try:
        with _OPENER.open(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (OSError, urllib.error.URLError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------- in-process probe


def probe(out_path: Path) -> None:
    """Discover the pages' URLs and count each page's SQL queries with Django's test client.

    Runs in a child process (``run_bench.py --probe FILE``) with the bench environment.
    """
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from oscar.core.loading import get_model

    from shop.companies import selectors
    from shop.pricing.models import PriceList

    notes: list[str] = []
    client = Client(HTTP_HOST=LOOPBACK)

    def get(url: str, c: Client = client):
        response = c.get(url)
        body = response.content.decode("utf-8", "replace") if hasattr(response, "content") else ""
        return response.status_code, body

    # Trivial yardstick.
    status, _ = get(TRIVIAL_PATH)
    if status != 200:
        raise SystemExit(
            f"{TRIVIAL_PATH} answers {status}: config/urls.py needs "
            'path("bench/trivial", views.trivial) before the Wagtail catch-all '
            "and BENCH_TRIVIAL_VIEW=True"
        )

    # Category: the one the buyer's contract covers (PREFERRED_CATEGORY) when it lists a
    # full page of products, else the first linked category that does.
    status, body = get("/shop/catalogue/")
    if status != 200:
        notes.append(f"/shop/catalogue/ answered {status}")
    category_url, category_products = None, []
    candidates = list(dict.fromkeys(CATEGORY_LINK_RE.findall(body)))
    Category = get_model("catalogue", "Category")
    preferred = (
        Category.objects.filter(name=PREFERRED_CATEGORY, is_public=True).order_by("depth").first()
    )
    if preferred is not None:
        candidates.insert(0, preferred.get_absolute_url())
    else:
        notes.append(
            f"no public category named {PREFERRED_CATEGORY!r}: the first category linked is used"
        )
    for url in candidates[:30]:
        status, page = get(url)
        products = list(dict.fromkeys(PRODUCT_LINK_RE.findall(page))) if status == 200 else []
        if len(products) >= MIN_CATEGORY_PRODUCTS:
            category_url, category_products = url, products
            break
        if preferred is not None and url == preferred.get_absolute_url():
            notes.append(
                f"category {PREFERRED_CATEGORY!r} ({url}) answered {status} with "
                f"{len(products)} products: another category is measured"
            )
        if category_url is None and products:
            category_url, category_products = url, products  # best so far, kept as fallback
    if category_url is None or len(category_products) < MIN_CATEGORY_PRODUCTS:
        # Fall back to the database: the category with the most products.
        from django.db.models import Count

        best = (
            Category.objects.filter(is_public=True)
            .annotate(n=Count("product"))
            .order_by("-n")
            .first()
        )
        if best is not None:
            url = best.get_absolute_url()
            status, page = get(url)
            products = list(dict.fromkeys(PRODUCT_LINK_RE.findall(page))) if status == 200 else []
            if len(products) > len(category_products):
                category_url, category_products = url, products
    if category_url is None:
        raise SystemExit(
            "no category page found (no links on /shop/catalogue/ and none in the database)"
        )
    if len(category_products) < MIN_CATEGORY_PRODUCTS:
        notes.append(
            f"category {category_url} lists only {len(category_products)} products (< {MIN_CATEGORY_PRODUCTS})"
        )

    # Products: from the category page; the ones with an add-to-basket form fill baskets.
    product_urls = category_products[:8]
    if not product_urls:
        Product = get_model("catalogue", "Product")
        product_urls = [
            p.get_absolute_url() for p in Product.objects.browsable().order_by("id")[:8]
        ]
    if not product_urls:
        raise SystemExit("no product found to measure")
    basket_products: list[tuple[str, str, str]] = []
    for url in category_products[:MIN_CATEGORY_PRODUCTS] or product_urls:
        status, page = get(url)
        form = add_form(page, url) if status == 200 else None
        if form:
            basket_products.append((url, *form))
        if len(basket_products) >= BASKET_LINES:
            break

    # Search: a word common in product titles, preferring a realistic one.
    Product = get_model("catalogue", "Product")
    words: collections.Counter[str] = collections.Counter()
    for title in Product.objects.browsable().order_by("id").values_list("title", flat=True)[:3000]:
        words.update(w for w in re.findall(r"[a-z]{4,}", title.lower()))
    word = next((w for w in PREFERRED_SEARCH_WORDS if words[w] >= MIN_CATEGORY_PRODUCTS), None)
    if word is None:
        word = words.most_common(1)[0][0] if words else "bearing"
    search_url = f"/shop/search/?q={word}"

    urls = {
        "trivial": [TRIVIAL_PATH],
        "home": ["/"],
        "category": [category_url],
        "product": product_urls,
        "search": [search_url],
        "basket": ["/shop/basket/"],
        "basket_buyer": ["/shop/basket/"],
    }
    urls["category_buyer"] = urls["category"]
    urls["product_buyer"] = urls["product"]
    urls["search_buyer"] = urls["search"]

    def measure(url: str, c: Client) -> dict:
        get(url, c)  # warm-up: caches, thumbnails, lazy imports
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            status, page = get(url, c)
        statements = [q["sql"] for q in ctx.captured_queries]
        sqls = [q for q in statements if not TRANSACTION_RE.match(q)]
        shapes = collections.Counter(re.sub(r"\b\d+\b", "N", s)[:300] for s in sqls)
        top_shape, top_n = shapes.most_common(1)[0] if shapes else ("", 0)
        return {
            "status": status,
            "queries": len(sqls),
            "transaction_statements": len(statements) - len(sqls),
            "bytes": len(page),
            "most_repeated_query": {"count": top_n, "sql": top_shape[:200]} if top_n > 1 else None,
            "_page": page,
        }

    results = {}
    for name in ("trivial", "home", "category", "search"):
        results[name] = measure(urls[name][0], client)
    # Product: a fresh visitor who has seen the 8 measured products, as a locust user
    # has after one round (the recently-viewed list shown on the page follows the cookie).
    product_client = Client(HTTP_HOST=LOOPBACK)
    for url in urls["product"]:
        get(url, product_client)
    results["product"] = measure(urls["product"][0], product_client)

    def fill(c: Client) -> None:
        for product_url, add_url, quantity in basket_products:
            # The quantity the form proposes to this client (its rule may differ by company).
            _, page = get(product_url, c)
            form = add_form(page, product_url)
            c.post(
                add_url,
                {"quantity": form[1] if form else quantity},
                HTTP_REFERER=f"http://{LOOPBACK}{product_url}",
            )

    def count_lines(name: str) -> None:
        match = TOTAL_FORMS_RE.search(results[name]["_page"])
        lines = int(match.group(1)) if match else 0
        results[name]["lines"] = lines
        if lines < BASKET_LINES:
            notes.append(
                f"{name}: only {lines} of {BASKET_LINES} lines could be added in-process "
                f"({len(basket_products)} products with an add-to-basket form found)"
            )

    # Basket: a fresh anonymous client with BASKET_LINES lines.
    basket_client = Client(HTTP_HOST=LOOPBACK)
    fill(basket_client)
    results["basket"] = measure("/shop/basket/", basket_client)
    count_lines("basket")

    # The logged-in buyer: same category page, and the buyer's own basket. A signed-in
    # user's basket lives in the database, so it is emptied first (left over from an
    # earlier run) and again afterwards, for the driver to fill it over HTTP.
    User = get_user_model()
    Basket = get_model("basket", "Basket")
    buyer = User.objects.filter(email__iexact=BUYER_EMAIL).first()
    if buyer is None:
        raise SystemExit(f"the demo buyer {BUYER_EMAIL} does not exist (seed_demo creates it)")
    membership = selectors.membership_for_user(user=buyer)
    if membership is None or not membership.company.is_active:
        notes.append(
            f"buyer {BUYER_EMAIL} has no active company membership: the buyer pages show list prices"
        )
    contracts = (
        list(PriceList.objects.filter(company=membership.company).values_list("code", flat=True))
        if membership is not None
        else []
    )
    if not contracts:
        notes.append(f"buyer {BUYER_EMAIL}: their company has no contract price list")

    def empty_buyer_baskets() -> None:
        for basket in Basket.open.filter(owner=buyer):
            basket.flush()

    empty_buyer_baskets()
    buyer_client = Client(HTTP_HOST=LOOPBACK)
    buyer_client.force_login(buyer)
    results["category_buyer"] = measure(urls["category"][0], buyer_client)
    results["search_buyer"] = measure(urls["search"][0], buyer_client)
    for url in urls["product"]:  # the buyer has seen the 8 products, as a locust user has
        get(url, buyer_client)
    results["product_buyer"] = measure(urls["product"][0], buyer_client)
    fill(buyer_client)
    results["basket_buyer"] = measure("/shop/basket/", buyer_client)
    count_lines("basket_buyer")
    empty_buyer_baskets()

    # The CRM: the account manager's cockpit over 200 accounts, and one account's page.
    sys.path.insert(0, str(HERE))
    from crm_history import MANAGER_EMAIL, crm_history_ensure

    crm = crm_history_ensure()
    if crm["created"]:
        notes.append(f"crm: created {crm['created']} bench accounts for {MANAGER_EMAIL}")
    urls["crm_cockpit"] = ["/crm/"]
    urls["crm_customer"] = [f"/crm/companies/{crm['company_id']}/"]
    manager_client = Client(HTTP_HOST=LOOPBACK)
    manager_client.force_login(crm["manager"])
    for name in MANAGER_PAGES:
        results[name] = measure(urls[name][0], manager_client)

    # The contract must show: the buyer's category prices should differ from the list prices.
    list_prices = PRICE_RE.findall(results["category"]["_page"])
    buyer_prices = PRICE_RE.findall(results["category_buyer"]["_page"])
    differ = sum(a != b for a, b in zip(list_prices, buyer_prices, strict=False))
    results["category_buyer"]["prices_differing_from_list"] = differ
    results["category_buyer"]["prices_shown"] = len(buyer_prices)
    if not buyer_prices:
        notes.append("category_buyer: no price shown on the buyer's category page")
    elif differ == 0:
        notes.append(
            f"category_buyer: all {len(buyer_prices)} prices equal the anonymous list prices: "
            "is the contract applied?"
        )
    buyer_info = {
        "email": BUYER_EMAIL,
        "company": str(membership.company) if membership else None,
        "price_lists": contracts,
        "first_prices": {"list": list_prices[:3], "buyer": buyer_prices[:3]},
    }

    if results["trivial"]["transaction_statements"]:
        notes.append(
            "trivial: opens a database transaction (ATOMIC_REQUESTS) although it reads nothing: "
            "the yardstick pays a database connection per request while CONN_MAX_AGE is 0"
        )
    for name, result in results.items():
        page = result.pop("_page")
        if result["status"] != 200:
            notes.append(
                f"{name} {urls[name][0]} answered {result['status']} in-process: {page[:120]!r}"
            )
        top = result.get("most_repeated_query")
        if top and top["count"] >= 5:
            notes.append(
                f"{name}: one query shape runs {top['count']} times (possible N+1): {top['sql'][:120]}"
            )

    out_path.write_text(
        json.dumps(
            {
                "urls": urls,
                "basket_add_products": [u for u, _, _ in basket_products],
                "search_word": word,
                "buyer": buyer_info,
                "pages": results,
                "notes": notes,
            },
            indent=2,
        )
    )


def prepare_checkout(out_path: Path, *, users: int, product_urls: list[str]) -> None:
    """Create the checkout scenario's buyers and restock its products (child process).

    One on-account company per buyer, like the demo's Rheinland Auto (net 30 days, PO number
    required, a delivery address) but with a credit limit the run cannot use up and no order
    or period limits. Idempotent; the buyers' open baskets are emptied.
    """
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from decimal import Decimal

    from oscar.core.loading import get_model

    from shop.companies.models import Company, CompanyAddress, CompanyMember
    from shop.credit.models import CreditAccount
    from shop.demo import DemoUser, _user_ensure

    Basket = get_model("basket", "Basket")
    StockRecord = get_model("partner", "StockRecord")
    Order = get_model("order", "Order")
    emails = []
    for number in range(1, users + 1):
        company, _ = Company.objects.update_or_create(
            slug=CHECKOUT_SLUG.format(number),
            defaults={
                "legal_name": f"Bench Buyer {number:02d} GmbH",
                "country": "DE",
                "status": Company.Status.ACTIVE,
                "payment_terms": Company.PaymentTerms.NET_30,
                "credit_limit": Decimal(CHECKOUT_CREDIT_LIMIT),
            },
        )
        CompanyAddress.objects.get_or_create(
            company=company, kind=CompanyAddress.Kind.SHIPPING, label="Workshop",
            defaults={"line1": f"Benchstrasse {number}", "postcode": "50667", "city": "Koeln",
                      "country": "DE", "is_default": True},
        )  # fmt: skip
        CreditAccount.objects.update_or_create(
            company=company, defaults={"po_number_required": True}
        )
        email = CHECKOUT_EMAIL.format(number)
        user, _ = _user_ensure(DemoUser(email, "Bench", f"Buyer {number:02d}", "buyer"))
        CompanyMember.objects.update_or_create(
            user=user,
            defaults={"company": company, "role": CompanyMember.Role.BUYER, "is_active": True,
                      "order_limit": None, "period_limit": None},
        )  # fmt: skip
        for basket in Basket.open.filter(owner=user):
            basket.flush()
        emails.append(email)
    pks = [int(m.group(1)) for m in map(PRODUCT_PK_RE.search, product_urls) if m]
    restocked = StockRecord.objects.filter(product_id__in=pks).update(num_in_stock=CHECKOUT_STOCK)
    orders = Order.objects.filter(company__slug__startswith="bench-buyer-").count()
    out_path.write_text(
        json.dumps({"emails": emails, "restocked": restocked, "orders_before": orders})
    )


def run_prepare_checkout(
    env: dict[str, str], *, users: int, product_urls: list[str], workdir: Path
) -> dict:
    out, logfile = workdir / "checkout-prepare.json", workdir / "checkout-prepare.log"
    args = [str(Path(__file__).resolve()), "--prepare-checkout", str(out),
            "--checkout-users", str(users), "--checkout-products", "|".join(product_urls)]  # fmt: skip
    with logfile.open("a") as log_out:
        proc = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=log_out, stderr=subprocess.STDOUT,
            timeout=600, check=False,
        )  # fmt: skip
    if proc.returncode != 0 or not out.exists():
        tail = [line for line in logfile.read_text().splitlines() if line.strip()][-1:] or ["?"]
        raise BenchError(f"preparing the checkout buyers failed: {tail[0][:240]} (log: {logfile})")
    return json.loads(out.read_text())


def bench_orders(role: str) -> int:
    """Orders placed by the checkout scenario's companies so far."""
    with _pg_connect(role, DB_NAME) as conn:
        return conn.execute(
            "SELECT count(*) FROM order_order o JOIN companies_company c ON c.id = o.company_id "
            "WHERE c.slug LIKE %s",
            ("bench-buyer-%",),
        ).fetchone()[0]


class _InProcessOnly(Exception):
    """``--scenario inprocess``: the run ends after the in-process measures (no server)."""


def inprocess(out_path: Path, *, search_runs: int) -> None:
    """Time the searches and the 300-line basket in-process (child process, bench env)."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    from inprocess_bench import inprocess_measure

    out_path.write_text(json.dumps(inprocess_measure(search_runs=search_runs), indent=2))


def run_inprocess(env: dict[str, str], *, workdir: Path, search_runs: int) -> dict:
    out, logfile = workdir / "inprocess.json", workdir / "inprocess.log"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--inprocess", str(out),
           "--search-runs", str(search_runs)]  # fmt: skip
    with logfile.open("a") as log_out:
        try:
            proc = subprocess.run(
                cmd, cwd=ROOT, env=env, stdout=log_out, stderr=subprocess.STDOUT, timeout=1800,
                check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise BenchError(
                f"the in-process timings took more than 1800 s (log: {logfile})"
            ) from None
    if proc.returncode != 0 or not out.exists():
        tail = [line for line in logfile.read_text().splitlines() if line.strip()][-1:] or ["?"]
        raise BenchError(f"in-process timings failed: {tail[0][:240]} (log: {logfile})")
    sys.path.insert(0, str(HERE))
    return json.loads(out.read_text())


def run_probe(env: dict[str, str], *, workdir: Path, logfile: Path) -> dict:
    out = workdir / "probe.json"
    with logfile.open("a") as log_out:
        try:
            proc = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--probe", str(out)],
                cwd=ROOT, env=env, stdout=log_out, stderr=subprocess.STDOUT, timeout=600, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise BenchError(
                f"the in-process probe took more than 600 s (log: {logfile})"
            ) from None
    if proc.returncode != 0 or not out.exists():
        tail = [line for line in logfile.read_text().strip().splitlines() if line.strip()][-1:] or [
            "?"
        ]
        raise BenchError(f"in-process probe failed: {tail[0][:240]} (log: {logfile})")
    return json.loads(out.read_text())


# --------------------------------------------------------------------------- load runs


def run_locust(
    env: dict[str, str], *, host: str, page: str, urls: list[str], seconds: int, users: int,
    workdir: Path, cookies: list[dict] | None = None, basket_lines: int = 0,
    user_class: str = "PageUser",
) -> dict:  # fmt: skip
    prefix = workdir / page
    locust_env = dict(env)
    locust_env.update(
        BENCH_PAGE=page,
        BENCH_URLS="|".join(urls),
        BENCH_COOKIES=json.dumps(cookies or []),
        BENCH_BASKET_LINES=str(basket_lines),
        BENCH_CHECKOUT_LINES=str(CHECKOUT_LINES),
    )
    cmd = [
        sys.executable, "-m", "locust",
        "-f", str(HERE / "locustfile.py"),
        "--headless", "--host", host,
        "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{seconds}s", "--stop-timeout", "5",
        "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
        user_class,
    ]  # fmt: skip
    logfile = workdir / f"{page}.locust.log"
    with logfile.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=locust_env, stdout=out, stderr=subprocess.STDOUT)
        try:
            proc.wait(timeout=seconds + 90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise BenchError(f"locust run for {page} did not finish (log: {logfile})") from None
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
    stats_file = Path(f"{prefix}_stats.csv")
    if proc.returncode != 0 or not stats_file.exists():
        raise BenchError(f"locust failed for {page} with status {proc.returncode} (log: {logfile})")
    rows = {row["Name"]: row for row in csv.DictReader(stats_file.open())}
    row = rows.get(page)
    result = {"requests": 0, "failures": 0, "rps": 0.0, "p50_ms": None, "p95_ms": None}
    if row:
        requests = int(row["Request Count"])
        result.update(
            requests=requests,
            failures=int(row["Failure Count"]),
            rps=float(row["Requests/s"]),
            p50_ms=_num(row["50%"]),
            p95_ms=_num(row["95%"]),
        )
    steps = {name: row for name, row in rows.items() if name.startswith(f"{page}: ")}
    if steps:
        result["steps"] = {
            name.split(": ", 1)[1]: {
                "requests": int(r["Request Count"]), "failures": int(r["Failure Count"]),
                "p50_ms": _num(r["50%"]), "p95_ms": _num(r["95%"]),
            }
            for name, r in steps.items()
        }  # fmt: skip
    setup = {name: row for name, row in rows.items() if name.startswith("setup:")}
    if setup:
        result["setup"] = {
            name: {"requests": int(r["Request Count"]), "failures": int(r["Failure Count"])}
            for name, r in setup.items()
        }
    failures_file = Path(f"{prefix}_failures.csv")
    if failures_file.exists():
        result["failure_samples"] = [
            f"{r['Name']}: {r['Error'][:160]} (x{r['Occurrences']})"
            for r in list(csv.DictReader(failures_file.open()))[:3]
        ]
    return result


def run_checkout(
    env: dict[str, str], *, role: str, host: str, probe_data: dict, workdir: Path, users: int,
    seconds: int,
) -> dict:  # fmt: skip
    """The checkout scenario: ``users`` buyers ordering on account for ``seconds``."""
    products = probe_data["basket_add_products"]
    if not products:
        raise BenchError("checkout: no product with an add-to-basket form was found")
    prepared = run_prepare_checkout(env, users=users, product_urls=products, workdir=workdir)
    log(
        f"  checkout: {users} on-account buyers ready; {prepared['restocked']} stock records restocked"
    )
    sessions = []
    for email in prepared["emails"]:
        jar, problem = login_buyer(host, email)
        if jar is None:
            raise BenchError(f"checkout: logging in {email} over HTTP failed: {problem}")
        sessions.append({c.name: c.value for c in jar})
    before = bench_orders(role)
    result = run_locust(
        env, host=host, page="checkout", urls=products, seconds=seconds, users=users,
        workdir=workdir, cookies=sessions, user_class="CheckoutUser",
    )  # fmt: skip
    result.update(
        users=users,
        seconds=seconds,
        lines_per_order=CHECKOUT_LINES,
        products=products,
        orders_placed=bench_orders(role) - before,
    )
    log(
        f"  checkout: {result['requests']} orders tried, {result['orders_placed']} placed, "
        f"p95 {result['p95_ms']} ms, {result['failures']} failures"
    )
    return result


def render_checkout(checkout: dict) -> str:
    """The checkout scenario's table: whole orders, then each step's request."""
    fmt = lambda v: "-" if v is None else f"{v:.0f}"  # noqa: E731
    lines = [
        f"Checkout on account: {checkout['users']} buyers (one on-account company each), "
        f"{checkout['seconds']} s, {checkout['lines_per_order']} products per order, PO number; "
        f"{checkout['orders_placed']} orders placed",
        "",
        "| checkout | count | p50 ms | p95 ms | failures |",
        "|---|---:|---:|---:|---:|",
        f"| whole order ({2 * checkout['lines_per_order'] + 8} requests) | {checkout['requests']} | {fmt(checkout['p50_ms'])} | "
        f"{fmt(checkout['p95_ms'])} | {checkout['failures']} |",
    ]
    for step, row in checkout.get("steps", {}).items():
        lines.append(
            f"| {step} | {row['requests']} | {fmt(row['p50_ms'])} | {fmt(row['p95_ms'])} "
            f"| {row['failures']} |"
        )
    return "\n".join(lines)


def _num(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- report


def build_rows(load: dict, probe_data: dict) -> list[dict]:
    trivial_rps = load.get("trivial", {}).get("rps") or 0.0
    rows = []
    for page in (p for p in PAGES if p in load):
        lr = load.get(page, {})
        pr = probe_data["pages"].get(page, {})
        requests = lr.get("requests", 0)
        failures = lr.get("failures", 0)
        rows.append(
            {
                "page": page,
                "url": probe_data["urls"][page][0],
                "rps": round(lr.get("rps", 0.0), 1),
                "ratio": round(lr.get("rps", 0.0) / trivial_rps, 3) if trivial_rps else None,
                "p50_ms": lr.get("p50_ms"),
                "p95_ms": lr.get("p95_ms"),
                "requests": requests,
                "failures": failures,
                "failure_rate": round(failures / requests, 4) if requests else 1.0,
                "sql_queries": pr.get("queries"),
                "status_in_process": pr.get("status"),
            }
        )
    return rows


def render_table(rows: list[dict]) -> str:
    header = ["page", "req/s", "ratio to trivial", "p50 ms", "p95 ms", "failures", "SQL queries"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * 6) + "|"]
    for r in rows:
        ratio = f"{r['ratio'] * 100:.1f} %" if r["ratio"] is not None else "-"
        fmt = lambda v: "-" if v is None else f"{v:.0f}"  # noqa: E731
        failures = f"{r['failures']}/{r['requests']}"
        if r["requests"]:
            failures += f" ({r['failure_rate'] * 100:.1f} %)"
        lines.append(
            f"| {r['page']} | {r['rps']:.1f} | {ratio} | {fmt(r['p50_ms'])} | {fmt(r['p95_ms'])} "
            f"| {failures} | {'-' if r['sql_queries'] is None else r['sql_queries']} |"
        )
    return "\n".join(lines)


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def target_line(rows: list[dict]) -> tuple[str, bool]:
    row = next(r for r in rows if r["page"] == TARGET_PAGE)
    met = row["ratio"] is not None and row["ratio"] >= TARGET_RATIO
    ratio = "-" if row["ratio"] is None else f"{row['ratio'] * 100:.1f} %"
    verdict = "MET" if met else "NOT MET"
    return (
        f"Target: {TARGET_PAGE} req/s >= {TARGET_RATIO:.0%} of trivial -> {ratio}: {verdict}",
        met,
    )


def targets_lines(rows: list[dict]) -> list[str]:
    """Issue 16's targets: each page's req/s as a share of the trivial view's."""
    by_page = {r["page"]: r for r in rows}
    lines = []
    for page, share in PAGE_TARGETS.items():
        row = by_page.get(page)
        if row is None:
            continue
        ratio = row["ratio"]
        verdict = "MET" if ratio is not None and ratio >= share else "NOT MET"
        shown = "-" if ratio is None else f"{ratio * 100:.1f} %"
        lines.append(f"Target: {page} req/s >= {share:.0%} of trivial -> {shown}: {verdict}")
    return lines


def buyer_line(rows: list[dict]) -> str:
    """``category_buyer vs category: +N SQL queries`` (and the req/s of both)."""
    by_page = {r["page"]: r for r in rows}
    buyer, anonymous = by_page["category_buyer"], by_page["category"]
    if buyer["sql_queries"] is None or anonymous["sql_queries"] is None:
        delta = "? SQL queries"
    else:
        delta = f"{buyer['sql_queries'] - anonymous['sql_queries']:+d} SQL queries"
    rps = ""
    if anonymous["rps"]:
        rps = (
            f" ({buyer['rps']:.1f} vs {anonymous['rps']:.1f} req/s, "
            f"{(buyer['rps'] / anonymous['rps'] - 1) * 100:+.0f} %)"
        )
    return f"category_buyer vs category: {delta}{rps}"


def write_report(
    report: dict, table: str, summary: list[str], stamp: str, checkout_table: str = "",
    inprocess_text: str = "",
) -> Path:  # fmt: skip
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{stamp}.json").write_text(json.dumps(report, indent=2))
    cfg = report["config"]
    md = [
        f"# Benchmark {stamp}",
        "",
        f"- commit {report['commit']}; {cfg['products']} products in the database ({report['setup'].get('seed', '')})",
        (
            f"- gunicorn {cfg['workers']} sync workers on {cfg['host']}"
            if cfg["host"]
            else "- no server (in-process measures only)"
        )
        + f"; cache: {cfg['cache']}; settings: config.settings.production; "
        f"CONN_MAX_AGE={cfg['conn_max_age']}",
        f"- load generator and server share the machine ({os.cpu_count()} CPUs, load average "
        f"{report.get('load_average', '?')} at the start): absolute figures are indicative",
    ]
    if table:
        md += [
            f"- pages: locust {cfg['users']} users, {cfg['seconds']} s per page, one run per page; "
            "the ratio to the trivial page is the comparable number",
            "- SQL queries: counted in-process with Django's test client after one warm-up request"
            f" (basket with {BASKET_LINES} lines)",
            f"- search word: `{report['search_word']}`; category: `{report['urls']['category'][0]}`",
            f"- `*_buyer` pages: logged in as {report['buyer'].get('email')} "
            f"({report['buyer'].get('company')}; price lists: "
            f"{', '.join(report['buyer'].get('price_lists') or []) or 'none'}), one session shared "
            "by all locust users; the other pages are anonymous (list prices)",
            "",
            table,
            "",
        ]
    if summary:
        md += [f"**{line}**  " for line in summary[:-1]] + [f"**{summary[-1]}**"]
    if checkout_table:
        md += ["", checkout_table]
    if report["setup"].get("generator"):
        md += ["", "Catalogue generator (tests/bench/catalogue_gen.py):", "", "```",
               report["setup"]["generator"]["summary"], "```"]  # fmt: skip
    if inprocess_text:
        md += ["", "## In process: search and basket", "", inprocess_text]
    if report["notes"]:
        md += ["", "Notes:", ""] + [f"- {n}" for n in report["notes"]]
    text = "\n".join(md) + "\n"
    (RESULTS_DIR / f"{stamp}.md").write_text(text)
    (RESULTS_DIR / "latest.md").write_text(text)
    return RESULTS_DIR / f"{stamp}.md"


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--products", type=int, help="products to seed (default 50000; 2000 with --quick)"
    )
    parser.add_argument(
        "--seconds", type=int, help="load time per page (default 15; 5 with --quick)"
    )
    parser.add_argument("--users", type=int, default=8, help="concurrent locust users (default 8)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2000 products, 5 s per page"
    )
    parser.add_argument(
        "--collectstatic",
        action="store_true",
        help="run collectstatic even if static sources look unchanged",
    )
    parser.add_argument(
        "--scenario", choices=SCENARIOS, default="all", help=SCENARIOS_HELP,
    )  # fmt: skip
    parser.add_argument(
        "--checkout-users", type=int, default=20,
        help="concurrent buyers in the checkout scenario (default 20)",
    )  # fmt: skip
    parser.add_argument(
        "--checkout-seconds", type=int,
        help="load time of the checkout scenario (default 60; 20 with --quick)",
    )  # fmt: skip
    parser.add_argument(
        "--database", default=DB_NAME, help=f"PostgreSQL database to use (default {DB_NAME})"
    )
    parser.add_argument(
        "--search-runs", type=int, default=50,
        help="in-process runs of each search (default 50; 10 with --quick)",
    )  # fmt: skip
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inprocess", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare-checkout", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--checkout-products", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.products is None:
        args.products = 2000 if args.quick else 50000
    if args.seconds is None:
        args.seconds = 5 if args.quick else 15
    if args.checkout_seconds is None:
        args.checkout_seconds = 20 if args.quick else 60
    if args.quick and args.search_runs == 50:
        args.search_runs = 10
    if min(args.products, args.seconds, args.users, args.checkout_users, args.checkout_seconds) < 1:
        parser.error(
            "--products, --seconds, --users, --checkout-users and --checkout-seconds must be positive"
        )
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        parser.error("--database: lower-case letters, digits and underscores only")
    return args


def _raise_interrupt(signum, frame):  # SIGTERM takes the same clean-up path as Ctrl-C
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    global DB_NAME
    args = parse_args(argv)
    DB_NAME = args.database
    if args.probe:
        probe(args.probe)
        return 0
    if args.inprocess:
        inprocess(args.inprocess, search_runs=args.search_runs)
        return 0
    if args.prepare_checkout:
        urls = [u for u in args.checkout_products.split("|") if u]
        prepare_checkout(args.prepare_checkout, users=args.checkout_users, product_urls=urls)
        return 0
    pages = PAGES if args.scenario in ("all", "pages") else ()
    serve = args.scenario != "inprocess"
    timed: dict = {}
    load: dict = {}
    baskets: dict = {}
    checkout: dict = {}

    signal.signal(signal.SIGTERM, _raise_interrupt)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    load_average = " / ".join(f"{n:.1f}" for n in os.getloadavg())
    workdir = RESULTS_DIR / "runs" / stamp
    workdir.mkdir(parents=True, exist_ok=True)
    setup_log = workdir / "setup.log"
    server = None
    try:
        role = pg_role()
        if ensure_database(role):
            log(f"created database {DB_NAME}")
        cache_url = redis_cache_url()
        env = bench_env(role=role, cache_url=cache_url)
        cache = f"redis db {REDIS_DB}" if cache_url else "locmem (Redis unreachable)"
        log(
            f"database {DB_NAME} as role {role}; cache {cache}; logs in {workdir.relative_to(ROOT)}"
        )

        setup = prepare_database(
            env,
            role=role,
            products=args.products,
            logfile=setup_log,
            force_collectstatic=args.collectstatic,
        )
        probe_data = run_probe(env, workdir=workdir, logfile=workdir / "probe.log")
        if args.scenario in ("all", "inprocess"):
            log(f"in-process: search x {args.search_runs} runs each, basket of 300 lines ...")
            timed = run_inprocess(env, workdir=workdir, search_runs=args.search_runs)
            for row in timed["search"]:
                log(
                    f"  search {row['label']} {row['query']!r}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms"
                )
            if timed.get("basket"):
                log(
                    f"  basket page, {timed['basket']['lines']} lines: p50 {timed['basket']['page_p50_ms']} ms"
                )
        if not serve:
            raise _InProcessOnly

        server = Gunicorn(env, logfile=workdir / "gunicorn.log")
        server.start()
        log(
            f"gunicorn up on {server.url}; {args.seconds} s x {len(pages)} pages, {args.users} users"
        )

        # The buyer logs in once over HTTP; every locust user of the buyer pages shares
        # that session (and so the buyer's one basket).
        buyer_jar, login_problem = login_buyer(server.url)
        if buyer_jar is None:
            raise BenchError(f"logging in {BUYER_EMAIL} over HTTP failed: {login_problem}")
        buyer_cookies = {c.name: c.value for c in buyer_jar}
        log(f"  logged in {BUYER_EMAIL} over HTTP")
        manager_cookies: dict = {}
        if any(page in MANAGER_PAGES for page in pages):
            sys.path.insert(0, str(HERE))
            from crm_history import MANAGER_EMAIL

            manager_jar, login_problem = login_buyer(server.url, email=MANAGER_EMAIL)
            if manager_jar is None:
                raise BenchError(f"logging in {MANAGER_EMAIL} over HTTP failed: {login_problem}")
            manager_cookies = {c.name: c.value for c in manager_jar}
            log(f"  logged in {MANAGER_EMAIL} over HTTP")

        for page in pages:
            cookies: list[dict] | None = [buyer_cookies] if page in BUYER_PAGES else None
            if page in MANAGER_PAGES:
                cookies = [manager_cookies]
            if page == "basket":
                # Baskets are filled before the run, one per user, so that the run
                # measures only the basket page and not the add-to-basket requests.
                started = time.monotonic()
                cookies, lines, problem = fill_baskets(
                    server.url, probe_data["basket_add_products"], count=args.users
                )
                baskets[page] = {
                    "lines": lines,
                    "problem": problem,
                    "fill_s": round(time.monotonic() - started, 1),
                }
                log(
                    f"  filled {len(cookies)} baskets with {lines}+ lines in {baskets[page]['fill_s']} s"
                )
            elif page == "basket_buyer":
                # The buyer's basket (emptied by the probe) gets the same products.
                started = time.monotonic()
                _, lines, problem = fill_basket(
                    server.url, probe_data["basket_add_products"], lines=BASKET_LINES, jar=buyer_jar
                )
                cookies = [{c.name: c.value for c in buyer_jar}]
                baskets[page] = {
                    "lines": lines,
                    "problem": problem,
                    "fill_s": round(time.monotonic() - started, 1),
                }
                log(
                    f"  filled the buyer's basket with {lines} lines in {baskets[page]['fill_s']} s"
                )
            load[page] = run_locust(
                env,
                host=server.url,
                page=page,
                urls=probe_data["urls"][page],
                seconds=args.seconds,
                users=args.users,
                workdir=workdir,
                cookies=cookies,
                basket_lines=baskets[page]["lines"] if page in BASKET_PAGES else 0,
            )
            log(f"  {page}: {load[page]['rps']:.1f} req/s, {load[page]['failures']} failures")
        if args.scenario in ("all", "checkout"):
            checkout = run_checkout(
                env, role=role, host=server.url, probe_data=probe_data, workdir=workdir,
                users=args.checkout_users, seconds=args.checkout_seconds,
            )  # fmt: skip
    except _InProcessOnly:
        pass
    except BenchError as exc:
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()

    rows = build_rows(load, probe_data)
    notes = list(probe_data["notes"]) if rows or timed else []
    for page, basket in baskets.items():
        if basket["lines"] < BASKET_LINES:
            notes.append(
                f"{page}: adding products over HTTP failed ({basket['problem'] or 'no reason given'}): "
                f"the basket measured under load holds {basket['lines']} lines, not {BASKET_LINES}"
                + (" (EMPTY basket)" if basket["lines"] == 0 else "")
            )
    for page in load:
        for sample in load[page].get("failure_samples", []):
            notes.append(f"{page} failure: {sample}")
    for sample in checkout.get("failure_samples", []):
        notes.append(f"checkout failure: {sample}")
    if checkout and checkout["orders_placed"] < checkout["requests"] - checkout["failures"]:
        notes.append(
            f"checkout: {checkout['requests'] - checkout['failures']} orders reached the thank-you "
            f"page but only {checkout['orders_placed']} orders were written"
        )
    table = render_table(rows) if rows else ""
    summary = [buyer_line(rows), target_line(rows)[0], *targets_lines(rows)] if rows else []
    inprocess_text = ""
    if timed:
        from inprocess_bench import render_inprocess

        inprocess_text = render_inprocess(timed)
        notes += [f"in-process: {note}" for note in timed["notes"]]
    checkout_table = render_checkout(checkout) if checkout else ""
    report = {
        "timestamp": stamp,
        "commit": git_commit(),
        "load_average": load_average,
        "config": {
            "products": setup.get("products"),
            "seconds": args.seconds,
            "users": args.users,
            "workers": WORKERS,
            "host": server.url if server else None,
            "cache": cache,
            "conn_max_age": env.get("DB_CONN_MAX_AGE", "0"),
        },
        "setup": setup,
        "urls": probe_data["urls"],
        "search_word": probe_data["search_word"],
        "basket_add_products": probe_data["basket_add_products"],
        "baskets_under_load": baskets,
        "buyer": {**probe_data.get("buyer", {}), "line": summary[0] if summary else None},
        "target": {
            "page": TARGET_PAGE,
            "min_ratio_to_trivial": TARGET_RATIO,
            "line": summary[1] if summary else None,
        },
        "rows": rows,
        "checkout": checkout or None,
        "in_process": probe_data["pages"],
        "timed_in_process": timed or None,
        "notes": notes,
    }
    path = write_report(report, table, summary, stamp, checkout_table, inprocess_text)
    short = inprocess_text.split("\n### ")[0]  # the plans are in the report file
    for text in (table, "\n".join(summary), short, checkout_table):
        if text:
            print()
            print(text)
    print()
    for note in notes:
        print(f"note: {note}")
    print(f"results: {path.relative_to(ROOT)} (and bench-results/latest.md)")

    bad = [r for r in rows if r["failure_rate"] > MAX_FAILURE_RATE]
    if checkout:
        rate = checkout["failures"] / checkout["requests"] if checkout["requests"] else 1.0
        if rate > MAX_FAILURE_RATE:
            bad.append({"page": "checkout", "failure_rate": rate})
    if bad:
        worst = max(bad, key=lambda r: r["failure_rate"])
        print(
            f"bench: FAILED: {', '.join(r['page'] for r in bad)} had more than "
            f"{MAX_FAILURE_RATE:.0%} failures (worst: {worst['page']} {worst['failure_rate']:.0%})",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
