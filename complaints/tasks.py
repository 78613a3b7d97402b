"""Celery tasks of the complaints app: thin wrappers around its services, taking ISO dates."""

from __future__ import annotations

import datetime

from celery import shared_task


@shared_task(name="complaints.tasks.cases_mark_overdue")
def cases_mark_overdue(today_iso: str = "") -> int:
    """Beat, daily at 00:10: mark bad-rating cases past their deadline overdue (整改超期)."""
    from complaints.cases import cases_mark_overdue as mark

    return mark(datetime.date.fromisoformat(today_iso) if today_iso else None)


@shared_task(name="complaints.tasks.ratings_rollup_month")
def ratings_rollup_month(month_iso: str) -> int:
    """Rebuild one month's rollup (asked for when a past month's ratings change)."""
    from complaints.rollups import rollup_refresh

    return rollup_refresh(datetime.date.fromisoformat(month_iso))


@shared_task(name="complaints.tasks.ratings_rollup_current")
def ratings_rollup_current() -> list[str]:
    """Beat, every few minutes: rebuild the current month's rollup, and the month before
    while its rollup does not yet reach its end (the first run after the month turns)."""
    from django.utils import timezone

    from complaints.models import RatingRollup
    from complaints.rollups import add_months, month_bounds, rollup_refresh

    this_month = timezone.localdate().replace(day=1)
    last_month = add_months(this_month, -1)
    done = []
    _start, end = month_bounds(last_month)
    if not RatingRollup.objects.filter(month=last_month, covered_until__gte=end).exists():
        rollup_refresh(last_month)
        done.append(last_month.isoformat())
    rollup_refresh(this_month)
    done.append(this_month.isoformat())
    return done
