"""Pages of the ratings: the public rating pages (QR, kiosk, token; no login), the QR card,
kiosk pairing and the rating statistics for the hall office, and a staff member's own
ratings.
"""

from __future__ import annotations

import datetime
import io
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook

from appraisal.selectors import parse_month, staff_for_user
from complaints import charts, ratings, rollups, selectors
from complaints.forms import RatingForm, RatingReasonForm
from complaints.models import BadRatingCase, Level, RatingReason
from hall.audit import audit_head
from hall.cache import fragment_key
from hall.catalogue import Catalogue, Column, Filter
from hall.roles import WINDOW_STAFF, admin_required, role_required
from windows.models import Department, Window

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEVICE_COOKIE, DEVICE_SALT = "hall_rater", "complaints.rating.device"
KIOSK_COOKIE, KIOSK_SALT = "hall_kiosk", "complaints.rating.kiosk"
YEAR = 365 * 24 * 3600
LEVEL_STYLE = {
    Level.VERY_SATISFIED: "success",
    Level.SATISFIED: "success",
    Level.BASIC: "primary",
    Level.DISSATISFIED: "warning",
    Level.VERY_DISSATISFIED: "danger",
}


# --- the citizen's side ------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The connecting address; behind ``HALL_PROXY_COUNT`` proxies, the one they saw."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if proxies:
        chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [a for a in chain if a]
        if len(chain) >= proxies:
            return chain[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _device_id(request: HttpRequest) -> tuple[str, bool]:
    """The device's id from the cookie the server signed, or a new one (→ set it)."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT)
    if value:
        return value, False
    return uuid.uuid4().hex, True


def _is_kiosk(request: HttpRequest, window: Window) -> bool:
    value = request.get_signed_cookie(KIOSK_COOKIE, default="", salt=KIOSK_SALT)
    return value == str(window.pk)


def _message(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    return render(
        request, "complaints/rate_message.html", {"title": title, "text": text}, status=status
    )


def _unknown_window(request: HttpRequest) -> HttpResponse:
    return _message(
        request,
        _("Window not found"),
        _(
            "This rating code does not belong to any window of the hall. Please scan the QR "
            "code on the window's card again, or ask the staff."
        ),
        404,
    )


def _rating_post(
    request: HttpRequest,
    device: tuple[str, bool],
    *,
    thanks: str,
    window: Window | None = None,
    token: str = "",
    paired: bool = False,
) -> HttpResponse | ValidationError:
    """Store the posted rating (for ``window``, or with ``token``): the redirect to ``thanks``
    when it is stored, the page that says why when it is refused (an unknown or spent token,
    a limit), or the service's ValidationError when the input is wrong, for the form to show.
    ``paired``: the browser is the window's paired kiosk, held to the kiosk's limit.

    The service checks everything the form would (the level, reasons of that level, lengths,
    the phone), so a submission goes to it straight from the POST; the form is built only to
    show a page."""
    posted = request.POST
    try:
        ratings.rating_submit(
            level=posted.get("level", ""),
            reason_codes=posted.getlist("reasons"),
            comment=posted.get("comment", ""),
            name=posted.get("name", ""),
            phone=posted.get("phone", ""),
            window=window,
            token=token,
            kiosk=paired,
            device_id=device[0],
            ip=client_ip(request),
        )
    except ratings.RatingLimited as exc:
        return _with_device(_message(request, _("Thank you for rating"), exc.message, 429), *device)
    except ValidationError as exc:
        refused = exc.error_dict.get("token")
        if refused:
            status = 404 if refused[0].code == "unknown" else 410
            text = refused[0].messages[0]
            return _message(request, _("This rating link cannot be used"), text, status)
        return exc
    return _with_device(HttpResponseRedirect(thanks), *device)


def _rating_form(
    request: HttpRequest, reasons: dict, refused: ValidationError | None = None
) -> RatingForm:
    """The form to show: empty, or bound to a POST the service ``refused``, with the form's
    own errors or else the service's."""
    if request.method != "POST":
        return RatingForm(reasons=reasons)
    form = RatingForm(request.POST, reasons=reasons)
    if form.is_valid() and refused is not None:
        for name, errors in refused.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    return form


def _rating_page(
    request: HttpRequest,
    form: RatingForm,
    device: tuple[str, bool],
    *,
    window: Window,
    reasons: dict,
    kiosk: bool = False,
) -> HttpResponse:
    """The form (again, with its errors, after a POST that stored nothing). ``kiosk``: the page
    returns to a blank form after each rating."""
    response = render(
        request,
        "complaints/rate.html",
        {
            "window": window,
            "form": form,
            "kiosk": kiosk,
            "groups": [
                (value, label, LEVEL_STYLE[value], reasons[value]) for value, label in Level.choices
            ],
            "chosen_level": form["level"].value() or "",
            "chosen_reasons": set(form["reasons"].value() or []),
        },
        status=422 if form.is_bound else 200,
    )
    return _with_device(response, *device)


def _rate(
    request: HttpRequest, *, window: Window, code: str, kiosk: bool = False, paired: bool = False
) -> HttpResponse:
    """The QR and kiosk pages: the form and its submission."""
    device = _device_id(request)
    refused = None
    if request.method == "POST":
        thanks = reverse("rating_thanks", kwargs={"code": code})
        done = _rating_post(
            request,
            device,
            window=window,
            paired=paired,
            thanks=f"{thanks}?kiosk=1" if kiosk else thanks,
        )
        if isinstance(done, HttpResponse):
            return done
        refused = done
    reasons = ratings.reasons_by_level()
    form = _rating_form(request, reasons, refused)
    return _rating_page(request, form, device, window=window, reasons=reasons, kiosk=kiosk)


def _with_device(response: HttpResponse, device_id: str, new: bool) -> HttpResponse:
    if new:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            device_id,
            salt=DEVICE_SALT,
            max_age=2 * YEAR,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    window = ratings.window_for_code(code)
    if window is None:
        return _unknown_window(request)
    return _rate(request, window=window, code=code)


@require_http_methods(["GET", "POST"])
def rate_kiosk(request: HttpRequest, code: str) -> HttpResponse:
    """The tablet at the window: a paired kiosk has its own limit; nothing is kept in the
    browser, and after each rating the page returns to an empty form."""
    window = ratings.window_for_code(code)
    if window is None:
        return _unknown_window(request)
    paired = _is_kiosk(request, window)
    return _rate(request, window=window, kiosk=True, paired=paired, code=code)


@require_http_methods(["GET", "POST"])
def rate_token(request: HttpRequest, token: str) -> HttpResponse:
    device = _device_id(request)
    refused = None
    if request.method == "POST":
        # No read first: the statement that stores the rating spends the token, or stores
        # nothing and the refusal says why.
        thanks = reverse("rating_token_thanks", kwargs={"token": token})
        done = _rating_post(request, device, token=token, thanks=thanks)
        if isinstance(done, HttpResponse):
            return done
        refused = done
    found = ratings.token_find(token)
    refusal = ratings.token_refusal(found)
    if refusal:
        status = 404 if found is None else 410
        return _message(request, _("Rating link"), refusal, status)
    reasons = ratings.reasons_by_level()
    form = _rating_form(request, reasons, refused)
    return _rating_page(request, form, device, window=found.window, reasons=reasons)


@never_cache
def rate_token_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """After a rating with a token; before it (a link opened early), the form."""
    found = ratings.token_find(token)
    if found is None:
        return _message(request, _("Rating link"), ratings.token_refusal(None), 404)
    if found.used_at is None:
        return redirect("rating_token", token=token)
    return render(
        request,
        "complaints/thanks.html",
        {"window": found.window, "kiosk_url": "", "seconds": 0},
    )


@never_cache
def rate_thanks(request: HttpRequest, code: str) -> HttpResponse:
    window = ratings.window_for_code(code)
    if window is None:
        return _unknown_window(request)
    kiosk = request.GET.get("kiosk") == "1"
    return render(
        request,
        "complaints/thanks.html",
        {
            "window": window,
            "kiosk_url": reverse("rating_kiosk", kwargs={"code": code}) if kiosk else "",
            "seconds": settings.HALL_RATING_KIOSK_RETURN_SECONDS,
        },
    )


# --- the hall office ---------------------------------------------------------------------


def _public_url(request: HttpRequest, path: str) -> str:
    base = settings.HALL_RATING_PUBLIC_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@admin_required
def rating_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable card with the window's QR code."""
    import segno

    window = get_object_or_404(Window.objects.select_related("department"), pk=pk, active=True)
    code = ratings.window_codes([window])[window.pk]
    url = _public_url(request, reverse("rating_form", kwargs={"code": code}))
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2)
    return render(
        request,
        "complaints/card.html",
        {
            "window": window,
            "url": url,
            "qr": mark_safe(svg),  # noqa: S308 — segno's own SVG of our URL
            "kiosk_url": reverse("rating_kiosk", kwargs={"code": code}),
            "pair_url": reverse("rating_kiosk_pair", kwargs={"pk": window.pk}),
        },
    )


@admin_required
@require_http_methods(["GET", "POST"])
def kiosk_pair(request: HttpRequest, pk: int) -> HttpResponse:
    """Make this browser (the tablet at the window) the window's kiosk."""
    window = get_object_or_404(Window.objects.select_related("department"), pk=pk, active=True)
    code = ratings.window_codes([window])[window.pk]
    if request.method == "POST":
        response = redirect("rating_kiosk", code=code)
        response.set_signed_cookie(
            KIOSK_COOKIE,
            str(window.pk),
            salt=KIOSK_SALT,
            max_age=2 * YEAR,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        messages.success(
            request,
            _("This browser is now the kiosk of window %(window)s. Log out before handing it over.")
            % {"window": window.number},
        )
        return response
    return render(request, "complaints/kiosk_pair.html", {"window": window})


def _month_from(request: HttpRequest) -> datetime.date:
    current = timezone.localdate().replace(day=1)
    chosen = parse_month(request.GET.get("month")) or current
    return min(chosen, current)


BY = ("window", "department", "staff")
# What each tab groups by (always the window: the talk flag and the bars need it).
BY_FIELDS = {
    "window": ("window_id",),
    "department": ("window_id", "department_id"),
    "staff": ("window_id", "staff_id"),
}
TREND_MONTHS = 12


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _stats_filter(rows: list, by: str, department: int | None, window: int | None) -> list:
    """The rows of the chosen department and window (ranks stay the hall's)."""

    def keep(subject) -> bool:
        if by == "window":
            dept, win = subject.department_id, subject.pk
        elif by == "department":
            dept, win = subject.pk, None
        else:
            dept, win = subject.department_id, subject.window_id
        return (department is None or dept == department) and (
            window is None or win is None or win == window
        )

    return [i for i in rows if keep(i.subject)]


def _stats_tables(month: datetime.date, by: str, department: int | None, window: int | None):
    table = rollups.months_counts(selectors.previous_month(month), month, BY_FIELDS[by])
    windows = selectors.window_indicators(month, table)
    rows = {
        "window": lambda: windows,
        "department": lambda: selectors.department_indicators(month, table[month]),
        "staff": lambda: selectors.staff_indicators(month, table[month]),
    }[by]()
    return table, windows, _stats_filter(rows, by, department, window)


@admin_required
def rating_stats(request: HttpRequest) -> HttpResponse:
    """The month's statistics. The figures, charts and table are rendered once per state of
    the data and cached under a key of the rollup's state, the live ratings' count and newest
    id and the audit head (names of windows, departments, staff): a new rating, a rebuild or a
    renamed window makes a new key, so the page is never stale and needs no invalidation."""
    month = _month_from(request)
    by = request.GET.get("by") if request.GET.get("by") in BY else "window"
    department, window = _int_param(request, "department"), _int_param(request, "window")
    chosen = (("department", department), ("window", window))
    filter_query = urlencode({name: pk for name, pk in chosen if pk})
    key = fragment_key(
        "rating-stats",
        get_language(),
        timezone.localdate(),
        month,
        by,
        department,
        window,
        request.GET.get("page", ""),
        rollups.signature(rollups.add_months(month, 1 - TREND_MONTHS), month),
        audit_head(),
    )
    body = cache.get(key)
    if body is None:
        body = _stats_body(request, month, by, department, window, filter_query)
        cache.set(key, body, 600)
    return render(
        request,
        "complaints/stats.html",
        {
            "month": month,
            "previous": selectors.previous_month(month),
            "next": _next_month(month),
            "by": by,
            "filter_query": filter_query,
            "body": body,
        },
    )


def _stats_body(
    request: HttpRequest,
    month: datetime.date,
    by: str,
    department: int | None,
    window: int | None,
    filter_query: str,
) -> str:
    table, windows, rows = _stats_tables(month, by, department, window)
    departments = list(Department.objects.filter(active=True).order_by("display_order", "code"))
    shown = _stats_filter(windows, "window", department, window)
    bars = charts.level_bars_svg(
        [(f"{i.subject.number} {i.subject.name}", i.counts) for i in shown if i.total],
        title=_("Ratings by level per window, %(month)s") % {"month": f"{month:%Y-%m}"},
    )
    trend = rollups.trend_by_department(month, TREND_MONTHS)
    names = {d.pk: d.short_name or d.name for d in departments}
    series = [
        (names.get(pk, str(pk)), [(m, selectors.satisfaction_rate(c)) for m, c in points])
        for pk, points in sorted(trend.items(), key=lambda kv: names.get(kv[0], ""))
        if department is None or pk == department
    ]
    lines = charts.trend_lines_svg(
        series, title=_("Satisfaction rate per department, last 12 months")
    )
    page = Paginator(rows, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render_to_string(
        "complaints/_stats_body.html",
        {
            "month": month,
            "by": by,
            "hall": selectors.hall_counts(month, table[month]),
            "talk": [i for i in windows if i.talk],
            "page": page,
            "table_rows": charts.stats_rows_html(by, page.object_list),
            "levels": Level.choices,
            "querystring": params.urlencode(),
            "filters": {"department": department or "", "window": window or ""},
            "filter_query": filter_query,
            "departments": departments,
            "window_choices": [i.subject for i in windows],
            "bars": bars,
            "lines": lines,
            "bottom": settings.HALL_RATING_TALK_BOTTOM,
            "rank_min": settings.HALL_RATING_RANK_MIN,
        },
        request=request,
    )


def _next_month(month: datetime.date) -> datetime.date | None:
    nxt = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt if nxt <= timezone.localdate() else None


def _subject_cells(by: str, subject) -> list:
    if by == "window":
        return [subject.number, subject.name, subject.department.name]
    if by == "department":
        return [subject.code, subject.name, ""]
    return [subject.employee_no, subject.name, subject.department.name]


@admin_required
def rating_stats_export(request: HttpRequest) -> HttpResponse:
    """The three tables of the month, each honouring the page's department and window."""
    month = _month_from(request)
    department, window = _int_param(request, "department"), _int_param(request, "window")
    wb = Workbook(write_only=True)
    labels = [str(label) for _value, label in Level.choices]
    table = rollups.months_counts(selectors.previous_month(month), month)
    sheets = [
        ("window", _("Windows"), selectors.window_indicators(month, table)),
        ("department", _("Departments"), selectors.department_indicators(month, table[month])),
        ("staff", _("Staff"), selectors.staff_indicators(month, table[month])),
    ]
    for by, title, rows in sheets:
        ws = wb.create_sheet(str(title))
        header = [_("Rank"), _("Number"), _("Name"), _("Department"), _("Ratings")]
        header += labels + [_("Satisfaction rate (%)"), _("Bad ratings")]
        if by == "window":
            header.append(_("Called in for a talk (约谈)"))
        ws.append([str(h) for h in header])
        for i in _stats_filter(rows, by, department, window):
            line = [i.rank or "", *_subject_cells(by, i.subject), i.total]
            line += [count for _level, _label, count, _share in i.shares]
            line += [float(i.rate) if i.rate is not None else "", i.bad]
            if by == "window":
                line.append("✓" if i.talk else "")
            ws.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ratings-{month:%Y-%m}.xlsx"'
    return response


# --- the staff member's side -------------------------------------------------------------


@role_required(WINDOW_STAFF)
def my_ratings(request: HttpRequest) -> HttpResponse:
    member = staff_for_user(request.user)
    page = Paginator(selectors.staff_ratings(member), 30).get_page(request.GET.get("page"))
    cases_by_rating = {  # each bad rating's rectification case, one query for the page
        c.rating_id: c
        for c in BadRatingCase.objects.filter(rating__in=[r.pk for r in page.object_list])
    }
    for r in page.object_list:
        r.rectification = cases_by_rating.get(r.pk)
    return render(
        request,
        "complaints/my_ratings.html",
        {"member": member, "page": page, "styles": LEVEL_STYLE, "querystring": ""},
    )


# --- the coded reasons, edited by the hall office ----------------------------------------

reasons = Catalogue(
    model=RatingReason,
    form_class=RatingReasonForm,
    prefix="rating_reason",
    title=gettext_lazy("Rating reasons"),
    singular=gettext_lazy("rating reason"),
    columns=[
        Column("code", gettext_lazy("code"), link=True),
        Column("get_level_display", gettext_lazy("level")),
        Column("title", gettext_lazy("reason")),
        Column("display_order", gettext_lazy("display order")),
    ],
    search_fields=["code", "title"],
    filters=[Filter("level", gettext_lazy("level"), "level", lambda: Level.choices)],
)
