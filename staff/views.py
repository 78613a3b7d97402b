from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.catalogue import Catalogue, Column, Filter
from hall.roles import admin_required
from hall.templatetags.hall_tags import due_class
from staff import roster, services
from staff.forms import StaffMemberForm
from staff.models import StaffMember
from windows.views import department_choices

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StaffCatalogue(Catalogue):
    def save(self, *, form, actor, creating):
        data = form.cleaned_data
        if creating:
            return services.staff_create(
                actor=actor,
                **{k: data[k] for k in services.AUDITED},
                window_since=data.get("window_since"),
            )
        return services.staff_update(actor=actor, staff=form.instance, data=data)

    def set_active(self, *, obj, active, actor):
        services.staff_set_active(actor=actor, staff=obj, active=active)

    def activate_refusal(self, obj):
        if not obj.department.active:
            return _("Their department %(name)s is inactive.") % {"name": obj.department.name}
        return None

    def detail_context(self, obj):
        return {"assignments": obj.assignments.select_related("window")}


staff_members = StaffCatalogue(
    model=StaffMember,
    form_class=StaffMemberForm,
    prefix="staff",
    title=gettext_lazy("Staff"),
    singular=gettext_lazy("staff member"),
    columns=[
        Column("employee_no", gettext_lazy("employee number")),
        Column("name", gettext_lazy("full name"), link=True),
        Column("department", gettext_lazy("department")),
        Column("window", gettext_lazy("current window")),
        Column("get_post_display", gettext_lazy("post")),
        Column("joined_hall_on", gettext_lazy("joined the hall on")),
        Column("rotation_due_on", gettext_lazy("rotation due"), css=due_class),
    ],
    search_fields=["employee_no", "name", "phone", "window__number"],
    filters=[
        Filter("department", gettext_lazy("department"), "department_id", department_choices),
        Filter("post", gettext_lazy("post"), "post", lambda: StaffMember.Post.choices),
    ],
    select_related=("department", "window"),
    detail_template="staff/staff_detail.html",
    list_actions_template="staff/_list_actions.html",
)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("roster file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


@admin_required
def roster_import_view(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    row_errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            raw = roster.open_upload(form.cleaned_data["file"])
        except roster.RosterFileError as exc:
            form.add_error("file", str(exc))
        else:
            result = roster.check_rows(raw)
            if result.ok:
                created = services.roster_import(actor=request.user, rows=result.rows)
                messages.success(request, _("%(n)s staff members imported.") % {"n": len(created)})
                return redirect("staff_list")
            row_errors = result.errors
    status = 422 if request.method == "POST" else 200
    return render(
        request, "staff/import.html", {"form": form, "row_errors": row_errors}, status=status
    )


@admin_required
def roster_template_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(roster.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


@admin_required
def roster_export_view(request: HttpRequest) -> HttpResponse:
    qs, *_rest = staff_members.filtered(request)
    response = HttpResponse(roster.export_workbook(qs.iterator(chunk_size=500)), content_type=XLSX)
    name = f"roster-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
