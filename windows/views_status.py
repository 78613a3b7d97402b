"""Pages of the window status signs: a window's sign (staff on their phone, the supervisor on
the tablet), the hall's big-screen floor board, and the month's minutes per window."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hall.cache import fragment_key
from hall.roles import (
    DUTY_SUPERVISOR,
    HALL_ADMIN,
    WINDOW_STAFF,
    admin_required,
    has_role,
    role_required,
)
from windows import status
from windows.forms_status import WindowSignForm
from windows.models import Window


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where the form has the field."""
    for field, msgs in exc.message_dict.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _window_for_user(user, pk: int) -> Window:
    """Any window for the supervisor and the admin; for staff only the window they sit at."""
    window = get_object_or_404(Window.objects.select_related("department"), pk=pk)
    if has_role(user, HALL_ADMIN, DUTY_SUPERVISOR):
        return window
    seated = getattr(getattr(user, "staff_member", None), "window_id", None)
    if seated != window.pk:
        raise Http404("not your window")
    return window


@role_required(HALL_ADMIN, DUTY_SUPERVISOR, WINDOW_STAFF)
def window_sign(request: HttpRequest, pk: int) -> HttpResponse:
    window = _window_for_user(request.user, pk)
    supervising = has_role(request.user, HALL_ADMIN, DUTY_SUPERVISOR)
    form = WindowSignForm(request.POST or None, may_record_empty_seat=supervising)
    code = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                sign = status.window_sign_set(
                    actor=request.user,
                    window=window,
                    sign=d["sign"],
                    reason=d["reason"],
                    note=d["note"],
                    back_in_minutes=d["back_in_minutes"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Window %(number)s now shows: %(sign)s.")
                    % {"number": window.number, "sign": sign.get_sign_display()},
                )
                nxt = request.POST.get("next", "")
                if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
                    return redirect(nxt)
                return redirect("window_sign", pk=window.pk)
        code = 422
    current = status.attach_signs([window])[0]
    return render(
        request,
        "windows/status_sign.html",
        {
            "window": current,
            "form": form,
            "history": status.window_history(window),
            "supervising": supervising,
            "next": request.GET.get("next", "") or request.POST.get("next", ""),
        },
        status=code,
    )


# Stands for the time in a cached board; put in as each answer leaves.
BOARD_CLOCK = "[[board-clock]]"


def window_board(request: HttpRequest) -> HttpResponse:
    """The floor board on the hall's big screen: public and read-only, as the printed signs
    on the counters are. It shows each window's number, department and sign — no names.
    htmx asks for the grid again every few seconds; only the grid is sent back.

    Every screen in the hall asks every few seconds and the signs change a few times an hour,
    so the answer (page or grid) is rendered once per state of the floor and cached under a
    key that moves whenever anything on it can change: the newest sign (every change of a
    sign is a new row) and the newest audit entry (every edit of a window, a department or
    the hall profile is audited) — one query of two index lookups a request. Nothing on it
    depends on who asks; the time is put in as the answer leaves."""
    partial = bool(getattr(request, "htmx", False))
    key = fragment_key("board", partial, get_language(), *status.floor_version())
    body = cache.get(key)
    if body is None:
        windows = status.attach_signs(
            Window.objects.filter(active=True).select_related("department").order_by("number"),
            with_setter=False,
        )
        template = "windows/_status_board.html" if partial else "windows/status_board.html"
        context = {
            "windows": windows,
            "clock": BOARD_CLOCK,
            "refresh": settings.HALL_BOARD_REFRESH_SECONDS,
        }
        body = render_to_string(template, context, request=request)
        cache.set(key, body, 300)
    response = HttpResponse(body.replace(BOARD_CLOCK, f"{timezone.localtime():%H:%M:%S}"))
    patch_vary_headers(response, ("HX-Request",))  # the page and the grid share one URL
    return response


def _month(request: HttpRequest) -> datetime.date:
    today = timezone.localdate()
    try:
        month = datetime.date.fromisoformat(f"{request.GET.get('month', '')}-01")
    except ValueError:
        month = today.replace(day=1)
    return month


@admin_required
def window_sign_month(request: HttpRequest) -> HttpResponse:
    """Minutes per window under each class of sign, for a month."""
    month = _month(request)
    start, end = status.month_bounds(month)
    rows = status.minutes_by_class(
        start,
        end,
        windows=Window.objects.filter(active=True).select_related("department").order_by("number"),
    )
    prev_month = (month - datetime.timedelta(days=1)).replace(day=1)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "windows/status_month.html",
        {
            "month": month,
            "rows": rows,
            "prev_month": prev_month,
            "next_month": next_month,
            "board_url": reverse("window_board"),
        },
    )
