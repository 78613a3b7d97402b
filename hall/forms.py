from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.models import CalendarDay, HallProfile
from hall.roles import ALL_ROLES, DEPARTMENT_LIAISON
from hall.validators import validate_image_upload, validate_service_phone
from windows.models import Department


class HallProfileForm(forms.ModelForm):
    class Meta:
        model = HallProfile
        fields = [
            "name",
            "address",
            "enquiry_phone",
            "complaint_phone",
            "office_hours",
            "logo",
            "seal",
        ]

    def __init__(self, *args, instance=None, **kwargs):
        # Pages read the profile from a per-process cache that may be a minute old; a save
        # built on such a copy writes its old (or empty) seal and logo back. Edit the stored row.
        if instance is not None and instance.pk:
            instance = HallProfile.objects.filter(pk=instance.pk).first() or instance
        super().__init__(*args, instance=instance, **kwargs)
        for name in ("enquiry_phone", "complaint_phone"):
            self.fields[name].validators.append(validate_service_phone)
        for name in ("logo", "seal"):
            self.fields[name].widget.attrs["accept"] = "image/png,image/jpeg"

    def _clean_image(self, name):
        upload = self.cleaned_data.get(name)
        if upload and upload != getattr(self.instance, name):
            validate_image_upload(upload)
        return upload

    def clean_logo(self):
        return self._clean_image("logo")

    def clean_seal(self):
        return self._clean_image("seal")


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        data = super().clean()
        day, kind = data.get("date"), data.get("kind")
        if day and kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
            self.add_error(
                "kind",
                _("%(day)s is a weekday already; a make-up working day is a Saturday or Sunday.")
                % {"day": day},
            )
        if day and kind == CalendarDay.Kind.HOLIDAY and day.weekday() >= 5:
            # A weekend inside a holiday is allowed: it makes the holiday read right.
            pass
        return data


def _role_choices():
    from django.conf import settings

    return [(r, settings.HALL_ROLE_LABELS[r]) for r in ALL_ROLES]


class UserRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("roles"),
        choices=_role_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("department (for a liaison)"),
        queryset=Department.objects.filter(active=True),
        required=False,
    )
    active = forms.BooleanField(label=gettext_lazy("may log in"), required=False)

    def clean(self):
        data = super().clean()
        if DEPARTMENT_LIAISON in data.get("roles", []) and not data.get("department"):
            self.add_error("department", _("A department liaison needs their department."))
        return data


class UserCreateForm(UserRolesForm):
    username = forms.CharField(label=gettext_lazy("login name"), max_length=30)
    full_name = forms.CharField(label=gettext_lazy("full name"), max_length=50)
    password = forms.CharField(
        label=gettext_lazy("initial password"), widget=forms.PasswordInput, max_length=128
    )

    field_order = ["username", "full_name", "password", "roles", "department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["active"]

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("That login name is taken."))
        return name

    def clean(self):
        data = super().clean()
        if data.get("password"):
            try:
                validate_password(data["password"])
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
