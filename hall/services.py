"""Writes for the hall as a whole: profile, work calendar, users and their roles."""

from __future__ import annotations

import logging
import secrets
import string

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from hall.audit import audit_record, diff, snapshot, snapshot_saved
from hall.models import AuditEntry, CalendarDay, CalendarSync, CalendarYear, HallProfile
from hall.selectors import PROFILE_CACHE_KEY
from windows.models import Liaison

logger = logging.getLogger(__name__)

PROFILE_FIELDS = [
    "name",
    "address",
    "enquiry_phone",
    "complaint_phone",
    "office_hours",
    "logo",
    "seal",
]


@transaction.atomic
def hall_profile_update(*, actor, form) -> HallProfile:
    instance = form.instance
    before = snapshot_saved(instance, PROFILE_FIELDS)
    exists = HallProfile.objects.filter(pk=1).exists()
    profile = form.save(commit=False)
    profile.pk = 1
    profile.save(force_insert=not exists, force_update=exists)
    transaction.on_commit(lambda: cache.delete(PROFILE_CACHE_KEY))
    audit_record(
        actor=actor,
        instance=profile,
        action=AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(profile, PROFILE_FIELDS)),
    )
    return profile


# --- work calendar -------------------------------------------------------------------------


@transaction.atomic
def calendar_day_save(*, actor, form) -> CalendarDay:
    before = snapshot_saved(form.instance, ["date", "kind", "name"])
    day = form.save(commit=False)
    day.source = CalendarDay.Source.MANUAL
    day.save()
    audit_record(
        actor=actor,
        instance=day,
        action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
        changes=diff(before, snapshot(day, ["date", "kind", "name"])),
    )
    return day


@transaction.atomic
def calendar_day_delete(*, actor, day: CalendarDay) -> None:
    audit_record(
        actor=actor,
        instance=day,
        action=AuditEntry.Action.DEACTIVATE,
        changes=diff(snapshot(day, ["date", "kind", "name"]), {}),
    )
    day.delete()


@transaction.atomic
def calendar_year_confirm(*, actor, year: int) -> CalendarYear:
    """The hall says it has entered every holiday of ``year`` by hand."""
    obj, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": CalendarDay.Source.MANUAL, "confirmed_by": actor}
    )
    return obj


def calendar_sync_request(*, actor) -> CalendarSync:
    return CalendarSync.objects.create(requested_by=actor)


def _holiday_names() -> dict[str, str]:
    from chinese_calendar.constants import Holiday

    return {h.value: h.chinese for h in Holiday}


def calendar_sync_run(*, sync_id: int) -> bool:
    """Load the package's holidays and make-up days. Claimed once: a second run does nothing.

    Days the hall entered by hand are kept; years the package knows are marked known.
    """
    claimed = CalendarSync.objects.filter(pk=sync_id, status=CalendarSync.Status.PENDING).update(
        status=CalendarSync.Status.RUNNING
    )
    if claimed != 1:
        return False
    try:
        from chinese_calendar import constants

        names = _holiday_names()
        manual = set(
            CalendarDay.objects.filter(source=CalendarDay.Source.MANUAL).values_list(
                "date", flat=True
            )
        )
        wanted = {}
        for day, label in constants.holidays.items():
            wanted[day] = (CalendarDay.Kind.HOLIDAY, names.get(label, label))
        for day, label in constants.workdays.items():
            wanted[day] = (CalendarDay.Kind.WORKDAY, names.get(label, label) + "调休")
        with transaction.atomic():
            existing = {
                d.date: d for d in CalendarDay.objects.filter(source=CalendarDay.Source.PACKAGE)
            }
            new, changed = [], []
            for day, (kind, name) in wanted.items():
                if day in manual:
                    continue
                row = existing.get(day)
                if row is None:
                    new.append(
                        CalendarDay(
                            date=day, kind=kind, name=name, source=CalendarDay.Source.PACKAGE
                        )
                    )
                elif (row.kind, row.name) != (kind, name):
                    row.kind, row.name = kind, name
                    changed.append(row)
            # Days the package no longer lists (a corrected holiday) go too.
            CalendarDay.objects.filter(source=CalendarDay.Source.PACKAGE).exclude(
                date__in=list(wanted)
            ).delete()
            CalendarDay.objects.bulk_create(new, batch_size=500)
            CalendarDay.objects.bulk_update(changed, ["kind", "name"], batch_size=500)
            years = sorted({d.year for d in wanted})
            for year in range(years[0], years[-1] + 1):
                CalendarYear.objects.get_or_create(
                    year=year, defaults={"source": CalendarDay.Source.PACKAGE}
                )
            CalendarSync.objects.filter(pk=sync_id).update(
                status=CalendarSync.Status.DONE,
                finished_at=timezone.now(),
                years=f"{years[0]}–{years[-1]}",
                days_written=len(new) + len(changed),
            )
        return True
    except Exception as exc:
        logger.exception("calendar sync %s failed", sync_id)
        CalendarSync.objects.filter(pk=sync_id).update(
            status=CalendarSync.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        return False


# --- users and roles ----------------------------------------------------------------------


def _roles_snapshot(user) -> dict[str, str]:
    liaison = Liaison.objects.filter(user=user).select_related("department").first()
    return {
        "roles": ", ".join(sorted(user.groups.values_list("name", flat=True))),
        "department": liaison.department.name if liaison else "",
        "active": "✓" if user.is_active else "✗",
    }


@transaction.atomic
def user_roles_set(*, actor, user, roles: list[str], department, active: bool) -> None:
    if "department_liaison" in roles and department is None:
        raise ValueError("a department liaison needs a department")
    before = _roles_snapshot(user)
    user.groups.set([Group.objects.get_or_create(name=r)[0] for r in roles])
    if "department_liaison" in roles:
        Liaison.objects.update_or_create(user=user, defaults={"department": department})
    else:
        Liaison.objects.filter(user=user).delete()
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    changes = diff(before, _roles_snapshot(user))
    if changes:
        audit_record(actor=actor, instance=user, action=AuditEntry.Action.ROLES, changes=changes)


@transaction.atomic
def user_create(
    *, actor, username: str, full_name: str, roles: list[str], department, password: str
):
    user = get_user_model().objects.create_user(
        username=username, password=password, first_name=full_name[:150]
    )
    audit_record(
        actor=actor,
        instance=user,
        action=AuditEntry.Action.CREATE,
        changes={"username": ["", username], "first_name": ["", full_name]},
    )
    user_roles_set(actor=actor, user=user, roles=roles, department=department, active=True)
    return user


def temporary_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


@transaction.atomic
def user_password_reset(*, actor, user) -> str:
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        instance=user,
        action=AuditEntry.Action.UPDATE,
        changes={"password": ["", "(reset)"]},
    )
    return password
