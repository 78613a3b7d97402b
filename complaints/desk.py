"""The complaints desk (投诉台, GB/T 36113-2018): the one door for every change to a
complaint. Writes are keyword-only and atomic; bad input or a step the complaint cannot take
raises ``ValidationError({field: [message]})`` and writes nothing.

received → accepted → investigating → handled → replied → closed; not accepted is an end of
its own. The reply is due in working days from receipt (settings ``COMPLAINTS_DAYS_*``); an
extension is asked before the deadline and never goes beyond ``COMPLAINTS_DAYS_MAX``. A
complaint upheld (or partly) against a window or a staff member proposes a deduction in the
appraisal ledger, once. The citizen follows it with the case number and a code, says whether
the reply satisfies them, and an unsatisfied answer reopens it once.
"""

from __future__ import annotations

import datetime
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.desk_ledger import deduction_propose
from complaints.models import (
    FACTS_MAX,
    GROUNDS_MAX,
    NOTE_MAX,
    TEXT_MAX,
    Complaint,
    ComplaintStep,
    ComplaintYear,
)
from hall.validators import validate_phone
from hall.workcalendar import add_working_days
from staff.models import StaffMember
from windows.models import Department, Window

S = Complaint.Status
A = ComplaintStep.Action
Channel = Complaint.Channel
Outcome = Complaint.Outcome

# status → the statuses it may go to next (by the desk; the citizen's reopening is separate)
NEXT = {
    S.RECEIVED: (S.ACCEPTED, S.NOT_ACCEPTED),
    S.ACCEPTED: (S.INVESTIGATING,),
    S.INVESTIGATING: (S.HANDLED,),
    S.HANDLED: (S.REPLIED,),
    S.REPLIED: (S.CLOSED,),
    S.CLOSED: (),
    S.NOT_ACCEPTED: (),
}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
CODE_LENGTH = 8
COMPLAINANT_MAX = Complaint._meta.get_field("complainant").max_length
CONTACT_MAX = Complaint._meta.get_field("contact").max_length
HOTLINE_MAX = Complaint._meta.get_field("hotline_no").max_length


class ComplaintLimited(Exception):
    """Too many complaints from one address through the web form: told kindly (429)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- small pieces ------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def reply_days(*, form: str, complex: bool) -> int:
    """Working days to reply: on the spot for oral, more for written and complex; capped."""
    if complex:
        days = settings.COMPLAINTS_DAYS_COMPLEX
    elif form == Complaint.Form.ORAL:
        days = settings.COMPLAINTS_DAYS_ORAL
    else:
        days = settings.COMPLAINTS_DAYS_WRITTEN
    return min(days, settings.COMPLAINTS_DAYS_MAX)


def deadline_for(*, received: datetime.date, form: str, complex: bool) -> datetime.date:
    return add_working_days(received, reply_days(form=form, complex=complex))


def latest_deadline(received: datetime.date) -> datetime.date:
    """No reply is due later than this, extension included."""
    return add_working_days(received, settings.COMPLAINTS_DAYS_MAX)


def _too_long(errors: dict, field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(field, []).append(
            _("Keep this to %(limit)s characters (it has %(n)s).")
            % {"limit": limit, "n": len(value)}
        )


def _step(complaint, action, *, actor, at, before="", note="") -> ComplaintStep:
    return ComplaintStep.objects.create(
        complaint=complaint,
        action=action,
        actor=actor,
        at=at,
        from_status=before,
        to_status=complaint.status,
        note=note,
    )


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _note_errors(note: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _too_long(errors, "note", note, NOTE_MAX)
    return errors


def _advance(
    complaint: Complaint,
    to: str,
    *,
    actor,
    errors: dict[str, list[str]],
    note: str = "",
    fields: dict | None = None,
    at: datetime.datetime | None = None,
    guard: Callable[[Complaint], None] | None = None,
) -> Complaint:
    """One step of the desk (call inside a transaction): lock the complaint, check it may go
    to ``to`` now (after ``guard``, which may refuse first), refuse the input's ``errors``,
    then set ``fields`` and the status and write the step (named as the status it reaches)
    with its author and time. Nothing is written when anything is refused."""
    complaint = _locked(complaint)
    if guard is not None:
        guard(complaint)
    before = _move(complaint, to)
    if errors:
        raise ValidationError(errors)
    fields = fields or {}
    for name, value in fields.items():
        setattr(complaint, name, value)
    complaint.status = to
    complaint.save(update_fields=["status", *fields])
    _step(complaint, A(to), actor=actor, at=at or timezone.now(), before=before, note=note)
    return complaint


def _move(complaint: Complaint, to: str) -> str:
    """Check that ``complaint`` may go to ``to`` now; return its status before. A skipped step
    or a step after the end is refused with what the complaint can do instead."""
    before = complaint.status
    if to in NEXT[before]:
        return before
    if before in (S.CLOSED, S.NOT_ACCEPTED):
        message = _("Complaint %(number)s is %(status)s: nothing more can be done with it.")
    elif NEXT[before]:
        message = _(
            "Complaint %(number)s is %(status)s: it cannot be %(to)s now. Next step: %(next)s."
        )
    else:  # pragma: no cover - every open status has a next one
        message = _("Complaint %(number)s is %(status)s.")
    raise ValidationError(
        {
            None: [
                message
                % {
                    "number": complaint.number,
                    "status": S(before).label,
                    "to": S(to).label,
                    "next": "、".join(str(S(s).label) for s in NEXT[before]),
                }
            ]
        },
        code="transition",
    )


# --- receiving a complaint ---------------------------------------------------------------


@dataclass
class Target:
    kind: str
    window: Window | None = None
    staff: StaffMember | None = None
    department: Department | None = None


def target_resolve(*, kind: str, window_id=None, staff_id=None, department_id=None) -> Target:
    """The target from ids the form sent: exactly one of its kind, active, and known."""
    kinds = Complaint.TargetKind
    if kind == kinds.WINDOW:
        window = Window.objects.filter(pk=_int(window_id), active=True).first()
        if window is None:
            raise ValidationError({"window": [_("There is no such window in the hall.")]})
        return Target(kind, window=window)
    if kind == kinds.STAFF:
        member = StaffMember.objects.filter(pk=_int(staff_id), active=True).first()
        if member is None:
            raise ValidationError({"staff": [_("There is no such staff member in the hall.")]})
        return Target(kind, staff=member)
    if kind == kinds.DEPARTMENT:
        department = Department.objects.filter(pk=_int(department_id), active=True).first()
        if department is None:
            raise ValidationError({"department": [_("There is no such department in the hall.")]})
        return Target(kind, department=department)
    if kind == kinds.HALL:
        return Target(kind)
    raise ValidationError({"target_kind": [_("Say whom the complaint is about.")]})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _next_number(year: int) -> tuple[int, str]:
    """Take the year's next case number under a lock on its counter (call inside a
    transaction: the lock is held until it commits)."""
    ComplaintYear.objects.bulk_create([ComplaintYear(year=year)], ignore_conflicts=True)
    counter = ComplaintYear.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"TS{year}-{counter.last:06d}"


@transaction.atomic
def complaint_receive(
    *,
    actor,
    complainant: str,
    contact: str = "",
    target: Target,
    facts: str,
    grounds: str = "",
    channel: str,
    hotline_no: str = "",
    form: str = Complaint.Form.ORAL,
    complex: bool = False,
    received_at: datetime.datetime | None = None,
    key=None,
    ip_hash: str = "",
) -> Complaint:
    """Record a complaint as received, with its case number, code and reply deadline. With a
    ``key`` (the tablet's idempotency key) a second call returns the complaint already made."""
    if key is not None:
        existing = Complaint.objects.filter(key=key).first()
        if existing is not None:
            existing._created = False
            return existing
    complainant, contact = complainant.strip(), contact.strip()
    facts, grounds, hotline_no = facts.strip(), grounds.strip(), hotline_no.strip()
    errors: dict[str, list[str]] = {}
    if not complainant:
        errors["complainant"] = [_("Give the complainant's name.")]
    _too_long(errors, "complainant", complainant, COMPLAINANT_MAX)
    _too_long(errors, "contact", contact, CONTACT_MAX)
    if contact and not errors.get("contact"):
        try:
            validate_phone(contact)
        except ValidationError as exc:
            errors["contact"] = exc.messages
    if not facts:
        errors["facts"] = [_("Say what happened.")]
    _too_long(errors, "facts", facts, FACTS_MAX)
    _too_long(errors, "grounds", grounds, GROUNDS_MAX)
    if channel not in Channel.values:
        errors["channel"] = [_("Choose how the complaint reached the hall.")]
    if channel == Channel.HOTLINE and not hotline_no:
        errors["hotline_no"] = [_("A complaint from the 12345 hotline needs its hotline number.")]
    _too_long(errors, "hotline_no", hotline_no, HOTLINE_MAX)
    if form not in Complaint.Form.values:
        errors["form"] = [_("Say whether the complaint is oral or written.")]
    if errors:
        raise ValidationError(errors)
    at = received_at or timezone.now()
    year = timezone.localtime(at).year
    department = target.department
    if target.window is not None:
        department = target.window.department
    elif target.staff is not None:
        department = target.staff.department
    seq, number = _next_number(year)
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                number=number,
                year=year,
                seq=seq,
                code=new_code(),
                complainant=complainant,
                contact=contact,
                target_kind=target.kind,
                window=target.window,
                staff=target.staff,
                department=target.department,
                concerns_department=department,
                facts=facts,
                grounds=grounds,
                channel=channel,
                hotline_no=hotline_no if channel == Channel.HOTLINE else "",
                form=form,
                complex=complex,
                received_at=at,
                deadline=deadline_for(received=timezone.localdate(at), form=form, complex=complex),
                recorded_by=actor,
                key=key,
                ip_hash=ip_hash,
            )
    except IntegrityError:  # the same tablet submission, saved meanwhile by its retry
        existing = Complaint.objects.filter(key=key).first() if key is not None else None
        if existing is None:
            raise
        existing._created = False
        return existing
    _step(complaint, A.RECEIVED, actor=actor, at=at, note=complaint.get_channel_display())
    complaint._created = True
    return complaint


def web_limit_check(ip_hash: str, now: datetime.datetime | None = None) -> None:
    """The public web form: at most ``COMPLAINTS_WEB_PER_IP_PER_DAY`` a day from one address."""
    if not ip_hash:
        return
    since = (now or timezone.now()) - datetime.timedelta(days=1)
    n = Complaint.objects.filter(channel=Channel.WEB, ip_hash=ip_hash, received_at__gte=since)
    if n.count() >= settings.COMPLAINTS_WEB_PER_IP_PER_DAY:
        raise ComplaintLimited(
            _(
                "Many complaints have been sent from your network today. Please call the hall's "
                "complaint phone or come to the desk, and we will take yours."
            )
        )


# --- the desk's steps --------------------------------------------------------------------


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    note = note.strip()
    return _advance(complaint, S.ACCEPTED, actor=actor, errors=_note_errors(note), note=note)


@transaction.atomic
def complaint_refuse(*, actor, complaint: Complaint, reason: str, note: str = "") -> Complaint:
    """Not accepted, with one of GB/T 36113's reasons (told to the complainant)."""
    note = note.strip()
    errors = _note_errors(note)
    label = ""
    if reason in Complaint.Refusal.values:
        label = Complaint.Refusal(reason).label
    else:
        errors["reason"] = [_("Choose why the complaint is not accepted.")]
    return _advance(
        complaint,
        S.NOT_ACCEPTED,
        actor=actor,
        errors=errors,
        note=f"{label}{'：' + note if note else ''}",
        fields={"refusal": reason, "refusal_note": note},
    )


@transaction.atomic
def complaint_investigate(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    note = note.strip()
    errors = _note_errors(note)
    return _advance(complaint, S.INVESTIGATING, actor=actor, errors=errors, note=note)


@dataclass
class Handled:
    complaint: Complaint
    proposal_note: str  # what happened about the ledger, to tell the handler


@transaction.atomic
def complaint_handle(
    *,
    actor,
    complaint: Complaint,
    outcome: str,
    findings: str,
    points: Decimal | None = None,
) -> Handled:
    """Record the outcome and findings; upheld or partly upheld against a window or a staff
    member proposes a deduction (once in the complaint's life)."""
    findings = findings.strip()
    errors: dict[str, list[str]] = {}
    label = ""
    if outcome in Outcome.values:
        label = Outcome(outcome).label
    else:
        errors["outcome"] = [_("Choose the outcome.")]
    if not findings:
        errors["findings"] = [_("Write down what the investigation found.")]
    _too_long(errors, "findings", findings, TEXT_MAX)
    now = timezone.now()
    complaint = _advance(
        complaint,
        S.HANDLED,
        actor=actor,
        errors=errors,
        note=f"{label}：{findings}",
        fields={"outcome": outcome, "findings": findings},
        at=now,
    )
    note = ""
    if outcome in (Outcome.UPHELD, Outcome.PARTLY):
        note, proposed = deduction_propose(actor=actor, complaint=complaint, points=points, at=now)
        if proposed:
            _step(complaint, A.PROPOSED, actor=actor, at=now, note=note)
    return Handled(complaint, note)


def _reply_allowed(complaint: Complaint) -> None:
    if complaint.status in (S.CLOSED, S.NOT_ACCEPTED, S.REPLIED):
        raise ValidationError(
            {
                None: [
                    _("Complaint %(number)s is %(status)s: no reply can be added now.")
                    % {"number": complaint.number, "status": complaint.get_status_display()}
                ]
            },
            code="transition",
        )


@transaction.atomic
def complaint_reply(*, actor, complaint: Complaint, reply: str) -> Complaint:
    reply = reply.strip()
    errors: dict[str, list[str]] = {}
    if not reply:
        errors["reply"] = [_("Write the reply to the complainant.")]
    _too_long(errors, "reply", reply, TEXT_MAX)
    now = timezone.now()
    return _advance(
        complaint,
        S.REPLIED,
        actor=actor,
        errors=errors,
        note=reply,
        fields={"reply": reply, "replied_at": now},
        at=now,
        guard=_reply_allowed,
    )


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    note = note.strip()
    return _advance(complaint, S.CLOSED, actor=actor, errors=_note_errors(note), note=note)


@transaction.atomic
def complaint_extend(
    *, actor, complaint: Complaint, until: datetime.date, reason: str, today=None
) -> Complaint:
    """Move the reply deadline to ``until``: asked before the deadline passes, once, and
    never beyond ``COMPLAINTS_DAYS_MAX`` working days from receipt."""
    complaint = _locked(complaint)
    today = today or timezone.localdate()
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not complaint.is_open:
        errors[None] = [
            _("Complaint %(number)s is %(status)s: its deadline no longer runs.")
            % {"number": complaint.number, "status": complaint.get_status_display()}
        ]
    elif complaint.deadline < today:
        errors[None] = [
            _("The deadline (%(day)s) has passed: an extension must be asked before it.")
            % {"day": complaint.deadline}
        ]
    elif complaint.extended:
        errors[None] = [_("This complaint's deadline was extended already.")]
    cap = latest_deadline(timezone.localdate(complaint.received_at))
    if not errors:
        if until <= complaint.deadline:
            errors["until"] = [_("Choose a day after the current deadline.")]
        elif until > cap:
            errors["until"] = [
                _(
                    "No later than %(cap)s: a complaint is answered within %(n)s working days "
                    "of receipt."
                )
                % {"cap": cap, "n": settings.COMPLAINTS_DAYS_MAX}
            ]
    if not reason:
        errors["reason"] = [_("Say why more time is needed.")]
    _too_long(errors, "reason", reason, NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    old = complaint.deadline
    complaint.deadline, complaint.extended = until, True
    complaint.save(update_fields=["deadline", "extended"])
    _step(
        complaint,
        A.EXTENDED,
        actor=actor,
        at=timezone.now(),
        before=complaint.status,
        note=f"{old} → {until}：{reason}",
    )
    return complaint


# --- the citizen's side ------------------------------------------------------------------


def complaint_find(number: str, code: str) -> Complaint | None:
    """The complaint with this number *and* code; a wrong code is the same as no complaint."""
    number, code = number.strip().upper()[:20], code.strip().upper()[:12]
    complaint = Complaint.objects.filter(number=number).first() if number else None
    if complaint is None or not hmac.compare_digest(complaint.code, code):
        return None
    return complaint


def answered(complaint: Complaint) -> bool:
    """Whether the citizen has answered the latest reply (one answer per reply)."""
    last = (
        complaint.steps.filter(action__in=(A.REPLIED, A.SATISFIED, A.UNSATISFIED))
        .order_by("-at", "-id")
        .values_list("action", flat=True)
        .first()
    )
    return last in (A.SATISFIED, A.UNSATISFIED)


@transaction.atomic
def complaint_feedback(*, complaint: Complaint, satisfied: bool) -> Complaint:
    """The citizen's answer to the reply. Unsatisfied the first time: back to investigating
    with a new deadline; afterwards the answer is only recorded."""
    complaint = _locked(complaint)
    if complaint.status not in (S.REPLIED, S.CLOSED) or not complaint.reply:
        raise ValidationError({None: [_("There is no reply to answer yet.")]}, code="transition")
    if answered(complaint):
        raise ValidationError(
            {None: [_("You have already answered this reply. Thank you.")]}, code="transition"
        )
    now = timezone.now()
    before = complaint.status
    if satisfied:
        complaint.satisfaction = Complaint.Satisfaction.SATISFIED
        complaint.save(update_fields=["satisfaction"])
        _step(complaint, A.SATISFIED, actor=None, at=now, before=before)
        return complaint
    complaint.satisfaction = Complaint.Satisfaction.UNSATISFIED
    if complaint.reopened:
        complaint.save(update_fields=["satisfaction"])
        _step(complaint, A.UNSATISFIED, actor=None, at=now, before=before)
        return complaint
    _step(complaint, A.UNSATISFIED, actor=None, at=now, before=before)
    today = timezone.localdate(now)
    complaint.status, complaint.reopened = S.INVESTIGATING, True
    complaint.deadline = deadline_for(
        received=today, form=complaint.form, complex=complaint.complex
    )
    complaint.extended = False
    complaint.reminded_at = complaint.escalated_at = None
    complaint.save(
        update_fields=[
            "satisfaction",
            "status",
            "reopened",
            "deadline",
            "extended",
            "reminded_at",
            "escalated_at",
        ]
    )
    _step(
        complaint,
        A.REOPENED,
        actor=None,
        at=now,
        before=before,
        note=_("New deadline: %(day)s") % {"day": complaint.deadline},
    )
    return complaint
