"""Reads of the ratings: the month's indicators per window, department and staff member, the
ranking and the windows called in for a talk (约谈), and a staff member's own ratings.

Each table is one aggregate query grouped by its subject plus one query for the subjects'
names, however many ratings the month holds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from complaints.models import BAD_LEVELS, Level, Rating
from staff.models import StaffMember
from windows.models import Department, Window

HUNDRED = Decimal(100)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first instant and the next month's, in the hall's time zone."""
    start = month.replace(day=1)
    nxt = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    tz = timezone.get_current_timezone()
    as_dt = datetime.datetime.combine
    return (
        timezone.make_aware(as_dt(start, datetime.time()), tz),
        timezone.make_aware(as_dt(nxt, datetime.time()), tz),
    )


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def satisfaction_rate(counts: dict[str, int]) -> Decimal | None:
    """Σ weight × count ÷ all ratings, in per cent to one decimal; None with no rating.
    The weights are ``HALL_RATING_SATISFACTION_WEIGHTS`` (default: the top three levels)."""
    total = sum(counts.get(level, 0) for level in Level.values)
    if not total:
        return None
    weights = settings.HALL_RATING_SATISFACTION_WEIGHTS
    weighted = sum(Decimal(str(weights.get(lvl, 0))) * counts.get(lvl, 0) for lvl in Level.values)
    return (weighted * HUNDRED / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Indicator:
    """One subject's month: counts per level, shares, satisfaction rate, bad ratings."""

    subject: object
    counts: dict[str, int] = field(default_factory=dict)
    rank: int | None = None
    talk: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.get(level, 0) for level in Level.values)

    @property
    def bad(self) -> int:
        return sum(self.counts.get(level, 0) for level in BAD_LEVELS)

    @property
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
                (Decimal(self.counts.get(level, 0)) * HUNDRED / total).quantize(Decimal("0.1"))
                if total
                else None,
            )
            for level, label in Level.choices
        ]


def _level_counts(month: datetime.date, group: str) -> dict[int | None, dict[str, int]]:
    """One query: subject id → {level: count} for the month's ratings."""
    start, end = month_bounds(month)
    rows = (
        Rating.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values(group)
        .annotate(**{level: Count("id", filter=Q(level=level)) for level in Level.values})
    )
    return {row[group]: {level: row[level] for level in Level.values} for row in rows}


def satisfaction_rates(month: datetime.date) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """One query: the month's satisfaction rate per staff member and per window, only for
    those rated. Every rating names its window; a staff member only when the hall knew who
    served, so a window's rate counts all its ratings and a person's only those naming them.
    """
    start, end = month_bounds(month)
    rows = (
        Rating.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list("staff_id", "window_id")
        .annotate(**{f"n_{level}": Count("id", filter=Q(level=level)) for level in Level.values})
    )
    staff: dict[int, dict[str, int]] = {}
    windows: dict[int, dict[str, int]] = {}
    for staff_id, window_id, *numbers in rows:
        for subject, table in ((staff_id, staff), (window_id, windows)):
            if subject is None:
                continue
            counts = table.setdefault(subject, dict.fromkeys(Level.values, 0))
            for level, n in zip(Level.values, numbers, strict=True):
                counts[level] += n
    return (
        {pk: satisfaction_rate(counts) for pk, counts in staff.items()},
        {pk: satisfaction_rate(counts) for pk, counts in windows.items()},
    )


def hall_counts(month: datetime.date) -> Indicator:
    start, end = month_bounds(month)
    row = Rating.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        **{level: Count("id", filter=Q(level=level)) for level in Level.values}
    )
    return Indicator(subject=None, counts=row)


def _rank(indicators: list[Indicator], key) -> list[Indicator]:
    """Rank by satisfaction (then fewer bad ratings, then the subject's own order) those with
    at least ``HALL_RATING_RANK_MIN`` ratings; the rest stay unranked, listed after them."""
    minimum = settings.HALL_RATING_RANK_MIN
    ranked = sorted(
        (i for i in indicators if i.total and i.total >= minimum),
        key=lambda i: (-i.rate, i.bad, key(i.subject)),
    )
    for position, indicator in enumerate(ranked, start=1):
        indicator.rank = position
    rest = sorted((i for i in indicators if i.rank is None), key=lambda i: key(i.subject))
    return ranked + rest


def _bottom(indicators: list[Indicator]) -> set[int]:
    ranked = [i for i in indicators if i.rank is not None]
    n = settings.HALL_RATING_TALK_BOTTOM
    return {i.subject.pk for i in ranked[-n:]} if n > 0 else set()


def window_indicators(month: datetime.date) -> list[Indicator]:
    """Every active window (and any retired one rated that month), ranked, with the talk flag
    on windows in the bottom ``HALL_RATING_TALK_BOTTOM`` this month and the month before."""
    counts = _level_counts(month, "window_id")
    before = _level_counts(previous_month(month), "window_id")
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


def department_indicators(month: datetime.date) -> list[Indicator]:
    counts = _level_counts(month, "department_id")
    departments = Department.objects.filter(Q(active=True) | Q(pk__in=list(counts)))
    return _rank(
        [Indicator(d, counts.get(d.pk, {})) for d in departments],
        lambda d: (d.display_order, d.code),
    )


def staff_indicators(month: datetime.date) -> list[Indicator]:
    """Staff members rated in the month (a rating names a person only when the hall knew who
    served), ranked."""
    counts = _level_counts(month, "staff_id")
    counts.pop(None, None)
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
