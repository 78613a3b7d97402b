"""The appraisal's PDFs, rendered in Celery through the hall's PDF pipeline (``hall.pdf``).

Per month, rendered when the month is closed, again when it is published, and on the
admin's "re-render" button:

- the hall's monthly summary (ranking tables, awards, deductions by category, the trend);
- one bundle of every staff member's appraisal sheet (考核表), one of every window's;
- one bundle of the month's award certificates (奖状).

Single sheets are rendered on demand, through the same queue: a staff member's own sheet
(from "My scores") and a liaison's department bundle (its staff and windows). Most staff
never download theirs, so rendering 500 single PDFs at every close would be work for
nothing; one made on demand is kept and served again while the month's ledger is unchanged
(``month_fingerprint``), and re-rendered with the month's bundles when those are.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Max, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appraisal.models import AppraisalMonth, Award, MonthlyResult, Rule, ScoreEntry
from hall import pdf
from hall.models import Document
from hall.roles import DEPARTMENT_LIAISON, HALL_ADMIN, has_role

SUMMARY = "appraisal.summary"
STAFF_SHEETS = "appraisal.staff_sheets"
WINDOW_SHEETS = "appraisal.window_sheets"
CERTIFICATES = "appraisal.certificates"
STAFF_SHEET = "appraisal.staff_sheet"
DEPARTMENT_SHEETS = "appraisal.department_sheets"
MONTH_DOCUMENTS = (SUMMARY, STAFF_SHEETS, WINDOW_SHEETS, CERTIFICATES)
VISIBLE = (AppraisalMonth.Status.PUBLISHED, AppraisalMonth.Status.FINAL)


# --- names, keys and freshness ----------------------------------------------------------------


def month_group(month_start: datetime.date) -> str:
    return f"appraisal-month-{month_start:%Y-%m}"


def _key(month_start: datetime.date, suffix: str) -> str:
    return f"{month_group(month_start)}-{suffix}"


_SUFFIX = {
    SUMMARY: "summary",
    STAFF_SHEETS: "staff-sheets",
    WINDOW_SHEETS: "window-sheets",
    CERTIFICATES: "certificates",
}


def _title(kind: str, month_start: datetime.date, name: str = "") -> str:
    label = f"{month_start:%Y-%m}"
    with translation.override(settings.LANGUAGE_CODE):
        titles = {
            SUMMARY: _("Monthly appraisal summary %(month)s"),
            STAFF_SHEETS: _("Staff appraisal sheets (考核表) %(month)s"),
            WINDOW_SHEETS: _("Window appraisal sheets (考核表) %(month)s"),
            CERTIFICATES: _("Award certificates (奖状) %(month)s"),
            STAFF_SHEET: _("Appraisal sheet (考核表) %(month)s %(name)s"),
            DEPARTMENT_SHEETS: _("Appraisal sheets (考核表) %(month)s %(name)s"),
        }
        return titles[kind] % {"month": label, "name": name}


def month_fingerprint(
    month: AppraisalMonth, *, ledger: tuple[int, int | None] | None = None
) -> str:
    """Changes whenever what the month's PDFs show may change: its status, or its ledger
    (an upheld appeal adds a reversing entry and recomputes the results). ``ledger``: the
    month's entry count and newest entry id, when the caller has read them already."""
    if ledger is None:
        row = ScoreEntry.objects.filter(month=month).aggregate(n=Count("id"), last=Max("id"))
        ledger = (row["n"], row["last"])
    n, last = ledger
    return f"{month.status}:{n}:{last or 0}"


def is_fresh(document: Document | None, fingerprint: str) -> bool:
    return (
        document is not None
        and document.status == Document.Status.DONE
        and bool(document.file)
        and document.params.get("fingerprint") == fingerprint
    )


# --- requests -------------------------------------------------------------------------------


def appraisal_reports_request(
    month: AppraisalMonth,
    *,
    requested_by=None,
    automatic: bool = True,
    ledger: tuple[int, int | None] | None = None,
) -> list[Document]:
    """Queue the month's PDFs: its four documents, and any single sheet already made (so no
    stale one is left behind). Called when a month is closed or published (inside the
    service's transaction: the rendering is queued when it commits) and by the admin.

    An automatic request is queued only when a worker runs: with tasks in-process it would
    hold the close (or ``seed_demo``'s six months) for minutes, so the rows wait, queued,
    until the admin presses "Render" on the month's reports page. ``ledger``: the month's
    entry count and newest entry id when the caller has just read them (see
    ``month_fingerprint``).
    """
    queue = not automatic or pdf.worker_available()
    start = month.month
    fingerprint = month_fingerprint(month, ledger=ledger)
    base = {"month": start.isoformat(), "fingerprint": fingerprint}
    requests = [
        pdf.Request(
            kind=kind,
            key=_key(start, _SUFFIX[kind]),
            title=_title(kind, start),
            group=month_group(start),
            params=base,
        )
        for kind in MONTH_DOCUMENTS
    ]
    requests += [
        pdf.Request(
            kind=single.kind,
            key=single.key,
            title=single.title,
            group=single.group,
            params={**single.params, "fingerprint": fingerprint},
        )
        for single in Document.objects.filter(group=month_group(start))
        .exclude(kind__in=MONTH_DOCUMENTS)
        .only("kind", "key", "title", "group", "params")
    ]
    return pdf.documents_request(requests, requested_by=requested_by, queue=queue)


def staff_sheet(month: AppraisalMonth, member, *, requested_by=None) -> Document:
    """A staff member's own sheet of a month: the stored one while it is fresh, otherwise a
    new request (rendered at once when tasks run in-process)."""
    key = _key(month.month, f"staff-{member.pk}")
    fingerprint = month_fingerprint(month)
    document = Document.objects.filter(key=key).first()
    if is_fresh(document, fingerprint) or _waiting(document, fingerprint):
        return document
    pdf.document_request(
        kind=STAFF_SHEET,
        key=key,
        title=_title(STAFF_SHEET, month.month, member.name),
        group=month_group(month.month),
        params={"month": month.month.isoformat(), "staff": member.pk, "fingerprint": fingerprint},
        requested_by=requested_by,
    )
    return Document.objects.get(key=key)


def department_sheets(month: AppraisalMonth, department, *, requested_by=None) -> Document:
    """A department's sheets of a month (its staff, then its windows), on demand."""
    key = _key(month.month, f"department-{department.pk}")
    fingerprint = month_fingerprint(month)
    document = Document.objects.filter(key=key).first()
    if is_fresh(document, fingerprint) or _waiting(document, fingerprint):
        return document
    pdf.document_request(
        kind=DEPARTMENT_SHEETS,
        key=key,
        title=_title(DEPARTMENT_SHEETS, month.month, department.name),
        group=month_group(month.month),
        params={
            "month": month.month.isoformat(),
            "department": department.pk,
            "fingerprint": fingerprint,
        },
        requested_by=requested_by,
    )
    return Document.objects.get(key=key)


def _waiting(document: Document | None, fingerprint: str) -> bool:
    """Already rendering for the same ledger, queued for a worker, or failed on it (the
    failure is shown; the admin's re-render tries again): do not ask again on every load.
    Without a worker a queued row is asked for again, which renders it in-process."""
    if document is None or document.params.get("fingerprint") != fingerprint:
        return False
    if document.status == Document.Status.QUEUED:
        return pdf.worker_available()
    return document.status in (Document.Status.RUNNING, Document.Status.FAILED)


# --- reading the month ------------------------------------------------------------------------


def _month_of(document: Document) -> AppraisalMonth:
    return AppraisalMonth.objects.get(month=datetime.date.fromisoformat(document.params["month"]))


def _hall() -> dict:
    from hall.selectors import hall_profile

    profile = hall_profile()
    return {"hall_profile": profile, "seal_uri": pdf.media_uri(profile.seal)}


def _common(month: AppraisalMonth, title: str) -> dict:
    return {
        **_hall(),
        "m": month,
        "doc_title": title,
        "printed_at": timezone.localtime(),
    }


def deductions_by_category(month: AppraisalMonth) -> list[dict]:
    """The month's deductions per rule category, and per rule inside it: net points (an
    entry and its reversal cancel out) and the number of entries that still stand."""
    rows = (
        ScoreEntry.objects.filter(month=month, rule__max_points__lte=0)
        .values("rule__category", "rule__code", "rule__title")
        .annotate(
            points=Sum("points"),
            count=Count("id", filter=Q(reverses__isnull=True, reversed_by__isnull=True)),
        )
        .order_by()
    )
    labels = dict(Rule.Category.choices)
    order = {value: i for i, value in enumerate(Rule.Category.values)}
    by_category: dict[str, dict] = {}
    for row in rows:
        if not row["count"]:
            continue
        cat = by_category.setdefault(
            row["rule__category"],
            {
                "label": labels.get(row["rule__category"], row["rule__category"]),
                "points": Decimal("0"),
                "count": 0,
                "rules": [],
            },
        )
        cat["points"] += -(row["points"] or 0)
        cat["count"] += row["count"]
        cat["rules"].append(
            {
                "code": row["rule__code"],
                "title": row["rule__title"],
                "points": -(row["points"] or 0),
                "count": row["count"],
            }
        )
    out = sorted(by_category.items(), key=lambda kv: order.get(kv[0], 99))
    for _cat, value in out:
        value["rules"].sort(key=lambda r: (-r["count"], r["code"]))
    return [value for _cat, value in out]


def hall_trend(month: AppraisalMonth) -> list[tuple[datetime.date, Decimal]]:
    """The hall's average staff total over the twelve months up to this one."""
    first = (month.month.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    rows = (
        MonthlyResult.objects.filter(
            staff__isnull=False, month__month__gte=first, month__month__lte=month.month
        )
        .exclude(month__status=AppraisalMonth.Status.OPEN)
        .values("month__month")
        .annotate(avg=Avg("total"))
        .order_by("month__month")
    )
    return [(r["month__month"], Decimal(r["avg"]).quantize(Decimal("0.1"))) for r in rows]


def summary_context(month: AppraisalMonth) -> dict:
    from appraisal import charts, selectors

    staff_rows = list(
        MonthlyResult.objects.filter(month=month, staff__isnull=False)
        .select_related("staff", "department")
        .order_by("rank_hall", "staff__employee_no")
    )
    window_rows = list(
        MonthlyResult.objects.filter(month=month, window__isnull=False)
        .select_related("window", "department")
        .order_by("rank_hall", "window__number")
    )
    awards = selectors.month_awards(month)
    ledger = selectors.month_ledger_summary(month)
    totals = [r.total for r in staff_rows]
    average = (sum(totals) / len(totals)).quantize(Decimal("0.1")) if totals else None
    trend = hall_trend(month)
    title = _title(SUMMARY, month.month)
    return {
        **_common(month, title),
        "staff_rows": staff_rows,
        "window_rows": window_rows,
        "stars": [a for a in awards if a.kind == Award.Kind.SERVICE_STAR],
        "banners": [a for a in awards if a.kind == Award.Kind.CIVILISED_WINDOW],
        "ledger": ledger,
        "average": average,
        "deductions": deductions_by_category(month),
        "chart": charts.trend_svg(
            trend, title=_("Average staff total, last 12 months"), width=640, height=200
        )
        if len(trend) > 1
        else "",
    }


def _entries_by_subject(month: AppraisalMonth, *, windows: bool, subject_ids=None) -> dict:
    qs = ScoreEntry.objects.filter(month=month).select_related(
        "rule", "author", "reverses", "reversed_by"
    )
    field = "window_id" if windows else "staff_id"
    qs = qs.filter(**{f"{field[:-3]}__isnull": False})
    if subject_ids is not None:
        qs = qs.filter(**{f"{field}__in": subject_ids})
    out: dict[int, list[ScoreEntry]] = defaultdict(list)
    for entry in qs.order_by("occurred_on", "id"):
        out[getattr(entry, field)].append(entry)
    return out


def sheets(month: AppraisalMonth, results: list[MonthlyResult], *, windows: bool) -> list[dict]:
    """One sheet per result: the subject, every entry of the month, the result."""
    entries = _entries_by_subject(
        month,
        windows=windows,
        subject_ids=[r.window_id if windows else r.staff_id for r in results],
    )
    return [
        {
            "result": r,
            "subject": r.window if windows else r.staff,
            "is_window": windows,
            "entries": entries.get(r.window_id if windows else r.staff_id, []),
        }
        for r in results
    ]


def _results(month: AppraisalMonth, *, windows: bool, **filters) -> list[MonthlyResult]:
    if windows:
        qs = MonthlyResult.objects.filter(month=month, window__isnull=False, **filters)
        return list(qs.select_related("window", "department").order_by("window__number"))
    qs = MonthlyResult.objects.filter(month=month, staff__isnull=False, **filters)
    return list(
        qs.select_related("staff", "staff__window", "department").order_by(
            "department__display_order", "department__code", "staff__employee_no"
        )
    )


def _render_sheets(document: Document, progress, sheet_list: list[dict]) -> bytes:
    month = _month_of(document)
    progress(0, len(sheet_list) + 1)
    html = pdf.render_html(
        "appraisal/pdf/sheets.html", {**_common(month, document.title), "sheets": sheet_list}
    )
    progress(len(sheet_list), len(sheet_list) + 1)
    return pdf.html_to_pdf(html)


# --- renderers ------------------------------------------------------------------------------


def _in_hall_language(render):
    def wrapped(document: Document, progress) -> bytes:
        with translation.override(settings.LANGUAGE_CODE):
            return render(document, progress)

    return wrapped


@_in_hall_language
def render_summary(document: Document, progress) -> bytes:
    progress(0, 2)
    context = summary_context(_month_of(document))
    progress(1, 2)
    return pdf.render_pdf("appraisal/pdf/summary.html", context)


@_in_hall_language
def render_staff_sheets(document: Document, progress) -> bytes:
    month = _month_of(document)
    return _render_sheets(
        document, progress, sheets(month, _results(month, windows=False), windows=False)
    )


@_in_hall_language
def render_window_sheets(document: Document, progress) -> bytes:
    month = _month_of(document)
    return _render_sheets(
        document, progress, sheets(month, _results(month, windows=True), windows=True)
    )


@_in_hall_language
def render_staff_sheet(document: Document, progress) -> bytes:
    month = _month_of(document)
    results = _results(month, windows=False, staff_id=document.params["staff"])
    if not results:
        raise ValueError("no result for this staff member in this month")
    return _render_sheets(document, progress, sheets(month, results, windows=False))


@_in_hall_language
def render_department_sheets(document: Document, progress) -> bytes:
    month = _month_of(document)
    dept = document.params["department"]
    return _render_sheets(
        document,
        progress,
        sheets(month, _results(month, windows=False, department_id=dept), windows=False)
        + sheets(month, _results(month, windows=True, department_id=dept), windows=True),
    )


def certificate_context(month: AppraisalMonth, title: str) -> dict:
    from appraisal import selectors

    issued = timezone.localtime(month.published_at).date() if month.published_at else None
    return {
        **_common(month, title),
        "awards": selectors.month_awards(month),
        "issued_on": issued or timezone.localdate(),
    }


@_in_hall_language
def render_certificates(document: Document, progress) -> bytes:
    progress(0, 2)
    context = certificate_context(_month_of(document), document.title)
    progress(1, 2)
    return pdf.render_pdf("appraisal/pdf/certificates.html", context)


# --- who may download what ------------------------------------------------------------------


def _admin_only(user, document: Document) -> bool:
    return has_role(user, HALL_ADMIN)


def _published(document: Document) -> bool:
    return AppraisalMonth.objects.filter(
        month=document.params.get("month"), status__in=VISIBLE
    ).exists()


def _can_view_staff_sheet(user, document: Document) -> bool:
    """The admin; the staff member it is about; their department's liaison — the last two
    only once the month is published."""
    from staff.models import StaffMember

    if has_role(user, HALL_ADMIN):
        return True
    if not _published(document):
        return False
    return StaffMember.objects.filter(
        Q(user=user) | Q(department__liaisons__user=user, department__isnull=False),
        pk=document.params.get("staff"),
    ).exists()


def _can_view_department_sheets(user, document: Document) -> bool:
    from windows.models import Department

    if has_role(user, HALL_ADMIN):
        return True
    return (
        has_role(user, DEPARTMENT_LIAISON)
        and _published(document)
        and Department.objects.filter(
            pk=document.params.get("department"), liaisons__user=user
        ).exists()
    )


pdf.register_kind(SUMMARY, render=render_summary, can_view=_admin_only)
pdf.register_kind(STAFF_SHEETS, render=render_staff_sheets, can_view=_admin_only)
pdf.register_kind(WINDOW_SHEETS, render=render_window_sheets, can_view=_admin_only)
pdf.register_kind(CERTIFICATES, render=render_certificates, can_view=_admin_only)
pdf.register_kind(STAFF_SHEET, render=render_staff_sheet, can_view=_can_view_staff_sheet)
pdf.register_kind(
    DEPARTMENT_SHEETS, render=render_department_sheets, can_view=_can_view_department_sheets
)
