from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Department(models.Model):
    """A department resident in the hall (入驻部门)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=20)
    code = models.CharField(_("code"), max_length=20, unique=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A service window (窗口) on the hall floor, belonging to one department."""

    number = models.CharField(_("window number"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="windows", verbose_name=_("department")
    )
    location = models.CharField(_("floor / location"), max_length=100, blank=True)
    items = models.ManyToManyField(
        "guides.ApprovalItem", blank=True, related_name="windows", verbose_name=_("approval items")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=Q(active=True), name="window_number_unique_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Liaison(models.Model):
    """Links a department liaison's login to the department they may read."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaison"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="liaisons")

    def __str__(self) -> str:
        return f"{self.user} → {self.department}"


class WindowStatus(models.Model):
    """One showing of a window's status sign (暂停服务提示牌): from ``set_at`` until the next
    sign replaced it (``ended_at``; empty while it is still shown). Every change is a new row,
    so how long a window was open, away or in fault is derived from the rows, never typed in.
    """

    class Sign(models.TextChoices):
        OPEN = "open", pgettext_lazy("window sign", "Open")
        AWAY = "away", _("Away, please wait (请稍候)")
        FAULT = "fault", _("Network fault, service paused (网络故障、暂停服务)")
        CLOSED = "closed", pgettext_lazy("window sign", "Closed")

    class Reason(models.TextChoices):
        BREAK = "break", _("Break")
        MEETING = "meeting", _("Meeting")
        FILES = "files", _("Fetching files")
        HELPING = "helping", _("Helping a citizen elsewhere")
        EMPTY_SEAT = "empty_seat", _("Empty seat, no reason given (空岗)")

    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, related_name="signs", verbose_name=_("window")
    )
    sign = models.CharField(_("sign"), max_length=10, choices=Sign.choices)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    expected_back = models.DateTimeField(_("expected back at"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)
    ended_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        verbose_name = _("window status sign")
        constraints = [
            models.UniqueConstraint(
                fields=["window"], condition=Q(ended_at__isnull=True), name="one_current_sign"
            ),
            models.CheckConstraint(
                condition=Q(sign="away", reason__gt="") | (~Q(sign="away") & Q(reason="")),
                name="sign_reason_only_when_away",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("set_at")),
                name="sign_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["window", "-set_at"])]

    def __str__(self) -> str:
        return f"{self.window_id} {self.sign} {self.set_at:%Y-%m-%d %H:%M}"
