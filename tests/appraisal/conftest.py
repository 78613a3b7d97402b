"""Fixtures the appraisal page tests share: a clock in mid-April 2026 (March has ended,
April is open), media in a temporary folder, and two rules."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from appraisal.models import Rule
from tests.appraisal.factories import RuleFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 4, 15, 10, 0, tzinfo=SHANGHAI)) as traveller:
        yield traveller


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def late(db):
    return RuleFactory(code="S-01", title="迟到", min_points=-1, max_points=-1)


@pytest.fixture
def window_rule(db):
    return RuleFactory(
        code="W-01",
        title="窗口台面不整洁",
        category=Rule.Category.QUALITY,
        applies_to=Rule.Subject.WINDOW,
        min_points=-2,
        max_points=-2,
    )
