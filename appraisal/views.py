"""Pages of the appraisal: the ledger, adding and reversing entries, the month board, the
banner history, a staff member's own scores and a liaison's department results.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from appraisal import annual, charts, selectors, services, tasks
from appraisal.charts import plain, signed
from appraisal.forms import AppealDecisionForm, AppealForm, ScoreEntryForm
from appraisal.models import Appeal, AppraisalMonth, Award, MonthlyResult, ScoreEntry
from hall.cache import fragment_key
from hall.notices import notices_context
from hall.queue import enqueue
from hall.roles import (
    DEPARTMENT_LIAISON,
    HALL_ADMIN,
    WINDOW_STAFF,
    admin_required,
    role_required,
    user_roles,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Status = AppraisalMonth.Status
esc = html.escape


# --- small pieces of HTML, built in Python for the long tables ---------------------------


def _points_cell(value, label: str) -> str:
    css = "text-success" if value > 0 else "text-danger" if value < 0 else ""
    return f'<td data-label="{label}" class="text-end fw-semibold {css}">{signed(value)}</td>'


def _person(user) -> str:
    if user is None:
        return "—"
    return user.first_name or user.username


def _subject_html(entry: ScoreEntry) -> str:
    if entry.staff_id:
        s = entry.staff
        return (
            f"{esc(s.name)} <span class='text-muted small'>{esc(s.employee_no)} · "
            f"{esc(s.department.short_name)}</span>"
        )
    w = entry.window
    return (
        f"{esc(_('Window'))} {esc(w.number)} {esc(w.name)} "
        f"<span class='text-muted small'>{esc(w.department.short_name)}</span>"
    )


def _ledger_rows(entries, *, csrf: str, next_url: str) -> SafeString:
    """The ledger's table body: 50 rows × 10 cells, every value escaped."""
    labels = {
        k: esc(str(v))
        for k, v in {
            "no": _("No."),
            "date": _("Date"),
            "subject": _("Subject"),
            "rule": _("Rule"),
            "points": _("Points"),
            "source": _("Source"),
            "author": _("Author"),
            "evidence": _("Evidence"),
            "marks": _("Reversal"),
        }.items()
    }
    file_word = esc(_("file"))
    reverse_word = esc(_("Reverse"))
    reason_word = esc(_("Why is it reversed?"))
    confirm_word = esc(_("Record the reversal"))
    evidence_base = reverse("appraisal_evidence", kwargs={"pk": 0})[: -len("0/evidence/")]
    action_base = reverse("appraisal_entry_reverse", kwargs={"pk": 0})[: -len("0/reverse/")]
    hidden = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(csrf)}">'
        f'<input type="hidden" name="next" value="{esc(next_url)}">'
    )
    out = []
    for e in entries:
        pk = int(e.pk)
        evidence = esc(e.evidence[:80] + ("…" if len(e.evidence) > 80 else ""))
        if e.evidence_file:
            evidence += (
                f' <a href="{evidence_base}{pk}/evidence/" target="_blank" rel="noopener">'
                f"{file_word}</a>"
            )
        marks = []
        if e.reverses_id:
            marks.append(
                esc(_("reverses #%(n)s") % {"n": e.reverses_id})
                + f"<br><span class='small text-muted'>{esc(e.reason)}</span>"
            )
        reversed_by = getattr(e, "reversed_by", None)
        if reversed_by is not None:
            marks.append(
                "<span class='badge text-bg-secondary'>"
                + esc(_("reversed by #%(n)s") % {"n": reversed_by.pk})
                + "</span>"
            )
        elif not e.reverses_id and e.month.status == Status.OPEN:
            marks.append(
                f"<details><summary class='btn btn-sm btn-outline-danger'>{reverse_word}</summary>"
                f"<form method='post' action='{action_base}{pk}/reverse/' class='mt-1'>{hidden}"
                f"<textarea name='reason' rows='2' class='form-control form-control-sm mb-1' "
                f"required placeholder='{reason_word}' aria-label='{reason_word}'></textarea>"
                f"<button class='btn btn-sm btn-danger' type='submit'>{confirm_word}</button>"
                f"</form></details>"
            )
        muted = ' class="text-muted"' if e.reverses_id or reversed_by is not None else ""
        out.append(
            f'<tr id="entry-{pk}"{muted}>'
            f'<td data-label="{labels["no"]}">#{pk}</td>'
            f'<td data-label="{labels["date"]}" class="text-nowrap">'
            f"{e.occurred_on.isoformat()}</td>"
            f'<td data-label="{labels["subject"]}">{_subject_html(e)}</td>'
            f'<td data-label="{labels["rule"]}">'
            f'<span class="fw-semibold">{esc(e.rule.code)}</span> {esc(e.rule.title)}</td>'
            f"{_points_cell(e.points, labels['points'])}"
            f'<td data-label="{labels["source"]}">{esc(str(e.get_source_display()))}</td>'
            f'<td data-label="{labels["author"]}">{esc(_person(e.author))}</td>'
            f'<td data-label="{labels["evidence"]}" class="small">{evidence or "—"}</td>'
            f'<td data-label="{labels["marks"]}" class="small">{"<br>".join(marks)}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped


def _result_rows(rows, *, windows: bool) -> SafeString:
    """Results (saved or live) as table rows: ranks, subject, points, bonus or share, flags."""
    star = esc(_("Service Star"))
    banner = esc(_("Civilised Window banner"))
    dq = esc(_("disqualified from awards"))
    lab = {
        k: esc(str(v))
        for k, v in {
            "rank": _("Rank"),
            "dept_rank": _("In department"),
            "no": _("Window") if windows else _("Employee number"),
            "name": _("Window name") if windows else _("Name"),
            "department": _("Department"),
            "add": _("Additions"),
            "ded": _("Deductions"),
            "share": _("Staff share"),
            "total": _("Total"),
            "bonus": _("Bonus (yuan)"),
            "flags": _("Awards"),
        }.items()
    }
    out = []
    for r in rows:
        subject = r.window if windows else r.staff
        number = subject.number if windows else subject.employee_no
        flags = []
        if r.is_star:
            flags.append(f"<span class='badge text-bg-warning'>★ {star}</span>")
        if r.is_banner:
            flags.append(f"<span class='badge text-bg-danger'>{banner}</span>")
        if r.disqualified:
            flags.append(f"<span class='badge text-bg-light border'>{dq}</span>")
        middle = (
            f'<td data-label="{lab["share"]}" class="text-end">{signed(r.staff_share)}</td>'
            if windows
            else ""
        )
        bonus = (
            ""
            if windows
            else f'<td data-label="{lab["bonus"]}" class="text-end">{r.bonus:,.2f}</td>'
        )
        add, ded = signed(r.additions), signed(-r.deductions)
        out.append(
            "<tr>"
            f'<td data-label="{lab["rank"]}" class="fw-semibold">{int(r.rank_hall)}</td>'
            f'<td data-label="{lab["dept_rank"]}">{int(r.rank_department)}</td>'
            f'<td data-label="{lab["no"]}">{esc(number)}</td>'
            f'<td data-label="{lab["name"]}">{esc(subject.name)}</td>'
            f'<td data-label="{lab["department"]}">{esc(r.department.name)}</td>'
            f'<td data-label="{lab["add"]}" class="text-end text-success">{add}</td>'
            f'<td data-label="{lab["ded"]}" class="text-end text-danger">{ded}</td>'
            f"{middle}"
            f'<td data-label="{lab["total"]}" class="text-end fw-bold">{plain(r.total)}</td>'
            f"{bonus}"
            f'<td data-label="{lab["flags"]}">{" ".join(flags)}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped


def _querystring(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for name in ("page", *drop):
        params.pop(name, None)
    return params.urlencode()


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _say_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- the ledger --------------------------------------------------------------------------


@admin_required
def ledger(request: HttpRequest) -> HttpResponse:
    filters = selectors.ledger_filters(request.GET)
    page = Paginator(selectors.ledger_entries(filters), settings.HALL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = _ledger_rows(page.object_list, csrf=get_token(request), next_url=request.get_full_path())
    return render(
        request,
        "appraisal/ledger.html",
        {
            "page": page,
            "rows": rows,
            "chosen": filters.chosen,
            "departments": selectors.department_choices(),
            "windows": selectors.window_choices(),
            "sources": ScoreEntry.Source.choices,
            "querystring": _querystring(request),
        },
    )


@admin_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    entries = selectors.ledger_entries(selectors.ledger_filters(request.GET))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Ledger"))
    ws.append(
        [
            _("No."),
            _("Date"),
            _("Month"),
            _("Employee number or window"),
            _("Name or window name"),
            _("Department"),
            _("Rule code"),
            _("Rule"),
            _("Points"),
            _("Source"),
            _("Author"),
            _("Evidence"),
            _("Evidence file"),
            _("Reverses entry"),
            _("Reason for the reversal"),
            _("Recorded at"),
        ]
    )
    for e in entries.iterator(chunk_size=500):
        subject = e.staff or e.window
        ws.append(
            [
                e.pk,
                e.occurred_on,
                f"{e.month.month:%Y-%m}",
                e.staff.employee_no if e.staff_id else e.window.number,
                subject.name,
                subject.department.name,
                e.rule.code,
                e.rule.title,
                float(e.points),
                str(e.get_source_display()),
                _person(e.author),
                e.evidence,
                Path(e.evidence_file.name).name if e.evidence_file else "",
                e.reverses_id or "",
                e.reason,
                timezone.localtime(e.created_at).replace(tzinfo=None),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    name = f"ledger-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _errors_onto_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@admin_required
def entry_add(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    books, rules = selectors.rules_for_form(today)
    form = ScoreEntryForm(
        request.POST or None,
        request.FILES or None,
        rules=rules,
        today=today,
        initial={"rule": request.GET.get("rule")},
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.score_entry_add(
                    author=request.user,
                    rule=data["rule"],
                    points=data["points"],
                    occurred_on=data["occurred_on"],
                    staff=data["staff"],
                    window=data["window"],
                    evidence=data["evidence"],
                    evidence_file=data["evidence_file"],
                )
            except ValidationError as exc:
                _errors_onto_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Entry #%(n)s recorded: %(subject)s, %(code)s, %(points)s points.")
                    % {
                        "n": entry.pk,
                        "subject": entry.staff or entry.window,
                        "code": entry.rule.code,
                        "points": signed(entry.points),
                    },
                )
                return redirect("appraisal_ledger")
    return render(
        request,
        "appraisal/entry_form.html",
        # The books in force, named in one line: the general rules, windows', staff's.
        {"form": form, "book": "、".join(map(str, books)), "rule_data": form.rule_data()},
        status=422 if request.method == "POST" else 200,
    )


@admin_required
@require_POST
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ScoreEntry, pk=pk)
    try:
        reversal = services.score_entry_reverse(
            author=request.user, entry=entry, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _say_errors(request, exc)
    else:
        messages.success(
            request,
            _("Entry #%(n)s reversed by entry #%(r)s.") % {"n": entry.pk, "r": reversal.pk},
        )
    return redirect(_safe_next(request, reverse("appraisal_ledger")))


@role_required(HALL_ADMIN, WINDOW_STAFF, DEPARTMENT_LIAISON)
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry's evidence file, to those who may see the entry; everyone else gets a 404."""
    entry = selectors.entry_for_user(request.user, pk, roles=user_roles(request.user))
    if not entry.evidence_file:
        raise Http404("no evidence file")
    try:
        handle = entry.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404("evidence file missing") from None
    return FileResponse(handle, filename=Path(entry.evidence_file.name).name)


# --- the month board ---------------------------------------------------------------------


@admin_required
def month_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.month_list(), 24).get_page(request.GET.get("page"))
    months = selectors.months_with_missing(list(page.object_list), first_page=page.number == 1)
    return render(
        request,
        "appraisal/month_list.html",
        {"page": page, "months": months, "today": timezone.localdate(), "querystring": ""},
    )


@admin_required
def month_board(request: HttpRequest, month) -> HttpResponse:
    m = selectors.month_or_unsaved(month)
    table = "windows" if request.GET.get("table") == "windows" else "staff"
    windows = table == "windows"
    awards: list[Award] = []
    if m.status == Status.OPEN:
        staff_rows, window_rows = selectors.month_live_results(month)
        counts = {"staff": len(staff_rows), "windows": len(window_rows)}
        rows = window_rows if windows else staff_rows
    else:
        counts = MonthlyResult.objects.filter(month=m).aggregate(
            staff=Count("id", filter=Q(staff__isnull=False)),
            windows=Count("id", filter=Q(window__isnull=False)),
        )
        rows = selectors.month_results(m, windows=windows)
        awards = selectors.month_awards(m)
    page = Paginator(rows, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "appraisal/month_board.html",
        {
            "m": m,
            "live": m.status == Status.OPEN,
            "ended": m.last_day < today,
            "table": table,
            "counts": counts,
            "page": page,
            "rows": _result_rows(page.object_list, windows=windows),
            "awards": awards,
            "summary": selectors.month_ledger_summary(m),
            "querystring": _querystring(request),
            "appeal_running": m.appeal_until is not None and m.appeal_until >= today,
        },
    )


def _board(month) -> HttpResponse:
    return redirect("appraisal_month_board", month=month)


@admin_required
@require_POST
def month_close(request: HttpRequest, month) -> HttpResponse:
    label = f"{month:%Y-%m}"
    if selectors.month_last_day(month) >= timezone.localdate():
        messages.error(request, _("%(month)s has not ended yet.") % {"month": label})
        return _board(month)
    m = services.month_get(month)
    if m.status != Status.OPEN:
        messages.info(request, _("%(month)s is already closed.") % {"month": label})
        return _board(month)
    services.month_close_request(month)
    try:
        queued = enqueue(tasks.month_close, month.isoformat())
    except ValidationError as exc:  # tasks run in-process and the close refused
        _say_errors(request, exc)
        return _board(month)
    if not queued:
        messages.warning(
            request,
            _(
                "The task queue is unreachable. The request to close %(month)s is saved and "
                "runs within ten minutes of the queue coming back (or the operator runs: "
                "python manage.py month_close %(month)s)."
            )
            % {"month": label},
        )
        return _board(month)
    m.refresh_from_db()
    if m.status == Status.OPEN:
        messages.success(
            request,
            _("Closing %(month)s… The results appear here in a minute; reload the page.")
            % {"month": label},
        )
    else:
        messages.success(
            request,
            _("%(month)s closed: results computed and awards proposed.") % {"month": label},
        )
    return _board(month)


@admin_required
@require_POST
def month_publish(request: HttpRequest, month) -> HttpResponse:
    m = get_object_or_404(AppraisalMonth, month=month)
    try:
        m = services.month_publish(m)
    except ValidationError as exc:
        _say_errors(request, exc)
    else:
        messages.success(
            request,
            _("%(month)s published: staff see their results; appeals until %(day)s.")
            % {"month": f"{month:%Y-%m}", "day": m.appeal_until},
        )
    return _board(month)


@admin_required
@require_POST
def month_finalise(request: HttpRequest, month) -> HttpResponse:
    m = get_object_or_404(AppraisalMonth, month=month)
    try:
        services.month_finalise(m)
    except ValidationError as exc:
        _say_errors(request, exc)
    else:
        messages.success(request, _("%(month)s is final and locked.") % {"month": f"{month:%Y-%m}"})
    return _board(month)


@admin_required
def banner_history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.awarded_months(), 12).get_page(request.GET.get("page"))
    by_month = selectors.banner_months([m.pk for m in page.object_list])
    rows = [
        (
            m,
            by_month[m.pk][Award.Kind.CIVILISED_WINDOW],
            by_month[m.pk][Award.Kind.SERVICE_STAR],
        )
        for m in page.object_list
    ]
    return render(
        request,
        "appraisal/banner_history.html",
        {"page": page, "rows": rows, "querystring": ""},
    )


# --- a staff member's own scores ---------------------------------------------------------


@role_required(WINDOW_STAFF)
def my_scores(request: HttpRequest) -> HttpResponse:
    """The member's phone page. Its body (all but the notices) is cached in this process under
    a fingerprint of what it shows (``selectors.my_scores_version``): one small query on a
    repeat visit instead of building the month, the results, the chart and the annual rows."""
    version = selectors.my_scores_version(request.user)
    if version is None:
        raise Http404("no staff record for this login")
    today = timezone.localdate()
    current = today.replace(day=1)
    chosen = selectors.parse_month(request.GET.get("month")) or current
    chosen = min(chosen, current)
    staff_id, fingerprint, notices_version = version
    key = fragment_key("my-scores", staff_id, chosen, today, get_language(), fingerprint)
    body = cache.get(key)
    if body is None:
        body = render_to_string(
            "appraisal/_my_scores_body.html", _my_scores_context(request.user, current, chosen)
        )
        cache.set(key, body, MY_SCORES_CACHE_SECONDS)
    return render(
        request,
        "appraisal/my_scores.html",
        {
            "body": mark_safe(body),  # noqa: S308 — rendered from the template above
            **notices_context(request.user, version=notices_version),
        },
    )


MY_SCORES_CACHE_SECONDS = 600


def _my_scores_context(user, current, chosen) -> dict:
    member = selectors.staff_for_user(user)
    results = selectors.staff_published_results(member)  # newest first, at most 12
    result_of = {r.month.month: r for r in results}
    trend = [(r.month.month, r.total) for r in reversed(results)]
    entries = selectors.staff_entries(member, chosen)
    return {
        "member": member,
        "current": current,
        "chosen": chosen,
        "so_far": selectors.staff_month_so_far(
            member, current, entries if chosen == current else None
        ),
        "entries": entries,
        "entry_items": charts.my_entry_items(entries),
        "chosen_result": result_of.get(chosen),
        "results": results,
        "month_items": charts.my_month_items(results),
        "chart": charts.trend_svg(trend, title=_("My monthly totals")),
        "annual": annual.staff_annual(member),
    }


@role_required(WINDOW_STAFF)
def my_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One of my entries, its appeals, and the appeal form while an appeal is allowed."""
    entry = get_object_or_404(
        ScoreEntry.objects.select_related(*selectors.LEDGER_RELATED),
        pk=pk,
        staff__user=request.user,
    )
    appeals = selectors.entry_appeals(entry)
    can_appeal = selectors.appeal_allowed(entry, appeals)
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_appeal:
            messages.error(request, _("This entry cannot be appealed now."))
            return redirect("appraisal_my_entry", pk=entry.pk)
        if form.is_valid():
            try:
                services.appeal_lodge(
                    staff=entry.staff,
                    entry=entry,
                    reason=form.cleaned_data["reason"],
                    file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                _errors_onto_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Your appeal was sent to the hall office. The decision appears here."),
                )
                return redirect("appraisal_my_entry", pk=entry.pk)
    return render(
        request,
        "appraisal/my_entry.html",
        {"entry": entry, "appeals": appeals, "can_appeal": can_appeal, "form": form},
        status=422 if request.method == "POST" else 200,
    )


# --- appeals -----------------------------------------------------------------------------


@admin_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    """The appeals queue: pending first (oldest first), then the decided ones."""
    chosen = selectors.parse_month(request.GET.get("month"))
    page = Paginator(selectors.appeal_queue(month=chosen), settings.HALL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "appraisal/appeal_list.html",
        {
            "page": page,
            "chosen": chosen,
            "pending": selectors.appeal_pending_count(month=chosen),
            "querystring": _querystring(request),
        },
    )


@admin_required
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(selectors.appeal_queue(), pk=pk)
    decidable = (
        appeal.status == Appeal.Status.PENDING and appeal.entry.month.status == Status.PUBLISHED
    )
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST":
        if not decidable:
            messages.error(request, _("This appeal can no longer be decided."))
            return redirect("appraisal_appeal_decide", pk=appeal.pk)
        if form.is_valid():
            uphold = form.cleaned_data["decision"] == AppealDecisionForm.UPHOLD
            try:
                appeal = services.appeal_decide(
                    author=request.user,
                    appeal=appeal,
                    uphold=uphold,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _errors_onto_form(form, exc)
            else:
                if uphold:
                    text = _(
                        "Appeal #%(n)s upheld: entry #%(e)s reversed by #%(r)s and the "
                        "month's results recomputed."
                    ) % {"n": appeal.pk, "e": appeal.entry_id, "r": appeal.reversal_id}
                else:
                    text = _("Appeal #%(n)s rejected: entry #%(e)s stands.") % {
                        "n": appeal.pk,
                        "e": appeal.entry_id,
                    }
                messages.success(request, text)
                return redirect("appraisal_appeal_list")
    return render(
        request,
        "appraisal/appeal_decide.html",
        {"appeal": appeal, "entry": appeal.entry, "decidable": decidable, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@role_required(HALL_ADMIN, WINDOW_STAFF)
def appeal_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An appeal's file, to the admin and to the appellant; everyone else gets a 404."""
    qs = Appeal.objects.all()
    if HALL_ADMIN not in user_roles(request.user):
        qs = qs.filter(staff__user=request.user)
    appeal = get_object_or_404(qs, pk=pk)
    if not appeal.file:
        raise Http404("no file")
    try:
        handle = appeal.file.open("rb")
    except FileNotFoundError:
        raise Http404("appeal file missing") from None
    return FileResponse(handle, filename=Path(appeal.file.name).name)


# --- a liaison's department --------------------------------------------------------------


@role_required(DEPARTMENT_LIAISON)
def department_results(request: HttpRequest) -> HttpResponse:
    department = selectors.liaison_department(request.user)
    months = selectors.published_months()
    wanted = selectors.parse_month(request.GET.get("month"))
    m = next((x for x in months if x.month == wanted), months[0] if months else None)
    context = {"department": department, "months": months, "m": m}
    if m is not None:
        page = Paginator(
            selectors.month_results(m, windows=False, department=department),
            settings.HALL_PAGE_SIZE,
        ).get_page(request.GET.get("page"))
        window_results = list(selectors.month_results(m, windows=True, department=department))
        context.update(
            page=page,
            staff_rows=_result_rows(page.object_list, windows=False),
            window_rows=_result_rows(window_results, windows=True),
            window_count=len(window_results),
            querystring=_querystring(request),
        )
    return render(request, "appraisal/department_results.html", context)
