"""The statistics page: its charts (server-side SVG), month and filters, and the export."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from complaints import rollups
from complaints.charts import level_bars_svg, trend_lines_svg
from complaints.models import Level, Rating
from tests.factories import DepartmentFactory, WindowFactory

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MARCH = datetime.date(2026, 3, 1)


def rate(window, level, n, month=MARCH):
    when = datetime.datetime(month.year, month.month, 10, 10, tzinfo=SHANGHAI)
    Rating.objects.bulk_create(
        Rating(
            window=window, department=window.department, level=level, channel="qr", created_at=when
        )
        for _ in range(n)
    )


@pytest.fixture
def two_departments(department):
    other = DepartmentFactory(name="<b>税务</b>局", short_name="<b>税务</b>")
    a = WindowFactory(number="G01", name="登记", department=department)
    b = WindowFactory(number="H01", name="<script>x</script>", department=other)
    rate(a, Level.SATISFIED, 4)
    rate(b, Level.DISSATISFIED, 2)
    rate(b, Level.SATISFIED, 2, month=datetime.date(2026, 2, 1))
    rollups.rollup_refresh(datetime.date(2026, 2, 1))
    return department, other, a, b


def test_the_page_draws_both_charts_and_escapes_names(admin, two_departments):
    body = admin.get(reverse("rating_stats"), {"month": "2026-03"}).content.decode()
    assert 'class="level-bars"' in body and 'class="trend-lines"' in body
    assert "<script>x</script>" not in body and "&lt;script&gt;x&lt;/script&gt;" in body
    assert "<b>税务</b>" not in body


def test_the_department_filter_keeps_its_windows_and_its_trend_line(admin, two_departments):
    department, other, a, b = two_departments
    r = admin.get(reverse("rating_stats"), {"month": "2026-03", "department": other.pk})
    table = r.content.decode().split('id="stats"')[1]
    assert "H01" in table and "G01" not in table
    lines = r.context["lines"]
    assert "&lt;b&gt;税务&lt;/b&gt; 2026-03: 0%" in lines  # its line only, escaped
    assert (department.short_name or department.name) not in lines
    assert "G01 登记" not in r.context["bars"] and "H01" in r.context["bars"]


def test_the_window_filter_on_the_staff_tab_keeps_that_windows_people(
    admin, staff_member, window, other_window
):
    from tests.factories import StaffMemberFactory

    other = StaffMemberFactory(window=other_window, department=other_window.department)
    for member in (staff_member, other):
        Rating.objects.create(
            window=member.window,
            department=member.department,
            staff=member,
            level="satisfied",
            channel="qr",
        )
    r = admin.get(reverse("rating_stats"), {"by": "staff", "window": window.pk})
    assert [i.subject for i in r.context["page"].object_list] == [staff_member]


def test_the_export_honours_the_filters(admin, two_departments):
    department, other, a, b = two_departments
    r = admin.get(reverse("rating_stats_export"), {"month": "2026-03", "department": department.pk})
    wb = load_workbook(io.BytesIO(r.content))
    numbers = [row[1] for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "G01" in numbers and "H01" not in numbers


def test_the_trend_breaks_at_a_month_without_ratings():
    m = [datetime.date(2026, i, 1) for i in (1, 2, 3)]
    svg = trend_lines_svg([("A", [(m[0], 90), (m[1], None), (m[2], 80)])], title="t")
    assert "<polyline" not in svg and svg.count("<circle") == 2
    svg = trend_lines_svg([("A", [(m[0], 90), (m[1], 85), (m[2], 80)])], title="t")
    assert svg.count("<polyline") == 1


def test_a_bar_is_split_by_the_shares_of_the_levels():
    svg = level_bars_svg([("A01", {"satisfied": 3, "dissatisfied": 1})], title="t")
    assert "3 (75%)" in svg and "1 (25%)" in svg
    assert level_bars_svg([], title="t") == ""


def test_a_cached_page_shows_a_new_rating_at_once(admin, window):
    from django.utils import timezone

    rate(window, Level.SATISFIED, 2, month=timezone.localdate())
    url = reverse("rating_stats")
    first = admin.get(url).content.decode()
    assert 'class="stat">2<' in first
    rate(window, Level.DISSATISFIED, 1, month=timezone.localdate())
    assert 'class="stat">3<' in admin.get(url).content.decode()
    rollups.rollup_refresh(timezone.localdate())  # a rebuild moves the figures to the rollup
    assert 'class="stat">3<' in admin.get(url).content.decode()


def test_a_renamed_window_shows_its_new_name_at_once(admin, window):
    from hall.audit import audit_record

    rate(window, Level.SATISFIED, 1, month=MARCH)
    url = reverse("rating_stats") + "?month=2026-03"
    assert "企业登记" in admin.get(url).content.decode()
    window.name = "新名字窗口"
    window.save()
    audit_record(actor=None, instance=window, action="update", changes={})
    assert "新名字窗口" in admin.get(url).content.decode()
