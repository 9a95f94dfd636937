"""The category page for a contract buyer costs a constant few queries once its parts are cached.

Measured on the demo (seed_demo) as jonas.weber: the grid, the category tree, his rights,
unread count and basket summary come from the cache; what is left is the session, the
user, the membership, the category itself and the editors' chrome.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

pytestmark = pytest.mark.django_db
JONAS = "jonas.weber@rheinland-auto.example"


def _count(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def demo(db):
    call_command("seed_demo", products=24, verbosity=0)


def test_category_page_for_jonas_cached_and_uncached(client, demo, django_assert_num_queries):
    category_model = get_model("catalogue", "Category")
    category = category_model.objects.annotate(n=Count("product")).order_by("-n").first()
    client.force_login(get_user_model().objects.get(email=JONAS))
    url = category.get_absolute_url()
    uncached, _sql = _count(client, url)
    cached, sql = _count(client, url)
    print(f"\njonas category page: {uncached} queries uncached, {cached} cached")
    print("\n".join(s[:140] for s in sql))
    assert cached <= 9, sql
    assert uncached > cached
    with django_assert_num_queries(cached):
        client.get(url)
