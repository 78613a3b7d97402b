"""The demo hall's lost-property register (拾金不昧): the seed's half year — 15 person-times
across 7 windows ("上半年有记载的拾金不昧的窗口就有7个，共15人次") — plus one find by a window as
a whole. Most were returned to their owners, one identity card went to the police, the two
newest are still held at the duty desk. Returns in the open month go through
``hall.lost.lost_close``, so their commendations wait in the hall office's proposals queue.

Safe to run again: nothing is added when the register has rows. Finds fall in the current
year (so the year's tally shows them together), on working days, in office hours.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from hall import demo_data
from hall.lost import lost_close
from hall.models import DutyShift, LostProperty
from hall.workcalendar import WorkCalendar
from staff.models import StaffMember
from windows.models import Window

Status = LostProperty.Status
ITEMS = [
    ("钱包", "黑色皮质钱包，内有现金约300元、银行卡两张"),
    ("身份证", "居民身份证一张"),
    ("手机", "华为手机一部，蓝色外壳，未锁屏"),
    ("现金 1200 元", "现金1200元，装在银行信封内"),
    ("钥匙", "钥匙一串，含汽车遥控钥匙"),
    ("营业执照正本", "某商贸有限公司营业执照正本（副本一并）"),
    ("文件袋", "牛皮纸文件袋，内有房屋买卖合同及身份证复印件"),
    ("银行卡", "建设银行储蓄卡一张"),
    ("U盘", "银色U盘，存有项目申报材料"),
    ("社保卡", "社会保障卡一张"),
    ("手提包", "棕色女式手提包，内有化妆品和钥匙"),
    ("公章", "某建筑劳务公司公章一枚，装在印章盒内"),
    ("户口簿", "居民户口簿一本"),
    ("老花镜", "老花镜一副，黑色眼镜盒"),
    ("雨伞", "蓝色折叠伞一把"),
    ("充电宝", "白色充电宝一个"),
]
PLACES = ["一楼等候区", "二楼等候区", "窗口台面", "填表台", "自助服务区", "复印室", "洗手间"]
# Finds per window: 7 windows, 15 person-times.
PER_WINDOW = (3, 3, 2, 2, 2, 2, 1)


def _aware(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


def _owner(rng: random.Random) -> tuple[str, str]:
    given = "".join(rng.choice(demo_data.GIVEN_CHARS) for _ in range(rng.choice((1, 2))))
    phone = rng.choice(demo_data.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    return rng.choice(demo_data.SURNAMES) + given, phone


def seed_lost(*, rng_seed: int = 2026, today: datetime.date | None = None) -> Counter:
    created: Counter = Counter()
    if LostProperty.objects.exists():
        return created
    today = today or timezone.localdate()
    rng = random.Random(f"{rng_seed}:lost")
    User = get_user_model()
    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return created
    seated: dict[int, list[StaffMember]] = {}
    for member in StaffMember.objects.filter(active=True, window__isnull=False).order_by("pk"):
        seated.setdefault(member.window_id, []).append(member)
    windows = [w for w in Window.objects.filter(active=True).order_by("number") if w.pk in seated]
    if len(windows) < len(PER_WINDOW):
        return created
    start = max(today - datetime.timedelta(days=182), today.replace(month=1, day=1))
    cal = WorkCalendar(start, today)
    days = [
        start + datetime.timedelta(days=i)
        for i in range((today - start).days)  # before today: today's desk starts empty
        if cal.is_working_day(start + datetime.timedelta(days=i))
    ]
    if len(days) < 16:
        return created
    finders: list[tuple[Window, StaffMember | None]] = []
    for window, n in zip(rng.sample(windows, len(PER_WINDOW)), PER_WINDOW, strict=True):
        finders += [(window, rng.choice(seated[window.pk])) for _ in range(n)]
    finders.append((finders[0][0], None))  # once, the window as a whole
    rng.shuffle(finders)
    # The newest finds come last: two days this month or just before, for the held ones.
    chosen = sorted(rng.sample(days[:-2], len(finders) - 2)) + days[-2:]
    shifts = {s.date: s for s in DutyShift.objects.filter(date__in=chosen)}
    things = rng.sample(ITEMS, len(finders))
    month_start = today.replace(day=1)
    for n, ((window, staff), day, (thing, description)) in enumerate(
        zip(finders, chosen, things, strict=True)
    ):
        found_at = _aware(day, rng.randint(9, 16), rng.randint(0, 59))
        shift = shifts.get(day)
        item = LostProperty.objects.create(
            key=uuid.uuid4(),
            item=thing,
            description=description,
            found_place="窗口台面" if staff is None else rng.choice(PLACES),
            found_at=found_at,
            found_by_window=window,
            found_by_staff=staff,
            shift=shift,
            handed_in_at=found_at + datetime.timedelta(minutes=rng.randint(3, 20)),
            registered_by=shift.supervisor if shift else supervisor,
        )
        created["lost property"] += 1
        if n >= len(finders) - 2:
            continue  # the two newest are still held at the desk
        closer = shift.supervisor if shift else supervisor
        closed_at = min(
            found_at + datetime.timedelta(hours=rng.randint(1, 72)),
            _aware(today, 8, 30),
        )
        if thing == "身份证":
            LostProperty.objects.filter(pk=item.pk).update(
                status=Status.POLICE,
                closed_at=closed_at,
                closed_by=closer,
                closing_note="联系失主未果，移交辖区派出所",
            )
            continue
        owner, phone = _owner(rng)
        if closed_at.date() >= month_start:
            # The open month: through the service, so a commendation is proposed.
            try:
                result = lost_close(
                    actor=closer,
                    item=item,
                    status=Status.RETURNED,
                    closed_at=closed_at,
                    owner_name=owner,
                    owner_phone=phone,
                    note="失主凭身份证签字领回",
                )
                created["lost property proposals"] += result.proposal is not None
                continue
            except ValidationError:
                pass
        LostProperty.objects.filter(pk=item.pk).update(
            status=Status.RETURNED,
            closed_at=closed_at,
            closed_by=closer,
            owner_name=owner,
            owner_phone=phone,
            closing_note="失主凭身份证签字领回",
        )
    return created
