"""Pure rules of the monthly appraisal: totals, ranking with its tie-breaks, bonus, awards.

No ORM here: the month close feeds plain tallies in and writes what comes out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

BASE = Decimal("100")


@dataclass(frozen=True)
class Tally:
    subject_id: int
    department_id: int
    sort_key: str  # the employee number or window number: the last tie-break
    additions: Decimal = Decimal("0")
    deductions: Decimal = Decimal("0")  # positive: points taken off
    extra: Decimal = Decimal("0")  # a window's share of its staff's net points
    disqualified: bool = False
    satisfaction: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return BASE + self.additions - self.deductions + self.extra


@dataclass
class Ranked:
    tally: Tally
    rank_hall: int = 0
    rank_department: int = 0
    awards: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Net:
    """A subject's month so far: additions, deductions (positive), whether disqualified."""

    additions: Decimal = Decimal("0")
    deductions: Decimal = Decimal("0")
    disqualified: bool = False


NO_ENTRIES = Net()


def fold_nets(rows: Iterable[Mapping], key: str) -> dict[int, Net]:
    """Per subject, from ledger rows netted per subject and rule code (``key`` names the
    subject's column; rows with no subject there are skipped; each row has ``net`` and
    ``rule__disqualifies``).

    Netting per rule code first makes an entry and its reversal cancel out instead of showing
    as one addition and one deduction; a disqualifying rule counts only if its entries were
    not all reversed.
    """
    out: dict[int, list] = {}
    for row in rows:
        subject = row[key]
        if subject is None:
            continue
        net = row["net"] or Decimal("0")
        bucket = out.setdefault(subject, [Decimal("0"), Decimal("0"), False])
        if net > 0:
            bucket[0] += net
        elif net < 0:
            bucket[1] += -net
            if row["rule__disqualifies"]:
                bucket[2] = True
    return {subject: Net(*bucket) for subject, bucket in out.items()}


@dataclass(frozen=True)
class Subject:
    """Who is ranked: a staff member or a window, with its department and sort key."""

    pk: int
    department_id: int
    sort_key: str  # the employee number or window number


def rank_month(
    *,
    staff: Iterable[Subject],
    windows: Iterable[Subject],
    staff_net: Mapping[int, Net],
    window_net: Mapping[int, Net],
    seated: Mapping[int, set[int]],
    window_includes_staff: bool,
    staff_satisfaction: Mapping[int, Decimal] | None = None,
    window_satisfaction: Mapping[int, Decimal] | None = None,
) -> tuple[list[Ranked], list[Ranked]]:
    """A month's ranked staff and windows, as the close and the live board compute them.

    A window's total is 100 plus its own entries plus, when the policy says so, the average
    net points of the staff seated there during the month (``seated``: window → staff ids).
    ``*_satisfaction`` (subject → the month's satisfaction rate from citizens' ratings, only
    subjects that were rated) breaks ties after the additions: see ``order_key``.
    """
    staff_rate = staff_satisfaction or {}
    window_rate = window_satisfaction or {}
    staff_tallies = []
    for s in staff:
        n = staff_net.get(s.pk, NO_ENTRIES)
        staff_tallies.append(
            Tally(
                s.pk,
                s.department_id,
                s.sort_key,
                n.additions,
                n.deductions,
                disqualified=n.disqualified,
                satisfaction=staff_rate.get(s.pk),
            )
        )
    net_of = {t.subject_id: t.additions - t.deductions for t in staff_tallies}
    window_tallies = []
    for w in windows:
        n = window_net.get(w.pk, NO_ENTRIES)
        extra = Decimal("0")
        people = [net_of[s] for s in seated.get(w.pk, ()) if s in net_of]
        if window_includes_staff and people:
            extra = (sum(people) / len(people)).quantize(Decimal("0.1"))
        window_tallies.append(
            Tally(
                w.pk,
                w.department_id,
                w.sort_key,
                n.additions,
                n.deductions,
                extra=extra,
                disqualified=n.disqualified,
                satisfaction=window_rate.get(w.pk),
            )
        )
    return rank(staff_tallies), rank(window_tallies)


def order_key(t: Tally):
    """Higher total first; then fewer deductions, more additions, higher satisfaction rate
    (subjects without ratings after every rated one, even one rated 0 %), and the employee or
    window number."""
    satisfaction = t.satisfaction if t.satisfaction is not None else Decimal("-1")
    return (-t.total, t.deductions, -t.additions, -satisfaction, t.sort_key)


def rank(tallies: list[Tally]) -> list[Ranked]:
    """Every subject gets a distinct place in the hall and in its department."""
    ordered = [Ranked(t) for t in sorted(tallies, key=order_key)]
    per_department: dict[int, int] = {}
    for place, item in enumerate(ordered, start=1):
        item.rank_hall = place
        per_department[item.tally.department_id] = (
            per_department.get(item.tally.department_id, 0) + 1
        )
        item.rank_department = per_department[item.tally.department_id]
    return ordered


def bonus(
    total: Decimal,
    *,
    base: Decimal = Decimal("0"),
    per_point: Decimal = Decimal("0"),
    bands: Sequence[tuple[Decimal, Decimal]] | None = None,
) -> Decimal:
    """Bonus pay for a month's total; never negative.

    Per point (``bands`` is None): the base amount at 100 points, plus or minus per point.
    By bands: ``bands`` are (total from, amount) rows; a total earns the amount of the highest
    band it reaches (a total exactly on a band's lower edge is in that band), and a total
    below the lowest band earns nothing.
    """
    if bands is not None:
        amount = Decimal("0")
        for total_from, band_amount in sorted(bands):
            if total >= total_from:
                amount = band_amount
            else:
                break
    else:
        amount = base + (total - BASE) * per_point
    return max(Decimal("0.00"), Decimal(amount).quantize(Decimal("0.01")))


@dataclass(frozen=True)
class BonusTable:
    """A general rule book's bonus policy as plain data (see ``rulebooks.bonus_table``)."""

    base: Decimal = Decimal("0")
    per_point: Decimal = Decimal("0")
    bands: tuple[tuple[Decimal, Decimal], ...] | None = None  # None: per point

    def amount(self, total: Decimal) -> Decimal:
        return bonus(total, base=self.base, per_point=self.per_point, bands=self.bands)


def star_count(staff_count: int, *, share: Decimal, minimum: int) -> int:
    if staff_count == 0:
        return 0
    return min(staff_count, max(minimum, math.floor(staff_count * share / Decimal("100"))))


def pick(ranked: list[Ranked], count: int, *, min_total: Decimal) -> list[Ranked]:
    """The first ``count`` in ranking order who are not disqualified and reach ``min_total``."""
    chosen = []
    for item in ranked:
        if len(chosen) == count:
            break
        if not item.tally.disqualified and item.tally.total >= min_total:
            chosen.append(item)
    return chosen


def points_text(value: Decimal) -> str:
    """Points as the hall writes them: 105, 102.5, -0.5 (no trailing ".0")."""
    text = f"{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN):f}"
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


def award_reason(item: Ranked, kind_label: str) -> str:
    t = item.tally
    return (
        f"{kind_label}：总分 {points_text(t.total)}（加 {points_text(t.additions)}，"
        f"减 {points_text(t.deductions)}），全厅第 {item.rank_hall} 名"
    )


# --- the annual appraisal (年度考核) ------------------------------------------------------

EXCELLENT = "excellent"  # 优秀
COMPETENT = "competent"  # 称职
BASIC = "basic"  # 基本称职
INCOMPETENT = "incompetent"  # 不称职
GRADE_NAMES = {EXCELLENT: "优秀", COMPETENT: "称职", BASIC: "基本称职", INCOMPETENT: "不称职"}


@dataclass(frozen=True)
class YearFigures:
    """One staff member's year, from the months counted."""

    staff_id: int
    sort_key: str  # the employee number: the last tie-break
    months: int
    average: Decimal  # average monthly total, as shown (two decimals)
    additions: Decimal = Decimal("0")
    deductions: Decimal = Decimal("0")  # positive: points taken off over the year
    stars: int = 0
    months_disqualified: int = 0


@dataclass(frozen=True)
class Thresholds:
    excellent: Decimal  # minimum average for 优秀
    competent: Decimal  # minimum average for 称职
    basic: Decimal  # minimum average for 基本称职; below it 不称职
    excellent_share: Decimal  # the 优秀 quota: at most this % of the staff graded
    disqualified_bars_excellent: bool = True


@dataclass
class Graded:
    figures: YearFigures
    rank: int
    proposed: str  # by the thresholds alone
    grade: str  # after the disqualification bar and the quota
    reason: str


def average(totals: list[Decimal]) -> Decimal:
    """The average monthly total, rounded half up to two decimals: the figure shown is the
    figure the thresholds judge."""
    if not totals:
        return Decimal("0.00")
    return (sum(totals, Decimal("0")) / len(totals)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def annual_order_key(f: YearFigures):
    """Higher average first; then fewer deductions, more additions, more service stars, and
    the employee number."""
    return (-f.average, f.deductions, -f.additions, -f.stars, f.sort_key)


def excellent_quota(staff_count: int, share: Decimal, *, candidates: int) -> int:
    """At most ``share`` % of the staff graded, rounded down; at least one when anyone
    qualifies (unless the share is 0 %); never more than the candidates."""
    if staff_count == 0 or candidates == 0 or share <= 0:
        return 0
    return min(candidates, max(1, math.floor(staff_count * share / Decimal("100"))))


def threshold_grade(avg: Decimal, t: Thresholds) -> str:
    if avg >= t.excellent:
        return EXCELLENT
    if avg >= t.competent:
        return COMPETENT
    if avg >= t.basic:
        return BASIC
    return INCOMPETENT


def _n(value: Decimal) -> str:
    """100.50 → "100.5", 100.00 → "100"."""
    return f"{Decimal(value).normalize():f}"


def annual_grade(figures: list[YearFigures], t: Thresholds) -> list[Graded]:
    """Grade every staff member of the year, in ranking order, each with the reason.

    The thresholds give the proposed grade. 优秀 then needs no disqualified month (when the
    year says so) and a place inside the quota: candidates are taken in ranking order, so
    ties at the quota line are broken by ``annual_order_key``. A candidate left out gets 称职.
    """
    ordered = sorted(figures, key=annual_order_key)
    proposed = {f.staff_id: threshold_grade(f.average, t) for f in ordered}
    barred = {
        f.staff_id
        for f in ordered
        if proposed[f.staff_id] == EXCELLENT
        and t.disqualified_bars_excellent
        and f.months_disqualified > 0
    }
    candidates = [
        f for f in ordered if proposed[f.staff_id] == EXCELLENT and f.staff_id not in barred
    ]
    quota = excellent_quota(len(ordered), t.excellent_share, candidates=len(candidates))
    chosen = {f.staff_id: place for place, f in enumerate(candidates[:quota], start=1)}
    place_of = {f.staff_id: place for place, f in enumerate(candidates, start=1)}
    out = []
    for rank_hall, f in enumerate(ordered, start=1):
        p = proposed[f.staff_id]
        avg = f"平均 {_n(f.average)} 分（{f.months} 个月）"
        if p == EXCELLENT:
            line = f"{avg} ≥ 优秀线 {_n(t.excellent)}"
            if f.staff_id in barred:
                grade = COMPETENT
                reason = f"{line}，但有 {f.months_disqualified} 个月被取消评优资格，不评优秀 → 称职"
            elif f.staff_id in chosen:
                grade = EXCELLENT
                reason = f"{line}，在优秀名额内（第 {chosen[f.staff_id]} / {quota} 名）→ 优秀"
            else:
                grade = COMPETENT
                reason = (
                    f"{line}，但超出优秀名额（候选第 {place_of[f.staff_id]} 名，"
                    f"名额 {quota} 名）→ 称职"
                )
        elif p == COMPETENT:
            grade = p
            reason = f"{avg} ≥ 称职线 {_n(t.competent)}，低于优秀线 {_n(t.excellent)} → 称职"
        elif p == BASIC:
            grade = p
            reason = f"{avg} ≥ 基本称职线 {_n(t.basic)}，低于称职线 {_n(t.competent)} → 基本称职"
        else:
            grade = p
            reason = f"{avg} 低于基本称职线 {_n(t.basic)} → 不称职"
        out.append(Graded(f, rank_hall, p, grade, reason))
    return out
