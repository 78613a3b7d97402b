"""Input shape of the status-sign page. The rules of a sign live in ``windows.status``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from windows.models import WindowStatus

BACK_IN = [(m, gettext_lazy("%(m)s min") % {"m": m}) for m in (5, 10, 15, 20, 30, 60)]


class WindowSignForm(forms.Form):
    sign = forms.ChoiceField(
        label=gettext_lazy("Sign"), choices=WindowStatus.Sign.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Why away"),
        choices=WindowStatus.Reason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    back_in_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Back in"),
        choices=BACK_IN,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args, may_record_empty_seat: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_record_empty_seat:
            self.fields["reason"].choices = [
                c for c in WindowStatus.Reason.choices if c[0] != WindowStatus.Reason.EMPTY_SEAT
            ]
