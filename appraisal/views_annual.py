"""Pages of the annual appraisal (年度考核): the hall office's year page (thresholds, compute,
the graded table, lock, Excel export) and a liaison's read-only view of their department."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from appraisal import annual, selectors
from appraisal.forms import AnnualThresholdsForm
from appraisal.models import AnnualAppraisal, AppraisalMonth, AppraisalYear
from hall.roles import DEPARTMENT_LIAISON, admin_required, role_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Grade = AnnualAppraisal.Grade
MonthStatus = AppraisalMonth.Status


def _checked_year(year: int) -> int:
    if not (annual.FIRST_YEAR <= year <= annual.LAST_YEAR):
        raise Http404("no such year")
    return year


def _say_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _month_strip(year: int, months: list[AppraisalMonth]) -> list[dict]:
    """The year's months as the page shows them: counted, provisional or not counted."""
    out = []
    for m in months:
        if m.status == MonthStatus.FINAL:
            kind = "counted"
        elif m.status == MonthStatus.PUBLISHED:
            kind = "provisional"
        else:
            kind = "not_counted"
        out.append({"m": m, "kind": kind})
    return out


def _grade_rows(summary: dict) -> list[tuple[str, str, int]]:
    return [(g, label, summary["counts"][g]) for g, label in Grade.choices]


@admin_required
def annual_list(request: HttpRequest) -> HttpResponse:
    return render(request, "appraisal/annual_list.html", {"years": annual.years_list()})


@admin_required
def annual_year(request: HttpRequest, year: int) -> HttpResponse:
    year = _checked_year(year)
    y = annual.year_or_unsaved(year)
    form = AnnualThresholdsForm(
        request.POST or None,
        initial={name: getattr(y, name) for name in annual.THRESHOLD_FIELDS},
    )
    if request.method == "POST":
        if y.is_locked:
            messages.error(
                request,
                _("The annual appraisal of %(year)s is locked: nothing can change.")
                % {"year": year},
            )
            return redirect("appraisal_annual", year=year)
        if form.is_valid():
            try:
                y = annual.annual_thresholds_set(year, author=request.user, **form.cleaned_data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                if y.status == AppraisalYear.Status.COMPUTED:
                    text = _("Thresholds of %(year)s saved and the grades recomputed.")
                else:
                    text = _("Thresholds of %(year)s saved.")
                messages.success(request, text % {"year": year})
                return redirect("appraisal_annual", year=year)
    months = annual.year_months(year)
    summary = annual.year_summary(y)
    page = Paginator(annual.year_rows(y), settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "appraisal/annual_year.html",
        {
            "y": y,
            "year": year,
            "form": form,
            "page": page,
            "summary": summary,
            "grades": _grade_rows(summary),
            "months": _month_strip(year, months),
            "blockers": annual.lock_blockers(y, months),
            "querystring": "",
        },
        status=422 if request.method == "POST" else 200,
    )


@admin_required
@require_POST
def annual_compute(request: HttpRequest, year: int) -> HttpResponse:
    year = _checked_year(year)
    try:
        y = annual.annual_compute(year, author=request.user)
    except ValidationError as exc:
        _say_errors(request, exc)
    else:
        messages.success(
            request,
            _("Annual appraisal of %(year)s computed: %(n)s staff graded.")
            % {"year": year, "n": y.rows.count()},
        )
    return redirect("appraisal_annual", year=year)


@admin_required
@require_POST
def annual_lock(request: HttpRequest, year: int) -> HttpResponse:
    year = _checked_year(year)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the lock."))
        return redirect("appraisal_annual", year=year)
    try:
        annual.annual_lock(year, author=request.user)
    except ValidationError as exc:
        _say_errors(request, exc)
    else:
        messages.success(
            request,
            _("The annual appraisal of %(year)s is locked: staff now see their grades.")
            % {"year": year},
        )
    return redirect("appraisal_annual", year=year)


@admin_required
def annual_export(request: HttpRequest, year: int) -> HttpResponse:
    year = _checked_year(year)
    y = annual.year_or_unsaved(year)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Annual appraisal %(year)s") % {"year": year})
    ws.append(
        [
            _("Rank"),
            _("Employee number"),
            _("Name"),
            _("Department"),
            _("Months counted"),
            _("Of them provisional"),
            _("Average monthly total"),
            _("Additions"),
            _("Deductions"),
            _("Service Star awards"),
            _("Months disqualified"),
            _("Grade by the thresholds"),
            _("Grade"),
            _("Why this grade"),
        ]
    )
    for r in annual.year_rows(y).iterator(chunk_size=500):
        ws.append(
            [
                r.rank_hall,
                r.staff.employee_no,
                r.staff.name,
                r.department.name,
                r.months_counted,
                r.months_provisional,
                float(r.average_total),
                float(r.additions),
                -float(r.deductions),
                r.stars,
                r.months_disqualified,
                str(r.get_proposed_grade_display()),
                str(r.get_grade_display()),
                r.reason,
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    status = "locked" if y.is_locked else "provisional"
    name = f"annual-{year}-{status}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(DEPARTMENT_LIAISON)
def department_annual(request: HttpRequest) -> HttpResponse:
    """The department's staff in the year's annual appraisal, read-only. Grades show once the
    year is locked; before that the figures are marked provisional."""
    department = selectors.liaison_department(request.user)
    years = list(AppraisalYear.objects.exclude(status=AppraisalYear.Status.DRAFT).order_by("-year"))
    wanted = request.GET.get("year", "")
    y = next((x for x in years if str(x.year) == wanted), years[0] if years else None)
    context = {"department": department, "years": years, "y": y}
    if y is not None:
        page = Paginator(
            annual.year_rows(y, department=department), settings.HALL_PAGE_SIZE
        ).get_page(request.GET.get("page"))
        summary = annual.year_summary(y, department=department)
        context.update(
            page=page,
            summary=summary,
            grades=_grade_rows(summary),
            querystring=f"year={y.year}",
        )
    return render(request, "appraisal/annual_department.html", context)
