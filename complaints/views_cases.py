"""Pages of the bad-rating rectification (差评整改): the hall office's case list and case
page (with a form for each next step), and the staff member's request for review.

The citizen's name and phone are shown in full only on the case page; every list masks them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.selectors import parse_month
from complaints import case_reads, cases
from complaints.forms_cases import (
    REVIEW_CHOICES,
    UNABLE_CHOICES,
    CompleteForm,
    DecideForm,
    ExtendForm,
    HandleForm,
    ReviewAskForm,
    UnableAskForm,
    VisitForm,
)
from complaints.models import BadRatingCase
from complaints.views import LEVEL_STYLE
from hall.roles import HALL_ADMIN, WINDOW_STAFF, admin_required, role_required, user_roles
from windows.models import Department, Window

State = BadRatingCase.State


@dataclass(frozen=True)
class Step:
    title: str
    form: Callable
    run: Callable  # (user, case, cleaned_data) → None
    done: str


def _decide(choices):
    return lambda *a, **kw: DecideForm(*a, choices=choices, **kw)


STEPS: dict[str, Step] = {
    "visit": Step(
        gettext_lazy("Record a return visit (回访)"),
        VisitForm,
        lambda user, case, d: cases.visit_record(
            author=user,
            case=case,
            visited_at=d["visited_at"],
            method=d["method"],
            outcome=d["outcome"],
            citizen_said=d["citizen_said"],
        ),
        gettext_lazy("The return visit is recorded."),
    ),
    "handle": Step(
        gettext_lazy("Decide the handling"),
        HandleForm,
        lambda user, case, d: cases.case_handle(
            author=user, case=case, handling=d["handling"], note=d["note"]
        ),
        gettext_lazy("The handling is recorded."),
    ),
    "complete": Step(
        gettext_lazy("Rectification completed (整改完成)"),
        CompleteForm,
        lambda user, case, d: cases.case_complete(author=user, case=case, note=d["note"]),
        gettext_lazy("The case is closed as rectified."),
    ),
    "unable": Step(
        gettext_lazy("Ask to close as cannot be rectified (无法整改)"),
        UnableAskForm,
        lambda user, case, d: cases.unable_ask(author=user, case=case, reason=d["reason"]),
        gettext_lazy("The request is recorded and waits for a decision."),
    ),
    "unable_decide": Step(
        gettext_lazy("Decide: can it not be rectified?"),
        _decide(UNABLE_CHOICES),
        lambda user, case, d: cases.unable_decide(
            author=user, case=case, accept=d["decision"] == "accept", reason=d["reason"]
        ),
        gettext_lazy("The decision is recorded."),
    ),
    "extend": Step(
        gettext_lazy("Extend the deadline (once)"),
        ExtendForm,
        lambda user, case, d: cases.case_extend(
            author=user, case=case, days=d["days"], reason=d["reason"]
        ),
        gettext_lazy("The deadline is extended."),
    ),
    "review": Step(
        gettext_lazy("Decide the review as invalid (无效差评审核)"),
        _decide(REVIEW_CHOICES),
        lambda user, case, d: cases.review_decide(
            author=user, case=case, invalid=d["decision"] == "invalid", reason=d["reason"]
        ),
        gettext_lazy("The review is decided."),
    ),
}


def _add_errors(form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


# --- the hall office ------------------------------------------------------------------------


@admin_required
def case_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    chosen = {key: request.GET.get(key, "") for key in ("state", "window", "department", "month")}
    month = parse_month(chosen["month"])
    rows = case_reads.case_list(
        state=chosen["state"],
        window=int(chosen["window"]) if chosen["window"].isdigit() else None,
        department=int(chosen["department"]) if chosen["department"].isdigit() else None,
        month=month,
        today=today,
    )
    page = Paginator(rows, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.overdue = case_reads.is_overdue(case, today)
        case.contact = case_reads.mask_contact(case.rating)
    params = request.GET.copy()
    params.pop("page", None)
    states = [("open", _("Open")), *State.choices]
    return render(
        request,
        "complaints/case_list.html",
        {
            "page": page,
            "chosen": chosen,
            "states": states,
            "departments": list(Department.objects.values_list("pk", "name")),
            "windows": list(
                Window.objects.filter(active=True).order_by("number").values_list("pk", "number")
            ),
            "styles": LEVEL_STYLE,
            "querystring": params.urlencode(),
        },
    )


def _detail(request: HttpRequest, case: BadRatingCase, bound: dict | None = None, status=200):
    today = timezone.localdate()
    bound = bound or {}
    forms = [
        (action, STEPS[action].title, bound.get(action) or STEPS[action].form(prefix=action))
        for action in case_reads.next_actions(case, today)
    ]
    rule, rule_problem = (None, "")
    if not case.proposal_id and not case.proposal_problem:
        rule, rule_problem = cases.rating_rule(case.rating)
    return render(
        request,
        "complaints/case_detail.html",
        {
            "case": case,
            "rating": case.rating,
            "reasons": list(case.rating.reasons.all()),
            "visits": list(case.visits.select_related("visited_by")),
            "steps": list(case.steps.select_related("author")),
            "forms": forms,
            "overdue": case_reads.is_overdue(case, today),
            "real_name": case_reads.is_real_name(case.rating),
            "rule": rule,
            "rule_problem": rule_problem,
            "styles": LEVEL_STYLE,
        },
        status=status,
    )


@admin_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, case_reads.case_for_admin(pk))


@admin_required
@require_POST
def case_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    step = STEPS.get(action)
    if step is None:
        raise Http404("no such step")
    case = case_reads.case_for_admin(pk)
    form = step.form(request.POST, prefix=action)
    if form.is_valid():
        try:
            step.run(request.user, case, form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, str(step.done))
            return redirect("bad_rating_case", pk=case.pk)
    case = case_reads.case_for_admin(pk)  # as it is now, without the refused step
    if action not in case_reads.next_actions(case):
        refused = " ".join(form.non_field_errors()) or _("This step does not come next.")
        messages.error(request, refused)
    return _detail(request, case, bound={action: form}, status=422)


@role_required(HALL_ADMIN, WINDOW_STAFF)
def case_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A review's supporting file, to the hall office and to the staff member who sent it."""
    if HALL_ADMIN in user_roles(request.user):
        case = case_reads.case_for_admin(pk)
    else:
        case = case_reads.case_for_staff(request.user, pk)
    if not case.review_file:
        raise Http404("no file")
    try:
        handle = case.review_file.open("rb")
    except FileNotFoundError:
        raise Http404("file missing") from None
    return FileResponse(handle, filename=Path(case.review_file.name).name)


# --- the staff member -----------------------------------------------------------------------


@role_required(WINDOW_STAFF)
@require_http_methods(["GET", "POST"])
def case_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for review of a bad rating about oneself as invalid (phone page)."""
    case = case_reads.case_for_staff(request.user, pk)
    form = ReviewAskForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                cases.review_ask(
                    author=request.user,
                    case=case,
                    ground=data["ground"],
                    reason=data["reason"],
                    file=data["file"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Your request for review is sent to the hall office."))
                return redirect("rating_my")
        status = 422
    return render(
        request,
        "complaints/case_review.html",
        {"case": case, "form": form, "can_ask": case_reads.can_ask_review(case)},
        status=status,
    )
