"""Celery tasks of the hall: thin wrappers that take ids and call a service."""

from celery import shared_task


@shared_task(name="hall.tasks.calendar_sync")
def calendar_sync(sync_id: int) -> bool:
    from hall.services import calendar_sync_run

    return calendar_sync_run(sync_id=sync_id)


@shared_task(name="hall.tasks.calendar_sync_pending")
def calendar_sync_pending() -> int:
    """Run syncs that were requested while the broker was down (beat, every 10 minutes)."""
    import datetime

    from django.utils import timezone

    from hall.models import CalendarSync
    from hall.services import calendar_sync_run

    # A run whose worker died mid-way (it finishes in seconds) is tried again.
    CalendarSync.objects.filter(
        status=CalendarSync.Status.RUNNING,
        requested_at__lt=timezone.now() - datetime.timedelta(minutes=30),
    ).update(status=CalendarSync.Status.PENDING)
    ran = 0
    for pk in CalendarSync.objects.filter(status=CalendarSync.Status.PENDING).values_list(
        "pk", flat=True
    ):
        ran += calendar_sync_run(sync_id=pk)
    return ran


@shared_task(name="hall.tasks.document_render")
def document_render(document_id: int) -> bool:
    from hall.pdf import document_render as render

    return render(document_id)


@shared_task(name="hall.tasks.documents_requeue")
def documents_requeue() -> int:
    """Beat, every 10 minutes: queue again documents asked for while the queue was down."""
    from hall.pdf import documents_requeue as requeue

    return requeue()
