"""The overdue complaints' daily task: named in the beat schedule, registered with the Celery
app, and run by a real worker on Redis and PostgreSQL (sends each notice once)."""

from __future__ import annotations

import datetime
import time

import pytest
from django.conf import settings
from django.utils import timezone

from complaints import desk
from complaints.models import Complaint
from hall.models import Notice
from tests.hall.test_worker import celery_worker_process  # noqa: F401  (the fixture)

TASK = "complaints.tasks_desk.complaints_overdue"


def test_the_beat_schedule_runs_the_overdue_task_daily_and_the_app_knows_it():
    from hall.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["complaints-overdue"]
    assert entry["task"] == TASK
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {30}
    app.loader.import_default_modules()
    assert TASK in app.tasks


@pytest.mark.worker
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)")
def test_a_real_worker_sends_the_reminder_once(celery_worker_process, admin_user):  # noqa: F811
    from hall.celery import app

    received = timezone.now() - datetime.timedelta(days=20)
    complaint = desk.complaint_receive(
        actor=admin_user,
        complainant="王先生",
        target=desk.Target("hall"),
        facts="无人答复",
        channel="phone",
        form="written",
        received_at=received,
    )
    for _ in range(2):
        app.send_task(TASK)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        complaint.refresh_from_db()
        if complaint.escalated_at is not None:
            break
        time.sleep(0.3)
    time.sleep(1)  # let the second run finish
    assert complaint.reminded_at is not None and complaint.escalated_at is not None
    kinds = sorted(Notice.objects.filter(user=admin_user).values_list("kind", flat=True))
    assert kinds == ["complaint_escalated", "complaint_reminder"]
    assert Complaint.objects.get().steps.filter(action="reminded").count() == 1
