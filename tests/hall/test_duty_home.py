# ruff: noqa: F811  (fixtures imported by name from tests.hall.duty_support)
"""The tablet home of the duty supervisor: every window as a tile with its sign, the shift,
the four duties; a red tile for an away sign over the limit; queries fixed however many
windows the hall has."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hall import duty
from tests.factories import StaffMemberFactory, WindowFactory
from tests.hall.duty_support import SHANGHAI, clock, key, rostered, shift  # noqa: F401
from windows import status

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 4, 15, 9, 0, tzinfo=SHANGHAI)


def at(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


def test_the_home_shows_every_window_with_who_sits_there_and_its_sign(
    supervisor, supervisor_user, staff_member, other_window
):
    status.window_sign_set(actor=supervisor_user, window=staff_member.window, sign="open")

    body = supervisor.get(reverse("home")).content.decode()

    tile = body.split(f'id="tile-{staff_member.window.number}"')[1].split("</a>")[0]
    assert staff_member.name in tile and "sign-open" in tile
    assert f'id="tile-{other_window.number}"' in body
    for name in ("duty_incident", "duty_service", "duty_inspection"):
        assert reverse(name) in body


def test_the_home_offers_to_open_the_shift_then_the_counters(supervisor, rostered):
    body = supervisor.get(reverse("home")).content.decode()
    assert 'id="open-shift"' in body and 'id="counter-guided"' not in body

    supervisor.post(reverse("duty_shift_open"))

    body = supervisor.get(reverse("home")).content.decode()
    assert 'id="open-shift"' not in body and 'id="counter-guided"' in body


def test_the_day_tallies_show_on_the_home(supervisor, supervisor_user, shift):
    for counter in ("led", "led", "first_asked"):
        duty.log_add(actor=supervisor_user, key=key(), kind="reception", counter=counter)

    body = supervisor.get(reverse("home")).content.decode()

    assert 'data-tally="led">2<' in body and 'data-tally="first_asked">1<' in body


def test_an_away_sign_longer_than_the_limit_turns_the_tile_red(
    supervisor, supervisor_user, window, settings
):
    settings.HALL_AWAY_LIMIT_MINUTES = 15
    red = f'id="tile-{window.number}" class="card tile h-100 too-long'
    with time_machine.travel(at(0), tick=False):
        status.window_sign_set(
            actor=supervisor_user, window=window, sign="away", reason="break", back_in_minutes=10
        )
    with time_machine.travel(at(15), tick=False):
        assert red not in supervisor.get(reverse("home")).content.decode()
    with time_machine.travel(at(16), tick=False):
        assert red in supervisor.get(reverse("home")).content.decode()


def _home_queries(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    return sum("django_session" not in q["sql"] for q in ctx.captured_queries)


def _grow(n: int, actor) -> None:
    for i in range(n):
        w = WindowFactory()
        StaffMemberFactory(window=w)
        if i % 2:
            status.window_sign_set(
                actor=actor, window=w, sign="away", reason="break", back_in_minutes=10
            )
        else:
            status.window_sign_set(actor=actor, window=w, sign="open")


def test_the_tablet_home_runs_the_same_queries_for_3_and_30_windows(
    supervisor, supervisor_user, shift
):
    duty.log_add(actor=supervisor_user, key=key(), kind="note", text="待办", follow_up=True)
    _grow(3, supervisor_user)
    few = _home_queries(supervisor)
    _grow(27, supervisor_user)
    many = _home_queries(supervisor)
    # user with roles, hall profile, open shift, roster, last handover, tallies, open matters,
    # windows, their staff, their signs
    assert few == many == 10
