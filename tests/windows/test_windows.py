"""Windows through the catalogue: numbers unique among active windows, refusals, list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ApprovalItemFactory, DepartmentFactory, WindowFactory
from tests.helpers import audit_entries, field_error, table_body, too_long, tr
from windows.models import Window

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def window_data(department, **overrides) -> dict:
    return {
        "number": "a02",
        "name": "社会事务",
        "department": department.pk,
        "location": "二楼B区",
        **overrides,
    }


def test_admin_creates_a_window_and_is_sent_to_its_page(admin, department):
    response = admin.post(reverse("window_create"), window_data(department))

    window = Window.objects.get()
    assert response["Location"] == reverse("window_detail", args=[window.pk])
    assert (window.number, window.name, window.department) == ("A02", "社会事务", department)


def test_creating_a_window_records_an_audit_entry_with_the_new_values(admin, department):
    item = ApprovalItemFactory(department=department, code="GS-001", name="设立登记")

    admin.post(reverse("window_create"), window_data(department, items=[item.pk]))

    entry = audit_entries(Window.objects.get(), "create").get()
    assert entry.changes == {
        "number": ["", "A02"],
        "name": ["", "社会事务"],
        "department": ["", "工商分局"],
        "location": ["", "二楼B区"],
        "items": ["", "GS-001 设立登记"],
    }


def test_editing_a_window_saves_the_new_values_and_an_update_entry(admin, window):
    admin.post(
        reverse("window_edit", args=[window.pk]),
        window_data(window.department, number="A01", name="企业开办"),
    )

    window.refresh_from_db()
    assert window.name == "企业开办"
    assert audit_entries(window, "update").count() == 1


def test_editing_a_window_records_old_and_new_values_shown_on_its_page(admin, window):
    admin.post(
        reverse("window_edit", args=[window.pk]),
        window_data(window.department, number="A01", name="企业开办"),
    )

    assert audit_entries(window, "update").get().changes["name"] == ["企业登记", "企业开办"]
    html = admin.get(reverse("window_detail", args=[window.pk])).content.decode()
    history = html.split("<section")[-1]
    assert "企业登记" in history and "企业开办" in history


def test_deactivating_an_empty_window_marks_it_inactive_and_audits_it(admin, window):
    response = admin.post(reverse("window_toggle", args=[window.pk]))

    window.refresh_from_db()
    assert response["Location"] == reverse("window_detail", args=[window.pk])
    assert window.active is False
    assert audit_entries(window, "deactivate").count() == 1


def test_a_window_with_seated_staff_cannot_be_deactivated(admin, staff_member):
    window = staff_member.window

    response = admin.post(reverse("window_toggle", args=[window.pk]), follow=True)

    window.refresh_from_db()
    assert window.active is True
    assert not audit_entries(window, "deactivate").exists()
    expected = tr(
        "%(n)s staff members still sit at window %(number)s; move them first.", n=1, number="A01"
    )
    assert expected in response.content.decode()


def test_reactivating_a_window_whose_number_another_active_window_took_is_refused(admin, window):
    old = WindowFactory(number="A01", name="旧窗口", department=window.department, active=False)

    response = admin.post(reverse("window_toggle", args=[old.pk]), follow=True)

    old.refresh_from_db()
    assert old.active is False
    assert not audit_entries(old, "activate").exists()
    expected = tr("Window number %(number)s is used by another active window.", number="A01")
    assert expected in response.content.decode()


def test_reactivating_a_window_of_an_inactive_department_is_refused(admin):
    closed = DepartmentFactory(name="撤并局", active=False)
    old = WindowFactory(number="Z01", department=closed, active=False)

    response = admin.post(reverse("window_toggle", args=[old.pk]), follow=True)

    old.refresh_from_db()
    assert old.active is False
    assert tr("Its department %(name)s is inactive.", name="撤并局") in response.content.decode()


def test_a_window_number_used_by_an_active_window_is_refused_next_to_the_field(admin, window):
    response = admin.post(reverse("window_create"), window_data(window.department, number="a01"))

    expected = tr("Window number %(number)s is already used by an active window.", number="A01")
    assert expected in field_error(response, "number")
    assert Window.objects.count() == 1


def test_a_window_number_only_an_inactive_window_uses_is_accepted(admin, department):
    WindowFactory(number="A02", department=department, active=False)

    response = admin.post(reverse("window_create"), window_data(department))

    assert response.status_code == 302
    assert Window.objects.filter(number="A02", active=True).count() == 1


def test_a_window_cannot_be_put_in_an_inactive_department(admin):
    closed = DepartmentFactory(name="撤并局", active=False)

    response = admin.post(reverse("window_create"), window_data(closed))

    expected = tr("The department %(name)s is inactive; choose an active one.", name="撤并局")
    assert expected in field_error(response, "department")
    assert not Window.objects.exists()


def test_a_window_cannot_handle_items_of_another_department(admin, window, other_window):
    foreign = ApprovalItemFactory(department=other_window.department, code="SW-001")

    response = admin.post(
        reverse("window_edit", args=[window.pk]),
        window_data(window.department, number="A01", items=[foreign.pk]),
    )

    assert "SW-001" in field_error(response, "items")
    assert not window.items.exists()


def test_a_10000_character_window_name_is_refused_next_to_the_field(admin, department):
    response = admin.post(reverse("window_create"), window_data(department, name="长" * 10_000))

    assert too_long(100, 10_000) in field_error(response, "name")
    assert not Window.objects.exists()


def test_html_in_a_window_name_is_saved_as_text_and_shown_escaped(admin, department):
    admin.post(reverse("window_create"), window_data(department, name=SCRIPT))
    window = Window.objects.get()
    assert window.name == SCRIPT

    for url in (reverse("window_detail", args=[window.pk]), reverse("window_list")):
        html = admin.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert SCRIPT not in html


def test_window_list_search_matches_the_number(admin, window, other_window):
    body = table_body(admin.get(reverse("window_list"), {"q": "b01"}))

    assert "B01" in body
    assert "A01" not in body


def test_window_list_filter_by_department_shows_only_its_windows(admin, window, other_window):
    body = table_body(admin.get(reverse("window_list"), {"department": window.department.pk}))

    assert "A01" in body
    assert "B01" not in body


def test_window_list_with_active_0_shows_only_inactive_windows(admin, window):
    WindowFactory(number="Z09", department=window.department, active=False)

    body = table_body(admin.get(reverse("window_list"), {"active": "0"}))

    assert "Z09" in body
    assert "A01" not in body


def test_window_list_second_page_holds_the_rows_after_the_first_fifty(admin, department):
    for i in range(51):
        WindowFactory(number=f"P{i:03d}", department=department)

    body = table_body(admin.get(reverse("window_list"), {"page": "2"}))

    assert "P050" in body
    assert "P049" not in body
