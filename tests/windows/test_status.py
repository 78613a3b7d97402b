"""Window status signs: who may set which window's sign, what each change records, the
minutes by class, the away-too-long tile and the public floor board."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import WindowFactory
from tests.helpers import tr
from windows import status
from windows.models import WindowStatus

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 4, 15, 9, 0, tzinfo=SHANGHAI)
Sign, Reason = WindowStatus.Sign, WindowStatus.Reason


def at(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


def test_staff_set_their_own_windows_sign_from_the_phone_page(staff, staff_member):
    url = reverse("window_sign", args=[staff_member.window_id])
    response = staff.post(url, {"sign": "away", "reason": "files", "back_in_minutes": "10"})

    assert response.status_code == 302
    sign = WindowStatus.objects.get(window=staff_member.window)
    assert (sign.sign, sign.reason, sign.set_by) == ("away", "files", staff_member.user)
    assert sign.expected_back is not None and sign.ended_at is None


def test_staff_cannot_set_the_sign_of_another_window(staff, other_window):
    response = staff.post(reverse("window_sign", args=[other_window.pk]), {"sign": "closed"})

    assert response.status_code == 404
    assert not WindowStatus.objects.exists()


def test_the_staff_home_links_to_the_own_windows_sign(staff, staff_member):
    body = staff.get(reverse("home")).content.decode()
    assert reverse("window_sign", args=[staff_member.window_id]) in body


def test_the_supervisor_sets_any_windows_sign_and_may_record_an_empty_seat(
    supervisor, supervisor_user, window
):
    response = supervisor.post(
        reverse("window_sign", args=[window.pk]), {"sign": "away", "reason": "empty_seat"}
    )

    assert response.status_code == 302
    sign = WindowStatus.objects.get(window=window)
    assert (sign.reason, sign.set_by) == ("empty_seat", supervisor_user)


def test_staff_cannot_record_an_empty_seat_against_their_window(staff_member):
    with pytest.raises(ValidationError) as exc:
        status.window_sign_set(
            actor=staff_member.user, window=staff_member.window, sign="away", reason="empty_seat"
        )
    assert "reason" in exc.value.message_dict
    assert not WindowStatus.objects.exists()


def test_away_without_a_reason_is_refused_with_a_message_and_nothing_saved(staff, staff_member):
    response = staff.post(
        reverse("window_sign", args=[staff_member.window_id]),
        {"sign": "away", "back_in_minutes": "10"},
    )

    assert response.status_code == 422
    assert tr("Say why the window is away.") in response.content.decode()
    assert not WindowStatus.objects.exists()


def test_away_without_an_expected_return_is_refused(staff_member):
    with pytest.raises(ValidationError) as exc:
        status.window_sign_set(
            actor=staff_member.user, window=staff_member.window, sign="away", reason="break"
        )
    assert "back_in_minutes" in exc.value.message_dict


def test_an_inactive_window_gets_no_sign(supervisor_user):
    window = WindowFactory(active=False)
    with pytest.raises(ValidationError) as exc:
        status.window_sign_set(actor=supervisor_user, window=window, sign="open")
    assert "window" in exc.value.message_dict


def test_each_change_ends_the_sign_before_it(supervisor_user, window):
    first = status.window_sign_set(actor=supervisor_user, window=window, sign="open", now=at(0))
    second = status.window_sign_set(
        actor=supervisor_user, window=window, sign="fault", note="专网断了", now=at(30)
    )

    first.refresh_from_db()
    assert first.ended_at == at(30)
    assert second.ended_at is None
    assert WindowStatus.objects.filter(window=window, ended_at__isnull=True).count() == 1


def test_the_same_sign_twice_records_one_row(supervisor_user, window):
    status.window_sign_set(actor=supervisor_user, window=window, sign="open", now=at(0))
    status.window_sign_set(actor=supervisor_user, window=window, sign="open", now=at(1))

    assert WindowStatus.objects.filter(window=window).count() == 1


def test_minutes_are_derived_by_class_and_only_the_empty_seat_counts_against(
    supervisor_user, window
):
    set_ = status.window_sign_set
    set_(actor=supervisor_user, window=window, sign="open", now=at(0))
    set_(actor=supervisor_user, window=window, sign="away", reason="meeting", back_in_minutes=30,
         now=at(60))  # fmt: skip
    set_(actor=supervisor_user, window=window, sign="fault", note="断网", now=at(80))
    set_(actor=supervisor_user, window=window, sign="away", reason="empty_seat", now=at(125))
    set_(actor=supervisor_user, window=window, sign="closed", now=at(135))

    (row,) = status.minutes_by_class(at(0), at(24 * 60), windows=[window], now=at(200))

    assert row.minutes == {"open": 60, "away": 20, "fault": 45, "empty": 10, "closed": 65}
    assert row.counted_against == 10


def test_minutes_are_cut_at_the_month_boundary(supervisor_user, window):
    night = datetime.datetime(2026, 3, 31, 23, 0, tzinfo=SHANGHAI)
    status.window_sign_set(actor=supervisor_user, window=window, sign="closed", now=night)
    start, end = status.month_bounds(datetime.date(2026, 4, 1))

    (row,) = status.minutes_by_class(start, end, windows=[window], now=at(0))

    # from April 1st 00:00 up to now (April 15th 09:00), not from March 31st 23:00
    assert row.minutes["closed"] == (14 * 24 + 9) * 60


def test_the_limit_comes_from_the_settings(supervisor_user, window, settings):
    settings.HALL_AWAY_LIMIT_MINUTES = 5
    sign = status.window_sign_set(
        actor=supervisor_user, window=window, sign="away", reason="files", back_in_minutes=5,
        now=at(0),
    )  # fmt: skip
    assert not status.is_away_too_long(sign, now=at(5))
    assert status.is_away_too_long(sign, now=at(6))


def test_the_floor_board_is_public_and_shows_every_windows_sign(
    anonymous, supervisor_user, window, other_window, staff_member
):
    status.window_sign_set(actor=supervisor_user, window=window, sign="fault", note="断网")

    response = anonymous.get(reverse("window_board"))

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="board-{window.number}"' in body and f'id="board-{other_window.number}"' in body
    assert tr("Network fault, service paused") in body
    assert staff_member.name not in body  # no names on the public screen
    assert 'hx-trigger="every' in body


def test_the_floor_board_answers_htmx_polls_with_the_grid_only(anonymous, window):
    response = anonymous.get(reverse("window_board"), HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="board"')
    assert "<html" not in body


def test_the_month_table_shows_minutes_per_window(admin, supervisor_user, window):
    status.window_sign_set(actor=supervisor_user, window=window, sign="open", now=at(0))
    status.window_sign_set(actor=supervisor_user, window=window, sign="closed", now=at(90))

    with time_machine.travel(at(100), tick=False):
        response = admin.get(reverse("window_sign_month"), {"month": "2026-04"})

    body = response.content.decode()
    assert response.status_code == 200
    row = body.split(f'id="minutes-{window.number}"')[1].split("</tr>")[0]
    assert ">90<" in row and ">10<" in row


def test_the_boards_cached_grid_shows_a_new_sign_at_the_next_poll(
    anonymous, supervisor_user, window
):
    status.window_sign_set(actor=supervisor_user, window=window, sign="open")
    before = anonymous.get(reverse("window_board"), HTTP_HX_REQUEST="true").content.decode()

    status.window_sign_set(actor=supervisor_user, window=window, sign="fault", note="断网")
    after = anonymous.get(reverse("window_board"), HTTP_HX_REQUEST="true").content.decode()

    assert tr("Network fault, service paused") not in before
    assert tr("Network fault, service paused") in after


def test_the_boards_cached_grid_shows_a_renamed_window_at_the_next_poll(
    anonymous, admin_user, window
):
    from hall.audit import audit_record
    from hall.models import AuditEntry

    anonymous.get(reverse("window_board"))
    window.name = "不动产登记"
    window.save()
    audit_record(
        actor=admin_user,
        instance=window,
        action=AuditEntry.Action.UPDATE,
        changes={"name": ["企业登记", "不动产登记"]},
    )

    assert "不动产登记" in anonymous.get(reverse("window_board")).content.decode()


def test_the_board_tells_the_time_of_each_answer_though_its_grid_is_cached(anonymous, window):
    with time_machine.travel(datetime.datetime(2026, 4, 15, 10, 0, 5, tzinfo=SHANGHAI)):
        first = anonymous.get(reverse("window_board"), HTTP_HX_REQUEST="true")
    with time_machine.travel(datetime.datetime(2026, 4, 15, 10, 0, 9, tzinfo=SHANGHAI)):
        second = anonymous.get(reverse("window_board"), HTTP_HX_REQUEST="true")

    assert "10:00:05" in first.content.decode() and "10:00:09" in second.content.decode()
    assert "[[board-clock]]" not in second.content.decode()
    assert "HX-Request" in second["Vary"]
