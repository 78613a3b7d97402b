"""The demo's complaints desk: every channel and state, written once."""

from __future__ import annotations

import datetime

import pytest

from complaints.demo_desk import seed_complaints
from complaints.models import Complaint
from tests.factories import StaffMemberFactory, WindowFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def small_hall(department, admin_user, supervisor_user):
    for n in range(6):
        StaffMemberFactory(window=WindowFactory(number=f"A{n + 1:02d}", department=department))


def test_about_thirty_complaints_through_every_channel_and_state(small_hall):
    assert seed_complaints(rng_seed=7, today=TODAY) == 30
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == set(Complaint.Status.values)
    assert set(Complaint.objects.values_list("channel", flat=True)) == set(Complaint.Channel.values)
    assert Complaint.objects.filter(reminded_at__isnull=False).exists()
    assert Complaint.objects.filter(reopened=True).exists()
    assert not Complaint.objects.filter(channel="hotline", hotline_no="").exists()
    first = Complaint.objects.order_by("received_at").first()
    assert first.received_at.date() >= TODAY - datetime.timedelta(days=200)
    for complaint in Complaint.objects.prefetch_related("steps"):
        times = [s.at for s in complaint.steps.all()]
        assert times == sorted(times) and times[0] == complaint.received_at


def test_seeding_again_writes_nothing(small_hall):
    seed_complaints(rng_seed=7, today=TODAY)
    assert seed_complaints(rng_seed=7, today=TODAY) == 0
    assert Complaint.objects.count() == 30


def test_seeded_before_office_hours_nothing_lies_in_the_future(small_hall):
    import time_machine
    from django.utils import timezone

    from complaints.models import ComplaintStep

    early = datetime.datetime(
        2026, 12, 1, 5, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    with time_machine.travel(early, tick=False):
        seed_complaints(rng_seed=7)
        now = timezone.now()
    assert not Complaint.objects.filter(received_at__gt=now).exists()
    assert not ComplaintStep.objects.filter(at__gt=now).exists()
