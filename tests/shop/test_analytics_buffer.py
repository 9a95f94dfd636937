"""Product views, searches and basket additions are counted off the request path.

Oscar's own receivers UPDATE ``analytics_*`` rows on every product view; on SQLite that
write made one product page in ten fail with "database is locked" under 8 visitors.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.apps.search.signals import user_search
from oscar.core.loading import get_model

from shop.analytics import buffer
from shop.analytics.tasks import flush
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
UserProductView = get_model("analytics", "UserProductView")
UserSearch = get_model("analytics", "UserSearch")

ANALYTICS_WRITE = re.compile(r'^\s*(UPDATE|INSERT INTO|DELETE FROM)\s+"?analytics_', re.I)


def _analytics_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if ANALYTICS_WRITE.search(q["sql"])]


def test_product_view_writes_nothing_to_analytics_during_the_request(client, buyer, password):
    product = ProductFactory()
    client.login(email=buyer.email, password=password)
    with CaptureQueriesContext(connection) as anonymous_and_logged_in:
        assert client.get(product.get_absolute_url()).status_code == 200
        client.logout()
        assert client.get(product.get_absolute_url()).status_code == 200
    assert _analytics_writes(anonymous_and_logged_in.captured_queries) == []
    assert not ProductRecord.objects.exists()


def test_search_and_basket_add_write_nothing_to_analytics(client, buyer, password):
    product = ProductFactory(title="Tapered roller bearing 30205")
    client.login(email=buyer.email, password=password)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("search:search"), {"q": "tapered"}).status_code == 200
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    assert _analytics_writes(captured.captured_queries) == []


def test_flush_task_applies_the_buffered_counts_once(client, buyer, password):
    viewed, other = ProductFactory(), ProductFactory()
    for _ in range(3):
        client.get(viewed.get_absolute_url())
    client.login(email=buyer.email, password=password)
    client.get(viewed.get_absolute_url())
    client.get(other.get_absolute_url())
    # Oscar 4.2 defines user_search but its search views no longer send it; whoever does
    # gets the search recorded through the same buffer.
    user_search.send(sender=None, session={}, user=buyer, query="bearing")

    assert flush.delay().get() == 6
    assert ProductRecord.objects.get(product=viewed).num_views == 4
    assert ProductRecord.objects.get(product=other).num_views == 1
    user_record = UserRecord.objects.get(user=buyer)
    assert user_record.num_product_views == 2
    assert UserProductView.objects.filter(user=buyer).count() == 2
    assert list(UserSearch.objects.values_list("query", flat=True)) == ["bearing"]

    # A second run has nothing left to apply: the counts are not doubled.
    assert flush.delay().get() == 0
    assert ProductRecord.objects.get(product=viewed).num_views == 4

    # Later views add to the existing rows.
    client.get(viewed.get_absolute_url())
    assert buffer.events_flush() == 1
    assert ProductRecord.objects.get(product=viewed).num_views == 5
    assert UserRecord.objects.get(user=buyer).num_product_views == 3


def test_flush_waits_for_a_missing_event_then_skips_it(monkeypatch):
    product = ProductFactory()
    cache = buffer._cache()
    first = buffer.event_record(kind=buffer.PRODUCT_VIEW, product_id=product.pk)
    missing = buffer.event_record(kind=buffer.PRODUCT_VIEW, product_id=product.pk)
    buffer.event_record(kind=buffer.PRODUCT_VIEW, product_id=product.pk)
    cache.delete(buffer.EVENT_KEY.format(missing))  # its writer is "a moment behind"

    assert buffer.events_flush() == 1  # only the event before the gap
    assert cache.get(buffer.DONE_KEY) == first
    clock = buffer.time.time()
    monkeypatch.setattr(buffer.time, "time", lambda: clock + buffer.GAP_GRACE_SECONDS + 1)
    assert buffer.events_flush() == 1  # the gap is given up, the event after it applied
    assert ProductRecord.objects.get(product=product).num_views == 2


def test_a_second_flush_while_one_runs_applies_nothing():
    product = ProductFactory()
    buffer.event_record(kind=buffer.PRODUCT_VIEW, product_id=product.pk)
    buffer._cache().add(buffer.LOCK_KEY, 1)
    assert buffer.events_flush() == 0
    assert not ProductRecord.objects.exists()


def test_flush_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "shop.analytics.tasks.flush" in tasks


# --- the embedded SQLite's transaction modes ----------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's transaction modes only")
@pytest.mark.parametrize(
    ("method", "inside"), [("GET", None), ("HEAD", None), ("POST", "IMMEDIATE")]
)
def test_page_views_read_beside_the_writer_and_posts_take_the_write_lock(rf, method, inside):
    """GET requests begin DEFERRED (no write lock: they never queue behind a writer);
    POST requests begin IMMEDIATE (a read never fails upgrading to a write)."""
    from django.db.backends.signals import connection_created

    from config.sqlite import SQLiteReadRequestsDeferredMiddleware

    seen = []

    def view(request):
        seen.append(connection.transaction_mode)
        # A connection opened during the request reads the setting; the mode follows.
        connection.transaction_mode = "IMMEDIATE"
        connection_created.send(sender=connection.__class__, connection=connection)
        seen.append(connection.transaction_mode)
        return "response"

    request = rf.generic(method, "/shop/catalogue/")
    assert SQLiteReadRequestsDeferredMiddleware(view)(request) == "response"
    assert seen == [inside, inside]
    assert connection.transaction_mode == "IMMEDIATE"  # the setting again afterwards
