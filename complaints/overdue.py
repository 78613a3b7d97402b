"""Complaints past their reply deadline (GB/T 36113 hotline practice): a reminder (催办) the
working day after a missed deadline, an escalation (通报) some working days later; each once,
to every hall admin as a notice. Run daily by Celery beat (``complaints.tasks_desk``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintStep
from hall.roles import HALL_ADMIN
from hall.workcalendar import add_working_days

A = ComplaintStep.Action


def _admin_ids() -> list[int]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=HALL_ADMIN)
        .values_list("pk", flat=True)
        .distinct()
    )


def complaints_overdue_run(today: datetime.date | None = None) -> tuple[int, int]:
    """Send a reminder (催办) for each open complaint from the working day after its missed
    deadline, and an escalation (通报) ``COMPLAINTS_ESCALATE_AFTER_DAYS`` working days later;
    each once, claimed by a conditional update, so a second run sends nothing. Returns
    (reminders, escalations)."""
    from hall.models import Notice
    from hall.notices import notice_send

    today = today or timezone.localdate()
    admins = _admin_ids()
    reminded = escalated = 0
    late = Complaint.objects.filter(status__in=Complaint.OPEN, deadline__lt=today)
    for complaint in late.only("pk", "number", "deadline", "reminded_at", "escalated_at"):
        remind_on = add_working_days(complaint.deadline, 1)
        escalate_on = add_working_days(remind_on, settings.COMPLAINTS_ESCALATE_AFTER_DAYS)
        for field, due, kind, action in (
            ("reminded_at", remind_on, Notice.Kind.COMPLAINT_REMINDER, A.REMINDED),
            ("escalated_at", escalate_on, Notice.Kind.COMPLAINT_ESCALATED, A.ESCALATED),
        ):
            if today < due:
                continue
            with transaction.atomic():
                now = timezone.now()
                claimed = Complaint.objects.filter(
                    pk=complaint.pk, status__in=Complaint.OPEN, **{f"{field}__isnull": True}
                ).update(**{field: now})
                if claimed != 1:
                    continue
                params = {"number": complaint.number, "deadline": complaint.deadline.isoformat()}
                url = reverse("complaint_detail", args=[complaint.pk])
                for user_id in admins:
                    notice_send(user_id=user_id, kind=kind, params=params, url=url)
                ComplaintStep.objects.create(
                    complaint_id=complaint.pk,
                    action=action,
                    at=now,
                    note=_("Due on %(day)s.") % {"day": complaint.deadline},
                )
            if field == "reminded_at":
                reminded += 1
            else:
                escalated += 1
    return reminded, escalated
