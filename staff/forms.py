from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.validators import validate_phone
from staff.models import StaffMember
from windows.forms import DepartmentChoiceField, clean_active_department
from windows.models import Department, Window


def check_window_for(department: Department | None, window: Window | None) -> str | None:
    """Why ``window`` cannot take staff of ``department``, or None."""
    if window is None or department is None:
        return None
    if not window.active:
        return _("Window %(number)s is inactive.") % {"number": window.number}
    if window.department_id != department.pk:
        return _("Window %(number)s belongs to %(dept)s, not to %(own)s.") % {
            "number": window.number,
            "dept": window.department.name,
            "own": department.name,
        }
    return None


class StaffMemberForm(forms.ModelForm):
    department = DepartmentChoiceField(
        queryset=Department.objects.all(), label=gettext_lazy("department")
    )
    window_since = forms.DateField(
        label=gettext_lazy("at this window since"),
        required=False,
        help_text=gettext_lazy(
            "When the window changes: the day the move takes effect (default today)."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = StaffMember
        fields = ["employee_no", "name", "phone", "department", "window", "post", "joined_hall_on"]
        widgets = {"joined_hall_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = Window.objects.filter(active=True).select_related(
            "department"
        )
        self.fields["phone"].validators.append(validate_phone)

    def clean_employee_no(self):
        number = self.cleaned_data["employee_no"].strip()
        users = get_user_model().objects.filter(username=number)
        if self.instance.pk:
            users = users.exclude(pk=self.instance.user_id)
        if users.exists():
            raise forms.ValidationError(_("A login named %(no)s already exists.") % {"no": number})
        return number

    def clean_department(self):
        department = self.cleaned_data["department"]
        if self.instance.pk and department == self.instance.department:
            return department
        return clean_active_department(department)

    def clean_joined_hall_on(self):
        day = self.cleaned_data["joined_hall_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date joined cannot be in the future."))
        return day

    def clean(self):
        data = super().clean()
        problem = check_window_for(data.get("department"), data.get("window"))
        if problem:
            self.add_error("window", problem)
        since = data.get("window_since")
        if since:
            if since > timezone.localdate() + datetime.timedelta(days=31):
                self.add_error("window_since", _("At most a month ahead."))
            if self.instance.pk:
                current = self.instance.assignments.filter(end__isnull=True).first()
                if current and since < current.start:
                    self.add_error(
                        "window_since",
                        _("The current assignment started on %(day)s; the move cannot be earlier.")
                        % {"day": current.start},
                    )
        return data
