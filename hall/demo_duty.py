"""The demo hall's duty desk: three duty supervisors on a roster from the start of last month
to the end of this one, a shift with a realistic log on every past working day, window
status signs for the last working days, and a few inspection findings proposed to the hall
office. Today's shift is left for the demo supervisor to open.

Safe to run again: days that already have a shift, and windows that already have signs,
are left alone. Drawn from ``random.Random(seed)``.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from appraisal.models import ScoreEntry
from appraisal.proposals import entry_propose
from hall import demo_data
from hall.duty import mildest_points, rules_for_heading
from hall.models import DutyLogEntry, DutyRosterDay, DutyShift
from hall.roles import DUTY_SUPERVISOR
from hall.services import user_create
from hall.workcalendar import WorkCalendar
from staff.models import StaffMember
from windows.models import Window, WindowStatus

EXTRA_SUPERVISORS = (("supervisor2", "值班长 赵敏"), ("supervisor3", "值班长 孙强"))
Kind, Counter_ = DutyLogEntry.Kind, DutyLogEntry.Counter
INCIDENTS = [
    ("群众因材料不齐与窗口争执", "二楼B区", "张先生", "值班长解释补正要求，群众表示理解", ""),
    ("老人在等候区身体不适", "一楼等候区", "一位老人", "扶到休息区，联系家属接回", ""),
    ("群众反映排队叫号系统跳号", "一楼取号机", "李女士", "", "信息科"),
    ("两位群众排队时发生口角", "一楼A区", "两位群众", "分开安抚后各自办理", ""),
]
SERVICES = [
    ("equipment", "打印机卡纸", "信息科 小周"),
    ("equipment", "高拍仪无法识别", "信息科 小周"),
    ("supplies", "领取复印纸两包", "李明"),
    ("supplies", "回执单用完", "后勤 老陈"),
    ("question", "咨询新的考勤规定", "李明"),
]
FINDINGS = {
    "seat": "离岗未放置“请稍候”提示牌",
    "dress": "未佩戴工作牌",
    "language": "答复群众语气生硬",
    "desk": "台面堆放与业务无关物品",
    "sign": "暂停服务时未摆放提示牌",
    "conduct": "主动引导老人填写申请表",
}
HANDOVERS = [
    "今日运行平稳，无遗留事项。",
    "叫号机偶有卡顿，已报信息科。",
    "有群众明日来补材料，见未结事项。",
    "二楼空调偏冷，已通知物业调节。",
]


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


def _supervisors() -> list:
    User = get_user_model()
    for username, full_name in EXTRA_SUPERVISORS:
        if not User.objects.filter(username=username).exists():
            user_create(
                actor=None,
                username=username,
                full_name=full_name,
                roles=[DUTY_SUPERVISOR],
                department=None,
                password=demo_data.DEMO_PASSWORD,
            )
    names = ["supervisor"] + [u for u, _ in EXTRA_SUPERVISORS]
    by_name = {u.username: u for u in User.objects.filter(username__in=names)}
    return [by_name[n] for n in names if n in by_name]


def seed_duty(*, rng_seed: int = 2026, today: datetime.date | None = None) -> Counter:
    today = today or timezone.localdate()
    rng = random.Random(rng_seed)
    created: Counter = Counter()
    supervisors = _supervisors()
    if not supervisors:
        return created
    start = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    end = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    cal = WorkCalendar(start, end)
    days = [
        start + datetime.timedelta(days=i)
        for i in range((end - start).days)
        if cal.is_working_day(start + datetime.timedelta(days=i))
    ]
    roster = set(DutyRosterDay.objects.filter(date__range=(start, end)).values_list("date", flat=1))
    for i, day in enumerate(days):
        if day in roster:
            continue
        who = supervisors[0] if day == today else supervisors[i % len(supervisors)]
        DutyRosterDay.objects.create(date=day, supervisor=who)
        created["duty roster days"] += 1

    windows = list(Window.objects.filter(active=True).order_by("number"))
    staff_at = {}
    for member in StaffMember.objects.filter(active=True, window__isnull=False):
        staff_at.setdefault(member.window_id, []).append(member)
    shifted = set(DutyShift.objects.values_list("date", flat=True))
    rostered = dict(
        DutyRosterDay.objects.filter(date__range=(start, end)).values_list("date", "supervisor")
    )
    by_pk = {u.pk: u for u in supervisors}
    past = [d for d in days if d < today]
    for n, day in enumerate(past):
        if day in shifted or rostered.get(day) not in by_pk:
            continue
        _shift(rng, day, by_pk[rostered[day]], windows, staff_at, created, last=n == len(past) - 1)
    _signs(rng, [d for d in days if d <= today][-5:], windows, supervisors[0], today, created)
    return created


def _entry(shift, kind, at, **fields) -> DutyLogEntry:
    return DutyLogEntry.objects.create(
        shift=shift, kind=kind, key=uuid.uuid4(), author=shift.supervisor, created_at=at, **fields
    )


def _shift(rng, day, who, windows, staff_at, created, last: bool) -> None:
    shift = DutyShift.objects.create(
        date=day,
        supervisor=who,
        opened_at=_aware(day, 8, rng.randint(40, 58)),
        closed_at=_aware(day, 17, rng.randint(30, 50)),
        handover_note=rng.choice(HANDOVERS),
    )
    created["duty shifts"] += 1

    def moment() -> datetime.datetime:
        return _aware(day, rng.randint(9, 16), rng.randint(0, 59))

    for _ in range(rng.randint(12, 30)):
        counter = rng.choices(Counter_.values, weights=[6, 5, 2, 1])[0]
        _entry(shift, Kind.RECEPTION, moment(), counter=counter)
    if rng.random() < 0.3:
        text, place, citizen, outcome, escalated = rng.choice(INCIDENTS)
        _entry(
            shift,
            Kind.INCIDENT,
            moment(),
            text=text,
            place=place,
            citizen=citizen,
            outcome=outcome,
            escalated_to=escalated,
            follow_up=bool(escalated) and last,
        )
    for _ in range(rng.randint(0, 2)):
        kind, text, handler = rng.choice(SERVICES)
        at = moment()
        open_ = last and kind == "equipment"
        _entry(
            shift,
            Kind.SERVICE,
            at,
            window=rng.choice(windows),
            request_kind=kind,
            text=text,
            handled_by=handler,
            done_at=None if open_ else at + datetime.timedelta(minutes=25),
            follow_up=open_,
        )
    if last:  # something for today's supervisor to take over
        _entry(
            shift,
            Kind.NOTE,
            _aware(day, 17, 20),
            follow_up=True,
            text="王女士明日上午来补交营业执照复印件，请接待后引导至工商窗口",
        )
    created["duty log entries"] += DutyLogEntry.objects.filter(shift=shift).count()
    for window in rng.sample(windows, min(len(windows), rng.randint(3, 6))):
        visit = _entry(shift, Kind.INSPECTION, moment(), window=window)
        people = staff_at.get(window.pk, [])
        if not people or rng.random() > 0.15:
            continue
        heading = rng.choice(list(FINDINGS))
        member = rng.choice(people)
        finding = DutyLogEntry.objects.create(
            shift=shift,
            kind=Kind.FINDING,
            parent=visit,
            author=who,
            created_at=visit.created_at,
            window=window,
            staff=member,
            heading=heading,
            text=FINDINGS[heading],
        )
        rules = [r for r in rules_for_heading(day, heading) if r.applies_to == "staff"]
        if not rules:
            continue
        try:
            entry_propose(
                author=who,
                rule=rules[0],
                points=mildest_points(rules[0]),
                occurred_on=day,
                source=ScoreEntry.Source.DUTY_LOG,
                staff=member,
                evidence=f"{window.number} {FINDINGS[heading]}",
                source_object=finding,
            )
            created["proposed entries"] += 1
        except ValidationError:
            pass  # the month is closed already: the finding stays in the log only


def _signs(rng, days, windows, actor, today, created) -> None:
    if WindowStatus.objects.exists():
        return
    now = timezone.now()
    rows = []
    seated = dict(
        StaffMember.objects.filter(active=True, window__isnull=False)
        .order_by("-post", "employee_no")
        .values_list("window_id", "user_id")
    )
    for window in windows:
        t_prev = None
        setter_id = seated.get(window.pk, actor.pk)  # staff set their own window's sign
        for day in days:
            plan = [(_aware(day, 8, 55), "open", "", "")]
            for _ in range(rng.randint(0, 2)):
                at = _aware(day, rng.randint(9, 15), rng.randint(0, 50))
                reason = rng.choices(
                    ["break", "meeting", "files", "helping", "empty_seat"], [5, 2, 3, 3, 1]
                )[0]
                plan += [
                    (at, "away", reason, ""),
                    (at + datetime.timedelta(minutes=rng.randint(5, 25)), "open", "", ""),
                ]
            if rng.random() < 0.05:
                at = _aware(day, rng.randint(9, 15), 10)
                plan += [
                    (at, "fault", "", "政务专网中断"),
                    (at + datetime.timedelta(minutes=40), "open", "", ""),
                ]
            plan.append((_aware(day, 17, 30), "closed", "", ""))
            plan.sort(key=lambda p: p[0])
            for at, sign, reason, note in plan:
                if at > now:
                    break
                if rows and t_prev is not None:
                    rows[-1].ended_at = at
                rows.append(
                    WindowStatus(
                        window=window,
                        sign=sign,
                        reason=reason,
                        note=note,
                        set_by_id=setter_id,
                        set_at=at,
                        expected_back=at + datetime.timedelta(minutes=15)
                        if sign == "away"
                        else None,
                    )
                )
                t_prev = at
        t_prev = None
        if rows:
            rows[-1].ended_at = None
    WindowStatus.objects.bulk_create(rows, batch_size=500)
    created["window signs"] += len(rows)
