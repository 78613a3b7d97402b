"""Forms of the receipts pages: the shape of the input only; the rules are in
``guides.receipts``, which the views call with the cleaned data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guides.models import ApprovalItem, GuideEdition, Receipt
from windows.models import Window


class ApplicationForm(forms.Form):
    """Register an application at a window. The item list offers the window's items only;
    another item sent anyway is refused by the service with the reason."""

    item = forms.ModelChoiceField(
        label=_("Approval item"),
        queryset=ApprovalItem.objects.filter(active=True),
        error_messages={"required": _("Choose the item applied for.")},
    )
    applicant_name = forms.CharField(label=_("Applicant (person or company)"), max_length=100)
    applicant_id = forms.CharField(
        label=_("ID card or unified social credit code"),
        max_length=30,
        min_length=6,
    )
    contact = forms.RegexField(
        label=_("Contact phone"),
        regex=r"^[0-9+\-\s]{5,30}$",
        max_length=30,
        error_messages={"invalid": _("Write a phone number (digits, +, - and spaces).")},
    )

    def __init__(self, *args, window: Window, **kwargs):
        super().__init__(*args, **kwargs)
        items = window.items.filter(active=True).order_by("code")
        self.fields["item"].widget.choices = [("", "---------")] + [
            (i.pk, f"{i.code} {i.name}") for i in items
        ]


class WindowChoiceForm(forms.Form):
    """The hall office registers for any window: first the window, then its items."""

    window = forms.ModelChoiceField(
        label=_("Window"),
        queryset=Window.objects.filter(active=True).order_by("number"),
        required=False,
    )


class AcceptanceForm(forms.Form):
    note = forms.CharField(
        label=_("Note printed on the notice (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class CorrectionForm(forms.Form):
    materials = forms.TypedMultipleChoiceField(
        label=_("Missing materials from the service guide"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_materials = forms.CharField(
        label=_("Other missing materials, one a line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    note = forms.CharField(
        label=_("Note printed on the notice (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )

    def __init__(self, *args, edition: GuideEdition | None, **kwargs):
        super().__init__(*args, **kwargs)
        materials = list(edition.materials.all()) if edition else []
        self.fields["materials"].choices = [
            (
                m.pk,
                f"{m.name}（{m.get_form_display()}，{m.copies}份）",
            )
            for m in materials
        ]

    def clean(self):
        data = super().clean()
        lines = [
            line.strip() for line in data.get("other_materials", "").splitlines() if line.strip()
        ]
        data["other_lines"] = lines
        if not data.get("materials") and not lines and not self.errors:
            raise forms.ValidationError(_("Tick at least one missing material, or write it in."))
        return data


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for not accepting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give the reason for not accepting.")},
    )
    legal_basis = forms.CharField(
        label=pgettext_lazy("refusal", "Legal basis"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Give the legal basis for not accepting.")},
    )
    note = forms.CharField(
        label=_("Note printed on the notice (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )


FORMS = {
    Receipt.Kind.ACCEPTANCE: AcceptanceForm,
    Receipt.Kind.CORRECTION: CorrectionForm,
    Receipt.Kind.REFUSAL: RefusalForm,
}


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this notice void?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("Say why the notice is voided.")},
    )
