from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guides.models import ApprovalItem
from windows.models import Department, Window


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if obj.active else f"{obj.name} ({_('inactive')})"


def clean_active_department(department):
    if department is not None and not department.active:
        raise forms.ValidationError(
            _("The department %(name)s is inactive; choose an active one.")
            % {"name": department.name}
        )
    return department


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "short_name", "code", "display_order"]


class WindowForm(forms.ModelForm):
    department = DepartmentChoiceField(
        queryset=Department.objects.all(), label=gettext_lazy("department")
    )

    class Meta:
        model = Window
        fields = ["number", "name", "department", "location", "items"]
        widgets = {"items": forms.SelectMultiple(attrs={"size": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = ApprovalItem.objects.filter(active=True).select_related(
            "department"
        )
        self.fields["items"].help_text = _("Only items of the window's own department.")

    def clean_department(self):
        department = self.cleaned_data["department"]
        if self.instance.pk and department == self.instance.department:
            return department
        return clean_active_department(department)

    def clean_number(self):
        number = self.cleaned_data["number"].strip().upper()
        clash = Window.objects.filter(number=number, active=True).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("Window number %(number)s is already used by an active window.")
                % {"number": number}
            )
        return number

    def clean(self):
        data = super().clean()
        department = data.get("department")
        items = data.get("items")
        if department and items:
            foreign = [str(i) for i in items if i.department_id != department.pk]
            if foreign:
                self.add_error(
                    "items",
                    _("These items belong to another department: %(items)s")
                    % {"items": "; ".join(foreign)},
                )
        if self.instance.pk and department and department != self.instance.department:
            if self.instance.staff.filter(active=True).exists():
                self.add_error(
                    "department",
                    _("Staff of the old department still sit at this window; move them first."),
                )
        return data
