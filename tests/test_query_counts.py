"""Every list page runs a fixed number of queries, however many rows it shows."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guides.models import GuideEdition, ServiceGuide
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
        elif kind == "guide":
            _guide(department)


def _guide(department) -> None:
    """An item whose guide has a published edition and a draft."""
    item = ApprovalItemFactory(department=department)
    guide = ServiceGuide.objects.create(item=item)
    author = UserFactory()
    for number, status in ((1, "published"), (2, "draft")):
        GuideEdition.objects.create(
            guide=guide,
            number=number,
            status=status,
            author=author,
            item_code=item.code,
            item_name=item.name,
            department_name=department.name,
        )


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
    # user, roles, hall profile, department choices, count, rows (one query with subqueries)
    "guide_list": ("guide", 6),
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


def test_the_public_guide_catalogue_query_count_does_not_grow_with_items(anonymous, department):
    url = reverse("guide_catalogue")
    _grow("guide", 3, department)
    few = _queries(anonymous, url)
    _grow("guide", 27, department)
    many = _queries(anonymous, url)
    assert few == many == 4  # hall profile, department choices, count, rows


def test_a_public_guide_renders_in_a_fixed_number_of_queries_however_long(anonymous, department):
    from guides.models import GuideMaterial, GuideStep

    _guide(department)
    edition = GuideEdition.objects.get(status="published")
    url = reverse("guide_public", args=[edition.item_code])
    counts = []
    for n in (3, 30):
        GuideMaterial.objects.bulk_create(
            GuideMaterial(edition=edition, order=i, name=f"材料{i}", form="copy") for i in range(n)
        )
        GuideStep.objects.bulk_create(
            GuideStep(edition=edition, order=i, title=f"步骤{i}") for i in range(n)
        )
        counts.append(_queries(anonymous, url))
    # hall profile, item with its edition id, edition, materials, steps, questions
    assert counts == [6, 6]


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
