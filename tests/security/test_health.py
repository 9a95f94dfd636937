"""/healthz tells anonymous callers which part is down, never where it runs or why."""

import logging

import pytest

from config import health

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "redis at 10.0.3.17:6390 refused the connection"


@pytest.fixture
def broken_cache(monkeypatch):
    def check():
        raise ConnectionError(SECRET_DETAIL)

    monkeypatch.setitem(health.CHECKS, "cache", check)


@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_healthz_gives_outsiders_names_and_ok_or_failed_only(client, broken_cache, buyer, who):
    if who == "buyer":
        client.force_login(buyer)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body == {
        "status": "error",
        "failing": ["cache"],
        "checks": {"database": "ok", "cache": "failed", "broker": "ok"},
    }
    assert "10.0.3.17" not in response.content.decode()


def test_healthz_logs_the_detail(client, broken_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="config.health"):
        client.get("/healthz")
    assert SECRET_DETAIL in caplog.text


def test_staff_see_the_detail(client, broken_cache, staff_user):
    client.force_login(staff_user)
    body = client.get("/healthz").json()
    assert body["checks"]["cache"] == f"error: ConnectionError: {SECRET_DETAIL}"


def test_bench_trivial_is_off_unless_the_benchmark_enables_it(client, settings):
    assert client.get("/bench/trivial").status_code == 404
    settings.BENCH_TRIVIAL_VIEW = True
    response = client.get("/bench/trivial")
    assert (response.status_code, response.content) == (200, b"ok")


def test_the_benchmark_run_enables_bench_trivial():
    from tests.bench import run_bench

    env = run_bench.bench_env(role="bench", cache_url=None)
    assert env["BENCH_TRIVIAL_VIEW"] == "True"
