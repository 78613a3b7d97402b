from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StaffMember(models.Model):
    """A member of window staff (窗口工作人员): paid by a department, managed by the hall."""

    class Post(models.TextChoices):
        CHIEF = "chief", _("Chief representative (首席代表)")
        STAFF = "staff", _("Staff")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_member"
    )
    employee_no = models.CharField(_("employee number"), max_length=20, unique=True)
    name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    department = models.ForeignKey(
        "windows.Department",
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("department"),
    )
    window = models.ForeignKey(
        "windows.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("current window"),
    )
    post = models.CharField(_("post"), max_length=10, choices=Post.choices, default=Post.STAFF)
    joined_hall_on = models.DateField(_("joined the hall on"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})"

    @property
    def rotation_due_on(self) -> datetime.date:
        from staff.rotation import rotation_due_on

        return rotation_due_on(self.post, self.joined_hall_on)


class Assignment(models.Model):
    """Who sat at which window when: the history appraisal and rotation read."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="assignments")
    window = models.ForeignKey(
        "windows.Window", on_delete=models.PROTECT, related_name="assignments"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff"], condition=Q(end__isnull=True), name="one_open_assignment"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="assignment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} @ {self.window} {self.start}–{self.end or ''}"
