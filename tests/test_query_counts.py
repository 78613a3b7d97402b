"""Every list page runs a fixed number of queries, however many rows it shows."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ApprovalItemFactory,
    DepartmentFactory,
    StaffMemberFactory,
    UserFactory,
    WindowFactory,
)


def _grow(kind: str, n: int, department) -> None:
    for _ in range(n):
        if kind == "department":
            DepartmentFactory()
        elif kind == "window":
            WindowFactory(department=department)
        elif kind == "item":
            ApprovalItemFactory(department=department)
        elif kind == "staff":
            StaffMemberFactory(window=WindowFactory(department=department))
        elif kind == "user":
            UserFactory(roles=["duty_supervisor"])


def _page_queries(ctx) -> int:
    """Queries of the page itself: the session read is 0 or 1 depending on the session engine
    (cached sessions with Redis), so it is left out of the pinned figures."""
    return sum("django_session" not in q["sql"] for q in ctx.captured_queries)


def _queries(client, url) -> int:
    cache.clear()  # measure the full render, not a cached body
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return _page_queries(ctx)


# url name → queries of a full render: user, roles, audit head, hall profile, filter
# choices, count, rows (+ prefetches)
PINNED = {
    "department_list": ("department", 6),
    "window_list": ("window", 7),
    "item_list": ("item", 7),
    "staff_list": ("staff", 7),
    "user_list": ("user", 6),
}


@pytest.mark.parametrize("name", PINNED)
def test_list_page_query_count_does_not_grow_with_rows(name, admin, department):
    kind, pinned = PINNED[name]
    url = reverse(name)
    _grow(kind, 3, department)
    few = _queries(admin, url)
    _grow(kind, 27, department)
    many = _queries(admin, url)
    assert few == many == pinned


def test_a_cached_list_body_costs_three_queries_beyond_the_session(admin, department):
    _grow("staff", 5, department)
    url = reverse("staff_list")
    admin.get(url)
    with CaptureQueriesContext(connection) as ctx:
        admin.get(url)
    assert _page_queries(ctx) == 3  # user, roles, audit head


def test_a_change_shows_on_the_list_at_once(admin, department, staff_member):
    url = reverse("staff_list")
    assert staff_member.name in admin.get(url).content.decode()
    admin.post(reverse("staff_toggle", args=[staff_member.pk]), follow=True)  # reads message
    assert staff_member.name not in admin.get(url).content.decode()


# --- the annual appraisal: the year page and the list of years -----------------------------


def _annual_year(n_staff: int, department) -> None:
    """``n_staff`` more staff with a final and a published month of 2026, then a recompute."""
    import datetime
    from decimal import Decimal

    from appraisal.annual import annual_compute
    from appraisal.models import AppraisalMonth, Award, MonthlyResult

    months = [
        AppraisalMonth.objects.get_or_create(
            month=datetime.date(2026, m, 1), defaults={"status": status}
        )[0]
        for m, status in ((9, "final"), (10, "published"))
    ]
    for i in range(n_staff):
        person = StaffMemberFactory(window=WindowFactory(department=department))
        for m in months:
            MonthlyResult.objects.create(
                month=m,
                staff=person,
                department=department,
                total=Decimal(98 + i % 5),
                additions=Decimal(i % 3),
                deductions=Decimal(i % 2),
                rank_hall=MonthlyResult.objects.filter(month=m).count() + 1,
                rank_department=1,
                disqualified=i % 7 == 0,
            )
        if i % 4 == 0:
            Award.objects.create(month=months[0], kind="service_star", staff=person, reason="★")
    annual_compute(2026, author=None)


@pytest.mark.parametrize(
    ("name", "kwargs", "pinned"),
    [
        # user, roles, hall profile, year, months of the year, summary, count, rows
        ("appraisal_annual", {"year": 2026}, 8),
        # user, roles, hall profile, years with their row counts, month years
        ("appraisal_annual_list", None, 5),
    ],
)
def test_annual_pages_run_the_same_queries_for_5_and_50_staff(
    admin, department, name, kwargs, pinned
):
    url = reverse(name, kwargs=kwargs)
    _annual_year(5, department)
    few = _queries(admin, url)
    _annual_year(45, department)
    many = _queries(admin, url)
    assert few == many == pinned


# --- window status signs: the public floor board and the month's minutes -------------------


def _signed_windows(n: int, department, actor) -> None:
    from windows.status import window_sign_set

    for i in range(n):
        w = WindowFactory(department=department)
        window_sign_set(actor=actor, window=w, sign="open")
        if i % 2:
            window_sign_set(actor=actor, window=w, sign="fault", note="断网")


@pytest.mark.parametrize(
    ("persona", "name", "pinned"),
    [
        # hall profile, windows, their signs (no login: no user, no roles)
        ("anonymous", "window_board", 3),
        # user, roles, hall profile, windows, signs overlapping the month
        ("admin", "window_sign_month", 5),
    ],
)
def test_sign_pages_run_the_same_queries_for_3_and_30_windows(
    request, persona, name, pinned, department, admin_user
):
    client = request.getfixturevalue(persona)
    _signed_windows(3, department, admin_user)
    few = _queries(client, reverse(name))
    _signed_windows(27, department, admin_user)
    many = _queries(client, reverse(name))
    assert few == many == pinned


# --- the duty desk: every shift's log for the hall office, the roster grid ------------------


def _shifts(n: int, start_offset: int) -> None:
    import datetime
    import uuid

    from hall.models import DutyLogEntry, DutyShift

    base = datetime.date(2026, 1, 1)
    for i in range(n):
        user = UserFactory(roles=["duty_supervisor"])
        shift = DutyShift.objects.create(
            date=base + datetime.timedelta(days=start_offset + i), supervisor=user
        )
        DutyLogEntry.objects.create(
            shift=shift, kind="note", key=uuid.uuid4(), author=user, text="记录", follow_up=i % 2
        )
        if i % 3 == 0:
            DutyRosterDayFactory(shift)


def DutyRosterDayFactory(shift):  # noqa: N802  (reads like the factory it stands for)
    from hall.models import DutyRosterDay

    DutyRosterDay.objects.create(date=shift.date, supervisor=shift.supervisor)


@pytest.mark.parametrize(
    ("name", "params", "pinned"),
    [
        # user, roles, hall profile, count, shifts with their entry counts
        ("duty_shift_list", None, 5),
        # user, roles, hall profile, calendar days, roster days, supervisors
        ("duty_roster", {"month": "2026-01"}, 6),
    ],
)
def test_duty_pages_run_the_same_queries_for_3_and_30_shifts(admin, name, params, pinned):
    url = reverse(name) + (f"?month={params['month']}" if params else "")
    _shifts(3, 0)
    few = _queries(admin, url)
    _shifts(27, 3)
    many = _queries(admin, url)
    assert few == many == pinned
