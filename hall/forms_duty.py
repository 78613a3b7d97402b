"""Input shape of the duty desk's forms. The rules live in ``hall.duty``.

Every log form carries ``key``, the submission's idempotency key: a UUID put in the page when
it is drawn (and renewed by static/js/duty.js after each confirmed save).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from appraisal.forms import IMAGE_SUFFIXES, validate_evidence_file
from hall.duty import duty_supervisors, mildest_points, rules_for_heading
from hall.models import DutyLogEntry
from staff.models import StaffMember
from windows.models import Window

Heading = DutyLogEntry.Heading


def validate_duty_photo(upload) -> None:
    """A photo from the tablet camera: PNG or JPEG, checked by its content, size-limited."""
    if Path(upload.name).suffix.lower() not in IMAGE_SUFFIXES:
        raise ValidationError(_("Upload a photo (PNG or JPEG)."), code="not_image")
    validate_evidence_file(upload)


class WindowChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Window) -> str:
        return f"{obj.number} {obj.name}"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: StaffMember) -> str:
        where = f"（{obj.window.number}）" if obj.window_id else ""
        return f"{obj.name}{where}"


def _windows():
    return Window.objects.filter(active=True).order_by("number")


class KeyedForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": ""})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class ReceptionForm(KeyedForm):
    counter = forms.ChoiceField(label=gettext_lazy("Counter"), choices=DutyLogEntry.Counter.choices)
    text = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class IncidentForm(KeyedForm):
    text = forms.CharField(
        label=gettext_lazy("What happened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    place = forms.CharField(label=gettext_lazy("Where"), max_length=100, required=False)
    citizen = forms.CharField(label=gettext_lazy("Citizen (who)"), max_length=100, required=False)
    window = WindowChoiceField(label=gettext_lazy("Window"), queryset=_windows(), required=False)
    staff = StaffChoiceField(
        label=gettext_lazy("Staff member"),
        queryset=StaffMember.objects.filter(active=True).select_related("window"),
        required=False,
    )
    outcome = forms.CharField(
        label=gettext_lazy("How it was settled"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    escalated_to = forms.CharField(
        label=gettext_lazy("Escalated to"), max_length=100, required=False
    )
    follow_up = forms.BooleanField(label=gettext_lazy("Follow-up needed"), required=False)
    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        required=False,
        validators=[validate_duty_photo],
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = _windows()

    def clean(self):
        data = super().clean()
        if not (data.get("outcome") or data.get("escalated_to") or data.get("follow_up")):
            self.add_error(
                "outcome",
                _("Say how it was settled, to whom it was escalated, or mark it for follow-up."),
            )
        return data


class ServiceForm(KeyedForm):
    window = WindowChoiceField(label=gettext_lazy("Window"), queryset=_windows())
    request_kind = forms.ChoiceField(
        label=gettext_lazy("Request"),
        choices=DutyLogEntry.Request.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=gettext_lazy("Details"), max_length=500, required=False)
    handled_by = forms.CharField(label=gettext_lazy("Handled by"), max_length=100)
    done = forms.BooleanField(label=gettext_lazy("Done now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = _windows()


class NoteForm(KeyedForm):
    text = forms.CharField(
        label=gettext_lazy("Log note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    follow_up = forms.BooleanField(
        label=gettext_lazy("Open matter: carry over until closed"), required=False
    )


class ShiftCloseForm(forms.Form):
    handover_note = forms.CharField(
        label=gettext_lazy("Handover note"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MatterCloseForm(forms.Form):
    resolution = forms.CharField(label=gettext_lazy("How it was closed"), max_length=500)


class RosterDayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"))
    supervisor = forms.ModelChoiceField(label=gettext_lazy("Duty supervisor"), queryset=None)
    reason = forms.CharField(
        label=gettext_lazy("Reason for a swap"), max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = duty_supervisors()
        self.fields["supervisor"].label_from_instance = lambda u: u.first_name or u.username


# --- the inspection round ------------------------------------------------------------------

PASS, FAIL = "pass", "fail"


class InspectionItemForm(forms.Form):
    """One heading at one window: passed, or failed with a finding (good conduct: seen)."""

    result = forms.ChoiceField(
        choices=[
            (PASS, gettext_lazy("Passed")),
            (FAIL, pgettext_lazy("inspection item", "Failed")),
        ],
        initial=PASS,
        widget=forms.RadioSelect,
    )
    finding = forms.CharField(label=gettext_lazy("Finding"), max_length=500, required=False)
    subject = forms.ChoiceField(label=gettext_lazy("Who it is about"), required=False)
    rule = forms.ModelChoiceField(label=gettext_lazy("Rule"), queryset=None, required=False)
    points = forms.DecimalField(
        label=gettext_lazy("Points"), max_digits=5, decimal_places=1, required=False
    )
    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        required=False,
        validators=[validate_duty_photo],
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args, heading: str, window: Window, staff: list, day, **kwargs):
        super().__init__(*args, prefix=heading, **kwargs)
        self.heading = heading
        self.window = window
        self.staff = {str(s.pk): s for s in staff}
        self.rules = rules_for_heading(day, heading)
        ids = [r.pk for r in self.rules]
        from appraisal.models import Rule

        self.fields["rule"].queryset = Rule.objects.filter(pk__in=ids)
        self.fields["rule"].choices = [("", "—")] + [
            (r.pk, f"{r.code} {r.title} ({r.points_label})") for r in self.rules
        ]
        self.fields["subject"].choices = [(f"staff:{s.pk}", s.name) for s in staff] + [
            ("window", _("The window %(number)s") % {"number": window.number})
        ]
        if heading == Heading.CONDUCT:
            self.fields["result"].choices = [
                (PASS, gettext_lazy("Nothing to note")),
                (FAIL, gettext_lazy("Good conduct seen")),
            ]

    @property
    def label(self) -> str:
        return str(Heading(self.heading).label)

    @property
    def is_conduct(self) -> bool:
        return self.heading == Heading.CONDUCT

    def clean(self):
        data = super().clean()
        if data.get("result") != FAIL:
            return data
        if not (data.get("finding") or "").strip():
            self.add_error("finding", _("Write down what you saw."))
        if not self.rules:
            self.add_error(
                "rule", _("No rule in force fits this heading; the hall office must add one.")
            )
        elif data.get("rule") is None:
            self.add_error("rule", _("Choose the rule that fits."))
        subject = data.get("subject") or ""
        if subject.startswith("staff:") and subject[6:] in self.staff:
            data["staff"] = self.staff[subject[6:]]
        elif subject == "window":
            data["staff"] = None
        else:
            self.add_error("subject", _("Choose who: a staff member here or the window."))
        rule = data.get("rule")
        if rule is not None and data.get("points") is None:
            data["points"] = mildest_points(rule)
        return data
