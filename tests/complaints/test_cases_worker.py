"""The daily overdue check of bad-rating cases runs in a real Celery worker (PostgreSQL and
Redis run only; skipped on the embedded default)."""

from __future__ import annotations

import datetime
import time

import pytest
from django.conf import settings

from complaints.models import BadRatingCase, Rating
from complaints.tasks import cases_mark_overdue
from hall.models import Notice
from tests.hall.test_worker import celery_worker_process  # noqa: F401 — the worker fixture

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)"),
]


def test_the_overdue_check_runs_in_a_real_worker(
    celery_worker_process,  # noqa: F811
    window,
    staff_member,
    admin_user,
):
    from complaints.cases import case_open

    rating = Rating.objects.create(
        window=window, staff=staff_member, department=window.department, level="dissatisfied"
    )
    case = case_open(rating=rating)
    after = case.deadline + datetime.timedelta(days=1)
    cases_mark_overdue.delay(after.isoformat())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        case.refresh_from_db()
        if case.state == BadRatingCase.State.OVERDUE:
            break
        time.sleep(0.3)
    assert case.state == BadRatingCase.State.OVERDUE
    assert Notice.objects.filter(user=admin_user, kind="bad_rating_overdue").exists()
