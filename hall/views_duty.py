"""Pages of the duty desk (值班台), used standing on a tablet: the floor, the four duties, the
shift and its handover, the roster; and for the hall office, every shift's log.

A log form posted by static/js/duty.js (header ``X-Duty-Submit``) is answered in JSON: 201
with the new entry, 200 pointing at the entry already saved under the same key, or 422 with
the errors by field. Posted without JavaScript, it redirects with a message as usual.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hall import duty, selectors
from hall.forms_duty import (
    FAIL,
    IncidentForm,
    InspectionItemForm,
    KeyedForm,
    MatterCloseForm,
    NoteForm,
    ReceptionForm,
    RosterDayForm,
    ServiceForm,
    ShiftCloseForm,
)
from hall.models import DutyLogEntry
from hall.roles import DUTY_SUPERVISOR, HALL_ADMIN, admin_required, has_role, role_required
from windows import status
from windows.models import Window

Kind = DutyLogEntry.Kind
on_duty = role_required(DUTY_SUPERVISOR, HALL_ADMIN)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Duty-Submit") == "1"


def entry_url(entry: DutyLogEntry) -> str:
    return f"{reverse('duty_shift', args=[entry.shift_id])}#entry-{entry.pk}"


def _saved(request, entry: DutyLogEntry, created: bool, back: str, extra=None) -> HttpResponse:
    if created:
        text = _("Saved in the duty log (#%(n)s).") % {"n": entry.pk}
    else:
        text = _("Already saved as #%(n)s; not saved twice.") % {"n": entry.pk}
    if _wants_json(request):
        return JsonResponse(
            {
                "id": entry.pk,
                "created": created,
                "url": entry_url(entry),
                "message": text,
                **(extra or {}),
            },
            status=201 if created else 200,
        )
    messages.success(request, text)
    return redirect(back if created else entry_url(entry))


def _refused(request, form, exc: ValidationError | None, template: str, context: dict):
    if exc is not None:
        for field, msgs in exc.message_dict.items():
            for msg in msgs:
                form.add_error(field if field in form.fields else None, msg)
    if _wants_json(request):
        errors = {
            field or "__all__": [e["message"] for e in errs]
            for field, errs in form.errors.get_json_data().items()
        }
        return JsonResponse({"errors": errors}, status=422)
    return render(request, template, {**context, "form": form}, status=422)


def _fields(data: dict, *names: str) -> dict:
    return {n: data[n] for n in names if data.get(n) not in (None, "")}


# --- the tablet home -----------------------------------------------------------------------


def supervisor_home(request: HttpRequest) -> HttpResponse:
    """The floor: every window as a tile with its sign, the shift, the four duties."""
    today = timezone.localdate()
    shift = duty.open_shift_for(request.user)
    tallies = duty.tallies(shift)
    return render(
        request,
        "hall/home_supervisor.html",
        {
            "shift": shift,
            "rostered": duty.roster_for(today),
            "handover": duty.last_handover(shift.date if shift else today + datetime.timedelta(1)),
            "counters": [(v, label, tallies[v]) for v, label in DutyLogEntry.Counter.choices],
            "matters": list(duty.open_matters()[:30]),
            "windows": status.attach_signs(selectors.floor_windows()),
            "reception_form": ReceptionForm(),
            "away_limit": settings.HALL_AWAY_LIMIT_MINUTES,
        },
    )


# --- shifts --------------------------------------------------------------------------------


@on_duty
@require_POST
def shift_open(request: HttpRequest) -> HttpResponse:
    try:
        shift = duty.shift_open(actor=request.user)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Shift of %(day)s opened.") % {"day": shift.date})
    return redirect("home")


@on_duty
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shift = duty.shift_for_user(request.user, pk)
    tallies = duty.tallies(shift)
    return render(
        request,
        "hall/duty_shift.html",
        {
            "shift": shift,
            "entries": duty.shift_entries(shift),
            "counters": [(v, label, tallies[v]) for v, label in DutyLogEntry.Counter.choices],
            "matters": list(duty.open_matters()[:50]),
            "close_form": ShiftCloseForm(),
            "note_form": NoteForm(),
            "mine": shift.supervisor_id == request.user.pk,
        },
    )


@on_duty
@require_POST
def shift_close(request: HttpRequest, pk: int) -> HttpResponse:
    shift = duty.shift_for_user(request.user, pk)
    form = ShiftCloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        duty.shift_close(
            actor=request.user, shift=shift, handover_note=form.cleaned_data["handover_note"]
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return redirect("duty_shift", pk=shift.pk)
    messages.success(request, _("Shift handed over."))
    return redirect("home")


@admin_required
def shift_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        duty.shifts_for_admin().order_by("-date", "-id"), settings.HALL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "hall/duty_shift_list.html", {"page": page})


# --- the log -------------------------------------------------------------------------------


@on_duty
@require_POST
def reception(request: HttpRequest) -> HttpResponse:
    form = ReceptionForm(request.POST)
    exc = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            entry, created = duty.log_add(
                actor=request.user,
                key=d["key"],
                kind=Kind.RECEPTION,
                counter=d["counter"],
                text=d["text"],
            )
        except ValidationError as e:
            exc = e
        else:
            return _saved(
                request, entry, created, reverse("home"), {"tallies": duty.tallies(entry.shift)}
            )
    if _wants_json(request):
        return _refused(request, form, exc, "", {})
    problems = exc.messages if exc else [m for msgs in form.errors.values() for m in msgs]
    for msg in problems:
        messages.error(request, msg)
    return redirect("home")


def _log_form_view(request, form_class, kind: str, template: str, title: str, build):
    form = form_class(request.POST or None, request.FILES or None)
    context = {"title": title, "kind": kind, "shift": duty.open_shift_for(request.user)}
    if request.method != "POST":
        return render(request, template, {**context, "form": form})
    if not form.is_valid():
        return _refused(request, form, None, template, context)
    d = form.cleaned_data
    try:
        entry, created = duty.log_add(actor=request.user, key=d["key"], kind=kind, **build(d))
    except ValidationError as exc:
        return _refused(request, form, exc, template, context)
    return _saved(request, entry, created, reverse("home"))


@on_duty
def incident(request: HttpRequest) -> HttpResponse:
    return _log_form_view(
        request,
        IncidentForm,
        Kind.INCIDENT,
        "hall/duty_form.html",
        _("Incident"),
        lambda d: _fields(
            d,
            "text",
            "place",
            "citizen",
            "window",
            "staff",
            "outcome",
            "escalated_to",
            "follow_up",
            "photo",
        ),
    )


@on_duty
def service(request: HttpRequest) -> HttpResponse:
    return _log_form_view(
        request,
        ServiceForm,
        Kind.SERVICE,
        "hall/duty_form.html",
        _("Service to staff"),
        lambda d: _fields(d, "window", "request_kind", "text", "handled_by", "done"),
    )


@on_duty
def note(request: HttpRequest) -> HttpResponse:
    return _log_form_view(
        request,
        NoteForm,
        Kind.NOTE,
        "hall/duty_form.html",
        _("Log note"),
        lambda d: _fields(d, "text", "follow_up"),
    )


@on_duty
@require_POST
def matter_close(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(DutyLogEntry, pk=pk)
    form = MatterCloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        duty.matter_close(
            actor=request.user, entry=entry, resolution=form.cleaned_data["resolution"]
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Matter #%(n)s closed.") % {"n": entry.pk})
    return redirect(request.POST.get("back") == "shift" and entry_url(entry) or "home")


@on_duty
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(DutyLogEntry, pk=pk)
    if not entry.photo:
        raise Http404("no photo")
    try:
        handle = entry.photo.open("rb")
    except FileNotFoundError:
        raise Http404("photo missing") from None
    return FileResponse(handle)


# --- the inspection round ------------------------------------------------------------------


@on_duty
def inspection(request: HttpRequest) -> HttpResponse:
    shift = duty.open_shift_for(request.user)
    return render(
        request,
        "hall/duty_inspection.html",
        {
            "shift": shift,
            "windows": status.attach_signs(selectors.floor_windows()),
            "visited": duty.visited_today(shift),
        },
    )


def _item_forms(request, window: Window, day) -> list[InspectionItemForm]:
    staff = list(window.staff.filter(active=True).order_by("post", "employee_no"))
    return [
        InspectionItemForm(
            request.POST or None,
            request.FILES or None,
            heading=heading,
            window=window,
            staff=staff,
            day=day,
        )
        for heading in DutyLogEntry.Heading.values
    ]


@on_duty
def inspection_window(request: HttpRequest, pk: int) -> HttpResponse:
    window = get_object_or_404(Window.objects.select_related("department"), pk=pk, active=True)
    shift = duty.open_shift_for(request.user)
    day = shift.date if shift else timezone.localdate()
    items = _item_forms(request, window, day)
    key_form = KeyedForm(request.POST or None)
    context = {"window": window, "items": items, "shift": shift, "key_form": key_form}
    if request.method != "POST":
        return render(request, "hall/duty_inspection_window.html", context)
    valid = all([f.is_valid() for f in [key_form, *items]])  # all checked: every error shown
    key = key_form.cleaned_data.get("key") if key_form.is_valid() else None
    error = None
    if valid:
        try:
            visit, created = duty.inspection_record(
                actor=request.user,
                key=key,
                window=window,
                items=[
                    duty.InspectionItem(
                        heading=f.heading,
                        failed=f.cleaned_data["result"] == FAIL,
                        finding=f.cleaned_data.get("finding", ""),
                        staff=f.cleaned_data.get("staff"),
                        rule=f.cleaned_data.get("rule"),
                        points=f.cleaned_data.get("points"),
                        photo=f.cleaned_data.get("photo"),
                    )
                    for f in items
                ],
            )
        except ValidationError as exc:
            error = exc
        else:
            n = visit.findings.count()
            extra = {"findings": n}
            if not _wants_json(request) and created:
                messages.info(
                    request,
                    _("Window %(number)s inspected: %(n)s findings proposed to the hall office.")
                    % {"number": window.number, "n": n},
                )
            return _saved(request, visit, created, reverse("duty_inspection"), extra)
    if error is not None:
        by_heading = {f.heading: f for f in items}
        for field, msgs in error.message_dict.items():
            heading, _sep, name = field.partition("-")
            form = by_heading.get(heading)
            for msg in msgs:
                if form is not None and name in form.fields:
                    form.add_error(name, msg)
                else:
                    items[0].add_error(None, msg)
    if _wants_json(request):
        errors = {}
        for f in items:
            for field, errs in f.errors.get_json_data().items():
                errors[f"{f.heading}-{field}" if field != "__all__" else "__all__"] = [
                    e["message"] for e in errs
                ]
        return JsonResponse({"errors": errors}, status=422)
    return render(request, "hall/duty_inspection_window.html", context, status=422)


# --- the roster ----------------------------------------------------------------------------


def _month(value: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(f"{value}-01")
    except (TypeError, ValueError):
        return timezone.localdate().replace(day=1)


@on_duty
def roster(request: HttpRequest) -> HttpResponse:
    month = _month(request.GET.get("month"))
    return render(
        request,
        "hall/duty_roster.html",
        {
            "month": month,
            "days": duty.roster_month(month),
            "prev_month": (month - datetime.timedelta(days=1)).replace(day=1),
            "next_month": (month + datetime.timedelta(days=32)).replace(day=1),
            "supervisors": list(duty.duty_supervisors()),
            "editable": has_role(request.user, HALL_ADMIN),
            "form": RosterDayForm(),
        },
    )


@admin_required
@require_POST
def roster_set(request: HttpRequest) -> HttpResponse:
    form = RosterDayForm(request.POST)
    month = _month(request.POST.get("date", "")[:7])
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        d = form.cleaned_data
        entry = duty.roster_assign(
            actor=request.user, day=d["date"], supervisor=d["supervisor"], reason=d["reason"]
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(
            request,
            _("%(day)s: %(name)s on duty.")
            % {
                "day": entry.date.isoformat(),
                "name": entry.supervisor.first_name or entry.supervisor.username,
            },
        )
    return redirect(f"{reverse('duty_roster')}?month={month:%Y-%m}")
