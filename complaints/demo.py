"""Demo ratings for ``manage.py seed_demo``: the default coded reasons, every window's QR
code, and six months of citizens' ratings (plus this month so far).

Most ratings are 非常满意 or 满意; a few bad ones carry reasons and a comment, some with a
name and phone. Two windows do worse than the rest month after month, so the statistics
page has windows to call in for a talk (约谈). About a third of the ratings come through a
token the serving staff member issued, so they name that person; QR and kiosk ratings name
the staff member only where one person sits at the window.

Idempotent: a reason is keyed on its code; a month that has ratings gets no new ones.
Deterministic: each month is drawn from its own ``random.Random`` (seed and month).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.models import Level, Rating, RatingReason, RatingToken
from complaints.ratings import fingerprint, window_codes
from complaints.rollups import rollup_refresh
from complaints.selectors import month_bounds
from hall import demo_data
from hall.workcalendar import WorkCalendar
from staff.models import Assignment
from windows.models import Window

L = Level
HISTORY_MONTHS = 6
PER_WINDOW_DAY = (0, 3)  # ratings a window gets on a working day (raise for a bigger demo)

# Coded reasons per level. The offline indicators of the national scheme: efficiency,
# service level, attitude, overall satisfaction (REFERENCES.md).
DEFAULT_REASONS: tuple[tuple[str, str, str], ...] = (
    (L.VERY_SATISFIED, "VS01", "办事效率高，一次办成"),
    (L.VERY_SATISFIED, "VS02", "服务态度热情周到"),
    (L.VERY_SATISFIED, "VS03", "业务熟练，解答清楚准确"),
    (L.VERY_SATISFIED, "VS04", "材料一次性告知，不用多跑"),
    (L.VERY_SATISFIED, "VS05", "环境整洁，便民设施齐全"),
    (L.SATISFIED, "S01", "办理比较快"),
    (L.SATISFIED, "S02", "态度良好"),
    (L.SATISFIED, "S03", "解答比较清楚"),
    (L.SATISFIED, "S04", "流程规范"),
    (L.BASIC, "B01", "等候时间稍长"),
    (L.BASIC, "B02", "解答基本清楚"),
    (L.BASIC, "B03", "办事流程还可以简化"),
    (L.BASIC, "B04", "办事指南不够清楚"),
    (L.DISSATISFIED, "D01", "等候时间过长"),
    (L.DISSATISFIED, "D02", "服务态度生硬"),
    (L.DISSATISFIED, "D03", "业务不熟，解答不清"),
    (L.DISSATISFIED, "D04", "材料未一次性告知，多跑了路"),
    (L.DISSATISFIED, "D05", "办理超过承诺时限"),
    (L.VERY_DISSATISFIED, "VD01", "态度恶劣，推诿扯皮"),
    (L.VERY_DISSATISFIED, "VD02", "窗口无人，空岗离岗"),
    (L.VERY_DISSATISFIED, "VD03", "多次跑腿仍未办成"),
    (L.VERY_DISSATISFIED, "VD04", "吃拿卡要或乱收费"),
)

GOOD_COMMENTS = (
    "工作人员很耐心，谢谢！",
    "十分钟就办好了，点赞。",
    "一次就办成了，比以前方便多了。",
    "讲解得很清楚，辛苦了。",
    "中午也有人值班，很贴心。",
)
BASIC_COMMENTS = ("人有点多，等了半小时。", "希望网上能预约。", "填表的样本可以再清楚一点。")
BAD_COMMENTS = (
    "排队一个多小时，窗口只开了一个。",
    "问了三次才说清楚要什么材料，白跑了两趟。",
    "工作人员一直在看手机，态度很不耐烦。",
    "说好五个工作日，两周了还没办好。",
    "下午三点多窗口就没人了。",
    "让我回去补材料，上次来的时候没说要这个。",
    "说话很冲，问多了就不理人。",
)

# Level weights: the hall as a whole, and the two windows that lag behind.
USUAL = {
    L.VERY_SATISFIED: 64,
    L.SATISFIED: 25,
    L.BASIC: 7,
    L.DISSATISFIED: 3,
    L.VERY_DISSATISFIED: 1,
}
LAGGING = {
    L.VERY_SATISFIED: 42,
    L.SATISFIED: 28,
    L.BASIC: 14,
    L.DISSATISFIED: 11,
    L.VERY_DISSATISFIED: 5,
}
LAGGING_WINDOWS = 2
HOURS = (9, 10, 11, 14, 15, 16)  # office hours


@dataclass
class Result:
    created: Counter = field(default_factory=Counter)

    def line(self) -> str:
        new = self.created.get("ratings", 0)
        bad = Rating.objects.filter(level__in=[L.DISSATISFIED, L.VERY_DISSATISFIED]).count()
        return (
            f"  Ratings: {Rating.objects.count()}{f' (+{new})' if new else ''}, "
            f"{bad} bad, {RatingReason.objects.count()} coded reasons"
        )


def reasons_seed() -> int:
    existing = set(RatingReason.objects.values_list("code", flat=True))
    new = [
        RatingReason(level=level, code=code, title=title, display_order=order * 10)
        for order, (level, code, title) in enumerate(DEFAULT_REASONS, start=1)
        if code not in existing
    ]
    RatingReason.objects.bulk_create(new)
    return len(new)


def _add_months(day: datetime.date, n: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


class MonthBuilder:
    def __init__(self, rng_seed: int, windows: list[Window], reasons: dict[str, list]):
        self.rng_seed = rng_seed
        self.windows = windows
        self.reasons = reasons
        self.lagging = {w.pk for w in windows[3 : 3 + LAGGING_WINDOWS]}
        self.seats = list(Assignment.objects.values_list("window_id", "staff_id", "start", "end"))

    def seated(self, window_id: int, day: datetime.date) -> list[int]:
        return sorted(
            staff
            for w, staff, start, end in self.seats
            if w == window_id and start <= day and (end is None or end >= day)
        )

    def build(self, month: datetime.date, until: datetime.date) -> int:
        """Ratings for the month's working days before ``until``; returns how many."""
        rng = random.Random(f"{self.rng_seed}-ratings-{month:%Y-%m}")
        last = _add_months(month, 1) - datetime.timedelta(days=1)
        calendar = WorkCalendar(month, last)
        tz = timezone.get_current_timezone()
        ratings: list[Rating] = []
        tokens: list[RatingToken] = []
        picked: list[list] = []
        day = month
        while day <= last and day < until:
            if calendar.is_working_day(day):
                for window in self.windows:
                    seated = self.seated(window.pk, day)
                    weights = LAGGING if window.pk in self.lagging else USUAL
                    for _ in range(rng.randint(*PER_WINDOW_DAY)):
                        hour = rng.choice(HOURS)
                        at = timezone.make_aware(
                            datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60))),
                            tz,
                        )
                        level = rng.choices(list(weights), weights=list(weights.values()))[0]
                        rating, token, chosen = self.one(rng, window, seated, level, at)
                        ratings.append(rating)
                        tokens.append(token)
                        picked.append(chosen)
            day += datetime.timedelta(days=1)
        RatingToken.objects.bulk_create([t for t in tokens if t is not None], batch_size=1000)
        for rating, token in zip(ratings, tokens, strict=True):
            rating.token = token
        Rating.objects.bulk_create(ratings, batch_size=1000)
        through = Rating.reasons.through
        through.objects.bulk_create(
            [
                through(rating_id=rating.pk, ratingreason_id=reason.pk)
                for rating, chosen in zip(ratings, picked, strict=True)
                for reason in chosen
            ],
            batch_size=2000,
        )
        return len(ratings)

    def one(self, rng: random.Random, window: Window, seated: list[int], level: str, at):
        roll = rng.random()
        channel = (
            Rating.Channel.TOKEN
            if roll < 0.35
            else Rating.Channel.KIOSK
            if roll < 0.5
            else Rating.Channel.QR
        )
        token = None
        if channel == Rating.Channel.TOKEN and seated:
            staff_id = rng.choice(seated)
            token = RatingToken(
                token=f"demo{rng.getrandbits(96):024x}",
                window=window,
                staff_id=staff_id,
                issued_at=at - datetime.timedelta(minutes=rng.randint(1, 20)),
            )
        else:
            channel = Rating.Channel.QR if channel == Rating.Channel.TOKEN else channel
            staff_id = seated[0] if len(seated) == 1 else None
        bad = level in (L.DISSATISFIED, L.VERY_DISSATISFIED)
        options = self.reasons[level]
        k = rng.randint(1, 2) if bad else rng.choice((0, 0, 1, 1, 2))
        chosen = rng.sample(options, k=min(k, len(options)))
        comment = ""
        if bad:
            comment = rng.choice(BAD_COMMENTS) if rng.random() < 0.8 else ""
        elif level == L.BASIC and rng.random() < 0.3:
            comment = rng.choice(BASIC_COMMENTS)
        elif rng.random() < 0.06:
            comment = rng.choice(GOOD_COMMENTS)
        name = phone = ""
        if rng.random() < (0.45 if bad else 0.08):
            given = "".join(rng.choice(demo_data.GIVEN_CHARS) for _ in range(rng.randint(1, 2)))
            name = rng.choice(demo_data.SURNAMES) + given
            phone = rng.choice(demo_data.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        device = ip = ""
        if channel != Rating.Channel.TOKEN:
            device = fingerprint("device", f"demo-{rng.getrandbits(64):x}")
            ip = fingerprint("ip", f"10.8.{rng.randrange(256)}.{rng.randrange(256)}")
        rating = Rating(
            window=window,
            staff_id=staff_id,
            department_id=window.department_id,
            level=level,
            comment=comment,
            name=name,
            phone=phone,
            channel=channel,
            device_hash=device,
            ip_hash=ip,
            created_at=at,
        )
        return rating, token, chosen


@transaction.atomic
def seed_ratings(*, rng_seed: int = 2026, today: datetime.date | None = None) -> Result:
    """The default reasons, the windows' QR codes and the rating history up to ``today``
    (ratings of today's month only for the days before it). Safe to run again."""
    today = today or timezone.localdate()
    result = Result()
    result.created["rating reasons"] += reasons_seed()
    windows = list(Window.objects.filter(active=True).order_by("number"))
    window_codes(windows)
    reasons: dict[str, list] = {level: [] for level in Level.values}
    for reason in RatingReason.objects.filter(active=True):
        reasons[reason.level].append(reason)
    builder = MonthBuilder(rng_seed, windows, reasons)
    this_month = today.replace(day=1)
    for n in range(HISTORY_MONTHS, -1, -1):
        month = _add_months(this_month, -n)
        start, end = month_bounds(month)
        if Rating.objects.filter(Q(created_at__gte=start) & Q(created_at__lt=end)).exists():
            continue
        result.created["ratings"] += builder.build(month, until=today)
    for n in range(HISTORY_MONTHS, -1, -1):  # what beat would have rolled up by now
        rollup_refresh(_add_months(this_month, -n))
    return result
