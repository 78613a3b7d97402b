"""The appraisal's PDFs: the month's reports page (admin), re-rendering, and the sheets staff
and liaisons download. The files themselves are served by ``hall.views_documents``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import reports, selectors
from appraisal.models import AppraisalMonth, MonthlyResult
from hall import pdf
from hall.models import Document
from hall.roles import DEPARTMENT_LIAISON, WINDOW_STAFF, admin_required, role_required
from hall.views_documents import document_file_response

Status = AppraisalMonth.Status


def month_documents(month_start):
    """The month's documents: its four reports first, then single sheets made on demand."""
    return (
        Document.objects.filter(group=reports.month_group(month_start))
        .select_related("requested_by")
        .annotate(
            single=Case(
                When(kind__in=reports.MONTH_DOCUMENTS, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("single", "id")
    )


@admin_required
def month_reports(request: HttpRequest, month) -> HttpResponse:
    """The month's PDFs with their status and progress; while any is queued or rendering
    the table refreshes itself (htmx polling of this same URL)."""
    m = selectors.month_or_unsaved(month)
    page = Paginator(month_documents(month), settings.HALL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    fingerprint = reports.month_fingerprint(m) if m.pk else ""
    documents = list(page.object_list)
    for d in documents:
        d.outdated = d.status == Document.Status.DONE and d.params.get("fingerprint") != fingerprint
    worker = pdf.worker_available()
    context = {
        "m": m,
        "page": page,
        "documents": documents,
        "worker": worker,
        "polling": any(
            d.status == Document.Status.RUNNING or (worker and d.active) for d in documents
        ),
        "waiting": not worker and any(d.status == Document.Status.QUEUED for d in documents),
        "querystring": "",
    }
    if request.htmx:
        return render(request, "appraisal/reports_table.html", context)
    return render(request, "appraisal/reports.html", context)


@admin_required
@require_POST
def month_reports_render(request: HttpRequest, month) -> HttpResponse:
    m = get_object_or_404(AppraisalMonth, month=month)
    if m.status == Status.OPEN:
        messages.error(request, _("The reports of a month are made once it is closed."))
        return redirect("appraisal_month_reports", month=month)
    docs = reports.appraisal_reports_request(m, requested_by=request.user, automatic=False)
    failed = Document.objects.filter(
        pk__in=[d.pk for d in docs], status=Document.Status.FAILED
    ).count()
    if failed:
        messages.error(
            request,
            _("%(n)s of the PDFs could not be rendered: see the errors below.") % {"n": failed},
        )
    else:
        messages.success(
            request,
            _("The PDFs of %(month)s are being rendered; this page shows their progress.")
            % {"month": f"{month:%Y-%m}"},
        )
    return redirect("appraisal_month_reports", month=month)


def _published_month(month) -> AppraisalMonth:
    return get_object_or_404(AppraisalMonth, month=month, status__in=reports.VISIBLE)


def _serve_or_wait(request: HttpRequest, document: Document) -> HttpResponse:
    """The PDF once it is rendered; until then a page that reloads itself."""
    if document.status == Document.Status.DONE and document.file:
        return document_file_response(document)
    return render(request, "appraisal/reports_wait.html", {"document": document})


@role_required(WINDOW_STAFF)
def my_sheet(request: HttpRequest, month) -> HttpResponse:
    """My appraisal sheet (考核表) of a published month, rendered on first request."""
    member = selectors.staff_for_user(request.user)
    m = _published_month(month)
    if not MonthlyResult.objects.filter(month=m, staff=member).exists():
        raise Http404("not appraised that month")
    return _serve_or_wait(request, reports.staff_sheet(m, member, requested_by=request.user))


@role_required(DEPARTMENT_LIAISON)
def department_sheets(request: HttpRequest, month) -> HttpResponse:
    """The sheets of my department's staff and windows for a published month."""
    department = selectors.liaison_department(request.user)
    m = _published_month(month)
    return _serve_or_wait(
        request, reports.department_sheets(m, department, requested_by=request.user)
    )
