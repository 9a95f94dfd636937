import pytest

from config import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_part_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}


def test_healthz_names_the_failing_part_with_503(client, monkeypatch, staff_user):
    def broken_cache():
        raise ConnectionError("redis at 127.0.0.1:6390 refused the connection")

    monkeypatch.setitem(health.CHECKS, "cache", broken_cache)
    client.force_login(staff_user)  # only staff see why (tests/security/test_health.py)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert "refused" in body["checks"]["cache"]
    assert body["checks"]["database"] == "ok"


def test_healthz_reports_an_unreachable_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
