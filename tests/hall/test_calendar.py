"""The work calendar: real holidays from the package, years without data, the admin's pages."""

from __future__ import annotations

import datetime

import chinese_calendar
import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from hall import services
from hall.models import AuditEntry, CalendarDay, CalendarSync, CalendarYear
from hall.workcalendar import (
    add_working_days,
    is_working_day,
    working_days_between,
    years_without_holidays,
)
from tests.helpers import tr

pytestmark = pytest.mark.django_db

D = datetime.date


def calendar_warning(years: str) -> str:
    return tr(
        "No public holidays are known for %(years)s. Deadlines in those years count weekends "
        "only until the hall enters the holidays and make-up working days below and marks the "
        "year complete.",
        years=years,
    )


def home_warning(years: str) -> str:
    return tr(
        "The work calendar has no public holidays for %(years)s: deadlines in those years count "
        "weekends only.",
        years=years,
    )


def sync_now() -> bool:
    return services.calendar_sync_run(sync_id=services.calendar_sync_request(actor=None).pk)


@pytest.fixture
def holidays(db):
    """The chinesecalendar package's holidays and make-up days, loaded as the hall would."""
    assert sync_now()


def travel(time_machine, client, user, when: datetime.datetime) -> None:
    """Stop the clock at ``when``; sessions expire by it, so log in again as before."""
    backend = client.session[BACKEND_SESSION_KEY]
    time_machine.move_to(when, tick=False)
    client.force_login(user, backend=backend)


# --- real holidays -----------------------------------------------------------------------


def test_national_day_2025_is_off_from_1_to_8_october(holidays):
    days = [D(2025, 10, d) for d in range(1, 9)]

    assert [is_working_day(d) for d in days] == [False] * 8
    assert is_working_day(D(2025, 10, 9))


def test_the_make_up_days_around_national_day_2025_are_worked(holidays):
    assert is_working_day(D(2025, 9, 28))  # a Sunday
    assert is_working_day(D(2025, 10, 11))  # a Saturday


def test_one_working_day_after_30_september_2025_is_9_october(holidays):
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)


def test_one_working_day_after_friday_26_september_2025_is_the_make_up_sunday(holidays):
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)


def test_working_days_between_skip_the_holiday_and_count_the_make_up_day(holidays):
    # 28 Sep (make-up Sunday), 29 Sep, 30 Sep, 9 Oct, 10 Oct.
    assert working_days_between(D(2025, 9, 26), D(2025, 10, 10)) == 5
    assert working_days_between(D(2025, 10, 10), D(2025, 9, 26)) == -5


def test_a_negative_count_goes_back_over_the_holiday(holidays):
    assert add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)
    assert add_working_days(D(2025, 9, 29), -1) == D(2025, 9, 28)


def test_zero_working_days_is_the_start_day_itself(holidays):
    assert add_working_days(D(2025, 10, 3), 0) == D(2025, 10, 3)


def test_spring_festival_2026_is_off_from_15_to_23_february(holidays):
    days = [D(2026, 2, d) for d in range(15, 24)]

    assert not any(is_working_day(d) for d in days)
    assert is_working_day(D(2026, 2, 14))  # make-up Saturday before
    assert is_working_day(D(2026, 2, 28))  # make-up Saturday after


def test_working_days_over_spring_festival_2026_jump_the_holiday(holidays):
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 24), -1) == D(2026, 2, 14)


@pytest.mark.parametrize("n", [1, 7, 30, 120, 400, -1, -30, -400])
def test_long_counts_agree_with_the_package_day_by_day(holidays, n):
    start = D(2025, 1, 10) if n > 0 else D(2026, 9, 30)
    step = datetime.timedelta(days=1 if n > 0 else -1)
    day, remaining = start, abs(n)
    while remaining:
        day += step
        remaining -= chinese_calendar.is_workday(day)

    assert add_working_days(start, n) == day


# --- a year without data -----------------------------------------------------------------


def test_a_year_without_holiday_data_counts_weekends_only(holidays):
    assert add_working_days(D(2031, 9, 30), 1) == D(2031, 10, 1)
    assert add_working_days(D(2031, 10, 3), 1) == D(2031, 10, 6)  # Friday → Monday
    assert working_days_between(D(2031, 9, 29), D(2031, 10, 10)) == 9


def test_a_year_without_holiday_data_is_reported_missing(holidays):
    assert years_without_holidays([2031]) == [2031]
    assert years_without_holidays([2025, 2026, 2031]) == [2031]


def test_the_calendar_page_warns_about_a_year_without_holidays(
    admin, admin_user, holidays, time_machine
):
    travel(time_machine, admin, admin_user, datetime.datetime(2025, 6, 2, 9, 0))

    html = admin.get(reverse("calendar"), {"year": 2031}).content.decode()

    assert calendar_warning("2031") in html


def test_the_warning_is_gone_once_the_admin_enters_and_confirms_the_year(
    admin, admin_user, holidays, time_machine
):
    travel(time_machine, admin, admin_user, datetime.datetime(2025, 6, 2, 9, 0))
    admin.post(
        reverse("calendar_day_create"), {"date": "2031-01-01", "kind": "holiday", "name": "元旦"}
    )

    response = admin.post(reverse("calendar_year_confirm", args=[2031]))

    assert response["Location"] == reverse("calendar") + "?year=2031"
    assert CalendarYear.objects.get(year=2031).confirmed_by == admin_user
    assert years_without_holidays([2031]) == []
    assert not is_working_day(D(2031, 1, 1))
    html = admin.get(reverse("calendar"), {"year": 2031}).content.decode()
    assert "alert-warning" not in html


def test_the_home_page_warns_about_next_years_missing_holidays(admin, admin_user, time_machine):
    travel(time_machine, admin, admin_user, datetime.datetime(2030, 6, 3, 9, 0))
    services.calendar_year_confirm(actor=admin_user, year=2030)

    html = admin.get(reverse("home")).content.decode()

    assert home_warning("2031") in html


def test_the_home_page_warning_is_gone_once_the_year_is_confirmed(admin, admin_user, time_machine):
    travel(time_machine, admin, admin_user, datetime.datetime(2030, 6, 3, 9, 0))
    services.calendar_year_confirm(actor=admin_user, year=2030)

    admin.post(reverse("calendar_year_confirm", args=[2031]))

    html = admin.get(reverse("home")).content.decode()
    assert home_warning("2031") not in html
    assert "alert-warning" not in html


# --- the hall's own days -----------------------------------------------------------------


def test_a_day_the_hall_changed_by_hand_survives_a_new_load(admin, holidays):
    day = CalendarDay.objects.get(date=D(2025, 10, 8))
    admin.post(
        reverse("calendar_day_edit", args=[day.pk]),
        {"date": "2025-10-08", "kind": "holiday", "name": "国庆节（本厅）"},
    )

    assert sync_now()

    day.refresh_from_db()
    assert (day.name, day.source) == ("国庆节（本厅）", CalendarDay.Source.MANUAL)


def test_a_day_the_hall_added_survives_a_new_load(admin, holidays):
    admin.post(
        reverse("calendar_day_create"), {"date": "2025-12-31", "kind": "holiday", "name": "厅休"}
    )

    assert sync_now()

    assert CalendarDay.objects.get(date=D(2025, 12, 31)).source == CalendarDay.Source.MANUAL
    assert not is_working_day(D(2025, 12, 31))


def test_a_make_up_working_day_on_a_weekday_is_refused(admin):
    response = admin.post(
        reverse("calendar_day_create"), {"date": "2031-01-06", "kind": "workday", "name": "调休"}
    )

    expected = tr(
        "%(day)s is a weekday already; a make-up working day is a Saturday or Sunday.",
        day=D(2031, 1, 6),
    )
    assert expected in response.content.decode()
    assert response.context["form"].errors["kind"]
    assert not CalendarDay.objects.exists()


def test_a_make_up_working_day_on_a_saturday_is_accepted(admin):
    admin.post(
        reverse("calendar_day_create"), {"date": "2031-01-04", "kind": "workday", "name": "调休"}
    )

    assert is_working_day(D(2031, 1, 4))


def test_adding_a_day_records_an_audit_entry(admin, admin_user):
    admin.post(
        reverse("calendar_day_create"), {"date": "2031-01-01", "kind": "holiday", "name": "元旦"}
    )

    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(CalendarDay))
    assert (entry.action, entry.actor) == ("create", admin_user)
    assert entry.changes["date"] == ["", "2031-01-01"]


def test_editing_a_day_records_its_old_and_new_name(admin):
    day = CalendarDay.objects.create(date=D(2031, 1, 1), kind="holiday", name="元旦")

    admin.post(
        reverse("calendar_day_edit", args=[day.pk]),
        {"date": "2031-01-01", "kind": "holiday", "name": "元旦节"},
    )

    entry = AuditEntry.objects.get(action="update")
    assert entry.changes == {"name": ["元旦", "元旦节"]}


# --- loading from the package ------------------------------------------------------------


def test_the_sync_button_loads_the_packages_days(admin, admin_user):
    response = admin.post(reverse("calendar_sync"))

    assert response["Location"] == reverse("calendar")
    sync = CalendarSync.objects.get()
    assert (sync.status, sync.requested_by) == (CalendarSync.Status.DONE, admin_user)
    assert sync.days_written == CalendarDay.objects.count() > 500
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).kind == CalendarDay.Kind.HOLIDAY
    assert years_without_holidays([2025, 2026]) == []


def test_running_the_same_sync_twice_does_nothing_the_second_time(db):
    sync = services.calendar_sync_request(actor=None)
    assert services.calendar_sync_run(sync_id=sync.pk) is True
    days = CalendarDay.objects.count()

    assert services.calendar_sync_run(sync_id=sync.pk) is False

    assert CalendarDay.objects.count() == days
    sync.refresh_from_db()
    assert sync.status == CalendarSync.Status.DONE


def test_a_second_load_writes_no_day_that_has_not_changed(holidays):
    sync = services.calendar_sync_request(actor=None)

    services.calendar_sync_run(sync_id=sync.pk)

    sync.refresh_from_db()
    assert (sync.status, sync.days_written) == (CalendarSync.Status.DONE, 0)
