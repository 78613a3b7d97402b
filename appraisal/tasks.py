"""Celery tasks of the appraisal: thin wrappers taking ISO dates."""

import datetime

from celery import shared_task


@shared_task(name="appraisal.tasks.month_close")
def month_close(month_iso: str) -> str:
    from appraisal.services import month_close as close

    return close(datetime.date.fromisoformat(month_iso)).status


@shared_task(name="appraisal.tasks.close_previous_month")
def close_previous_month() -> str:
    """Beat, on the 1st at 02:00: close the month that just ended."""
    from django.utils import timezone

    from appraisal.services import month_close as close

    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return close(last_month).status
