"""The month's rating indicators: shares, satisfaction rate, ranking, the talk (约谈) flag,
the statistics page and its Excel export."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from complaints import selectors
from complaints.models import Level, Rating
from tests.factories import WindowFactory
from tests.helpers import ratings_made

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
L = Level


def rate(window, level, n=1, *, month=MARCH, staff=None, day=10):
    at = datetime.datetime(month.year, month.month, day, 10, 0, tzinfo=SHANGHAI)
    ratings_made(window, level, n, at=at, staff=staff)


def by_window(month):
    return {i.subject.number: i for i in selectors.window_indicators(month)}


def test_satisfaction_rate_and_shares_on_known_data(window):
    rate(window, L.VERY_SATISFIED, 5)
    rate(window, L.SATISFIED, 2)
    rate(window, L.BASIC, 1)
    rate(window, L.DISSATISFIED, 1)
    rate(window, L.VERY_DISSATISFIED, 1)
    i = by_window(MARCH)["A01"]
    assert i.total == 10 and i.bad == 2
    assert i.rate == Decimal("80.0")  # (5 + 2 + 1) ÷ 10
    assert [(level, n, share) for level, _label, n, share in i.shares] == [
        (L.VERY_SATISFIED, 5, Decimal("50.0")),
        (L.SATISFIED, 2, Decimal("20.0")),
        (L.BASIC, 1, Decimal("10.0")),
        (L.DISSATISFIED, 1, Decimal("10.0")),
        (L.VERY_DISSATISFIED, 1, Decimal("10.0")),
    ]


def test_the_satisfaction_formula_comes_from_settings(window, settings):
    settings.HALL_RATING_SATISFACTION_WEIGHTS = {
        "very_satisfied": 1,
        "satisfied": 0.8,
        "basic": 0.6,
        "dissatisfied": 0,
        "very_dissatisfied": 0,
    }
    rate(window, L.VERY_SATISFIED, 1)
    rate(window, L.SATISFIED, 1)
    rate(window, L.BASIC, 1)
    rate(window, L.DISSATISFIED, 1)
    assert by_window(MARCH)["A01"].rate == Decimal("60.0")  # (1 + .8 + .6) ÷ 4


def test_ratings_are_counted_in_the_month_of_the_halls_clock(window):
    # 2026-03-31 23:30 in Shanghai is 15:30 UTC: March, not April.
    Rating.objects.create(
        window=window,
        department=window.department,
        level=L.SATISFIED,
        channel="qr",
        created_at=datetime.datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI),
    )
    assert by_window(MARCH)["A01"].total == 1
    assert by_window(APRIL)["A01"].total == 0


def test_a_window_without_ratings_is_listed_unranked_with_no_rate(window):
    i = by_window(MARCH)["A01"]
    assert (i.total, i.rate, i.rank) == (0, None, None)


def test_the_ranking_orders_by_satisfaction_then_fewer_bad_ratings(settings, department):
    settings.HALL_RATING_RANK_MIN = 2
    best, worse, worst, few = (
        WindowFactory(number=n, department=department) for n in ("C01", "C02", "C03", "C04")
    )
    rate(best, L.SATISFIED, 4)
    rate(worse, L.SATISFIED, 3)
    rate(worse, L.DISSATISFIED, 1)
    rate(worst, L.SATISFIED, 1)
    rate(worst, L.VERY_DISSATISFIED, 1)
    rate(few, L.VERY_DISSATISFIED, 1)  # under the minimum: not ranked
    got = by_window(MARCH)
    assert [got[n].rank for n in ("C01", "C02", "C03", "C04")] == [1, 2, 3, None]


def test_windows_in_the_bottom_two_two_months_running_are_flagged_for_a_talk(settings, department):
    settings.HALL_RATING_RANK_MIN = 1
    settings.HALL_RATING_TALK_BOTTOM = 2
    w = {n: WindowFactory(number=n, department=department) for n in ("D1", "D2", "D3", "D4")}
    # March: D3 and D4 at the bottom. April: D4 and D2 at the bottom.
    for window, bad in (("D1", 0), ("D2", 1), ("D3", 2), ("D4", 3)):
        rate(w[window], L.SATISFIED, 4, month=MARCH)
        rate(w[window], L.DISSATISFIED, bad, month=MARCH)
    for window, bad in (("D1", 0), ("D2", 2), ("D3", 0), ("D4", 3)):
        rate(w[window], L.SATISFIED, 4, month=APRIL)
        rate(w[window], L.DISSATISFIED, bad, month=APRIL)
    flagged = {n for n, i in by_window(APRIL).items() if i.talk}
    assert flagged == {"D4"}


def test_one_bad_month_alone_is_not_flagged(settings, department):
    settings.HALL_RATING_RANK_MIN = 1
    good, bad = WindowFactory(department=department), WindowFactory(department=department)
    rate(good, L.SATISFIED, 3, month=APRIL)
    rate(bad, L.DISSATISFIED, 3, month=APRIL)
    assert not any(i.talk for i in selectors.window_indicators(APRIL))


def test_department_and_staff_indicators_add_up(window, other_window, staff_member):
    rate(window, L.SATISFIED, 3, staff=staff_member)
    rate(window, L.DISSATISFIED, 1)
    rate(other_window, L.VERY_SATISFIED, 2)
    departments = {i.subject.code: i for i in selectors.department_indicators(MARCH)}
    assert (departments["GS"].total, departments["GS"].bad) == (4, 1)
    assert departments["SW"].rate == Decimal("100.0")
    people = selectors.staff_indicators(MARCH)
    assert [(i.subject, i.total) for i in people] == [(staff_member, 3)]


def test_the_statistics_page_shows_the_month_and_flags(admin, window, settings):
    settings.HALL_RATING_RANK_MIN = 1
    rate(window, L.SATISFIED, 3)
    rate(window, L.DISSATISFIED, 1)
    html = admin.get(reverse("rating_stats"), {"month": "2026-03"}).content.decode()
    assert "75.0%" in html and "A01" in html
    for by in ("department", "staff"):
        assert admin.get(reverse("rating_stats"), {"month": "2026-03", "by": by}).status_code == 200


def test_the_excel_export_has_a_sheet_per_subject_with_the_figures(admin, window, staff_member):
    rate(window, L.VERY_SATISFIED, 1, staff=staff_member)
    rate(window, L.VERY_DISSATISFIED, 1)
    response = admin.get(reverse("rating_stats_export"), {"month": "2026-03"})
    assert response["Content-Disposition"].endswith('ratings-2026-03.xlsx"')
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.worksheets) == 3
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    a01 = next(r for r in rows[1:] if r[1] == "A01")
    assert a01[4] == 2 and a01[10] == 50.0 and a01[11] == 1
    staff_rows = list(wb.worksheets[2].iter_rows(values_only=True))
    assert staff_rows[1][1] == staff_member.employee_no


def test_satisfaction_rates_count_every_rating_for_the_window_and_named_ones_for_a_person(
    window, staff_member, django_assert_num_queries
):
    rate(window, L.VERY_SATISFIED, 3, staff=staff_member)
    rate(window, L.DISSATISFIED, 1, staff=staff_member)
    rate(window, L.VERY_DISSATISFIED, 4)  # nobody named
    rate(window, L.SATISFIED, 9, month=APRIL)
    with django_assert_num_queries(3):  # the rollup, its reach, the ratings past its reach
        staff, windows = selectors.satisfaction_rates(MARCH)
    assert staff == {staff_member.pk: Decimal("75.0")}
    assert windows == {window.pk: Decimal("37.5")}
