from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.catalogue import Catalogue, Column, Filter
from windows.forms import DepartmentForm, WindowForm
from windows.models import Department, Window


def department_choices():
    return list(Department.objects.values_list("pk", "name"))


class DepartmentCatalogue(Catalogue):
    def detail_context(self, obj):
        return {
            "windows": obj.windows.filter(active=True),
            "items_count": obj.items.filter(active=True).count(),
            "staff_count": obj.staff.filter(active=True).count(),
        }

    def deactivate_refusal(self, obj):
        n = obj.windows.filter(active=True).count()
        if n:
            return _("%(name)s still has %(n)s active windows; deactivate or move them first.") % {
                "name": obj.name,
                "n": n,
            }
        n = obj.staff.filter(active=True).count()
        if n:
            return _("%(name)s still has %(n)s active staff members.") % {"name": obj.name, "n": n}
        return None


class WindowCatalogue(Catalogue):
    def detail_context(self, obj):
        return {
            "seated": obj.staff.filter(active=True),
            "items": obj.items.all(),
            "assignments": obj.assignments.select_related("staff")[:30],
        }

    def deactivate_refusal(self, obj):
        n = obj.staff.filter(active=True).count()
        if n:
            return _("%(n)s staff members still sit at window %(number)s; move them first.") % {
                "n": n,
                "number": obj.number,
            }
        return None

    def activate_refusal(self, obj):
        if Window.objects.filter(number=obj.number, active=True).exclude(pk=obj.pk).exists():
            return _("Window number %(number)s is used by another active window.") % {
                "number": obj.number
            }
        if not obj.department.active:
            return _("Its department %(name)s is inactive.") % {"name": obj.department.name}
        return None


departments = DepartmentCatalogue(
    model=Department,
    form_class=DepartmentForm,
    prefix="department",
    title=gettext_lazy("Departments"),
    singular=gettext_lazy("department"),
    columns=[
        Column("code", gettext_lazy("code")),
        Column("name", gettext_lazy("name"), link=True),
        Column("short_name", gettext_lazy("short name")),
        Column("display_order", gettext_lazy("display order")),
    ],
    search_fields=["name", "short_name", "code"],
    detail_template="windows/department_detail.html",
)

windows = WindowCatalogue(
    model=Window,
    form_class=WindowForm,
    prefix="window",
    title=gettext_lazy("Windows"),
    singular=gettext_lazy("window"),
    columns=[
        Column("number", gettext_lazy("window number"), link=True),
        Column("name", gettext_lazy("name")),
        Column("department", gettext_lazy("department")),
        Column("location", gettext_lazy("floor / location")),
    ],
    search_fields=["number", "name", "location", "department__name"],
    filters=[Filter("department", gettext_lazy("department"), "department_id", department_choices)],
    select_related=("department",),
    detail_template="windows/window_detail.html",
)
