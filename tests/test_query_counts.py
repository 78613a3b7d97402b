"""Every list page runs a fixed number of queries, however many rows it shows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisal.models import AppraisalMonth, MonthlyResult
from appraisal.services import score_entry_add, score_entry_reverse
from tests.appraisal.factories import RuleFactory
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


# --- a staff member's own scores (the phone page) -------------------------------------------


def _grow_my_scores(member, author, entries: int, months: int) -> None:
    """``entries`` more entries this month (one in three reversed, every other one without
    an author) and ``months`` more final months with a result, before the earliest one."""
    late, praise = RuleFactory(), RuleFactory(min_points=Decimal("1"), max_points=Decimal("1"))
    today = timezone.localdate()
    for i in range(entries):
        entry = score_entry_add(
            author=author if i % 2 else None,
            rule=praise if i % 4 == 0 else late,
            points=Decimal("1") if i % 4 == 0 else Decimal("-1"),
            occurred_on=today,
            staff=member,
            evidence=f"第{i}条",
        )
        if i % 3 == 0:
            score_entry_reverse(author=author, entry=entry, reason="核实撤销")
    start = AppraisalMonth.objects.order_by("month").values_list("month", flat=True).first()
    start = min(start or today.replace(day=1), today.replace(day=1))
    for _ in range(months):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
        month = AppraisalMonth.objects.create(month=start, status=AppraisalMonth.Status.FINAL)
        MonthlyResult.objects.create(
            month=month,
            staff=member,
            department=member.department,
            total=Decimal("99.5"),
            rank_hall=2,
            rank_department=1,
            bonus=Decimal("490.00"),
            is_star=True,
        )


# user, roles, hall profile, the staff record, the published results, this month's entries
# (the live total is netted from them); a past month adds the live total's own GROUP BY.
MY_SCORES_PINNED = {"": 6, "?month=2020-01": 7}


@pytest.mark.parametrize("query", MY_SCORES_PINNED)
def test_my_scores_query_count_does_not_grow_with_entries_or_months(
    query, staff, staff_member, admin_user
):
    url = reverse("appraisal_my_scores") + query
    _grow_my_scores(staff_member, admin_user, entries=3, months=1)
    few = _queries(staff, url)
    _grow_my_scores(staff_member, admin_user, entries=20, months=11)
    many = _queries(staff, url)
    assert few == many == MY_SCORES_PINNED[query]
