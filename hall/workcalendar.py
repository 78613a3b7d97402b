"""Working-day arithmetic on the hall's work calendar.

A day is a working day when it is Monday to Friday and not a public holiday, or when it is a
make-up working day (调休). Holidays and make-up days come from ``CalendarDay``. For a year the
hall has no holiday data for, the arithmetic still works (weekends only) and
``years_without_holidays`` lets every page that shows a deadline say so plainly.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from hall.models import CalendarDay, CalendarYear

ONE_DAY = datetime.timedelta(days=1)


class WorkCalendar:
    """The calendar's exceptions between two dates, loaded with one query."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start, self.end = start, end
        self.holidays: set[datetime.date] = set()
        self.workdays: set[datetime.date] = set()
        for day, kind in CalendarDay.objects.filter(date__range=(start, end)).values_list(
            "date", "kind"
        ):
            (self.holidays if kind == CalendarDay.Kind.HOLIDAY else self.workdays).add(day)

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def _calendar_around(start: datetime.date, span_days: int, backwards: bool) -> WorkCalendar:
    margin = datetime.timedelta(days=span_days)
    if backwards:
        return WorkCalendar(start - margin, start)
    return WorkCalendar(start, start + margin)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``start`` (before it when n < 0); ``start`` itself when n == 0.

    A complaint received on a Friday with a 3-working-day limit is due the next Wednesday.
    """
    if n == 0:
        return start
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining = abs(n)
    span = remaining * 2 + 40
    cal = _calendar_around(start, span, backwards=n < 0)
    day = start
    while remaining:
        day += step
        if not cal.covers(day):
            cal = _calendar_around(day - step, span, backwards=n < 0)
        if cal.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Working days after ``a`` up to and including ``b`` (negative when b is before a)."""
    if b < a:
        return -working_days_between(b, a)
    cal = WorkCalendar(a, b)
    count = 0
    day = a
    while day < b:
        day += ONE_DAY
        if cal.is_working_day(day):
            count += 1
    return count


def is_working_day(day: datetime.date) -> bool:
    return WorkCalendar(day, day).is_working_day(day)


def years_without_holidays(years: Iterable[int]) -> list[int]:
    """The years among ``years`` whose public holidays the calendar does not know."""
    wanted = sorted(set(years))
    known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [y for y in wanted if y not in known]
