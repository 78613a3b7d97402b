"""The demo's complaints desk: about thirty complaints over the last six months, through every
channel and every state (two overdue with their reminders), made through the desk's own
services and then dated back. Deterministic; written once however often the seed runs."""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from complaints import desk
from complaints.models import Complaint, ComplaintStep
from complaints.overdue import complaints_overdue_run
from hall import demo_data
from hall.workcalendar import add_working_days
from staff.models import StaffMember
from windows.models import Department, Window

C = Complaint

FACTS = [
    (
        "窗口工作人员态度生硬，询问材料要求时不耐烦，说“自己看指南”。",
        "要求窗口工作人员道歉并改进服务态度。",
    ),
    (
        "取号后等候近两个小时，窗口中途离岗二十分钟无人说明。",
        "要求说明离岗原因，今后离岗放置提示牌。",
    ),
    (
        "同一事项第三次来办，每次都被告知缺不同的材料，没有一次性告知。",
        "要求一次性告知所需全部材料。",
    ),
    (
        "承诺5个工作日办结，现已超过10个工作日仍未办结，也无人告知进度。",
        "要求尽快办结并说明超期原因。",
    ),
    ("窗口人员私下推荐中介代办，称“找中介快一些”。", "要求调查处理。"),
    ("大厅自助填表机故障一周无人维修。", "要求尽快修复。"),
    ("预约了上午10点办理，到场后被告知预约无效，需重新取号。", "要求解释并改进预约服务。"),
    ("窗口人员业务不熟，解答前后矛盾，导致白跑一趟。", "要求加强业务培训。"),
    ("大厅停车位被工作人员车辆占用，群众无处停车。", "要求规范停车管理。"),
    ("咨询电话长期无人接听。", "要求保持咨询电话畅通。"),
]
REPLIES = [
    "经调查核实，您反映的问题属实。我办已对相关窗口工作人员进行批评教育，并按考核细则扣分，"
    "同时组织窗口开展服务规范培训。感谢您对大厅工作的监督。",
    "经调取监控录像和窗口办件记录核实，窗口工作人员按规定办理，未发现您反映的情况。"
    "我办已安排专人向您解释相关政策，如有疑问请致电投诉电话。",
    "经核实，您反映的问题部分属实。窗口已当面向您致歉，并已完善一次性告知清单。",
]
REFUSALS = [
    (C.Refusal.OUT_OF_SCOPE, "该事项属于法院执行程序，已告知向有关法院反映。"),
    (C.Refusal.UNDER_REVIEW, "当事人已就该决定申请行政复议，已告知等待复议结果。"),
    (C.Refusal.NO_TARGET, "投诉人无法说明具体窗口及时间，已告知补充后可再次投诉。"),
]
# (final state, share of the thirty); the open ones are recent, two are overdue
PLAN = (
    ["closed"] * 13
    + ["replied"] * 4
    + ["not_accepted"] * 3
    + ["reopened"] * 1
    + ["handled"] * 2
    + ["investigating"] * 2
    + ["accepted"] * 2
    + ["received"] * 1
    + ["overdue"] * 2
)


def _working_day_back(day: datetime.date, n: int) -> datetime.date:
    return add_working_days(day, -n)


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    time = datetime.time(rng.randint(9, 16), rng.choice((0, 10, 20, 30, 40, 50)))
    return timezone.make_aware(datetime.datetime.combine(day, time))


@transaction.atomic
def seed_complaints(*, rng_seed: int = 2026, today: datetime.date | None = None) -> int:
    """About thirty complaints; nothing when the desk already has some."""
    if Complaint.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(rng_seed)
    User = get_user_model()
    admin = User.objects.filter(username="admin").first()
    supervisor = User.objects.filter(username="supervisor").first() or admin
    windows = list(Window.objects.filter(active=True).select_related("department"))
    staff = list(StaffMember.objects.filter(active=True, window__isnull=False))
    departments = list(Department.objects.filter(active=True))
    if not windows or admin is None:
        return 0
    made = 0
    plan = PLAN[:]
    rng.shuffle(plan)
    # The demo's staff login (S0001) has one complaint about them, so its page shows one.
    demo_staff = StaffMember.objects.filter(employee_no="S0001", active=True).first()
    about_demo_staff = plan.index("closed")
    for i, state in enumerate(plan):
        if state in ("received", "accepted", "investigating", "handled"):
            back = rng.randint(0, 1)
        elif state == "overdue":
            back = rng.randint(9, 14)
        else:
            back = rng.randint(5, 125)
        received = _working_day_back(today, back)
        channel = rng.choice(
            [C.Channel.DESK] * 3
            + [C.Channel.PHONE] * 2
            + [C.Channel.HOTLINE] * 2
            + [C.Channel.WEB] * 2
            + [C.Channel.LETTER]
        )
        form = (
            C.Form.WRITTEN
            if channel in (C.Channel.LETTER, C.Channel.WEB, C.Channel.HOTLINE)
            else rng.choice((C.Form.ORAL, C.Form.ORAL, C.Form.WRITTEN))
        )
        roll = rng.random()
        if roll < 0.45:
            target = desk.Target("staff", staff=rng.choice(staff)) if staff else desk.Target("hall")
        elif roll < 0.85:
            target = desk.Target("window", window=rng.choice(windows))
        elif roll < 0.95:
            target = desk.Target("department", department=rng.choice(departments))
        else:
            target = desk.Target("hall")
        if i == about_demo_staff and demo_staff is not None:
            target = desk.Target("staff", staff=demo_staff)
        facts, grounds = FACTS[i % len(FACTS)]
        name = rng.choice(demo_data.SURNAMES) + rng.choice(("先生", "女士"))
        phone = rng.choice(demo_data.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        actor = supervisor if channel == C.Channel.DESK else admin
        at = _at(received, rng)
        if at > timezone.now():  # seeded before that hour today: received the day before
            received = _working_day_back(received, 1)
            at = _at(received, rng)
        complaint = desk.complaint_receive(
            actor=None if channel == C.Channel.WEB else actor,
            complainant=name,
            contact=phone,
            target=target,
            facts=facts,
            grounds=grounds,
            channel=channel,
            hotline_no=f"12345-{received:%Y%m%d}-{rng.randrange(10**4):04d}"
            if channel == C.Channel.HOTLINE
            else "",
            form=form,
            complex=rng.random() < 0.15,
            received_at=at,
        )
        made += 1
        _walk(complaint, state, admin, rng)
        _date_steps(complaint, at, received, today, rng)
    complaints_overdue_run(today)
    _date_reminders()
    return made


def _walk(complaint: Complaint, state: str, admin, rng: random.Random) -> None:
    if state == "received":
        return
    if state == "not_accepted":
        reason, note = rng.choice(REFUSALS)
        desk.complaint_refuse(actor=admin, complaint=complaint, reason=reason, note=note)
        return
    desk.complaint_accept(actor=admin, complaint=complaint)
    if state in ("accepted", "overdue"):
        return
    desk.complaint_investigate(actor=admin, complaint=complaint, note="调取录像，约谈窗口人员。")
    if state == "investigating":
        return
    outcome = rng.choice(
        (C.Outcome.UPHELD, C.Outcome.PARTLY, C.Outcome.NOT_UPHELD, C.Outcome.NOT_UPHELD)
    )
    findings = {
        C.Outcome.UPHELD: "经调取监控录像并约谈当事窗口人员，投诉情况属实。",
        C.Outcome.PARTLY: "经核实，等候时间较长属实，态度问题未发现。",
        C.Outcome.NOT_UPHELD: "经调取录像和办件记录，窗口按规定办理，投诉不属实。",
    }[outcome]
    desk.complaint_handle(actor=admin, complaint=complaint, outcome=outcome, findings=findings)
    if state == "handled":
        return
    reply = REPLIES[0 if outcome == C.Outcome.UPHELD else 2 if outcome == C.Outcome.PARTLY else 1]
    desk.complaint_reply(actor=admin, complaint=complaint, reply=reply)
    if state == "replied":
        return
    if state == "reopened":
        desk.complaint_feedback(complaint=complaint, satisfied=False)
        return
    if rng.random() < 0.7:
        desk.complaint_feedback(complaint=complaint, satisfied=True)
    desk.complaint_close(actor=admin, complaint=complaint, note="材料归档。")


def _next_moment(when: datetime.datetime, minutes: int) -> datetime.datetime:
    """``minutes`` of office time after ``when`` (09:00–17:30 on working days)."""
    local = timezone.localtime(when) + datetime.timedelta(minutes=minutes)
    if local.time() > datetime.time(17, 30):
        day = add_working_days(local.date(), 1)
        spill = (local - local.replace(hour=17, minute=30)).seconds // 60
        local = local.replace(year=day.year, month=day.month, day=day.day, hour=9, minute=0)
        local += datetime.timedelta(minutes=spill % 240)
    return local


def _date_steps(complaint, at, received, today, rng) -> None:
    """Spread the steps over office hours after receipt (an oral complaint within the day,
    as it is answered on the spot), never past today; reminders on the day they were due."""
    steps = list(ComplaintStep.objects.filter(complaint=complaint).order_by("id"))
    # this morning at 08:30, or now when the demo is seeded before that
    end = min(
        timezone.make_aware(datetime.datetime.combine(today, datetime.time(8, 30))),
        timezone.now(),
    )
    oral = complaint.form == C.Form.ORAL and not complaint.complex
    when, replied_at = at, None
    for n, step in enumerate(steps):
        if step.action in (ComplaintStep.Action.REMINDED, ComplaintStep.Action.ESCALATED):
            continue
        if n:
            gap = rng.randint(10, 50) if oral else rng.randint(60, 600)
            when = min(_next_moment(when, gap), max(end, at))
        step.at = when
        if step.action == ComplaintStep.Action.REPLIED:
            replied_at = when
    ComplaintStep.objects.bulk_update(steps, ["at"])
    if replied_at:
        Complaint.objects.filter(pk=complaint.pk).update(replied_at=replied_at)


def _date_reminders() -> None:
    """The demo's reminders and escalations dated on the mornings they fell due."""
    for step in ComplaintStep.objects.filter(
        action__in=(ComplaintStep.Action.REMINDED, ComplaintStep.Action.ESCALATED)
    ).select_related("complaint"):
        due = add_working_days(step.complaint.deadline, 1)
        if step.action == ComplaintStep.Action.ESCALATED:
            due = add_working_days(due, settings.COMPLAINTS_ESCALATE_AFTER_DAYS)
        morning = timezone.make_aware(datetime.datetime.combine(due, datetime.time(8, 30)))
        step.at = min(morning, timezone.now())  # seeded before this morning's beat: now
        step.save(update_fields=["at"])
