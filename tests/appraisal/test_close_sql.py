"""The month close computes totals, ranks, bonus and award flags in one SQL statement
(``appraisal.results_sql``); the live board computes them in Python (``appraisal.scoring``).
Here the Python rules are the oracle: a month with ties on every tie-break level, half-way
roundings and every award rule is closed, and each row must equal what ``scoring`` says.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from decimal import Decimal

import pytest
import time_machine

from appraisal import scoring
from appraisal.models import (
    AppraisalMonth,
    Award,
    BonusBand,
    MonthlyResult,
    Rule,
    RuleBook,
    ScoreEntry,
)
from appraisal.rulebooks import bonus_table
from appraisal.services import month_close, month_finalise, month_publish
from complaints.models import Level
from complaints.selectors import satisfaction_rates
from staff.models import Assignment, StaffMember
from tests.factories import DepartmentFactory, StaffMemberFactory, WindowFactory
from tests.helpers import ratings_made
from windows.models import Window

OCT = datetime.date(2026, 10, 1)
DAY = datetime.date(2026, 10, 9)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def rule(book, code, applies_to="staff", disqualifies=False):
    """An addition (code ending in P) or a deduction rule of a wide range."""
    low, high = ("0.1", "20") if code.endswith("P") else ("-50", "-0.1")
    return Rule.objects.create(
        book=book,
        code=code,
        title=code,
        category="other",
        applies_to=applies_to,
        min_points=Decimal(low),
        max_points=Decimal(high),
        disqualifies=disqualifies,
    )


def rate(window, level, n=1, *, staff=None):
    at = datetime.datetime.combine(DAY, datetime.time(10), tzinfo=SHANGHAI)
    ratings_made(window, level, n, at=at, staff=staff)


def build_month(book):
    """Staff and windows tied on each level of ``scoring.order_key``, in two departments.

    Points go straight into the ledger (``bulk_create``): the ledger's door is tested
    elsewhere; here only what the close makes of the entries matters.
    """
    plus, minus, minus_too = rule(book, "S-P"), rule(book, "S-M"), rule(book, "S-M2")
    absent = rule(book, "S-X", disqualifies=True)
    w_plus, w_minus = rule(book, "W-P", "window"), rule(book, "W-M", "window")
    d1, d2 = DepartmentFactory(), DepartmentFactory()
    windows = {n: WindowFactory(number=n, department=d1) for n in ("A1", "A-2", "C1")}
    windows |= {
        n: WindowFactory(number=n, department=d2)
        for n in ("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8")
    }
    people = {}

    def person(no, window, department=None):
        people[no] = StaffMemberFactory(
            employee_no=no, window=windows[window], department=department or d1
        )
        return people[no]

    entries = []

    def points(subject, rule_, *values):
        key = "window" if rule_.applies_to == "window" else "staff"
        entries.extend(
            ScoreEntry(
                **{key: subject}, rule=rule_, points=Decimal(v), occurred_on=DAY, month=month
            )
            for v in values
        )

    month = AppraisalMonth.objects.create(month=OCT)
    # Total 100 everywhere below, so the later keys decide.
    points(person("S10", "A1"), plus, "2")
    points(people["S10"], minus, "-2")  # 2 deducted
    points(person("S11", "A1"), plus, "1.5", "1.5")
    points(people["S11"], minus, "-3")  # 3 deducted: after S10
    person("S12", "A1")  # nothing deducted: before both
    # Same total, deductions and additions: satisfaction, rated before unrated (even 0 %).
    for no in ("S20", "S21", "S22", "S23", "S24"):
        person(no, "A-2", d2)
    rate(windows["A-2"], Level.SATISFIED, staff=people["S20"])
    rate(windows["A-2"], Level.DISSATISFIED, staff=people["S20"])  # 50 %
    rate(windows["A-2"], Level.VERY_SATISFIED, 2, staff=people["S21"])  # 100 %
    rate(windows["A-2"], Level.VERY_DISSATISFIED, staff=people["S22"])  # 0 %
    # The employee number by code points, as Python compares: "A-2" < "A1" < "B2" < "a1".
    for no in ("a1", "A1", "B2", "A-2"):
        person(no, "B4", d2)
    # Above 100: the award candidates. T1 leads but is disqualified (an absence kept); T2's
    # absence was reversed, so it counts for nothing; T3 and T4 tie on 104.5.
    points(person("T1", "B1", d2), plus, "9")
    points(people["T1"], absent, "-1")
    points(person("T2", "B1", d2), plus, "6")
    points(people["T2"], absent, "-3", "3")
    points(person("T3", "B2", d2), plus, "4.5")
    points(person("T4", "B2", d2), plus, "5.5")
    points(people["T4"], minus_too, "-1")
    points(person("T5", "B3", d2), plus, "0.3")  # 100.3: a bonus of a half cent
    points(person("T6", "B3", d2), plus, "0.5")  # 100.5: likewise
    points(person("L1", "B3", d2), minus, "-7.5")
    points(people["L1"], minus_too, "-50")  # far below: a negative bonus pays nothing
    # Windows. The staff share is the average net of who sat there, to a tenth, half to
    # even: A1 (2 − 2, 3 − 3, 0) → 0; B1 (8, 6, 0, 0) → 3.5; B2 (4.5, 4.5) → 4.5; B3 (0.3,
    # 0.5, −57.5) → −18.9; B5 (0.1, 0) → 0.0; B6 (0.3, 0) → 0.2; B7 (−0.1, 0) → −0.0;
    # B8 (0.5, 0) → 0.2 (half up would give 0.1, 0.2, −0.1, 0.3); C1 (1) → 1. A1 (+1 − 1)
    # and C1 (−1 + its staff's 1) tie at 100 with one point deducted; A1 has more additions.
    for window, no, value in (("B5", "H1", "0.1"), ("B6", "H3", "0.3"), ("B7", "H5", "-0.1")):
        points(person(no, window, d2), plus if value[0] != "-" else minus, value)
    points(person("H7", "B8", d2), plus, "0.5")
    for window, no in (("B5", "H2"), ("B6", "H4"), ("B7", "H6"), ("B8", "H8")):
        person(no, window, d2)
    points(windows["A1"], w_plus, "1")
    points(windows["A1"], w_minus, "-1")
    points(windows["A-2"], w_minus, "-1")
    points(windows["C1"], w_minus, "-1")
    points(person("K1", "C1"), plus, "1")
    points(windows["B1"], w_minus, "-0.5", "-0.5")
    # B4: its staff sat at B1 half of the month too (a second seat).
    for no in ("a1", "A1"):
        Assignment.objects.create(staff=people[no], window=windows["B1"], start=OCT, end=DAY)
    # Someone who left before October is not ranked.
    gone = person("Z9", "B4", d2)
    StaffMember.objects.filter(pk=gone.pk).update(active=False)
    Assignment.objects.filter(staff=gone).update(end=OCT - datetime.timedelta(days=1))
    ScoreEntry.objects.bulk_create(entries)
    return month


def oracle(month, book, pay):
    """The month's rows by ``scoring``: (staff, window) → the result's fields, and the
    awards in order."""
    last = month.last_day
    seated = defaultdict(set)
    for a in Assignment.objects.all():
        if a.start <= last and (a.end is None or a.end >= OCT):
            seated[a.window_id].add(a.staff_id)
    staff = [
        s
        for s in StaffMember.objects.all()
        if (s.active and s.joined_hall_on <= last) or any(s.pk in v for v in seated.values())
    ]
    rows = [
        {
            "staff_id": e.staff_id,
            "window_id": e.window_id,
            "rule__disqualifies": e.rule.disqualifies,
            "code": e.rule.code,
            "points": e.points,
        }
        for e in ScoreEntry.objects.select_related("rule")
    ]
    netted = defaultdict(Decimal)
    for r in rows:
        netted[(r["staff_id"], r["window_id"], r["code"], r["rule__disqualifies"])] += r["points"]
    nets = [
        {"staff_id": s, "window_id": w, "rule__disqualifies": dq, "net": net}
        for (s, w, _code, dq), net in netted.items()
    ]
    staff_rate, window_rate = satisfaction_rates(OCT)
    staff_ranked, window_ranked = scoring.rank_month(
        staff=[scoring.Subject(s.pk, s.department_id, s.employee_no) for s in staff],
        windows=[scoring.Subject(w.pk, w.department_id, w.number) for w in Window.objects.all()],
        staff_net=scoring.fold_nets(nets, "staff_id"),
        window_net=scoring.fold_nets(nets, "window_id"),
        seated=seated,
        window_includes_staff=book.window_includes_staff,
        staff_satisfaction=staff_rate,
        window_satisfaction=window_rate,
    )
    count = scoring.star_count(len(staff_ranked), share=book.star_share, minimum=book.star_minimum)
    stars = scoring.pick(staff_ranked, count, min_total=book.award_min_total)
    banners = scoring.pick(window_ranked, book.banner_count, min_total=book.award_min_total)
    star_ids = {r.tally.subject_id for r in stars}
    banner_ids = {r.tally.subject_id for r in banners}
    expected = {}
    for kind, ranked in (("staff", staff_ranked), ("window", window_ranked)):
        for r in ranked:
            t = r.tally
            key = (t.subject_id, None) if kind == "staff" else (None, t.subject_id)
            expected[key] = {
                "additions": t.additions,
                "deductions": t.deductions,
                "staff_share": t.extra,
                "total": t.total,
                "rank_hall": r.rank_hall,
                "rank_department": r.rank_department,
                "bonus": pay.amount(t.total) if kind == "staff" else Decimal("0"),
                "disqualified": t.disqualified,
                "is_star": kind == "staff" and t.subject_id in star_ids,
                "is_banner": kind == "window" and t.subject_id in banner_ids,
            }

    def reason(r, label):  # as the result table shows the figures: to a tenth
        t, tenth = r.tally, Decimal("0.1")
        shown = scoring.Tally(
            t.subject_id,
            t.department_id,
            t.sort_key,
            t.additions.quantize(tenth),
            t.deductions.quantize(tenth),
            extra=t.extra.quantize(tenth),
        )
        return scoring.award_reason(scoring.Ranked(shown, r.rank_hall), label)

    awards = [("service_star", r.tally.subject_id, None, reason(r, "服务明星")) for r in stars]
    awards += [
        ("civilised_window", None, r.tally.subject_id, reason(r, "流动文明窗口标兵"))
        for r in banners
    ]
    return expected, awards


def stored(month):
    fields = [
        "additions",
        "deductions",
        "staff_share",
        "total",
        "rank_hall",
        "rank_department",
        "bonus",
        "disqualified",
        "is_star",
        "is_banner",
    ]
    return {
        (r["staff_id"], r["window_id"]): {f: r[f] for f in fields}
        for r in MonthlyResult.objects.filter(month=month).values("staff_id", "window_id", *fields)
    }


POLICIES = {
    "per point, odd cents": dict(bonus_base=Decimal("500.00"), bonus_per_point=Decimal("12.35")),
    "bands, no staff share": dict(
        bonus_mode=RuleBook.BonusMode.BANDS,
        window_includes_staff=False,
        star_share=Decimal("25.0"),
        award_min_total=Decimal("100.3"),
        banner_count=2,
    ),
    "a minimum above the share": dict(star_share=Decimal("0.5"), star_minimum=3),
}


@pytest.mark.parametrize("policy", POLICIES, ids=list(POLICIES))
def test_the_close_writes_what_the_python_rules_compute(policy):
    book = RuleBook.objects.create(
        title="考评规则", effective_from=datetime.date(2025, 1, 1), **POLICIES[policy]
    )
    if book.bonus_mode == RuleBook.BonusMode.BANDS:
        for total_from, amount in (("90", "100"), ("100", "300.50"), ("100.5", "400")):
            BonusBand.objects.create(book=book, total_from=total_from, amount=amount)
    month = build_month(book)
    expected, awards = oracle(month, book, bonus_table(book))
    month_close(OCT)
    assert stored(month) == expected
    got = Award.objects.filter(month=month).order_by("id")
    assert list(got.values_list("kind", "staff_id", "window_id", "reason")) == awards

    # The same rows when an upheld appeal recomputes the published month before it is final.
    month_publish(month)
    month.refresh_from_db()
    with time_machine.travel(month.appeal_until + datetime.timedelta(days=1)):
        month_finalise(month)
    assert stored(month) == expected
    got = Award.objects.filter(month=month).order_by("id")
    assert list(got.values_list("kind", "staff_id", "window_id", "reason")) == awards


def test_the_ties_fall_as_the_tie_breaks_say():
    """The order itself, spelled out (the oracle above could share a mistake)."""
    book = RuleBook.objects.create(title="考评规则", effective_from=datetime.date(2025, 1, 1))
    month = build_month(book)
    month_close(OCT)
    staff = MonthlyResult.objects.filter(month=month, staff__isnull=False).order_by("rank_hall")
    order = [r.staff.employee_no for r in staff if r.total == 100]
    # No deductions first (S12, the satisfaction group by rate, then the numbers), then 2, 3.
    assert order == [
        *("S21", "S20", "S22"),  # rated: 100 %, 50 %, 0 %
        *("A-2", "A1", "B2", "H2", "H4", "H6", "H8", "S12", "S23", "S24", "a1"),
        *("S10", "S11"),  # 2, then 3 points deducted
    ]
    top = [(r.staff.employee_no, r.total) for r in staff[:4]]
    assert top == [("T1", 108), ("T2", 106), ("T3", 104.5), ("T4", 104.5)]
    windows = {r.window.number: r for r in MonthlyResult.objects.filter(window__isnull=False)}
    assert windows["A1"].total == windows["C1"].total == 100
    assert windows["A1"].rank_hall + 1 == windows["C1"].rank_hall  # more additions
    shares = {n: windows[n].staff_share for n in ("B1", "B3", "B5", "B6", "B7", "B8")}
    assert shares == {
        "B1": Decimal("3.5"),
        "B3": Decimal("-18.9"),
        "B5": Decimal("0"),
        "B6": Decimal("0.2"),
        "B7": Decimal("0"),
        "B8": Decimal("0.2"),
    }
    by_no = {r.staff.employee_no: r.bonus for r in staff}  # 500 + 20 a point
    assert (by_no["T5"], by_no["L1"]) == (Decimal("506.00"), Decimal("0.00"))
    stars = Award.objects.filter(month=month, kind="service_star").order_by("id")
    # 10 % of 28 staff (Z9 left before October) → 2; T1 is disqualified.
    assert len(staff) == 28 and "Z9" not in by_no
    assert [a.staff.employee_no for a in stars] == ["T2", "T3"]
    assert stars[0].reason == "服务明星：总分 106（加 6，减 0），全厅第 2 名"


def test_a_recomputation_keeps_the_closed_population_even_without_staff():
    """Only windows were ranked: the recomputation's staff list is empty, and someone who
    joined after the close is not added."""
    book = RuleBook.objects.create(title="考评规则", effective_from=datetime.date(2025, 1, 1))
    window = WindowFactory(number="A1")
    month = AppraisalMonth.objects.create(month=OCT)
    ScoreEntry.objects.create(
        window=window, rule=rule(book, "W-M", "window"), points=-1, occurred_on=DAY, month=month
    )
    month_publish(month_close(OCT))
    StaffMemberFactory(employee_no="N1", window=window, joined_hall_on=OCT)
    month.refresh_from_db()
    with time_machine.travel(month.appeal_until + datetime.timedelta(days=1)):
        month_finalise(month)
    rows = MonthlyResult.objects.filter(month=month).values_list("staff_id", "window_id", "total")
    assert list(rows) == [(None, window.pk, Decimal("99.0"))]
