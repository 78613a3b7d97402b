"""Reads for the hall as a whole: the profile, the dashboard's figures, the calendar."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from hall.models import CalendarDay, HallProfile
from hall.workcalendar import years_without_holidays
from staff.models import StaffMember
from staff.rotation import joined_before_for_due
from windows.models import Department, Window

PROFILE_CACHE_KEY = "hall:profile"


def hall_profile() -> HallProfile:
    """The hall's profile, read on every page: cached for a minute, dropped when saved."""
    profile = cache.get(PROFILE_CACHE_KEY)
    if profile is None:
        profile = HallProfile.objects.filter(pk=1).first() or HallProfile(
            pk=1, name="行政审批服务大厅"
        )
        cache.set(PROFILE_CACHE_KEY, profile, 60)
    return profile


def rotations_due(*, within_days: int | None = None, department=None):
    """Active staff whose rotation falls due within ``within_days`` (or is past due)."""
    within = settings.HALL_ROTATION_WARN_DAYS if within_days is None else within_days
    due_by = timezone.localdate() + datetime.timedelta(days=within)
    cond = Q()
    for post in StaffMember.Post.values:
        cond |= Q(post=post, joined_hall_on__lte=joined_before_for_due(post, due_by))
    qs = StaffMember.objects.filter(cond, active=True).select_related("department", "window")
    if department is not None:
        qs = qs.filter(department=department)
    return qs.order_by("joined_hall_on", "employee_no")


def admin_dashboard() -> dict:
    today = timezone.localdate()
    # Chiefs and others rotate after different spans, so sort by the due date itself; the
    # list is short (due within the warning window), so sorting it in Python is cheap.
    due = sorted(rotations_due(), key=lambda s: (s.rotation_due_on, s.employee_no))
    return {
        "department_count": Department.objects.filter(active=True).count(),
        "window_count": Window.objects.filter(active=True).count(),
        "staff_count": StaffMember.objects.filter(active=True).count(),
        "unseated_count": StaffMember.objects.filter(active=True, window__isnull=True).count(),
        "rotations_due": due[:12],
        "rotations_due_count": len(due),
        "missing_years": years_without_holidays([today.year, today.year + 1]),
        "departments": Department.objects.filter(active=True).annotate(
            windows_n=Count("windows", filter=Q(windows__active=True), distinct=True),
            staff_n=Count("staff", filter=Q(staff__active=True), distinct=True),
        ),
    }


def floor_windows():
    """Every active window with its department and who sits there, for the floor view."""
    from django.db.models import Prefetch

    return (
        Window.objects.filter(active=True)
        .select_related("department")
        .prefetch_related(
            Prefetch("staff", queryset=StaffMember.objects.filter(active=True).order_by("post"))
        )
        .order_by("number")
    )


def calendar_year(year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(date__year=year).order_by("date"))
