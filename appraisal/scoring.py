"""Pure rules of the monthly appraisal: totals, ranking with its tie-breaks, bonus, awards.

No ORM here: the month close feeds plain tallies in and writes what comes out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
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
) -> tuple[list[Ranked], list[Ranked]]:
    """A month's ranked staff and windows, as the close and the live board compute them.

    A window's total is 100 plus its own entries plus, when the policy says so, the average
    net points of the staff seated there during the month (``seated``: window → staff ids).
    """
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
            )
        )
    return rank(staff_tallies), rank(window_tallies)


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


def award_reason(item: Ranked, kind_label: str) -> str:
    t = item.tally
    return (
        f"{kind_label}：总分 {t.total:g}（加 {t.additions:g}，减 {t.deductions:g}），"
        f"全厅第 {item.rank_hall} 名"
    )
