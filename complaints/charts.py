"""Charts of the rating statistics, drawn on the server as inline SVG (no JavaScript), in the
manner of ``appraisal/charts.py``: every text escaped, numbers written as people write them.
"""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from appraisal.charts import plain
from complaints.models import Level
from complaints.rollups import LEVELS
from guides.flowchart import text_width

# Best to worst: greens for the satisfied levels, amber and red for a bad rating.
LEVEL_COLOURS = {
    Level.VERY_SATISFIED: "#198754",
    Level.SATISFIED: "#75b798",
    Level.BASIC: "#0d6efd",
    Level.DISSATISFIED: "#ffc107",
    Level.VERY_DISSATISFIED: "#dc3545",
}
LINE_COLOURS = (
    "#0d6efd",
    "#dc3545",
    "#198754",
    "#fd7e14",
    "#6f42c1",
    "#20c997",
    "#d63384",
    "#6c757d",
    "#0dcaf0",
    "#8b1a1a",
)


def _open(width: int, height: int, title: str, css: str) -> list[str]:
    esc = html.escape
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="{css}" role="img" aria-label="{esc(title)}" '
        f'style="width:100%;height:auto;max-width:{width}px" '
        f'font-family="sans-serif" font-size="12">',
        f"<title>{esc(title)}</title>",
    ]


def level_bars_svg(rows: list[tuple[str, dict[str, int]]], *, title: str) -> SafeString:
    """One stacked bar per subject: the share of each level of its ratings, best level on the
    left. ``rows`` are (label, {level: count}); a subject without ratings gets an empty track.
    Empty → an empty string."""
    if not rows:
        return mark_safe("")
    esc = html.escape
    labels = dict(Level.choices)
    label_w, bar_w, right, row_h, top = 150, 460, 56, 18, 30
    width = label_w + bar_w + right
    height = top + row_h * len(rows) + 6
    parts = _open(width, height, title, "level-bars")
    # The legend, across the top.
    x = label_w
    for level in LEVELS:
        name = str(labels[level]).split(" (")[0]
        parts.append(
            f'<rect x="{x}" y="6" width="10" height="10" fill="{LEVEL_COLOURS[level]}"/>'
            f'<text x="{x + 14}" y="15" fill="#495057">{esc(name)}</text>'
        )
        x += 14 + round(text_width(name, 12)) + 14  # a Chinese character is a whole em
    for n, (label, counts) in enumerate(rows):
        y = top + n * row_h
        total = sum(counts.get(level, 0) for level in LEVELS)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end" fill="#212529">'
            f"{esc(label[:22])}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row_h - 5}" fill="#f1f3f5"/>'
        )
        left = float(label_w)
        for level in LEVELS:
            count = counts.get(level, 0)
            if not count:
                continue
            w = bar_w * count / total
            share = Decimal(count * 100) / total
            parts.append(
                f'<rect x="{left:.1f}" y="{y + 2}" width="{w:.1f}" height="{row_h - 5}" '
                f'fill="{LEVEL_COLOURS[level]}"><title>{esc(label)} · '
                f"{esc(str(labels[level]))}: {count} ({plain(share)}%)</title></rect>"
            )
            left += w
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 12}" fill="#6c757d">{total}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — numbers and escaped labels only


def trend_lines_svg(
    series: list[tuple[str, list[tuple[datetime.date, Decimal | None]]]],
    *,
    title: str,
    width: int = 720,
) -> SafeString:
    """One line of monthly satisfaction rates (per cent) per subject, oldest month first; a
    month without ratings breaks the line. ``series`` are (label, [(month, rate or None)]),
    every series over the same months. Empty → an empty string."""
    months = series[0][1] if series else []
    if not months:
        return mark_safe("")
    esc = html.escape
    values = [v for _label, points in series for _m, v in points if v is not None]
    lo = min([*values, Decimal(80)])
    lo = int(lo // 10 * 10)
    hi = 100
    left, right, top, plot_h = 38, 12, 10, 180
    legend_rows = (len(series) + 3) // 4
    height = top + plot_h + 36 + legend_rows * 16
    plot_w = width - left - right
    span = Decimal(hi - lo) or Decimal(1)

    def x(i: int) -> float:
        return left + (plot_w / 2 if len(months) == 1 else plot_w * i / (len(months) - 1))

    def y(v: Decimal | int) -> float:
        return top + float((Decimal(hi) - Decimal(v)) / span) * plot_h

    parts = _open(width, height, title, "trend-lines")
    for tick in range(lo, hi + 1, 5 if hi - lo <= 30 else 10):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#dee2e6"/><text x="{left - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'fill="#6c757d">{tick}%</text>'
        )
    for i, (month, _v) in enumerate(months):
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'fill="#495057">{month:%m}</text>'
        )
        if i == 0 or month.month == 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 30}" text-anchor="middle" '
                f'fill="#6c757d">{month:%Y}</text>'
            )
    for n, (label, points) in enumerate(series):
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        run: list[str] = []
        runs = [run]
        for i, (month, value) in enumerate(points):
            if value is None:
                run = []
                runs.append(run)
                continue
            run.append(f"{x(i):.1f},{y(value):.1f}")
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="2.5" fill="{colour}">'
                f"<title>{esc(label)} {month:%Y-%m}: {plain(value)}%</title></circle>"
            )
        for r in runs:
            if len(r) > 1:
                parts.append(
                    f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" '
                    f'stroke-width="1.8" stroke-linejoin="round"/>'
                )
        lx = left + (n % 4) * (plot_w / 4)
        ly = top + plot_h + 46 + (n // 4) * 16
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 9}" width="12" height="3" fill="{colour}"/>'
            f'<text x="{lx + 16:.1f}" y="{ly - 4}" fill="#212529">{esc(label[:16])}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — numbers, dates and escaped labels only


def stats_rows_html(by: str, indicators) -> SafeString:
    """The statistics table's body, built in Python with every value escaped: through the
    template engine its 50 rows × 12 cells were most of the page's cost (bench/README.md).
    ``by``: "window", "department" or "staff"; ``indicators`` from ``complaints.selectors``."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    esc = html.escape
    card = reverse("rating_card", kwargs={"pk": 0})[: -len("0/")]
    talk = f' <span class="badge text-bg-danger">{esc(_("talk"))}</span>'
    qr_card = esc(_("QR card"))
    out = []
    for i in indicators:
        s = i.subject
        if by == "window":
            who = f"<td>{esc(s.number)} {esc(s.name)}{talk if i.talk else ''}</td>"
            who += f"<td>{esc(s.department.short_name)}</td>"
        elif by == "department":
            who = f"<td>{esc(s.name)}</td>"
        else:
            who = (
                f'<td>{esc(s.name)} <span class="small text-muted">{esc(s.employee_no)}</span></td>'
                f"<td>{esc(s.department.short_name)}</td>"
            )
        total = i.total
        shares = "".join(
            f'<td class="text-end small">'
            f"{(Decimal(i.counts.get(level, 0)) * 100 / total).quantize(Decimal('0.1'))}%</td>"
            if total
            else '<td class="text-end small">—</td>'
            for level in LEVELS
        )
        rate = f"{i.rate}%" if i.rate is not None else "—"
        bad = ' class="text-end text-danger"' if i.bad else ' class="text-end"'
        tail = (
            f'<td><a class="btn btn-sm btn-outline-secondary text-nowrap" '
            f'href="{card}{s.pk}/">{qr_card}</a></td>'
            if by == "window"
            else ""
        )
        row_class = ' class="table-warning"' if i.talk else ""
        out.append(
            f"<tr{row_class}>"
            f"<td>{i.rank or '—'}</td>{who}"
            f'<td class="text-end">{total}</td>{shares}'
            f'<td class="text-end fw-semibold">{rate}</td><td{bad}>{i.bad}</td>{tail}</tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 — every value escaped above
