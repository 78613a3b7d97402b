"""The monthly rollup of ratings: equal to a direct count, exact while it is stale, rebuilt by
beat; and the indicators read through it (ranking ties, the talk flag's edge)."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from complaints import rollups, selectors, tasks
from complaints.models import Level, Rating, RatingMonth, RatingRollup
from tests.factories import StaffMemberFactory, WindowFactory
from tests.helpers import ratings_made

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FEB, MARCH, APRIL = datetime.date(2026, 2, 1), datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
L = Level


def at(day: datetime.date, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def rate(window, level, n=1, *, when, staff=None):
    ratings_made(window, level, n, at=when, staff=staff)


@pytest.fixture
def spread(window, other_window, staff_member):
    """Ratings of every level over February–April, named and not, on the months' edges."""
    other = StaffMemberFactory(window=other_window, department=other_window.department)
    for i, level in enumerate(Level.values):
        rate(window, level, i + 1, when=at(MARCH.replace(day=2)), staff=staff_member)
        rate(window, level, 2, when=at(MARCH.replace(day=20)))
        rate(other_window, level, 5 - i, when=at(MARCH.replace(day=31), 23, 59), staff=other)
        rate(other_window, level, 1, when=at(APRIL, 0, 0))  # April's first minute
        rate(window, level, 1, when=at(datetime.date(2026, 2, 28), 23, 59))
    return other


def as_tables(counts: rollups.MonthCounts) -> tuple:
    return counts.window, counts.department, counts.staff, counts.hall


def test_the_rollup_of_a_closed_month_equals_a_direct_count(spread):
    covered = rollups.rollup_refresh(MARCH, now=at(datetime.date(2026, 5, 3)))
    assert (
        covered
        == Rating.objects.filter(created_at__gte=at(MARCH, 0), created_at__lt=at(APRIL, 0)).count()
    )
    assert sum(RatingMonth.objects.filter(month=MARCH).values_list("count", flat=True)) == covered
    assert RatingRollup.objects.get(month=MARCH).covered_until == at(APRIL, 0)
    assert as_tables(rollups.month_counts(MARCH)) == as_tables(rollups.direct_counts(MARCH))
    # Read from the rollup alone: no rating of March is read live any more.
    assert as_tables(rollups.months_counts(MARCH, MARCH)[MARCH]) == as_tables(
        rollups.direct_counts(MARCH)
    )


def test_rebuilding_a_month_twice_gives_the_same_rows(spread):
    rollups.rollup_refresh(MARCH, now=at(datetime.date(2026, 5, 3)))
    first = sorted(RatingMonth.objects.values_list("window", "staff", "level", "count"), key=str)
    rollups.rollup_refresh(MARCH, now=at(datetime.date(2026, 5, 4)))
    assert (
        sorted(RatingMonth.objects.values_list("window", "staff", "level", "count"), key=str)
        == first
    )


def test_ratings_after_the_cut_off_are_counted_live(window, staff_member, settings):
    settings.HALL_RATING_ROLLUP_LAG_SECONDS = 120
    rate(window, L.SATISFIED, 3, when=at(MARCH.replace(day=5)), staff=staff_member)
    rate(window, L.DISSATISFIED, 1, when=at(MARCH.replace(day=9), 9, 59))  # inside the lag
    covered = rollups.rollup_refresh(MARCH, now=at(MARCH.replace(day=9), 10, 0))
    assert covered == 3
    rate(window, L.VERY_SATISFIED, 2, when=at(MARCH.replace(day=9), 11))  # after the rebuild
    counts = rollups.month_counts(MARCH)
    assert counts.window[window.pk] == {
        L.VERY_SATISFIED: 2,
        L.SATISFIED: 3,
        L.BASIC: 0,
        L.DISSATISFIED: 1,
        L.VERY_DISSATISFIED: 0,
    }
    assert as_tables(counts) == as_tables(rollups.direct_counts(MARCH))


def test_a_month_never_rolled_up_is_counted_live(spread):
    assert not RatingMonth.objects.exists()
    assert as_tables(rollups.month_counts(FEB)) == as_tables(rollups.direct_counts(FEB))
    assert rollups.month_counts(FEB).hall[L.SATISFIED] == 1


def test_twelve_months_read_the_rollup_and_the_live_tail_together(spread):
    rollups.rollup_refresh(FEB, now=at(datetime.date(2026, 5, 3)))
    rollups.rollup_refresh(APRIL, now=at(APRIL.replace(day=1), 12))
    table = rollups.months_counts(datetime.date(2025, 5, 1), APRIL)
    assert len(table) == 12
    for month in (FEB, MARCH, APRIL):
        assert as_tables(table[month]) == as_tables(rollups.direct_counts(month))


def test_beat_rebuilds_this_month_and_last_month_once_after_it_ends(spread):
    with time_machine.travel(at(APRIL.replace(day=2)), tick=False):
        assert tasks.ratings_rollup_current() == ["2026-03-01", "2026-04-01"]
        assert tasks.ratings_rollup_current() == ["2026-04-01"]  # March reaches its end
    assert RatingRollup.objects.get(month=MARCH).covered_until == at(APRIL, 0)
    assert as_tables(rollups.month_counts(APRIL)) == as_tables(rollups.direct_counts(APRIL))


def test_a_requested_rebuild_runs_after_the_commit(spread, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rollups.rollup_request(datetime.date(2026, 3, 17))
    assert RatingRollup.objects.get(month=MARCH).covered_until == at(APRIL, 0)


def test_satisfaction_rates_read_the_rollup(spread, window, staff_member):
    before = selectors.satisfaction_rates(MARCH)
    rollups.rollup_refresh(MARCH, now=at(datetime.date(2026, 5, 3)))
    assert selectors.satisfaction_rates(MARCH) == before
    assert before[1][window.pk] == selectors.satisfaction_rate(
        rollups.direct_counts(MARCH).window[window.pk]
    )


# --- ranking --------------------------------------------------------------------------------


def test_windows_equal_in_rate_and_bad_ratings_share_a_rank(settings, department):
    settings.HALL_RATING_RANK_MIN = 1
    w = {n: WindowFactory(number=n, department=department) for n in ("E1", "E2", "E3", "E4")}
    rate(w["E1"], L.SATISFIED, 4, when=at(MARCH))
    for tied in ("E3", "E2"):  # 75 %, one bad rating each
        rate(w[tied], L.SATISFIED, 3, when=at(MARCH))
        rate(w[tied], L.DISSATISFIED, 1, when=at(MARCH))
    rate(w["E4"], L.SATISFIED, 6, when=at(MARCH))  # 75 %, two bad ratings
    rate(w["E4"], L.DISSATISFIED, 2, when=at(MARCH))
    ranked = [(i.subject.number, i.rank) for i in selectors.window_indicators(MARCH)]
    assert ranked == [("E1", 1), ("E2", 2), ("E3", 2), ("E4", 4)]


def test_a_tie_at_the_edge_of_the_bottom_two_flags_every_tied_window(settings, department):
    settings.HALL_RATING_RANK_MIN = 1
    settings.HALL_RATING_TALK_BOTTOM = 2
    w = {n: WindowFactory(number=n, department=department) for n in ("F1", "F2", "F3", "F4")}
    for month in (FEB, MARCH):
        rate(w["F1"], L.SATISFIED, 4, when=at(month))
        for tied in ("F2", "F3"):
            rate(w[tied], L.SATISFIED, 3, when=at(month))
            rate(w[tied], L.DISSATISFIED, 1, when=at(month))
        rate(w["F4"], L.DISSATISFIED, 4, when=at(month))
    rollups.rollup_refresh(FEB, now=at(datetime.date(2026, 5, 3)))  # one month rolled up
    flagged = {i.subject.number for i in selectors.window_indicators(MARCH) if i.talk}
    assert flagged == {"F2", "F3", "F4"}


def test_department_rates_follow_the_formula_setting(settings, window):
    settings.HALL_RATING_SATISFACTION_WEIGHTS = {
        "very_satisfied": 1,
        "satisfied": 1,
        "basic": 0,
        "dissatisfied": 0,
        "very_dissatisfied": 0,
    }
    rate(window, L.SATISFIED, 1, when=at(MARCH))
    rate(window, L.BASIC, 1, when=at(MARCH))
    rollups.rollup_refresh(MARCH, now=at(datetime.date(2026, 5, 3)))
    (dept,) = [i for i in selectors.department_indicators(MARCH) if i.total]
    assert dept.rate == Decimal("50.0")  # 基本满意 no longer counts as satisfied
