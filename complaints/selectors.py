"""Reads of the ratings: the month's indicators per window, department and staff member, the
ranking and the windows called in for a talk (约谈), and a staff member's own ratings.

The counts come from the monthly rollup plus the ratings made since it was last rebuilt
(``complaints.rollups``): a few grouped queries over a few thousand rollup rows and minutes of
ratings, plus one query for the subjects' names, however many ratings the month holds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.conf import settings
from django.db.models import Q, QuerySet

from complaints.models import BAD_LEVELS, Level, Rating
from complaints.rollups import (
    LEVELS,
    MonthCounts,
    add_months,
    month_bounds,
    month_counts,
    months_counts,
)
from staff.models import StaffMember
from windows.models import Department, Window

HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")
BAD = tuple(str(level) for level in BAD_LEVELS)  # plain strings: enum members hash slowly


def previous_month(month: datetime.date) -> datetime.date:
    return add_months(month.replace(day=1), -1)


def satisfaction_rate(counts: dict[str, int]) -> Decimal | None:
    """Σ weight × count ÷ all ratings, in per cent to one decimal; None with no rating.
    The weights are ``HALL_RATING_SATISFACTION_WEIGHTS`` (default: the top three levels)."""
    total = sum(counts.get(level, 0) for level in LEVELS)
    if not total:
        return None
    weights = settings.HALL_RATING_SATISFACTION_WEIGHTS
    weighted = sum(Decimal(str(weights.get(lvl, 0))) * counts.get(lvl, 0) for lvl in LEVELS)
    return (weighted * HUNDRED / total).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass
class Indicator:
    """One subject's month: counts per level, shares, satisfaction rate, bad ratings."""

    subject: object
    counts: dict[str, int] = field(default_factory=dict)
    rank: int | None = None
    talk: bool = False

    # Computed once: ranking a month sorts on them many times (the counts never change).
    @cached_property
    def total(self) -> int:
        return sum(self.counts.get(level, 0) for level in LEVELS)

    @cached_property
    def bad(self) -> int:
        return sum(self.counts.get(level, 0) for level in BAD)

    @cached_property
    def rate(self) -> Decimal | None:
        return satisfaction_rate(self.counts)

    @property
    def shares(self) -> list[tuple[str, str, int, Decimal | None]]:
        """(level, label, count, per cent) for the five levels, best first."""
        total = self.total
        return [
            (
                level,
                label,
                self.counts.get(level, 0),
                (Decimal(self.counts.get(level, 0)) * HUNDRED / total).quantize(ONE_DECIMAL)
                if total
                else None,
            )
            for level, label in Level.choices
        ]


def satisfaction_rates(month: datetime.date) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """The month's satisfaction rate per staff member and per window, only for those rated
    (from the rollup). Every rating names its window; a staff member only when the hall knew
    who served, so a window's rate counts all its ratings and a person's only those naming
    them."""
    counts = month_counts(month, by=("window_id", "staff_id"))
    return (
        {pk: satisfaction_rate(c) for pk, c in counts.staff.items() if sum(c.values())},
        {pk: satisfaction_rate(c) for pk, c in counts.window.items() if sum(c.values())},
    )


def hall_counts(month: datetime.date, counts: MonthCounts | None = None) -> Indicator:
    counts = counts or month_counts(month, by=("window_id",))
    return Indicator(subject=None, counts=dict(counts.hall))


def _rank(indicators: list[Indicator], key) -> list[Indicator]:
    """Rank by satisfaction, then fewer bad ratings, those with at least
    ``HALL_RATING_RANK_MIN`` ratings; equal on both, they share a rank (1, 2, 2, 4) and are
    listed in the subject's own order. The rest stay unranked, listed after them."""
    minimum = settings.HALL_RATING_RANK_MIN
    ranked = sorted(
        (i for i in indicators if i.total and i.total >= minimum),
        key=lambda i: (-i.rate, i.bad, key(i.subject)),
    )
    previous, previous_standing = None, None
    for position, indicator in enumerate(ranked, start=1):
        standing = (indicator.rate, indicator.bad)
        indicator.rank = previous.rank if previous and standing == previous_standing else position
        previous, previous_standing = indicator, standing
    rest = sorted((i for i in indicators if i.rank is None), key=lambda i: key(i.subject))
    return ranked + rest


def _bottom(indicators: list[Indicator]) -> set[int]:
    """The bottom ``HALL_RATING_TALK_BOTTOM`` of the ranked, and anyone tied with the last of
    them (a tie at the edge is not settled by the window's number)."""
    ranked = [i for i in indicators if i.rank is not None]
    n = settings.HALL_RATING_TALK_BOTTOM
    if n <= 0 or not ranked:
        return set()
    edge = ranked[-min(n, len(ranked))].rank
    return {i.subject.pk for i in ranked if i.rank >= edge}


def window_indicators(
    month: datetime.date, table: dict[datetime.date, MonthCounts] | None = None
) -> list[Indicator]:
    """Every active window (and any retired one rated that month), ranked, with the talk flag
    on windows in the bottom ``HALL_RATING_TALK_BOTTOM`` this month and the month before.
    ``table``: this month's and the month before's counts, when the caller has them."""
    month = month.replace(day=1)
    table = table or months_counts(previous_month(month), month, by=("window_id",))
    counts, before = table[month].window, table[previous_month(month)].window
    windows = list(
        Window.objects.filter(Q(active=True) | Q(pk__in=[*counts, *before])).select_related(
            "department"
        )
    )
    number = lambda w: (w.number, w.pk)  # noqa: E731
    now = _rank([Indicator(w, counts.get(w.pk, {})) for w in windows], number)
    then = _rank([Indicator(w, before.get(w.pk, {})) for w in windows], number)
    talk = _bottom(now) & _bottom(then)
    for indicator in now:
        indicator.talk = indicator.subject.pk in talk
    return now


def department_indicators(
    month: datetime.date, counts: MonthCounts | None = None
) -> list[Indicator]:
    counts = (counts or month_counts(month, by=("department_id",))).department
    departments = Department.objects.filter(Q(active=True) | Q(pk__in=list(counts)))
    return _rank(
        [Indicator(d, counts.get(d.pk, {})) for d in departments],
        lambda d: (d.display_order, d.code),
    )


def staff_indicators(month: datetime.date, counts: MonthCounts | None = None) -> list[Indicator]:
    """Staff members rated in the month (a rating names a person only when the hall knew who
    served), ranked."""
    counts = (counts or month_counts(month, by=("staff_id",))).staff
    people = StaffMember.objects.filter(pk__in=list(counts)).select_related("department", "window")
    return _rank(
        [Indicator(s, counts.get(s.pk, {})) for s in people], lambda s: (s.employee_no, s.pk)
    )


def staff_ratings(member: StaffMember, month: datetime.date | None = None) -> QuerySet[Rating]:
    """Ratings about a staff member, newest first: never the citizen's name or phone."""
    qs = Rating.objects.filter(staff=member).only(
        "id", "level", "comment", "created_at", "window_id", "staff_id", "channel"
    )
    if month is not None:
        start, end = month_bounds(month)
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    return qs.prefetch_related("reasons").order_by("-created_at", "-id")
