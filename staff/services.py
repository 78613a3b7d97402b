"""Writes for staff members: every one atomic, audited, and keeping the assignment history."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hall.audit import audit_record, diff, snapshot
from hall.models import AuditEntry
from hall.roles import WINDOW_STAFF
from staff.models import Assignment, StaffMember
from windows.models import Department, Window

AUDITED = ["employee_no", "name", "phone", "department", "window", "post", "joined_hall_on"]


def _login_for(*, employee_no: str, name: str):
    user = get_user_model()(username=employee_no, first_name=name[:150])
    user.set_unusable_password()
    user.save()
    group, _created = Group.objects.get_or_create(name=WINDOW_STAFF)
    user.groups.add(group)
    return user


def _move(*, staff: StaffMember, window: Window | None, since: datetime.date, actor) -> None:
    """Close the open assignment the day before ``since`` and open one at ``window``.

    A move dated on or before the open assignment's first day corrects that assignment
    instead, so the history never holds a seat that ends before it starts.
    """
    current = staff.assignments.filter(end__isnull=True).first()
    if current is None and window is None:
        return
    if current is not None:
        if current.window_id == (window.pk if window else None):
            return
        if since <= current.start:
            if window is None:
                current.delete()
            else:
                current.window = window
                current.save(update_fields=["window"])
            return
        current.end = since - datetime.timedelta(days=1)
        current.save(update_fields=["end"])
    if window is not None:
        Assignment.objects.create(staff=staff, window=window, start=since, created_by=actor)


@transaction.atomic
def staff_create(
    *,
    actor,
    employee_no: str,
    name: str,
    phone: str,
    department: Department,
    window: Window | None,
    post: str,
    joined_hall_on: datetime.date,
    window_since: datetime.date | None = None,
    audit_action: str = AuditEntry.Action.CREATE,
) -> StaffMember:
    staff = StaffMember.objects.create(
        user=_login_for(employee_no=employee_no, name=name),
        employee_no=employee_no,
        name=name,
        phone=phone,
        department=department,
        window=window,
        post=post,
        joined_hall_on=joined_hall_on,
    )
    if window is not None:
        _move(staff=staff, window=window, since=window_since or joined_hall_on, actor=actor)
    audit_record(
        actor=actor,
        instance=staff,
        action=audit_action,
        changes=diff({}, snapshot(staff, AUDITED)),
    )
    return staff


@transaction.atomic
def staff_update(*, actor, staff: StaffMember, data: dict) -> StaffMember:
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
    before = snapshot(staff, AUDITED)
    for name in AUDITED:
        setattr(staff, name, data[name])
    staff.save()
    since = data.get("window_since") or timezone.localdate()
    _move(staff=staff, window=staff.window, since=since, actor=actor)
    user = staff.user
    user.username, user.first_name = staff.employee_no, staff.name[:150]
    user.save(update_fields=["username", "first_name"])
    changes = diff(before, snapshot(staff, AUDITED))
    if changes:
        audit_record(actor=actor, instance=staff, action=AuditEntry.Action.UPDATE, changes=changes)
    return staff


@transaction.atomic
def staff_set_active(*, actor, staff: StaffMember, active: bool) -> None:
    """Leaving the hall closes the seat and the login; coming back reopens the login only."""
    staff.active = active
    if not active:
        today = timezone.localdate()
        # Moves dated in the future never began: drop them rather than end them before they
        # start; every other seat (open, or closed the day before such a move) ends today.
        staff.assignments.filter(start__gt=today).delete()
        staff.assignments.filter(Q(end__isnull=True) | Q(end__gt=today)).update(end=today)
        staff.window = None
    staff.save(update_fields=["active", "window"])
    staff.user.is_active = active
    staff.user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        instance=staff,
        action=AuditEntry.Action.ACTIVATE if active else AuditEntry.Action.DEACTIVATE,
        changes={"active": ["✗" if active else "✓", "✓" if active else "✗"]},
    )


@transaction.atomic
def roster_import(*, actor, rows: list[dict]) -> list[StaffMember]:
    """Create every row of an already validated roster, or none of them."""
    return [staff_create(actor=actor, audit_action=AuditEntry.Action.IMPORT, **row) for row in rows]
