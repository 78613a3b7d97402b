"""Input shapes of the bad-rating case steps; the rules are ``complaints.cases``'s."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.forms import validate_evidence_file
from complaints.cases import NOTE_MAX
from complaints.models import BadRatingCase, ReturnVisit

NOTE = forms.Textarea(attrs={"rows": 3})


class VisitForm(forms.Form):
    visited_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    method = forms.ChoiceField(label=_("How"), choices=ReturnVisit.Method.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReturnVisit.Outcome.choices)
    citizen_said = forms.CharField(
        label=_("What the citizen said"), required=False, max_length=NOTE_MAX, widget=NOTE
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class HandleForm(forms.Form):
    handling = forms.ChoiceField(
        label=_("Handling"), choices=BadRatingCase.Handling.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("What was or will be done"), max_length=NOTE_MAX, widget=NOTE)


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("What was rectified"), max_length=NOTE_MAX, widget=NOTE)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=NOTE_MAX, widget=NOTE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap = settings.HALL_BAD_RATING_EXTENSION_MAX_DAYS
        self.fields["days"].max_value = cap
        self.fields["days"].widget.attrs["max"] = cap
        self.fields["days"].help_text = _("At most %(cap)s days, once.") % {"cap": cap}


class UnableAskForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it cannot be rectified"), max_length=NOTE_MAX, widget=NOTE
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=NOTE_MAX, widget=NOTE)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices


REVIEW_CHOICES = [
    ("invalid", _("Invalid: the case ends and the rating is not counted")),
    ("reject", _("Rejected: the rating stands and the case goes on")),
]
UNABLE_CHOICES = [
    ("accept", _("Accepted: close the case as cannot be rectified")),
    ("reject", _("Refused: the rectification goes on")),
]


class ReviewAskForm(forms.Form):
    """The staff member's request for review of a bad rating as invalid."""

    ground = forms.ChoiceField(
        label=_("The rating is"),
        choices=BadRatingCase.ReviewGround.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Why"), max_length=NOTE_MAX, widget=NOTE)
    file = forms.FileField(
        label=_("Supporting file (optional: photo or PDF)"),
        required=False,
        validators=[validate_evidence_file],
    )
