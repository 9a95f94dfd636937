"""What a cached page asks the cache once per request: the versions, the user's chrome.

A buyer's cached product page used to ask Redis 17 times: the versions six times, the
user's chrome twice, the analytics counter three times. These tests pin the fewer round
trips and that a change made during a request is still seen at once.
"""

import uuid

import pytest
from django.test import Client

from shop.caching import versions
from shop.caching.versions import (
    request_versions_end,
    request_versions_start,
    version_bump,
    versions_token,
)
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/7"


def _counting(monkeypatch, module, name) -> list:
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args or kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.fixture
def buyer(db):
    member = CompanyMemberFactory(user=UserFactory(email="kim@alpha.example"))
    product = ProductFactory(title="Ball bearing 6204", category=category_create("Bearings"))
    client = Client()
    client.force_login(member.user)
    return member, product, client


def test_versions_are_read_once_per_request_with_the_usual_scopes(monkeypatch):
    reads = _counting(monkeypatch, versions, "_read")
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
    reads = _counting(monkeypatch, versions, "_read")
    import shop.caching.chrome as chrome

    chromes = _counting(monkeypatch, chrome, "user_chrome")
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
