from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guides.models import ApprovalItem
from windows.forms import DepartmentChoiceField, clean_active_department
from windows.models import Department


class ApprovalItemForm(forms.ModelForm):
    department = DepartmentChoiceField(
        queryset=Department.objects.all(), label=gettext_lazy("department")
    )

    class Meta:
        model = ApprovalItem
        fields = [
            "code",
            "name",
            "department",
            "kind",
            "statutory_days",
            "promised_days",
            "on_the_spot",
            "in_hall_required",
        ]

    def clean_department(self):
        department = self.cleaned_data["department"]
        if self.instance.pk and department == self.instance.department:
            return department
        return clean_active_department(department)

    def clean(self):
        data = super().clean()
        statutory = data.get("statutory_days")
        promised = data.get("promised_days")
        if data.get("on_the_spot"):
            if promised:
                self.add_error(
                    "promised_days",
                    _("An item settled on the spot has no promised number of days."),
                )
        elif promised is None and "promised_days" not in self.errors:
            self.add_error(
                "promised_days",
                _("Give the promised time limit, or tick “settled on the spot”."),
            )
        if statutory is not None and promised is not None and promised > statutory:
            self.add_error(
                "promised_days",
                _("The promised limit (%(p)s) cannot be longer than the statutory one (%(s)s).")
                % {"p": promised, "s": statutory},
            )
        return data
