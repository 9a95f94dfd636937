"""Browser journeys: Playwright (sync API) driving the system Chromium against ``live_server``.

Fixtures
    ``browser``  one Chromium per pytest session (Debian's ``/usr/bin/chromium``; Playwright's
                 own browser download is never used).
    ``context``  a fresh browser context (cookies, storage) per test, ``base_url`` set to the
                 live server, 10 s default timeouts so a hang fails fast.
    ``page``     a page in that context; console errors and uncaught page errors are recorded
                 on ``page.console_errors`` / ``page.page_errors``.
    ``portal_server``  ``live_server`` with serialized rollback, so every journey starts from
                 the migrated database (Wagtail's root page and default Site included).

Tests using these are marked ``@pytest.mark.browser`` and run at the end of the session
(see ``pytest_collection_modifyitems``): while Playwright's sync API is alive its event loop
runs in the main thread, which must not leak into the ordinary tests.

``SKIP_BROWSER_TESTS=1`` skips the journeys; otherwise a missing Chromium is a failure.
On a failed test the page's screenshot and HTML go to ``test-artifacts/<test name>.png/.html``.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import migrated_data_restore as _restore

CHROMIUM_PATH = os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ACTION_TIMEOUT_MS = 10_000
SKIP_REASON = "SKIP_BROWSER_TESTS=1 is set: browser journeys skipped"

# Console messages that are noise, not defects: a missing favicon or product image (media
# is not served with DEBUG off) shows up as "Failed to load resource ... 404".
# Requests to other hosts are blocked (journeys are hermetic); their failures are
# reported as a warning, not as console errors.
IGNORED_CONSOLE_ERRORS = [
    re.compile(r"Failed to load resource: the server responded with a status of 404"),
    re.compile(r"Failed to load resource: net::ERR_BLOCKED_BY_CLIENT"),
    re.compile(r"favicon", re.IGNORECASE),
]


def _skip_requested() -> bool:
    return os.environ.get("SKIP_BROWSER_TESTS", "").strip().lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    # Harmless if pyproject.toml registers it too; keeps --strict-markers happy either way.
    config.addinivalue_line(
        "markers", "browser: real browser journeys (Playwright + Debian chromium)"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run browser journeys last (after pytest-django's own ordering), or skip them on request.

    Playwright's sync API keeps an asyncio loop running in the main thread from browser
    start to session end; Django refuses ORM calls (and asgiref refuses async_to_sync)
    under a running loop, so no ordinary test may run after the browser has started.
    """
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items:
        return
    if _skip_requested():
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
    others = [item for item in items if not item.get_closest_marker("browser")]
    items[:] = others + browser_items


@pytest.fixture(scope="session")
def browser(_migrated_snapshot):
    """One headless Chromium for the whole session."""
    if _skip_requested():
        pytest.skip(SKIP_REASON)
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM_PATH}, which is missing. Install it with "
            "`apt-get update && apt-get install -y chromium` (never `playwright install`), "
            "or set SKIP_BROWSER_TESTS=1 to skip the browser journeys.",
            pytrace=False,
        )

    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django would then raise
    # SynchronousOnlyOperation for every ORM call the test makes. Documented workaround,
    # limited to the browser's lifetime (browser tests run last, see above).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, timeout=30_000
        )
    except Exception:
        playwright.stop()
        _restore_env("DJANGO_ALLOW_ASYNC_UNSAFE", previous)
        raise
    try:
        yield chromium
    finally:
        try:
            chromium.close()
        finally:
            playwright.stop()
            _restore_env("DJANGO_ALLOW_ASYNC_UNSAFE", previous)


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


@pytest.fixture(scope="session")
def _migrated_data_restored_at_exit(request, _migrated_snapshot, django_db_blocker):
    """With ``--reuse-db``, put the migrations' data back once the journeys are over.

    ``live_server`` leaves the database flushed after the last journey; a reused test
    database would then start the next session without Wagtail's root page, the default
    Site or the groups the data migrations create.
    """
    yield
    if not request.config.getoption("reuse_db", default=False):
        return
    from django.db import connections

    with django_db_blocker.unblock():
        _restore(connections["default"], _migrated_snapshot)


@pytest.fixture
def portal_server(
    _migrated_snapshot, _migrated_data_restored_at_exit, live_server, django_db_serialized_rollback
):
    """The live server, on a database restored to its migrated state for every journey.

    ``live_server`` flushes the database after each test; serialized rollback reloads
    what the migrations created (Wagtail's root page and Site, Oscar's defaults) first.
    allauth's login rate limits live in the cache: clear it so journeys don't leak.
    """
    from django.core.cache import caches
    from django.db import connection
    from wagtail.models import Page

    if Page.get_first_root_node() is None:
        # The previous journey's flush removed the migrations' data: put it back.
        _restore(connection, _migrated_snapshot)
    for alias in caches:
        caches[alias].clear()
    return live_server


DEMO_JOURNEY_PRODUCTS = 60


@pytest.fixture
def demo_portal(portal_server, django_db_blocker):
    """The live server on a database built exactly by ``migrate`` + ``seed_demo``, nothing more.

    The demo is what a newcomer meets after ``make run``; journeys on it catch what
    fixtures that build their own data hide. ``live_server`` flushes it after the test and
    ``portal_server`` restores the migrated snapshot for the next journey.
    """
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("seed_demo", products=DEMO_JOURNEY_PRODUCTS, verbosity=0)
    return portal_server


@pytest.fixture
def context(browser, portal_server):
    """A fresh context per test; requests to any host but the live server are blocked."""
    ctx = browser.new_context(
        base_url=portal_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
    )
    ctx.set_default_timeout(ACTION_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    ctx.blocked_requests = []
    local = urlsplit(portal_server.url).netloc

    def is_third_party(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != local

    def block(route):
        ctx.blocked_requests.append(route.request.url)
        route.abort("blockedbyclient")

    ctx.route(is_third_party, block)
    try:
        yield ctx
    finally:
        ctx.close()
    if ctx.blocked_requests:
        hosts = sorted({urlsplit(url).netloc for url in ctx.blocked_requests})
        warnings.warn(
            f"pages asked for third-party resources (blocked in tests): {', '.join(hosts)}; "
            f"e.g. {ctx.blocked_requests[0]}",
            stacklevel=1,
        )


@pytest.fixture
def page(context):
    page = context.new_page()
    page.console_errors = []  # "error" console messages that are not ignorable noise
    page.page_errors = []  # uncaught JavaScript exceptions

    def on_console(message):
        if message.type != "error":
            return
        text = message.text
        if any(pattern.search(text) for pattern in IGNORED_CONSOLE_ERRORS):
            return
        page.console_errors.append(f"{text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    yield page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """On a failed journey, keep the page's screenshot and HTML under test-artifacts/."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = getattr(item, "funcargs", {}).get("page")
    if page is None:
        return
    artifacts = Path(item.config.rootpath) / "test-artifacts"
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name).strip("_") or "test"
    lines = []
    try:
        artifacts.mkdir(parents=True, exist_ok=True)
        screenshot = artifacts / f"{name}.png"
        page.screenshot(path=str(screenshot), full_page=True, timeout=5_000)
        lines.append(f"screenshot: {screenshot}")
        html = artifacts / f"{name}.html"
        html.write_text(page.content(), encoding="utf-8")
        lines.append(f"page HTML:  {html}")
        lines.append(f"page URL:   {page.url}")
    except Exception as exc:  # the page may be gone; the failure itself matters more
        lines.append(f"could not save browser artifacts: {exc!r}")
    for label in ("console_errors", "page_errors"):
        messages = getattr(page, label, None)
        if messages:
            lines.append(f"{label}: " + " | ".join(messages))
    text = "\n".join(lines)
    report.sections.append(("browser artifacts", text))
    reporter = item.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")
        for line in lines:
            reporter.write_line(f"[browser] {line}")
    else:
        print(text)
