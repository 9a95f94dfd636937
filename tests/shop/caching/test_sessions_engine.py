"""Sessions come from the cache only when the cache is one all workers share (Redis)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CompanyMemberFactory, UserFactory

ROOT = Path(__file__).resolve().parents[3]


def _engine(cache_url: str) -> str:
    env = {**os.environ, "CACHE_URL": cache_url, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    code = (
        "import config.settings.base as s; from django.conf import global_settings as g; "
        "print(getattr(s, 'SESSION_ENGINE', g.SESSION_ENGINE), s.CACHES['default']['BACKEND'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_sessions_use_the_cache_only_when_every_worker_shares_it():
    assert _engine("redis://127.0.0.1:6379/7") == (
        "django.contrib.sessions.backends.cached_db shop.caching.backends.RedisCache"
    )
    # Local memory is per process: a logout in one worker would not end the others' copies.
    assert _engine("locmemcache://x").startswith("django.contrib.sessions.backends.db ")


@pytest.mark.django_db
@pytest.mark.skipif(
    settings.SESSION_ENGINE != "django.contrib.sessions.backends.cached_db",
    reason="sessions in the database (no shared cache in this run)",
)
def test_a_signed_in_page_reads_its_session_from_the_cache_and_logout_ends_it():
    member = CompanyMemberFactory(user=UserFactory())
    client = Client()
    client.force_login(member.user)
    client.get(reverse("catalogue:index"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("catalogue:index")).status_code == 200
    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]]
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert replay.get(reverse("customer:summary")).status_code == 302  # to the login page
