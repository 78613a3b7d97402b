"""Pure rules of the monthly appraisal: totals, ranking with its tie-breaks, bonus, awards.

No ORM here: the month close feeds plain tallies in and writes what comes out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

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


def order_key(t: Tally):
    """Higher total first; then fewer deductions, more additions, higher satisfaction
    (when ratings exist), and the employee or window number."""
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


def bonus(total: Decimal, *, base: Decimal, per_point: Decimal) -> Decimal:
    """Bonus pay: the base amount at 100 points, plus or minus per point; never negative."""
    amount = base + (total - BASE) * per_point
    return max(Decimal("0.00"), amount.quantize(Decimal("0.01")))


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


def award_reason(item: Ranked, kind_label: str) -> str:
    t = item.tally
    return (
        f"{kind_label}：总分 {t.total:g}（加 {t.additions:g}，减 {t.deductions:g}），"
        f"全厅第 {item.rank_hall} 名"
    )
