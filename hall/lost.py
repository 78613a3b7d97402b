"""Lost property at the duty desk (拾金不昧): the register, the return to the owner (which
proposes a commendation for the finder), and the year's tally by window and by person.

Writes are keyword-only and atomic; bad input raises ``ValidationError({field: [msg]})`` and
writes nothing. Registering carries an idempotency key made in the page, as the duty log does:
the same key again returns the item already saved (``created`` False).
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import AppraisalMonth, Rule, ScoreEntry
from appraisal.proposals import entry_propose
from appraisal.selectors import rules_for_form
from appraisal.services import month_get
from hall.duty import open_shift_for
from hall.models import LostProperty, LostPropertyPhoto
from hall.roles import HALL_ADMIN, has_role

Status = LostProperty.Status
MAX_PHOTOS = 5
# A tablet's clock and the server's differ a little: "found at" may be this far ahead.
CLOCK_SLACK = datetime.timedelta(minutes=5)


def _errors() -> defaultdict[str, list[str]]:
    return defaultdict(list)


def item_by_key(key) -> LostProperty | None:
    return LostProperty.objects.filter(key=key).first() if key else None


@transaction.atomic
def lost_register(
    *,
    actor,
    key: uuid.UUID | None,
    item: str,
    found_place: str,
    found_at: datetime.datetime,
    window=None,
    staff=None,
    description: str = "",
    photos: list | None = None,
    now: datetime.datetime | None = None,
) -> tuple[LostProperty, bool]:
    """Register an item handed to the duty desk → (item, created).

    Found by a staff member (``staff``; ``window``, when given, must be where they sit — left
    out, it is taken from their seat) or by a window as a whole (``window`` only). The duty
    supervisor needs an open shift, which the item is recorded on; the hall office may
    register without one. Photos must already be checked (forms_lost)."""
    if key is None:
        raise ValidationError({"key": [_("The form has no submission key; reload the page.")]})
    existing = item_by_key(key)
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    photos = list(photos or [])
    errors = _errors()
    shift = open_shift_for(actor)
    if shift is None and not has_role(actor, HALL_ADMIN):
        errors["shift"].append(
            _("You have no open shift: open the shift before registering lost property.")
        )
    if not (item or "").strip():
        errors["item"].append(_("Say what was found."))
    if not (found_place or "").strip():
        errors["found_place"].append(_("Say where it was found."))
    if found_at is None:
        errors["found_at"].append(_("Say when it was found."))
    elif found_at > now + CLOCK_SLACK:
        errors["found_at"].append(_("The time it was found is in the future."))
    if staff is None and window is None:
        errors["window"].append(_("Choose the window, or the staff member, who found it."))
    if staff is not None:
        if not staff.active:
            errors["staff"].append(_("That staff member is no longer in the hall."))
        elif window is None:
            window = staff.window
        elif staff.window_id != window.pk:
            errors["staff"].append(
                _("%(name)s does not sit at window %(number)s.")
                % {"name": staff.name, "number": window.number}
            )
    if window is not None and not window.active:
        errors["window"].append(_("That window is not in service."))
    if len(photos) > MAX_PHOTOS:
        errors["photos"].append(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
    if errors:
        raise ValidationError(dict(errors))
    try:
        with transaction.atomic():
            lost = LostProperty.objects.create(
                key=key,
                item=item.strip(),
                description=(description or "").strip(),
                found_place=found_place.strip(),
                found_at=found_at,
                found_by_window=window,
                found_by_staff=staff,
                shift=shift,
                handed_in_at=now,
                registered_by=actor,
            )
    except IntegrityError:  # the same key raced in from a second request
        return LostProperty.objects.get(key=key), False
    for upload in photos:
        LostPropertyPhoto.objects.create(item=lost, photo=upload, added_at=now)
    return lost, True


def commendation_rule(day: datetime.date, *, for_window: bool) -> Rule | None:
    """The rule in force on ``day`` of the category "lost property returned", for a staff
    member or for a window."""
    _books, rules = rules_for_form(day)
    subject = Rule.Subject.WINDOW if for_window else Rule.Subject.STAFF
    fits = [
        r
        for r in rules
        if r.category == Rule.Category.LOST_PROPERTY and r.applies_to == subject and r.is_addition
    ]
    return fits[0] if fits else None


@dataclass
class Closed:
    item: LostProperty
    proposal: object = None
    # Why no commendation was proposed, when none was (the item is closed all the same).
    not_proposed: list[str] = field(default_factory=list)


@transaction.atomic
def lost_close(
    *,
    actor,
    item: LostProperty,
    status: str,
    closed_at: datetime.datetime | None,
    owner_name: str = "",
    owner_phone: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> Closed:
    """Close a held item: returned to its owner (name and phone), handed to the police, or
    left unclaimed. A return proposes the finder's commendation (once: the item keeps it).

    The return is what happened at the desk and is recorded even when no commendation can be
    proposed (no rule in force, the month closed, the monthly cap reached): ``not_proposed``
    says why, for the page to tell the supervisor."""
    now = now or timezone.now()
    item = LostProperty.objects.select_for_update().get(pk=item.pk)
    errors = _errors()
    if item.status != Status.HELD:
        errors["status"].append(
            _("This item is already closed: %(status)s.") % {"status": item.get_status_display()}
        )
        raise ValidationError(dict(errors))
    if status not in {Status.RETURNED, Status.POLICE, Status.UNCLAIMED}:
        errors["status"].append(_("Choose what became of the item."))
    if closed_at is None:
        errors["closed_at"].append(_("Say when."))
    elif closed_at < item.found_at:
        errors["closed_at"].append(
            _("This is before the item was found (%(found)s).")
            % {"found": timezone.localtime(item.found_at).strftime("%Y-%m-%d %H:%M")}
        )
    elif closed_at > now + CLOCK_SLACK:
        errors["closed_at"].append(_("This is in the future."))
    owner_name, owner_phone = (owner_name or "").strip(), (owner_phone or "").strip()
    if status == Status.RETURNED:
        if not owner_name:
            errors["owner_name"].append(_("Write the owner's name."))
        if not owner_phone:
            errors["owner_phone"].append(_("Write the owner's phone."))
    if errors:
        raise ValidationError(dict(errors))
    item.status = status
    item.closed_at = closed_at
    item.closed_by = actor
    item.closing_note = (note or "").strip()
    if status == Status.RETURNED:
        item.owner_name, item.owner_phone = owner_name, owner_phone
    result = Closed(item=item)
    if status == Status.RETURNED and item.proposal_id is None:
        _propose_commendation(actor=actor, item=item, result=result)
    item.save()
    return result


def _propose_commendation(*, actor, item: LostProperty, result: Closed) -> None:
    """The finder's commendation: the staff member when one found it, else the window. Dated
    the day of the return (the month of the find may be closed by then)."""
    day = timezone.localdate(item.closed_at)
    for_window = item.found_by_staff_id is None
    rule = commendation_rule(day, for_window=for_window)
    if rule is None:
        result.not_proposed.append(
            _("No rule for returned lost property is in force; the hall office must add one.")
        )
        return
    if month_get(day).status != AppraisalMonth.Status.OPEN:
        result.not_proposed.append(_("%(month)s is closed.") % {"month": f"{day:%Y-%m}"})
        return
    finder = item.found_by_window.number if for_window else item.found_by_staff.name
    photo = item.photos.first()
    try:
        with transaction.atomic():
            proposal = entry_propose(
                author=actor,
                rule=rule,
                points=rule.min_points,
                occurred_on=day,
                source=ScoreEntry.Source.LOST_PROPERTY,
                staff=item.found_by_staff,
                window=item.found_by_window if for_window else None,
                evidence=_(
                    "Found %(item)s at %(place)s on %(day)s and handed it to the duty desk; "
                    "returned to its owner on %(returned)s (lost property #%(n)s, %(finder)s)."
                )
                % {
                    "item": item.item,
                    "place": item.found_place,
                    "day": f"{timezone.localtime(item.found_at):%Y-%m-%d}",
                    "returned": f"{day:%Y-%m-%d}",
                    "n": item.pk,
                    "finder": finder,
                },
                evidence_file=photo.photo.name if photo else None,
                source_object=item,
            )
    except ValidationError as exc:
        result.not_proposed.extend(exc.messages)
        return
    item.proposal = proposal
    result.proposal = proposal


# --- reads ---------------------------------------------------------------------------------


def register(*, year: int | None = None, status: str = "", window_id: int | None = None):
    """The register, held items first, then the rest; newest find first in each. One query
    for the rows, whatever their number."""
    qs = LostProperty.objects.select_related(
        "found_by_window", "found_by_staff", "registered_by", "closed_by"
    ).annotate(
        held_first=Case(
            When(status=Status.HELD, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        n_photos=Count("photos"),
    )
    if year:
        qs = qs.filter(found_at__year=year)
    if status:
        qs = qs.filter(status=status)
    if window_id:
        qs = qs.filter(found_by_window_id=window_id)
    return qs.order_by("held_first", "-found_at", "-id")


def lost_years() -> list[int]:
    years = {d.year for d in LostProperty.objects.dates("found_at", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def lost_get(pk: int) -> LostProperty:
    return get_object_or_404(
        LostProperty.objects.select_related(
            "found_by_window__department",
            "found_by_staff",
            "shift__supervisor",
            "registered_by",
            "closed_by",
            "proposal",
        ),
        pk=pk,
    )


@dataclass
class TallyRow:
    label: str
    sub: str
    items: int
    returned: int


@dataclass
class Tally:
    year: int
    windows: int  # windows with at least one find
    person_times: int  # finds by a staff member (拾金不昧人次)
    items: int
    returned: int
    by_window: list[TallyRow]
    by_person: list[TallyRow]


def tally(year: int) -> Tally:
    """The year's finds by window and by person: two grouped queries.

    Every item handed in counts (the honesty is in handing it in); returned ones are shown
    beside. A find by a staff member counts for them and for their window."""
    base = LostProperty.objects.filter(found_at__year=year)
    returned = Count("id", filter=Q(status=Status.RETURNED))
    by_window = [
        TallyRow(
            f"{r['found_by_window__number']} {r['found_by_window__name']}",
            r["found_by_window__department__short_name"] or "",
            r["n"],
            r["ret"],
        )
        for r in base.filter(found_by_window__isnull=False)
        .values(
            "found_by_window",
            "found_by_window__number",
            "found_by_window__name",
            "found_by_window__department__short_name",
        )
        .annotate(n=Count("id"), ret=returned)
        .order_by("-n", "found_by_window__number")
    ]
    by_person = [
        TallyRow(r["found_by_staff__name"], r["found_by_window__number"] or "", r["n"], r["ret"])
        for r in base.filter(found_by_staff__isnull=False)
        .values("found_by_staff", "found_by_staff__name", "found_by_window__number")
        .annotate(n=Count("id"), ret=returned)
        .order_by("-n", "found_by_staff__name")
    ]
    totals = base.aggregate(items=Count("id"), returned=returned)
    return Tally(
        year=year,
        windows=len(by_window),
        person_times=sum(r.items for r in by_person),
        items=totals["items"],
        returned=totals["returned"],
        by_window=by_window,
        by_person=by_person,
    )
