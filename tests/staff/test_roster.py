"""The roster as Excel: all rows imported or none, each problem listed by row; the export."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from hall.models import AuditEntry
from staff.models import Assignment, StaffMember
from staff.roster import HEADERS
from tests.helpers import field_error, tr

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    ["E2001", "赵一", "13800000001", "工商分局", "A01", "工作人员", "2024-05-06"],
    ["E2002", "钱二", "", "GS", "", "首席代表", datetime.date(2023, 1, 9)],
]


def xlsx(*rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, content: bytes, name: str = "roster.xlsx"):
    return client.post(reverse("roster_import"), {"file": SimpleUploadedFile(name, content)})


def counts() -> tuple[int, int, int, int]:
    return (
        StaffMember.objects.count(),
        get_user_model().objects.count(),
        Assignment.objects.count(),
        AuditEntry.objects.count(),
    )


# --- a good file -------------------------------------------------------------------------


def test_a_good_roster_imports_every_row_and_returns_to_the_staff_list(admin, window):
    response = upload(admin, xlsx(*GOOD_ROWS))

    assert response["Location"] == reverse("staff_list")
    assert list(StaffMember.objects.values_list("employee_no", "name", "post")) == [
        ("E2001", "赵一", "staff"),
        ("E2002", "钱二", "chief"),
    ]


def test_imported_staff_get_window_staff_logins_named_by_employee_number(admin, window):
    upload(admin, xlsx(*GOOD_ROWS))

    for member in StaffMember.objects.select_related("user"):
        assert member.user.username == member.employee_no
        assert member.user.groups.filter(name="window_staff").exists()
        assert member.user.has_usable_password() is False


def test_imported_staff_with_a_window_get_an_open_assignment_from_joining(admin, window):
    upload(admin, xlsx(*GOOD_ROWS))

    seat = Assignment.objects.get()
    assert (seat.staff.employee_no, seat.window, seat.start, seat.end) == (
        "E2001",
        window,
        datetime.date(2024, 5, 6),
        None,
    )


def test_each_imported_staff_member_has_an_import_audit_entry(admin, admin_user, window):
    upload(admin, xlsx(*GOOD_ROWS))

    entries = AuditEntry.objects.filter(action="import")
    assert sorted(e.object_repr for e in entries) == ["赵一 (E2001)", "钱二 (E2002)"]
    assert {e.actor for e in entries} == {admin_user}


def test_the_downloaded_template_imports_once_its_sample_row_names_a_real_window(admin, window):
    template = admin.get(reverse("roster_template"))
    wb = load_workbook(io.BytesIO(template.content))
    ws = wb.active
    ws["D2"], ws["E2"] = "工商分局", "A01"
    buf = io.BytesIO()
    wb.save(buf)

    response = upload(admin, buf.getvalue())

    assert response.status_code == 302
    member = StaffMember.objects.get()
    assert (member.employee_no, member.window) == ("S0001", window)


# --- one bad row among good ones ---------------------------------------------------------

BAD_ROWS = {
    "unknown department": (
        ["E3001", "孙三", "", "不存在局", "", "", "2024-01-01"],
        ("unknown department “%(d)s”", {"d": "不存在局"}),
    ),
    "employee number twice in the file": (
        ["E2001", "孙三", "", "工商分局", "", "", "2024-01-01"],
        ("employee number %(no)s repeats row %(row)s", {"no": "E2001", "row": 2}),
    ),
    "employee number that exists": (
        ["S0001", "孙三", "", "工商分局", "", "", "2024-01-01"],
        ("employee number %(no)s already exists", {"no": "S0001"}),
    ),
    "bad phone": (
        ["E3001", "孙三", "12345", "工商分局", "", "", "2024-01-01"],
        ("phone %(phone)s is not a valid number", {"phone": "12345"}),
    ),
    "missing name": (
        ["E3001", "", "", "工商分局", "", "", "2024-01-01"],
        ("name is missing", {}),
    ),
    "window of another department": (
        ["E3001", "孙三", "", "工商分局", "B01", "", "2024-01-01"],
        ("window %(w)s belongs to %(d)s", {"w": "B01", "d": "税务局"}),
    ),
    "future join date": (
        [
            "E3001",
            "孙三",
            "",
            "工商分局",
            "",
            "",
            timezone.localdate() + datetime.timedelta(days=3),
        ],
        ("date joined is in the future", {}),
    ),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_one_bad_row_imports_nothing_and_names_the_row_and_problem(
    admin, staff_member, other_window, case
):
    bad_row, (msgid, params) = BAD_ROWS[case]
    before = counts()

    response = upload(admin, xlsx(GOOD_ROWS[0], bad_row, GOOD_ROWS[1]))

    assert response.status_code == 422
    assert counts() == before
    expected = tr(msgid, **params)
    assert f"<tr><td>3</td><td>{expected}</td></tr>" in response.content.decode()


def test_every_bad_row_is_listed_not_just_the_first(admin, window):
    rows = [GOOD_ROWS[0], ["E3001", "", "", "工商分局"], ["E3002", "李四", "", "不存在局"]]

    response = upload(admin, xlsx(*rows))

    assert [row for row, _problem in response.context["row_errors"]] == [3, 4]
    assert not StaffMember.objects.exists()


def test_a_roster_with_headings_only_is_refused_as_empty(admin):
    response = upload(admin, xlsx())

    assert response.status_code == 422
    assert tr("The file has no staff rows.") in response.content.decode()


# --- files that are not a roster ---------------------------------------------------------


def test_an_oversize_roster_is_refused_with_the_limit(admin, window, settings):
    settings.HALL_ROSTER_MAX_BYTES = 2048
    content = xlsx(*GOOD_ROWS)

    response = upload(admin, content)

    assert response.status_code == 422
    expected = tr(
        "The file is %(size)s KB; the limit is %(limit)s KB.", size=len(content) // 1024, limit=2
    )
    assert expected in field_error(response, "file")
    assert not StaffMember.objects.exists()


def _zip_that_is_not_a_workbook() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


NOT_A_ROSTER = {
    "text named .xlsx": (
        "roster.xlsx",
        "工号,姓名\nE1,张三\n".encode(),
        "The file is not a real .xlsx workbook.",
    ),
    "csv": (
        "roster.csv",
        "工号,姓名\nE1,张三\n".encode(),
        "Upload an Excel .xlsx file (use the template).",
    ),
    "exe renamed": (
        "roster.xlsx",
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        "The file is not a real .xlsx workbook.",
    ),
    "zip that is not a workbook": (
        "roster.xlsx",
        _zip_that_is_not_a_workbook(),
        "The workbook could not be read.",
    ),
}


@pytest.mark.parametrize("case", list(NOT_A_ROSTER))
def test_a_file_that_is_not_an_xlsx_workbook_is_refused_with_a_message(admin, case):
    name, content, msgid = NOT_A_ROSTER[case]

    response = upload(admin, content, name)

    assert response.status_code == 422
    assert tr(msgid) in field_error(response, "file")
    assert not StaffMember.objects.exists()


def test_a_workbook_with_the_wrong_headings_is_refused_with_the_expected_ones(admin, window):
    content = xlsx(GOOD_ROWS[0], headers=["编号", "名字", "电话", "单位", "窗口", "职务", "日期"])

    response = upload(admin, content)

    assert response.status_code == 422
    expected = tr("The first row must be the template's headings: %(h)s", h=" | ".join(HEADERS))
    assert expected in field_error(response, "file")
    assert not StaffMember.objects.exists()


# --- export ------------------------------------------------------------------------------


def test_the_export_is_a_workbook_with_one_row_per_active_staff_member(
    admin, staff_member, other_staff_member
):
    response = admin.get(reverse("roster_export"))

    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == HEADERS + ["轮岗到期"]
    assert [r[:6] for r in rows[1:]] == [
        ["S0001", "张晓梅", "13800138000", "工商分局", "A01", "工作人员"],
        ["S0002", "刘建国", "13800138000", "税务局", "B01", "工作人员"],
    ]
    assert rows[1][6].date() == datetime.date(2024, 3, 1)
    assert rows[1][7].date() == datetime.date(2026, 3, 1)


def test_the_export_follows_the_list_filter(admin, staff_member, other_staff_member):
    response = admin.get(reverse("roster_export"), {"department": staff_member.department.pk})

    ws = load_workbook(io.BytesIO(response.content)).active
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["S0001"]
