"""The staff roster as an Excel file: the blank template, reading and checking an upload, export.

Reading is all-or-nothing: every row is checked first, and one bad row means nothing is
imported and the admin gets a list of every problem by row number.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from hall.validators import PHONE_RE
from staff.models import StaffMember
from windows.models import Department, Window

HEADERS = ["工号", "姓名", "手机", "部门", "窗口号", "岗位", "入厅日期"]
POSTS = {
    "首席代表": StaffMember.Post.CHIEF,
    "chief": StaffMember.Post.CHIEF,
    "工作人员": StaffMember.Post.STAFF,
    "staff": StaffMember.Post.STAFF,
    "": StaffMember.Post.STAFF,
}
MAX_ROWS = 2000


@dataclass
class RosterResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)

    @property
    def ok(self) -> bool:
        return not self.errors


class RosterFileError(ValueError):
    """The upload is not a roster we can read at all."""


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "roster"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(["S0001", "张三", "13800000000", "市场监管", "A01", "工作人员", "2024-03-01"])
    for col, width in zip("ABCDEFG", (10, 10, 14, 16, 8, 10, 12), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_workbook(staff_members) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("roster")
    ws.append(HEADERS + ["轮岗到期"])
    for s in staff_members:
        ws.append(
            [
                s.employee_no,
                s.name,
                s.phone,
                s.department.name,
                s.window.number if s.window else "",
                "首席代表" if s.post == StaffMember.Post.CHIEF else "工作人员",
                s.joined_hall_on,
                s.rotation_due_on,
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def open_upload(upload) -> list[tuple]:
    """The rows of the first sheet, or RosterFileError saying why the file is refused."""
    if upload.size > settings.HALL_ROSTER_MAX_BYTES:
        raise RosterFileError(
            _("The file is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": upload.size // 1024, "limit": settings.HALL_ROSTER_MAX_BYTES // 1024}
        )
    if not upload.name.lower().endswith(".xlsx"):
        raise RosterFileError(_("Upload an Excel .xlsx file (use the template)."))
    data = upload.read()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RosterFileError(_("The file is not a real .xlsx workbook."))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise RosterFileError(_("The workbook could not be read.")) from None
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    wb.close()
    if len(rows) > MAX_ROWS + 1:
        raise RosterFileError(_("At most %(n)s rows at a time.") % {"n": MAX_ROWS})
    if not rows or [_text(c) for c in rows[0][: len(HEADERS)]] != HEADERS:
        raise RosterFileError(
            _("The first row must be the template's headings: %(h)s") % {"h": " | ".join(HEADERS)}
        )
    return rows[1:]


def check_rows(raw_rows: list[tuple]) -> RosterResult:
    """Check every row against the database and each other; collect all problems."""
    from django.contrib.auth import get_user_model

    result = RosterResult()
    departments = {}
    for d in Department.objects.all():
        for key in (d.name, d.short_name, d.code):
            departments.setdefault(key, d)
    windows = {w.number: w for w in Window.objects.filter(active=True).select_related("department")}
    taken = set(StaffMember.objects.values_list("employee_no", flat=True))
    taken |= set(get_user_model().objects.values_list("username", flat=True))
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_rows, start=2):
        cells = list(raw) + [None] * (len(HEADERS) - len(raw))
        if all(_text(c) == "" for c in cells[: len(HEADERS)]):
            continue
        no, name, phone, dept, window_no, post, joined = cells[: len(HEADERS)]
        no, name, phone = _text(no), _text(name), _text(phone)
        problems = []
        if not no:
            problems.append(_("employee number is missing"))
        elif len(no) > 20:
            problems.append(_("employee number is longer than 20 characters"))
        elif no in seen:
            problems.append(
                _("employee number %(no)s repeats row %(row)s") % {"no": no, "row": seen[no]}
            )
        elif no in taken:
            problems.append(_("employee number %(no)s already exists") % {"no": no})
        if not name:
            problems.append(_("name is missing"))
        elif len(name) > 50:
            problems.append(_("name is longer than 50 characters"))
        if phone and not PHONE_RE.match(phone):
            problems.append(_("phone %(phone)s is not a valid number") % {"phone": phone[:30]})
        department = departments.get(_text(dept))
        if department is None:
            problems.append(_("unknown department “%(d)s”") % {"d": _text(dept)[:50]})
        elif not department.active:
            problems.append(_("department %(d)s is inactive") % {"d": department.name})
        window = None
        if _text(window_no):
            window = windows.get(_text(window_no).upper())
            if window is None:
                problems.append(_("unknown window %(w)s") % {"w": _text(window_no)[:20]})
            elif department is not None and window.department_id != department.pk:
                problems.append(
                    _("window %(w)s belongs to %(d)s")
                    % {"w": window.number, "d": window.department.name}
                )
        post_value = POSTS.get(_text(post).lower() if _text(post).isascii() else _text(post))
        if post_value is None:
            problems.append(_("post must be 首席代表 or 工作人员"))
        joined_on = _date(joined)
        if joined_on is None:
            problems.append(_("date joined must be a date such as 2024-03-01"))
        elif joined_on > datetime.date.today():
            problems.append(_("date joined is in the future"))
        if no:
            seen.setdefault(no, index)
        if problems:
            result.errors.append((index, "; ".join(problems)))
        else:
            result.rows.append(
                {
                    "employee_no": no,
                    "name": name,
                    "phone": phone,
                    "department": department,
                    "window": window,
                    "post": post_value,
                    "joined_hall_on": joined_on,
                }
            )
    if not result.rows and not result.errors:
        result.errors.append((0, _("The file has no staff rows.")))
    return result
