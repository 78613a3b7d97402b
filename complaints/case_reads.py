"""What the pages read about bad-rating cases (差评整改): the rules that say where a case
stands (overdue, its next steps, whether a review may be asked), the citizen's contact as
every screen but the case page shows it, and the hall office's and the staff member's
queries. The moves that change a case are in ``complaints.cases``.
"""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from complaints.models import BadRatingCase, Rating
from complaints.selectors import month_bounds
from hall.text import mask_phone

State = BadRatingCase.State
Handling = BadRatingCase.Handling

OPEN_STATES = (State.VISIT, State.PENDING, State.RECTIFYING)  # the deadline runs
FINAL_STATES = (State.DONE, State.UNABLE, State.INVALID)
REVIEWABLE = (State.VISIT, State.PENDING, State.RECTIFYING, State.OVERDUE)


# --- where a case stands --------------------------------------------------------------------


def is_real_name(rating: Rating) -> bool:
    """The citizen left a name or a phone: the case needs a return visit to them."""
    return bool(rating.name or rating.phone)


def mask_contact(rating: Rating) -> str:
    """张** 138****8000: the contact as every screen but the case page shows it."""
    name = rating.name[:1] + "*" * max(len(rating.name) - 1, 1) if rating.name else ""
    return " ".join(part for part in (name, mask_phone(rating.phone)) if part)


def is_overdue(case: BadRatingCase, today: datetime.date | None = None) -> bool:
    """Marked overdue, or past the deadline and not yet marked (the beat runs daily)."""
    today = today or timezone.localdate()
    return case.state == State.OVERDUE or (case.state in OPEN_STATES and case.deadline < today)


def next_actions(case: BadRatingCase, today: datetime.date | None = None) -> list[str]:
    """The hall office's next steps for the case (the case page offers only these)."""
    today = today or timezone.localdate()
    state = case.state
    out: list[str] = []
    if state in (State.VISIT, State.PENDING) or (state == State.OVERDUE and not case.handling):
        out.append("visit")
    if state == State.PENDING or (state == State.OVERDUE and not case.handling):
        out.append("handle")
    if state == State.RECTIFYING or (
        state == State.OVERDUE and case.handling == Handling.BY_DEADLINE
    ):
        out += ["complete", "unable"]
    if state in OPEN_STATES and case.extension_days is None and today <= case.deadline:
        out.append("extend")
    if state == State.INVALID_REVIEW:
        out.append("review")
    if state == State.UNABLE_REVIEW:
        out.append("unable_decide")
    return out


def can_ask_review(case: BadRatingCase) -> bool:
    return case.state in REVIEWABLE and case.review_asked_at is None


# --- queries --------------------------------------------------------------------------------


def case_list(
    *,
    state: str = "",
    window: int | None = None,
    department: int | None = None,
    month: datetime.date | None = None,
    today: datetime.date | None = None,
) -> QuerySet[BadRatingCase]:
    """Cases for the hall office's list: open ones first by deadline, then the ended ones
    (newest first). ``state`` "overdue" also finds open cases past the deadline that the
    daily check has not marked yet."""
    today = today or timezone.localdate()
    qs = BadRatingCase.objects.select_related(
        "rating__window", "rating__department", "rating__staff"
    )
    if state == State.OVERDUE:
        qs = qs.filter(Q(state=State.OVERDUE) | Q(state__in=OPEN_STATES, deadline__lt=today))
    elif state == "open":
        qs = qs.exclude(state__in=FINAL_STATES)
    elif state in State.values:
        qs = qs.filter(state=state)
    if window:
        qs = qs.filter(rating__window_id=window)
    if department:
        qs = qs.filter(rating__department_id=department)
    if month:
        start, end = month_bounds(month)
        qs = qs.filter(opened_at__gte=start, opened_at__lt=end)
    return qs.order_by(F("closed_at").desc(nulls_first=True), "deadline", "id")


def case_for_admin(pk: int) -> BadRatingCase:
    return get_object_or_404(
        BadRatingCase.objects.select_related(
            "rating__window",
            "rating__department",
            "rating__staff",
            "rating__token",
            "proposal__rule",
            "proposal__entry",
        ),
        pk=pk,
    )


def case_for_staff(user, pk: int) -> BadRatingCase:
    """A case about the login's own staff record; anyone else's is a 404."""
    return get_object_or_404(
        BadRatingCase.objects.select_related("rating__window", "rating__staff"),
        pk=pk,
        rating__staff__user=user,
    )
