"""Bad-rating rectification (差评整改): the moves of a ``BadRatingCase``. Where a case
stands and the pages' queries are in ``complaints.case_reads``, its notices in
``complaints.case_notices``.

A bad rating (不满意, 非常不满意) opens a case in the rating's own transaction. The case goes

    回访核实 visit ─► 待整改 pending ─┬─ fixed at once / explained ─► 整改完成 done
                                     └─ by a deadline ─► 整改中 rectifying ─► done
                                                           └─► 无法整改审核 ─► 无法整改 unable
    visit, pending, rectifying ─(staff asks)─► 无效差评审核 ─► invalid (or back where it was)
    visit, pending, rectifying ─(deadline passed, daily beat)─► 整改超期 overdue ─► done …

Every move is a function here: keyword-only, atomic, under a lock on the case's row; a move
that is not a next step of the case's state is refused with ``ValidationError`` and writes
nothing. Every move leaves a ``BadRatingCaseStep`` with its author and time.

A return visit that verifies the rating proposes a deduction in the appraisal ledger (once);
a rating judged invalid never touches the score and drops out of the figures
(``Rating.counted``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import EntryProposal, Rule, ScoreEntry
from appraisal.proposals import entry_propose, proposal_dismiss
from appraisal.rulebooks import rules_in_force
from appraisal.services import score_entry_reverse
from complaints import rollups
from complaints.case_notices import (
    NOTICE_ENDED,
    NOTICE_OPENED,
    NOTICE_OVERDUE,
    NOTICE_REVIEW_ASKED,
    NOTICE_REVIEW_REJECTED,
    admin_user_ids,
    case_notice_params,
    case_staff_tell,
)
from complaints.case_notices import NOTICE_KINDS as NOTICE_KINDS  # the tests read cases.*
from complaints.case_reads import (
    FINAL_STATES,
    OPEN_STATES,
    can_ask_review,
    is_real_name,
    next_actions,
)
from complaints.case_reads import is_overdue as is_overdue  # the tests read cases.*
from complaints.case_reads import mask_contact as mask_contact  # the tests read cases.*
from complaints.models import (
    BAD_LEVELS,
    BadRatingCase,
    BadRatingCaseStep,
    Rating,
    ReturnVisit,
)
from hall.notices import notice_send
from hall.workcalendar import add_working_days

State = BadRatingCase.State
Action = BadRatingCaseStep.Action
Handling = BadRatingCase.Handling
Method = ReturnVisit.Method
Outcome = ReturnVisit.Outcome

NOTE_MAX = 2000


# --- pure pieces ---------------------------------------------------------------------------


def deadline_after(start: datetime.date, days: int) -> datetime.date:
    """``days`` after ``start`` in the hall's unit: calendar days, or working days of the
    work calendar when ``HALL_BAD_RATING_DEADLINE_UNIT`` is "working"."""
    if settings.HALL_BAD_RATING_DEADLINE_UNIT == "working":
        return add_working_days(start, days)
    return start + datetime.timedelta(days=days)


# --- small writes ---------------------------------------------------------------------------


def _locked(case: BadRatingCase) -> BadRatingCase:
    return (
        BadRatingCase.objects.select_for_update(of=("self",))
        .select_related("rating__staff", "rating__window")
        .get(pk=case.pk)
    )


def _refuse(case: BadRatingCase, step: str) -> None:
    """A move that is not a next step of the case's state: say what comes next instead."""
    if case.state == State.VISIT and step in ("handle", "complete", "unable"):
        message = _(
            "Record the return visit first: a case cannot skip the return visit (回访核实)."
        )
    elif case.state == State.PENDING and step in ("complete", "unable"):
        message = _("Decide the handling first: the case is still waiting to be rectified.")
    elif case.state in FINAL_STATES:
        message = _("The case has ended (%(state)s): nothing more can be recorded.") % {
            "state": case.get_state_display()
        }
    else:
        message = _("The case is at “%(state)s”: this step does not come next.") % {
            "state": case.get_state_display()
        }
    raise ValidationError({"__all__": [message]}, code="skip")


def step_new(case, action: str, *, author, from_state: str, note: str = "") -> BadRatingCaseStep:
    """A step of ``case`` into its current state, not yet stored."""
    return BadRatingCaseStep(
        case=case,
        action=action,
        from_state=from_state,
        to_state=case.state,
        note=note,
        author=author,
        at=timezone.now(),
    )


def _step(case, action: str, *, author, from_state: str, note: str = "") -> BadRatingCaseStep:
    step = step_new(case, action, author=author, from_state=from_state, note=note)
    step.save(force_insert=True)
    return step


def _text(value: str, field: str, message: str, errors: dict) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(field, []).append(message)
    elif len(value) > NOTE_MAX:
        errors.setdefault(field, []).append(
            _("Keep it to %(limit)s characters (it has %(n)s).")
            % {"limit": NOTE_MAX, "n": len(value)}
        )
    return value


def _close(case: BadRatingCase, state: str) -> None:
    case.state = state
    case.closed_at = timezone.now()
    case.resume_state = ""


# --- opening --------------------------------------------------------------------------------


def case_new(rating: Rating) -> BadRatingCase:
    """The case a bad rating opens, not yet stored: awaiting its return visit, due
    ``HALL_BAD_RATING_DEADLINE_DAYS`` after the rating's day."""
    day = timezone.localdate(rating.created_at)
    deadline = deadline_after(day, settings.HALL_BAD_RATING_DEADLINE_DAYS)
    return BadRatingCase(rating=rating, opened_at=rating.created_at, deadline=deadline)


def case_open(*, rating: Rating, new: bool = False) -> BadRatingCase | None:
    """Open the case of a bad rating (nothing for a good one; the existing one if opened).
    Called inside the rating's transaction; ``new``: the rating was stored in it, so it can
    have no case yet and the case is simply inserted (the rating form's path)."""
    if not rating.is_bad:
        return None
    if new:
        case, created = case_new(rating), True
        case.save(force_insert=True)
    else:
        fields = {"opened_at": rating.created_at, "deadline": case_new(rating).deadline}
        with transaction.atomic():
            case, created = BadRatingCase.objects.get_or_create(rating=rating, defaults=fields)
    if created:
        case.rating = rating
        _step(case, Action.OPENED, author=None, from_state="")
        case_staff_tell(case, NOTICE_OPENED)
    return case


def cases_open_missing() -> int:
    """Open a case for every bad rating that has none (ratings stored before this slice)."""
    opened = 0
    missing = Rating.objects.filter(level__in=BAD_LEVELS, case__isnull=True)
    for rating in missing.select_related("staff").iterator():
        opened += case_open(rating=rating) is not None
    return opened


# --- the ledger -----------------------------------------------------------------------------


def rating_rule(rating: Rating) -> tuple[Rule | None, str]:
    """The deduction rule a verified bad rating is proposed under, or why there is none.

    The rules in force on the rating's day, category "public rating", for the rating's
    subject (its staff member, else its window), deductions only; the one coded
    ``HALL_BAD_RATING_RULE_CODE`` when set, else the first by code."""
    day = timezone.localdate(rating.created_at)
    subject = Rule.Subject.STAFF if rating.staff_id else Rule.Subject.WINDOW
    _books, rules = rules_in_force(day)
    found = [
        r
        for r in rules
        if r.category == Rule.Category.RATING and r.applies_to == subject and r.max_points < 0
    ]
    code = settings.HALL_BAD_RATING_RULE_CODE
    if code:
        found = [r for r in found if r.code == code]
    if not found:
        return None, _(
            "No deduction rule (category “public rating”, subject: %(subject)s) is in force on "
            "%(day)s: no deduction was proposed."
        ) % {"subject": Rule.Subject(subject).label, "day": f"{day:%Y-%m-%d}"}
    return min(found, key=lambda r: r.code), ""


def _propose(case: BadRatingCase, *, author, visit: ReturnVisit) -> None:
    """Propose the deduction of a verified bad rating, once: the case keeps its proposal,
    and the case's row is locked by the caller."""
    if case.proposal_id is not None:
        return
    rating = case.rating
    rule, problem = rating_rule(rating)
    if rule is not None:
        evidence = _(
            "Bad rating (%(level)s) of %(day)s at window %(window)s, verified by a return visit "
            "on %(visit)s. Case %(case)s."
        ) % {
            "level": rating.get_level_display(),
            "day": f"{timezone.localtime(rating.created_at):%Y-%m-%d}",
            "window": rating.window.number,
            "visit": f"{timezone.localtime(visit.visited_at):%Y-%m-%d}",
            "case": case.number,
        }
        try:
            with transaction.atomic():
                case.proposal = entry_propose(
                    author=author,
                    rule=rule,
                    points=rule.max_points,
                    occurred_on=timezone.localdate(rating.created_at),
                    source=ScoreEntry.Source.RATING,
                    staff=rating.staff if rating.staff_id else None,
                    window=None if rating.staff_id else rating.window,
                    evidence=evidence,
                    source_object=case,
                )
        except ValidationError as exc:
            problem = _("The ledger refused the deduction: %(why)s") % {
                "why": " ".join(exc.messages)
            }
    case.proposal_problem = problem[:300]
    if case.proposal_id is not None:
        _step(
            case,
            Action.PROPOSED,
            author=author,
            from_state=case.state,
            note=f"{rule.code} {rule.title} {rule.max_points:+g}",
        )


# --- the hall office's moves ----------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    author,
    case: BadRatingCase,
    visited_at: datetime.datetime,
    method: str,
    outcome: str,
    citizen_said: str = "",
) -> ReturnVisit:
    """Record a return visit (回访). The first moves the case on to 待整改; one that verifies
    the rating proposes the deduction (once)."""
    case = _locked(case)
    if "visit" not in next_actions(case):
        _refuse(case, "visit")
    errors: dict[str, list[str]] = {}
    if method not in Method.values:
        errors["method"] = [_("Choose how the citizen was visited.")]
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose the outcome of the visit.")]
    if is_real_name(case.rating) and method == Method.RECORDS:
        errors.setdefault("method", []).append(
            _(
                "The citizen left a name or phone: the return visit must reach them (phone, in "
                "person or text message)."
            )
        )
    if visited_at is None:
        errors["visited_at"] = [_("Say when the visit took place.")]
    elif visited_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["visited_at"] = [_("The visit cannot be in the future.")]
    elif visited_at < case.rating.created_at.replace(second=0, microsecond=0):  # to the minute
        errors["visited_at"] = [_("The visit cannot be before the rating.")]
    said = (citizen_said or "").strip()
    if len(said) > NOTE_MAX:
        errors["citizen_said"] = [
            _("Keep it to %(limit)s characters (it has %(n)s).")
            % {"limit": NOTE_MAX, "n": len(said)}
        ]
    if errors:
        raise ValidationError(errors)
    visit = ReturnVisit.objects.create(
        case=case,
        visited_at=visited_at,
        visited_by=author,
        method=method,
        outcome=outcome,
        citizen_said=said,
    )
    before = case.state
    if case.state == State.VISIT:
        case.state = State.PENDING
    _step(
        case,
        Action.VISIT,
        author=author,
        from_state=before,
        note=f"{visit.get_method_display()}: {visit.get_outcome_display()}",
    )
    if outcome == Outcome.VERIFIED:
        case.verified = True
        _propose(case, author=author, visit=visit)
    case.save()
    return visit


@transaction.atomic
def case_handle(*, author, case: BadRatingCase, handling: str, note: str) -> BadRatingCase:
    """Decide the handling: fixed at once or explained ends the case (整改完成); a deadline
    starts the rectification (整改中)."""
    case = _locked(case)
    if "handle" not in next_actions(case):
        _refuse(case, "handle")
    errors: dict[str, list[str]] = {}
    if handling not in Handling.values:
        errors["handling"] = [_("Choose how the rating is handled.")]
    note = _text(note, "note", _("Say what was done or what will be done."), errors)
    if not case.visits.exists():
        errors.setdefault("__all__", []).append(
            _("Record the return visit first: a case cannot skip the return visit (回访核实).")
        )
    elif is_real_name(case.rating) and not case.visits.exclude(method=Method.RECORDS).exists():
        errors.setdefault("__all__", []).append(
            _("The citizen left a name or phone: the case needs a return visit to them first.")
        )
    if errors:
        raise ValidationError(errors)
    before = case.state
    case.handling, case.handling_note = handling, note
    if handling == Handling.BY_DEADLINE:
        if case.state != State.OVERDUE:
            case.state = State.RECTIFYING
    else:
        _close(case, State.DONE)
    case.save()
    _step(
        case,
        Action.HANDLED,
        author=author,
        from_state=before,
        note=f"{case.get_handling_display()}: {note}",
    )
    if case.state == State.DONE:
        case_staff_tell(case, NOTICE_ENDED)
    return case


@transaction.atomic
def case_complete(*, author, case: BadRatingCase, note: str) -> BadRatingCase:
    """The rectification by a deadline is done (整改完成), on time or late."""
    case = _locked(case)
    if "complete" not in next_actions(case):
        _refuse(case, "complete")
    errors: dict[str, list[str]] = {}
    note = _text(note, "note", _("Say what was rectified."), errors)
    if errors:
        raise ValidationError(errors)
    before = case.state
    _close(case, State.DONE)
    case.save()
    _step(case, Action.COMPLETED, author=author, from_state=before, note=note)
    case_staff_tell(case, NOTICE_ENDED)
    return case


@transaction.atomic
def case_extend(*, author, case: BadRatingCase, days: int, reason: str) -> BadRatingCase:
    """Extend the deadline once, by at most ``HALL_BAD_RATING_EXTENSION_MAX_DAYS``, asked on
    or before the deadline."""
    case = _locked(case)
    today = timezone.localdate()
    cap = settings.HALL_BAD_RATING_EXTENSION_MAX_DAYS
    if case.extension_days is not None:
        message = _("The deadline was extended once already: there is no second extension.")
        raise ValidationError({"__all__": [message]})
    if case.state == State.OVERDUE or (case.state in OPEN_STATES and today > case.deadline):
        raise ValidationError(
            {
                "__all__": [
                    _("The deadline (%(day)s) has passed: an extension must be asked before it.")
                    % {"day": f"{case.deadline:%Y-%m-%d}"}
                ]
            }
        )
    if "extend" not in next_actions(case, today):
        _refuse(case, "extend")
    errors: dict[str, list[str]] = {}
    if days is None or days < 1 or days > cap:
        errors["days"] = [
            _("An extension is from 1 to %(cap)s days.") % {"cap": cap},
        ]
    reason = _text(reason, "reason", _("Say why the deadline must be extended."), errors)
    if errors:
        raise ValidationError(errors)
    before = case.deadline
    case.deadline = deadline_after(case.deadline, days)
    case.extension_days, case.extension_reason = days, reason
    case.save()
    _step(
        case,
        Action.EXTENDED,
        author=author,
        from_state=case.state,
        note=f"{before:%Y-%m-%d} → {case.deadline:%Y-%m-%d}: {reason}",
    )
    return case


@transaction.atomic
def unable_ask(*, author, case: BadRatingCase, reason: str) -> BadRatingCase:
    """Ask to close the case as impossible to rectify (无法整改审核)."""
    case = _locked(case)
    if "unable" not in next_actions(case):
        _refuse(case, "unable")
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", _("Say why it cannot be rectified."), errors)
    if errors:
        raise ValidationError(errors)
    before = case.state
    case.resume_state, case.state = case.state, State.UNABLE_REVIEW
    case.save()
    _step(case, Action.UNABLE_ASKED, author=author, from_state=before, note=reason)
    return case


@transaction.atomic
def unable_decide(*, author, case: BadRatingCase, accept: bool, reason: str) -> BadRatingCase:
    case = _locked(case)
    if "unable_decide" not in next_actions(case):
        _refuse(case, "unable_decide")
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", _("Give the reason for the decision."), errors)
    if errors:
        raise ValidationError(errors)
    before = case.state
    if accept:
        _close(case, State.UNABLE)
    else:
        case.state, case.resume_state = case.resume_state or State.RECTIFYING, ""
    case.save()
    action = Action.UNABLE_ACCEPTED if accept else Action.UNABLE_REJECTED
    _step(case, action, author=author, from_state=before, note=reason)
    if accept:
        case_staff_tell(case, NOTICE_ENDED)
    return case


# --- the review as invalid (申诉复核) --------------------------------------------------------


@transaction.atomic
def review_ask(
    *, author, case: BadRatingCase, ground: str, reason: str, file=None
) -> BadRatingCase:
    """The staff member the rating names asks for review of it as invalid (once)."""
    case = _locked(case)
    staff = case.rating.staff
    if staff is None or staff.user_id != author.pk:
        raise PermissionDenied
    if case.review_asked_at is not None:
        raise ValidationError(
            {"__all__": [_("A review of this rating was asked already: it cannot be asked again.")]}
        )
    if not can_ask_review(case):
        _refuse(case, "review")
    errors: dict[str, list[str]] = {}
    if ground not in BadRatingCase.ReviewGround.values:
        errors["ground"] = [_("Choose why the rating is invalid.")]
    reason = _text(reason, "reason", _("Say why the rating is invalid."), errors)
    if errors:
        raise ValidationError(errors)
    before = case.state
    case.resume_state, case.state = case.state, State.INVALID_REVIEW
    case.review_ground, case.review_reason = ground, reason
    case.review_asked_at = timezone.now()
    if file is not None:
        case.review_file = file
    case.save()
    _step(case, Action.REVIEW_ASKED, author=author, from_state=before, note=reason)
    url = reverse("bad_rating_case", kwargs={"pk": case.pk})
    for user_id in admin_user_ids():
        notice_send(
            user_id=user_id,
            kind=NOTICE_REVIEW_ASKED,
            params={**case_notice_params(case), "staff": staff.name},
            url=url,
        )
    return case


@transaction.atomic
def review_decide(*, author, case: BadRatingCase, invalid: bool, reason: str) -> BadRatingCase:
    """The hall office decides: invalid ends the case, takes the rating out of the figures
    and withdraws its deduction (dismissed, or reversed when already confirmed); rejected
    sends the case back where it was."""
    case = _locked(case)
    if "review" not in next_actions(case):
        _refuse(case, "review")
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", _("Give the reason for the decision."), errors)
    if errors:
        raise ValidationError(errors)
    before = case.state
    if invalid:
        _withdraw_deduction(case, author=author, reason=reason)
        _close(case, State.INVALID)
        Rating.objects.filter(pk=case.rating_id).update(counted=False)
        case.rating.counted = False
        # The month's rollup holds the rating: rebuilt once this commits, it leaves it out.
        rollups.rollup_request(timezone.localtime(case.rating.created_at).date())
    else:
        case.state, case.resume_state = case.resume_state or State.PENDING, ""
    case.save()
    action = Action.REVIEW_INVALID if invalid else Action.REVIEW_REJECTED
    _step(case, action, author=author, from_state=before, note=reason)
    case_staff_tell(case, NOTICE_ENDED if invalid else NOTICE_REVIEW_REJECTED)
    return case


def _withdraw_deduction(case: BadRatingCase, *, author, reason: str) -> None:
    if case.proposal_id is None:
        return
    proposal = EntryProposal.objects.select_related("entry__rule").get(pk=case.proposal_id)
    why = _("Bad rating judged invalid: %(reason)s") % {"reason": reason}
    if proposal.status == EntryProposal.Status.PENDING:
        proposal_dismiss(author=author, proposal=proposal, reason=why)
    elif proposal.status == EntryProposal.Status.CONFIRMED and proposal.entry_id:
        entry = proposal.entry
        if not ScoreEntry.objects.filter(reverses=entry).exists():
            score_entry_reverse(author=author, entry=entry, reason=why)


# --- the daily overdue check ----------------------------------------------------------------


def cases_mark_overdue(today: datetime.date | None = None) -> int:
    """Mark the open cases past their deadline overdue (整改超期), each by a conditional
    update (a second run, or a run racing this one, marks nothing twice), and tell the hall
    office how many. Returns how many were marked."""
    today = today or timezone.localdate()
    due = BadRatingCase.objects.filter(state__in=OPEN_STATES, deadline__lt=today)
    marked = 0
    for pk, state in due.values_list("pk", "state"):
        with transaction.atomic():
            claimed = BadRatingCase.objects.filter(pk=pk, state=state, deadline__lt=today).update(
                state=State.OVERDUE
            )
            if claimed:
                case = BadRatingCase.objects.get(pk=pk)
                _step(
                    case,
                    Action.OVERDUE,
                    author=None,
                    from_state=state,
                    note=f"{case.deadline:%Y-%m-%d}",
                )
                marked += 1
    if marked:
        url = reverse("bad_rating_case_list") + f"?state={State.OVERDUE}"
        with transaction.atomic():
            for user_id in admin_user_ids():
                notice_send(
                    user_id=user_id,
                    kind=NOTICE_OVERDUE,
                    params={"n": marked, "day": f"{today:%Y-%m-%d}"},
                    url=url,
                )
    return marked
