"""Fixtures the rating tests share: the default coded reasons and the window's public code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.demo import reasons_seed
from complaints.ratings import window_codes


@pytest.fixture
def reasons(db):
    reasons_seed()


@pytest.fixture
def code(window):
    return window_codes([window])[window.pk]


@pytest.fixture
def rate_url(code):
    return reverse("rating_form", kwargs={"code": code})
