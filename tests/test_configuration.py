"""Bad configuration gives one clear line; production settings are safe."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k" * 20 + "-production-secret-for-tests-only-" + "z" * 20


def _run(args: list[str], **env_overrides: str) -> subprocess.CompletedProcess:
    # A clean slate: none of the integration switches of the calling test run.
    switches = (
        "DJANGO_",
        "DATABASE_URL",
        "CACHE_URL",
        "CELERY_",
        "EMAIL_URL",
        "STRIPE_",
        "TEST_SQLITE",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(switches)}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run(
        ["manage.py", "check"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_ALLOWED_HOSTS="portal.example",
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DJANGO_SECRET_KEY must be set" in lines[0]


def test_production_refuses_the_development_key():
    result = _run(
        ["manage.py", "check"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="dev-only-insecure-key-do-not-use-in-production",
        DJANGO_ALLOWED_HOSTS="portal.example",
    )
    assert result.returncode == 2
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_pass_check_deploy():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=GOOD_SECRET,
        DJANGO_ALLOWED_HOSTS="portal.example",
        # A shared cache: with local memory the login lockout counts per worker, which the
        # deploy check warns about (partshub.W001, tests/security/test_login_doors.py).
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_unreachable_database_is_one_clear_line():
    result = _run(
        ["manage.py", "migrate", "--check"],
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/nowhere",  # nothing listens on port 1
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot use the database (postgresql at 127.0.0.1:1)")
    assert "DATABASE_URL" in lines[0]


def test_malformed_database_url_is_one_clear_line():
    result = _run(
        ["manage.py", "check"],
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL="notadb://what",
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: configuration:")


@pytest.mark.parametrize("module", ["config.settings.base", "config.settings.test"])
def test_embedded_defaults_need_no_services(module, settings):
    from django.conf import settings as live

    if module == "config.settings.test":
        assert live.CELERY_TASK_ALWAYS_EAGER is (not os.environ.get("CELERY_BROKER_URL"))
    result = _run(
        [
            "-c",
            f"import {module} as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.DATABASES['default']['ENGINE'])",
        ]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.core.mail.backends.console.EmailBackend"
        if module.endswith("base")
        else "django.core.mail.backends.locmem.EmailBackend",
        "django.db.backends.sqlite3",
    ]
