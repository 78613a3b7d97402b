"""The server-drawn trend chart keeps every point inside its plot."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from appraisal.charts import _nice_bounds, trend_svg


@pytest.mark.parametrize(
    ("values", "bounds"),
    [
        (["100", "100"], (95, 105)),
        (["103", "99"], (95, 105)),
        (["101", "112.5"], (100, 115)),
        (["88", "100"], (85, 100)),
    ],
)
def test_the_y_range_covers_every_total_in_steps_of_five(values, bounds):
    assert _nice_bounds([Decimal(v) for v in values]) == bounds


def test_totals_above_100_are_drawn_inside_the_chart():
    months = [datetime.date(2026, m, 1) for m in (5, 6, 7)]
    totals = [Decimal(v) for v in ("103", "108.5", "97")]
    svg = trend_svg(list(zip(months, totals, strict=True)), title="t")
    ys = [float(y) for y in re.findall(r'cy="([-\d.]+)"', svg)]
    assert len(ys) == 3
    assert all(10 <= y <= 190 - 36 for y in ys)
