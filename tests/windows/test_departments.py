"""Departments through the catalogue: create, edit, deactivate, list; bad input refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, StaffMemberFactory, WindowFactory
from tests.helpers import audit_entries, field_error, table_body, too_long, tr
from windows.models import Department

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
GOOD = {"name": "民政局", "short_name": "民政", "code": "MZ", "display_order": "10"}


def test_admin_creates_a_department_and_is_sent_to_its_page(admin):
    response = admin.post(reverse("department_create"), GOOD)

    department = Department.objects.get(code="MZ")
    assert response.status_code == 302
    assert response["Location"] == reverse("department_detail", args=[department.pk])
    assert (department.name, department.short_name, department.display_order) == (
        "民政局",
        "民政",
        10,
    )


def test_creating_a_department_records_who_created_it_with_the_new_values(admin, admin_user):
    admin.post(reverse("department_create"), GOOD)

    entry = audit_entries(Department.objects.get(code="MZ"), "create").get()
    assert entry.actor == admin_user
    assert entry.changes == {
        "name": ["", "民政局"],
        "short_name": ["", "民政"],
        "code": ["", "MZ"],
        "display_order": ["", "10"],
    }


def test_editing_a_department_saves_the_new_values_and_an_update_entry(admin, department):
    response = admin.post(
        reverse("department_edit", args=[department.pk]),
        {**GOOD, "name": "市场监督管理局", "code": department.code},
    )

    department.refresh_from_db()
    assert response["Location"] == reverse("department_detail", args=[department.pk])
    assert department.name == "市场监督管理局"
    assert audit_entries(department, "update").count() == 1


def test_editing_a_department_records_old_and_new_values_shown_on_its_page(admin, department):
    admin.post(
        reverse("department_edit", args=[department.pk]),
        {**GOOD, "name": "市场监督管理局", "code": department.code},
    )

    entry = audit_entries(department, "update").get()
    assert entry.changes["name"] == ["工商分局", "市场监督管理局"]
    page = admin.get(reverse("department_detail", args=[department.pk]))
    history = page.content.decode().split("<section")[-1]
    assert "工商分局" in history and "市场监督管理局" in history


def test_deactivating_a_department_without_windows_marks_it_inactive_and_audits_it(admin):
    department = DepartmentFactory()

    response = admin.post(reverse("department_toggle", args=[department.pk]))

    department.refresh_from_db()
    assert response["Location"] == reverse("department_detail", args=[department.pk])
    assert department.active is False
    assert audit_entries(department, "deactivate").count() == 1


def test_a_department_with_active_windows_cannot_be_deactivated(admin, window):
    department = window.department

    response = admin.post(reverse("department_toggle", args=[department.pk]), follow=True)

    department.refresh_from_db()
    assert department.active is True
    assert not audit_entries(department, "deactivate").exists()
    expected = tr(
        "%(name)s still has %(n)s active windows; deactivate or move them first.",
        name="工商分局",
        n=1,
    )
    assert expected in response.content.decode()


def test_a_department_with_active_staff_but_no_window_cannot_be_deactivated(admin):
    department = DepartmentFactory(name="人社局")
    StaffMemberFactory(department=department, window=None)

    response = admin.post(reverse("department_toggle", args=[department.pk]), follow=True)

    department.refresh_from_db()
    assert department.active is True
    expected = tr("%(name)s still has %(n)s active staff members.", name="人社局", n=1)
    assert expected in response.content.decode()


def test_a_deactivated_department_can_be_reactivated(admin):
    department = DepartmentFactory(active=False)

    admin.post(reverse("department_toggle", args=[department.pk]))

    department.refresh_from_db()
    assert department.active is True
    assert audit_entries(department, "activate").count() == 1


def test_department_list_search_finds_by_name_only_the_matching_ones(admin):
    DepartmentFactory(name="民政局")
    DepartmentFactory(name="税务局")

    response = admin.get(reverse("department_list"), {"q": "民政"})

    body = table_body(response)
    assert "民政局" in body
    assert "税务局" not in body


def test_department_list_with_active_0_shows_only_inactive_departments(admin):
    DepartmentFactory(name="在用部门")
    DepartmentFactory(name="撤并部门", active=False)

    response = admin.get(reverse("department_list"), {"active": "0"})

    body = table_body(response)
    assert "撤并部门" in body
    assert "在用部门" not in body


def test_department_list_second_page_holds_the_rows_after_the_first_fifty(admin):
    for i in range(51):
        DepartmentFactory(code=f"P{i:03d}", name=f"分页部门{i:03d}")

    response = admin.get(reverse("department_list"), {"page": "2"})

    body = table_body(response)
    assert "分页部门050" in body
    assert "分页部门049" not in body


def test_a_10000_character_department_name_is_refused_next_to_the_field(admin):
    response = admin.post(reverse("department_create"), {**GOOD, "name": "长" * 10_000})

    assert response.status_code == 200
    assert too_long(100, 10_000) in field_error(response, "name")
    assert not Department.objects.exists()


def test_a_duplicate_department_code_is_refused_next_to_the_field(admin, department):
    response = admin.post(reverse("department_create"), {**GOOD, "code": "GS"})

    assert field_error(response, "code")
    assert Department.objects.count() == 1


def test_html_in_a_department_name_is_saved_as_text_and_shown_escaped(admin):
    admin.post(reverse("department_create"), {**GOOD, "name": SCRIPT})
    department = Department.objects.get(code="MZ")
    assert department.name == SCRIPT

    for url in (reverse("department_detail", args=[department.pk]), reverse("department_list")):
        html = admin.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert SCRIPT not in html


def test_department_page_lists_its_active_windows(admin, window):
    WindowFactory(department=window.department, number="A99", name="已撤窗口", active=False)

    html = admin.get(reverse("department_detail", args=[window.department.pk])).content.decode()

    assert "A01 企业登记" in html
    assert "已撤窗口" not in html
