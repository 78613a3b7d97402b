"""The monthly 100-point appraisal: rule books, the insert-only score ledger, month results.

Every signal about a person or a window lands in ``ScoreEntry`` through
``appraisal.services.score_entry_add`` — the one door in. An entry is never edited or deleted:
a correction is a reversing entry pointing at the one it reverses.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RuleBook(models.Model):
    """A dated version of one of the hall's three regulations.

    The general appraisal rules (考评规则) carry the award and bonus policy and may hold rules
    of either subject; the rules for windows (窗口考核实施细则) hold only window rules, the rules
    for staff (工作人员考核实施细则) only staff rules. Each kind is revised on its own date: the
    rules in force on a day are, for each kind, those of the newest book of that kind effective
    on or before it, and the policy is the newest general book's — so a revision never
    rewrites past months. See ``appraisal.rulebooks``.
    """

    class Kind(models.TextChoices):
        GENERAL = "general", _("General appraisal rules (考评规则)")
        WINDOW = "window", _("Rules for windows (窗口考核实施细则)")
        STAFF = "staff", _("Rules for staff (工作人员考核实施细则)")

    class BonusMode(models.TextChoices):
        PER_POINT = "per_point", _("An amount per point above or below 100")
        BANDS = "bands", _("Bands: a fixed amount from a total upward")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GENERAL)
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    notes = models.TextField(_("notes"), blank=True)
    star_share = models.DecimalField(
        _("service stars, share of staff (%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("10.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    star_minimum = models.PositiveSmallIntegerField(_("service stars, at least"), default=1)
    banner_count = models.PositiveSmallIntegerField(_("civilised window banners"), default=1)
    award_min_total = models.DecimalField(
        _("minimum total to qualify for an award"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("100.0"),
    )
    bonus_per_point = models.DecimalField(
        _("bonus per point above or below 100 (yuan)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("20.00"),
    )
    bonus_base = models.DecimalField(
        _("bonus at exactly 100 points (yuan)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("500.00"),
    )
    bonus_mode = models.CharField(
        _("bonus paid by"), max_length=10, choices=BonusMode.choices, default=BonusMode.PER_POINT
    )
    window_includes_staff = models.BooleanField(
        _("a window's total includes its staff's average net points"), default=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-effective_from"]
        verbose_name = _("rule book")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "effective_from"], name="rulebook_one_per_kind_and_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.effective_from:%Y-%m-%d}）"


class BonusBand(models.Model):
    """A row of a general book's bonus table: from this total upward, this amount.

    A table of rows rather than a JSON field: each row is checked by the database (one row
    per total, no negative amount), copied with the book into a revision and audited like
    a rule.
    """

    book = models.ForeignKey(RuleBook, on_delete=models.CASCADE, related_name="bonus_bands")
    total_from = models.DecimalField(_("from a total of"), max_digits=5, decimal_places=1)
    amount = models.DecimalField(_("bonus (yuan)"), max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["book", "total_from"]
        verbose_name = _("bonus band")
        constraints = [
            models.UniqueConstraint(fields=["book", "total_from"], name="bonus_band_one_per_total"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="bonus_band_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"≥ {self.total_from:g}: {self.amount}"


class Rule(models.Model):
    class Category(models.TextChoices):
        ATTENDANCE = "attendance", _("Attendance and labour discipline")
        DRESS = "dress", _("Dress and appearance")
        LANGUAGE = "language", _("Service language")
        QUALITY = "quality", _("Service quality")
        EFFICIENCY = "efficiency", _("Efficiency")
        RATING = "rating", _("Public rating")
        COMPLAINT = "complaint", _("Complaint")
        LOST_PROPERTY = "lost_property", _("Lost property returned")
        COMMENDATION = "commendation", _("Commendation")
        OTHER = "other", _("Other")

    class Subject(models.TextChoices):
        STAFF = "staff", _("Staff member")
        WINDOW = "window", _("Window")

    book = models.ForeignKey(RuleBook, on_delete=models.PROTECT, related_name="rules")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    applies_to = models.CharField(_("applies to"), max_length=10, choices=Subject.choices)
    min_points = models.DecimalField(_("points from"), max_digits=5, decimal_places=1)
    max_points = models.DecimalField(_("points to"), max_digits=5, decimal_places=1)
    monthly_cap = models.DecimalField(
        _("cap per month (points, absolute)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    disqualifies = models.BooleanField(_("disqualifies from the month's awards"), default=False)

    class Meta:
        ordering = ["book", "code"]
        verbose_name = _("rule")
        constraints = [
            models.UniqueConstraint(fields=["book", "code"], name="rule_code_unique_in_book"),
            models.CheckConstraint(
                condition=Q(min_points__lte=models.F("max_points")), name="rule_points_range"
            ),
            models.CheckConstraint(
                condition=Q(min_points__gte=0) | Q(max_points__lte=0),
                name="rule_points_one_sign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_addition(self) -> bool:
        return self.min_points >= 0

    @property
    def points_label(self) -> str:
        if self.min_points == self.max_points:
            return f"{self.min_points:+g}"
        return f"{self.min_points:+g} ~ {self.max_points:+g}"


class AppraisalMonth(models.Model):
    """One month of appraisal: open → closed → published → final."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Published")
        FINAL = "final", _("Final")

    month = models.DateField(_("month"), unique=True)  # the first day
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    appeal_until = models.DateField(null=True, blank=True)
    final_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Set when the hall office asks for the close: beat closes such months even when the
    # queue was down at the time of asking, so a request is never lost.
    close_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="appraisal_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def last_day(self) -> datetime.date:
        nxt = (self.month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return nxt - datetime.timedelta(days=1)


def evidence_path(instance, filename: str) -> str:
    """A random name: evidence is served only through a permission-checked view, and its
    path must not be guessable from the uploader's file name."""
    suffix = Path(filename).suffix.lower()[:8]
    return f"evidence/{instance.occurred_on:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ScoreEntry(models.Model):
    """A line of the ledger: + or − points for one staff member or one window. Insert-only."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by the hall office")
        DUTY_LOG = "duty_log", _("Duty log")
        COMPLAINT = "complaint", _("Complaint")
        RATING = "rating", _("Public rating")
        LOST_PROPERTY = "lost_property", _("Lost property")
        APPEAL = "appeal", _("Appeal decision")

    staff = models.ForeignKey(
        "staff.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="score_entries",
        verbose_name=_("staff member"),
    )
    window = models.ForeignKey(
        "windows.Window",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="score_entries",
        verbose_name=_("window"),
    )
    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, related_name="entries", verbose_name=_("rule")
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    occurred_on = models.DateField(_("date it happened"))
    month = models.ForeignKey(AppraisalMonth, on_delete=models.PROTECT, related_name="entries")
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    reason = models.TextField(_("reason for the reversal"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("score entry")
        verbose_name_plural = _("score entries")
        constraints = [
            models.CheckConstraint(
                condition=(Q(staff__isnull=False) & Q(window__isnull=True))
                | (Q(staff__isnull=True) & Q(window__isnull=False)),
                name="score_entry_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["month", "staff"]),
            models.Index(fields=["month", "window"]),
        ]

    def __str__(self) -> str:
        who = self.staff or self.window
        return f"{self.occurred_on} {who} {self.rule.code} {self.points:+g}"


class MonthlyResult(models.Model):
    """A month's result for one staff member or one window, written by the month close."""

    # Indexes (the close writes 560 rows at once, each index entry costing): reads go by month
    # (the unique (month, staff) index's prefix), by month and staff, by month for windows
    # (the partial unique index), and by staff over months ("My scores"). No index of its own
    # for the month, the window or the department: nothing reads by them alone but a delete's
    # PROTECT check, and months, windows and departments are never deleted.
    month = models.ForeignKey(
        AppraisalMonth, on_delete=models.CASCADE, related_name="results", db_index=False
    )
    staff = models.ForeignKey(
        "staff.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monthly_results",
    )
    window = models.ForeignKey(
        "windows.Window",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monthly_results",
        db_index=False,
    )
    department = models.ForeignKey(
        "windows.Department", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    base = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("100"))
    additions = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))
    deductions = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))
    # A window's total includes its staff's average net points when the rule book says so.
    staff_share = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))
    total = models.DecimalField(max_digits=6, decimal_places=1)
    rank_hall = models.PositiveIntegerField()
    rank_department = models.PositiveIntegerField()
    bonus = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    disqualified = models.BooleanField(default=False)
    is_star = models.BooleanField(default=False)
    is_banner = models.BooleanField(default=False)

    class Meta:
        ordering = ["rank_hall"]
        constraints = [
            models.UniqueConstraint(fields=["month", "staff"], name="result_unique_staff"),
            models.UniqueConstraint(
                fields=["month", "window"],
                condition=Q(window__isnull=False),
                name="result_unique_window",
            ),
            models.CheckConstraint(
                condition=(Q(staff__isnull=False) & Q(window__isnull=True))
                | (Q(staff__isnull=True) & Q(window__isnull=False)),
                name="result_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.staff or self.window} {self.total}"


class Award(models.Model):
    class Kind(models.TextChoices):
        CIVILISED_WINDOW = "civilised_window", _("Civilised Window banner (流动文明窗口标兵)")
        SERVICE_STAR = "service_star", _("Service Star (服务明星)")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")

    month = models.ForeignKey(AppraisalMonth, on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    staff = models.ForeignKey(
        "staff.StaffMember", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    window = models.ForeignKey(
        "windows.Window", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)

    class Meta:
        ordering = ["month", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "kind", "staff"], name="award_unique_staff"),
            models.UniqueConstraint(fields=["month", "kind", "window"], name="award_unique_window"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.get_kind_display()} {self.staff or self.window}"


def appeal_path(instance, filename: str) -> str:
    """A random name, like ``evidence_path``: served only through a permission-checked view."""
    suffix = Path(filename).suffix.lower()[:8]
    return f"appeals/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Appeal(models.Model):
    """A staff member's appeal against an entry of a published month.

    Upheld → a reversing entry (source "appeal") and the month's results recomputed;
    rejected → the decision's reason is shown to the staff member.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld: entry reversed")
        REJECTED = "rejected", _("Rejected: entry stands")

    entry = models.ForeignKey(
        ScoreEntry, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("entry")
    )
    staff = models.ForeignKey(
        "staff.StaffMember",
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("appellant"),
    )
    reason = models.TextField(_("reason for the appeal"))
    file = models.FileField(_("supporting file"), upload_to=appeal_path, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reversal = models.OneToOneField(
        ScoreEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeal_decision",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("appeal")
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status="pending"),
                name="appeal_one_pending_per_entry",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entry_id} {self.status}"


class EntryProposal(models.Model):
    """A ledger line proposed from the floor or a case — a failed inspection item, a
    lost-property return, a verified bad rating, an upheld complaint — waiting for the hall
    office: confirmed, it becomes a ``ScoreEntry`` through ``score_entry_add`` (the one door);
    dismissed, it never touches a score. The staff member sees it only once confirmed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the hall office")
        CONFIRMED = "confirmed", _("Confirmed: in the ledger")
        DISMISSED = "dismissed", _("Dismissed")

    staff = models.ForeignKey(
        "staff.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entry_proposals",
        verbose_name=_("staff member"),
    )
    window = models.ForeignKey(
        "windows.Window",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entry_proposals",
        verbose_name=_("window"),
    )
    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("rule")
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    occurred_on = models.DateField(_("date it happened"))
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ScoreEntry.Source.choices)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for dismissing"), blank=True)
    entry = models.OneToOneField(
        ScoreEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal"
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("proposed entry")
        constraints = [
            models.CheckConstraint(
                condition=(Q(staff__isnull=False) & Q(window__isnull=True))
                | (Q(staff__isnull=True) & Q(window__isnull=False)),
                name="proposal_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(status="confirmed", entry__isnull=False)
                | (~Q(status="confirmed") & Q(entry__isnull=True)),
                name="proposal_confirmed_has_entry",
            ),
        ]
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.staff or self.window} {self.rule.code} {self.points:+g}"


class AppraisalYear(models.Model):
    """A year of the annual appraisal (年度考核): its thresholds and quota, computed from the
    year's published and final months, recomputable until the hall office locks it.

    New years take their defaults from the ``HALL_ANNUAL_*`` settings.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not computed yet")
        COMPUTED = "computed", _("Computed")
        LOCKED = "locked", _("Locked")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    excellent_min = models.DecimalField(
        _("minimum average for Excellent (优秀)"), max_digits=5, decimal_places=2
    )
    competent_min = models.DecimalField(
        _("minimum average for Competent (称职)"), max_digits=5, decimal_places=2
    )
    basic_min = models.DecimalField(
        _("minimum average for Basically competent (基本称职)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Below it: Incompetent (不称职)."),
    )
    excellent_share = models.DecimalField(
        _("Excellent quota, share of staff (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("At most this share, rounded down; at least one when anyone qualifies."),
    )
    disqualified_bars_excellent = models.BooleanField(
        _("a month disqualified from awards bars Excellent"), default=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("appraisal year")
        constraints = [
            models.CheckConstraint(
                condition=Q(excellent_min__gt=models.F("competent_min"))
                & Q(competent_min__gt=models.F("basic_min")),
                name="appraisal_year_thresholds_descend",
            ),
            models.CheckConstraint(
                condition=Q(excellent_share__gte=0) & Q(excellent_share__lte=100),
                name="appraisal_year_share_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年度考核"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED


class AnnualAppraisal(models.Model):
    """One staff member's annual appraisal for one year, written by ``annual_compute``.

    Counted: the months of the year that are published or final in which the member has a
    result; ``months_provisional`` of them are published but not final yet (an appeal may
    still change them). A year is locked only when all its months are final.
    """

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent (优秀)")
        COMPETENT = "competent", _("Competent (称职)")
        BASIC = "basic", _("Basically competent (基本称职)")
        INCOMPETENT = "incompetent", _("Incompetent (不称职)")

    year = models.ForeignKey(AppraisalYear, on_delete=models.CASCADE, related_name="rows")
    staff = models.ForeignKey(
        "staff.StaffMember",
        on_delete=models.PROTECT,
        related_name="annual_appraisals",
        verbose_name=_("staff member"),
    )
    # The department of the member's latest counted month.
    department = models.ForeignKey("windows.Department", on_delete=models.PROTECT, related_name="+")
    months_counted = models.PositiveSmallIntegerField(_("months counted"))
    months_provisional = models.PositiveSmallIntegerField(
        _("of them published, not final"), default=0
    )
    average_total = models.DecimalField(_("average monthly total"), max_digits=6, decimal_places=2)
    additions = models.DecimalField(_("additions"), max_digits=7, decimal_places=1)
    deductions = models.DecimalField(_("deductions"), max_digits=7, decimal_places=1)
    stars = models.PositiveSmallIntegerField(_("Service Star awards"), default=0)
    months_disqualified = models.PositiveSmallIntegerField(_("months disqualified"), default=0)
    proposed_grade = models.CharField(
        _("grade by the thresholds"), max_length=12, choices=Grade.choices
    )
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    rank_hall = models.PositiveIntegerField(_("rank in the hall"))
    reason = models.TextField(_("why this grade"))

    class Meta:
        ordering = ["year", "rank_hall"]
        verbose_name = _("annual appraisal")
        constraints = [
            models.UniqueConstraint(fields=["year", "staff"], name="annual_unique_staff"),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} {self.staff} {self.get_grade_display()}"
