# ruff: noqa: F811  (fixtures imported by name from tests.hall.duty_support)
"""The duty desk: the roster and its swaps, opening and handing over shifts, the log of the
duties, open matters carried over, and one row per submission key however often it is sent."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hall import duty
from hall.models import AuditEntry, CalendarDay, DutyLogEntry, DutyRosterDay, DutyShift
from tests.factories import UserFactory
from tests.hall.duty_support import (  # noqa: F401  (fixtures)
    JSON,
    SHANGHAI,
    TODAY,
    clock,
    fake_png,
    key,
    media,
    png,
    rostered,
    shift,
)
from tests.helpers import audit_entries, tr

pytestmark = pytest.mark.django_db


# --- the roster ----------------------------------------------------------------------------


def test_the_admin_puts_a_supervisor_on_a_working_day(admin, supervisor_user, clock):
    response = admin.post(
        reverse("duty_roster_set"), {"date": "2026-04-16", "supervisor": supervisor_user.pk}
    )

    assert response.status_code == 302
    assert DutyRosterDay.objects.get(date=datetime.date(2026, 4, 16)).supervisor == supervisor_user


def test_nobody_is_put_on_duty_on_a_weekend(admin_user, supervisor_user):
    with pytest.raises(ValidationError) as exc:
        duty.roster_assign(
            actor=admin_user, day=datetime.date(2026, 4, 18), supervisor=supervisor_user
        )
    assert "date" in exc.value.message_dict
    assert not DutyRosterDay.objects.exists()


def test_nobody_is_put_on_duty_on_a_public_holiday(admin, supervisor_user):
    CalendarDay.objects.create(date=datetime.date(2026, 5, 1), kind="holiday", name="劳动节")

    response = admin.post(
        reverse("duty_roster_set"),
        {"date": "2026-05-01", "supervisor": supervisor_user.pk},
        follow=True,
    )

    assert tr("%(day)s is not a working day: nobody is on duty.", day="2026-05-01") in (
        response.content.decode()
    )
    assert not DutyRosterDay.objects.exists()


def test_a_make_up_working_day_can_have_a_supervisor(admin_user, supervisor_user):
    CalendarDay.objects.create(date=datetime.date(2026, 4, 26), kind="workday", name="调休")
    duty.roster_assign(actor=admin_user, day=datetime.date(2026, 4, 26), supervisor=supervisor_user)
    assert DutyRosterDay.objects.filter(date=datetime.date(2026, 4, 26)).exists()


def test_only_duty_supervisors_go_on_the_roster(admin_user, staff_member):
    with pytest.raises(ValidationError) as exc:
        duty.roster_assign(
            actor=admin_user, day=datetime.date(2026, 4, 16), supervisor=staff_member.user
        )
    assert "supervisor" in exc.value.message_dict


def test_a_swap_needs_a_reason(admin_user, supervisor_user):
    other = UserFactory(username="sup2", roles=["duty_supervisor"])
    day = datetime.date(2026, 4, 16)
    duty.roster_assign(actor=admin_user, day=day, supervisor=supervisor_user)

    with pytest.raises(ValidationError) as exc:
        duty.roster_assign(actor=admin_user, day=day, supervisor=other)

    assert "reason" in exc.value.message_dict
    assert DutyRosterDay.objects.get(date=day).supervisor == supervisor_user


def test_a_swap_with_a_reason_is_audited(admin_user, supervisor_user):
    other = UserFactory(username="sup2", first_name="赵敏", roles=["duty_supervisor"])
    day = datetime.date(2026, 4, 16)
    entry = duty.roster_assign(actor=admin_user, day=day, supervisor=supervisor_user)

    duty.roster_assign(actor=admin_user, day=day, supervisor=other, reason="李明外出培训")

    (audit,) = audit_entries(entry, AuditEntry.Action.UPDATE)
    assert audit.changes["supervisor"] == ["李明", "赵敏"]
    assert audit.changes["reason"] == ["", "李明外出培训"]
    assert audit.actor == admin_user


def test_the_roster_grid_shows_working_days_only(supervisor, rostered):
    body = supervisor.get(reverse("duty_roster"), {"month": "2026-04"}).content.decode()

    assert 'id="day-2026-04-15"' in body
    assert 'id="day-2026-04-18"' not in body  # a Saturday
    assert body.count('class="card roster-day') == 22


# --- shifts --------------------------------------------------------------------------------


def test_the_supervisor_on_the_roster_opens_todays_shift(supervisor, supervisor_user, rostered):
    response = supervisor.post(reverse("duty_shift_open"))

    assert response.status_code == 302
    shift = DutyShift.objects.get()
    assert (shift.date, shift.supervisor, shift.off_roster) == (TODAY, supervisor_user, False)


def test_a_supervisor_not_on_the_roster_cannot_open_the_shift(supervisor, clock):
    response = supervisor.post(reverse("duty_shift_open"), follow=True)

    assert not DutyShift.objects.exists()
    assert (
        tr(
            "You are not on the roster today (on duty: %(name)s). The hall office can open it.",
            name=tr("nobody"),
        )
        in response.content.decode()
    )


def test_the_admin_may_open_a_shift_off_the_roster_and_it_is_recorded(
    admin_user, rostered, supervisor_user
):
    shift = duty.shift_open(actor=admin_user)

    assert shift.off_roster is True
    (audit,) = audit_entries(shift, AuditEntry.Action.CREATE)
    assert audit.changes["supervisor"] == ["李明", "王主任"]


def test_a_second_shift_the_same_day_is_refused(shift, admin_user):
    with pytest.raises(ValidationError):
        duty.shift_open(actor=admin_user)
    assert DutyShift.objects.count() == 1


def test_the_supervisor_hands_over_with_a_note(supervisor, shift):
    response = supervisor.post(
        reverse("duty_shift_close", args=[shift.pk]), {"handover_note": "A03 打印机待修"}
    )

    shift.refresh_from_db()
    assert response.status_code == 302
    assert shift.closed_at is not None and shift.handover_note == "A03 打印机待修"


def test_a_handover_without_a_note_is_refused(supervisor_user, shift):
    with pytest.raises(ValidationError) as exc:
        duty.shift_close(actor=supervisor_user, shift=shift, handover_note=" ")
    assert "handover_note" in exc.value.message_dict
    shift.refresh_from_db()
    assert shift.closed_at is None


def test_closing_a_shift_that_is_not_yours_is_refused(shift):
    other = UserFactory(username="sup2", roles=["duty_supervisor"])
    with pytest.raises(ValidationError) as exc:
        duty.shift_close(actor=other, shift=shift, handover_note="交班")
    assert "shift" in exc.value.message_dict
    shift.refresh_from_db()
    assert shift.closed_at is None


def test_another_supervisor_does_not_even_see_the_shift(shift, clock):
    other = UserFactory(username="sup2", roles=["duty_supervisor"])
    from django.test import Client

    client = Client()
    client.force_login(other, backend="hall.backends.HallBackend")
    response = client.post(reverse("duty_shift_close", args=[shift.pk]), {"handover_note": "x"})
    assert response.status_code == 404


def test_the_admin_sees_every_shifts_log(admin, shift):
    assert admin.get(reverse("duty_shift", args=[shift.pk])).status_code == 200
    body = admin.get(reverse("duty_shift_list")).content.decode()
    assert reverse("duty_shift", args=[shift.pk]) in body


# --- the log -------------------------------------------------------------------------------


def test_a_reception_tap_is_logged_and_counted(supervisor, shift):
    response = supervisor.post(
        reverse("duty_reception"), {"key": key(), "counter": "guided"}, **JSON
    )

    assert response.status_code == 201
    assert response.json()["tallies"]["guided"] == 1
    entry = DutyLogEntry.objects.get()
    assert (entry.kind, entry.counter, entry.shift) == ("reception", "guided", shift)


def test_the_same_key_twice_makes_one_row_and_the_second_answer_points_at_it(supervisor, shift):
    data = {"key": key(), "counter": "answered", "text": "问社保卡补办"}

    first = supervisor.post(reverse("duty_reception"), data, **JSON)
    second = supervisor.post(reverse("duty_reception"), data, **JSON)

    assert DutyLogEntry.objects.count() == 1
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["created"] is False
    assert second.json()["url"].endswith(f"#entry-{first.json()['id']}")


def test_the_same_incident_sent_three_times_without_javascript_is_saved_once(supervisor, shift):
    data = {"key": key(), "text": "群众争吵", "outcome": "劝解后离开"}
    answers = [supervisor.post(reverse("duty_incident"), data) for _ in range(3)]

    entry = DutyLogEntry.objects.get()
    assert answers[0]["Location"] == reverse("home")
    assert answers[2]["Location"].endswith(f"#entry-{entry.pk}")


def test_the_key_is_unique_in_the_database(shift, supervisor_user):
    from django.db import IntegrityError, transaction

    k = key()
    DutyLogEntry.objects.create(shift=shift, kind="note", key=k, author=supervisor_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyLogEntry.objects.create(shift=shift, kind="note", key=k, author=supervisor_user)


def test_a_retry_after_the_shift_closed_still_finds_the_saved_row(supervisor_user, shift):
    k = key()
    entry, _created = duty.log_add(actor=supervisor_user, key=k, kind="note", text="交接前")
    duty.shift_close(actor=supervisor_user, shift=shift, handover_note="交班")

    again, created = duty.log_add(actor=supervisor_user, key=k, kind="note", text="交接前")

    assert (again, created) == (entry, False)


def test_an_entry_without_an_open_shift_is_refused(supervisor_user, shift):
    duty.shift_close(actor=supervisor_user, shift=shift, handover_note="交班")
    with pytest.raises(ValidationError) as exc:
        duty.log_add(actor=supervisor_user, key=key(), kind="note", text="晚了")
    assert "shift" in exc.value.message_dict
    assert DutyLogEntry.objects.count() == 0


def test_a_log_form_without_an_open_shift_answers_422_with_the_reason(supervisor, clock):
    response = supervisor.post(reverse("duty_note"), {"key": key(), "text": "没开班"}, **JSON)

    assert response.status_code == 422
    assert response.json()["errors"]["__all__"]
    assert not DutyLogEntry.objects.exists()


def test_an_incident_needs_an_outcome_an_escalation_or_a_follow_up(supervisor, shift):
    response = supervisor.post(reverse("duty_incident"), {"key": key(), "text": "吵闹"}, **JSON)

    assert response.status_code == 422
    assert "outcome" in response.json()["errors"]
    assert not DutyLogEntry.objects.exists()


def test_an_incident_with_an_unknown_window_is_refused(supervisor, shift):
    response = supervisor.post(
        reverse("duty_incident"),
        {"key": key(), "text": "吵闹", "outcome": "劝解", "window": "99999"},
    )

    assert response.status_code == 422
    assert not DutyLogEntry.objects.exists()


def test_an_incident_photo_is_kept(supervisor, shift, media, window):
    response = supervisor.post(
        reverse("duty_incident"),
        {"key": key(), "text": "地面湿滑有人摔倒", "place": "A区", "window": window.pk,
         "escalated_to": "物业", "follow_up": "on", "photo": png()},
    )  # fmt: skip

    assert response.status_code == 302
    entry = DutyLogEntry.objects.get()
    assert entry.photo.name.startswith("duty/") and entry.is_open_matter
    assert supervisor.get(reverse("duty_photo", args=[entry.pk])).status_code == 200


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_saved(supervisor, shift, media):
    response = supervisor.post(
        reverse("duty_incident"),
        {"key": key(), "text": "x", "outcome": "y", "photo": fake_png()},
        **JSON,
    )

    assert response.status_code == 422
    assert "photo" in response.json()["errors"]
    assert not DutyLogEntry.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(supervisor, shift, media, settings):
    settings.HALL_EVIDENCE_MAX_BYTES = 10
    response = supervisor.post(
        reverse("duty_incident"), {"key": key(), "text": "x", "outcome": "y", "photo": png()},
        **JSON,
    )  # fmt: skip
    assert response.status_code == 422
    assert not DutyLogEntry.objects.exists()


def test_a_service_request_not_done_stays_open_until_closed(supervisor, shift, window):
    supervisor.post(
        reverse("duty_service"),
        {"key": key(), "window": window.pk, "request_kind": "equipment", "handled_by": "信息科"},
    )
    entry = DutyLogEntry.objects.get()
    assert entry.is_open_matter and entry.done_at is None

    supervisor.post(reverse("duty_matter_close", args=[entry.pk]), {"resolution": "已换打印机"})

    entry.refresh_from_db()
    assert not entry.is_open_matter and entry.done_at is not None


def test_a_service_request_done_at_once_is_no_open_matter(supervisor_user, shift, window):
    entry, _ = duty.log_add(
        actor=supervisor_user, key=key(), kind="service", window=window,
        request_kind="supplies", handled_by="李明", done=True,
    )  # fmt: skip
    assert entry.done_at is not None and not entry.is_open_matter


def test_open_matters_carry_over_to_the_next_shift(supervisor_user, shift, clock, admin_user):
    matter, _ = duty.log_add(
        actor=supervisor_user, key=key(), kind="note", text="B02 群众明天来补材料", follow_up=True
    )
    duty.shift_close(actor=supervisor_user, shift=shift, handover_note="见未结事项")
    clock.move_to(datetime.datetime(2026, 4, 16, 9, 0, tzinfo=SHANGHAI))
    other = UserFactory(username="sup2", roles=["duty_supervisor"])
    DutyRosterDay.objects.create(date=datetime.date(2026, 4, 16), supervisor=other)
    duty.shift_open(actor=other)

    from django.test import Client

    client = Client()
    client.force_login(other, backend="hall.backends.HallBackend")
    body = client.get(reverse("home")).content.decode()

    assert "B02 群众明天来补材料" in body and "见未结事项" in body
    duty.matter_close(actor=other, entry=matter, resolution="已补齐")
    assert "B02 群众明天来补材料" not in client.get(reverse("home")).content.decode()


def test_closing_a_matter_needs_a_word_on_how(supervisor_user, shift):
    matter, _ = duty.log_add(
        actor=supervisor_user, key=key(), kind="note", text="待办", follow_up=True
    )
    with pytest.raises(ValidationError):
        duty.matter_close(actor=supervisor_user, entry=matter, resolution="")
    matter.refresh_from_db()
    assert matter.is_open_matter
