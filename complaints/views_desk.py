"""Pages of the complaints desk (投诉台): the hall office's board, a complaint's page with the
forms of its next steps and the Excel export; the duty supervisor's tablet form; the
citizen's pages to lodge and track a complaint (no login, nothing internal).
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook

from complaints import desk
from complaints.forms_desk import (
    BoardFilterForm,
    ComplaintForm,
    DeskComplaintForm,
    ExtendForm,
    HandleForm,
    NoteForm,
    PublicComplaintForm,
    RefuseForm,
    ReplyForm,
    TrackForm,
)
from complaints.models import Complaint, ComplaintStep
from complaints.ratings import fingerprint
from complaints.views import XLSX, client_ip
from hall import selectors as hall_selectors
from hall.roles import (
    DUTY_SUPERVISOR,
    HALL_ADMIN,
    WINDOW_STAFF,
    admin_required,
    has_role,
    role_required,
)
from windows.models import Department

S = Complaint.Status
on_duty = role_required(DUTY_SUPERVISOR, HALL_ADMIN)


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


# --- the hall office's board -------------------------------------------------------------


def board_filters(params) -> dict:
    form = BoardFilterForm(params)
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}


def board_complaints(filters: dict) -> QuerySet[Complaint]:
    rows = Complaint.objects.select_related(
        "window", "staff", "department", "concerns_department"
    ).order_by("-received_at", "-id")
    if "status" in filters:
        rows = rows.filter(status=filters["status"])
    if "channel" in filters:
        rows = rows.filter(channel=filters["channel"])
    if "department" in filters:
        rows = rows.filter(concerns_department_id=filters["department"])
    if filters.get("overdue"):
        rows = rows.filter(status__in=Complaint.OPEN, deadline__lt=timezone.localdate())
    return rows


@admin_required
def complaint_board(request: HttpRequest) -> HttpResponse:
    filters = board_filters(request.GET)
    page = Paginator(board_complaints(filters), settings.HALL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    querystring = urlencode({k: ("1" if v is True else v) for k, v in filters.items()})
    return render(
        request,
        "complaints/desk_board.html",
        {
            "page": page,
            "filters": filters,
            "querystring": querystring,
            "statuses": S.choices,
            "channels": Complaint.Channel.choices,
            "departments": list(
                Department.objects.filter(active=True).order_by("name").values_list("pk", "name")
            ),
            "today": timezone.localdate(),
        },
    )


@admin_required
def complaint_export(request: HttpRequest) -> HttpResponse:
    rows = board_complaints(board_filters(request.GET))
    today = timezone.localdate()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(pgettext("sheet", "Complaints"))
    ws.append(
        [
            _("Case number"),
            _("Received at"),
            _("Channel"),
            _("Hotline number"),
            _("Oral or written"),
            _("Complainant"),
            _("Contact"),
            _("About"),
            _("Department"),
            _("Facts"),
            _("Status"),
            _("Reply due"),
            _("Overdue"),
            _("Outcome"),
            _("Citizen's answer"),
        ]
    )
    for c in rows.iterator(chunk_size=500):
        ws.append(
            [
                c.number,
                timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
                c.get_channel_display(),
                c.hotline_no,
                c.get_form_display(),
                c.complainant,
                c.contact_masked,
                c.target_label,
                c.concerns_department.name if c.concerns_department_id else "",
                c.facts,
                c.get_status_display(),
                c.deadline,
                _("yes") if c.is_overdue(today) else "",
                c.get_outcome_display(),
                c.get_satisfaction_display(),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"complaints-{today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@admin_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                target = desk.target_resolve(
                    kind=data["target_kind"],
                    window_id=data["window"] and data["window"].pk,
                    staff_id=data["staff"] and data["staff"].pk,
                    department_id=data["department"] and data["department"].pk,
                )
                complaint = desk.complaint_receive(
                    actor=request.user,
                    complainant=data["complainant"],
                    contact=data["contact"],
                    target=target,
                    facts=data["facts"],
                    grounds=data["grounds"],
                    channel=data["channel"],
                    hotline_no=data["hotline_no"],
                    form=data["form"],
                    complex=data["complex"],
                    received_at=data["received_at"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Complaint %(number)s recorded; reply due %(day)s.")
                    % {"number": complaint.number, "day": complaint.deadline},
                )
                return redirect("complaint_detail", pk=complaint.pk)
        status = 422
    return render(request, "complaints/desk_new.html", {"form": form}, status=status)


STEP_FORMS = {
    "accept": NoteForm,
    "refuse": RefuseForm,
    "investigate": NoteForm,
    "handle": HandleForm,
    "reply": ReplyForm,
    "close": NoteForm,
    "extend": ExtendForm,
}
# status → the step forms the page offers
OFFERED = {
    S.RECEIVED: ("accept", "refuse"),
    S.ACCEPTED: ("investigate",),
    S.INVESTIGATING: ("handle",),
    S.HANDLED: ("reply",),
    S.REPLIED: ("close",),
}


def _detail(request, complaint: Complaint, bound: dict | None = None, status: int = 200):
    forms = {name: STEP_FORMS[name](prefix=name) for name in OFFERED.get(complaint.status, ())}
    if complaint.is_open and not complaint.extended:
        forms["extend"] = ExtendForm(prefix="extend")
    forms.update(bound or {})
    document = None
    if complaint.form == Complaint.Form.WRITTEN:
        from complaints.letters import letter_document

        document = letter_document(complaint)
    return render(
        request,
        "complaints/desk_detail.html",
        {
            "c": complaint,
            "steps": complaint.steps.select_related("actor"),
            "forms": forms,
            "overdue": complaint.is_overdue(),
            "cap": desk.latest_deadline(timezone.localdate(complaint.received_at)),
            "letter": document,
        },
        status=status,
    )


def _complaint(pk: int) -> Complaint:
    return get_object_or_404(
        Complaint.objects.select_related(
            "window__department", "staff", "department", "concerns_department", "proposal__rule"
        ),
        pk=pk,
    )


@admin_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _complaint(pk))


@admin_required
@require_POST
def complaint_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the workflow; a step the complaint cannot take now is refused with the
    reason and writes nothing."""
    if action not in STEP_FORMS:
        raise Http404
    complaint = _complaint(pk)
    form = STEP_FORMS[action](request.POST, prefix=action)
    if not form.is_valid():
        return _detail(request, complaint, {action: form}, status=422)
    data, user = form.cleaned_data, request.user
    note = ""
    try:
        if action == "accept":
            desk.complaint_accept(actor=user, complaint=complaint, note=data["note"])
        elif action == "refuse":
            desk.complaint_refuse(
                actor=user, complaint=complaint, reason=data["reason"], note=data["note"]
            )
        elif action == "investigate":
            desk.complaint_investigate(actor=user, complaint=complaint, note=data["note"])
        elif action == "handle":
            note = desk.complaint_handle(
                actor=user,
                complaint=complaint,
                outcome=data["outcome"],
                findings=data["findings"],
                points=data["points"],
            ).proposal_note
        elif action == "reply":
            desk.complaint_reply(actor=user, complaint=complaint, reply=data["reply"])
        elif action == "close":
            desk.complaint_close(actor=user, complaint=complaint, note=data["note"])
        elif action == "extend":
            desk.complaint_extend(
                actor=user, complaint=complaint, until=data["until"], reason=data["reason"]
            )
    except ValidationError as exc:
        general = exc.message_dict.get("__all__") or exc.message_dict.get(None)
        if general and len(exc.message_dict) == 1:
            for message in general:
                messages.error(request, message)
            return redirect("complaint_detail", pk=complaint.pk)
        _add_errors(form, exc)
        return _detail(request, _complaint(pk), {action: form}, status=422)
    messages.success(request, _("Saved."))
    if note:
        messages.info(request, note)
    return redirect("complaint_detail", pk=complaint.pk)


@admin_required
@require_POST
def complaint_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """Make (or make again) the written reply letter of a written complaint."""
    from complaints.letters import letter_request

    complaint = _complaint(pk)
    if complaint.form != Complaint.Form.WRITTEN or not complaint.reply:
        messages.error(request, _("Only a written complaint with a reply gets a reply letter."))
    else:
        letter_request(actor=request.user, complaint=complaint)
        messages.success(request, _("The reply letter is being made."))
    return redirect("complaint_detail", pk=complaint.pk)


@role_required(WINDOW_STAFF)
def complaint_my(request: HttpRequest) -> HttpResponse:
    """Complaints about the staff member or the window where they sit, once accepted, with
    the outcome; never the complainant's name or phone."""
    from staff.models import StaffMember

    member = get_object_or_404(StaffMember.objects.select_related("window"), user=request.user)
    about = Q(staff=member)
    if member.window_id:
        about |= Q(window_id=member.window_id)
    rows = (
        Complaint.objects.filter(about)
        .exclude(status__in=(S.RECEIVED, S.NOT_ACCEPTED))
        .select_related("window", "staff")
        .order_by("-received_at", "-id")
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/desk_my.html",
        {"member": member, "page": page, "querystring": ""},
    )


# --- the duty supervisor's tablet --------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Duty-Submit") == "1"


@on_duty
@require_http_methods(["GET", "POST"])
def complaint_desk(request: HttpRequest) -> HttpResponse:
    """Record a complaint at the desk in under a minute: tap the window, type who and what."""
    form = DeskComplaintForm(request.POST or None)
    if request.method == "POST":
        complaint = None
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["target"] == "hall":
                    target = desk.Target(Complaint.TargetKind.HALL)
                else:
                    target = desk.target_resolve(kind="window", window_id=data["target"])
                complaint = desk.complaint_receive(
                    actor=request.user,
                    complainant=data["complainant"],
                    contact=data["contact"],
                    target=target,
                    facts=data["facts"],
                    channel=Complaint.Channel.DESK,
                    form=data["form"],
                    key=data["key"],
                )
            except ValidationError as exc:
                exc = ValidationError(
                    {("target" if k == "window" else k): v for k, v in exc.message_dict.items()}
                )
                _add_errors(form, exc)
        if complaint is not None:
            created = complaint._created
            url = reverse("complaint_slip", args=[complaint.pk])
            text = (
                _("Complaint %(number)s recorded; code %(code)s.")
                if created
                else _("Already recorded as %(number)s (code %(code)s); not saved twice.")
            ) % {"number": complaint.number, "code": complaint.code}
            if _wants_json(request):
                return JsonResponse(
                    {"id": complaint.pk, "created": created, "url": url, "message": text},
                    status=201 if created else 200,
                )
            messages.success(request, text)
            return redirect(url)
        if _wants_json(request):
            errors = {
                field or "__all__": [e["message"] for e in errs]
                for field, errs in form.errors.get_json_data().items()
            }
            return JsonResponse({"errors": errors}, status=422)
    windows = hall_selectors.floor_windows()
    return render(
        request,
        "complaints/desk_tablet.html",
        {
            "form": form,
            "windows": windows,
            "chosen": form["target"].value() or "",
        },
        status=422 if form.is_bound else 200,
    )


@on_duty
def complaint_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """What the supervisor tells the citizen: the case number, the code, the deadline."""
    rows = Complaint.objects.select_related("window")
    if not has_role(request.user, HALL_ADMIN):
        rows = rows.filter(recorded_by=request.user)
    complaint = get_object_or_404(rows, pk=pk)
    return render(
        request,
        "complaints/desk_slip.html",
        {"c": complaint, "track_url": request.build_absolute_uri(reverse("complaint_track"))},
    )


# --- the citizen's pages -----------------------------------------------------------------


def _limited(request: HttpRequest, text: str) -> HttpResponse:
    return render(
        request,
        "complaints/rate_message.html",
        {"title": _("Please try again later"), "text": text},
        status=429,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_lodge(request: HttpRequest) -> HttpResponse:
    form = PublicComplaintForm(request.POST or None)
    status = 200
    if request.method == "POST":
        ip_hash = fingerprint("complaint-ip", client_ip(request))
        try:
            desk.web_limit_check(ip_hash)
        except desk.ComplaintLimited as exc:
            return _limited(request, exc.message)
        if form.is_valid():
            data = form.cleaned_data
            try:
                target = desk.target_resolve(
                    kind=data["target_kind"],
                    window_id=data["window"] and data["window"].pk,
                    department_id=data["department"] and data["department"].pk,
                )
                complaint = desk.complaint_receive(
                    actor=None,
                    complainant=data["complainant"],
                    contact=data["contact"],
                    target=target,
                    facts=data["facts"],
                    grounds=data["grounds"],
                    channel=Complaint.Channel.WEB,
                    form=Complaint.Form.WRITTEN,
                    ip_hash=ip_hash,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                request.session["complaint_lodged"] = complaint.pk
                return redirect("complaint_lodged")
        status = 422
    days = desk.reply_days(form=Complaint.Form.WRITTEN, complex=False)
    return render(
        request, "complaints/public_lodge.html", {"form": form, "days": days}, status=status
    )


@never_cache
def complaint_lodged(request: HttpRequest) -> HttpResponse:
    """The case number and code of the complaint this browser just lodged (kept in its
    session only: no number in the address to be guessed or shared by mistake)."""
    pk = request.session.get("complaint_lodged")
    complaint = Complaint.objects.filter(pk=pk).first() if pk else None
    return render(request, "complaints/public_lodged.html", {"c": complaint})


def _track_limited(request: HttpRequest) -> bool:
    """Look-ups per address per hour: a code cannot be found by trying."""
    key = f"complaint-track:{fingerprint('complaint-ip', client_ip(request))}"
    cache.add(key, 0, timeout=3600)
    try:
        n = cache.incr(key)
    except ValueError:
        n = 1
    return n > settings.COMPLAINTS_TRACK_PER_IP_PER_HOUR


PUBLIC_STEPS = (
    ComplaintStep.Action.RECEIVED,
    ComplaintStep.Action.ACCEPTED,
    ComplaintStep.Action.NOT_ACCEPTED,
    ComplaintStep.Action.INVESTIGATING,
    ComplaintStep.Action.REPLIED,
    ComplaintStep.Action.CLOSED,
    ComplaintStep.Action.SATISFIED,
    ComplaintStep.Action.UNSATISFIED,
    ComplaintStep.Action.REOPENED,
)


def _public_view(request, complaint: Complaint, form: TrackForm, status: int = 200):
    """Status and reply only: no notes, findings, staff names or phones."""
    steps = list(complaint.steps.filter(action__in=PUBLIC_STEPS).values_list("action", "at"))
    labels = dict(ComplaintStep.Action.choices)
    return render(
        request,
        "complaints/public_track.html",
        {
            "form": form,
            "found": {
                "number": complaint.number,
                "code": complaint.code,
                "status": complaint.get_status_display(),
                "received": complaint.received_at,
                "deadline": complaint.deadline if complaint.is_open else None,
                "refusal": complaint.get_refusal_display() if complaint.refusal else "",
                "refusal_note": complaint.refusal_note,
                "reply": complaint.reply,
                "replied_at": complaint.replied_at,
                "satisfaction": complaint.get_satisfaction_display(),
                "can_answer": complaint.status in (S.REPLIED, S.CLOSED)
                and bool(complaint.reply)
                and not desk.answered(complaint),
                "steps": [(labels[a], at) for a, at in steps],
            },
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_track(request: HttpRequest) -> HttpResponse:
    """Case number + code → status and reply. A wrong code and an unknown number get the
    same answer."""
    form = TrackForm(request.POST or None)
    if request.method == "POST":
        if _track_limited(request):
            return _limited(
                request, _("Too many look-ups from your network. Please try again in an hour.")
            )
        if form.is_valid():
            complaint = desk.complaint_find(form.cleaned_data["number"], form.cleaned_data["code"])
            if complaint is not None:
                return _public_view(request, complaint, form)
            form.add_error(
                None,
                _("No complaint has this case number and code. Check both and try again."),
            )
        return render(request, "complaints/public_track.html", {"form": form}, status=404)
    return render(request, "complaints/public_track.html", {"form": form})


@never_cache
@require_POST
def complaint_feedback(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST)
    if _track_limited(request):
        return _limited(
            request, _("Too many look-ups from your network. Please try again in an hour.")
        )
    complaint = (
        desk.complaint_find(form.data.get("number", ""), form.data.get("code", ""))
        if form.is_valid()
        else None
    )
    if complaint is None:
        form.add_error(
            None, _("No complaint has this case number and code. Check both and try again.")
        )
        return render(request, "complaints/public_track.html", {"form": form}, status=404)
    answer = request.POST.get("answer")
    if answer not in ("satisfied", "unsatisfied"):
        return _public_view(request, complaint, form, status=422)
    try:
        complaint = desk.complaint_feedback(complaint=complaint, satisfied=answer == "satisfied")
    except ValidationError as exc:
        form.add_error(None, exc.messages[0])
        return _public_view(request, complaint, form, status=422)
    if complaint.status == S.INVESTIGATING:
        messages.info(request, _("Thank you. The hall office will look into your complaint again."))
    else:
        messages.success(request, _("Thank you for your answer."))
    return _public_view(request, complaint, form)
