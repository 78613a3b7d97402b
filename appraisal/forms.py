"""Input shape of the appraisal pages. The rules of the ledger live in ``services``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal.annual import threshold_errors
from appraisal.charts import plain, points_range
from appraisal.models import Rule, RuleBook
from appraisal.rulebooks import RULE_FIELDS, SUBJECT_OF_KIND, book_fields
from staff.models import StaffMember
from windows.models import Window

IMAGE_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
PDF_MAGIC = b"%PDF-"


def evidence_max_bytes() -> int:
    return settings.HALL_EVIDENCE_MAX_BYTES


def validate_evidence_file(upload) -> None:
    """A photo (PNG or JPEG) or a PDF, size-limited, checked by its content, not its name:
    an executable renamed to .jpg is refused."""
    limit = evidence_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": upload.size // 1024, "limit": limit // 1024},
            code="too_large",
        )
    suffix = Path(upload.name).suffix.lower()
    if suffix == ".pdf":
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise ValidationError(_("The file is not a valid PDF."), code="not_pdf")
        return
    if suffix not in IMAGE_SUFFIXES:
        raise ValidationError(_("Upload a photo (PNG or JPEG) or a PDF."), code="evidence_format")
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as img:
            img.verify()
            kind = img.format
    except Exception:
        raise ValidationError(_("The file is not a valid image."), code="not_image") from None
    finally:
        upload.seek(0)
    if kind not in {"PNG", "JPEG"}:
        raise ValidationError(_("Upload a photo (PNG or JPEG) or a PDF."), code="evidence_format")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: StaffMember) -> str:
        where = f"（{obj.window.number}）" if obj.window_id else ""
        return f"{obj.employee_no} {obj.name}{where}"


class ScoreEntryForm(forms.Form):
    """A ledger line typed in by the hall office. Who, which rule and how many points are
    checked by ``score_entry_add``; this form only reads the input."""

    staff = StaffChoiceField(
        label=gettext_lazy("staff member"),
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label="—",
    )
    window = forms.ModelChoiceField(
        label=gettext_lazy("or a window"),
        queryset=Window.objects.none(),
        required=False,
        empty_label="—",
    )
    rule = forms.TypedChoiceField(label=gettext_lazy("rule"), coerce=int)
    points = forms.DecimalField(
        label=gettext_lazy("points"),
        max_digits=5,
        decimal_places=1,
        help_text=gettext_lazy("Signed: a deduction is negative, such as -2."),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    occurred_on = forms.DateField(
        label=gettext_lazy("date it happened"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    evidence = forms.CharField(
        label=gettext_lazy("evidence"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_file = forms.FileField(
        label=gettext_lazy("evidence file"),
        required=False,
        help_text=gettext_lazy("A photo (PNG or JPEG) or a PDF, at most 5 MB."),
        validators=[validate_evidence_file],
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.pdf"}),
    )

    def __init__(self, *args, rules: list[Rule], today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.rules = {r.pk: r for r in rules}
        self.fields["staff"].queryset = StaffMember.objects.filter(active=True).select_related(
            "window"
        )
        self.fields["window"].queryset = Window.objects.filter(active=True)
        self.fields["rule"].choices = [("", "—"), *self._grouped(rules)]
        self.fields["occurred_on"].initial = today
        self.fields["occurred_on"].widget.attrs["max"] = today.isoformat()
        rule = self.rules.get(_int(self.initial.get("rule")))
        if rule is not None and rule.min_points == rule.max_points:
            self.fields["points"].initial = Decimal(plain(rule.min_points))

    @staticmethod
    def _grouped(rules: list[Rule]) -> list:
        groups: dict[str, list] = {}
        labels = dict(Rule.Category.choices)
        subjects = dict(Rule.Subject.choices)
        for r in rules:
            option = f"{r.code} {r.title}  {points_range(r)} · {subjects[r.applies_to]}"
            groups.setdefault(str(labels.get(r.category, r.category)), []).append((r.pk, option))
        return list(groups.items())

    def clean_rule(self) -> Rule:
        rule = self.rules.get(self.cleaned_data["rule"])
        if rule is None:
            raise ValidationError(_("Choose a rule of the rule book in force."))
        return rule

    def rule_data(self) -> dict[str, dict]:
        """What the page's script needs to prefill the points of a fixed-value rule."""
        return {
            str(r.pk): {
                "min": plain(r.min_points),
                "max": plain(r.max_points),
                "evidence": r.evidence_required,
            }
            for r in self.rules.values()
        }


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AppealForm(forms.Form):
    """A staff member's appeal against an entry: why, and an optional photo or PDF."""

    reason = forms.CharField(
        label=gettext_lazy("Why do you appeal?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(
        label=gettext_lazy("supporting file"),
        required=False,
        help_text=gettext_lazy("A photo (PNG or JPEG) or a PDF, at most 5 MB."),
        validators=[validate_evidence_file],
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.pdf"}),
    )


class AppealDecisionForm(forms.Form):
    """The hall office's decision on an appeal: uphold or reject, always with a reason."""

    UPHOLD = "uphold"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=gettext_lazy("decision"),
        choices=[
            (UPHOLD, gettext_lazy("Uphold: reverse the entry")),
            (REJECT, gettext_lazy("Reject: the entry stands")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("reason for the decision"),
        help_text=gettext_lazy("The staff member sees it."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnnualThresholdsForm(forms.Form):
    """A year's thresholds and 优秀 quota. Checked again by ``annual_thresholds_set``."""

    excellent_min = forms.DecimalField(
        label=gettext_lazy("Excellent (优秀) from"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    competent_min = forms.DecimalField(
        label=gettext_lazy("Competent (称职) from"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    basic_min = forms.DecimalField(
        label=gettext_lazy("Basically competent (基本称职) from"),
        help_text=gettext_lazy("Below it: Incompetent (不称职)."),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    excellent_share = forms.DecimalField(
        label=gettext_lazy("Excellent quota, share of staff (%)"),
        help_text=gettext_lazy(
            "At most this share, rounded down; at least one when anyone qualifies."
        ),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    disqualified_bars_excellent = forms.BooleanField(
        label=gettext_lazy("a month disqualified from awards bars Excellent"), required=False
    )

    def clean(self):
        data = super().clean()
        names = ("excellent_min", "competent_min", "basic_min", "excellent_share")
        if all(data.get(n) is not None for n in names):
            for name, errors in threshold_errors(**{n: data[n] for n in names}).items():
                for error in errors:
                    self.add_error(name, error)
        return data


# --- rule books ----------------------------------------------------------------------------


class RuleBookRevisionForm(forms.Form):
    """A new revision of one kind of rule book: when it takes effect, and its name."""

    effective_from = forms.DateField(
        label=gettext_lazy("takes effect on"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    title = forms.CharField(label=gettext_lazy("title"), max_length=200, required=False)
    notes = forms.CharField(
        label=gettext_lazy("what the revision changes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, earliest: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if earliest is not None:
            self.fields["effective_from"].initial = earliest
            self.fields["effective_from"].widget.attrs["min"] = earliest.isoformat()
            self.fields["effective_from"].help_text = _(
                "%(day)s at the earliest: after the last month that is not open and after "
                "the current book of this kind."
            ) % {"day": earliest}


class RuleBookForm(forms.Form):
    """A book's title and notes and, for the general rules, the award and bonus policy."""

    def __init__(self, *args, book: RuleBook, **kwargs):
        super().__init__(*args, **kwargs)
        names = book_fields(book.kind)
        self.fields.update(forms.fields_for_model(RuleBook, fields=names))
        self.fields["notes"].widget.attrs["rows"] = 4
        for name in names:
            self.fields[name].initial = getattr(book, name)


class BonusBandForm(forms.Form):
    """A row of the bonus table; a row left empty is ignored."""

    total_from = forms.DecimalField(
        label=gettext_lazy("from a total of"),
        max_digits=5,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
    )
    amount = forms.DecimalField(
        label=gettext_lazy("bonus (yuan)"),
        max_digits=8,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "1"}),
    )

    def clean(self):
        data = super().clean()
        if (data.get("total_from") is None) != (data.get("amount") is None):
            raise ValidationError(_("Give both the starting total and the amount, or neither."))
        return data


BonusBandFormSet = forms.formset_factory(BonusBandForm, extra=3, max_num=30)


def bands_from(formset) -> list[tuple[Decimal, Decimal]]:
    """The filled rows of a valid bonus band formset."""
    return [
        (f.cleaned_data["total_from"], f.cleaned_data["amount"])
        for f in formset.forms
        if f.cleaned_data.get("total_from") is not None
    ]


class RuleForm(forms.Form):
    """A rule of a book; whom it may apply to follows the book's kind (checked again by the
    service)."""

    def __init__(self, *args, book: RuleBook, rule: Rule | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Rule, fields=RULE_FIELDS))
        subject = SUBJECT_OF_KIND.get(book.kind)
        if subject is not None:
            self.fields["applies_to"].choices = [(subject, Rule.Subject(subject).label)]
            self.fields["applies_to"].initial = subject
        for name in ("min_points", "max_points", "monthly_cap"):
            self.fields[name].widget.attrs.update({"step": "0.5", "inputmode": "decimal"})
        self.fields["min_points"].help_text = _("Signed: a deduction is negative, such as -2.")
        self.fields["max_points"].help_text = _("The same as the lower value for a fixed value.")
        if rule is not None:
            for name in RULE_FIELDS:
                self.fields[name].initial = getattr(rule, name)
