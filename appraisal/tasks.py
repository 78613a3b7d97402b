"""Celery tasks of the appraisal: thin wrappers taking ISO dates."""

import datetime

from celery import shared_task


@shared_task(name="appraisal.tasks.month_close")
def month_close(month_iso: str) -> str:
    from appraisal.services import month_close as close

    return close(datetime.date.fromisoformat(month_iso)).status


@shared_task(name="appraisal.tasks.close_requested_months")
def close_requested_months() -> int:
    """Beat, every 10 minutes: close the months whose close was asked for but not done
    (the queue was down when the hall office pressed the button)."""
    from django.utils import timezone

    from appraisal.models import AppraisalMonth
    from appraisal.services import month_close as close

    closed = 0
    for month in AppraisalMonth.objects.filter(
        status=AppraisalMonth.Status.OPEN,
        close_requested_at__isnull=False,
        month__lt=timezone.localdate().replace(day=1),
    ).values_list("month", flat=True):
        closed += close(month).status != AppraisalMonth.Status.OPEN
    return closed


@shared_task(name="appraisal.tasks.close_previous_month")
def close_previous_month() -> str:
    """Beat, on the 1st at 02:00: close the month that just ended."""
    from django.utils import timezone

    from appraisal.services import month_close as close

    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return close(last_month).status
