"""Celery is wired: tasks are discovered, beat is scheduled, tasks run (eagerly by default)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from config.celery import app
from config.tasks import heartbeat, ping


def test_tasks_are_autodiscovered_and_beat_schedule_names_real_tasks():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_tasks_run_eagerly_exactly_when_no_broker_is_configured():
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not os.environ.get("CELERY_BROKER_URL"))


def test_tasks_do_their_work(db):
    assert ping.apply(args=["abc"]).get(timeout=1) == "pong:abc"
    heartbeat.apply()
    assert cache.get("portal:last-heartbeat")


@pytest.mark.services
@pytest.mark.real_celery
def test_a_real_worker_runs_a_task_through_redis(tmp_path: Path):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    assert broker.startswith("redis://"), "set CELERY_BROKER_URL=redis://... for this test"
    assert settings.CELERY_RESULT_BACKEND, "set CELERY_RESULT_BACKEND too, to read the answer"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            f"test-{uuid.uuid4().hex}",
            "--loglevel=WARNING",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=(tmp_path / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        queue = worker.args[worker.args.index("-Q") + 1]
        token = uuid.uuid4().hex
        result = ping.apply_async(args=[token], queue=queue)
        assert result.get(timeout=60) == f"pong:{token}"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
