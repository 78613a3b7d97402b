"""Celery tasks of the complaints desk: thin wrappers taking ISO dates."""

from __future__ import annotations

import datetime

from celery import shared_task


@shared_task(name="complaints.tasks_desk.complaints_overdue")
def complaints_overdue(today_iso: str = "") -> list[int]:
    """Beat, daily: reminders (催办) and escalations (通报) of complaints past their deadline;
    a second run the same day sends nothing."""
    from complaints.overdue import complaints_overdue_run

    today = datetime.date.fromisoformat(today_iso) if today_iso else None
    return list(complaints_overdue_run(today))
