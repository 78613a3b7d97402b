"""Charts drawn on the server as inline SVG, so a page and a PDF can share them, points
written as people write them, and the repeated rows of the staff's phone page built in Python
(through the template engine they were most of that page's cost, bench/README.md)."""

from __future__ import annotations

import datetime
import html
import math
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def plain(value) -> str:
    """100, 101.5, -2: never 100.0 or 1E+2."""
    text = f"{Decimal(value).quantize(Decimal('0.1')):f}"
    return text[:-2] if text.endswith(".0") else text


def signed(value) -> str:
    """+2, −1.5 (with a real minus sign), or 0."""
    if value > 0:
        return f"+{plain(value)}"
    if value < 0:
        return f"−{plain(-value)}"
    return "0"


def points_range(rule) -> str:
    """A rule's points: −1, or −5 ~ −2."""
    if rule.min_points == rule.max_points:
        return signed(rule.min_points)
    return f"{signed(rule.min_points)} ~ {signed(rule.max_points)}"


def _nice_bounds(values: list[Decimal]) -> tuple[int, int]:
    """A y-range around the values in steps of 5, always including 100."""
    low = min([*values, Decimal("100")])
    high = max([*values, Decimal("100")])
    # math.floor/ceil, not //: Decimal's // truncates toward zero.
    lo = math.floor(low / 5) * 5
    hi = math.ceil(high / 5) * 5
    if hi - lo < 10:
        lo, hi = lo - 5, hi + 5
    return lo, hi


def trend_svg(
    points: list[tuple[datetime.date, Decimal]],
    *,
    title: str,
    width: int = 360,
    height: int = 190,
) -> SafeString:
    """A polyline of monthly totals, oldest first, with a y-axis and the months below: the
    month's number, and the year under the first month and under each January.

    ``points`` are (first day of the month, total). Empty → an empty string.
    """
    if not points:
        return mark_safe("")
    esc = html.escape
    left, right, top, bottom = 34, 14, 10, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _day, v in points]
    lo, hi = _nice_bounds(values)
    span = Decimal(hi - lo)

    def x(i: int) -> float:
        if len(points) == 1:
            return left + plot_w / 2
        return left + plot_w * i / (len(points) - 1)

    def y(v: Decimal | int) -> float:
        return top + float((Decimal(hi) - Decimal(v)) / span) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="trend-chart" role="img" aria-label="{esc(title)}" '
        f'style="width:100%;height:auto;max-width:{width * 2}px" '
        f'font-family="sans-serif" font-size="12">',
        f"<title>{esc(title)}</title>",
    ]
    step = 5 if hi - lo <= 20 else 10
    for tick in range(lo, hi + 1, step):
        ty = y(tick)
        stroke = "#8b1a1a" if tick == 100 else "#dee2e6"
        dash = ' stroke-dasharray="3 3"' if tick == 100 else ""
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{stroke}"{dash}/>'
            f'<text x="{left - 4}" y="{ty + 3:.1f}" text-anchor="end" fill="#6c757d">{tick}</text>'
        )
    coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_day, v) in enumerate(points))
    parts.append(
        f'<polyline points="{coords}" fill="none" stroke="#0d6efd" stroke-width="2" '
        f'stroke-linejoin="round"/>'
    )
    for i, (day, value) in enumerate(points):
        cx, cy = x(i), y(value)
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="#0d6efd">'
            f"<title>{day:%Y-%m}: {plain(value)}</title></circle>"
            f'<text x="{cx:.1f}" y="{height - 20}" text-anchor="middle" fill="#495057">'
            f"{day:%m}</text>"
        )
        if i == 0 or day.month == 1:
            parts.append(
                f'<text x="{cx:.1f}" y="{height - 5}" text-anchor="middle" fill="#6c757d">'
                f"{day:%Y}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — only numbers, dates and the escaped title


def my_entry_items(entries) -> SafeString:
    """The staff member's entries as list-group links, each value escaped.

    ``entries`` come from ``selectors.staff_entries`` (rule, author and reversal annotated).
    An entry without an author (written by the system) shows a dash.
    """
    esc = html.escape
    base = reverse("appraisal_my_entry", kwargs={"pk": 0})[: -len("0/")]
    file_attached = esc(_("file attached"))
    reversed_badge = f'<span class="badge text-bg-secondary">{esc(_("reversed"))}</span>'
    out = []
    for e in entries:
        lines = [
            f'<div><span class="fw-semibold">{esc(e.rule_code)}</span> {esc(e.rule_title)}</div>',
            f'<div class="small text-muted">{e.occurred_on:%Y-%m-%d} · {esc(e.author_name or "—")}'
            + (f" · {file_attached}" if e.evidence_file else "")
            + "</div>",
        ]
        if e.evidence:
            lines.append(
                f'<div class="small text-truncate" style="max-width: 16rem">{esc(e.evidence)}</div>'
            )
        if e.reverses_id:
            cancels = _("cancels entry #%(n)s") % {"n": e.reverses_id}
            lines.append(f'<div class="small">{esc(cancels)}: {esc(e.reason)}</div>')
        if e.reversal_id:
            lines.append(reversed_badge)
        tone = "text-success" if e.points > 0 else "text-danger" if e.points < 0 else ""
        sign = "+" if e.points > 0 else ""
        muted = " text-muted" if e.reverses_id else ""
        out.append(
            f'<a class="list-group-item list-group-item-action py-2{muted}" '
            f'href="{base}{int(e.pk)}/">'
            '<div class="d-flex justify-content-between align-items-start gap-2">'
            f"<div>{''.join(lines)}</div>"
            f'<span class="fs-5 fw-bold text-nowrap {tone}">{sign}{plain(e.points)}</span>'
            "</div></a>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped


def my_month_items(results) -> SafeString:
    """The staff member's published months as list-group links to each month's entries."""
    esc = html.escape
    yuan = esc(_("yuan"))
    out = []
    for r in results:
        month = f"{r.month.month:%Y-%m}"
        rank = esc(_("no. %(rank)s") % {"rank": r.rank_hall})
        bonus = f"{Decimal(r.bonus).quantize(Decimal('1'), rounding=ROUND_HALF_UP):f}"
        star = ' <span class="badge text-bg-warning">★</span>' if r.is_star else ""
        out.append(
            '<a class="list-group-item list-group-item-action d-flex justify-content-between '
            f'align-items-center py-2" href="?month={month}">'
            f'<span><span class="fw-semibold">{month}</span> '
            f'<span class="small text-muted">{rank} · {bonus} {yuan}</span>{star}</span>'
            f'<span class="fw-bold">{plain(r.total)}</span></a>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped
