"""A real Celery worker, started as its own process on Redis, runs a task the app queued.

Runs where REDIS_URL is set (CI's PostgreSQL + Redis pass); skipped on the embedded default,
where tasks run eagerly in-process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from hall.models import CalendarDay, CalendarSync

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)"),
]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] or "postgres"
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db):
    """``celery worker`` in a subprocess, on the test database, consuming the default queue."""
    from hall.celery import app

    app.conf.task_always_eager = False
    if connection.vendor == "sqlite":
        pytest.skip("the worker needs a database another process can open (PostgreSQL)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hall.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
    }
    log = Path(os.environ.get("HALL_TEST_LOG_DIR", "/tmp")) / f"worker-{uuid.uuid4().hex}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "hall",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text() and time.monotonic() < deadline:
        assert proc.poll() is None, f"worker died:\n{log.read_text()}"
        time.sleep(0.3)
    assert "ready." in log.read_text(), f"worker never became ready:\n{log.read_text()}"
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    app.conf.task_always_eager = True


def test_calendar_sync_queued_from_the_page_runs_in_a_real_worker(celery_worker_process, admin):
    response = admin.post(reverse("calendar_sync"))
    assert response.status_code == 302
    sync = CalendarSync.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sync.refresh_from_db()
        if sync.status in {CalendarSync.Status.DONE, CalendarSync.Status.FAILED}:
            break
        time.sleep(0.3)
    assert sync.status == CalendarSync.Status.DONE, sync.error
    assert sync.days_written > 500
    national_day = CalendarDay.objects.get(date="2025-10-01")
    assert national_day.kind == CalendarDay.Kind.HOLIDAY
    assert national_day.name == "国庆节"
