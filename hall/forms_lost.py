"""Input shape of the lost-property forms (拾金不昧). The rules live in ``hall.lost``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hall.forms_duty import KeyedForm
from hall.lost import MAX_PHOTOS
from hall.models import LostProperty
from hall.validators import validate_image_upload, validate_phone
from staff.models import StaffMember
from windows.models import Window

Status = LostProperty.Status
# The things most often handed in, one tap each on the tablet.
COMMON_ITEMS = [
    "钱包",
    "身份证",
    "手机",
    "现金",
    "钥匙",
    "银行卡",
    "营业执照正本",
    "雨伞",
    "文件袋",
]
COMMON_PLACES = ["一楼等候区", "二楼等候区", "窗口台面", "填表台", "自助服务区", "洗手间"]
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _now_local() -> str:
    return timezone.localtime().strftime(DATETIME_LOCAL)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__({"class": "form-control", **(attrs or {})}, format=DATETIME_LOCAL)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from the tablet camera, each checked as an image (PNG or JPEG)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(
                attrs={"accept": "image/*", "capture": "environment", "multiple": True}
            ),
        )
        kwargs.setdefault("validators", [validate_image_upload])
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if len(uploads) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
        errors, cleaned = [], []
        for upload in uploads:
            try:
                cleaned.append(super().clean(upload, initial))
            except forms.ValidationError as exc:
                errors.extend(f"{upload.name}: {m}" for m in exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class LostRegisterForm(KeyedForm):
    item = forms.CharField(label=pgettext_lazy("lost property", "Item"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    found_place = forms.CharField(label=gettext_lazy("Where found"), max_length=100)
    found_at = forms.DateTimeField(label=gettext_lazy("Found at"), widget=DateTimeLocalInput)
    window = forms.ModelChoiceField(
        label=gettext_lazy("Window"), queryset=Window.objects.none(), required=False
    )
    staff = forms.ModelChoiceField(
        label=gettext_lazy("Staff member"), queryset=StaffMember.objects.none(), required=False
    )
    photos = PhotosField(label=gettext_lazy("Photos"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("found_at", _now_local())
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = Window.objects.filter(active=True)
        self.fields["staff"].queryset = StaffMember.objects.filter(
            active=True, window__isnull=False
        )

    def clean(self):
        data = super().clean()
        if not data.get("window") and not data.get("staff") and "window" not in self.errors:
            self.add_error("window", _("Choose the window, or the staff member, who found it."))
        return data


class LostCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("What became of it"),
        choices=[c for c in Status.choices if c[0] != Status.HELD],
        initial=Status.RETURNED,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    closed_at = forms.DateTimeField(label=gettext_lazy("When"), widget=DateTimeLocalInput)
    owner_name = forms.CharField(label=gettext_lazy("Owner's name"), max_length=50, required=False)
    owner_phone = forms.CharField(
        label=gettext_lazy("Owner's phone"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (police station, where kept …)"), max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("closed_at", _now_local())
        super().__init__(*args, **kwargs)


class LostFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    window = forms.ModelChoiceField(
        label=gettext_lazy("Window"), queryset=Window.objects.none(), required=False
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Every year"))] + [(y, str(y)) for y in years]
        self.fields["status"].choices = [("", _("Every status"))] + list(Status.choices)
        self.fields["window"].queryset = Window.objects.order_by("number")
        self.fields["window"].empty_label = _("Every window")
        self.fields["window"].label_from_instance = lambda w: f"{w.number} {w.name}"
        for f in self.fields.values():
            f.widget.attrs.update({"class": "form-select", "aria-label": str(f.label)})
