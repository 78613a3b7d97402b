"""Citizens' ratings (好差评, 一事一评): coded reasons, single-use rating tokens, the window's
public rating code behind its QR card, and the ratings themselves.

The complaints desk and bad-rating rectification (差评整改) arrive in later slices.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    a queue ticket or receipt. Spent by a conditional update, and the rating's unique link to
    it makes a second rating with the same token impossible in the database."""

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
    used_at = models.DateTimeField(null=True, blank=True)

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

    window = models.ForeignKey(
        "windows.Window", on_delete=models.PROTECT, related_name="ratings", verbose_name=_("window")
    )
    staff = models.ForeignKey(
        "staff.StaffMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name=_("staff member"),
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
            models.Index(fields=["window", "device_hash", "created_at"], name="rating_device"),
            models.Index(fields=["window", "ip_hash", "created_at"], name="rating_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.window.number} {self.get_level_display()} {self.created_at:%Y-%m-%d}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


def mask_phone(phone: str) -> str:
    """138****8000, 023-****2345: enough to recognise, not enough to call."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


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
