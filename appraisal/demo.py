"""Demo rule books and six months of appraisal history, for ``manage.py seed_demo``.

The seed's section (二) names three regulations, and each is a ``RuleBook`` kind revised on
its own date (``appraisal.rulebooks``): 《大厅服务窗口及其工作人员考评规则》 (the general rules:
100 points, additions and deductions tied to pay, the monthly 流动文明窗口标兵 and 服务明星 —
the award and bonus policy), 《大厅服务窗口考核实施细则》 (window rules, coded ``W-…``) and
《大厅窗口工作人员考核实施细则》 (staff rules, ``S-…``). The demo's books:

- 2023-01-01 原《大厅考核规则》, one general book holding all the old rules: the regime the
  seed describes — money deducted for each breach, anyone deducted loses the month's awards
  (every rule disqualifies), no additions. There were no separate 实施细则 then.
- 2025-01-01 the revised 考评规则 (general: the policy, no rules of its own) with both
  实施细则 (window and staff books): the 100-point system of the seed.
- 2026-07-01 a mid-year revision of only the two regulations it changes: the general rules
  (bonus pay by bands instead of per point) and the staff rules (超时办结 made stricter, a rule
  for overdue rectification of bad ratings added). The window rules of 2025 stay in force.
  Months before July 2026 are scored by the 2025 books, later ones by the revised ones — a
  revision never rewrites past months.

The history: the six months before today's month are closed (the last one closed only, the one
before it published with its appeal period running, the older ones final) and today's month
is open with the entries so far. Every entry goes through ``score_entry_add`` — the ledger's
one door — and every month through the real close, publish and finalise services.

Idempotent: a book is keyed on its kind and effective date; a month that already has entries
gets no new ones, and a month only ever moves forward to its target state. Deterministic: each
month's plan is drawn from its own ``random.Random`` seeded with the seed and the month.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from appraisal import annual
from appraisal.models import (
    AppraisalMonth,
    AppraisalYear,
    Award,
    BonusBand,
    MonthlyResult,
    Rule,
    RuleBook,
    ScoreEntry,
)
from appraisal.rulebooks import newest_by_kind
from appraisal.services import (
    appeal_decide,
    appeal_lodge,
    month_close,
    month_finalise,
    month_get,
    month_publish,
    score_entry_add,
    score_entry_reverse,
)
from hall import demo_data
from hall.audit import audit_record, diff, snapshot
from hall.models import AuditEntry
from hall.workcalendar import WorkCalendar, add_working_days
from staff.models import StaffMember
from windows.models import Window

C = Rule.Category
SRC = ScoreEntry.Source
Status = AppraisalMonth.Status

HISTORY_MONTHS = 6  # closed months before today's month
K = RuleBook.Kind
BOOK_FIELDS = [
    "kind",
    "title",
    "effective_from",
    "star_share",
    "star_minimum",
    "banner_count",
    "award_min_total",
    "bonus_base",
    "bonus_mode",
    "bonus_per_point",
    "window_includes_staff",
]


# --- the rule books ------------------------------------------------------------------------


class RuleSpec(NamedTuple):
    code: str
    title: str
    category: str
    applies_to: str
    min_points: Decimal
    max_points: Decimal
    monthly_cap: Decimal | None = None
    evidence_required: bool = False
    disqualifies: bool = False


def _rule(subject, code, title, category, low, high=None, cap=None, evidence=False, dq=False):
    high = low if high is None else high
    lo, hi = sorted((Decimal(low), Decimal(high)))
    return RuleSpec(
        code,
        title,
        category,
        subject,
        lo,
        hi,
        None if cap is None else Decimal(cap),
        evidence,
        dq,
    )


def _s(*args, **kw) -> RuleSpec:
    return _rule(Rule.Subject.STAFF, *args, **kw)


def _w(*args, **kw) -> RuleSpec:
    return _rule(Rule.Subject.WINDOW, *args, **kw)


# 《大厅窗口工作人员考核实施细则》(S-) and 《大厅服务窗口考核实施细则》(W-), 2025 edition.
RULES_2025: tuple[RuleSpec, ...] = (
    _s("S-A01", "迟到", C.ATTENDANCE, -1),
    _s("S-A02", "早退", C.ATTENDANCE, -1),
    _s("S-A03", "旷工（无故缺勤半天及以上）", C.ATTENDANCE, -5, dq=True),
    _s("S-A04", "工作时间擅离岗位或串岗", C.ATTENDANCE, -1),
    _s("S-D01", "未按规定着装或未佩戴工作牌", C.DRESS, -1),
    _s("S-D02", "仪容仪表不整（穿拖鞋、妆容发型不得体等）", C.DRESS, -1),
    _s("S-L01", "服务用语不规范（未使用“您好”“请”“谢谢”等文明用语）", C.LANGUAGE, -1),
    _s("S-L02", "使用服务忌语（“不知道”“不归我管”“下班了”等）", C.LANGUAGE, -2),
    _s("S-Q01", "服务态度生硬、推诿刁难群众，经查实", C.QUALITY, -2, -5),
    _s("S-Q02", "未落实首问负责或一次性告知制度", C.QUALITY, -2),
    _s("S-E01", "超过承诺时限办结（每件）", C.EFFICIENCY, -2),
    _s("S-R01", "群众测评差评，经回访核实", C.RATING, -2),
    _s("S-R02", "群众测评表扬", C.RATING, 1, 2, cap=5),
    _s("S-C01", "有效投诉（经调查属实）", C.COMPLAINT, -3, -10, evidence=True, dq=True),
    _s("S-P01", "拾金不昧", C.LOST_PROPERTY, 2, cap=6),
    _s("S-M01", "收到书面表扬信或锦旗", C.COMMENDATION, 2, 5, cap=10, evidence=True),
    _s("S-O01", "工作时间做与工作无关的事（玩手机、吃零食、上网聊天等）", C.OTHER, -1, -2),
    _s("S-O02", "提出合理化建议被管委办采纳", C.OTHER, 1, 3, cap=3),
    _w(
        "W-A01",
        "窗口空岗（工作时间无人在岗；网络故障暂停服务并放置提示牌的除外）",
        C.ATTENDANCE,
        -2,
    ),
    _w("W-A02", "未按时开窗受理", C.ATTENDANCE, -1),
    _w("W-D01", "窗口工作人员着装不统一或未佩戴工作牌", C.DRESS, -1),
    _w("W-L01", "未使用统一服务用语或未摆放服务提示牌", C.LANGUAGE, -1),
    _w("W-Q01", "不予受理未出具加盖行政审批专用章的书面回执", C.QUALITY, -2, -5),
    _w("W-Q02", "未一次性告知补正材料，致群众往返，经查实", C.QUALITY, -2),
    _w("W-E01", "审批事项超时办结（每件）", C.EFFICIENCY, -2),
    _w("W-R01", "窗口差评，经回访核实", C.RATING, -2),
    _w("W-R02", "窗口获群众测评表扬", C.RATING, 1, 2, cap=5),
    _w("W-C01", "窗口有效投诉（经调查属实）", C.COMPLAINT, -3, -10, evidence=True, dq=True),
    _w("W-P01", "窗口拾金不昧", C.LOST_PROPERTY, 2, cap=6),
    _w("W-M01", "窗口获书面表扬或锦旗", C.COMMENDATION, 2, 5, cap=10, evidence=True),
    _w("W-O01", "窗口台面物品摆放杂乱、环境卫生差", C.OTHER, -1),
    _w("W-O02", "提供预约或延时服务", C.OTHER, 1, cap=3),
)


def _revised_2026() -> tuple[RuleSpec, ...]:
    """The July 2026 staff rules: 超时办结 −2 → −3, and a rule for overdue rectification."""
    rules = [
        r._replace(min_points=Decimal(-3), max_points=Decimal(-3)) if r.code == "S-E01" else r
        for r in RULES_2025
        if r.applies_to == Rule.Subject.STAFF
    ]
    rules.append(_s("S-R03", "“好差评”差评整改超期未完成", C.RATING, -2))
    return tuple(sorted(rules, key=lambda r: r.code))


def _original_2023() -> tuple[RuleSpec, ...]:
    """原《考核规则》: deductions only (money), and any deduction costs the month's awards."""
    return tuple(
        r._replace(disqualifies=True, monthly_cap=None) for r in RULES_2025 if r.max_points < 0
    )


def _of(subject: str) -> tuple[RuleSpec, ...]:
    return tuple(r for r in RULES_2025 if r.applies_to == subject)


class BookSpec(NamedTuple):
    kind: str
    title: str
    effective_from: datetime.date
    notes: str
    policy: dict
    rules: tuple[RuleSpec, ...]
    bands: tuple[tuple[Decimal, Decimal], ...] = ()


POLICY_2025 = {
    "star_share": Decimal("10.0"),
    "star_minimum": 1,
    "banner_count": 1,
    "award_min_total": Decimal("100.0"),
    "bonus_base": Decimal("500.00"),
    "bonus_per_point": Decimal("20.00"),
    "window_includes_staff": True,
}

# The July 2026 bonus table: (from a total of, yuan). Below 90 points: no bonus.
BANDS_2026 = tuple(
    (Decimal(total), Decimal(amount))
    for total, amount in (
        (90, 300),
        (95, 400),
        (100, 500),
        (103, 600),
        (106, 700),
        (110, 800),
    )
)

REVISION_2025 = datetime.date(2025, 1, 1)
REVISION_2026 = datetime.date(2026, 7, 1)

BOOKS: tuple[BookSpec, ...] = (
    BookSpec(
        K.GENERAL,
        "大厅考核规则（原）",
        datetime.date(2023, 1, 1),
        "原《考核规则》：窗口工作人员违纪按次扣钱（每分折合10元），凡违纪被扣钱者均取消当月"
        "评优资格；不设加分。窗口与工作人员的条款都在本规则中，未另立实施细则。2025年1月1日起由"
        "修订后的《大厅服务窗口及其工作人员考评规则》及两个实施细则取代。",
        {**POLICY_2025, "bonus_per_point": Decimal("10.00"), "window_includes_staff": False},
        _original_2023(),
    ),
    BookSpec(
        K.GENERAL,
        "大厅服务窗口及其工作人员考评规则",
        REVISION_2025,
        "在广泛征求窗口工作人员意见的基础上修订，与《大厅服务窗口考核实施细则》和《大厅窗口"
        "工作人员考核实施细则》同日施行。月度考核以100分为基础实行加、减分制，与绩效奖金挂钩："
        "100分发放500元，每增减1分增减20元。每月评选“服务明星”（不少于窗口工作人员的10%，至少"
        "1名）和“流动文明窗口标兵”1个，总分不足100分或有取消评优条款扣分的不参评。窗口总分含"
        "本窗口工作人员平均净得分。",
        POLICY_2025,
        (),
    ),
    BookSpec(
        K.WINDOW,
        "大厅服务窗口考核实施细则",
        REVISION_2025,
        "窗口考核条款（W-开头）。网络故障暂停服务并放置“网络故障、暂停服务”提示牌的不计空岗。",
        POLICY_2025,
        _of(Rule.Subject.WINDOW),
    ),
    BookSpec(
        K.STAFF,
        "大厅窗口工作人员考核实施细则",
        REVISION_2025,
        "窗口工作人员考核条款（S-开头）：劳动纪律、着装、服务用语、服务质量、办结时效、群众"
        "测评、投诉、拾金不昧、表扬等。",
        POLICY_2025,
        _of(Rule.Subject.STAFF),
    ),
    BookSpec(
        K.GENERAL,
        "大厅服务窗口及其工作人员考评规则（2026年7月修订）",
        REVISION_2026,
        "2026年下半年修订：加大奖励力度，绩效奖金改为按总分档次发放（90分以下不发，90分300元，"
        "95分400元，100分500元，103分600元，106分700元，110分及以上800元）。评优办法不变。",
        {**POLICY_2025, "bonus_mode": RuleBook.BonusMode.BANDS},
        (),
        BANDS_2026,
    ),
    BookSpec(
        K.STAFF,
        "大厅窗口工作人员考核实施细则（2026年7月修订）",
        REVISION_2026,
        "超时办结扣分由2分提高到3分；新增S-R03“好差评”差评整改超期条款。其余条款不变。",
        POLICY_2025,
        _revised_2026(),
    ),
)


# --- the events of the history -------------------------------------------------------------


class Event(NamedTuple):
    code: str
    weight: float
    source: str
    author: str  # a demo login
    texts: tuple[str, ...]
    points: tuple[int, ...] = ()  # choices within the rule's range; () = the rule's value


ADMIN, SUPERVISOR = "admin", "supervisor"

STAFF_EVENTS: tuple[Event, ...] = (
    Event(
        "S-A01",
        13,
        SRC.DUTY_LOG,
        SUPERVISOR,
        (
            "值班长巡查：上午{late_am}到岗，迟到{mins}分钟，未事先请假。",
            "值班长巡查：下午{late_pm}到岗，迟到{mins}分钟。",
            "早班签到记录显示{late_am}签到，迟到{mins}分钟。",
        ),
    ),
    Event(
        "S-A02",
        5,
        SRC.DUTY_LOG,
        SUPERVISOR,
        (
            "值班长巡查：{early}离岗下班，早退{early_mins}分钟。",
            "下午{early}已离开窗口，未办理请假手续，早退{early_mins}分钟。",
        ),
    ),
    Event(
        "S-A03",
        0.5,
        SRC.DUTY_LOG,
        ADMIN,
        (
            "全天未到岗，未办理请假手续；经与派驻单位核实，属无故缺勤。",
            "下午未到岗且联系不上，经派驻单位核实未请假，按旷工半天处理。",
        ),
    ),
    Event(
        "S-A04",
        4,
        SRC.DUTY_LOG,
        SUPERVISOR,
        (
            "值班长巡查：{t_from}至{t_to}擅离岗位，未放置“请稍候”提示牌，群众等候。",
            "值班长巡查：工作时间到其他窗口串岗聊天约{mins}分钟。",
        ),
    ),
    Event(
        "S-D01",
        8,
        SRC.DUTY_LOG,
        SUPERVISOR,
        (
            "值班长巡查：未穿着统一工作服，着便装上岗。",
            "值班长巡查：未佩戴工作牌。",
            "值班长巡查：未穿工作服外套，未佩戴工作牌。",
        ),
    ),
    Event(
        "S-D02",
        2,
        SRC.DUTY_LOG,
        SUPERVISOR,
        (
            "值班长巡查：穿拖鞋上岗，仪容仪表不符合大厅要求。",
            "值班长巡查：仪容不整，发型妆容与窗口形象不符，已当场提醒。",
        ),
    ),
    Event(
        "S-L01",
        6,
        SRC.DUTY_LOG,
        SUPERVISOR,
        (
            "值班长巡查：接待群众时未使用“您好”“请坐”等规范用语。",
            "值班长巡查：递交材料时未使用“请”字，办结后未说“请慢走”。",
        ),
    ),
    Event(
        "S-L02",
        1.5,
        SRC.DUTY_LOG,
        SUPERVISOR,
        (
            "值班长巡查：答复群众咨询时说“不知道，你自己去问”，属服务忌语。",
            "值班长巡查：临近下班对群众说“下班了，明天再来”，属服务忌语。",
        ),
    ),
    Event(
        "S-O01",
        5,
        SRC.DUTY_LOG,
        SUPERVISOR,
        (
            "值班长巡查：工作时间用手机玩游戏。",
            "值班长巡查：工作时间在窗口吃零食。",
            "值班长巡查：工作时间上网浏览与工作无关的网页。",
        ),
        (-1, -1, -2),
    ),
    Event(
        "S-Q01",
        2.5,
        SRC.COMPLAINT,
        ADMIN,
        (
            "群众反映办理{item}时工作人员态度生硬、不耐烦，经调取录音录像核实属实。",
            "群众反映工作人员以“材料不全”为由推诿，未说明缺少哪些材料，经核实属实。",
        ),
        (-2, -2, -3, -5),
    ),
    Event(
        "S-Q02",
        2,
        SRC.MANUAL,
        ADMIN,
        (
            "办理{item}时未一次性告知需补正的全部材料，群众往返{visits}次，经核实。",
            "群众问路时随手一指，未按首问负责制引导至办事窗口，值班长现场发现。",
        ),
    ),
    Event(
        "S-E01",
        5,
        SRC.MANUAL,
        ADMIN,
        ("办件{case_no}（{item}）承诺{promised}个工作日办结，实际超期{over}个工作日。",),
    ),
    Event(
        "S-R01",
        6,
        SRC.RATING,
        ADMIN,
        (
            "群众测评“不满意”（{bad_reason}），经回访核实属实。",
            "群众实名测评“非常不满意”（{bad_reason}），经回访核实属实。",
        ),
    ),
    Event(
        "S-R02",
        20,
        SRC.RATING,
        ADMIN,
        (
            "群众测评“非常满意”并留言：“{quote}”",
            "办理{item}后群众评价“非常满意”，留言表扬：“{quote}”",
        ),
        (1, 1, 1, 2),
    ),
    Event(
        "S-R03",
        1.5,
        SRC.RATING,
        ADMIN,
        ("群众差评（{bad_reason}）要求限期整改，超过整改期限仍未完成整改。",),
    ),
    Event(
        "S-C01",
        1.5,
        SRC.COMPLAINT,
        ADMIN,
        (
            "投诉编号{complaint_no}：群众{surname}{honorific}投诉办理{item}时{complaint_fact}，"
            "经调查属实，已书面答复投诉人。",
        ),
        (-3, -3, -5, -5, -8, -10),
    ),
    Event(
        "S-P01",
        4,
        SRC.LOST_PROPERTY,
        SUPERVISOR,
        (
            "拾得群众遗失的{thing}，及时交值班台登记并联系失主领回。",
            "在窗口拾得{thing}，当即交值班长，失主已签字领回。",
        ),
    ),
    Event(
        "S-M01",
        4,
        SRC.MANUAL,
        ADMIN,
        (
            "收到群众{surname}{honorific}的表扬信，感谢其{praise_fact}。",
            "{org}送来锦旗“{slogan}”，感谢其{praise_fact}。",
        ),
        (2, 2, 3, 5),
    ),
    Event(
        "S-O02",
        1.5,
        SRC.MANUAL,
        ADMIN,
        ("提出“{idea}”的建议，经管委办研究采纳。",),
        (1, 1, 2, 3),
    ),
)

WINDOW_EVENTS: tuple[Event, ...] = (
    Event(
        "W-A01",
        5,
        SRC.DUTY_LOG,
        SUPERVISOR,
        ("值班长巡查：{t_from}至{t_to}窗口无人在岗，未放置“请稍候”提示牌，群众等候。",),
    ),
    Event(
        "W-A02",
        2,
        SRC.DUTY_LOG,
        SUPERVISOR,
        (
            "值班长巡查：上午{late_am}窗口仍未开窗受理。",
            "值班长巡查：下午{late_pm}窗口仍未开窗受理，群众排队等候。",
        ),
    ),
    Event(
        "W-D01",
        2,
        SRC.DUTY_LOG,
        SUPERVISOR,
        ("值班长巡查：窗口工作人员着装不统一，{n}人未佩戴工作牌。",),
    ),
    Event(
        "W-L01",
        2,
        SRC.DUTY_LOG,
        SUPERVISOR,
        ("值班长巡查：窗口未摆放服务用语提示牌。", "值班长巡查：窗口接待群众未使用统一服务用语。"),
    ),
    Event(
        "W-Q01",
        1,
        SRC.MANUAL,
        ADMIN,
        ("不予受理{item}申请，未出具加盖行政审批专用章的书面回执单，经查实。",),
        (-2, -3),
    ),
    Event(
        "W-Q02",
        1.5,
        SRC.COMPLAINT,
        ADMIN,
        ("群众反映办理{item}时窗口未一次性告知补正材料，往返{visits}次，经查实。",),
    ),
    Event(
        "W-E01",
        3,
        SRC.MANUAL,
        ADMIN,
        ("办件{case_no}（{item}）承诺{promised}个工作日办结，实际超期{over}个工作日。",),
    ),
    Event("W-R01", 2, SRC.RATING, ADMIN, ("窗口收到差评（{bad_reason}），经回访核实属实。",)),
    Event(
        "W-R02",
        8,
        SRC.RATING,
        ADMIN,
        ("窗口本周群众测评“非常满意”{n_sat}人次，群众留言：“{quote}”",),
        (1, 1, 2),
    ),
    Event(
        "W-C01",
        0.8,
        SRC.COMPLAINT,
        ADMIN,
        (
            "投诉编号{complaint_no}：群众{surname}{honorific}投诉窗口{complaint_fact}，"
            "经调查属实，已书面答复。",
        ),
        (-3, -3, -5),
    ),
    Event(
        "W-P01",
        1.5,
        SRC.LOST_PROPERTY,
        SUPERVISOR,
        ("窗口拾得群众遗失的{thing}，交值班台登记后失主已领回。",),
    ),
    Event(
        "W-M01",
        2,
        SRC.MANUAL,
        ADMIN,
        (
            "{org}送来锦旗“{slogan}”，感谢窗口{praise_fact}。",
            "收到{org}感谢信，表扬窗口{praise_fact}。",
        ),
        (2, 3, 5),
    ),
    Event(
        "W-O01",
        2,
        SRC.DUTY_LOG,
        SUPERVISOR,
        (
            "值班长巡查：窗口台面堆放与工作无关的物品，资料摆放杂乱。",
            "值班长巡查：窗口桌面有水杯、零食等杂物。",
        ),
    ),
    Event(
        "W-O02",
        3,
        SRC.MANUAL,
        ADMIN,
        (
            "中午休息时间为群众延时服务{mins}分钟，办结{item}。",
            "为预约企业提前开窗，办结{item}。",
        ),
    ),
)

# How many entries a staff member or a window gets in a month.
STAFF_COUNTS, STAFF_COUNT_WEIGHTS = (0, 1, 2, 3), (58, 27, 10, 5)
WINDOW_COUNTS, WINDOW_COUNT_WEIGHTS = (0, 1, 2), (66, 25, 9)

# Reversals: which deductions are taken back, and why.
REVERSAL_REASONS = {
    "W-A01": "经核实，当时系网络故障暂停服务，窗口已放置“网络故障、暂停服务”提示牌，不属空岗，"
    "撤销扣分。",
    "S-A01": "当事人已按规定向派驻单位和管委办请假，值班长当日未掌握，经核实撤销扣分。",
    "S-A02": "当事人当日经管委办批准提前离岗参加派驻单位业务培训，经核实撤销扣分。",
    "S-R01": "经申诉复核，该差评所涉事项不属本窗口办理，认定为无效差评，撤销扣分。",
    "W-R01": "经申诉复核，该差评系群众误评，认定为无效差评，撤销扣分。",
    "S-D01": "当日系派驻单位统一安排外出执法后返岗，经管委办同意着便装，撤销扣分。",
}

BAD_REASONS = ("办事效率低", "服务态度差", "一次性告知不到位", "等候时间过长", "业务不熟练")
QUOTES = (
    "工作人员耐心细致，一次就办好了",
    "讲解清楚，态度热情，点赞！",
    "主动帮我填表，非常感谢",
    "下班了还坚持帮我办完，辛苦了",
    "办事效率高，不用来回跑",
    "服务周到，比以前方便多了",
)
COMPLAINT_FACTS = (
    "多次要求补充材料却未一次性告知",
    "与群众发生争执，言语不文明",
    "无正当理由拖延办理",
    "以系统故障为由拒绝受理，经查当日系统运行正常",
)
THINGS = (
    "钱包（内有现金{amount}元及身份证）",
    "手机一部",
    "装有营业执照正副本原件的文件袋",
    "银行卡两张及现金{amount}元",
    "房产证原件及购房合同",
    "U盾及公章一枚",
)
SLOGANS = ("热情服务 高效便民", "为民办事 情系群众", "服务一流 办事高效", "廉洁高效 真诚为民")
ORGS = (
    "重庆渝新建材有限公司",
    "沙坪坝区小龙坎街道办事处",
    "重庆嘉陵物流有限公司",
    "磁器口古镇商户代表",
    "重庆沙磁建筑工程有限公司",
)
PRAISE_FACTS = (
    "加班加点帮助办结{item}",
    "耐心细致指导填写{item}申请材料",
    "主动提供预约服务，为企业节省了时间",
    "帮助行动不便的老人全程代办",
    "急事急办，当天办结{item}",
)
IDEAS = (
    "编印办事指南简版供群众取阅",
    "建立窗口预约服务登记本",
    "在等候区设置材料填写示范样本",
    "整理建设项目并联审批材料共享清单",
    "为老年群众开设绿色通道",
)


# --- building ------------------------------------------------------------------------------


@dataclass
class Result:
    created: Counter = field(default_factory=Counter)
    first_month: datetime.date | None = None
    last_month: datetime.date | None = None

    def line(self) -> str:
        months = AppraisalMonth.objects.filter(month__gte=self.first_month)
        by_status = Counter(months.values_list("status", flat=True))
        states = ", ".join(f"{by_status[s]} {s}" for s in Status.values if by_status[s])
        entries = ScoreEntry.objects.filter(month__in=months).count()
        new = self.created.get("score entries", 0)
        return (
            f"  Appraisal: {RuleBook.objects.count()} rule books, "
            f"{self.first_month:%Y-%m}…{self.last_month:%Y-%m} ({states}), "
            f"{entries} score entries{f' (+{new})' if new else ''}, "
            f"{MonthlyResult.objects.filter(month__in=months).count()} results, "
            f"{Award.objects.filter(month__in=months).count()} awards"
        )


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute)),
        timezone.get_current_timezone(),
    )


def _add_months(day: datetime.date, n: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def _last_day(month: datetime.date) -> datetime.date:
    return _add_months(month, 1) - datetime.timedelta(days=1)


def _allow_backdating() -> None:
    """On PostgreSQL the ledger's trigger refuses every UPDATE but one that changes only
    ``created_at`` in a transaction that asks for it (migration 0004): the demo's alone."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('hall.ledger_backdate', 'on', true)")


def rule_books() -> int:
    """Create the demo books that do not exist yet (keyed on kind and effective date)."""
    existing = set(RuleBook.objects.values_list("kind", "effective_from"))
    made = 0
    for spec in BOOKS:
        if (spec.kind, spec.effective_from) in existing:
            continue
        book = RuleBook.objects.create(
            kind=spec.kind,
            title=spec.title,
            effective_from=spec.effective_from,
            notes=spec.notes,
            **spec.policy,
        )
        Rule.objects.bulk_create(Rule(book=book, **r._asdict()) for r in spec.rules)
        BonusBand.objects.bulk_create(
            BonusBand(book=book, total_from=total, amount=amount) for total, amount in spec.bands
        )
        fields = BOOK_FIELDS if spec.kind == K.GENERAL else BOOK_FIELDS[:3]  # no policy
        changes = diff({}, snapshot(book, fields))
        changes["rules"] = ["", str(len(spec.rules))]
        if spec.bands:
            changes["bonus bands"] = ["", ", ".join(f"≥{t:g} → {a:g}" for t, a in spec.bands)]
        audit_record(actor=None, instance=book, action=AuditEntry.Action.IMPORT, changes=changes)
        made += 1
    return made


class _Context(dict):
    """The placeholders of the evidence texts, drawn as needed."""

    def __init__(self, rng: random.Random, day: datetime.date, items, complaint_no):
        super().__init__()
        self.rng, self.day, self.items, self.complaint_no = rng, day, items, complaint_no

    def __missing__(self, key):
        rng = self.rng
        if key in ("mins", "late_am", "late_pm"):
            m = rng.randint(3, 28)
            self.update(mins=m, late_am=f"9:{m:02d}", late_pm=f"13:{30 + m:02d}")
        elif key in ("early", "early_mins"):
            m = rng.randint(5, 40)
            self.update(early=f"16:{60 - m:02d}", early_mins=m)
        elif key in ("t_from", "t_to"):
            start = rng.choice((9, 10, 11, 14, 15, 16)) * 60 + rng.randint(0, 30)
            end = start + rng.randint(10, 25)
            self.update(
                t_from=f"{start // 60}:{start % 60:02d}", t_to=f"{end // 60}:{end % 60:02d}"
            )
        elif key in ("item", "promised"):
            name, promised = rng.choice(self.items)
            self.update(item=name, promised=promised or 5)
        elif key == "case_no":
            self[key] = f"{self.day:%Y%m%d}{rng.randint(1000, 9999)}"
        elif key == "complaint_no":
            self[key] = self.complaint_no()
        elif key == "thing":
            self[key] = rng.choice(THINGS).format(amount=rng.choice((200, 350, 500, 860, 1200)))
        elif key == "praise_fact":
            self[key] = rng.choice(PRAISE_FACTS).format_map(self)
        elif key == "org":
            self[key] = rng.choice(ORGS) if rng.random() < 0.6 else f"群众{self['surname']}"
        elif key == "honorific":
            self[key] = rng.choice(("先生", "女士"))
        else:
            simple = {
                "over": lambda: rng.randint(1, 5),
                "visits": lambda: rng.randint(2, 3),
                "n": lambda: rng.randint(1, 2),
                "n_sat": lambda: rng.randint(8, 30),
                "bad_reason": lambda: rng.choice(BAD_REASONS),
                "quote": lambda: rng.choice(QUOTES),
                "complaint_fact": lambda: rng.choice(COMPLAINT_FACTS),
                "surname": lambda: rng.choice(demo_data.SURNAMES),
                "slogan": lambda: rng.choice(SLOGANS),
                "idea": lambda: rng.choice(IDEAS),
            }
            self[key] = simple[key]()
        return self[key]


class _Planned(NamedTuple):
    day: datetime.date
    order: int
    event: Event
    rule: Rule
    points: Decimal
    staff: StaffMember | None
    window: Window | None
    evidence: str


class HistoryBuilder:
    def __init__(self, rng_seed: int, today: datetime.date):
        self.rng_seed, self.today = rng_seed, today
        self.result = Result()
        User = get_user_model()
        self.authors = {
            u.username: u for u in User.objects.filter(username__in=[ADMIN, SUPERVISOR])
        }
        self.books = list(RuleBook.objects.order_by("kind", "effective_from"))
        self.rules: dict[int, dict[str, Rule]] = defaultdict(dict)
        for rule in Rule.objects.all():
            self.rules[rule.book_id][rule.code] = rule
        items_of_window: dict[int, list] = defaultdict(list)
        items_of_department: dict[int, list] = defaultdict(list)
        through = Window.items.through.objects.select_related("approvalitem")
        for link in through.order_by("window_id", "approvalitem__code"):
            item = link.approvalitem
            items_of_window[link.window_id].append((item.name, item.promised_days))
            items_of_department[item.department_id].append((item.name, item.promised_days))
        self.items_of_window, self.items_of_department = items_of_window, items_of_department
        self.windows = list(Window.objects.filter(active=True).order_by("number"))
        self.staff = list(StaffMember.objects.filter(active=True).order_by("employee_no"))
        # A temperament per person, the same every month: some collect praise, some deductions.
        self.bias = {
            s.pk: random.Random(f"{rng_seed}:{s.employee_no}").random() for s in self.staff
        }

    def rules_on(self, day: datetime.date) -> dict[str, Rule]:
        """Code → rule, of the books in force on ``day`` (the newest of each kind)."""
        rules: dict[str, Rule] = {}
        for book in newest_by_kind(self.books, day).values():
            rules.update(self.rules.get(book.pk, {}))
        return rules

    # -- one month's plan

    def plan(self, month: datetime.date) -> list[_Planned]:
        rng = random.Random(f"{self.rng_seed}:{month:%Y-%m}")
        end = min(_last_day(month), self.today)
        calendar = WorkCalendar(month, end)
        days = [
            month + datetime.timedelta(days=i)
            for i in range((end - month).days + 1)
            if calendar.is_working_day(month + datetime.timedelta(days=i))
        ]
        if not days:
            return []
        seq = iter(range(1, 1000))

        def complaint_no() -> str:
            return f"TS{month:%Y%m}{next(seq):03d}"

        used: dict[tuple, Decimal] = defaultdict(Decimal)
        planned: list[_Planned] = []

        def draw(subject, key, events, bias: float, staff=None, window=None, since=None):
            eligible = [d for d in days if since is None or d >= since]
            if not eligible:
                return
            day = rng.choice(eligible)
            rules = self.rules_on(day)
            choices = [e for e in events if e.code in rules]
            if not choices:
                return
            weights = [
                e.weight * ((0.4 + 1.2 * bias) if rules[e.code].is_addition else (1.4 - bias))
                for e in choices
            ]
            event = rng.choices(choices, weights=weights)[0]
            rule = rules[event.code]
            points = Decimal(rng.choice(event.points)) if event.points else rule.min_points
            points = min(max(points, rule.min_points), rule.max_points)
            if rule.monthly_cap is not None:
                smallest = rule.min_points if rule.is_addition else rule.max_points
                for p in (points, smallest):
                    if abs(used[key, rule.code] + p) <= rule.monthly_cap:
                        points = p
                        break
                else:
                    return
            used[key, rule.code] += points
            window_id = window.pk if window else (staff.window_id if staff else None)
            items = (
                self.items_of_window.get(window_id)
                or self.items_of_department.get(subject.department_id)
                or [("综合咨询", None)]
            )
            text = rng.choice(event.texts)
            if "{promised}" in text:  # an overdue case: never one settled on the spot
                items = [i for i in items if i[1]] or [("综合受理事项", 5)]
            evidence = text.format_map(_Context(rng, day, items, complaint_no))
            planned.append(
                _Planned(day, len(planned), event, rule, points, staff, window, evidence)
            )

        for s in self.staff:
            for _ in range(rng.choices(STAFF_COUNTS, weights=STAFF_COUNT_WEIGHTS)[0]):
                draw(s, ("s", s.pk), STAFF_EVENTS, self.bias[s.pk], staff=s, since=s.joined_hall_on)
        for w in self.windows:
            for _ in range(rng.choices(WINDOW_COUNTS, weights=WINDOW_COUNT_WEIGHTS)[0]):
                draw(w, ("w", w.pk), WINDOW_EVENTS, 0.5, window=w)
        planned.sort(key=lambda p: (p.day, p.order))
        return planned

    # -- writing it

    def recorded_at(self, rng, day, source, month_end) -> datetime.datetime:
        """When the entry was typed in: duty-log lines that day, the rest a few days later."""
        delay = 0 if source in (SRC.DUTY_LOG, SRC.LOST_PROPERTY) else rng.randint(0, 3)
        at = _aware(min(day + datetime.timedelta(days=delay), month_end), rng.randint(9, 17))
        return min(at + datetime.timedelta(minutes=rng.randint(0, 59)), timezone.now())

    def fill(self, month: datetime.date) -> None:
        planned = self.plan(month)
        rng = random.Random(f"{self.rng_seed}:{month:%Y-%m}:write")
        month_end = min(_last_day(month), self.today)
        written: list[ScoreEntry] = []
        for p in planned:
            entry = score_entry_add(
                author=self.authors.get(p.event.author),
                rule=p.rule,
                points=p.points,
                occurred_on=p.day,
                staff=p.staff,
                window=p.window,
                evidence=p.evidence,
                source=p.event.source,
            )
            entry.created_at = self.recorded_at(rng, p.day, p.event.source, month_end)
            written.append(entry)
        # A few deductions are taken back, with the reason, before the month closes.
        candidates = [e for e in written if e.rule.code in REVERSAL_REASONS]
        reversals = rng.sample(candidates, k=min(len(candidates), rng.randint(1, 3)))
        for original in sorted(reversals, key=lambda e: e.pk):
            reversal = score_entry_reverse(
                author=self.authors.get(ADMIN),
                entry=original,
                reason=REVERSAL_REASONS[original.rule.code],
            )
            later = original.created_at + datetime.timedelta(days=rng.randint(1, 4), hours=1)
            reversal.created_at = min(later, _aware(month_end, 17, 30), timezone.now())
            reversal.created_at = max(reversal.created_at, original.created_at)
            written.append(reversal)
        # The ledger is insert-only; only the demo backdates when its lines were recorded, so
        # six months of history do not all read as typed in today.
        with transaction.atomic():
            _allow_backdating()
            ScoreEntry.objects.bulk_update(written, ["created_at"], batch_size=500)
        self.result.created["score entries"] += len(written)
        self.result.created["reversals"] += len(reversals)

    def advance(self, month_start: datetime.date, target: str) -> None:
        """Move a month forward (never back) to its target state through the services."""
        order = Status.values
        month = month_get(month_start)
        if order.index(month.status) >= order.index(target):
            return
        next_month = _add_months(month_start, 1)
        if month.status == Status.OPEN:
            month = month_close(month_start)
            # Beat closes the month on the 1st at 02:00; the demo says so.
            month.closed_at = min(_aware(next_month, 2), timezone.now())
            AppraisalMonth.objects.filter(pk=month.pk).update(closed_at=month.closed_at)
            self.result.created["months closed"] += 1
        if target == Status.CLOSED:
            return
        if month.status == Status.CLOSED:
            month = month_publish(month)
            self.result.created["months published"] += 1
            self.appeals(month, decide_all=target == Status.FINAL)
            if target == Status.FINAL:
                # In the story this month was published weeks ago and its appeal period is
                # over; month_publish dated both today, so set them back before finalising
                # (month_finalise refuses while appeal_until >= today).
                published = add_working_days(next_month, 4)
                appeal_until = add_working_days(published, settings.HALL_APPEAL_DAYS)
                if appeal_until < self.today:
                    month.published_at = _aware(published, 10)
                    month.appeal_until = appeal_until
                    AppraisalMonth.objects.filter(pk=month.pk).update(
                        published_at=month.published_at, appeal_until=appeal_until
                    )
        if (
            target == Status.FINAL
            and month.status == Status.PUBLISHED
            and month.appeal_until is not None
            and month.appeal_until < self.today
        ):
            month = month_finalise(month)
            final_at = _aware(add_working_days(month.appeal_until, 1), 9)
            AppraisalMonth.objects.filter(pk=month.pk).update(
                final_at=min(final_at, timezone.now())
            )
            self.result.created["months final"] += 1

    # (reason of the appeal, decision, reason of the decision)
    APPEALS = (
        (
            "当天系统故障，窗口已放置“网络故障、暂停服务”提示牌，并非空岗。",
            True,
            "经调取监控核实，当时确为网络故障，撤销该扣分。",
        ),
        (
            "当日因群众材料问题临时离开工位协调，已向值班长报告。",
            False,
            "未见报告记录，离岗超过 15 分钟，维持原记录。",
        ),
    )

    def appeals(self, month: AppraisalMonth, *, decide_all: bool) -> None:
        """While a month is published, a few staff appeal deductions: in months that go on to
        be final every appeal is decided (one upheld, one rejected); in the month still in
        its appeal period the last one is left pending for the hall office."""
        deductions = list(
            ScoreEntry.objects.filter(
                month=month,
                staff__isnull=False,
                points__lt=0,
                reverses__isnull=True,
                reversed_by__isnull=True,
            )
            .select_related("staff")
            .order_by("occurred_on", "id")[:2]
        )
        admin = self.authors.get(ADMIN)
        for entry, (reason, uphold, decision) in zip(deductions, self.APPEALS, strict=False):
            appeal = appeal_lodge(staff=entry.staff, entry=entry, reason=reason)
            self.result.created["appeals"] += 1
            if decide_all or uphold:
                appeal_decide(author=admin, appeal=appeal, uphold=uphold, reason=decision)

    def run(self) -> Result:
        current = self.today.replace(day=1)
        months = [_add_months(current, -n) for n in range(HISTORY_MONTHS, -1, -1)]
        self.result.first_month, self.result.last_month = months[0], months[-1]
        for offset, month_start in zip(range(HISTORY_MONTHS, -1, -1), months, strict=True):
            month = month_get(month_start)
            if month.status == Status.OPEN and not month.entries.exists():
                self.fill(month_start)
            target = (
                Status.OPEN
                if offset == 0
                else Status.CLOSED
                if offset == 1
                else Status.PUBLISHED
                if offset == 2
                else Status.FINAL
            )
            self.advance(month_start, target)
        return self.result


@transaction.atomic
def seed_appraisal(*, rng_seed: int = 2026, today: datetime.date | None = None) -> Result:
    """The demo rule books and the appraisal history up to ``today`` (not after the real
    today: the ledger refuses future dates). Safe to run again."""
    today = today or timezone.localdate()
    books = rule_books()
    result = HistoryBuilder(rng_seed, today).run()
    result.created["rule books"] += books
    # The annual appraisal of the history's years: computed (never locked) — and only when
    # the months changed, so a second run writes nothing, not even an audit entry.
    for year in range(result.first_month.year, result.last_month.year + 1):
        y = annual.year_or_unsaved(year)
        if y.status != AppraisalYear.Status.COMPUTED or not annual.annual_rows_current(y):
            if not y.is_locked:
                annual.annual_compute(year, author=None)
                result.created["annual appraisals computed"] += 1
    return result
