"""Receipts at the window (window PC, 1024×768): register an application, issue a notice of
acceptance, correction or refusal, print it; the hall office's list of every notice, voiding,
and the monthly table of abnormal handling.

Staff see their own window's applications and notices only (another window's is a 404); the
hall office sees all. Rules live in ``guides.receipts``.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guides import receipts
from guides.forms_receipts import (
    FORMS,
    ApplicationForm,
    VoidForm,
    WindowChoiceForm,
)
from guides.models import Application, Receipt
from hall import pdf
from hall.roles import HALL_ADMIN, WINDOW_STAFF, admin_required, has_role, role_required
from hall.selectors import hall_profile
from windows.models import Window

at_window = role_required(HALL_ADMIN, WINDOW_STAFF)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _application_for_user(user, pk: int) -> Application:
    return get_object_or_404(
        receipts.applications_for(user).select_related(
            "window__department", "item__department", "received_by"
        ),
        pk=pk,
    )


def _receipt_for_user(user, pk: int) -> Receipt:
    return get_object_or_404(
        receipts.receipts_for(user).select_related(
            "application__window__department",
            "application__item__department",
            "application__received_by",
            "issued_by",
            "voided_by",
            "edition",
        ),
        pk=pk,
    )


# --- applications -----------------------------------------------------------------------------


@at_window
def application_list(request: HttpRequest) -> HttpResponse:
    """My window's applications (all windows' for the hall office); ``?state=pending``: those
    with no notice yet, the nearest correction deadline first."""
    admin = has_role(request.user, HALL_ADMIN)
    window = None if admin else receipts.staff_window(request.user)
    qs = receipts.applications_for(request.user).select_related("window", "item")
    pending = request.GET.get("state") == "pending"
    if pending:
        qs = qs.filter(state=Application.State.RECEIVED).order_by(
            "correction_due_on", "received_at", "id"
        )
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(
            Q(applicant_name__icontains=query)
            | Q(item__name__icontains=query)
            | Q(item__code__icontains=query)
        )
    page = Paginator(qs, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    clocks = receipts.correction_clocks(rows)
    for a in rows:
        a.clock = clocks[a.pk]
    return render(
        request,
        "guides/receipt_applications.html",
        {
            "page": page,
            "rows": rows,
            "pending": pending,
            "query": query,
            "window": window,
            "admin": admin,
            "querystring": _querystring(request),
        },
    )


@at_window
def application_create(request: HttpRequest) -> HttpResponse:
    admin = has_role(request.user, HALL_ADMIN)
    window = receipts.staff_window(request.user)
    chooser = None
    if admin:
        chooser = WindowChoiceForm(request.GET or None)
        picked = chooser.cleaned_data.get("window") if chooser.is_valid() else None
        window = picked or window
    if window is None:
        return render(
            request,
            "guides/receipt_application_form.html",
            {"form": None, "chooser": chooser, "window": None, "admin": admin},
        )
    form = ApplicationForm(request.POST or None, window=window)
    code = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                application = receipts.application_register(
                    actor=request.user,
                    window=window,
                    item=d["item"],
                    applicant_name=d["applicant_name"],
                    applicant_id=d["applicant_id"],
                    contact=d["contact"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Application received. Issue its notice within %(days)s working days.")
                    % {"days": settings.HALL_RECEIPT_CORRECTION_DAYS},
                )
                return redirect("receipt_application", pk=application.pk)
        code = 422
    return render(
        request,
        "guides/receipt_application_form.html",
        {"form": form, "chooser": chooser, "window": window, "admin": admin},
        status=code,
    )


@at_window
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for_user(request.user, pk)
    notices = list(
        application.receipts.select_related("issued_by", "voided_by").order_by("issued_at", "id")
    )
    return render(
        request,
        "guides/receipt_application.html",
        {
            "a": application,
            "clock": receipts.correction_clock(application),
            "notices": notices,
            "kinds": Receipt.Kind,
        },
    )


@at_window
def receipt_issue(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    application = _application_for_user(request.user, pk)
    if kind not in Receipt.Kind.values:
        raise Http404("no such kind of notice")
    edition = None
    kwargs = {}
    if kind == Receipt.Kind.CORRECTION:
        edition = receipts.current_edition(application.item)
        kwargs["edition"] = edition
    form = FORMS[kind](request.POST if request.method == "POST" else None, **kwargs)
    code = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                receipt = receipts.receipt_issue(
                    actor=request.user,
                    application=application,
                    kind=kind,
                    note=d.get("note", ""),
                    materials=d.get("materials"),
                    other_materials=d.get("other_lines"),
                    reason=d.get("reason", ""),
                    legal_basis=d.get("legal_basis", ""),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(kind)s %(number)s issued. Print it and hand the first copy over.")
                    % {"kind": receipt.get_kind_display(), "number": receipt.number},
                )
                return redirect("receipt_detail", pk=receipt.pk)
        code = 422
    return render(
        request,
        "guides/receipt_issue.html",
        {
            "a": application,
            "kind": kind,
            "kind_label": Receipt.Kind(kind).label,
            "form": form,
            "edition": edition,
            "clock": receipts.correction_clock(application),
            "remedies": receipts.remedies() if kind == Receipt.Kind.REFUSAL else None,
        },
        status=code,
    )


# --- notices ----------------------------------------------------------------------------------


def _month(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None


@at_window
def receipt_list(request: HttpRequest) -> HttpResponse:
    """My window's notices; for the hall office every notice, by kind, window, item, month."""
    admin = has_role(request.user, HALL_ADMIN)
    qs = receipts.receipts_for(request.user).select_related(
        "application__window", "application__item", "issued_by"
    )
    chosen = {
        "kind": request.GET.get("kind", ""),
        "window": request.GET.get("window", ""),
        "item": request.GET.get("item", "").strip(),
        "month": request.GET.get("month", ""),
    }
    if chosen["kind"] in Receipt.Kind.values:
        qs = qs.filter(kind=chosen["kind"])
    if admin and chosen["window"].isdigit():
        qs = qs.filter(application__window_id=int(chosen["window"]))
    if chosen["item"]:
        qs = qs.filter(
            Q(application__item__code__icontains=chosen["item"])
            | Q(application__item__name__icontains=chosen["item"])
        )
    month = _month(chosen["month"])
    if month:
        first, last = receipts.month_bounds(month)
        qs = qs.filter(issued_on__range=(first, last))
    page = Paginator(qs, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    windows = (
        list(
            Window.objects.filter(active=True)
            .order_by("number")
            .values_list("pk", "number", "name")
        )
        if admin
        else []
    )
    return render(
        request,
        "guides/receipt_list.html",
        {
            "page": page,
            "admin": admin,
            "window": None if admin else receipts.staff_window(request.user),
            "chosen": chosen,
            "kinds": Receipt.Kind.choices,
            "windows": windows,
            "querystring": _querystring(request),
        },
    )


@at_window
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _receipt_for_user(request.user, pk)
    return render(
        request,
        "guides/receipt_detail.html",
        {
            "r": receipt,
            "a": receipt.application,
            "void_form": VoidForm() if has_role(request.user, HALL_ADMIN) else None,
            "has_seal": bool(hall_profile().seal),
        },
    )


def receipt_pdf_context(receipt: Receipt) -> dict:
    profile = hall_profile()
    application = receipt.application
    return {
        "r": receipt,
        "a": application,
        "hall_profile": profile,
        "seal_uri": pdf.media_uri(profile.seal),
        "doc_title": f"{receipt.get_kind_display()} {receipt.number}",
        "copies": [_("Copy 1 of 2: for the applicant"), _("Copy 2 of 2: for the archive")],
        "promised": application.item.promised_label,
    }


def receipt_pdf_bytes(receipt: Receipt) -> bytes:
    return pdf.render_pdf("guides/pdf/receipt.html", receipt_pdf_context(receipt))


@at_window
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice on A4, two pages: the applicant's copy and the archive copy. Rendered in
    the request: a two-page notice takes well under a second (see the README)."""
    receipt = _receipt_for_user(request.user, pk)
    started = time.monotonic()
    body = receipt_pdf_bytes(receipt)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{receipt.pk}.pdf"'
    response["Server-Timing"] = f"pdf;dur={(time.monotonic() - started) * 1000:.0f}"
    return response


@admin_required
@require_POST
def receipt_void(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _receipt_for_user(request.user, pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            receipts.receipt_void(
                actor=request.user, receipt=receipt, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Notice %(number)s is void. Its number is kept and never issued again.")
                % {"number": receipt.number},
            )
            return redirect("receipt_detail", pk=receipt.pk)
    return render(
        request,
        "guides/receipt_detail.html",
        {
            "r": receipt,
            "a": receipt.application,
            "void_form": form,
            "has_seal": bool(hall_profile().seal),
        },
        status=422,
    )


# --- abnormal handling ------------------------------------------------------------------------


@admin_required
def abnormal_handling(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    month = _month(request.GET.get("month", "")) or today.replace(day=1)
    counts = receipts.abnormal_counts(month, today)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "guides/receipt_abnormal.html",
        {
            "counts": counts,
            "counts_tables": [
                (_("By window"), _("Window"), counts.by_window, "by-window"),
                (_("By item"), _("Item"), counts.by_item, "by-item"),
            ],
            "month": month,
            "prev_month": (month - datetime.timedelta(days=1)).replace(day=1),
            # No way into months that have not begun.
            "next_month": next_month if next_month <= today else None,
        },
    )
