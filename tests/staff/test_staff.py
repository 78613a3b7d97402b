"""Staff through the catalogue: a login and a seat history with every member; refusals."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from staff.models import Assignment, StaffMember
from staff.rotation import rotation_due_on
from tests.factories import DepartmentFactory, StaffMemberFactory, UserFactory, WindowFactory
from tests.helpers import audit_entries, field_error, table_body, too_long, tr

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def staff_data(seat, **overrides) -> dict:
    """Form input for a member seated at ``seat`` (a Window)."""
    data = {
        "employee_no": "E1001",
        "name": "周婷",
        "phone": "13912345678",
        "department": seat.department.pk,
        "window": seat.pk,
        "post": "staff",
        "joined_hall_on": "2025-04-01",
        "window_since": "",
    }
    data.update(overrides)
    return data


def edit_data(member, **overrides) -> dict:
    current = {
        "employee_no": member.employee_no,
        "name": member.name,
        "phone": member.phone,
        "joined_hall_on": member.joined_hall_on.isoformat(),
    }
    return staff_data(member.window, **{**current, **overrides})


# --- creating ----------------------------------------------------------------------------


def test_admin_creates_a_staff_member_and_is_sent_to_their_page(admin, window):
    response = admin.post(reverse("staff_create"), staff_data(window))

    member = StaffMember.objects.get(employee_no="E1001")
    assert response["Location"] == reverse("staff_detail", args=[member.pk])
    assert (member.name, member.window, member.department) == ("周婷", window, window.department)


def test_a_new_staff_member_gets_a_window_staff_login_named_by_employee_number(admin, window):
    admin.post(reverse("staff_create"), staff_data(window))

    user = StaffMember.objects.get(employee_no="E1001").user
    assert user.username == "E1001"
    assert list(user.groups.values_list("name", flat=True)) == ["window_staff"]
    assert user.has_usable_password() is False


def test_a_new_staff_member_gets_an_open_assignment_from_the_day_they_joined(admin, window):
    admin.post(reverse("staff_create"), staff_data(window))

    seat = Assignment.objects.get(staff__employee_no="E1001")
    assert (seat.window, seat.start, seat.end) == (window, datetime.date(2025, 4, 1), None)


def test_creating_a_staff_member_records_an_audit_entry_with_the_new_values(admin, window):
    admin.post(reverse("staff_create"), staff_data(window))

    changes = audit_entries(StaffMember.objects.get(), "create").get().changes
    assert changes["employee_no"] == ["", "E1001"]
    assert changes["window"] == ["", "A01 企业登记"]
    assert changes["joined_hall_on"] == ["", "2025-04-01"]


# --- editing and moving ------------------------------------------------------------------


def test_editing_a_staff_member_records_old_and_new_values_shown_on_their_page(admin, staff_member):
    admin.post(reverse("staff_edit", args=[staff_member.pk]), edit_data(staff_member, name="张晓"))

    assert audit_entries(staff_member, "update").get().changes == {"name": ["张晓梅", "张晓"]}
    html = admin.get(reverse("staff_detail", args=[staff_member.pk])).content.decode()
    history = html.split("<section")[-1]
    assert "张晓梅" in history and "张晓" in history


def test_moving_to_another_window_closes_the_old_seat_the_day_before_the_move(admin, staff_member):
    new_window = WindowFactory(number="A02", department=staff_member.department)

    response = admin.post(
        reverse("staff_edit", args=[staff_member.pk]),
        edit_data(staff_member, window=new_window.pk, window_since="2026-11-01"),
    )

    assert response.status_code == 302
    old, new = staff_member.assignments.order_by("start")
    assert (old.window.number, old.start, old.end) == (
        "A01",
        datetime.date(2024, 3, 1),
        datetime.date(2026, 10, 31),
    )
    assert (new.window, new.start, new.end) == (new_window, datetime.date(2026, 11, 1), None)
    staff_member.refresh_from_db()
    assert staff_member.window == new_window


def test_a_move_dated_before_the_current_seat_began_is_refused(admin, staff_member):
    new_window = WindowFactory(number="A02", department=staff_member.department)

    response = admin.post(
        reverse("staff_edit", args=[staff_member.pk]),
        edit_data(staff_member, window=new_window.pk, window_since="2024-01-01"),
    )

    assert field_error(response, "window_since")
    assert staff_member.assignments.get().window.number == "A01"


# --- deactivating ------------------------------------------------------------------------


def test_deactivating_a_staff_member_closes_their_seat_and_their_login(admin, staff_member):
    response = admin.post(reverse("staff_toggle", args=[staff_member.pk]))

    staff_member.refresh_from_db()
    seat = staff_member.assignments.get()
    assert response["Location"] == reverse("staff_detail", args=[staff_member.pk])
    assert staff_member.active is False
    assert staff_member.window is None
    assert seat.end == timezone.localdate()
    assert staff_member.user.is_active is False
    assert audit_entries(staff_member, "deactivate").count() == 1


def test_leaving_after_a_future_dated_move_ends_every_seat_by_the_day_they_left(
    admin, staff_member
):
    new_window = WindowFactory(number="A02", department=staff_member.department)
    today = timezone.localdate()
    move_on = today + datetime.timedelta(days=10)
    admin.post(
        reverse("staff_edit", args=[staff_member.pk]),
        edit_data(staff_member, window=new_window.pk, window_since=move_on.isoformat()),
    )

    admin.post(reverse("staff_toggle", args=[staff_member.pk]))

    seats = list(staff_member.assignments.values_list("window__number", "end"))
    assert seats == [("A01", today)]


def test_a_staff_member_of_an_inactive_department_cannot_be_reactivated(admin):
    closed = DepartmentFactory(name="撤并局", active=False)
    member = StaffMemberFactory(department=closed, window=None, active=False)

    response = admin.post(reverse("staff_toggle", args=[member.pk]), follow=True)

    member.refresh_from_db()
    assert member.active is False
    expected = tr("Their department %(name)s is inactive.", name="撤并局")
    assert expected in response.content.decode()


def test_a_deactivated_staff_member_cannot_log_in(anonymous, admin, staff_member, password):
    staff_member.user.set_password(password)
    staff_member.user.save()
    admin.post(reverse("staff_toggle", args=[staff_member.pk]))

    anonymous.post(reverse("login"), {"username": "S0001", "password": password})

    assert "_auth_user_id" not in anonymous.session


# --- rotation ----------------------------------------------------------------------------


def test_a_chief_representative_is_due_to_rotate_five_years_after_joining():
    assert rotation_due_on("chief", datetime.date(2024, 3, 1)) == datetime.date(2029, 3, 1)


def test_other_staff_are_due_to_rotate_two_years_after_joining():
    assert rotation_due_on("staff", datetime.date(2024, 3, 1)) == datetime.date(2026, 3, 1)


def test_a_chief_who_joined_on_29_february_is_due_on_28_february():
    assert rotation_due_on("chief", datetime.date(2024, 2, 29)) == datetime.date(2029, 2, 28)


def test_the_staff_page_shows_the_rotation_due_date(admin, staff_member):
    html = admin.get(reverse("staff_detail", args=[staff_member.pk])).content.decode()

    assert "2026-03-01" in html


# --- bad input ---------------------------------------------------------------------------


def test_a_staff_member_cannot_sit_at_a_window_of_another_department(admin, window, other_window):
    response = admin.post(reverse("staff_create"), staff_data(window, window=other_window.pk))

    expected = tr(
        "Window %(number)s belongs to %(dept)s, not to %(own)s.",
        number="B01",
        dept="税务局",
        own="工商分局",
    )
    assert expected in field_error(response, "window")
    assert not StaffMember.objects.exists()


def test_a_staff_member_cannot_join_an_inactive_department(admin):
    closed = DepartmentFactory(name="撤并局", active=False)
    closed_window = WindowFactory(department=closed)

    response = admin.post(
        reverse("staff_create"), staff_data(closed_window, window="", department=closed.pk)
    )

    expected = tr("The department %(name)s is inactive; choose an active one.", name="撤并局")
    assert expected in field_error(response, "department")
    assert not StaffMember.objects.exists()


def test_a_join_date_in_the_future_is_refused(admin, window):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = admin.post(
        reverse("staff_create"), staff_data(window, joined_hall_on=tomorrow.isoformat())
    )

    expected = tr("The date joined cannot be in the future.")
    assert expected in field_error(response, "joined_hall_on")
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize("phone", ["12345", "1381234567x", "23800138000"])
def test_a_bad_phone_number_is_refused(admin, window, phone):
    response = admin.post(reverse("staff_create"), staff_data(window, phone=phone))

    expected = tr("Enter an 11-digit mobile number or a landline such as 023-65312345.")
    assert expected in field_error(response, "phone")
    assert not StaffMember.objects.exists()


def test_a_landline_number_is_accepted(admin, window):
    admin.post(reverse("staff_create"), staff_data(window, phone="023-65312345"))

    assert StaffMember.objects.get().phone == "023-65312345"


def test_an_employee_number_that_is_already_a_login_is_refused(admin, window):
    UserFactory(username="E1001")

    response = admin.post(reverse("staff_create"), staff_data(window))

    expected = tr("A login named %(no)s already exists.", no="E1001")
    assert expected in field_error(response, "employee_no")
    assert not StaffMember.objects.exists()


def test_a_10000_character_staff_name_is_refused_and_no_login_is_made(
    admin, window, django_user_model
):
    logins = django_user_model.objects.count()

    response = admin.post(reverse("staff_create"), staff_data(window, name="长" * 10_000))

    assert too_long(50, 10_000) in field_error(response, "name")
    assert not StaffMember.objects.exists()
    assert django_user_model.objects.count() == logins


def test_html_in_a_staff_name_is_saved_as_text_and_shown_escaped(admin, window):
    admin.post(reverse("staff_create"), staff_data(window, name=SCRIPT))
    member = StaffMember.objects.get()
    assert member.name == SCRIPT

    for url in (reverse("staff_detail", args=[member.pk]), reverse("staff_list")):
        html = admin.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert SCRIPT not in html


# --- the list ----------------------------------------------------------------------------


def test_staff_list_search_matches_the_name(admin, staff_member, other_staff_member):
    body = table_body(admin.get(reverse("staff_list"), {"q": "刘建"}))

    assert "刘建国" in body
    assert "张晓梅" not in body


def test_staff_list_filter_by_department_shows_only_its_staff(
    admin, staff_member, other_staff_member
):
    body = table_body(admin.get(reverse("staff_list"), {"department": staff_member.department.pk}))

    assert "张晓梅" in body
    assert "刘建国" not in body


def test_staff_list_with_active_0_shows_only_staff_who_left(admin, staff_member):
    StaffMemberFactory(
        name="离厅人员", window=None, department=staff_member.department, active=False
    )

    body = table_body(admin.get(reverse("staff_list"), {"active": "0"}))

    assert "离厅人员" in body
    assert "张晓梅" not in body


def test_staff_list_second_page_holds_the_rows_after_the_first_fifty(admin, window):
    for i in range(51):
        StaffMemberFactory(employee_no=f"P{i:03d}", window=window)

    body = table_body(admin.get(reverse("staff_list"), {"page": "2"}))

    assert "P050" in body
    assert "P049" not in body
