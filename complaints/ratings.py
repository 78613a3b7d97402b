"""The rules of citizens' ratings (一事一评): who is rated, one rating per token, and the
limits on ratings without a token. Writes are keyword-only and atomic; bad input raises
``ValidationError({field: [message]})`` and writes nothing, abuse raises ``RatingLimited``.

Nothing the citizen's browser says is trusted: the window comes from its public code or the
token, the staff member from the window's assignment, the device from a cookie the server
signed (its absence only makes a new device), the address from the connection.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from complaints.cases import case_open
from complaints.models import (
    COMMENT_MAX,
    Level,
    Rating,
    RatingReason,
    RatingToken,
    WindowRatingCode,
)
from hall.sql import Precompiled
from hall.validators import validate_phone
from staff.models import Assignment, StaffMember
from windows.models import Department, Window

Channel = Rating.Channel
NAME_MAX = Rating._meta.get_field("name").max_length


class RatingLimited(Exception):
    """Too many ratings without a token: told to the citizen kindly, with status 429."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- small pieces ------------------------------------------------------------------------


def new_secret() -> str:
    """22 URL-safe characters: 128 random bits, not guessable and not enumerable."""
    return secrets.token_urlsafe(16)


def fingerprint(kind: str, value: str) -> str:
    """A keyed hash of a device id or an address: enough to count, useless to anyone else."""
    if not value:
        return ""
    return salted_hmac(f"complaints.rating.{kind}", value).hexdigest()[:32]


def staff_on_duty_id(window: Window, day: datetime.date) -> int | None:
    """The staff member seated at the window on ``day`` by the assignment history, when it is
    one person. With several seated together the hall cannot tell who served, so the rating
    counts for the window and department only (a token issued by a person names them)."""
    seated = list(
        Assignment.objects.filter(window=window, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .values_list("staff_id", flat=True)[:2]
    )
    return seated[0] if len(seated) == 1 else None


def window_codes(windows: Iterable[Window]) -> dict[int, str]:
    """The public rating code of each window, made on first need (window id → code)."""
    windows = list(windows)
    ids = [w.pk for w in windows]
    codes = dict(
        WindowRatingCode.objects.filter(window_id__in=ids).values_list("window_id", "code")
    )
    missing = [pk for pk in ids if pk not in codes]
    if missing:
        WindowRatingCode.objects.bulk_create(
            [WindowRatingCode(window_id=pk, code=new_secret()) for pk in missing],
            ignore_conflicts=True,  # another request made it first: read theirs below
        )
        codes.update(
            WindowRatingCode.objects.filter(window_id__in=missing).values_list("window_id", "code")
        )
    return codes


def window_for_code(code: str) -> Window | None:
    """The active window behind a public code, or None for an unknown or retired one."""
    found = (
        WindowRatingCode.objects.filter(code=code[:40], window__active=True)
        .select_related("window__department")
        .first()
    )
    return found.window if found else None


def reasons_by_level() -> dict[str, list[RatingReason]]:
    grouped: dict[str, list[RatingReason]] = {level: [] for level in Level.values}
    for reason in RatingReason.objects.filter(active=True):
        grouped[reason.level].append(reason)
    return grouped


def token_expired(token: RatingToken, now: datetime.datetime | None = None) -> bool:
    life = datetime.timedelta(days=settings.HALL_RATING_TOKEN_DAYS)
    return token.issued_at + life < (now or timezone.now())


def token_refusal(token: RatingToken | None) -> str | None:
    """Why a token cannot be used (forged, spent, expired), or None when it can."""
    if token is None:
        return _("This rating link is not valid. Please scan the code at the window again.")
    if token.used_at is not None:
        return _("This service has already been rated with this link. Thank you!")
    if token_expired(token):
        return _("This rating link has expired.")
    if not token.window.active:
        return _("This window no longer takes ratings.")
    return None


def _fields(model, names: set[str]) -> tuple[str, ...]:
    # In the model's own order: Model.from_db matches a subset of values to fields by it.
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


_TOKEN = _fields(RatingToken, {"id", "token", "window_id", "staff_id", "issued_at", "used_at"})
_WINDOW = _fields(Window, {"id", "number", "name", "active", "department_id"})
_DEPARTMENT = _fields(Department, {"id", "name", "short_name"})
_token_read = Precompiled(
    lambda value: RatingToken.objects.filter(token=value).values_list(
        *_TOKEN,
        *(f"window__{f}" for f in _WINDOW),
        *(f"window__department__{f}" for f in _DEPARTMENT),
        "window__rating_code__code",
    )
)


def token_find(value: str) -> RatingToken | None:
    """The token with its window and department (what the rating page and the submission
    use), and the window's public code as ``window_code`` (None until it is made), in one
    read compiled once: this runs on every rating sent with a token."""
    rows = _token_read.rows(value[:40])
    if not rows:
        return None
    row = rows[0]
    a, b = len(_TOKEN), len(_TOKEN) + len(_WINDOW)
    token = RatingToken.from_db("default", _TOKEN, row[:a])
    token.window = Window.from_db("default", _WINDOW, row[a:b])
    token.window.department = Department.from_db("default", _DEPARTMENT, row[b:-1])
    token.window_code = row[-1]
    return token


# --- writes ------------------------------------------------------------------------------


@transaction.atomic
def token_issue(*, window: Window, staff: StaffMember | None = None, issued_by=None) -> RatingToken:
    """A new single-use token for one service at ``window`` (optionally naming who served)."""
    if not window.active:
        raise ValidationError({"window": [_("This window is not active.")]})
    if staff is not None and staff.pk not in staff_on_duty_ids(window, timezone.localdate()):
        raise ValidationError({"staff": [_("This staff member is not seated at the window.")]})
    return RatingToken.objects.create(
        token=new_secret(), window=window, staff=staff, issued_by=issued_by
    )


def staff_on_duty_ids(window: Window, day: datetime.date) -> set[int]:
    return set(
        Assignment.objects.filter(window=window, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .values_list("staff_id", flat=True)
    )


def _clean(
    *, level: str, reason_codes: Iterable[str], comment: str, name: str, phone: str
) -> tuple[list[RatingReason], dict[str, str]]:
    errors: dict[str, list[str]] = {}
    if level not in Level.values:
        errors["level"] = [_("Choose how satisfied you are.")]
    codes = {str(c) for c in reason_codes if c}
    # No reason ticked (most ratings): no query.
    reasons = (
        list(RatingReason.objects.filter(code__in=codes, active=True, level=level)) if codes else []
    )
    if len(reasons) != len(codes) and "level" not in errors:
        errors["reasons"] = [_("Choose reasons from the list of the level you chose.")]
    comment, name, phone = comment.strip(), name.strip(), phone.strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [
            _("Keep the comment to %(limit)s characters (it has %(n)s).")
            % {"limit": COMMENT_MAX, "n": len(comment)}
        ]
    if len(name) > NAME_MAX:
        errors["name"] = [_("Keep the name to %(limit)s characters.") % {"limit": NAME_MAX}]
    try:
        validate_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return reasons, {"comment": comment, "name": name, "phone": phone}


def _check_limits(
    *, window: Window, channel: str, device_hash: str, ip_hash: str, now: datetime.datetime
) -> None:
    """Refuse a rating without a token over the hall's limits. Runs under a lock on the
    window's row, so two requests from one device cannot both slip under a limit."""
    Window.objects.select_for_update().filter(pk=window.pk).first()
    untokened = Rating.objects.filter(window=window, token__isnull=True)
    if channel == Channel.KIOSK:
        hour_ago = now - datetime.timedelta(hours=1)
        n = untokened.filter(channel=Channel.KIOSK, created_at__gte=hour_ago).count()
        if n >= settings.HALL_RATING_KIOSK_PER_HOUR:
            raise RatingLimited(
                _(
                    "This window's kiosk has taken many ratings in the last hour; please rate by "
                    "scanning the QR code instead."
                )
            )
        return
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if device_hash:
        n = untokened.filter(device_hash=device_hash, created_at__gte=midnight).count()
        if n >= settings.HALL_RATING_PER_DEVICE_PER_DAY:
            raise RatingLimited(
                _(
                    "Thank you — you have already rated this window %(n)s times today. "
                    "Each service is rated once; you can rate again tomorrow."
                )
                % {"n": n}
            )
    if ip_hash:
        hour_ago = now - datetime.timedelta(hours=1)
        n = untokened.filter(channel=Channel.QR, ip_hash=ip_hash, created_at__gte=hour_ago).count()
        if n >= settings.HALL_RATING_PER_IP_PER_HOUR:
            raise RatingLimited(
                _(
                    "This window has received many ratings from your network in the last hour. "
                    "Please try again later, or ask the window for a rating ticket."
                )
            )


@transaction.atomic
def rating_submit(
    *,
    level: str,
    reason_codes: Iterable[str] = (),
    comment: str = "",
    name: str = "",
    phone: str = "",
    window: Window | None = None,
    token: str | RatingToken = "",
    kiosk: bool = False,
    device_id: str = "",
    ip: str = "",
) -> Rating:
    """Store one rating of one service.

    With ``token`` (its value, or the token as ``token_find`` read it) the window (and perhaps
    the staff member) come from the token, which is spent by a conditional update: of two
    submissions racing with one token exactly one stores a rating, whatever either read.
    Without a token the rating is for ``window`` and counts against the device's and the
    address's limits (or the paired kiosk's).
    """
    now = timezone.now()
    device_hash, ip_hash = fingerprint("device", device_id), fingerprint("ip", ip)
    spent: RatingToken | None = None
    if token:
        spent = token if isinstance(token, RatingToken) else token_find(token)
        refusal = token_refusal(spent)
        if refusal:
            raise ValidationError({"token": [refusal]}, code="token")
        window = spent.window
        channel = Channel.TOKEN
    else:
        if window is None or not window.active:
            raise ValidationError({"window": [_("This window does not take ratings.")]})
        channel = Channel.KIOSK if kiosk else Channel.QR
    reasons, fields = _clean(
        level=level, reason_codes=reason_codes, comment=comment, name=name, phone=phone
    )
    if spent is not None:
        claimed = RatingToken.objects.filter(pk=spent.pk, used_at__isnull=True).update(used_at=now)
        if claimed != 1:
            raise ValidationError(
                {"token": [_("This service has already been rated with this link. Thank you!")]},
                code="token",
            )
        staff_id = spent.staff_id or staff_on_duty_id(window, timezone.localdate(now))
    else:
        _check_limits(
            window=window, channel=channel, device_hash=device_hash, ip_hash=ip_hash, now=now
        )
        staff_id = staff_on_duty_id(window, timezone.localdate(now))
    # No savepoint: on an integrity error the whole submission is rolled back (the
    # ValidationError leaves the outer atomic block), the token's claim with it.
    try:
        rating = Rating.objects.create(
            window=window,
            staff_id=staff_id,
            department_id=window.department_id,
            level=level,
            channel=channel,
            token=spent,
            device_hash=device_hash,
            ip_hash=ip_hash,
            created_at=now,
            **fields,
        )
    except IntegrityError:  # the token's one rating exists already
        raise ValidationError(
            {"token": [_("This service has already been rated with this link. Thank you!")]},
            code="token",
        ) from None
    if reasons:
        rating.reasons.set(reasons)
    case_open(rating=rating, new=True)  # a bad rating opens its case (差评整改)
    return rating
