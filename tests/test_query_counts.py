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


# --- ratings -------------------------------------------------------------------------------


def _ratings(n: int, window, staff=None) -> None:
    from complaints.models import Rating, RatingReason

    reason = RatingReason.objects.get_or_create(
        code="QC1", defaults={"level": "satisfied", "title": "快"}
    )[0]
    made = Rating.objects.bulk_create(
        Rating(window=window, department=window.department, staff=staff, level=level, channel="qr")
        for level in ("satisfied", "basic", "dissatisfied")
        for _ in range(n)
    )
    Rating.reasons.through.objects.bulk_create(
        Rating.reasons.through(rating_id=r.pk, ratingreason_id=reason.pk) for r in made
    )


def _rated_staff(n: int, department) -> None:
    for _ in range(n):
        member = StaffMemberFactory(window=WindowFactory(department=department))
        _ratings(1, member.window, member)


# by → queries: user, roles, hall profile, this and last month's window counts, windows,
# the hall's counts, (+ the tab's counts and subjects)
STATS_PINNED = {"window": 7, "department": 9, "staff": 9}


@pytest.mark.parametrize("by", STATS_PINNED)
def test_rating_statistics_query_count_does_not_grow_with_rows(admin, department, by):
    url = f"{reverse('rating_stats')}?by={by}"
    _rated_staff(3, department)
    few = _queries(admin, url)
    _rated_staff(27, department)
    many = _queries(admin, url)
    assert few == many == STATS_PINNED[by]


def test_my_ratings_query_count_does_not_grow_with_rows(staff, staff_member):
    url = reverse("rating_my")
    _ratings(2, staff_member.window, staff_member)
    few = _queries(staff, url)
    _ratings(20, staff_member.window, staff_member)
    many = _queries(staff, url)
    assert few == many == 7  # user, roles, hall profile, staff member, count, page, reasons


def test_rating_reason_list_query_count_does_not_grow_with_rows(admin):
    from complaints.models import RatingReason

    url = reverse("rating_reason_list")
    RatingReason.objects.bulk_create(
        RatingReason(level="basic", code=f"R{n}", title=f"理由{n}") for n in range(3)
    )
    few = _queries(admin, url)
    RatingReason.objects.bulk_create(
        RatingReason(level="basic", code=f"R{n}", title=f"理由{n}") for n in range(3, 30)
    )
    many = _queries(admin, url)
    assert few == many == 6  # user, roles, audit head, hall profile, count, rows
