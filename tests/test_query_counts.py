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


def _month_documents(month, n: int, start: int) -> None:
    from django.utils import timezone

    from hall.models import Document

    for i in range(start, start + n):
        Document.objects.create(
            kind="appraisal.staff_sheet",
            key=f"appraisal-month-{month:%Y-%m}-staff-{i}",
            group=f"appraisal-month-{month:%Y-%m}",
            title=f"考核表 {i}",
            params={"month": month.isoformat(), "staff": i},
            requested_at=timezone.now(),
        )


def test_the_month_reports_page_query_count_does_not_grow_with_documents(admin):
    """user, roles, hall profile, month, ledger fingerprint, count, rows."""
    import datetime

    from appraisal.models import AppraisalMonth

    month = datetime.date(2026, 3, 1)
    AppraisalMonth.objects.create(month=month, status=AppraisalMonth.Status.CLOSED)
    url = reverse("appraisal_month_reports", args=[month])
    _month_documents(month, 3, 0)
    few = _queries(admin, url)
    _month_documents(month, 27, 3)
    many = _queries(admin, url)
    assert few == many == 7
