"""The demo duty desk: a roster, a month of shifts with logs, signs; written once."""

from __future__ import annotations

import datetime

import pytest

from hall.demo_duty import seed_duty
from hall.models import DutyLogEntry, DutyRosterDay, DutyShift
from tests.factories import StaffMemberFactory, UserFactory
from windows.models import WindowStatus

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 4, 15)


@pytest.fixture
def small_hall(db):
    UserFactory(username="supervisor", roles=["duty_supervisor"])
    for _ in range(4):
        StaffMemberFactory()


def test_the_demo_has_a_roster_shifts_with_logs_and_signs(small_hall):
    seed_duty(today=TODAY)

    assert DutyRosterDay.objects.filter(date=TODAY, supervisor__username="supervisor").exists()
    assert not DutyShift.objects.filter(date=TODAY).exists()  # left for the demo to open
    assert DutyShift.objects.filter(date__lt=TODAY, closed_at__isnull=False).count() >= 20
    assert DutyLogEntry.objects.filter(kind="reception").count() > 200
    assert DutyLogEntry.objects.filter(follow_up=True, resolved_at__isnull=True).exists()
    assert WindowStatus.objects.filter(ended_at__isnull=True).count() == 4


def test_a_second_run_writes_nothing(small_hall):
    seed_duty(today=TODAY)
    before = (DutyShift.objects.count(), DutyLogEntry.objects.count(), WindowStatus.objects.count())

    created = seed_duty(today=TODAY)

    assert not created
    after = (DutyShift.objects.count(), DutyLogEntry.objects.count(), WindowStatus.objects.count())
    assert after == before
