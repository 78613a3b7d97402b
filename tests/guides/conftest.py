"""Guides fixtures: an item, two hall administrators (author and reviewer) and a helper that
takes an edition through draft → review → published with every mandatory field filled."""

from __future__ import annotations

import pytest

from guides import services
from guides.models import GuideEdition, GuideMaterial, GuideStep
from tests.factories import ApprovalItemFactory, UserFactory

COMPLETE = {
    "legal_basis": "《中华人民共和国行政许可法》第二十九条",
    "conditions": "申请人为依法设立的企业。",
    "statutory_days": 20,
    "promised_days": 5,
    "fees": "工本费10元",
    "fee_basis": "渝价〔2003〕100号",
    "place": "一楼A区A01窗口",
    "office_hours": "周一至周五 9:00-17:00",
    "enquiry_phone": "023-65312345",
    "complaint_phone": "12345",
}


@pytest.fixture
def item(department):
    return ApprovalItemFactory(
        code="GS-001", name="内资企业设立登记", department=department, statutory_days=20
    )


@pytest.fixture
def reviewer_user(db):
    return UserFactory(username="reviewer", first_name="赵审核", roles=["hall_admin"])


def fill(
    edition: GuideEdition,
    *,
    materials=("营业执照申请书",),
    steps=("受理", "审查", "发证"),
    **values,
):
    """Write contents straight to a draft (tests of the rules, not of the editor)."""
    for name, value in {**COMPLETE, **values}.items():
        setattr(edition, name, value)
    edition.save()
    for n, name in enumerate(materials, start=1):
        GuideMaterial.objects.create(edition=edition, order=n, name=name, form="original")
    for n, title in enumerate(steps, start=1):
        GuideStep.objects.create(edition=edition, order=n, title=title, who="A01窗口")
    return edition


def publish(item, author, reviewer, **values) -> GuideEdition:
    """A new edition of the item's guide, complete, reviewed and published."""
    edition = services.guide_edition_draft(item=item, author=author)
    if edition.materials.exists():  # a later edition: copied from the published one
        for name, value in values.items():
            setattr(edition, name, value)
        edition.save()
    else:
        fill(edition, **values)
    services.guide_edition_submit(edition=edition, actor=author)
    return services.guide_edition_review(edition=edition, reviewer=reviewer, approve=True)


@pytest.fixture
def published(item, admin_user, reviewer_user):
    return publish(item, admin_user, reviewer_user)


def editor_data(edition: GuideEdition, **overrides) -> dict:
    """The editor's POST as a browser sends it: main fields, then the three formsets with
    their existing rows unchanged."""
    data = {
        "change_summary": edition.change_summary,
        "visits": str(edition.visits),
    }
    for name in services.CONTENT_FIELDS:
        value = getattr(edition, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None and name != "visits":
            data[name] = str(value)
    for prefix, rows, fields in (
        (
            "materials",
            edition.materials.order_by("order", "id"),
            ["order", "name", "form", "copies", "notes"],
        ),
        (
            "steps",
            edition.steps.order_by("order", "id"),
            ["order", "title", "description", "who", "time"],
        ),
        ("faqs", edition.faqs.order_by("order", "id"), ["order", "question", "answer"]),
    ):
        rows = list(rows)
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = str(row.pk)
            data[f"{prefix}-{i}-edition"] = str(edition.pk)
            for f in fields:
                data[f"{prefix}-{i}-{f}"] = str(getattr(row, f))
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def add_row(data: dict, prefix: str, **fields) -> dict:
    """Append a new row to one of the editor's formsets."""
    i = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(i + 1)
    for name, value in fields.items():
        data[f"{prefix}-{i}-{name}"] = value
    return data
