"""Citizens' ratings (好差评, 一事一评): coded reasons, single-use rating tokens, the window's
public rating code behind its QR card, and the ratings themselves.

The complaints desk and bad-rating rectification (差评整改) arrive in later slices.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hall.text import mask_phone
from hall.validators import validate_phone

COMMENT_MAX = 500


class Level(models.TextChoices):
    """The five levels of the national 好差评 scheme, best first."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied (非常满意)")
    SATISFIED = "satisfied", _("Satisfied (满意)")
    BASIC = "basic", _("Basically satisfied (基本满意)")
    DISSATISFIED = "dissatisfied", _("Dissatisfied (不满意)")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied (非常不满意)")


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)  # a bad rating (差评)


class RatingReason(models.Model):
    """A coded reason a citizen may tick for one level (configurable by the hall office)."""

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("reason"), max_length=100)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = _("rating reason")
        verbose_name_plural = _("rating reasons")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=Level.values), name="rating_reason_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class WindowRatingCode(models.Model):
    """The unguessable code in a window's QR link (``/rate/<code>/``): a window number is
    printed on the window and easy to guess, so the public link never uses it."""

    window = models.OneToOneField(
        "windows.Window", on_delete=models.PROTECT, related_name="rating_code"
    )
    code = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.window} → {self.code}"


class RatingToken(models.Model):
    """A single-use right to rate one service: issued by the window for a case, or printed on
    a queue ticket or receipt. Spent by its rating: the rating's unique link to it is the
    claim, so a second rating with the same token is impossible in the database, and when it
    was used is when its rating was made (``Rating.token``; ``ratings.token_find``)."""

    token = models.CharField(max_length=40, unique=True)
    window = models.ForeignKey(
        "windows.Window", on_delete=models.PROTECT, related_name="rating_tokens"
    )
    staff = models.ForeignKey(
        "staff.StaffMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rating_tokens",
        help_text=_("The staff member who handled the case, when the window knows it."),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rating token")

    def __str__(self) -> str:
        return f"{self.window.number} {self.issued_at:%Y-%m-%d %H:%M}"


class Rating(models.Model):
    """One citizen's rating of one service at a window (一事一评)."""

    class Channel(models.TextChoices):
        QR = "qr", _("QR code")
        KIOSK = "kiosk", _("Kiosk at the window")
        TOKEN = "token", _("Rating token")

    # No index of their own on window and staff: the (window, created_at) and (staff,
    # created_at) indexes below serve every lookup by either, and each index is written by
    # every rating a citizen sends.
    window = models.ForeignKey(
        "windows.Window",
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("window"),
        db_index=False,
    )
    staff = models.ForeignKey(
        "staff.StaffMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name=_("staff member"),
        db_index=False,
    )
    department = models.ForeignKey(
        "windows.Department",
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("department"),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    reasons = models.ManyToManyField(
        RatingReason, blank=True, related_name="ratings", verbose_name=_("reasons")
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    token = models.OneToOneField(
        RatingToken, on_delete=models.PROTECT, null=True, blank=True, related_name="rating"
    )
    device_hash = models.CharField(max_length=64, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)
    # False once the hall office judged the rating invalid (无效差评): it then stays on record
    # but drops out of the satisfaction figures.
    counted = models.BooleanField(_("counted in the figures"), default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="rating_level_valid"),
            models.CheckConstraint(
                condition=Q(channel="token", token__isnull=False)
                | Q(~Q(channel="token"), token__isnull=True),
                name="rating_token_iff_token_channel",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="rating_created"),
            models.Index(fields=["window", "created_at"], name="rating_window_created"),
            models.Index(fields=["staff", "created_at"], name="rating_staff_created"),
            # The limits count only ratings without a token (ratings._check_limits).
            models.Index(
                fields=["window", "device_hash", "created_at"],
                name="rating_device",
                condition=Q(token__isnull=True),
            ),
            models.Index(
                fields=["window", "ip_hash", "created_at"],
                name="rating_ip",
                condition=Q(token__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.window.number} {self.get_level_display()} {self.created_at:%Y-%m-%d}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


# --- bad-rating rectification (差评整改) ----------------------------------------------------


def case_file_path(instance, filename: str) -> str:
    """A random name: a review file is served only through a permission-checked view."""
    suffix = Path(filename).suffix.lower()[:8]
    return f"bad-rating-cases/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class CaseState(models.TextChoices):
    VISIT = "visit", _("Return visit (回访核实)")
    PENDING = "pending", _("To rectify (待整改)")
    INVALID_REVIEW = "invalid_review", _("Invalid-rating review (无效差评审核)")
    RECTIFYING = "rectifying", _("Rectifying (整改中)")
    DONE = "done", _("Rectified (整改完成)")
    UNABLE_REVIEW = "unable_review", _("Cannot-rectify review (无法整改审核)")
    UNABLE = "unable", _("Cannot be rectified (无法整改)")
    OVERDUE = "overdue", _("Overdue (整改超期)")
    INVALID = "invalid", _("Invalid rating (无效差评)")


class CaseHandling(models.TextChoices):
    AT_ONCE = "at_once", _("Fixed at once (立行立改)")
    BY_DEADLINE = "by_deadline", _("Rectify by a deadline (限期整改)")
    EXPLAIN = "explain", _("Explained to the citizen (解释说明)")


class BadRatingCase(models.Model):
    """The rectification of one bad rating (差评整改), opened with the rating.

    Return visit (回访核实) first, then a handling: fixed at once, rectified by a deadline, or
    explained. The staff member the rating names may ask for review as invalid; the hall
    office decides. The moves between states are ``complaints.cases``'s; every one is a
    ``BadRatingCaseStep``.
    """

    State = CaseState
    Handling = CaseHandling

    class ReviewGround(models.TextChoices):
        MALICIOUS = "malicious", _("Malicious rating")
        MISTAKEN = "mistaken", _("Mistaken rating (wrong window, wrong person, wrong button)")

    rating = models.OneToOneField(
        Rating, on_delete=models.PROTECT, related_name="case", verbose_name=_("rating")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.VISIT)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    deadline = models.DateField(_("deadline"))
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    handling = models.CharField(_("handling"), max_length=12, choices=Handling.choices, blank=True)
    handling_note = models.TextField(_("handling note"), blank=True)
    verified = models.BooleanField(_("verified by a return visit"), default=False)
    proposal = models.OneToOneField(
        "appraisal.EntryProposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed deduction"),
    )
    proposal_problem = models.CharField(
        _("why no deduction was proposed"), max_length=300, blank=True
    )
    review_ground = models.CharField(
        _("ground"), max_length=10, choices=ReviewGround.choices, blank=True
    )
    review_reason = models.TextField(_("reason for the review"), blank=True)
    review_file = models.FileField(_("supporting file"), upload_to=case_file_path, blank=True)
    review_asked_at = models.DateTimeField(null=True, blank=True)
    resume_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("bad-rating case")
        verbose_name_plural = _("bad-rating cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=CaseState.values), name="bad_rating_case_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(handling__in=[*CaseHandling.values, ""]),
                name="bad_rating_case_handling_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="bad_rating_case_state"),
            models.Index(fields=["opened_at"], name="bad_rating_case_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_state_display()}"

    @staticmethod
    def number_prefix(opened_at) -> str:
        """What a case's number starts with; its id follows, in five digits or more."""
        return f"CP{opened_at:%Y%m}-"

    @property
    def number(self) -> str:
        return f"{self.number_prefix(self.opened_at)}{self.pk:05d}"


class VisitMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    SMS = "sms", _("Text message")
    RECORDS = "records", _("Records and video checked (no contact left)")


class VisitOutcome(models.TextChoices):
    VERIFIED = "verified", _("Verified: the rating is borne out (属实)")
    NOT_BORNE_OUT = "not_borne_out", _("Not borne out by the facts")
    UNREACHABLE = "unreachable", _("Could not reach the citizen")
    WITHDRAWN = "withdrawn", _("The citizen withdrew the bad rating")


class ReturnVisit(models.Model):
    """A return visit to the citizen (回访): when, by whom, how, what they said, the outcome."""

    Method = VisitMethod
    Outcome = VisitOutcome

    case = models.ForeignKey(BadRatingCase, on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField(_("visited at"))
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("visited by"),
    )
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    citizen_said = models.TextField(_("what the citizen said"), max_length=2000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visited_at", "id"]
        verbose_name = _("return visit")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=VisitMethod.values), name="return_visit_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=VisitOutcome.values), name="return_visit_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_at:%Y-%m-%d} {self.get_method_display()}"


class BadRatingCaseStep(models.Model):
    """One step of a case's history, with its author (none: the daily overdue check)."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Case opened")
        VISIT = "visit", _("Return visit recorded")
        HANDLED = "handled", _("Handling decided")
        EXTENDED = "extended", _("Deadline extended")
        COMPLETED = "completed", _("Rectification completed")
        UNABLE_ASKED = "unable_asked", _("Asked to close as cannot be rectified")
        UNABLE_ACCEPTED = "unable_accepted", _("Accepted: cannot be rectified")
        UNABLE_REJECTED = "unable_rejected", _("Refused: must still be rectified")
        REVIEW_ASKED = "review_asked", _("Review as invalid asked")
        REVIEW_INVALID = "review_invalid", _("Judged invalid")
        REVIEW_REJECTED = "review_rejected", _("Review rejected: the rating stands")
        OVERDUE = "overdue", _("Deadline passed")
        PROPOSED = "proposed", _("Deduction proposed")

    case = models.ForeignKey(BadRatingCase, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=20, choices=BadRatingCase.State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=BadRatingCase.State.choices)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case step")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


# --- the complaints desk (投诉台) ----------------------------------------------------------

FACTS_MAX = 2000
GROUNDS_MAX = 1000
TEXT_MAX = 2000  # findings, reply
NOTE_MAX = 500


class Complaint(models.Model):
    """One complaint about the hall's service (GB/T 36113-2018): who complains, about whom,
    what happened, how it reached the hall; then its way through the desk's steps. Every
    change of state goes through ``complaints.desk`` and leaves a ``ComplaintStep``."""

    class Channel(models.TextChoices):
        DESK = "desk", _("At the desk")
        PHONE = "phone", pgettext_lazy("complaint channel", "Phone")
        HOTLINE = "hotline", _("12345 hotline")
        WEB = "web", _("Public web form")
        LETTER = "letter", _("Letter")

    class Form(models.TextChoices):
        ORAL = "oral", _("Oral")
        WRITTEN = "written", _("Written")

    class TargetKind(models.TextChoices):
        WINDOW = "window", _("Window")
        STAFF = "staff", _("Staff member")
        DEPARTMENT = "department", _("Department")
        HALL = "hall", _("The hall")

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("complaint status", "Received")
        ACCEPTED = "accepted", pgettext_lazy("complaint status", "Accepted")
        INVESTIGATING = "investigating", pgettext_lazy("complaint status", "Investigating")
        HANDLED = "handled", pgettext_lazy("complaint status", "Handled")
        REPLIED = "replied", pgettext_lazy("complaint status", "Replied")
        CLOSED = "closed", pgettext_lazy("complaint status", "Closed")
        NOT_ACCEPTED = "not_accepted", pgettext_lazy("complaint status", "Not accepted")

    class Refusal(models.TextChoices):
        NO_TARGET = "no_target", _("No identifiable target")
        NO_FACTS = "no_facts", _("No facts given")
        OUT_OF_SCOPE = "out_of_scope", _("Out of the hall's scope")
        UNDER_REVIEW = "under_review", _("Already under administrative review or in court")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY = "partly", _("Partly upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    number = models.CharField(_("case number"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    code = models.CharField(_("tracking code"), max_length=12)
    complainant = models.CharField(_("complainant"), max_length=50)
    contact = models.CharField(_("contact"), max_length=40, blank=True)
    target_kind = models.CharField(_("about"), max_length=12, choices=TargetKind.choices)
    window = models.ForeignKey(
        "windows.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("window"),
    )
    staff = models.ForeignKey(
        "staff.StaffMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("staff member"),
    )
    department = models.ForeignKey(
        "windows.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("department"),
    )
    # The department the complaint concerns, whatever its target (the board filters by it).
    concerns_department = models.ForeignKey(
        "windows.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facts = models.TextField(_("facts"), max_length=FACTS_MAX)
    grounds = models.TextField(_("grounds"), max_length=GROUNDS_MAX, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    hotline_no = models.CharField(_("hotline number"), max_length=30, blank=True)
    form = models.CharField(_("oral or written"), max_length=10, choices=Form.choices)
    complex = models.BooleanField(_("complex or several departments"), default=False)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.RECEIVED
    )
    refusal = models.CharField(_("reason not accepted"), max_length=15, blank=True)
    refusal_note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    deadline = models.DateField(_("reply due"))
    extended = models.BooleanField(_("extended"), default=False)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("findings"), max_length=TEXT_MAX, blank=True)
    reply = models.TextField(_("reply"), max_length=TEXT_MAX, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    satisfaction = models.CharField(
        _("citizen's answer"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    reopened = models.BooleanField(_("reopened"), default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    proposal = models.OneToOneField(
        "appraisal.EntryProposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key = models.UUIDField(null=True, blank=True, unique=True)  # the tablet's idempotency key
    ip_hash = models.CharField(max_length=64, blank=True)  # the web form's limit per address

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="complaint_number_per_year"),
            models.CheckConstraint(
                condition=Q(
                    target_kind="window",
                    window__isnull=False,
                    staff__isnull=True,
                    department__isnull=True,
                )
                | Q(
                    target_kind="staff",
                    window__isnull=True,
                    staff__isnull=False,
                    department__isnull=True,
                )
                | Q(
                    target_kind="department",
                    window__isnull=True,
                    staff__isnull=True,
                    department__isnull=False,
                )
                | Q(
                    target_kind="hall",
                    window__isnull=True,
                    staff__isnull=True,
                    department__isnull=True,
                ),
                name="complaint_one_target",
            ),
            models.CheckConstraint(
                condition=~Q(channel="hotline") | ~Q(hotline_no=""),
                name="complaint_hotline_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_accepted") | ~Q(refusal=""),
                name="complaint_refusal_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="complaint_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.number

    OPEN = ("received", "accepted", "investigating", "handled")

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())

    @property
    def target_label(self) -> str:
        if self.target_kind == self.TargetKind.WINDOW:
            return f"{self.window.number} {self.window.name}"
        if self.target_kind == self.TargetKind.STAFF:
            return f"{self.staff.name}（{self.staff.employee_no}）"
        if self.target_kind == self.TargetKind.DEPARTMENT:
            return self.department.name
        return str(self.TargetKind.HALL.label)

    @property
    def contact_masked(self) -> str:
        return mask_phone(self.contact)


class ComplaintYear(models.Model):
    """The last case number given in a year: locked while the next is taken, so desks
    recording at the same moment get consecutive numbers, none twice."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ComplaintStep(models.Model):
    """One thing that happened to a complaint: who (none: the citizen or the system), when,
    from which status to which, and what was said."""

    class Action(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("complaint step", "Received")
        ACCEPTED = "accepted", pgettext_lazy("complaint step", "Accepted")
        NOT_ACCEPTED = "not_accepted", pgettext_lazy("complaint step", "Not accepted")
        INVESTIGATING = "investigating", pgettext_lazy("complaint step", "Investigation started")
        HANDLED = "handled", pgettext_lazy("complaint step", "Handled")
        REPLIED = "replied", pgettext_lazy("complaint step", "Replied")
        CLOSED = "closed", pgettext_lazy("complaint step", "Closed")
        EXTENDED = "extended", pgettext_lazy("complaint step", "Deadline extended")
        PROPOSED = "proposed", pgettext_lazy("complaint step", "Deduction proposed")
        SATISFIED = "satisfied", pgettext_lazy("complaint step", "Citizen satisfied")
        UNSATISFIED = "unsatisfied", pgettext_lazy("complaint step", "Citizen unsatisfied")
        REOPENED = "reopened", pgettext_lazy("complaint step", "Reopened")
        REMINDED = "reminded", pgettext_lazy("complaint step", "Reminder (催办)")
        ESCALATED = "escalated", pgettext_lazy("complaint step", "Escalated (通报)")
        LETTER = "letter", pgettext_lazy("complaint step", "Reply letter made")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("step"), max_length=15, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(max_length=15, blank=True)
    to_status = models.CharField(max_length=15, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("complaint step")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class RatingMonth(models.Model):
    """The monthly rollup of ratings: how many ratings of one level a window got in a month,
    by the staff member they name (none when the hall could not tell who served) and the
    department they counted for. Rebuilt from the ratings by ``complaints.rollups``, never
    edited by hand; the statistics read it instead of scanning 100,000 ratings a month."""

    month = models.DateField()  # the first day of the month
    window = models.ForeignKey("windows.Window", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("windows.Department", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        "staff.StaffMember", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    level = models.CharField(max_length=20, choices=Level.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "window", "department", "staff", "level"],
                condition=Q(staff__isnull=False),
                name="rating_month_unique_staff",
            ),
            models.UniqueConstraint(
                fields=["month", "window", "department", "level"],
                condition=Q(staff__isnull=True),
                name="rating_month_unique_nostaff",
            ),
            models.CheckConstraint(
                condition=Q(level__in=Level.values), name="rating_month_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.window_id} {self.level} {self.count}"


class RatingRollup(models.Model):
    """How far a month's rollup reaches: its rows count exactly the ratings made before
    ``covered_until``; the statistics add the ratings made since, read live."""

    month = models.DateField(unique=True)
    covered_until = models.DateTimeField()
    refreshed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} → {self.covered_until:%Y-%m-%d %H:%M}"
