"""Logging in (in Chinese, locked per login and address) and the home page of each role."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import DepartmentFactory, StaffMemberFactory, WindowFactory
from tests.helpers import tr

pytestmark = pytest.mark.django_db

OFFICE = "10.1.1.20"
ELSEWHERE = "10.9.9.9"


def log_in(client, username: str, password: str, address: str = OFFICE):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_five_times(client, username: str, address: str = OFFICE) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, username, "wrong-password", address)


# --- the login page ----------------------------------------------------------------------


def test_the_login_page_is_in_chinese_by_default(anonymous):
    html = anonymous.get(reverse("login")).content.decode()

    assert "登录" in html
    assert '<html lang="zh-CN">' in html


def test_a_correct_password_logs_in_and_goes_home(anonymous, supervisor_user, password):
    response = log_in(anonymous, "supervisor", password)

    assert response["Location"] == reverse("home")
    assert anonymous.session["_auth_user_id"] == str(supervisor_user.pk)


def test_a_wrong_password_stays_on_the_login_page_logged_out(anonymous, supervisor_user):
    response = log_in(anonymous, "supervisor", "wrong-password")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not logged_in(anonymous)


def test_five_wrong_passwords_lock_the_login_even_with_the_right_one(
    anonymous, supervisor_user, password
):
    fail_five_times(anonymous, "supervisor")

    response = log_in(anonymous, "supervisor", password)

    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert (
        tr(
            "Too many wrong passwords for this login from this address. Wait 15 minutes and try "
            "again, or ask the hall office to reset your password."
        )
        in response.content.decode()
    )
    assert not logged_in(anonymous)


def test_four_wrong_passwords_do_not_lock_the_login(anonymous, supervisor_user, password):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(anonymous, "supervisor", "wrong-password")

    response = log_in(anonymous, "supervisor", password)

    assert response["Location"] == reverse("home")


def test_a_locked_login_does_not_lock_a_colleague_at_the_same_address(
    anonymous, client, supervisor_user, staff_member, password
):
    fail_five_times(anonymous, "supervisor")

    response = log_in(client, "S0001", password)

    assert response["Location"] == reverse("home")
    assert logged_in(client)


def test_a_locked_login_can_still_log_in_from_another_address(
    anonymous, client, supervisor_user, password
):
    fail_five_times(anonymous, "supervisor")

    response = log_in(client, "supervisor", password, address=ELSEWHERE)

    assert response["Location"] == reverse("home")
    assert logged_in(client)


# --- the home page of each role ----------------------------------------------------------


def test_the_admin_home_counts_active_departments_windows_and_staff(
    admin, staff_member, other_staff_member
):
    WindowFactory(number="A02", department=staff_member.department)
    StaffMemberFactory(window=staff_member.window)
    StaffMemberFactory(window=staff_member.window)
    closed = DepartmentFactory(active=False)
    WindowFactory(department=closed, active=False)
    StaffMemberFactory(department=closed, window=None, active=False)

    html = admin.get(reverse("home")).content.decode()

    assert f'<div class="stat">2</div>{tr("Departments")}' in html
    assert f'<div class="stat">3</div>{tr("Windows")}' in html
    assert f'<div class="stat">4</div>{tr("Staff")}' in html


def test_the_staff_home_shows_their_own_name_and_window(staff):
    html = staff.get(reverse("home")).content.decode()

    assert "张晓梅" in html
    assert "A01 企业登记" in html


def test_the_liaison_home_shows_their_departments_staff_only(
    liaison, staff_member, other_staff_member
):
    html = liaison.get(reverse("home")).content.decode()

    assert "工商分局" in html
    assert "张晓梅" in html
    assert "刘建国" not in html


def test_the_supervisor_home_shows_a_tile_per_active_window_with_who_sits_there(
    supervisor, staff_member, other_staff_member
):
    WindowFactory(number="C09", department=staff_member.department, active=False)

    html = supervisor.get(reverse("home")).content.decode()

    assert '<span class="number">A01</span>' in html
    assert '<span class="number">B01</span>' in html
    assert '<span class="number">C09</span>' not in html
    assert "张晓梅" in html and "刘建国" in html


# --- the session's user: one query for the row and the roles -----------------------------


def test_the_session_user_carries_every_role_and_a_role_change_shows_on_the_next_page(
    supervisor, supervisor_user
):
    from django.contrib.auth.models import Group

    from hall.backends import HallBackend

    assert supervisor.get(reverse("department_list")).status_code == 403
    supervisor_user.groups.add(Group.objects.get_or_create(name="hall_admin")[0])
    user = HallBackend().get_user(str(supervisor_user.pk))
    assert user == supervisor_user and user._hall_roles == {"hall_admin", "duty_supervisor"}
    assert supervisor.get(reverse("department_list")).status_code == 200
    supervisor_user.groups.remove(Group.objects.get(name="hall_admin"))
    assert supervisor.get(reverse("department_list")).status_code == 403


def test_a_deactivated_login_is_no_longer_a_session_user(admin, admin_user):
    from hall.backends import HallBackend

    assert HallBackend().get_user(admin_user.pk) is not None
    admin_user.is_active = False
    admin_user.save()
    assert HallBackend().get_user(admin_user.pk) is None
    assert HallBackend().get_user("not-a-number") is None
    assert admin.get(reverse("department_list")).status_code == 302  # sent to log in
