"""The admin, on a 1024×768 screen, imports a roster file and finds the staff in the list."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from staff.models import StaffMember
from staff.roster import HEADERS
from tests.e2e.conftest import login
from tests.factories import PASSWORD


def _roster(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.django_db(transaction=True)
def test_admin_imports_a_roster_and_sees_the_staff_list(
    live_server, page_at, shot, admin_user, window
):
    page = page_at("tablet")
    login(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server.url}/staff/")
    page.get_by_role("link", name="导入花名册").click()

    bad = _roster(
        [
            ["E1001", "赵敏", "13912345678", "工商", "A01", "工作人员", "2024-05-06"],
            ["E1002", "", "12345", "不存在的局", "A01", "工作人员", "2024-05-06"],
        ]
    )
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "roster.xlsx",
                "buffer": bad,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ],
    )
    page.get_by_role("button", name="检查并导入").click()
    errors = page.locator("#row-errors")
    errors.wait_for()
    assert "3" in errors.inner_text()  # row 3 is the bad one
    shot(page, "roster-import-errors-1024")
    assert StaffMember.objects.count() == 0

    good = _roster(
        [
            ["E1001", "赵敏", "13912345678", "工商", "A01", "工作人员", "2024-05-06"],
            ["E1002", "钱多多", "13812345678", "GS", "A01", "首席代表", "2020-01-02"],
        ]
    )
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "roster.xlsx",
                "buffer": good,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ],
    )
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_url(f"{live_server.url}/staff/")
    body = page.locator("main").inner_text()
    assert "赵敏" in body and "钱多多" in body
    assert "已导入" in body
    shot(page, "staff-list-1024")
    assert StaffMember.objects.filter(window=window).count() == 2
