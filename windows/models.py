from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
