"""The duty desk (值班台): the monthly roster, shifts, the duty log of the four duties, and
the inspection round that proposes ledger entries.

Writes are keyword-only and atomic; bad input raises ``ValidationError({field: [msg]})`` and
writes nothing. Every log submission carries an idempotency key made in the page: the same
key again returns the row already saved (``created`` False) instead of a second one.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import Rule, ScoreEntry
from appraisal.proposals import entry_propose
from appraisal.selectors import rules_for_form
from hall.audit import audit_record
from hall.models import AuditEntry, DutyLogEntry, DutyRosterDay, DutyShift
from hall.roles import DUTY_SUPERVISOR, HALL_ADMIN, has_role
from hall.workcalendar import WorkCalendar

Kind, Heading = DutyLogEntry.Kind, DutyLogEntry.Heading


def _name(user) -> str:
    return (user.first_name or user.username) if user is not None else ""


def duty_supervisors():
    return (
        get_user_model()
        .objects.filter(groups__name=DUTY_SUPERVISOR, is_active=True)
        .order_by("username")
        .distinct()
    )


# --- the roster ----------------------------------------------------------------------------


@dataclass
class RosterDay:
    date: datetime.date
    working: bool
    entry: DutyRosterDay | None


def month_days(month: datetime.date) -> list[datetime.date]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return [start + datetime.timedelta(days=i) for i in range((end - start).days)]


def roster_month(month: datetime.date) -> list[RosterDay]:
    """Every day of the month, working or not, with who is on duty: two queries."""
    days = month_days(month)
    cal = WorkCalendar(days[0], days[-1])
    entries = {
        r.date: r
        for r in DutyRosterDay.objects.filter(date__range=(days[0], days[-1])).select_related(
            "supervisor"
        )
    }
    return [RosterDay(d, cal.is_working_day(d), entries.get(d)) for d in days]


def roster_for(day: datetime.date) -> DutyRosterDay | None:
    return DutyRosterDay.objects.filter(date=day).select_related("supervisor").first()


@transaction.atomic
def roster_assign(*, actor, day: datetime.date, supervisor, reason: str = "") -> DutyRosterDay:
    """Put ``supervisor`` on duty on ``day``; replacing someone is a swap and needs a reason."""
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = defaultdict(list)
    if not WorkCalendar(day, day).is_working_day(day):
        errors["date"].append(
            _("%(day)s is not a working day: nobody is on duty.") % {"day": day.isoformat()}
        )
    if supervisor is None or not has_role(supervisor, DUTY_SUPERVISOR):
        errors["supervisor"].append(_("Choose someone with the duty supervisor role."))
    current = DutyRosterDay.objects.select_for_update().filter(date=day).first()
    if current is not None and supervisor is not None and current.supervisor_id != supervisor.pk:
        if not reason:
            errors["reason"].append(_("Say why the duty is swapped."))
        if DutyShift.objects.filter(date=day).exists():
            errors["date"].append(_("The shift of that day is already opened."))
    if errors:
        raise ValidationError(dict(errors))
    if current is not None and current.supervisor_id == supervisor.pk:
        return current
    if current is None:
        entry = DutyRosterDay.objects.create(date=day, supervisor=supervisor, updated_by=actor)
        audit_record(
            actor=actor,
            instance=entry,
            action=AuditEntry.Action.CREATE,
            changes={"supervisor": ["", _name(supervisor)]},
        )
        return entry
    before = _name(current.supervisor)
    current.supervisor = supervisor
    current.updated_by = actor
    current.save(update_fields=["supervisor", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        instance=current,
        action=AuditEntry.Action.UPDATE,
        changes={"supervisor": [before, _name(supervisor)], "reason": ["", reason]},
    )
    return current


# --- shifts --------------------------------------------------------------------------------


def open_shift_for(user) -> DutyShift | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return DutyShift.objects.filter(supervisor=user, closed_at__isnull=True).first()


@transaction.atomic
def shift_open(*, actor, now: datetime.datetime | None = None) -> DutyShift:
    """Open today's shift. The supervisor on the roster opens it; the hall office may stand in
    (recorded as off the roster, and in the audit trail); anyone else is refused."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, list[str]] = defaultdict(list)
    mine = open_shift_for(actor)
    if mine is not None:
        errors["shift"].append(
            _("Your shift of %(day)s is still open; hand it over first.")
            % {"day": mine.date.isoformat()}
        )
    taken = DutyShift.objects.filter(date=today).select_related("supervisor").first()
    if taken is not None and mine is None:
        errors["shift"].append(
            _("Today's shift was already opened by %(name)s.") % {"name": _name(taken.supervisor)}
        )
    rostered = roster_for(today)
    off_roster = rostered is None or rostered.supervisor_id != actor.pk
    if off_roster and not has_role(actor, HALL_ADMIN):
        who = _name(rostered.supervisor) if rostered else _("nobody")
        errors["shift"].append(
            _("You are not on the roster today (on duty: %(name)s). The hall office can open it.")
            % {"name": who}
        )
    if errors:
        raise ValidationError(dict(errors))
    try:
        with transaction.atomic():
            shift = DutyShift.objects.create(
                date=today, supervisor=actor, off_roster=off_roster, opened_at=now
            )
    except IntegrityError:
        raise ValidationError({"shift": [_("Today's shift was opened just now.")]}) from None
    if off_roster:
        audit_record(
            actor=actor,
            instance=shift,
            action=AuditEntry.Action.CREATE,
            changes={
                "off_roster": ["", _("opened by someone not on the roster")],
                "supervisor": [_name(rostered.supervisor) if rostered else "", _name(actor)],
            },
        )
    return shift


@transaction.atomic
def shift_close(
    *, actor, shift: DutyShift, handover_note: str, now: datetime.datetime | None = None
) -> DutyShift:
    """Hand the shift over with a note. Only its supervisor closes it (the hall office may,
    recorded); open matters stay open and carry over."""
    shift = DutyShift.objects.select_for_update().get(pk=shift.pk)
    note = (handover_note or "").strip()
    errors: dict[str, list[str]] = defaultdict(list)
    if shift.closed_at is not None:
        errors["shift"].append(_("This shift is already closed."))
    elif shift.supervisor_id != actor.pk and not has_role(actor, HALL_ADMIN):
        errors["shift"].append(
            _("This is the shift of %(name)s; only they can hand it over.")
            % {"name": _name(shift.supervisor)}
        )
    if not note:
        errors["handover_note"].append(_("Write a handover note for the next supervisor."))
    if errors:
        raise ValidationError(dict(errors))
    shift.closed_at = now or timezone.now()
    shift.handover_note = note
    shift.save(update_fields=["closed_at", "handover_note"])
    if shift.supervisor_id != actor.pk:
        audit_record(
            actor=actor,
            instance=shift,
            action=AuditEntry.Action.UPDATE,
            changes={"closed_at": ["", _("closed by the hall office")]},
        )
    return shift


def last_handover(before: datetime.date) -> DutyShift | None:
    return (
        DutyShift.objects.filter(closed_at__isnull=False, date__lt=before)
        .select_related("supervisor")
        .order_by("-date")
        .first()
    )


# --- the log -------------------------------------------------------------------------------


def entry_by_key(key) -> DutyLogEntry | None:
    return DutyLogEntry.objects.filter(key=key).first() if key else None


def _shift_for_writing(actor) -> DutyShift:
    shift = open_shift_for(actor)
    if shift is None:
        raise ValidationError(
            {"shift": [_("You have no open shift: open the shift before writing the log.")]}
        )
    return shift


@transaction.atomic
def log_add(*, actor, key: uuid.UUID, kind: str, **fields) -> tuple[DutyLogEntry, bool]:
    """Write a line of the log on the actor's open shift → (entry, created).

    The same ``key`` again returns the entry already saved, even after the shift was closed:
    a retry after a timeout must not be refused for what already went through."""
    if key is None:
        raise ValidationError({"key": [_("The form has no submission key; reload the page.")]})
    existing = entry_by_key(key)
    if existing is not None:
        return existing, False
    if kind not in Kind.values or kind in {Kind.FINDING, Kind.INSPECTION}:
        raise ValidationError({"kind": [_("Unknown kind of log entry.")]})
    shift = _shift_for_writing(actor)
    window = fields.get("window")
    if window is not None and not window.active:
        raise ValidationError({"window": [_("That window is not in service.")]})
    if kind == Kind.SERVICE and fields.get("done"):
        fields["done_at"] = timezone.now()
    elif kind == Kind.SERVICE:
        fields["follow_up"] = True  # an unfinished request is an open matter
    fields.pop("done", None)
    try:
        with transaction.atomic():
            entry = DutyLogEntry.objects.create(
                shift=shift, kind=kind, key=key, author=actor, **fields
            )
    except IntegrityError:  # the same key raced in from a second request
        return DutyLogEntry.objects.get(key=key), False
    return entry, True


@dataclass
class InspectionItem:
    """One heading of a window visit, as the form cleaned it."""

    heading: str
    failed: bool  # for CONDUCT: good conduct seen, proposing an addition
    finding: str = ""
    staff: object = None  # StaffMember, or None for the window itself
    rule: object = None
    points: Decimal | None = None
    photo: object = None


def mildest_points(rule) -> Decimal:
    """The rule's points nearest zero: the default when the supervisor does not say."""
    return rule.max_points if rule.max_points <= 0 else rule.min_points


@transaction.atomic
def inspection_record(
    *, actor, key: uuid.UUID, window, items: list[InspectionItem]
) -> tuple[DutyLogEntry, bool]:
    """Record a window visit of the inspection round → (visit, created).

    Each failed heading (and good conduct seen) becomes a finding under the visit and a
    PROPOSED ledger entry (``appraisal.proposals.entry_propose``, source duty log, the
    finding as its source) for the hall office to confirm; nothing reaches the ledger here.
    Errors come back keyed ``<heading>-<field>``; nothing is saved unless all is well."""
    if key is None:
        raise ValidationError({"key": [_("The form has no submission key; reload the page.")]})
    existing = entry_by_key(key)
    if existing is not None:
        return existing, False
    shift = _shift_for_writing(actor)
    if not window.active:
        raise ValidationError({"window": [_("That window is not in service.")]})
    failed = [i for i in items if i.failed]
    visit = DutyLogEntry.objects.create(
        shift=shift,
        kind=Kind.INSPECTION,
        key=key,
        author=actor,
        window=window,
        text=", ".join(
            str(Heading(i.heading).label) for i in items if not i.failed and i.heading != "conduct"
        ),
    )
    errors: dict[str, list[str]] = {}
    for item in failed:
        finding = DutyLogEntry.objects.create(
            shift=shift,
            kind=Kind.FINDING,
            parent=visit,
            author=actor,
            window=window,
            staff=item.staff,
            heading=item.heading,
            text=item.finding,
            photo=item.photo or "",
        )
        if item.rule is None:
            continue
        points = item.points if item.points is not None else mildest_points(item.rule)
        try:
            with transaction.atomic():
                entry_propose(
                    author=actor,
                    rule=item.rule,
                    points=points,
                    occurred_on=shift.date,
                    source=ScoreEntry.Source.DUTY_LOG,
                    staff=item.staff,
                    window=None if item.staff is not None else window,
                    evidence=_("Inspection at window %(number)s, %(heading)s: %(finding)s")
                    % {
                        "number": window.number,
                        "heading": Heading(item.heading).label,
                        "finding": item.finding,
                    },
                    evidence_file=finding.photo.name or None,
                    source_object=finding,
                )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                target = {"staff": "subject", "window": "subject", "occurred_on": "rule"}.get(
                    field, field
                )
                errors.setdefault(f"{item.heading}-{target}", []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    return visit, True


def parse_points(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@transaction.atomic
def matter_close(*, actor, entry: DutyLogEntry, resolution: str) -> DutyLogEntry:
    """Close an open matter; it stops carrying over to the next shift."""
    entry = DutyLogEntry.objects.select_for_update().get(pk=entry.pk)
    resolution = (resolution or "").strip()
    errors: dict[str, list[str]] = defaultdict(list)
    if not entry.is_open_matter:
        errors["resolution"].append(_("This matter is not open."))
    if open_shift_for(actor) is None and not has_role(actor, HALL_ADMIN):
        errors["resolution"].append(_("Open your shift before closing matters."))
    if not resolution:
        errors["resolution"].append(_("Say how the matter was closed."))
    if errors:
        raise ValidationError(dict(errors))
    entry.resolved_at = timezone.now()
    entry.resolved_by = actor
    entry.resolution = resolution
    fields = ["resolved_at", "resolved_by", "resolution"]
    if entry.kind == Kind.SERVICE and entry.done_at is None:
        entry.done_at = entry.resolved_at
        fields.append("done_at")
    entry.save(update_fields=fields)
    return entry


# --- reads ---------------------------------------------------------------------------------


def tallies(shift: DutyShift | None) -> dict[str, int]:
    """Reception counters of the shift, one query: counter → number."""
    counts = dict.fromkeys(DutyLogEntry.Counter.values, 0)
    if shift is None:
        return counts
    for row in (
        DutyLogEntry.objects.filter(shift=shift, kind=Kind.RECEPTION)
        .values("counter")
        .annotate(n=Count("id"))
    ):
        counts[row["counter"]] = row["n"]
    return counts


def open_matters():
    """Matters still open from any shift, oldest first: they carry over until closed."""
    return (
        DutyLogEntry.objects.filter(follow_up=True, resolved_at__isnull=True)
        .select_related("shift__supervisor", "window", "staff")
        .order_by("created_at", "id")
    )


def shift_entries(shift: DutyShift):
    return (
        DutyLogEntry.objects.filter(shift=shift, parent__isnull=True)
        .select_related("window", "staff", "author", "resolved_by")
        .prefetch_related("findings__staff")
        .order_by("created_at", "id")
    )


def shift_for_user(user, pk: int) -> DutyShift:
    """A shift the user may read: the admin any, a supervisor their own; else a 404."""
    from django.shortcuts import get_object_or_404

    qs = DutyShift.objects.select_related("supervisor")
    if not has_role(user, HALL_ADMIN):
        qs = qs.filter(supervisor=user)
    return get_object_or_404(qs, pk=pk)


def rules_for_heading(day: datetime.date, heading: str) -> list:
    """The rules in force on ``day`` that fit a heading: deductions of its category (and of
    "other"); for good conduct, every addition."""
    _book, rules = rules_for_form(day)
    if heading == Heading.CONDUCT:
        return [r for r in rules if r.is_addition]
    category = HEADING_CATEGORY[heading]
    return [r for r in rules if not r.is_addition and r.category in {category, Rule.Category.OTHER}]


HEADING_CATEGORY: dict[str, str] = {
    Heading.SEAT: Rule.Category.ATTENDANCE,
    Heading.DRESS: Rule.Category.DRESS,
    Heading.LANGUAGE: Rule.Category.LANGUAGE,
    Heading.DESK: Rule.Category.QUALITY,
    Heading.SIGN: Rule.Category.QUALITY,
}


def visited_today(shift: DutyShift | None) -> set[int]:
    if shift is None:
        return set()
    return set(
        DutyLogEntry.objects.filter(shift=shift, kind=Kind.INSPECTION).values_list(
            "window_id", flat=True
        )
    )


def shifts_for_admin():
    return DutyShift.objects.select_related("supervisor").annotate(
        n_entries=Count("entries", filter=Q(entries__parent__isnull=True)),
        n_open=Count(
            "entries", filter=Q(entries__follow_up=True, entries__resolved_at__isnull=True)
        ),
    )
