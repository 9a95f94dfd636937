"""Locust users for the page benchmark; run one page at a time by ``run_bench.py``.

The driver chooses the page through environment variables, so that each headless run
measures a single page and its requests per second are not mixed with another's:

- ``BENCH_PAGE``: the stats name of the page (trivial, home, category, product, search, basket)
- ``BENCH_URLS``: one or more paths, separated by ``|``, requested in turn under that name
- ``BENCH_BASKET_ADD``: for the basket page, ``|``-separated product paths whose
  add-to-basket form each user submits once in ``on_start``
- ``BENCH_BASKET_LINES``: how many lines the basket should hold (default 3)

Setup requests are reported under their own names (``setup:*``) so that they never
count towards the measured page.
"""

import itertools
import os
import re

from locust import FastHttpUser, constant, task

PAGE = os.environ.get("BENCH_PAGE", "trivial")
URLS = [u for u in os.environ.get("BENCH_URLS", "/bench/trivial").split("|") if u]
BASKET_ADD = [u for u in os.environ.get("BENCH_BASKET_ADD", "").split("|") if u]
BASKET_LINES = int(os.environ.get("BENCH_BASKET_LINES", "3"))

ADD_FORM_RE = re.compile(r'<form[^>]*id="add_to_basket_form"[^>]*action="([^"]+)"', re.S)
ADD_FORM_ALT_RE = re.compile(r'action="(/shop/basket/add/\d+/)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
TOTAL_FORMS_RE = re.compile(r'name="form-TOTAL_FORMS"[^>]*value="(\d+)"')


def basket_line_count(html: str) -> int:
    """Return the number of lines the basket page shows (its formset size)."""
    match = TOTAL_FORMS_RE.search(html)
    return int(match.group(1)) if match else 0


class PageUser(FastHttpUser):
    # No think time: the run measures throughput of one page under saturation.
    wait_time = constant(0)

    def on_start(self) -> None:
        self._urls = itertools.cycle(URLS)
        if PAGE == "basket" and BASKET_ADD:
            self._fill_basket()

    def _fill_basket(self) -> None:
        for product_url in BASKET_ADD[:BASKET_LINES]:
            page = self.client.get(product_url, name="setup:product")
            html = page.text or ""
            form = ADD_FORM_RE.search(html) or ADD_FORM_ALT_RE.search(html)
            token = CSRF_RE.search(html)
            if not (form and token):
                continue
            self.client.post(
                form.group(1),
                data={"csrfmiddlewaretoken": token.group(1), "quantity": "1"},
                headers={"Referer": self.host + product_url},
                name="setup:basket-add",
            )
        # One request that says, by passing or failing, whether the basket was filled.
        with self.client.get("/shop/basket/", name="setup:basket-check", catch_response=True) as r:
            lines = basket_line_count(r.text or "")
            if lines < min(BASKET_LINES, len(BASKET_ADD)):
                r.failure(f"basket has {lines} lines after adding {len(BASKET_ADD)} products")
            else:
                r.success()

    @task
    def page(self) -> None:
        self.client.get(next(self._urls), name=PAGE)
