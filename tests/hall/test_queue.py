"""When the broker is down nothing is lost: the request is in the database and beat runs it."""

from __future__ import annotations

import pytest
from celery import Celery
from django.urls import reverse

from hall.models import CalendarDay, CalendarSync
from hall.queue import enqueue
from hall.tasks import calendar_sync_pending


@pytest.fixture
def dead_broker_task():
    app = Celery("dead", broker="redis://127.0.0.1:1/0")
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_max_retries = 0
    app.conf.broker_transport_options = {"max_retries": 0, "socket_connect_timeout": 1}

    @app.task(name="dead.noop")
    def noop(x):
        return x

    return noop


def test_enqueue_reports_a_broker_that_refuses_the_connection(dead_broker_task):
    assert enqueue(dead_broker_task, 1) is False


def test_a_sync_requested_while_the_queue_is_down_is_kept_and_said_so(admin, monkeypatch):
    monkeypatch.setattr("hall.views.enqueue", lambda task, *args: False)
    response = admin.post(reverse("calendar_sync"), follow=True)
    assert "已保存" in response.content.decode() or "saved" in response.content.decode()
    assert CalendarSync.objects.get().status == CalendarSync.Status.PENDING
    assert not CalendarDay.objects.exists()


def test_beat_runs_the_syncs_left_pending(db):
    pending = CalendarSync.objects.create()
    assert calendar_sync_pending() == 1
    pending.refresh_from_db()
    assert pending.status == CalendarSync.Status.DONE
    assert CalendarDay.objects.filter(date="2025-10-08", kind="holiday").exists()
    assert calendar_sync_pending() == 0
