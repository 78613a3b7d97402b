"""The rules of citizens' ratings (一事一评): who is rated, one rating per token, and the
limits on ratings without a token. Writes are keyword-only and atomic; bad input raises
``ValidationError({field: [message]})`` and writes nothing, abuse raises ``RatingLimited``.

Nothing the citizen's browser says is trusted: the window comes from its public code or the
token, the staff member from the window's assignment, the device from a cookie the server
signed (its absence only makes a new device), the address from the connection.
"""

from __future__ import annotations

import datetime
import functools
import json
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from complaints.case_notices import NOTICE_OPENED, STAFF_PAGE, case_notice_facts
from complaints.cases import case_new, case_open, step_new
from complaints.models import (
    BAD_LEVELS,
    COMMENT_MAX,
    BadRatingCase,
    BadRatingCaseStep,
    Level,
    Rating,
    RatingReason,
    RatingToken,
    WindowRatingCode,
)
from hall.models import Notice
from hall.sql import Precompiled, insert_values
from hall.validators import validate_phone
from staff.models import Assignment, StaffMember
from windows.models import Department, Window

Channel = Rating.Channel
Action = BadRatingCaseStep.Action
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
        return _already_rated()
    if token_expired(token):
        return _("This rating link has expired.")
    if not token.window.active:
        return _("This window no longer takes ratings.")
    return None


def _already_rated() -> str:
    return _("This service has already been rated with this link. Thank you!")


def _fields(model, names: set[str]) -> tuple[str, ...]:
    # In the model's own order: Model.from_db matches a subset of values to fields by it.
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


_TOKEN = _fields(RatingToken, {"id", "token", "window_id", "staff_id", "issued_at"})
_WINDOW = _fields(Window, {"id", "number", "name", "active", "department_id"})
_DEPARTMENT = _fields(Department, {"id", "name", "short_name"})
_token_read = Precompiled(
    lambda value: RatingToken.objects.filter(token=value).values_list(
        *_TOKEN,
        *(f"window__{f}" for f in _WINDOW),
        *(f"window__department__{f}" for f in _DEPARTMENT),
        "rating__created_at",
    )
)


def token_find(value: str) -> RatingToken | None:
    """The token with its window and department (what the rating page shows) and, as
    ``used_at``, when its rating was made (None while unused), in one read compiled once."""
    rows = _token_read.rows(value[:40])
    if not rows:
        return None
    row = rows[0]
    a, b = len(_TOKEN), len(_TOKEN) + len(_WINDOW)
    token = RatingToken.from_db("default", _TOKEN, row[:a])
    token.window = Window.from_db("default", _WINDOW, row[a:b])
    token.window.department = Department.from_db("default", _DEPARTMENT, row[b:-1])
    token.used_at = row[-1]
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


def _token_insert_sql() -> str:
    """One statement that spends a token and stores its rating: the rating is inserted only
    for a known, unexpired token of an active window, and the rating's unique link to the
    token (``ON CONFLICT … DO NOTHING``) makes it the token's only one — of two submissions
    racing with one token, the second waits for the first and inserts nothing. The staff
    member is the token's, else the one person seated at the window that day
    (``staff_on_duty_id``); their account comes back too, for a bad rating's notice. Same text
    on PostgreSQL and SQLite (≥ 3.35: ``RETURNING``)."""
    q = connection.ops.quote_name
    return f"""{_token_insert()}
        RETURNING {_RETURNED_SQL},
            (SELECT s.user_id FROM {q(StaffMember._meta.db_table)} s
             WHERE s.id = {q(Rating._meta.db_table)}.staff_id)"""


def _token_insert() -> str:
    """``_token_insert_sql`` without its ``RETURNING``."""
    q = connection.ops.quote_name
    seat = Assignment._meta
    return f"""
        INSERT INTO {q(Rating._meta.db_table)} (
            window_id, staff_id, department_id, token_id, channel, level, comment, name,
            phone, device_hash, ip_hash, created_at, counted)
        SELECT t.window_id,
               COALESCE(t.staff_id, (
                   SELECT CASE WHEN COUNT(*) = 1 THEN MIN(a.staff_id) END
                   FROM {q(seat.db_table)} a
                   WHERE a.window_id = t.window_id AND a.{q("start")} <= %s
                     AND (a.{q("end")} IS NULL OR a.{q("end")} >= %s))),
               w.department_id, t.id, %s, %s, %s, %s, %s, %s, %s, %s, %s
        FROM {q(RatingToken._meta.db_table)} t
        JOIN {q(Window._meta.db_table)} w ON w.id = t.window_id
        WHERE t.token = %s AND t.issued_at >= %s AND w.active
        ON CONFLICT (token_id) DO NOTHING"""


def _token_insert_with_case_sql(case: list[str], step: list[str], notice: list[str]) -> str:
    """PostgreSQL: ``_token_insert_sql`` that also opens a bad rating's case — the case, its
    first step and the staff member's notice, what ``case_open`` writes after the rating on
    SQLite — in the same statement (a data-modifying ``WITH``): one round trip, atomic
    without a transaction. ``case``, ``step``, ``notice``: their other columns, whose values
    (``hall.sql.insert_values``, what ``save`` would store) follow the insert's parameters.
    The notice's parameters are ``case_notice_params``: its facts, and the case's number
    made from the case's new id as ``BadRatingCase.number`` makes it. Returns the row
    ``_token_insert_sql`` returns."""
    q = connection.ops.quote_name

    def values(columns: list[str]) -> str:
        return ", ".join(["%s"] * len(columns))

    digits = "CAST(c.id AS text)"
    return f"""
        WITH r AS ({_token_insert()} RETURNING {_RETURNED_SQL}),
        c AS (
            INSERT INTO {q(BadRatingCase._meta.db_table)} (rating_id, {", ".join(case)})
            SELECT r.id, {values(case)} FROM r RETURNING id),
        u AS (SELECT s.user_id FROM r JOIN {q(StaffMember._meta.db_table)} s ON s.id = r.staff_id),
        st AS (
            INSERT INTO {q(BadRatingCaseStep._meta.db_table)} (case_id, {", ".join(step)})
            SELECT c.id, {values(step)} FROM c),
        n AS (
            INSERT INTO {q(Notice._meta.db_table)} (user_id, params, {", ".join(notice)})
            SELECT u.user_id, CAST(%s AS jsonb) || jsonb_build_object('case', CAST(%s AS text)
                   || CASE WHEN c.id > 99999 THEN {digits} ELSE lpad({digits}, 5, '0') END),
                   {values(notice)}
            FROM c CROSS JOIN u)
        SELECT r.id, r.window_id, r.staff_id, r.department_id, r.token_id, u.user_id
        FROM r LEFT JOIN u ON TRUE"""


_TOKEN_INSERT: dict[tuple[str, bool], str] = {}  # by database vendor and case, on first use
_RETURNED = ("id", "window_id", "staff_id", "department_id", "token_id")
_RETURNED_SQL = ", ".join(_RETURNED)
_RATING = _fields(Rating, {f.attname for f in Rating._meta.concrete_fields})
_STAFF_USER = _fields(StaffMember, {"id", "user_id"})


def _opening(now: datetime.datetime, level: str) -> tuple[tuple[list[str], ...], list]:
    """The other columns of a bad rating's case, first step and notice, and their values
    with the notice's facts and the case number's prefix (``_token_insert_with_case_sql``)."""
    case = case_new(Rating(level=level, created_at=now))
    case_columns, case_values = insert_values(case, written=("rating_id",))
    step_columns, step_values = insert_values(
        step_new(case, Action.OPENED, author=None, from_state=""), written=("case_id",)
    )
    notice = Notice(kind=NOTICE_OPENED, url=reverse(STAFF_PAGE))
    notice_columns, notice_values = insert_values(notice, written=("user_id", "params"))
    columns = (case_columns, step_columns, notice_columns)
    facts = json.dumps(case_notice_facts(case))
    prefix = BadRatingCase.number_prefix(case.opened_at)
    return columns, [*case_values, *step_values, facts, prefix, *notice_values]


def _token_rating_insert(
    value: str,
    *,
    level: str,
    now: datetime.datetime,
    fields: dict[str, str],
    with_case: bool = False,
    **hashes: str,
) -> Rating:
    """Spend the token ``value`` and store its rating (``_token_insert_sql``; ``with_case``:
    and open its case, ``_token_insert_with_case_sql``); when nothing was stored, say why (a
    ValidationError on ``token``: code "unknown" for a token that does not exist, "refused"
    for a spent or expired one or an inactive window)."""
    opening, more = _opening(now, level) if with_case else ((), [])
    sql = _TOKEN_INSERT.get((connection.vendor, with_case))
    if sql is None:
        sql = _token_insert_with_case_sql(*opening) if with_case else _token_insert_sql()
        _TOKEN_INSERT[connection.vendor, with_case] = sql
    ops = connection.ops
    day = ops.adapt_datefield_value(timezone.localdate(now))
    life = datetime.timedelta(days=settings.HALL_RATING_TOKEN_DAYS)
    values = (
        Channel.TOKEN,
        level,
        fields["comment"],
        fields["name"],
        fields["phone"],
        hashes["device_hash"],
        hashes["ip_hash"],
        ops.adapt_datetimefield_value(now),
        True,
    )
    with connection.cursor() as cursor:  # prepared on PostgreSQL after a few runs
        cursor.execute(
            sql, (day, day, *values, value[:40], ops.adapt_datetimefield_value(now - life), *more)
        )
        row = cursor.fetchone()
    if row is None:
        found = token_find(value)
        code = "unknown" if found is None else "refused"
        message = token_refusal(found) or _already_rated()  # a race lost since the insert
        raise ValidationError({"token": ValidationError(message, code=code)})
    *returned, staff_user_id = row
    known = dict(zip(_RETURNED, returned, strict=True)) | {
        "channel": Channel.TOKEN,
        "level": level,
        "created_at": now,
        "counted": True,
        **fields,
        **hashes,
    }
    rating = Rating.from_db(connection.alias, _RATING, [known[name] for name in _RATING])
    if rating.staff_id is not None:  # who they are is not needed; whom to tell, for a case
        staff = {"id": rating.staff_id, "user_id": staff_user_id}
        rating.staff = StaffMember.from_db(
            connection.alias, _STAFF_USER, [staff[name] for name in _STAFF_USER]
        )
    return rating


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

    With ``token`` (its value, or the token) the window (and perhaps the staff member) come
    from the token, spent by the rating's own insert (``_token_insert_sql``): of two
    submissions racing with one token exactly one stores a rating, whatever either read. A
    good rating without reasons is that one statement and needs no transaction, and so is a
    bad one on PostgreSQL (the statement writes its case too); reasons, and on SQLite a bad
    rating's case, are written in one with it. Without a token the rating is for
    ``window`` and counts against the device's and the address's limits (or the paired
    kiosk's). Bad input raises ValidationError by field; a refused token, on ``token``.
    """
    now = timezone.now()
    hashes = {"device_hash": fingerprint("device", device_id), "ip_hash": fingerprint("ip", ip)}
    if not token and (window is None or not window.active):
        raise ValidationError({"window": [_("This window does not take ratings.")]})
    reasons, fields = _clean(
        level=level, reason_codes=reason_codes, comment=comment, name=name, phone=phone
    )
    if token:
        value = token.token if isinstance(token, RatingToken) else token
        # On PostgreSQL the insert opens a bad rating's case itself; on SQLite it follows.
        bad = level in BAD_LEVELS
        with_case = bad and connection.vendor == "postgresql"
        insert = functools.partial(
            _token_rating_insert, value, level=level, now=now, fields=fields, **hashes
        )
        if not reasons and (with_case or not bad):  # one statement: atomic on its own
            return insert(with_case=with_case)
        with transaction.atomic():
            rating = insert(with_case=with_case)
            _rating_extras(rating, reasons, case=not with_case)
        return rating
    channel = Channel.KIOSK if kiosk else Channel.QR
    with transaction.atomic():
        _check_limits(window=window, channel=channel, now=now, **hashes)
        rating = Rating.objects.create(
            window=window,
            staff_id=staff_on_duty_id(window, timezone.localdate(now)),
            department_id=window.department_id,
            level=level,
            channel=channel,
            created_at=now,
            **hashes,
            **fields,
        )
        _rating_extras(rating, reasons)
    return rating


def _rating_extras(rating: Rating, reasons: list[RatingReason], *, case: bool = True) -> None:
    """What is written with a rating, in its transaction: its reasons, a bad rating's case
    (``case``: False when the rating's own statement wrote it)."""
    if reasons:
        rating.reasons.set(reasons)
    if case:
        case_open(rating=rating, new=True)  # a bad rating opens its case (差评整改)
