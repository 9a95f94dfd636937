"""Locust users for the page benchmark; ``run_bench.py`` runs it once per page.

The driver chooses the page through environment variables, so that each headless run
measures a single page and its requests per second are not mixed with another's:

- ``BENCH_PAGE``: the stats name of the page (trivial, home, category, category_buyer,
  product, search, basket, basket_buyer)
- ``BENCH_URLS``: one or more paths, separated by ``|``, requested in turn under that name
- ``BENCH_COOKIES``: a JSON list of cookie dicts; each user takes the next one in
  ``on_start`` (round robin). For ``basket``: one per anonymous basket the driver filled
  beforehand; for the ``*_buyer`` pages: the one session of the logged-in buyer
- ``BENCH_BASKET_LINES``: for the basket pages, the lines the baskets hold; a basket
  page showing fewer counts as a failure (0 disables the check)

``CheckoutUser`` (the driver names it on the command line for the ``checkout`` scenario) is
a buyer of an on-account company ordering through the real pages, again and again: product
page, add to basket, the company delivery address, shipping method, payment step, preview
with a PO number, place order, thank-you page. Each request is recorded as
``checkout: <step>``; each whole order as one ``checkout`` entry (its time is the order's,
from the first product page to the thank-you page; an order that does not end on the
thank-you page is a failure with the step and the page's message). ``BENCH_URLS`` are the
product pages (each order takes the next ``BENCH_CHECKOUT_LINES``); ``BENCH_COOKIES`` one
logged-in session per buyer.
"""

import html
import itertools
import json
import os
import re
import time
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, task
from requests.cookies import create_cookie

PAGE = os.environ.get("BENCH_PAGE", "trivial")
URLS = [u for u in os.environ.get("BENCH_URLS", "/bench/trivial").split("|") if u]
COOKIES = json.loads(os.environ.get("BENCH_COOKIES", "[]") or "[]")
BASKET_LINES = int(os.environ.get("BENCH_BASKET_LINES", "0") or 0)
CHECKOUT_LINES = int(os.environ.get("BENCH_CHECKOUT_LINES", "2") or 2)

TOTAL_FORMS_RE = re.compile(r'name="form-TOTAL_FORMS"[^>]*value="(\d+)"')
_user_numbers = itertools.count()
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
QUANTITY_INPUT_RE = re.compile(r'<input[^>]*\bname="quantity"[^>]*>')
VALUE_RE = re.compile(r'\bvalue="(\d+)"')
CHECKED_ADDRESS_RE = re.compile(r'<input[^>]*name="company_address"[^>]*checked[^>]*>')
PRODUCT_PK_RE = re.compile(r"_(\d+)/$")
ERROR_RE = re.compile(
    r'class="[^"]*(?:alert-danger|errorlist|invalid-feedback)[^"]*"[^>]*>(.{1,400}?)</'
)
TAG_RE = re.compile(r"<[^>]+>")


def _set_cookies(user: FastHttpUser) -> int:
    """Give the user the next session of ``BENCH_COOKIES`` (round robin); return its number."""
    number = next(_user_numbers)
    if COOKIES:
        cookies = COOKIES[number % len(COOKIES)]
        domain = urlsplit(user.host).hostname
        for name, value in cookies.items():
            user.client.cookiejar.set_cookie(create_cookie(name, value, domain=domain))
    return number


class PageUser(FastHttpUser):
    # No think time: each run measures one page's throughput under saturation.
    wait_time = constant(0)

    def on_start(self) -> None:
        self._urls = itertools.cycle(URLS)
        self._check_lines = PAGE.startswith("basket") and BASKET_LINES > 0
        _set_cookies(self)

    @task
    def page(self) -> None:
        if not self._check_lines:
            self.client.get(next(self._urls), name=PAGE)
            return
        with self.client.get(next(self._urls), name=PAGE, catch_response=True) as response:
            found = TOTAL_FORMS_RE.search(response.text or "")
            lines = int(found.group(1)) if found else 0
            if response.status_code == 200 and lines < BASKET_LINES:
                response.failure(f"basket shows {lines} lines, expected {BASKET_LINES}")


class StepFailed(Exception):
    """One step of an order did not answer as the real pages do."""


def _page_error(body: str) -> str:
    found = ERROR_RE.search(body or "")
    return html.unescape(TAG_RE.sub(" ", found.group(1))).strip()[:200] if found else ""


class CheckoutUser(FastHttpUser):
    """A buyer ordering on account through the checkout pages, with a PO number."""

    wait_time = constant(0)

    def on_start(self) -> None:
        # One buyer (session, basket, company) per user: two users sharing a basket would
        # place each other's lines.
        self._number = _set_cookies(self) + 1
        self._orders = itertools.count(1)
        # Buyers start at different products, as real buyers order different things.
        self._products = itertools.islice(itertools.cycle(URLS), self._number, None)

    def _step(self, step: str, method: str, url: str, *, expect: int, data=None,
              location: str | None = None) -> str:  # fmt: skip
        with self.client.request(
            method, url, name=f"checkout: {step}", data=data, allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            body = response.text or ""
            found = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != expect or (location and location not in found):
                why = _page_error(body) or f"HTTP {response.status_code} {found}".strip()
                response.failure(f"{step}: {why}")
                raise StepFailed(f"{step}: {why}")
            return body

    def _token(self, body: str, step: str) -> str:
        token = CSRF_RE.search(body)
        if not token:
            raise StepFailed(f"{step}: no CSRF token on the page")
        return token.group(1)

    def _add(self, product_url: str) -> None:
        body = self._step("product page", "GET", product_url, expect=200)
        pk = PRODUCT_PK_RE.search(product_url)
        action = f"/shop/basket/add/{pk.group(1)}/" if pk else ""
        start = body.find(f'action="{action}"') if action else -1
        if start < 0:
            raise StepFailed(f"product page: {product_url} has no add-to-basket form")
        tag = QUANTITY_INPUT_RE.search(body, start)
        quantity = VALUE_RE.search(tag.group(0)) if tag else None
        self._step(
            "add to basket", "POST", action, expect=302,
            data={"csrfmiddlewaretoken": self._token(body, "product page"),
                  "quantity": quantity.group(1) if quantity else "1"},
        )  # fmt: skip

    def _place_order(self) -> None:
        for _ in range(CHECKOUT_LINES):
            self._add(next(self._products))
        body = self._step("shipping address", "GET", "/shop/checkout/shipping-address/", expect=200)
        address = CHECKED_ADDRESS_RE.search(body)
        value = VALUE_RE.search(address.group(0)) if address else None
        if not value:
            raise StepFailed("shipping address: no company delivery address offered")
        self._step(
            "choose address", "POST", "/shop/checkout/shipping-address/", expect=302,
            data={"csrfmiddlewaretoken": self._token(body, "shipping address"),
                  "action": "ship_to_company_address", "company_address": value.group(1)},
            location="/shop/checkout/shipping-method/",
        )  # fmt: skip
        self._step("shipping method", "GET", "/shop/checkout/shipping-method/", expect=302,
                   location="/shop/checkout/payment-method/")  # fmt: skip
        self._step("payment method", "GET", "/shop/checkout/payment-method/", expect=302,
                   location="/shop/checkout/payment-details/")  # fmt: skip
        body = self._step("payment details", "GET", "/shop/checkout/payment-details/", expect=200)
        po_number = f"BENCH-{self._number:02d}-{next(self._orders):05d}"
        token = self._token(body, "payment details")
        body = self._step(
            "preview", "POST", "/shop/checkout/preview/", expect=200,
            data={"csrfmiddlewaretoken": token, "purchase_order_number": po_number},
        )  # fmt: skip
        if 'id="place_order_form"' not in body:
            raise StepFailed(f"preview: no place-order form ({_page_error(body) or 'no message'})")
        self._step(
            "place order", "POST", "/shop/checkout/preview/", expect=302,
            data={"csrfmiddlewaretoken": self._token(body, "preview"), "action": "place_order",
                  "purchase_order_number": po_number},
            location="/shop/checkout/thank-you/",
        )  # fmt: skip
        body = self._step("thank you", "GET", "/shop/checkout/thank-you/", expect=200)
        if po_number not in body:
            raise StepFailed(f"thank you: the page does not show the PO number {po_number}")

    @task
    def order(self) -> None:
        started = time.perf_counter()
        failure = None
        try:
            self._place_order()
        except StepFailed as exc:
            failure = exc
        self.environment.events.request.fire(
            request_type="ORDER", name=PAGE, response_time=(time.perf_counter() - started) * 1000,
            response_length=0, exception=failure, context={},
        )  # fmt: skip
