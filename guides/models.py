from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


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
