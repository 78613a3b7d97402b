from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
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
