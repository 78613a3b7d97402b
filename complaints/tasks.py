"""Celery tasks of the complaints app: thin wrappers around its services."""

from celery import shared_task


@shared_task(name="complaints.tasks.cases_mark_overdue")
def cases_mark_overdue(today_iso: str = "") -> int:
    """Beat, daily at 00:10: mark bad-rating cases past their deadline overdue (整改超期)."""
    import datetime

    from complaints.cases import cases_mark_overdue as mark

    return mark(datetime.date.fromisoformat(today_iso) if today_iso else None)
