from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hall import notices, selectors, services
from hall.audit import audit_for
from hall.forms import CalendarDayForm, HallProfileForm, UserCreateForm, UserRolesForm
from hall.models import CalendarDay, CalendarSync, CalendarYear, HallProfile, Notice
from hall.queue import enqueue
from hall.roles import (
    DEPARTMENT_LIAISON,
    DUTY_SUPERVISOR,
    HALL_ADMIN,
    WINDOW_STAFF,
    admin_required,
    user_roles,
)
from hall.workcalendar import years_without_holidays
from staff.models import StaffMember
from windows.models import Liaison


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the benchmark's baseline: the middleware stack and nothing else."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = user_roles(request.user)
    if HALL_ADMIN in roles:
        return render(request, "hall/home_admin.html", selectors.admin_dashboard())
    if DUTY_SUPERVISOR in roles:
        from hall.views_duty import supervisor_home

        return supervisor_home(request)
    if WINDOW_STAFF in roles:
        member = (
            StaffMember.objects.filter(user=request.user)
            .select_related("department", "window")
            .first()
        )
        if member is not None:
            history = member.assignments.select_related("window")[:20]
            colleagues = []
            if member.window_id:
                colleagues = member.window.staff.filter(active=True).exclude(pk=member.pk)
            return render(
                request,
                "hall/home_staff.html",
                {
                    "member": member,
                    "history": history,
                    "colleagues": colleagues,
                    **notices.notices_context(request.user),
                },
            )
    if DEPARTMENT_LIAISON in roles:
        liaison = Liaison.objects.filter(user=request.user).select_related("department").first()
        if liaison is not None:
            from staff.models import StaffMember as Staff

            department = liaison.department
            return render(
                request,
                "hall/home_liaison.html",
                {
                    "department": department,
                    "windows": selectors.floor_windows().filter(department=department),
                    "staff": Staff.objects.filter(
                        department=department, active=True
                    ).select_related("window"),
                    "rotations_due": selectors.rotations_due(department=department),
                },
            )
    return render(request, "hall/home_norole.html")


@admin_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    # From the database, not the per-process cached copy: saving a stale copy would write
    # old values (an empty seal) back over newer ones.
    profile = HallProfile.objects.filter(pk=1).first() or HallProfile(pk=1)
    form = HallProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.hall_profile_update(actor=request.user, form=form)
        messages.success(request, _("Hall profile saved."))
        return redirect("profile_edit")
    history = audit_for(profile) if profile.pk and not profile._state.adding else []
    return render(request, "hall/profile.html", {"form": form, "history": history})


# --- work calendar -------------------------------------------------------------------------


@admin_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    known = CalendarYear.objects.filter(year=year).first()
    return render(
        request,
        "hall/calendar.html",
        {
            "year": year,
            "days": selectors.calendar_year(year),
            "known": known,
            "missing_years": years_without_holidays([today.year, today.year + 1, year]),
            "years": list(CalendarYear.objects.values_list("year", flat=True)),
            "last_sync": CalendarSync.objects.select_related("requested_by").first(),
            "form": CalendarDayForm(initial={"date": datetime.date(year, 1, 1)}),
        },
    )


@admin_required
def calendar_day_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    day = get_object_or_404(CalendarDay, pk=pk) if pk else None
    form = CalendarDayForm(request.POST or None, instance=day)
    if request.method == "POST" and form.is_valid():
        saved = services.calendar_day_save(actor=request.user, form=form)
        messages.success(request, _("%(day)s saved.") % {"day": saved})
        return redirect(f"{_calendar_url()}?year={saved.date.year}")
    return render(request, "hall/calendar_day_form.html", {"form": form, "day": day})


@admin_required
@require_POST
def calendar_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(CalendarDay, pk=pk)
    year = day.date.year
    services.calendar_day_delete(actor=request.user, day=day)
    messages.success(request, _("The day was removed from the calendar."))
    return redirect(f"{_calendar_url()}?year={year}")


@admin_required
@require_POST
def calendar_year_confirm(request: HttpRequest, year: int) -> HttpResponse:
    services.calendar_year_confirm(actor=request.user, year=year)
    messages.success(
        request, _("The holidays of %(year)s are marked as complete.") % {"year": year}
    )
    return redirect(f"{_calendar_url()}?year={year}")


@admin_required
@require_POST
def calendar_sync(request: HttpRequest) -> HttpResponse:
    from hall.tasks import calendar_sync as task

    sync = services.calendar_sync_request(actor=request.user)
    if enqueue(task, sync.pk):
        messages.success(request, _("Loading holidays from the chinesecalendar package."))
    else:
        messages.warning(
            request,
            _(
                "The task queue is unreachable. The request is saved and "
                "will run as soon as the queue is back."
            ),
        )
    return redirect("calendar")


def _calendar_url() -> str:
    from django.urls import reverse

    return reverse("calendar")


# --- users and roles ----------------------------------------------------------------------


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    users = get_user_model().objects.order_by("username").prefetch_related("groups")
    if query:
        users = users.filter(Q(username__icontains=query) | Q(first_name__icontains=query))
    role = request.GET.get("role", "")
    if role in settings.HALL_ROLE_LABELS:
        users = users.filter(groups__name=role)
    page = Paginator(users, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "hall/user_list.html",
        {
            "page": page,
            "query": query,
            "role": role,
            "querystring": params.urlencode(),
            "role_labels": settings.HALL_ROLE_LABELS,
        },
    )


@admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = services.user_create(
            actor=request.user,
            username=d["username"],
            full_name=d["full_name"],
            roles=d["roles"],
            department=d["department"],
            password=d["password"],
        )
        messages.success(request, _("Login %(name)s created.") % {"name": user.username})
        return redirect("user_edit", pk=user.pk)
    return render(request, "hall/user_form.html", {"form": form})


@admin_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk)
    liaison = Liaison.objects.filter(user=user).first()
    initial = {
        "roles": list(user.groups.values_list("name", flat=True)),
        "department": liaison.department_id if liaison else None,
        "active": user.is_active,
    }
    form = UserRolesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if (
            user == request.user
            and HALL_ADMIN not in form.cleaned_data["roles"]
            and not user.is_superuser
        ):
            form.add_error("roles", _("You cannot take the administrator role from yourself."))
        else:
            services.user_roles_set(
                actor=request.user,
                user=user,
                roles=form.cleaned_data["roles"],
                department=form.cleaned_data["department"],
                active=form.cleaned_data["active"],
            )
            messages.success(request, _("Roles of %(name)s saved.") % {"name": user.username})
            return redirect("user_edit", pk=user.pk)
    return render(
        request,
        "hall/user_form.html",
        {
            "form": form,
            "obj": user,
            "history": audit_for(user),
            "staff_member": StaffMember.objects.filter(user=user).first(),
        },
    )


@admin_required
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk)
    password = services.user_password_reset(actor=request.user, user=user)
    messages.warning(
        request,
        _(
            "Temporary password for %(name)s: %(pw)s — give it to them in person; it is not "
            "shown again."
        )
        % {"name": user.username, "pw": password},
    )
    return redirect("user_edit", pk=user.pk)


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """All of my notices, newest first; unread ones marked."""
    page = Paginator(notices.notices_for(request.user), settings.HALL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "hall/notice_list.html", {"page": page})


@login_required
@require_POST
def notice_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice read and open what it tells of, or mark all read and go back."""
    pk = request.POST.get("notice")
    if pk and pk.isdigit():
        notice = get_object_or_404(Notice, pk=int(pk), user=request.user)
        notices.notices_mark_read(request.user, pk=notice.pk)
        if notice.url and url_has_allowed_host_and_scheme(
            notice.url, allowed_hosts={request.get_host()}
        ):
            return redirect(notice.url)
        return redirect("notice_list")
    notices.notices_mark_read(request.user)
    messages.success(request, _("All notices are marked read."))
    nxt = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("notice_list")
