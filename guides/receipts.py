"""Receipts (受理 / 补正 / 不予受理, Administrative Licensing Law art. 32): applications received
at a window, the numbered notices issued on them, the correction clock, and the monthly
counts of refusals and corrections (GB/T 32169.4's "abnormal handling").

Writes (``application_register``, ``receipt_issue``, ``receipt_void``) are atomic and check
everything before writing; reads (``applications_for``, ``receipts_for``, ``correction_clocks``,
``abnormal_counts``) keep a fixed number of queries however many rows there are.

Serial numbers: one sequence per kind of notice per year (one deployment is one hall), printed
as 〔2026〕受字第00012号. The number is taken from ``ReceiptCounter`` by an UPDATE that holds the
counter's row until the notice's transaction commits: concurrent windows queue on that row, a
failed transaction rolls its number back, so numbers run 1, 2, 3 … with no gap and no repeat.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guides.models import (
    Application,
    ApprovalItem,
    GuideEdition,
    GuideMaterial,
    Receipt,
    ReceiptCounter,
)
from hall.roles import HALL_ADMIN, has_role
from hall.workcalendar import WorkCalendar, add_working_days

Kind = Receipt.Kind
State = Application.State


# --- who may act where ------------------------------------------------------------------------


def staff_window(user):
    """The window the user sits at as window staff, or None; one query, kept on the user."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_hall_window", False)
    if cached is not False:
        return cached
    from staff.models import StaffMember

    member = (
        StaffMember.objects.select_related("window").filter(user_id=user.pk, active=True).first()
    )
    window = member.window if member and member.window_id and member.window.active else None
    user._hall_window = window
    return window


def applications_for(user):
    """Applications the user may see: all for the hall office, their window's for staff."""
    qs = Application.objects.all()
    if has_role(user, HALL_ADMIN):
        return qs
    window = staff_window(user)
    return qs.filter(window=window) if window is not None else qs.none()


def receipts_for(user):
    qs = Receipt.objects.all()
    if has_role(user, HALL_ADMIN):
        return qs
    window = staff_window(user)
    return qs.filter(application__window=window) if window is not None else qs.none()


# --- small pure helpers -----------------------------------------------------------------------


def mask_contact(value: str) -> str:
    """138****8000: lists show enough to tell two applicants apart, not to call them."""
    value = value.strip()
    if len(value) <= 4:
        return "*" * len(value)
    keep = 3 if len(value) >= 8 else 1
    return value[:keep] + "*" * (len(value) - keep - 4) + value[-4:]


def mask_id(value: str) -> str:
    value = value.strip()
    if len(value) <= 8:
        return value[:1] + "*" * max(0, len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def serial_label(kind: str, year: int, serial: int) -> str:
    prefix = settings.HALL_RECEIPT_PREFIXES.get(kind, "")
    return f"〔{year}〕{prefix}字第{serial:05d}号"


def remedies() -> dict:
    """The applicant's remedies printed on a refusal, from the settings."""
    return {
        "review_body": settings.HALL_RECEIPT_REVIEW_BODY or _("the district people's government"),
        "review_days": settings.HALL_RECEIPT_REVIEW_DAYS,
        "litigation_body": settings.HALL_RECEIPT_LITIGATION_BODY
        or _("the people's court with jurisdiction"),
        "litigation_months": settings.HALL_RECEIPT_LITIGATION_MONTHS,
    }


def current_edition(item: ApprovalItem) -> GuideEdition | None:
    """The item's published guide edition, with its materials prefetched."""
    return (
        GuideEdition.objects.filter(guide__item=item, status=GuideEdition.Status.PUBLISHED)
        .prefetch_related("materials")
        .first()
    )


# --- the correction clock ---------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """Where an application stands against its correction deadline."""

    due_on: datetime.date
    days_left: int  # working days after today up to the due day; 0 on the due day
    running: bool  # no notice issued yet: the clock matters
    level: str  # "ok", "last" (amber: the due day), "over" (red: counts as accepted)

    @property
    def deemed_accepted(self) -> bool:
        return self.running and self.level == "over"


def correction_clocks(applications, today: datetime.date | None = None) -> dict[int, Clock]:
    """The clock of each application, with one read of the work calendar for them all."""
    today = today or timezone.localdate()
    apps = list(applications)
    if not apps:
        return {}
    dues = [a.correction_due_on for a in apps]
    cal = WorkCalendar(min([today, *dues]), max([today, *dues]))
    clocks = {}
    for a in apps:
        due = a.correction_due_on
        left = 0
        day = today
        while day < due:
            day += datetime.timedelta(days=1)
            if cal.is_working_day(day):
                left += 1
        level = "over" if today > due else ("last" if left == 0 else "ok")
        clocks[a.pk] = Clock(
            due_on=due, days_left=left, running=a.state == State.RECEIVED, level=level
        )
    return clocks


def correction_clock(application: Application, today: datetime.date | None = None) -> Clock:
    return correction_clocks([application], today)[application.pk]


# --- writes -----------------------------------------------------------------------------------


def _check_window_handles(window, item: ApprovalItem) -> None:
    if not window.active:
        raise ValidationError(
            {"window": _("Window %(number)s is closed.") % {"number": window.number}}
        )
    if not item.active:
        raise ValidationError({"item": _("This item is no longer in the catalogue.")})
    if not window.items.filter(pk=item.pk).exists():
        raise ValidationError(
            {
                "item": _(
                    "Window %(number)s does not handle “%(item)s”: only the items the "
                    "catalogue lists for the window may be received there."
                )
                % {"number": window.number, "item": item.name}
            }
        )


@transaction.atomic
def application_register(
    *,
    actor,
    window,
    item: ApprovalItem,
    applicant_name: str,
    applicant_id: str,
    contact: str,
    now: datetime.datetime | None = None,
) -> Application:
    """Record an application received at the window; its correction clock starts today."""
    _check_window_handles(window, item)
    now = now or timezone.now()
    received_on = timezone.localdate(now)
    return Application.objects.create(
        window=window,
        item=item,
        applicant_name=applicant_name.strip(),
        applicant_id=applicant_id.strip().upper(),
        contact=contact.strip(),
        received_at=now,
        received_on=received_on,
        received_by=actor,
        correction_due_on=add_working_days(received_on, settings.HALL_RECEIPT_CORRECTION_DAYS),
    )


def _next_serial(kind: str, year: int) -> int:
    """The next number of ``kind`` in ``year``; the counter's row stays locked until commit."""
    mine = ReceiptCounter.objects.filter(year=year, kind=kind)
    if not mine.update(last=F("last") + 1):
        # The year's first notice of this kind. A racing first insert waits for ours (or we
        # for it) on the unique key; the loser inserts nothing and takes the next number.
        ReceiptCounter.objects.bulk_create(
            [ReceiptCounter(year=year, kind=kind, last=0)], ignore_conflicts=True
        )
        mine.update(last=F("last") + 1)
    return mine.values_list("last", flat=True).get()


def _standing(application: Application) -> list[Receipt]:
    return list(application.receipts.filter(voided_at__isnull=True).order_by("issued_at"))


def _state_from(standing: list[Receipt]) -> str:
    kinds = {r.kind for r in standing}
    if Kind.REFUSAL in kinds:
        return State.REFUSED
    if Kind.ACCEPTANCE in kinds:
        return State.ACCEPTED
    if Kind.CORRECTION in kinds:
        return State.CORRECTION
    return State.RECEIVED


def _material_line(m: GuideMaterial) -> dict:
    return {
        "name": m.name,
        "form": m.get_form_display(),
        "copies": m.copies,
        "from_guide": True,
    }


@transaction.atomic
def receipt_issue(
    *,
    actor,
    application: Application,
    kind: str,
    note: str = "",
    materials: list[int] | None = None,
    other_materials: list[str] | None = None,
    reason: str = "",
    legal_basis: str = "",
    now: datetime.datetime | None = None,
) -> Receipt:
    """Issue a numbered notice on an application.

    Refused, with the reason, when: a final notice (acceptance or refusal) stands; a
    correction notice is asked for a second time (all missing materials are told at once) or
    after its deadline (the application then counts as accepted: only acceptance is left);
    a refusal lacks its reason or legal basis; a correction lists no material; the window no
    longer handles the item.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Lock the application: two clicks (or two staff) on one application queue here.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("window", "item")
        .get(pk=application.pk)
    )
    _check_window_handles(application.window, application.item)
    standing = _standing(application)
    final = next((r for r in standing if r.kind in Receipt.FINAL), None)
    if final is not None:
        raise ValidationError(
            _(
                "This application already has a final notice, %(number)s. Void it first if it "
                "was issued by mistake."
            )
            % {"number": final.number}
        )
    clock = correction_clock(application, today)
    errors: dict[str, list[str]] = {}
    values: dict = {}
    if kind == Kind.CORRECTION:
        earlier = next((r for r in standing if r.kind == Kind.CORRECTION), None)
        if earlier is not None:
            raise ValidationError(
                _(
                    "A correction notice, %(number)s, was already issued: every missing "
                    "material is told at once (一次性告知). Void it to issue a complete list."
                )
                % {"number": earlier.number}
            )
        if clock.deemed_accepted:
            raise ValidationError(
                _(
                    "The time for a correction notice ran out on %(date)s: the application "
                    "counts as accepted from the day it was received. Issue the acceptance "
                    "notice."
                )
                % {"date": clock.due_on.isoformat()}
            )
        edition = current_edition(application.item)
        by_pk = {m.pk: m for m in edition.materials.all()} if edition else {}
        chosen = [by_pk[pk] for pk in materials or [] if pk in by_pk]
        if len(chosen) != len(set(materials or [])):
            errors.setdefault("materials", []).append(
                _("Tick materials from the item's current guide only.")
            )
        lines = [_material_line(m) for m in sorted(chosen, key=lambda m: (m.order, m.pk))]
        lines += [
            {"name": name.strip(), "form": "", "copies": None, "from_guide": False}
            for name in other_materials or []
            if name.strip()
        ]
        if not lines:
            errors.setdefault("materials", []).append(
                _("Tick at least one missing material, or write it in.")
            )
        values = {"edition": edition if chosen else None, "missing_materials": lines}
    elif kind == Kind.REFUSAL:
        if clock.deemed_accepted:
            raise ValidationError(
                _(
                    "The time for a correction notice ran out on %(date)s: the application "
                    "counts as accepted from the day it was received and can no longer be "
                    "refused acceptance."
                )
                % {"date": clock.due_on.isoformat()}
            )
        if not reason.strip():
            errors.setdefault("reason", []).append(_("Give the reason for not accepting."))
        if not legal_basis.strip():
            errors.setdefault("legal_basis", []).append(
                _("Give the legal basis for not accepting.")
            )
        values = {"reason": reason.strip(), "legal_basis": legal_basis.strip(), **remedies()}
    elif kind == Kind.ACCEPTANCE:
        values = {}
    else:
        raise ValidationError(_("Unknown kind of notice."))
    if errors:
        raise ValidationError(errors)
    year = today.year
    serial = _next_serial(kind, year)
    receipt = Receipt.objects.create(
        application=application,
        kind=kind,
        year=year,
        serial=serial,
        number=serial_label(kind, year, serial),
        issued_by=actor,
        issued_at=now,
        issued_on=today,
        note=note.strip(),
        **values,
    )
    application.state = _state_from([*standing, receipt])
    application.save(update_fields=["state"])
    return receipt


@transaction.atomic
def receipt_void(
    *, actor, receipt: Receipt, reason: str, now: datetime.datetime | None = None
) -> Receipt:
    """Void a mistaken notice: it keeps its number, and the application's state follows the
    notices still standing (a voided refusal leaves it received, or awaiting materials)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the notice is voided.")})
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.voided:
        raise ValidationError(_("This notice is already void."))
    application = Application.objects.select_for_update().get(pk=receipt.application_id)
    receipt.voided_at = now or timezone.now()
    receipt.voided_by = actor
    receipt.void_reason = reason.strip()
    receipt.save(update_fields=["voided_at", "voided_by", "void_reason"])
    application.state = _state_from(_standing(application))
    application.save(update_fields=["state"])
    return receipt


# --- abnormal handling (GB/T 32169.4) ---------------------------------------------------------


@dataclass
class CountRow:
    """One window's or item's month: notices standing, and applications deemed accepted."""

    key: int
    label: str
    department: str = ""
    acceptances: int = 0
    deemed: int = 0
    corrections: int = 0
    refusals: int = 0

    @property
    def accepted(self) -> int:
        return self.acceptances + self.deemed

    @property
    def abnormal(self) -> int:
        return self.corrections + self.refusals


@dataclass
class AbnormalCounts:
    month: datetime.date
    by_window: list[CountRow] = field(default_factory=list)
    by_item: list[CountRow] = field(default_factory=list)
    total: CountRow = field(default_factory=lambda: CountRow(0, ""))

    def window(self, window_id: int) -> CountRow | None:
        """The row of one window (for the appraisal), or None when it issued nothing."""
        return next((r for r in self.by_window if r.key == window_id), None)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt - datetime.timedelta(days=1)


def abnormal_counts(month: datetime.date, today: datetime.date | None = None) -> AbnormalCounts:
    """Refusals and corrections per window and per item in a month (notices not voided, by
    the day they were issued), beside acceptances — counting, as the law does, an application
    whose correction deadline passed with no notice as accepted, in its month of receipt.

    Four queries: notices grouped by window and by item, deemed acceptances likewise.
    """
    today = today or timezone.localdate()
    first, last = month_bounds(month)
    notices = Receipt.objects.filter(voided_at__isnull=True, issued_on__range=(first, last))
    deemed = Application.objects.filter(
        state=State.RECEIVED, received_on__range=(first, last), correction_due_on__lt=today
    )
    per_kind = {
        "acceptances": Count("id", filter=Q(kind=Kind.ACCEPTANCE)),
        "corrections": Count("id", filter=Q(kind=Kind.CORRECTION)),
        "refusals": Count("id", filter=Q(kind=Kind.REFUSAL)),
    }
    result = AbnormalCounts(month=first)
    for target, prefix, label_fields in (
        (
            result.by_window,
            "window",
            ("window__number", "window__name", "window__department__name"),
        ),
        (result.by_item, "item", ("item__code", "item__name", "item__department__name")),
    ):
        rows: dict[int, CountRow] = {}

        def row(values: dict, path: str, prefix=prefix, label_fields=label_fields, rows=rows):
            key = values[f"{path}{prefix}_id"]
            if key not in rows:
                code, name, dept = (values[f"{path}{f}"] for f in label_fields)
                rows[key] = CountRow(key=key, label=f"{code} {name}", department=dept)
            return rows[key]

        fields = [f"application__{prefix}_id", *(f"application__{f}" for f in label_fields)]
        for values in notices.values(*fields).annotate(**per_kind).order_by():
            r = row(values, "application__")
            r.acceptances += values["acceptances"]
            r.corrections += values["corrections"]
            r.refusals += values["refusals"]
        for values in (
            deemed.values(f"{prefix}_id", *label_fields).annotate(n=Count("id")).order_by()
        ):
            row(values, "").deemed += values["n"]
        target.extend(sorted(rows.values(), key=lambda r: (-r.abnormal, r.label)))
    for r in result.by_window:
        result.total.acceptances += r.acceptances
        result.total.deemed += r.deemed
        result.total.corrections += r.corrections
        result.total.refusals += r.refusals
    return result
