"""The demo guides: published through the services, two editions for some, safe to rerun."""

from __future__ import annotations

import pytest

from guides.demo import seed_guides
from guides.demo_data import GUIDES
from guides.models import GuideEdition
from tests.factories import ApprovalItemFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_items(department):
    UserFactory(username="admin", roles=["hall_admin"])
    for spec in GUIDES[:3]:  # AIC-001 has two editions
        ApprovalItemFactory(code=spec.code, department=department, statutory_days=20)


def test_the_demo_publishes_guides_and_archives_first_editions(demo_items):
    assert seed_guides() == 3

    assert GuideEdition.objects.filter(status="published").count() == 3
    archived = GuideEdition.objects.get(status="archived")
    assert archived.item_code == "AIC-001" and archived.number == 1
    assert archived.author.username == "editor" and archived.reviewer.username == "admin"


def test_running_the_demo_twice_adds_nothing(demo_items):
    seed_guides()
    before = list(GuideEdition.objects.values_list("item_code", "number", "status", "fees"))

    assert seed_guides() == 0
    assert list(GuideEdition.objects.values_list("item_code", "number", "status", "fees")) == before


def test_the_demo_covers_at_least_twenty_items_across_departments():
    assert len(GUIDES) >= 20
    assert len({spec.code.split("-")[0] for spec in GUIDES}) >= 15
