"""Window status signs (暂停服务提示牌): setting a sign, the signs shown now, and the minutes
each window spent under each class of sign.

Fairness (GB/T 36112): a network fault does not count against the window; an empty seat (空岗,
away with no reason given) does. An explained absence (break, meeting, fetching files, helping
a citizen elsewhere) is counted apart, and turns red on the supervisor's tablet once it runs
longer than ``HALL_AWAY_LIMIT_MINUTES``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.roles import DUTY_SUPERVISOR, HALL_ADMIN, has_role
from windows.models import Window, WindowStatus

Sign, Reason = WindowStatus.Sign, WindowStatus.Reason

# The class of a sign decides whom its minutes count against.
OPEN, AWAY, EMPTY, FAULT, CLOSED = "open", "away", "empty", "fault", "closed"
CLASSES = (OPEN, AWAY, EMPTY, FAULT, CLOSED)
COUNTS_AGAINST_WINDOW = {EMPTY}


def sign_class(sign: str, reason: str = "") -> str:
    if sign == Sign.AWAY:
        return EMPTY if reason == Reason.EMPTY_SEAT else AWAY
    return {Sign.OPEN: OPEN, Sign.FAULT: FAULT, Sign.CLOSED: CLOSED}[sign]


def away_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.HALL_AWAY_LIMIT_MINUTES)


def is_away_too_long(status: WindowStatus | None, now: datetime.datetime | None = None) -> bool:
    """An away sign (explained or not) shown longer than the limit."""
    if status is None or status.sign != Sign.AWAY:
        return False
    return (now or timezone.now()) - status.set_at > away_limit()


# --- writes --------------------------------------------------------------------------------


@transaction.atomic
def window_sign_set(
    *,
    actor,
    window: Window,
    sign: str,
    reason: str = "",
    note: str = "",
    back_in_minutes: int | None = None,
    now: datetime.datetime | None = None,
) -> WindowStatus:
    """Show a new sign at ``window``, ending the one shown before; or raise ValidationError
    (by field) and write nothing. Setting the sign already shown changes nothing."""
    now = now or timezone.now()
    reason, note = (reason or "").strip(), (note or "").strip()
    errors: dict[str, list[str]] = defaultdict(list)
    if not window.active:
        errors["window"].append(
            _("Window %(number)s is not in service.") % {"number": window.number}
        )
    if sign not in Sign.values:
        errors["sign"].append(_("Choose a sign."))
    if sign == Sign.AWAY:
        if reason not in Reason.values:
            errors["reason"].append(_("Say why the window is away."))
        elif reason == Reason.EMPTY_SEAT and not has_role(actor, DUTY_SUPERVISOR, HALL_ADMIN):
            errors["reason"].append(_("Only the duty supervisor records an empty seat."))
        if reason != Reason.EMPTY_SEAT and not back_in_minutes:
            errors["back_in_minutes"].append(_("Say when the window will be back."))
    else:
        reason = ""
    if back_in_minutes is not None and not (0 < back_in_minutes <= 240):
        errors["back_in_minutes"].append(_("Back within 1 to 240 minutes."))
    if len(note) > 200:
        errors["note"].append(_("Keep the note under 200 characters."))
    if errors:
        raise ValidationError(dict(errors))

    current = (
        WindowStatus.objects.select_for_update()
        .filter(window=window, ended_at__isnull=True)
        .first()
    )
    expected_back = None
    if sign == Sign.AWAY and back_in_minutes:
        expected_back = now + datetime.timedelta(minutes=back_in_minutes)
    if current is not None:
        if (current.sign, current.reason, current.note) == (sign, reason, note) and (
            expected_back is None or current.expected_back == expected_back
        ):
            return current  # the same tap twice: nothing changed
        current.ended_at = max(now, current.set_at)
        current.save(update_fields=["ended_at"])
    try:
        with transaction.atomic():
            return WindowStatus.objects.create(
                window=window,
                sign=sign,
                reason=reason,
                note=note,
                expected_back=expected_back,
                set_by=actor if getattr(actor, "is_authenticated", False) else None,
                set_at=now,
            )
    except IntegrityError:  # someone else set this window's sign in the same instant
        raise ValidationError(
            {"sign": [_("The sign was changed by someone else just now; look and try again.")]}
        ) from None


# --- reads ---------------------------------------------------------------------------------


def floor_version() -> tuple[int, int]:
    """(newest sign id, newest audit entry id), in one query of two primary-key index lookups.
    Every change of a window's sign makes a new row, and every edit of a window, department
    or the hall profile an audit entry: anything the floor board shows moves one of them."""
    from hall.models import AuditEntry

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {WindowStatus._meta.db_table}),"  # noqa: S608
            f" (SELECT MAX(id) FROM {AuditEntry._meta.db_table})"
        )
        sign, audit = cursor.fetchone()
    return sign or 0, audit or 0


def current_signs(window_ids=None, *, with_setter: bool = True) -> dict[int, WindowStatus]:
    """The sign each window shows now, in one query (a window never set shows none)."""
    qs = WindowStatus.objects.filter(ended_at__isnull=True)
    if with_setter:
        qs = qs.select_related("set_by")
    if window_ids is not None:
        qs = qs.filter(window_id__in=list(window_ids))
    return {s.window_id: s for s in qs}


def attach_signs(
    windows, now: datetime.datetime | None = None, *, with_setter: bool = True
) -> list[Window]:
    """The windows as a list, each with ``.sign_now`` (or None), ``.sign_class`` and
    ``.away_too_long`` — one query for all the signs, however many windows."""
    now = now or timezone.now()
    windows = list(windows)
    signs = current_signs((w.pk for w in windows), with_setter=with_setter)
    for w in windows:
        s = signs.get(w.pk)
        w.sign_now = s
        w.sign_class = sign_class(s.sign, s.reason) if s else ""
        w.away_too_long = is_away_too_long(s, now)
        w.away_minutes = int((now - s.set_at).total_seconds() // 60) if s else 0
    return windows


def window_history(window: Window, limit: int = 20) -> list[WindowStatus]:
    return list(window.signs.select_related("set_by")[:limit])


@dataclass
class SignMinutes:
    window: Window
    minutes: dict[str, int]

    @property
    def counted_against(self) -> int:
        return sum(self.minutes[c] for c in COUNTS_AGAINST_WINDOW)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=tz),
    )


def minutes_by_class(
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    windows=None,
    now: datetime.datetime | None = None,
) -> list[SignMinutes]:
    """Minutes each window spent under each class of sign between ``start`` and ``end`` (a
    sign still shown counts up to now). Two queries, however many windows and signs."""
    now = now or timezone.now()
    if windows is None:
        windows = Window.objects.filter(active=True).select_related("department")
    windows = list(windows)
    totals = {w.pk: dict.fromkeys(CLASSES, 0.0) for w in windows}
    rows = WindowStatus.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start),
        window_id__in=list(totals),
        set_at__lt=end,
    ).values_list("window_id", "sign", "reason", "set_at", "ended_at")
    for window_id, sign, reason, set_at, ended_at in rows:
        a = max(set_at, start)
        b = min(ended_at or now, end, now)
        if b > a:
            totals[window_id][sign_class(sign, reason)] += (b - a).total_seconds() / 60
    return [
        SignMinutes(window=w, minutes={c: round(m) for c, m in totals[w.pk].items()})
        for w in windows
    ]
