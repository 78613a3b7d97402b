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


# --- receipts: applications received at a window and the notices issued on them ------------


class Application(models.Model):
    """An application (申请) received at a window for one approval item.

    Its ``state`` follows the notices issued on it (``guides.receipts`` keeps it in step, in
    the same transaction): received → correction (materials missing) → accepted or refused.
    ``correction_due_on`` is the last working day a correction notice may be issued; an
    application still only "received" after it counts as accepted from its receipt date.
    """

    class State(models.TextChoices):
        RECEIVED = "received", _("Received, no notice yet")
        CORRECTION = "correction", _("Materials to be completed")
        ACCEPTED = "accepted", pgettext_lazy("application", "Accepted")
        REFUSED = "refused", pgettext_lazy("application", "Refused")

    window = models.ForeignKey(
        "windows.Window",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("window"),
    )
    item = models.ForeignKey(
        ApprovalItem,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("approval item"),
    )
    applicant_name = models.CharField(_("applicant"), max_length=100)
    applicant_id = models.CharField(_("ID card or unified social credit code"), max_length=30)
    contact = models.CharField(_("contact phone"), max_length=30)
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )
    correction_due_on = models.DateField(_("correction notice due by"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RECEIVED
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(correction_due_on__gte=F("received_on")),
                name="application_due_after_receipt",
            ),
        ]
        indexes = [
            models.Index(fields=["window", "-received_at"]),
            models.Index(fields=["state", "correction_due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_name} · {self.item_id} · {self.received_on}"

    @property
    def contact_masked(self) -> str:
        from guides.receipts import mask_contact

        return mask_contact(self.contact)

    @property
    def applicant_id_masked(self) -> str:
        from guides.receipts import mask_id

        return mask_id(self.applicant_id)


class ReceiptCounter(models.Model):
    """The last serial number issued for one kind of notice in one year.

    One deployment is one hall, so (year, kind) is "per hall and year". The row is locked
    (SELECT … FOR UPDATE) by the transaction that issues a notice and released at its commit:
    two windows issuing at the same moment get consecutive numbers, and a transaction that
    fails gives its number back with its rollback, so the sequence has no gaps.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12)
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("receipt counter")
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="receipt_counter_year_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.last}"


class Receipt(models.Model):
    """A numbered notice on an application (受理 / 补正 / 不予受理), printed with the seal.

    Never edited nor deleted: a mistaken notice is voided with a reason and keeps its number.
    What the paper says is kept on the row as it was printed (the missing materials, the
    reason, the remedies with their bodies and time limits), so a later change of the guide
    or the settings never changes a notice already handed over.
    """

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Notice of acceptance (受理通知书)")
        CORRECTION = "correction", _("Notice to complete materials (补正材料通知书)")
        REFUSAL = "refusal", _("Decision not to accept (不予受理决定书)")

    FINAL = (Kind.ACCEPTANCE, Kind.REFUSAL)

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="receipts",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("number"), max_length=40, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_on = models.DateField(_("issued on"))
    # Acceptance: what the applicant is told next (the promised time limit).
    note = models.TextField(_("note"), max_length=1000, blank=True)
    # Correction: every missing material at once (一次性告知), from the guide and written in.
    edition = models.ForeignKey(
        GuideEdition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guide edition"),
    )
    missing_materials = models.JSONField(_("missing materials"), default=list, blank=True)
    # Refusal: the reason, its legal basis, and the applicant's remedies.
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    legal_basis = models.TextField(_("legal basis"), max_length=2000, blank=True)
    review_body = models.CharField(_("administrative review body"), max_length=100, blank=True)
    review_days = models.PositiveSmallIntegerField(_("review within (days)"), null=True)
    litigation_body = models.CharField(_("court"), max_length=100, blank=True)
    litigation_months = models.PositiveSmallIntegerField(_("litigation within (months)"), null=True)
    # Voiding.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.TextField(_("reason for voiding"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "serial"], name="receipt_serial_unique"
            ),
            # One standing final notice (acceptance or refusal) per application …
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind__in=["acceptance", "refusal"], voided_at__isnull=True),
                name="receipt_one_final_notice",
            ),
            # … and one standing correction notice: all missing materials are told at once.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind="correction", voided_at__isnull=True),
                name="receipt_one_correction_notice",
            ),
            models.CheckConstraint(
                condition=~Q(kind="refusal") | (Q(reason__gt="") & Q(legal_basis__gt="")),
                name="receipt_refusal_has_reason_and_basis",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True, void_reason="")
                | (Q(voided_at__isnull=False) & Q(void_reason__gt="")),
                name="receipt_void_has_reason",
            ),
            models.CheckConstraint(condition=Q(serial__gte=1), name="receipt_serial_positive"),
        ]
        indexes = [
            models.Index(fields=["issued_on", "kind"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


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
