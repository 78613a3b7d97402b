from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HallProfile(models.Model):
    """The one record describing this hall; every header and printed document reads it."""

    name = models.CharField(_("hall name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    enquiry_phone = models.CharField(_("enquiry phone"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=40, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    logo = models.ImageField(_("logo"), upload_to="hall/", blank=True)
    seal = models.ImageField(
        _("approval seal (行政审批专用章)"),
        upload_to="hall/",
        blank=True,
        help_text=_("PNG with a transparent background, printed on receipts."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hall profile")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="hall_profile_singleton"),
        ]

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """A day that breaks the Monday-to-Friday rule: a public holiday or a make-up working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (off)")
        WORKDAY = "workday", _("Make-up working day (调休)")

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar package")
        MANUAL = "manual", _("Entered by the hall")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose holidays are known: loaded from the package or confirmed by the hall."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(
        max_length=10, choices=CalendarDay.Source.choices, default=CalendarDay.Source.MANUAL
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    confirmed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarSync(models.Model):
    """A request to load holidays from the chinesecalendar package, run by a Celery task.

    The row is written before the task is queued, so a request made while the broker is down
    is not lost: beat picks pending rows up again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    years = models.CharField(max_length=200, blank=True)
    days_written = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"sync {self.pk} {self.status}"


class AuditEntry(models.Model):
    """Who changed what and when: old and new values of a record, kept for good."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DEACTIVATE = "deactivate", _("Deactivated")
        ACTIVATE = "activate", _("Reactivated")
        ROLES = "roles", _("Roles changed")
        IMPORT = "import", _("Imported")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=12, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        verbose_name = _("audit entry")

    def __str__(self) -> str:
        return f"{self.object_repr} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Notice(models.Model):
    """A message to one user about something that concerns them: an entry recorded against
    them, an entry reversed, an appeal decided (later issues add their own kinds).

    Written in the same transaction as what it tells of, so it is never lost or sent for
    something that was rolled back. Its text is made when it is shown, from ``kind`` and
    ``params``, so it reads in the reader's language (``hall.notices.notice_text``).
    """

    class Kind(models.TextChoices):
        SCORE_ENTRY = "score_entry", _("Entry recorded")
        ENTRY_REVERSED = "entry_reversed", _("Entry reversed")
        APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
        COMPLAINT_REMINDER = "complaint_reminder", _("Complaint overdue: reminder")
        COMPLAINT_ESCALATED = "complaint_escalated", _("Complaint overdue: escalated")
        BAD_RATING_OPENED = "bad_rating_opened", _("Bad-rating case opened")
        BAD_RATING_ENDED = "bad_rating_ended", _("Bad-rating case ended")
        BAD_RATING_UPHELD = "bad_rating_upheld", _("Review as invalid rejected")
        BAD_RATING_REVIEW = "bad_rating_review", _("Review as invalid asked")
        BAD_RATING_OVERDUE = "bad_rating_overdue", _("Bad-rating cases overdue")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notice_unread_by_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class Document(models.Model):
    """A generated PDF kept in storage: a month's report, a certificate bundle, a receipt.

    ``key`` names the document for good ("appraisal-month-2026-10-summary"): asking for it
    again re-renders it and replaces the stored file, so there is one row and one file per
    key. Rendering runs in Celery (``hall.pdf.document_render``); the row is written before
    the task is queued, so a request made while the queue is down is picked up by beat.
    Who may download a document is decided by its kind (``hall.pdf.DocumentKind``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(max_length=120, unique=True)
    # Documents listed together, e.g. every PDF of one appraisal month.
    group = models.CharField(max_length=80, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to="documents/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Bumped by every request: a render finishing for an older request is discarded.
    generation = models.PositiveIntegerField(default=1)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "id"]
        verbose_name = _("document")
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


# --- the duty desk (值班台): roster, shifts and the duty log -------------------------------


class DutyRosterDay(models.Model):
    """Who is the duty supervisor (值班长) on one working day. A change of person is a swap,
    recorded with its reason in the audit trail."""

    date = models.DateField(_("date"), unique=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="duty_days",
        verbose_name=_("duty supervisor"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("duty roster day")

    def __str__(self) -> str:
        return f"{self.date} {self.supervisor.first_name or self.supervisor.username}"


class DutyShift(models.Model):
    """A day's duty at the duty desk: opened by the supervisor of the day, closed with a
    handover note for the next one. Matters left open carry over until closed."""

    date = models.DateField(_("date"))
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="duty_shifts",
        verbose_name=_("duty supervisor"),
    )
    # Opened by someone not on the roster for the day (the hall office standing in).
    off_roster = models.BooleanField(_("not on the roster"), default=False)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    handover_note = models.TextField(_("handover note"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("duty shift")
        constraints = [
            models.UniqueConstraint(fields=["date"], name="one_duty_shift_a_day"),
            models.UniqueConstraint(
                fields=["supervisor"],
                condition=Q(closed_at__isnull=True),
                name="one_open_duty_shift_a_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.supervisor.first_name or self.supervisor.username}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def duty_photo_path(instance, filename: str) -> str:
    """A random name: served only through a permission-checked view."""
    suffix = Path(filename).suffix.lower()[:8]
    return f"duty/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class DutyLogEntry(models.Model):
    """A line of the duty log, of one of the four duties (or a plain note).

    ``key`` is the submission's idempotency key, a UUID made in the page: a form sent again
    after a timeout finds the row it already made instead of making a second one. Findings of
    an inspection visit hang under the visit (``parent``) and carry no key of their own.
    """

    class Kind(models.TextChoices):
        RECEPTION = "reception", _("Reception")
        INCIDENT = "incident", _("Incident")
        SERVICE = "service", _("Service to staff")
        INSPECTION = "inspection", _("Inspection")
        FINDING = "finding", _("Inspection finding")
        NOTE = "note", _("Log note")

    class Counter(models.TextChoices):
        GUIDED = "guided", _("Guided to a window")
        ANSWERED = "answered", _("Question answered")
        LED = "led", _("Led by hand to the window")
        FIRST_ASKED = "first_asked", _("First-asked follow-up (首问负责)")

    class Request(models.TextChoices):
        EQUIPMENT = "equipment", _("Equipment fault")
        SUPPLIES = "supplies", _("Supplies")
        QUESTION = "question", _("A question")
        OTHER = "other", _("Other")

    class Heading(models.TextChoices):
        """GB/T 36112 on-site headings the inspection round walks through."""

        SEAT = "seat", _("At the seat")
        DRESS = "dress", _("Dress and appearance")
        LANGUAGE = "language", _("Service language")
        DESK = "desk", _("Desk in order")
        SIGN = "sign", _("Sign shown correctly")
        CONDUCT = "conduct", _("Good conduct")

    shift = models.ForeignKey(DutyShift, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    key = models.UUIDField(_("submission key"), null=True, blank=True, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    window = models.ForeignKey(
        "windows.Window",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_entries",
        verbose_name=_("window"),
    )
    staff = models.ForeignKey(
        "staff.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_entries",
        verbose_name=_("staff member"),
    )
    counter = models.CharField(_("counter"), max_length=12, choices=Counter.choices, blank=True)
    request_kind = models.CharField(
        _("request"), max_length=12, choices=Request.choices, blank=True
    )
    heading = models.CharField(_("heading"), max_length=12, choices=Heading.choices, blank=True)
    text = models.TextField(_("what happened"), blank=True)
    place = models.CharField(_("where"), max_length=100, blank=True)
    citizen = models.CharField(_("citizen"), max_length=100, blank=True)
    outcome = models.TextField(_("how it was settled"), blank=True)
    escalated_to = models.CharField(_("escalated to"), max_length=100, blank=True)
    handled_by = models.CharField(_("handled by"), max_length=100, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    photo = models.FileField(_("photo"), upload_to=duty_photo_path, blank=True)
    # An open matter: carried over to every next shift until it is closed.
    follow_up = models.BooleanField(_("follow-up needed"), default=False)
    resolved_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(_("how it was closed"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")
        constraints = [
            models.UniqueConstraint(fields=["key"], name="duty_log_key_unique"),
            models.CheckConstraint(
                condition=Q(key__isnull=False) | Q(parent__isnull=False),
                name="duty_log_key_or_parent",
            ),
        ]
        indexes = [
            models.Index(fields=["shift", "kind"]),
            models.Index(
                fields=["created_at"],
                condition=Q(follow_up=True, resolved_at__isnull=True),
                name="duty_open_matters",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_open_matter(self) -> bool:
        return self.follow_up and self.resolved_at is None


def lost_photo_path(instance, filename: str) -> str:
    """A random name: served only through a permission-checked view."""
    suffix = Path(filename).suffix.lower()[:8]
    return f"lost/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class LostProperty(models.Model):
    """An item found in the hall and handed to the duty desk (拾金不昧), until it goes back to
    its owner, to the police, or is left unclaimed.

    Found by a staff member (the window they sat at is recorded with them) or by a window as
    a whole; ``key`` is the submission's idempotency key, as in the duty log. A return proposes
    one commendation for the finder: ``proposal`` is unique, so never twice.
    """

    class Status(models.TextChoices):
        HELD = "held", _("Held at the duty desk")
        RETURNED = "returned", _("Returned to the owner")
        POLICE = "police", _("Handed to the police")
        UNCLAIMED = "unclaimed", _("Unclaimed")

    key = models.UUIDField(_("submission key"), unique=True, editable=False)
    item = models.CharField(_("item"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    found_place = models.CharField(_("where found"), max_length=100)
    found_at = models.DateTimeField(_("found at"))
    found_by_window = models.ForeignKey(
        "windows.Window",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lost_property",
        verbose_name=_("found by the window"),
    )
    found_by_staff = models.ForeignKey(
        "staff.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lost_property",
        verbose_name=_("found by"),
    )
    shift = models.ForeignKey(
        DutyShift,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lost_property",
        verbose_name=_("handed in on the shift"),
    )
    handed_in_at = models.DateTimeField(_("handed to the duty desk at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HELD
    )
    owner_name = models.CharField(_("owner's name"), max_length=50, blank=True)
    owner_phone = models.CharField(_("owner's phone"), max_length=20, blank=True)
    closed_at = models.DateTimeField(_("returned or handed over at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_note = models.CharField(_("note"), max_length=200, blank=True)
    proposal = models.OneToOneField(
        "appraisal.EntryProposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lost_property",
    )

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("lost property")
        verbose_name_plural = _("lost property")
        constraints = [
            models.CheckConstraint(
                condition=Q(found_by_window__isnull=False) | Q(found_by_staff__isnull=False),
                name="lost_property_has_finder",
            ),
            models.CheckConstraint(
                condition=Q(status="held", closed_at__isnull=True)
                | (~Q(status="held") & Q(closed_at__isnull=False)),
                name="lost_property_closed_when_not_held",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("found_at")),
                name="lost_property_closed_after_found",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(owner_name=""),
                name="lost_property_returned_has_owner",
            ),
        ]
        indexes = [models.Index(fields=["status", "found_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.item}"

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD


class LostPropertyPhoto(models.Model):
    item = models.ForeignKey(LostProperty, on_delete=models.CASCADE, related_name="photos")
    photo = models.FileField(_("photo"), upload_to=lost_photo_path)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("lost property photo")

    def __str__(self) -> str:
        return f"#{self.item_id} {self.photo.name}"
