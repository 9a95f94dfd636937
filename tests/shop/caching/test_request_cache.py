"""What a cached page asks the cache once per request: the versions, the user's chrome.

A buyer's cached product page used to ask Redis 17 times: the versions six times, the
user's chrome twice, the analytics counter three times. These tests pin the fewer round
trips and that a change made during a request is still seen at once.
"""

import uuid

import pytest

from shop.caching import versions
from shop.caching.versions import (
    request_versions_end,
    request_versions_start,
    version_bump,
    versions_token,
)
from tests.factories import ProductFactory
from tests.shop.caching.helpers import buyer_signed_in, calls_counted

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/7"


@pytest.fixture
def buyer(db):
    return buyer_signed_in()


def test_versions_are_read_once_per_request_with_the_usual_scopes(monkeypatch):
    reads = calls_counted(monkeypatch, versions, "_read")
    token = request_versions_start(usual_scopes=lambda: ["cms", "user:1"])
    try:
        first = versions_token(scopes=["catalogue", "prices"])
        assert versions_token(scopes=["cms", "user:1", "catalogue"]).endswith(first.split(".")[0])
        assert len(reads) == 1, "the usual scopes came with the first read"
        assert sorted(reads[0][0]) == sorted(
            ["cachever:catalogue", "cachever:prices", "cachever:cms", "cachever:user:1"]
        )
        versions_token(scopes=["basket:user:1"])  # not a usual scope: one more read
        assert len(reads) == 2
        before = versions_token(scopes=["cms"])
        version_bump(scope="cms")  # a change in this request: its next read sees it
        after = versions_token(scopes=["cms"])
        assert after != before and len(reads) == 3
    finally:
        request_versions_end(token)
    # Outside a request nothing is kept: every call reads.
    versions_token(scopes=["cms"])
    versions_token(scopes=["cms"])
    assert len(reads) == 5


def test_a_failing_usual_scopes_guess_still_reads_the_scopes_asked_for(monkeypatch):
    def broken() -> list[str]:
        raise RuntimeError("no user")

    token = request_versions_start(usual_scopes=broken)
    try:
        assert versions_token(scopes=["cms"]) == versions_token(scopes=["cms"])
        assert "x" not in versions_token(scopes=["cms"])
    finally:
        request_versions_end(token)


def test_a_cached_product_page_reads_versions_and_the_users_chrome_once(buyer, monkeypatch):
    member, product, client = buyer
    url = product.get_absolute_url()
    client.get(url)  # fills the fragments, the chrome and the header
    reads = calls_counted(monkeypatch, versions, "_read")
    import shop.caching.chrome as chrome

    chromes = calls_counted(monkeypatch, chrome, "user_chrome")
    assert client.get(url).status_code == 200
    assert len(reads) == 1, reads
    assert len(chromes) == 1


def _redis_cache(alias_prefix: str):
    from shop.caching.backends import RedisCache

    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": alias_prefix})
    try:
        backend.get("ping")
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return backend


def test_the_redis_backend_keeps_one_client_and_still_works():
    backend = _redis_cache(f"t-{uuid.uuid4().hex[:8]}")
    assert backend._cache.get_client() is backend._cache.get_client(write=True)
    backend.set("a", {"x": 1}, 60)
    assert backend.get("a") == {"x": 1}
    assert backend.add("n", 5, 60) and backend.incr("n") == 6
    assert backend.get_many(["a", "n", "missing"]) == {"a": {"x": 1}, "n": 6}
    backend.delete_many(["a", "n"])


def test_an_analytics_event_takes_its_number_in_one_round_trip_on_redis(monkeypatch):
    import redis

    from shop.analytics import buffer

    backend = _redis_cache(f"t-{uuid.uuid4().hex[:8]}")
    monkeypatch.setattr(buffer, "_cache", lambda: backend)
    monkeypatch.setattr(buffer, "_flusher_ensure", lambda: None)
    sent = []
    original = redis.Redis.execute_command

    def counted(self, *args, **kwargs):
        sent.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    assert buffer.event_record(kind=buffer.PRODUCT_VIEW, product_id=7) == 1
    assert buffer.event_record(kind=buffer.PRODUCT_VIEW, product_id=8) == 2
    assert sent == ["INCRBY", "SET", "INCRBY", "SET"]
    assert backend.get(buffer.SEQ_KEY) == 2  # the flush reads the counter through Django
    assert backend.get(buffer.EVENT_KEY.format(2))[1] == 8
    backend.delete_many([buffer.SEQ_KEY, buffer.EVENT_KEY.format(1), buffer.EVENT_KEY.format(2)])


def _cache_reads(monkeypatch) -> list:
    from django.core.cache import cache

    reads, inside = [], []
    for name in ("get", "get_many"):
        original = getattr(cache, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            if not inside:  # local memory's get_many calls get per key: one read
                reads.append((_name, args[0]))
            inside.append(1)
            try:
                return _original(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, name, counted)
    return reads


def test_a_cached_product_page_reads_the_cache_twice_versions_then_everything_else(
    buyer, monkeypatch
):
    from shop.bulk.models import RequisitionList

    member, product, client = buyer
    RequisitionList.objects.create(name="Workshop", owner=member.user, company=member.company)
    others = [ProductFactory() for _ in range(2)]
    for other in others:
        client.get(other.get_absolute_url())  # recently viewed products beside this one
    url = product.get_absolute_url()
    client.get(url)  # fills every entry
    reads = _cache_reads(monkeypatch)
    html = client.get(url).content.decode()
    assert "Workshop" in html and others[0].title in html
    # The versions, then the product's row, fragments, recently viewed, header, footer,
    # banner, the user's chrome and mini basket and list choices: one get_many each.
    # (With Redis, sessions are read from the cache too: that read is the session's.)
    reads = [(n, k) for n, k in reads if not str(k).startswith("django.contrib.sessions")]
    assert [name for name, _ in reads] == ["get_many", "get_many"], reads


def test_request_cache_reads_a_key_once_per_request_and_a_new_version_is_a_new_key():
    from django.core.cache import cache

    from shop.caching.versions import request_cache_get, request_cache_get_many

    cache.set("entry:1", "one")
    token = request_versions_start(usual_scopes=list)
    try:
        assert request_cache_get_many(["entry:1", "entry:2"]) == {"entry:1": "one"}
        cache.set("entry:2", "two")  # written after this request read it: a key per version
        assert request_cache_get("entry:2") is None
        assert request_cache_get("entry:3") is None
        cache.set("entry:3", "three")
        assert request_cache_get("entry:3") is None
    finally:
        request_versions_end(token)
    assert request_cache_get_many(["entry:1", "entry:2"]) == {"entry:1": "one", "entry:2": "two"}


def test_a_failing_prefetch_provider_costs_round_trips_not_the_page(buyer, monkeypatch):
    from shop.caching import prefetch

    member, product, client = buyer

    def broken(request):
        raise RuntimeError("provider bug")

    monkeypatch.setattr(prefetch, "_providers", [*prefetch._providers, broken])
    url = product.get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200 and product.title in response.content.decode()
