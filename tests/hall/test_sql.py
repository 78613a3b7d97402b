"""Precompiled reads: the ORM's SQL built once, run with each call's values."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from hall.sql import Precompiled

pytestmark = pytest.mark.django_db


def test_a_precompiled_read_runs_with_each_calls_value_and_converts_like_the_orm():
    a = User.objects.create(username="a", first_name="甲")
    User.objects.create(username="b", first_name="乙")
    read = Precompiled(
        lambda name: User.objects.filter(username=name).values_list("first_name", "date_joined")
    )
    assert read.rows("a") == [("甲", a.date_joined)]  # an aware datetime, as the ORM gives
    assert read.rows("b")[0][0] == "乙"
    assert read.rows("nobody") == []


def test_a_stand_in_the_orm_would_change_is_refused():
    read = Precompiled(lambda name: User.objects.filter(username__icontains=name).values_list("id"))
    with pytest.raises(ValueError, match="stand-in"):
        read.rows("a")
