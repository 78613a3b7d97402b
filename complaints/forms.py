from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import COMMENT_MAX, Level, RatingReason
from hall.validators import validate_phone


class RatingForm(forms.Form):
    """What a citizen fills in; the rules (reasons of the chosen level, limits, the token)
    are the service's."""

    level = forms.ChoiceField(
        label=_("How satisfied are you with this service?"),
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    reasons = forms.MultipleChoiceField(
        label=_("Why?"), required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=50)
    phone = forms.CharField(
        label=_("Your phone (optional, for a return visit)"),
        required=False,
        max_length=20,
        validators=[validate_phone],
    )

    def __init__(self, *args, reasons: dict[str, list[RatingReason]] | None, **kwargs):
        """``reasons`` None: none may be ticked (a submission without any needs no list)."""
        super().__init__(*args, **kwargs)
        self.fields["reasons"].choices = [
            (r.code, r.title) for level in (reasons or {}).values() for r in level
        ]


class RatingReasonForm(forms.ModelForm):
    class Meta:
        model = RatingReason
        fields = ["level", "code", "title", "display_order"]
