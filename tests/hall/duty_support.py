"""Fixtures the duty-desk tests share (imported by name into each test module): a clock on a
working Wednesday, the supervisor on the roster, an open shift, media in a temporary folder,
and rules in force for the inspection headings."""

from __future__ import annotations

import datetime
import io
import uuid
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from appraisal.models import Rule
from hall import duty
from hall.models import DutyRosterDay
from tests.appraisal.factories import RuleFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 4, 15)  # a Wednesday


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 4, 15, 10, 0, tzinfo=SHANGHAI)) as t:
        yield t


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rostered(clock, supervisor_user):
    return DutyRosterDay.objects.create(date=TODAY, supervisor=supervisor_user)


@pytest.fixture
def shift(rostered, supervisor_user):
    return duty.shift_open(actor=supervisor_user)


@pytest.fixture
def dress_rule(db):
    return RuleFactory(
        code="S-05", title="着装不规范", category=Rule.Category.DRESS, min_points=-2, max_points=-1
    )


@pytest.fixture
def desk_rule(db):
    return RuleFactory(
        code="W-01",
        title="窗口台面不整洁",
        category=Rule.Category.QUALITY,
        applies_to=Rule.Subject.WINDOW,
        min_points=-2,
        max_points=-2,
    )


@pytest.fixture
def praise_rule(db):
    return RuleFactory(
        code="A-01",
        title="服务热情受群众表扬",
        category=Rule.Category.COMMENDATION,
        min_points=1,
        max_points=3,
    )


def key() -> str:
    return str(uuid.uuid4())


def png(name: str = "photo.png") -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def fake_png() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")


JSON = {"HTTP_X_DUTY_SUBMIT": "1"}
