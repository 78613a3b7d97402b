from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApprovalItem(models.Model):
    """An entry of the item catalogue (审批事项). Service guides hang off it later."""

    class Kind(models.TextChoices):
        LICENCE = "licence", _("Administrative licence (行政许可)")
        CONFIRMATION = "confirmation", _("Administrative confirmation (行政确认)")
        FILING = "filing", _("Filing (备案)")
        PUBLIC_SERVICE = "public_service", _("Public service (公共服务)")
        OTHER = "other", _("Other")

    code = models.CharField(_("item code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        "windows.Department",
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("department"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LICENCE)
    statutory_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"), null=True, blank=True
    )
    promised_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), null=True, blank=True
    )
    on_the_spot = models.BooleanField(_("settled on the spot (当场办结)"), default=False)
    in_hall_required = models.BooleanField(
        _("must be received and delivered in the hall"), default=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["department__display_order", "code"]
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_days__isnull=True)
                | Q(statutory_days__isnull=True)
                | Q(promised_days__lte=F("statutory_days")),
                name="item_promised_within_statutory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def promised_label(self) -> str:
        if self.on_the_spot:
            return str(_("On the spot"))
        if self.promised_days is None:
            return "—"
        return str(_("%(days)s working days") % {"days": self.promised_days})


class ServiceGuide(models.Model):
    """The service guide (办事指南) of one approval item; its text lives in its editions."""

    item = models.OneToOneField(
        ApprovalItem,
        on_delete=models.PROTECT,
        related_name="guide",
        verbose_name=_("approval item"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service guide")
        verbose_name_plural = _("service guides")

    def __str__(self) -> str:
        return str(self.item)


class GuideEdition(models.Model):
    """One edition of a guide: draft → in review → published → archived.

    A published edition is never changed (``guides.services`` refuses): editing it makes a
    new draft that copies everything, and publishing that draft archives it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", pgettext_lazy("guide edition", "Published")
        ARCHIVED = "archived", _("Archived")

    class Visits(models.IntegerChoices):
        NONE = 0, _("No visit: handled online (全程网办)")
        ONE = 1, _("At most one visit (最多跑一次)")
        TWO = 2, _("At most two visits")
        MORE = 3, _("Three visits or more")

    guide = models.ForeignKey(
        ServiceGuide, on_delete=models.CASCADE, related_name="editions", verbose_name=_("guide")
    )
    number = models.PositiveSmallIntegerField(_("edition"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    change_summary = models.TextField(_("change summary"), max_length=1000, blank=True)
    return_reason = models.TextField(_("reason for return"), max_length=1000, blank=True)

    # The guide's contents (Administrative Licensing Law art. 30).
    item_code = models.CharField(_("item code"), max_length=40)
    item_name = models.CharField(_("item name"), max_length=200)
    department_name = models.CharField(_("department"), max_length=100)
    legal_basis = models.TextField(_("legal basis (设定依据)"), max_length=4000, blank=True)
    conditions = models.TextField(_("conditions"), max_length=4000, blank=True)
    statutory_on_the_spot = models.BooleanField(
        _("statutory limit: on the spot (当场办结)"), default=False
    )
    statutory_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"), null=True, blank=True
    )
    promised_on_the_spot = models.BooleanField(
        _("promised limit: on the spot (当场办结)"), default=False
    )
    promised_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), null=True, blank=True
    )
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    fees = models.TextField(_("fees"), max_length=2000, blank=True)
    fee_basis = models.TextField(_("basis of the fees"), max_length=2000, blank=True)
    visits = models.PositiveSmallIntegerField(
        _("visits needed"), choices=Visits.choices, default=Visits.ONE
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    enquiry_phone = models.CharField(_("enquiry phone"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["guide", "-number"]
        verbose_name = _("guide edition")
        verbose_name_plural = _("guide editions")
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="guide_edition_number"),
            models.UniqueConstraint(
                fields=["guide"],
                condition=Q(status="published"),
                name="guide_one_published_edition",
            ),
            # A draft under review is still the guide's one working copy.
            models.UniqueConstraint(
                fields=["guide"],
                condition=Q(status__in=["draft", "review"]),
                name="guide_one_draft_edition",
            ),
            models.CheckConstraint(
                condition=Q(promised_days__isnull=True)
                | Q(statutory_days__isnull=True)
                | Q(promised_days__lte=F("statutory_days")),
                name="guide_promised_within_statutory",
            ),
            # "N days" promised against "on the spot" by law is a longer promise.
            models.CheckConstraint(
                condition=Q(statutory_on_the_spot=False) | Q(promised_days__isnull=True),
                name="guide_promised_within_on_the_spot",
            ),
            models.CheckConstraint(
                condition=Q(statutory_on_the_spot=False) | Q(statutory_days__isnull=True),
                name="guide_statutory_spot_or_days",
            ),
            models.CheckConstraint(
                condition=Q(promised_on_the_spot=False) | Q(promised_days__isnull=True),
                name="guide_promised_spot_or_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.item_name} · {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.REVIEW}

    @staticmethod
    def limit_label(on_the_spot: bool, days: int | None) -> str:
        if on_the_spot:
            return str(_("On the spot (当场办结)"))
        if days is None:
            return ""
        return str(_("%(days)s working days") % {"days": days})

    @property
    def statutory_label(self) -> str:
        return self.limit_label(self.statutory_on_the_spot, self.statutory_days)

    @property
    def promised_label(self) -> str:
        return self.limit_label(self.promised_on_the_spot, self.promised_days)


def material_upload_to(instance: GuideMaterial, filename: str) -> str:
    return f"guides/forms/{instance.edition.item_code}/{filename}"


class GuideMaterial(models.Model):
    """A material the applicant brings (申请材料), in the guide's order."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        BOTH = "both", _("Original and copy")

    edition = models.ForeignKey(GuideEdition, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("material"), max_length=200)
    form = models.CharField(_("original or copy"), max_length=10, choices=Form.choices)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    blank_form = models.FileField(
        _("blank form or sample"), upload_to=material_upload_to, blank=True, max_length=250
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        ordering = ["edition", "order", "id"]
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1), name="material_copies_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class GuideStep(models.Model):
    """A step of the procedure; the guide's flowchart is drawn from these."""

    edition = models.ForeignKey(GuideEdition, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("step"), max_length=60)
    description = models.CharField(_("what happens"), max_length=500, blank=True)
    who = models.CharField(_("who (window or department)"), max_length=100, blank=True)
    time = models.CharField(_("time"), max_length=60, blank=True)

    class Meta:
        ordering = ["edition", "order", "id"]
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")

    def __str__(self) -> str:
        return self.title


class GuideFaq(models.Model):
    edition = models.ForeignKey(GuideEdition, on_delete=models.CASCADE, related_name="faqs")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), max_length=2000)

    class Meta:
        ordering = ["edition", "order", "id"]
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")

    def __str__(self) -> str:
        return self.question


class PrintRun(models.Model):
    """Copies of a guide printed on paper (印制记录): which edition, what form, how many,
    when and who recorded it. A booklet's run is one row per edition it holds, sharing a
    ``batch``, so "are the printed copies of this item out of date?" is asked one way."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full guide")
        SHORT = "short", _("Short form (简版)")
        DEPARTMENT_BOOKLET = "department_booklet", _("Department booklet")
        HALL_BOOKLET = "hall_booklet", _("Hall booklet")

    edition = models.ForeignKey(
        GuideEdition,
        on_delete=models.PROTECT,
        related_name="print_runs",
        verbose_name=_("edition"),
    )
    kind = models.CharField(_("printed as"), max_length=20, choices=Kind.choices)
    copies = models.PositiveIntegerField(_("copies"))
    printed_on = models.DateField(_("printed on"))
    department = models.ForeignKey(
        "windows.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department of the booklet"),
    )
    batch = models.UUIDField(_("print batch"), db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-printed_on", "-id"]
        verbose_name = _("print run")
        verbose_name_plural = _("print runs")
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1), name="print_run_copies_positive"),
            models.CheckConstraint(
                condition=Q(kind="department_booklet", department__isnull=False)
                | (~Q(kind="department_booklet") & Q(department__isnull=True)),
                name="print_run_department_only_for_its_booklet",
            ),
        ]
        indexes = [models.Index(fields=["edition", "printed_on"])]

    def __str__(self) -> str:
        return f"{self.edition} × {self.copies}"
