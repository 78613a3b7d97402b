"""The annual appraisal (年度考核): reads and writes of a year's grades.

Counted months: those of the year that are **published or final**, and for each staff member
only the months in which they have a result. Published months count because staff have seen
their results and the year's picture should be current; they are marked provisional (an
appeal may still change them) and the year cannot be locked until every month is final.
Closed months are not counted: their results are not yet published to staff.

Locking needs: the year has ended; every month from the year's first appraisal month through
December is final (so no appeal is pending); and the stored rows equal a fresh computation
(nothing changed since the hall office last looked at the table).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import scoring
from appraisal.models import (
    AnnualAppraisal,
    Appeal,
    AppraisalMonth,
    AppraisalYear,
    Award,
    MonthlyResult,
)
from hall.audit import audit_record, diff, snapshot
from hall.models import AuditEntry

Grade = AnnualAppraisal.Grade
MonthStatus = AppraisalMonth.Status
COUNTED = (MonthStatus.PUBLISHED, MonthStatus.FINAL)
THRESHOLD_FIELDS = [
    "excellent_min",
    "competent_min",
    "basic_min",
    "excellent_share",
    "disqualified_bars_excellent",
]
ROW_FIELDS = [
    "department_id",
    "months_counted",
    "months_provisional",
    "average_total",
    "additions",
    "deductions",
    "stars",
    "months_disqualified",
    "proposed_grade",
    "grade",
    "rank_hall",
    "reason",
]
FIRST_YEAR, LAST_YEAR = 2000, 2100


# --- the year and its thresholds -----------------------------------------------------------


def year_defaults() -> dict:
    """A new year's thresholds, from the ``HALL_ANNUAL_*`` settings."""
    return {
        "excellent_min": Decimal(str(settings.HALL_ANNUAL_EXCELLENT_MIN)),
        "competent_min": Decimal(str(settings.HALL_ANNUAL_COMPETENT_MIN)),
        "basic_min": Decimal(str(settings.HALL_ANNUAL_BASIC_MIN)),
        "excellent_share": Decimal(str(settings.HALL_ANNUAL_EXCELLENT_SHARE)),
        "disqualified_bars_excellent": bool(settings.HALL_ANNUAL_DISQUALIFIED_BARS_EXCELLENT),
    }


def year_or_unsaved(year: int) -> AppraisalYear:
    """The year's row, or an unsaved one with the default thresholds: reading never writes."""
    return AppraisalYear.objects.filter(year=year).first() or AppraisalYear(
        year=year, **year_defaults()
    )


def _year_for_update(year: int) -> AppraisalYear:
    """The year's row, created with the defaults on first use, locked for this transaction."""
    if not AppraisalYear.objects.filter(year=year).exists():
        try:
            with transaction.atomic():
                AppraisalYear.objects.create(year=year, **year_defaults())
        except IntegrityError:  # created meanwhile by another request
            pass
    return AppraisalYear.objects.select_for_update().get(year=year)


def thresholds_of(y: AppraisalYear) -> scoring.Thresholds:
    return scoring.Thresholds(
        excellent=y.excellent_min,
        competent=y.competent_min,
        basic=y.basic_min,
        excellent_share=y.excellent_share,
        disqualified_bars_excellent=y.disqualified_bars_excellent,
    )


def threshold_errors(
    *, excellent_min, competent_min, basic_min, excellent_share
) -> dict[str, list[str]]:
    """What is wrong with a set of thresholds (the form and the service both ask)."""
    errors: dict[str, list[str]] = defaultdict(list)
    for name, value in (
        ("excellent_min", excellent_min),
        ("competent_min", competent_min),
        ("basic_min", basic_min),
    ):
        if value is None or not (Decimal("0") <= value <= Decimal("200")):
            errors[name].append(_("Give an average between 0 and 200 points."))
    if excellent_share is None or not (Decimal("0") <= excellent_share <= Decimal("100")):
        errors["excellent_share"].append(_("The quota is a share between 0 and 100 %."))
    if not errors:
        if competent_min >= excellent_min:
            errors["competent_min"].append(
                _("The minimum for Competent must be below the minimum for Excellent.")
            )
        if basic_min >= competent_min:
            errors["basic_min"].append(
                _("The minimum for Basically competent must be below the minimum for Competent.")
            )
    return dict(errors)


def _refuse_if_locked(y: AppraisalYear) -> None:
    if y.is_locked:
        raise ValidationError(
            _("The annual appraisal of %(year)s is locked: nothing can change.") % {"year": y.year}
        )


@transaction.atomic
def annual_thresholds_set(
    year: int,
    *,
    author,
    excellent_min: Decimal,
    competent_min: Decimal,
    basic_min: Decimal,
    excellent_share: Decimal,
    disqualified_bars_excellent: bool,
) -> AppraisalYear:
    """Change the year's thresholds and quota; a computed year is recomputed at once, so the
    grades shown always follow the thresholds shown. Refused once the year is locked."""
    errors = threshold_errors(
        excellent_min=excellent_min,
        competent_min=competent_min,
        basic_min=basic_min,
        excellent_share=excellent_share,
    )
    if errors:
        raise ValidationError(errors)
    existed = AppraisalYear.objects.filter(year=year).exists()
    y = _year_for_update(year)
    _refuse_if_locked(y)
    before = snapshot(y, THRESHOLD_FIELDS) if existed else {}
    y.excellent_min, y.competent_min, y.basic_min = excellent_min, competent_min, basic_min
    y.excellent_share = excellent_share
    y.disqualified_bars_excellent = disqualified_bars_excellent
    y.save(update_fields=THRESHOLD_FIELDS)
    y.refresh_from_db()  # the stored (quantized) values
    changes = diff(before, snapshot(y, THRESHOLD_FIELDS))
    if changes or not existed:
        audit_record(
            actor=author,
            instance=y,
            action=AuditEntry.Action.UPDATE if existed else AuditEntry.Action.CREATE,
            changes=changes,
        )
    if y.status == AppraisalYear.Status.COMPUTED and changes:
        y = _compute(y, author=author)
    return y


# --- computing -----------------------------------------------------------------------------


def annual_build(y: AppraisalYear) -> list[dict]:
    """The year's rows as a computation would write them now (field → value), in rank order.

    Three queries, however many staff and months.
    """
    months = AppraisalMonth.objects.filter(month__year=y.year, status__in=COUNTED)
    results = (
        MonthlyResult.objects.filter(month__in=months, staff__isnull=False)
        .order_by("staff_id", "month__month")
        .values_list(
            "staff_id",
            "staff__employee_no",
            "department_id",
            "month__status",
            "total",
            "additions",
            "deductions",
            "disqualified",
        )
    )
    stars = dict(
        Award.objects.filter(month__in=months, kind=Award.Kind.SERVICE_STAR, staff__isnull=False)
        .values_list("staff_id")
        .annotate(n=Count("id"))
        .values_list("staff_id", "n")
    )
    per: dict[int, dict] = {}
    for staff_id, number, department_id, status, total, add, ded, dq in results:
        p = per.setdefault(
            staff_id,
            {
                "no": number,
                "totals": [],
                "add": Decimal("0"),
                "ded": Decimal("0"),
                "dq": 0,
                "provisional": 0,
            },
        )
        p["department_id"] = department_id  # ordered by month: the latest wins
        p["totals"].append(total)
        p["add"] += add
        p["ded"] += ded
        p["dq"] += int(dq)
        p["provisional"] += int(status != MonthStatus.FINAL)
    figures = [
        scoring.YearFigures(
            staff_id=staff_id,
            sort_key=p["no"],
            months=len(p["totals"]),
            average=scoring.average(p["totals"]),
            additions=p["add"],
            deductions=p["ded"],
            stars=stars.get(staff_id, 0),
            months_disqualified=p["dq"],
        )
        for staff_id, p in per.items()
    ]
    rows = []
    for g in scoring.annual_grade(figures, thresholds_of(y)):
        f = g.figures
        rows.append(
            {
                "staff_id": f.staff_id,
                "department_id": per[f.staff_id]["department_id"],
                "months_counted": f.months,
                "months_provisional": per[f.staff_id]["provisional"],
                "average_total": f.average,
                "additions": f.additions,
                "deductions": f.deductions,
                "stars": f.stars,
                "months_disqualified": f.months_disqualified,
                "proposed_grade": g.proposed,
                "grade": g.grade,
                "rank_hall": g.rank,
                "reason": g.reason,
            }
        )
    return rows


def _stored(y: AppraisalYear) -> dict[int, dict]:
    if y.pk is None:
        return {}
    rows = AnnualAppraisal.objects.filter(year=y).values("staff_id", *ROW_FIELDS)
    return {r["staff_id"]: r for r in rows}


def annual_rows_current(y: AppraisalYear) -> bool:
    """Whether the stored rows equal what a computation would write now."""
    return _stored(y) == {r["staff_id"]: r for r in annual_build(y)}


def _grade_summary(rows) -> str:
    counts = defaultdict(int)
    for r in rows:
        counts[r["grade"]] += 1
    return "，".join(f"{scoring.GRADE_NAMES[g]} {counts[g]}" for g in Grade.values if counts[g])


def _compute(y: AppraisalYear, *, author) -> AppraisalYear:
    """Upsert the rows (one per staff member, keyed on the member, so a recomputation keeps
    the rows' ids), delete the rows of staff no longer counted, and audit the change."""
    built = annual_build(y)
    existing = {r.staff_id: r for r in AnnualAppraisal.objects.filter(year=y)}
    before = {"rows": str(len(existing)), "grades": _grade_summary(_stored(y).values())}
    to_create, to_update = [], []
    for row in built:
        current = existing.pop(row["staff_id"], None)
        if current is None:
            to_create.append(AnnualAppraisal(year=y, **row))
            continue
        for name in ROW_FIELDS:
            setattr(current, name, row[name])
        to_update.append(current)
    if existing:
        AnnualAppraisal.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    AnnualAppraisal.objects.bulk_update(to_update, ROW_FIELDS, batch_size=500)
    AnnualAppraisal.objects.bulk_create(to_create, batch_size=500)
    old_status = y.get_status_display()
    y.status = AppraisalYear.Status.COMPUTED
    y.computed_at = timezone.now()
    y.computed_by = author if getattr(author, "is_authenticated", False) else None
    y.save(update_fields=["status", "computed_at", "computed_by"])
    after = {"rows": str(len(built)), "grades": _grade_summary(built)}
    audit_record(
        actor=author,
        instance=y,
        action=AuditEntry.Action.UPDATE,
        changes={
            "status": [str(old_status), str(y.get_status_display())],
            **diff(before, after),
        },
    )
    return y


@transaction.atomic
def annual_compute(year: int, *, author) -> AppraisalYear:
    """(Re)write the year's rows from its published and final months. Idempotent: twice
    gives the same rows (the same ids, the same values). Refused once the year is locked."""
    if not (FIRST_YEAR <= year <= LAST_YEAR):
        raise ValidationError(_("%(year)s is not a year to appraise.") % {"year": year})
    y = _year_for_update(year)
    _refuse_if_locked(y)
    return _compute(y, author=author)


# --- locking -------------------------------------------------------------------------------


def _month_label(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def _add_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def year_months(year: int) -> list[AppraisalMonth]:
    return list(AppraisalMonth.objects.filter(month__year=year).order_by("month"))


def lock_blockers(y: AppraisalYear, months: list[AppraisalMonth]) -> list[str]:
    """Why the year cannot be locked yet (empty: it can), without the staleness check,
    which needs a computation (``annual_lock`` makes it)."""
    out = []
    if y.is_locked:
        return [_("The year is locked.")]
    if y.status != AppraisalYear.Status.COMPUTED:
        out.append(_("Compute the annual appraisal first."))
    if timezone.localdate() <= datetime.date(y.year, 12, 31):
        out.append(_("The year %(year)s has not ended yet.") % {"year": y.year})
    if not months:
        out.append(_("No month of %(year)s has been appraised.") % {"year": y.year})
        return out
    by_start = {m.month: m for m in months}
    pending = []
    start = months[0].month
    while start.year == y.year:
        m = by_start.get(start)
        if m is None:
            no_results = _("no results")
            pending.append(f"{_month_label(start)}（{no_results}）")
        elif m.status != MonthStatus.FINAL:
            pending.append(f"{_month_label(start)}（{m.get_status_display()}）")
        start = _add_month(start)
    if pending:
        out.append(
            _("Every month must be final first; not yet: %(months)s.")
            % {"months": "、".join(pending)}
        )
    return out


@transaction.atomic
def annual_lock(year: int, *, author) -> AppraisalYear:
    """Lock the year for good. Refused (nothing written) unless the year has ended, every
    month from its first appraised month through December is final — so no appeal is
    pending — and the stored rows equal a fresh computation."""
    y = AppraisalYear.objects.select_for_update().filter(year=year).first()
    if y is None:
        raise ValidationError(_("Compute the annual appraisal first."))
    blockers = lock_blockers(y, year_months(year))
    if (
        not blockers
        and Appeal.objects.filter(
            entry__month__month__year=year, status=Appeal.Status.PENDING
        ).exists()
    ):
        blockers.append(_("Decide the pending appeals of the year first."))
    if not blockers and not annual_rows_current(y):
        blockers.append(
            _(
                "The months changed since the last computation: recompute and check the "
                "table before locking."
            )
        )
    if blockers:
        raise ValidationError(blockers)
    y.status = AppraisalYear.Status.LOCKED
    y.locked_at = timezone.now()
    y.locked_by = author if getattr(author, "is_authenticated", False) else None
    y.save(update_fields=["status", "locked_at", "locked_by"])
    audit_record(
        actor=author,
        instance=y,
        action=AuditEntry.Action.UPDATE,
        changes={"status": [str(AppraisalYear.Status.COMPUTED.label), str(y.get_status_display())]},
    )
    return y


# --- reads ---------------------------------------------------------------------------------


def year_rows(y: AppraisalYear, *, department=None) -> QuerySet[AnnualAppraisal]:
    if y.pk is None:
        return AnnualAppraisal.objects.none()
    qs = AnnualAppraisal.objects.filter(year=y).select_related("staff", "department")
    if department is not None:
        qs = qs.filter(department=department)
    return qs.order_by("rank_hall")


def year_summary(y: AppraisalYear, *, department=None) -> dict:
    """Grade counts, the 优秀 quota and where its line falls, in one query."""
    empty = {g: 0 for g in Grade.values}
    if y.pk is None:
        return {
            "staff": 0,
            "counts": empty,
            "quota": 0,
            "last_excellent_rank": None,
            "provisional": 0,
        }
    excellent = Q(grade=Grade.EXCELLENT)
    candidate = Q(proposed_grade=Grade.EXCELLENT)
    if y.disqualified_bars_excellent:
        candidate &= Q(months_disqualified=0)
    qs = AnnualAppraisal.objects.filter(year=y)
    if department is not None:
        qs = qs.filter(department=department)
    row = qs.aggregate(
        staff=Count("id"),
        candidates=Count("id", filter=candidate),
        last_excellent_rank=Max("rank_hall", filter=excellent),
        provisional=Count("id", filter=Q(months_provisional__gt=0)),
        **{g: Count("id", filter=Q(grade=g)) for g in Grade.values},
    )
    return {
        "staff": row["staff"],
        "counts": {g: row[g] for g in Grade.values},
        "quota": scoring.excellent_quota(
            row["staff"], y.excellent_share, candidates=row["candidates"]
        ),
        "last_excellent_rank": row["last_excellent_rank"],
        "provisional": row["provisional"],
    }


def years_list() -> list[dict]:
    """Every year with appraisal months or a year row, newest first."""
    rows = {y.year: y for y in AppraisalYear.objects.annotate(staff=Count("rows"))}
    month_years = {d.year for d in AppraisalMonth.objects.dates("month", "year")}
    out = []
    for year in sorted(rows.keys() | month_years | {timezone.localdate().year}, reverse=True):
        out.append({"year": year, "row": rows.get(year)})
    return out


def staff_annual(member, *, limit: int = 2) -> list[AnnualAppraisal]:
    """The member's newest annual rows (a locked year shows its grade; an unlocked one only
    its provisional figures)."""
    return list(
        AnnualAppraisal.objects.filter(staff=member)
        .exclude(year__status=AppraisalYear.Status.DRAFT)
        .select_related("year")
        .order_by("-year__year")[:limit]
    )
