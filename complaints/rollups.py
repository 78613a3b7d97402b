"""The monthly rollup of ratings (``RatingMonth``) and the month's counts read through it.

A month's rollup is rebuilt whole from the ratings — one GROUP BY, delete and insert in one
transaction — so a rebuild is idempotent and a closed month's rows are exact. It covers the
ratings made before its ``RatingRollup.covered_until``; whoever reads a month adds the ratings
made since then, read live. So the figures are exact at any moment, however stale the rollup:
beat rebuilds the current month every few minutes (``HALL_RATING_ROLLUP_MINUTES``) and the
month just ended once more on the 1st, which keeps the live tail to minutes of ratings.

Chosen over a task per submitted rating: that would put a broker round trip into every
rating POST (the benchmarked path) and still need the live tail for the seconds in between.
The cut-off stays ``HALL_RATING_ROLLUP_LAG_SECONDS`` behind the clock so that a rating whose
transaction is still open when the rebuild reads is not skipped by both the rollup and the
live tail.

Which ratings count is decided in one place, ``counted_ratings()``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from complaints.models import Level, Rating, RatingMonth, RatingRollup
from hall.sql import Precompiled

LEVELS = tuple(Level.values)
Counts = dict[str, int]


def counted_ratings() -> QuerySet[Rating]:
    """The ratings the indicators count: not those judged invalid on review (差评申诉复核,
    ``complaints.cases``). Decided here and nowhere else; the rollup and the live tail both
    read through this."""
    return Rating.objects.filter(counted=True)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first instant and the next month's, in the hall's time zone."""
    tz = timezone.get_current_timezone()
    start = month.replace(day=1)

    def at(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()), tz)

    return at(start), at(add_months(start, 1))


# --- writing the rollup ------------------------------------------------------------------


@transaction.atomic
def rollup_refresh(month: datetime.date, *, now: datetime.datetime | None = None) -> int:
    """Rebuild ``month``'s rollup from its ratings made before the cut-off (the month's end,
    or a little before now for the current month). Returns the number of ratings covered.
    Two rebuilds of one month run one after the other (a lock on its ``RatingRollup`` row)."""
    month = month_start(month)
    start, end = month_bounds(month)
    lag = datetime.timedelta(seconds=settings.HALL_RATING_ROLLUP_LAG_SECONDS)
    until = max(start, min(end, (now or timezone.now()) - lag))
    RatingRollup.objects.get_or_create(month=month, defaults={"covered_until": start})
    state = RatingRollup.objects.select_for_update().get(month=month)
    rows = (
        counted_ratings()
        .filter(created_at__gte=start, created_at__lt=until)
        .order_by()
        .values_list("window_id", "department_id", "staff_id", "level")
        .annotate(n=Count("id"))
    )
    RatingMonth.objects.filter(month=month).delete()
    made = RatingMonth.objects.bulk_create(
        [
            RatingMonth(
                month=month,
                window_id=window_id,
                department_id=department_id,
                staff_id=staff_id,
                level=level,
                count=n,
            )
            for window_id, department_id, staff_id, level, n in rows
        ],
        batch_size=1000,
    )
    state.covered_until = until
    state.refreshed_at = timezone.now()
    state.save(update_fields=["covered_until", "refreshed_at"])
    return sum(r.count for r in made)


def rollup_request(month: datetime.date) -> None:
    """Queue a rebuild of ``month`` once the current transaction commits — for a change to a
    past month's ratings (a rating found invalid on review). Beat's rebuild of the current
    month needs no request."""
    from complaints.tasks import ratings_rollup_month

    ratings_rollup_month.delay_on_commit(month_start(month).isoformat())


# --- reading through it ------------------------------------------------------------------


@dataclass
class MonthCounts:
    """One month's counts per level: per window, department and staff member, and the hall."""

    window: dict[int, Counts] = field(default_factory=dict)
    department: dict[int, Counts] = field(default_factory=dict)
    staff: dict[int, Counts] = field(default_factory=dict)
    hall: Counts = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    def add(self, window_id, department_id, staff_id, level, n) -> None:
        for table, key in (
            (self.window, window_id),
            (self.department, department_id),
            (self.staff, staff_id),
        ):
            if key is None:
                continue
            counts = table.get(key)
            if counts is None:
                counts = table[key] = dict.fromkeys(LEVELS, 0)
            counts[level] += n
        self.hall[level] += n


SUBJECTS = ("window_id", "department_id", "staff_id")


def months_counts(
    first: datetime.date, last: datetime.date, by: tuple[str, ...] = SUBJECTS
) -> dict[datetime.date, MonthCounts]:
    """Counts of every month from ``first`` to ``last`` (inclusive), per the subjects in ``by``
    (group by fewer, fetch fewer rows): one query over the rollup, one for the rollup states
    and one grouped query over the ratings made after each month's cut-off (minutes of
    ratings for a refreshed month; the whole month for one never rolled up)."""
    fields = [f for f in SUBJECTS if f in by]
    first, last = month_start(first), month_start(last)
    months = []
    m = first
    while m <= last:
        months.append(m)
        m = add_months(m, 1)
    result = {m: MonthCounts() for m in months}
    rows = (
        RatingMonth.objects.filter(month__gte=first, month__lte=last)
        .order_by()
        .values_list("month", *fields, "level")
        .annotate(n=Sum("count"))
    )
    for month, *key, level, n in rows:
        result[month].add(*_key(fields, key), level, n)
    covered = dict(
        RatingRollup.objects.filter(month__gte=first, month__lte=last).values_list(
            "month", "covered_until"
        )
    )
    ranges = _tail_ranges(first, last, covered)
    if ranges:
        _add_tail(result, ranges, fields)
    return result


def _key(fields: list[str], values: list) -> list:
    """(window, department, staff) ids, None for a subject not grouped by."""
    given = dict(zip(fields, values, strict=True))
    return [given.get(f) for f in SUBJECTS]


def _add_tail(result: dict[datetime.date, MonthCounts], ranges: list, fields: list[str]) -> None:
    tail = Q()
    for since, end in ranges:
        tail |= Q(created_at__gte=since, created_at__lt=end)
    tz = timezone.get_current_timezone()
    rows = (
        counted_ratings()
        .filter(tail)
        .annotate(m=TruncMonth("created_at", tzinfo=tz))
        .order_by()
        .values_list("m", *fields, "level")
        .annotate(n=Count("id"))
    )
    for m, *key, level, n in rows:
        day = m.date() if isinstance(m, datetime.datetime) else m
        result[day.replace(day=1)].add(*_key(fields, key), level, n)


def month_counts(month: datetime.date, by: tuple[str, ...] = SUBJECTS) -> MonthCounts:
    return months_counts(month, month, by)[month_start(month)]


def direct_counts(month: datetime.date) -> MonthCounts:
    """The month counted straight from the ratings, without the rollup: what the rollup must
    equal (tests, and a check the hall office can run)."""
    start, end = month_bounds(month)
    result = MonthCounts()
    rows = (
        counted_ratings()
        .filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list("window_id", "department_id", "staff_id", "level")
        .annotate(n=Count("id"))
    )
    for key in rows:
        result.add(*key)
    return result


def trend_by_department(last: datetime.date, months: int = 12) -> dict[int, list]:
    """department id → [(month, counts), …] for the ``months`` months ending with ``last``."""
    first = add_months(month_start(last), -(months - 1))
    table = months_counts(first, last, by=("department_id",))
    out: dict[int, list] = defaultdict(list)
    departments = {pk for counts in table.values() for pk in counts.department}
    for m, counts in table.items():
        for pk in departments:
            out[pk].append((m, counts.department.get(pk, dict.fromkeys(LEVELS, 0))))
    return dict(out)


def _tail_ranges(first: datetime.date, last: datetime.date, covered: dict) -> list[tuple]:
    """The instants not in the rollup, as few ranges as possible: each month from its reach
    (or its start) to its end, neighbours merged."""
    ranges: list[list] = []
    m = first
    while m <= last:
        start, end = month_bounds(m)
        since = covered.get(m) or start
        if since < end:
            if ranges and ranges[-1][1] == since:
                ranges[-1][1] = end
            else:
                ranges.append([since, end])
        m = add_months(m, 1)
    return [tuple(r) for r in ranges]


_rollup_states = Precompiled(
    lambda: RatingRollup.objects.order_by("month").values_list(
        "month", "covered_until", "refreshed_at"
    ),
    arity=0,
)
_newest_rating = Precompiled(lambda: Rating.objects.order_by("-id").values_list("id")[:1], arity=0)


def signature(first: datetime.date, last: datetime.date) -> str:
    """What the counts of the months ``first``..``last`` depend on, in two tiny reads by SQL
    compiled once (hall/sql.py): each month's rollup reach and rebuild time, and the newest
    rating's id. A new rating gives a new id; a rating leaving the counts (found invalid on
    review) has its month's rollup rebuilt once that commits, a new rebuild time. So figures
    cached under the signature need no invalidation. (A new rating in another month than
    those shown changes it too: a fresh render, never a stale one.)"""
    first, last = month_start(first), month_start(last)
    rebuilt = ",".join(
        f"{m:%Y%m}@{at.timestamp():.6f}"
        for m, _until, at in _rollup_states.rows()
        if first <= m <= last
    )
    newest = _newest_rating.rows()
    return f"{rebuilt}|{newest[0][0] if newest else 0}"
