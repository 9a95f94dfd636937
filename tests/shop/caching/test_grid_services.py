"""The cache guarantees again on PostgreSQL with the Redis cache (``make test-services``)."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from tests.shop.caching import test_grid_audiences as audiences
from tests.shop.caching import test_grid_csrf_and_chrome as chrome
from tests.shop.caching import test_grid_queries as queries

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _real_services():
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://..."
    assert isinstance(caches["default"], RedisCache), "run with CACHE_URL=redis://..."


@pytest.mark.parametrize("first", ["alpha", "viewer", "visitor"])
def test_audiences_never_share_a_grid(first):
    audiences.test_every_audience_gets_its_own_grid_whoever_filled_the_cache(first)


def test_contract_price_changes_reach_the_grid():
    audiences.test_a_contract_price_change_reaches_the_company_at_once()


def test_group_list_changes_reach_the_grid():
    audiences.test_a_group_list_change_reaches_its_companies_and_no_one_else_misses()


def test_list_price_changes_reach_every_audience():
    audiences.test_a_list_price_change_reaches_every_audience()


def test_stock_bands():
    audiences.test_a_stock_band_keeps_the_grid_until_the_band_changes()


def test_csrf_in_a_cached_grid(client):
    chrome.test_a_cached_grid_has_the_requests_own_token_and_its_form_posts()


def test_query_counts_cached_and_uncached(client):
    queries.test_category_page_queries_cached_and_uncached_at_two_sizes(client)
