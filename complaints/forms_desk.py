"""Input shape of the complaints desk's forms; the rules live in ``complaints.desk``.

Text fields are not length-limited here: the service refuses an over-long field with the
length it has, so a pasted 10,000-character text gets a message, not a silent cut.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from complaints.models import Complaint
from hall.forms_duty import KeyedForm, StaffChoiceField, WindowChoiceField
from staff.models import StaffMember
from windows.models import Department, Window

C = Complaint


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _windows():
    return Window.objects.filter(active=True).select_related("department").order_by("number")


class ComplaintForm(forms.Form):
    """The hall office's full form: any channel, any target."""

    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=C.Channel.choices)
    hotline_no = forms.CharField(
        label=gettext_lazy("Hotline number"),
        required=False,
        help_text=gettext_lazy("Required for a case transferred from the 12345 hotline."),
    )
    form = forms.ChoiceField(
        label=gettext_lazy("Oral or written"),
        choices=C.Form.choices,
        initial=C.Form.WRITTEN,
        widget=forms.RadioSelect,
    )
    complex = forms.BooleanField(
        label=gettext_lazy("Complex or several departments"), required=False
    )
    complainant = forms.CharField(label=gettext_lazy("Complainant"))
    contact = forms.CharField(label=gettext_lazy("Contact phone"), required=False)
    target_kind = forms.ChoiceField(
        label=gettext_lazy("About"), choices=C.TargetKind.choices, widget=forms.RadioSelect
    )
    window = WindowChoiceField(
        label=gettext_lazy("Window"),
        queryset=_windows(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("There is no such window in the hall.")},
    )
    staff = StaffChoiceField(
        label=gettext_lazy("Staff member"),
        queryset=StaffMember.objects.filter(active=True).select_related("window").order_by("name"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("There is no such staff member in the hall.")
        },
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.filter(active=True).order_by("name"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("There is no such department in the hall.")},
    )
    facts = forms.CharField(label=gettext_lazy("Facts"), widget=_area(4))
    grounds = forms.CharField(
        label=gettext_lazy("Grounds (what the complainant asks for)"),
        widget=_area(2),
        required=False,
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received at"),
        required=False,
        help_text=gettext_lazy("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class DeskComplaintForm(KeyedForm):
    """The duty supervisor's tablet form: at the desk, about a window (a tile) or the hall."""

    target = forms.CharField(
        label=gettext_lazy("About"),
        error_messages={"required": gettext_lazy("Tap the window the complaint is about.")},
    )
    complainant = forms.CharField(label=gettext_lazy("Complainant"))
    contact = forms.CharField(label=gettext_lazy("Contact phone"), required=False)
    facts = forms.CharField(label=gettext_lazy("What happened"), widget=_area(3))
    form = forms.ChoiceField(
        label=gettext_lazy("Oral or written"),
        choices=C.Form.choices,
        initial=C.Form.ORAL,
        widget=forms.RadioSelect,
    )


class PublicComplaintForm(forms.Form):
    """The citizen's web form (phone)."""

    complainant = forms.CharField(label=gettext_lazy("Your name"))
    contact = forms.CharField(label=gettext_lazy("Your phone"))
    target_kind = forms.ChoiceField(
        label=gettext_lazy("About"),
        choices=[
            (C.TargetKind.WINDOW, gettext_lazy("A window")),
            (C.TargetKind.DEPARTMENT, gettext_lazy("A department")),
            (C.TargetKind.HALL, gettext_lazy("The hall in general")),
        ],
        initial=C.TargetKind.WINDOW,
        widget=forms.RadioSelect,
    )
    window = WindowChoiceField(
        label=gettext_lazy("Window"),
        queryset=_windows(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("There is no such window in the hall.")},
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.filter(active=True).order_by("name"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("There is no such department in the hall.")},
    )
    facts = forms.CharField(label=gettext_lazy("What happened"), widget=_area(5))
    grounds = forms.CharField(
        label=gettext_lazy("What you ask for"), widget=_area(2), required=False
    )


class TrackForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Case number"), max_length=40)
    code = forms.CharField(label=gettext_lazy("Tracking code"), max_length=40)


# --- the desk's steps ----------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=_area(2))


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=C.Refusal.choices)
    note = forms.CharField(
        label=gettext_lazy("Note (told to the complainant)"), required=False, widget=_area(2)
    )


class HandleForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=C.Outcome.choices)
    findings = forms.CharField(label=gettext_lazy("Findings"), widget=_area(4))
    points = forms.DecimalField(
        label=gettext_lazy("Points to propose"),
        required=False,
        max_digits=5,
        decimal_places=1,
        help_text=gettext_lazy(
            "Upheld or partly upheld only; empty: the rule's mildest deduction."
        ),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(label=gettext_lazy("Reply to the complainant"), widget=_area(5))


class ExtendForm(forms.Form):
    until = forms.DateField(
        label=gettext_lazy("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Why more time is needed"))


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "")] + C.Status.choices, required=False)
    channel = forms.ChoiceField(choices=[("", "")] + C.Channel.choices, required=False)
    department = forms.IntegerField(required=False)
    overdue = forms.BooleanField(required=False)
