"""Demo print runs for ``seed_demo``: the hall booklet printed two months ago, short forms and
full guides of single items since, and the full guides of two items reprinted after their
second edition. The guides whose second edition changed materials or fees and were not
reprinted show as out of date. Idempotent: nothing is added once any print run exists. No
PDF is rendered here (``seed_demo`` stays fast): the booklet is made when the admin asks."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone

from guides.models import GuideEdition, PrintRun

# Items reprinted in full after their second edition: their paper is current again.
REPRINTED = ("CONST-001",)
SHORT_FORMS = ("NTAX-003", "LTAX-002", "PSB-001", "PSB-005", "AIC-004")


def _current_on(editions: list[GuideEdition], day: datetime.date) -> list[GuideEdition]:
    out = []
    for e in editions:
        published = timezone.localdate(e.published_at) if e.published_at else None
        archived = timezone.localdate(e.archived_at) if e.archived_at else None
        if published and published <= day and (archived is None or archived > day):
            out.append(e)
    return out


def seed_print_runs(*, today: datetime.date | None = None) -> int:
    if PrintRun.objects.exists():
        return 0
    today = today or timezone.localdate()
    author = get_user_model().objects.filter(username="editor").first()
    if author is None:
        return 0
    editions = list(
        GuideEdition.objects.filter(
            status__in=[GuideEdition.Status.PUBLISHED, GuideEdition.Status.ARCHIVED]
        ).order_by("item_code", "number")
    )
    runs: list[PrintRun] = []

    def run(edition, kind, copies, day, note="", batch=None):
        runs.append(
            PrintRun(
                edition=edition,
                kind=kind,
                copies=copies,
                printed_on=day,
                batch=batch or uuid.uuid4(),
                note=note,
                recorded_by=author,
            )
        )

    booklet_day = today - datetime.timedelta(days=60)
    batch = uuid.uuid4()
    for e in _current_on(editions, booklet_day):
        run(e, PrintRun.Kind.HALL_BOOKLET, 300, booklet_day, "区印刷厂 · 大厅导办台", batch)
    current = {e.item_code: e for e in editions if e.status == GuideEdition.Status.PUBLISHED}
    for n, code in enumerate(SHORT_FORMS):
        if code in current:
            run(
                current[code],
                PrintRun.Kind.SHORT,
                2000 + 500 * n,
                today - datetime.timedelta(days=30 - 3 * n),
                "窗口台面取阅",
            )
    for code in REPRINTED:
        if code in current:
            run(current[code], PrintRun.Kind.FULL, 500, today - datetime.timedelta(days=10))
    PrintRun.objects.bulk_create(runs)
    return len(runs)
