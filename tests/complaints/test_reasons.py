"""The hall office edits the coded reasons; the public form offers the active ones."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.models import Level, RatingReason
from tests.helpers import audit_entries

pytestmark = pytest.mark.django_db


def test_the_admin_adds_a_reason_and_it_is_audited(admin):
    response = admin.post(
        reverse("rating_reason_create"),
        {"level": Level.BASIC, "code": "B09", "title": "停车不方便", "display_order": 5},
    )
    reason = RatingReason.objects.get(code="B09")
    assert response.status_code == 302
    assert audit_entries(reason, "create").count() == 1


def test_a_deactivated_reason_leaves_the_public_form(admin, anonymous, rate_url, reasons):
    reason = RatingReason.objects.get(code="D01")
    assert reason.title in anonymous.get(rate_url).content.decode()
    admin.post(reverse("rating_reason_toggle", args=[reason.pk]))
    assert reason.title not in anonymous.get(rate_url).content.decode()


def test_a_reason_code_is_unique(admin, reasons):
    response = admin.post(
        reverse("rating_reason_create"),
        {"level": Level.BASIC, "code": "B01", "title": "重复", "display_order": 5},
    )
    assert response.status_code == 200
    assert RatingReason.objects.filter(code="B01").count() == 1
