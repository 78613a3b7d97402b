from __future__ import annotations

import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guides.models import ApprovalItem, GuideEdition, GuideFaq, GuideMaterial, GuideStep
from hall.validators import validate_service_phone
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


# --- service guide editions ----------------------------------------------------------------

PDF_MAGIC = b"%PDF-"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .xls (Office 97–2003)
ZIP_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
IMAGE_KINDS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
BLANK_FORM_SUFFIXES = {".pdf", ".doc", ".xls", *ZIP_PARTS, *IMAGE_KINDS}


def blank_form_max_bytes() -> int:
    return getattr(settings, "HALL_GUIDE_FORM_MAX_BYTES", 5 * 1024 * 1024)


def _head(upload, n: int) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def validate_blank_form(upload) -> None:
    """A blank form or sample: a PDF, a PNG/JPEG image or an Office document, size-limited
    and checked by its content (a renamed executable is refused)."""
    if upload is None or not hasattr(upload, "size") or not hasattr(upload, "content_type"):
        return  # nothing new uploaded: the stored file stays
    limit = blank_form_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": upload.size // 1024, "limit": limit // 1024},
            code="too_large",
        )
    suffix = Path(upload.name).suffix.lower()
    if suffix not in BLANK_FORM_SUFFIXES:
        raise ValidationError(
            _("Upload a PDF, a PNG or JPEG image, or a Word or Excel document."),
            code="blank_form_format",
        )
    bad = ValidationError(
        _("The file's content does not match its name (%(suffix)s).") % {"suffix": suffix},
        code="blank_form_content",
    )
    if suffix == ".pdf":
        if _head(upload, len(PDF_MAGIC)) != PDF_MAGIC:
            raise bad
    elif suffix in {".doc", ".xls"}:
        if _head(upload, len(OLE_MAGIC)) != OLE_MAGIC:
            raise bad
    elif suffix in ZIP_PARTS:
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            raise bad from None
        finally:
            upload.seek(0)
        if ZIP_PARTS[suffix] not in names:
            raise bad
    else:
        from PIL import Image

        try:
            upload.seek(0)
            with Image.open(upload) as img:
                img.verify()
                kind = img.format
        except Exception:
            raise bad from None
        finally:
            upload.seek(0)
        if kind != IMAGE_KINDS[suffix]:
            raise bad


class GuideEditionForm(forms.ModelForm):
    """The main fields of a draft; the time-limit and fee rules are checked here and again
    by the service (and the database)."""

    class Meta:
        model = GuideEdition
        fields = [
            "change_summary",
            "legal_basis",
            "conditions",
            "statutory_on_the_spot",
            "statutory_days",
            "promised_on_the_spot",
            "promised_days",
            "free_of_charge",
            "fees",
            "fee_basis",
            "visits",
            "place",
            "office_hours",
            "enquiry_phone",
            "complaint_phone",
        ]
        widgets = {
            "change_summary": forms.Textarea(attrs={"rows": 2}),
            "legal_basis": forms.Textarea(attrs={"rows": 4}),
            "conditions": forms.Textarea(attrs={"rows": 4}),
            "fees": forms.Textarea(attrs={"rows": 2}),
            "fee_basis": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("enquiry_phone", "complaint_phone"):
            self.fields[name].validators.append(validate_service_phone)
        for name in ("statutory_days", "promised_days"):
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].widget.attrs["min"] = 1

    def clean(self):
        data = super().clean()
        from guides.services import time_limit_errors

        errors = time_limit_errors(
            statutory_on_the_spot=data.get("statutory_on_the_spot", False),
            statutory_days=data.get("statutory_days"),
            promised_on_the_spot=data.get("promised_on_the_spot", False),
            promised_days=data.get("promised_days"),
        )
        for name, messages in errors.items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        if data.get("free_of_charge") and (data.get("fees") or "").strip():
            self.add_error(
                "fees", _("A free item lists no fees: clear them or untick “free of charge”.")
            )
        return data


class _ChildForm(forms.ModelForm):
    """A row of an inline formset, drawn as a table row: Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        if self.instance.pk is None:  # an empty row shows an empty order, not the model's 0
            self.initial.pop("order", None)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def clean_order(self):
        order = self.cleaned_data.get("order")
        return 999 if order is None else order


class GuideMaterialForm(_ChildForm):
    class Meta:
        model = GuideMaterial
        fields = ["order", "name", "form", "copies", "blank_form", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copies"].validators.append(MinValueValidator(1))
        self.fields["copies"].widget.attrs["min"] = 1
        self.fields["blank_form"].validators.append(validate_blank_form)


class GuideStepForm(_ChildForm):
    class Meta:
        model = GuideStep
        fields = ["order", "title", "description", "who", "time"]


class GuideFaqForm(_ChildForm):
    class Meta:
        model = GuideFaq
        fields = ["order", "question", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2})}


def _formset(model, form, extra: int):
    return forms.inlineformset_factory(
        GuideEdition,
        model,
        form=form,
        extra=extra,
        can_delete=True,
        max_num=60,
        validate_max=True,
    )


MaterialFormSet = _formset(GuideMaterial, GuideMaterialForm, 2)
StepFormSet = _formset(GuideStep, GuideStepForm, 2)
FaqFormSet = _formset(GuideFaq, GuideFaqForm, 1)


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for returning it"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
