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
"""

import itertools
import json
import os
import re
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, task
from requests.cookies import create_cookie

PAGE = os.environ.get("BENCH_PAGE", "trivial")
URLS = [u for u in os.environ.get("BENCH_URLS", "/bench/trivial").split("|") if u]
COOKIES = json.loads(os.environ.get("BENCH_COOKIES", "[]") or "[]")
BASKET_LINES = int(os.environ.get("BENCH_BASKET_LINES", "0") or 0)

TOTAL_FORMS_RE = re.compile(r'name="form-TOTAL_FORMS"[^>]*value="(\d+)"')
_user_numbers = itertools.count()


class PageUser(FastHttpUser):
    # No think time: each run measures one page's throughput under saturation.
    wait_time = constant(0)

    def on_start(self) -> None:
        self._urls = itertools.cycle(URLS)
        self._check_lines = PAGE.startswith("basket") and BASKET_LINES > 0
        if COOKIES:
            cookies = COOKIES[next(_user_numbers) % len(COOKIES)]
            domain = urlsplit(self.host).hostname
            for name, value in cookies.items():
                self.client.cookiejar.set_cookie(create_cookie(name, value, domain=domain))

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
