"""Tests: fast hashing, local memory email and cache, eager Celery, no real Stripe."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://tests")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "shop.caching.backends.RedisCache"  # as base.py does
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Tests flush the analytics buffer themselves (shop.analytics.tasks.flush); a background
# thread writing into the test database would race the test's own transactions.
ANALYTICS_FLUSH_IN_PROCESS = False
# Base's loggers and filters (a 403 without traceback), quieter and without the console.
LOGGING = {**LOGGING, "root": {"level": "WARNING"}}  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file (not memory) so that `pytest --reuse-db` can skip migrations locally.
    # TEST_SQLITE_NAME lets two runs on one machine keep apart.
    _test_db = Path(env("TEST_SQLITE_NAME", default=str(BASE_DIR / "var" / "test-db.sqlite3")))  # noqa: F405
    _test_db.parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}  # noqa: F405
