"""Approval items through the catalogue: time limits checked, list, refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guides.models import ApprovalItem
from tests.factories import ApprovalItemFactory, DepartmentFactory
from tests.helpers import audit_entries, field_error, table_body, too_long, tr

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def item_data(department, **overrides) -> dict:
    data = {
        "code": "GS-0101",
        "name": "企业设立登记",
        "department": department.pk,
        "kind": "licence",
        "statutory_days": "20",
        "promised_days": "5",
        "in_hall_required": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_creates_an_item_and_is_sent_to_its_page(admin, department):
    response = admin.post(reverse("item_create"), item_data(department))

    item = ApprovalItem.objects.get()
    assert response["Location"] == reverse("item_detail", args=[item.pk])
    assert (item.code, item.statutory_days, item.promised_days) == ("GS-0101", 20, 5)


def test_creating_an_item_records_an_audit_entry_with_the_new_values(admin, department):
    admin.post(reverse("item_create"), item_data(department))

    changes = audit_entries(ApprovalItem.objects.get(), "create").get().changes
    assert changes["code"] == ["", "GS-0101"]
    assert changes["department"] == ["", "工商分局"]
    assert changes["promised_days"] == ["", "5"]


def test_editing_an_item_saves_the_new_values_and_an_update_entry(admin, department):
    item = ApprovalItemFactory(department=department, code="GS-0101", name="旧名称")

    admin.post(reverse("item_edit", args=[item.pk]), item_data(department, promised_days="3"))

    item.refresh_from_db()
    assert (item.name, item.promised_days) == ("企业设立登记", 3)
    assert audit_entries(item, "update").count() == 1


def test_editing_an_item_records_old_and_new_values_shown_on_its_page(admin, department):
    item = ApprovalItemFactory(department=department, code="GS-0101", name="旧名称")

    admin.post(reverse("item_edit", args=[item.pk]), item_data(department))

    assert audit_entries(item, "update").get().changes["name"] == ["旧名称", "企业设立登记"]
    history = admin.get(reverse("item_detail", args=[item.pk])).content.decode()
    assert "旧名称" in history.split("<section")[-1]


def test_deactivating_an_item_marks_it_inactive_and_audits_it(admin):
    item = ApprovalItemFactory()

    admin.post(reverse("item_toggle", args=[item.pk]))

    item.refresh_from_db()
    assert item.active is False
    assert audit_entries(item, "deactivate").count() == 1


def test_a_promised_limit_longer_than_the_statutory_one_is_refused(admin, department):
    response = admin.post(
        reverse("item_create"), item_data(department, statutory_days="10", promised_days="15")
    )

    expected = tr(
        "The promised limit (%(p)s) cannot be longer than the statutory one (%(s)s).", p=15, s=10
    )
    assert expected in field_error(response, "promised_days")
    assert not ApprovalItem.objects.exists()


def test_an_item_neither_on_the_spot_nor_with_promised_days_is_refused(admin, department):
    response = admin.post(reverse("item_create"), item_data(department, promised_days=None))

    expected = tr("Give the promised time limit, or tick “settled on the spot”.")
    assert expected in field_error(response, "promised_days")
    assert not ApprovalItem.objects.exists()


def test_an_item_settled_on_the_spot_needs_no_promised_days(admin, department):
    response = admin.post(
        reverse("item_create"), item_data(department, promised_days=None, on_the_spot="on")
    )

    assert response.status_code == 302
    assert ApprovalItem.objects.get().on_the_spot is True


def test_an_item_cannot_be_put_in_an_inactive_department(admin):
    closed = DepartmentFactory(name="撤并局", active=False)

    response = admin.post(reverse("item_create"), item_data(closed))

    expected = tr("The department %(name)s is inactive; choose an active one.", name="撤并局")
    assert expected in field_error(response, "department")
    assert not ApprovalItem.objects.exists()


def test_a_10000_character_item_name_is_refused_next_to_the_field(admin, department):
    response = admin.post(reverse("item_create"), item_data(department, name="长" * 10_000))

    assert too_long(200, 10_000) in field_error(response, "name")
    assert not ApprovalItem.objects.exists()


def test_html_in_an_item_name_is_saved_as_text_and_shown_escaped(admin, department):
    admin.post(reverse("item_create"), item_data(department, name=SCRIPT))
    item = ApprovalItem.objects.get()
    assert item.name == SCRIPT

    for url in (reverse("item_detail", args=[item.pk]), reverse("item_list")):
        html = admin.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert SCRIPT not in html


def test_item_list_search_matches_the_name(admin, department):
    ApprovalItemFactory(department=department, name="食品经营许可")
    ApprovalItemFactory(department=department, name="户外广告设置")

    body = table_body(admin.get(reverse("item_list"), {"q": "食品"}))

    assert "食品经营许可" in body
    assert "户外广告设置" not in body


def test_item_list_filter_by_department_shows_only_its_items(admin, department):
    ApprovalItemFactory(department=department, code="OWN-1")
    ApprovalItemFactory(code="OTHER-1")

    body = table_body(admin.get(reverse("item_list"), {"department": department.pk}))

    assert "OWN-1" in body
    assert "OTHER-1" not in body


def test_item_list_with_active_0_shows_only_inactive_items(admin):
    ApprovalItemFactory(code="LIVE-1")
    ApprovalItemFactory(code="RETIRED-1", active=False)

    body = table_body(admin.get(reverse("item_list"), {"active": "0"}))

    assert "RETIRED-1" in body
    assert "LIVE-1" not in body


def test_item_list_second_page_holds_the_rows_after_the_first_fifty(admin, department):
    for i in range(51):
        ApprovalItemFactory(department=department, code=f"P{i:03d}")

    body = table_body(admin.get(reverse("item_list"), {"page": "2"}))

    assert "P050" in body
    assert "P049" not in body
