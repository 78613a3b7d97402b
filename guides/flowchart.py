"""The procedure flowchart of a guide as an SVG string: one box per step, arrows between.

Pure (no ORM, no templates), so the web page and the printed booklet draw the same chart.
Chinese text is wrapped by measured width: a CJK character is one em, other characters
about half of one; lines break anywhere in Chinese and, where they can, at spaces in Latin
text. Every string is escaped.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
TITLE_SIZE = 15
DETAIL_SIZE = 12
LINE_GAP = 1.35  # line height as a multiple of the font size
PAD_X, PAD_Y = 14, 10
ARROW = 30  # vertical room between two boxes
MARGIN = 6


@dataclass(frozen=True)
class FlowStep:
    title: str
    who: str = ""
    time: str = ""


def char_width(ch: str, size: float) -> float:
    if unicodedata.east_asian_width(ch) in {"W", "F"}:
        return size
    return size * 0.55


def text_width(text: str, size: float) -> float:
    return sum(char_width(ch, size) for ch in text)


def wrap(text: str, max_width: float, size: float) -> list[str]:
    """Lines of ``text`` no wider than ``max_width`` at font ``size``."""
    lines: list[str] = []
    for paragraph in (text or "").splitlines() or [""]:
        line, width, last_space = "", 0.0, -1
        for ch in paragraph:
            w = char_width(ch, size)
            if width + w > max_width and line:
                if ch != " " and last_space > 0:  # break a Latin word at its last space
                    lines.append(line[:last_space])
                    line = line[last_space + 1 :]
                else:
                    lines.append(line)
                    line = ""
                width, last_space = text_width(line, size), -1
                if ch == " " and not line:
                    continue
            if ch == " ":
                last_space = len(line)
            line += ch
            width += w
        lines.append(line)
    return [ln for ln in lines if ln.strip()] or [""]


def _steps(steps: Iterable) -> list[FlowStep]:
    return [
        s
        if isinstance(s, FlowStep)
        else FlowStep(getattr(s, "title", ""), getattr(s, "who", ""), getattr(s, "time", ""))
        for s in steps
    ]


def steps_svg(
    steps: Sequence, *, width: int = 340, font_family: str = FONT, label: str = ""
) -> str:
    """The flowchart of ``steps`` (FlowStep or anything with title, who and time)."""
    items = _steps(steps)
    if not items:
        return ""
    esc = html.escape
    box_w = width - 2 * MARGIN
    inner = box_w - 2 * PAD_X
    title_h, detail_h = TITLE_SIZE * LINE_GAP, DETAIL_SIZE * LINE_GAP
    parts: list[str] = []
    y = float(MARGIN)
    cx = width / 2
    for n, step in enumerate(items, start=1):
        title_lines = wrap(f"{n}. {step.title}", inner, TITLE_SIZE)
        detail = " · ".join(p for p in (step.who, step.time) if p)
        detail_lines = wrap(detail, inner, DETAIL_SIZE) if detail else []
        box_h = 2 * PAD_Y + len(title_lines) * title_h + len(detail_lines) * detail_h
        terminal = n in (1, len(items))
        parts.append(
            f'<rect x="{MARGIN}" y="{y:.1f}" width="{box_w}" height="{box_h:.1f}" '
            f'rx="{14 if terminal else 4}" fill="{"#fbeeee" if terminal else "#ffffff"}" '
            f'stroke="#8b1a1a" stroke-width="1.5"/>'
        )
        ty = y + PAD_Y
        for line in title_lines:
            ty += title_h
            parts.append(
                f'<text x="{cx:.1f}" y="{ty - title_h * 0.28:.1f}" text-anchor="middle" '
                f'font-size="{TITLE_SIZE}" font-weight="700" fill="#212529">{esc(line)}</text>'
            )
        for line in detail_lines:
            ty += detail_h
            parts.append(
                f'<text x="{cx:.1f}" y="{ty - detail_h * 0.28:.1f}" text-anchor="middle" '
                f'font-size="{DETAIL_SIZE}" fill="#6c757d">{esc(line)}</text>'
            )
        y += box_h
        if n < len(items):
            top, tip = y + 2, y + ARROW - 2
            parts.append(
                f'<line x1="{cx:.1f}" y1="{top:.1f}" x2="{cx:.1f}" y2="{tip - 7:.1f}" '
                f'stroke="#8b1a1a" stroke-width="1.5"/>'
                f'<path d="M{cx - 6:.1f} {tip - 8:.1f} L{cx + 6:.1f} {tip - 8:.1f} '
                f'L{cx:.1f} {tip:.1f} Z" fill="#8b1a1a"/>'
            )
            y += ARROW
    height = y + MARGIN
    title = f"<title>{esc(label)}</title>" if label else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" role="img" class="guide-flowchart" '
        f'font-family="{esc(font_family)}" style="max-width:100%;height:auto">'
        f"{title}{''.join(parts)}</svg>"
    )
