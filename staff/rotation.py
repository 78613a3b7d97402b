"""Rotation (轮岗) due dates: pure date arithmetic, no ORM."""

from __future__ import annotations

import datetime

from django.conf import settings


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year + years, day=28)


def rotation_due_on(post: str, joined_hall_on: datetime.date) -> datetime.date:
    years = settings.HALL_ROTATION_YEARS.get(post, settings.HALL_ROTATION_YEARS["staff"])
    return add_years(joined_hall_on, years)


def joined_before_for_due(post: str, due_by: datetime.date) -> datetime.date:
    """The latest join date whose rotation falls due on or before ``due_by`` (for queries)."""
    years = settings.HALL_ROTATION_YEARS.get(post, settings.HALL_ROTATION_YEARS["staff"])
    return add_years(due_by, -years)
