"""``manage.py seed_demo``: a consistent demo hall, written once however often it runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from complaints.models import BAD_LEVELS, BadRatingCase, Rating
from guides.models import ApprovalItem
from hall.models import AuditEntry, CalendarDay, HallProfile
from hall.roles import DEPARTMENT_LIAISON, DUTY_SUPERVISOR, HALL_ADMIN, WINDOW_STAFF
from staff.models import Assignment, StaffMember
from windows.models import Department, Liaison, Window

pytestmark = pytest.mark.django_db

MODELS = [
    Department,
    Window,
    ApprovalItem,
    StaffMember,
    Assignment,
    get_user_model(),
    AuditEntry,
    CalendarDay,
    BadRatingCase,
]


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def assert_everyone_sits_in_their_department():
    staff = list(StaffMember.objects.select_related("window"))
    assert staff
    assert all(s.window is not None for s in staff)
    assert [s for s in staff if s.window.department_id != s.department_id] == []
    open_seats = dict(
        Assignment.objects.filter(end__isnull=True).values_list("staff_id", "window_id")
    )
    assert open_seats == {s.pk: s.window_id for s in staff}


def test_second_run_changes_nothing():
    seed()
    first = counts()
    # Bad-rating cases (差评整改): one per bad rating, in every state.
    states = set(BadRatingCase.objects.values_list("state", flat=True))
    assert states == set(BadRatingCase.State.values)
    assert BadRatingCase.objects.count() == Rating.objects.filter(level__in=BAD_LEVELS).count()
    audit_ids = set(AuditEntry.objects.values_list("pk", flat=True))

    output = seed()

    assert counts() == first
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == audit_ids
    assert "nothing to do" in output
    assert first["Department"] >= 18
    assert first["Window"] >= 40
    assert first["StaffMember"] >= 120
    assert first["CalendarDay"] > 0
    assert HallProfile.objects.get(pk=1).name == "沙坪坝区行政审批服务大厅"


def test_demo_logins_authenticate_with_their_roles():
    output = seed("-v0")

    assert output.startswith("username")
    request = RequestFactory().post("/accounts/login/")
    expected = {
        "admin": HALL_ADMIN,
        "supervisor": DUTY_SUPERVISOR,
        "liaison": DEPARTMENT_LIAISON,
        "S0001": WINDOW_STAFF,
    }
    for username, role in expected.items():
        assert username in output
        user = authenticate(request, username=username, password="hall-demo-2026")
        assert user is not None, username
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert Liaison.objects.get(user__username="liaison").department.short_name == "工商"
    assert StaffMember.objects.get(employee_no="S0001").user.username == "S0001"


def test_every_staff_member_sits_at_a_window_of_their_department():
    seed()

    assert_everyone_sits_in_their_department()
    chiefs = StaffMember.objects.filter(post=StaffMember.Post.CHIEF)
    assert sorted(chiefs.values_list("department__code", flat=True)) == sorted(
        Department.objects.values_list("code", flat=True)
    )
    moved = Assignment.objects.filter(end__isnull=False)
    assert moved.exists()
    assert all(a.window.department_id == a.staff.department_id for a in moved)


def test_scaling_up_adds_windows_and_staff_and_keeps_the_base_hall():
    seed("-v0")
    base = dict(StaffMember.objects.values_list("employee_no", "name"))

    seed("--windows", "60", "--staff", "500", "-v0")

    assert Window.objects.filter(active=True).count() >= 60
    assert StaffMember.objects.count() >= 500
    assert Window.objects.filter(number="C20").exists()
    assert StaffMember.objects.filter(employee_no="S0500").exists()
    after = dict(StaffMember.objects.values_list("employee_no", "name"))
    assert {no: after[no] for no in base} == base
    assert_everyone_sits_in_their_department()
