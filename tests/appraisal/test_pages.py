"""The appraisal pages: the ledger, adding and reversing entries, the month board, the banner
history, a staff member's own scores and a liaison's department results."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from appraisal.models import AppraisalMonth, Award, MonthlyResult, Rule, ScoreEntry
from appraisal.services import (
    month_close,
    month_publish,
    score_entry_add,
    score_entry_reverse,
)
from tests.appraisal.factories import RuleFactory
from tests.factories import StaffMemberFactory, WindowFactory
from tests.helpers import tr

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 4, 15)  # a Wednesday; March has ended, April is open
MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)

# Mid-April 2026 (March has ended), media in a temporary folder: see conftest.py.
pytestmark = pytest.mark.usefixtures("clock", "media")


@pytest.fixture
def rude(db):
    return RuleFactory(
        code="S-05",
        title="服务态度生硬",
        category=Rule.Category.LANGUAGE,
        min_points=-5,
        max_points=-2,
        evidence_required=True,
    )


@pytest.fixture
def praise(db):
    return RuleFactory(
        code="S-20",
        title="群众书面表扬",
        category=Rule.Category.COMMENDATION,
        min_points=1,
        max_points=1,
    )


def add(author, rule, *, staff=None, window=None, day=TODAY, points=None, evidence=""):
    return score_entry_add(
        author=author,
        rule=rule,
        points=rule.min_points if points is None else points,
        occurred_on=day,
        staff=staff,
        window=window,
        evidence=evidence,
    )


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    return buf.getvalue()


def form_post(admin, **fields):
    return admin.post(reverse("appraisal_entry_add"), fields)


# --- adding an entry ---------------------------------------------------------------------


def test_adding_an_entry_through_the_form_creates_exactly_one_row(admin, staff_member, late):
    response = form_post(
        admin, staff=staff_member.pk, rule=late.pk, points="-1", occurred_on="2026-04-14"
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisal_ledger")
    entry = ScoreEntry.objects.get()
    assert (entry.staff, entry.rule, entry.points) == (staff_member, late, Decimal("-1"))
    assert entry.occurred_on == datetime.date(2026, 4, 14)
    assert entry.author.username == "admin"
    assert entry.source == ScoreEntry.Source.MANUAL


def test_an_entry_for_a_window_is_recorded_against_the_window(admin, window, window_rule):
    form_post(admin, window=window.pk, rule=window_rule.pk, points="-2", occurred_on="2026-04-14")
    assert ScoreEntry.objects.get().window == window


def test_the_form_offers_todays_date_and_prefills_a_fixed_rules_points(admin, late):
    response = admin.get(reverse("appraisal_entry_add"), {"rule": late.pk})
    form = response.context["form"]
    assert form["occurred_on"].value() == TODAY
    assert 'value="2026-04-15"' in response.content.decode()
    assert form["points"].value() == Decimal("-1")


def test_the_rules_are_grouped_by_category(admin, late, rude):
    choices = dict(admin.get(reverse("appraisal_entry_add")).context["form"].fields["rule"].choices)
    assert [pk for pk, _label in choices[str(Rule.Category.ATTENDANCE.label)]] == [late.pk]
    assert [pk for pk, _label in choices[str(Rule.Category.LANGUAGE.label)]] == [rude.pk]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"points": "-9"}, "points"),  # the rule allows −5 … −2
        ({"occurred_on": "2026-04-16"}, "occurred_on"),  # tomorrow
        ({"evidence": ""}, "evidence"),  # the rule needs evidence
    ],
    ids=["points-out-of-range", "future-date", "missing-evidence"],
)
def test_a_bad_entry_is_refused_next_to_its_field_and_nothing_saved(
    admin, staff_member, rude, fields, field
):
    data = {
        "staff": staff_member.pk,
        "rule": rude.pk,
        "points": "-3",
        "occurred_on": "2026-04-14",
        "evidence": "群众反映态度生硬，监控可查",
        **fields,
    }
    response = form_post(admin, **data)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert not ScoreEntry.objects.exists()


def test_an_entry_without_a_subject_is_refused(admin, late):
    response = form_post(admin, rule=late.pk, points="-1", occurred_on="2026-04-14")
    assert response.status_code == 422
    assert response.context["form"].errors["staff"]
    assert not ScoreEntry.objects.exists()


def test_an_entry_for_both_a_staff_member_and_a_window_is_refused(
    admin, staff_member, window, late
):
    response = form_post(
        admin,
        staff=staff_member.pk,
        window=window.pk,
        rule=late.pk,
        points="-1",
        occurred_on="2026-04-14",
    )
    assert response.status_code == 422
    assert response.context["form"].errors["staff"]
    assert not ScoreEntry.objects.exists()


def test_a_staff_rule_is_refused_for_a_window(admin, window, late):
    response = form_post(admin, window=window.pk, rule=late.pk, points="-1", occurred_on=TODAY)
    assert response.status_code == 422
    assert response.context["form"].errors["rule"]
    assert not ScoreEntry.objects.exists()


def test_an_executable_renamed_to_jpg_is_refused(admin, staff_member, rude):
    exe = SimpleUploadedFile(
        "photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="image/jpeg"
    )
    response = admin.post(
        reverse("appraisal_entry_add"),
        {
            "staff": staff_member.pk,
            "rule": rude.pk,
            "points": "-3",
            "occurred_on": "2026-04-14",
            "evidence_file": exe,
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["evidence_file"]
    assert not ScoreEntry.objects.exists()


def test_a_text_file_named_pdf_is_refused(admin, staff_member, rude):
    fake = SimpleUploadedFile("report.pdf", b"hello, not a pdf", content_type="application/pdf")
    response = admin.post(
        reverse("appraisal_entry_add"),
        {
            "staff": staff_member.pk,
            "rule": rude.pk,
            "points": "-3",
            "occurred_on": "2026-04-14",
            "evidence_file": fake,
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["evidence_file"]


def test_a_file_over_five_megabytes_is_refused(admin, staff_member, rude):
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024))
    response = admin.post(
        reverse("appraisal_entry_add"),
        {
            "staff": staff_member.pk,
            "rule": rude.pk,
            "points": "-3",
            "occurred_on": "2026-04-14",
            "evidence_file": big,
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["evidence_file"]


def test_a_photo_is_kept_as_evidence_and_shown_to_the_staff_member(
    admin, staff, staff_member, rude, tmp_path
):
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    response = admin.post(
        reverse("appraisal_entry_add"),
        {
            "staff": staff_member.pk,
            "rule": rude.pk,
            "points": "-3",
            "occurred_on": "2026-04-14",
            "evidence_file": photo,
        },
    )
    assert response.status_code == 302
    entry = ScoreEntry.objects.get()
    assert (tmp_path / entry.evidence_file.name).read_bytes() == png_bytes()
    served = staff.get(reverse("appraisal_evidence", args=[entry.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == png_bytes()


def test_a_pdf_is_accepted_as_evidence(admin, staff_member, rude):
    pdf = SimpleUploadedFile("通报.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    admin.post(
        reverse("appraisal_entry_add"),
        {
            "staff": staff_member.pk,
            "rule": rude.pk,
            "points": "-3",
            "occurred_on": "2026-04-14",
            "evidence_file": pdf,
        },
    )
    assert ScoreEntry.objects.get().evidence_file.name.endswith(".pdf")


def test_an_entry_in_a_closed_month_is_refused_next_to_the_date(admin, staff_member, late):
    month_close(MARCH)
    response = form_post(
        admin, staff=staff_member.pk, rule=late.pk, points="-1", occurred_on="2026-03-20"
    )
    assert response.status_code == 422
    assert response.context["form"].errors["occurred_on"]
    assert not ScoreEntry.objects.exists()


# --- reversing an entry and the ledger ----------------------------------------------------


def test_reversing_an_entry_records_a_reversal_shown_on_the_ledger(
    admin, admin_user, staff_member, late
):
    entry = add(admin_user, late, staff=staff_member)
    response = admin.post(
        reverse("appraisal_entry_reverse", args=[entry.pk]), {"reason": "录入错误，当天请假"}
    )
    assert response.status_code == 302
    reversal = ScoreEntry.objects.get(reverses=entry)
    assert reversal.points == Decimal("1")
    assert reversal.reason == "录入错误，当天请假"
    page = admin.get(reverse("appraisal_ledger")).content.decode()
    rows = {row.split('"', 1)[0]: row for row in page.split('<tr id="entry-')[1:]}
    assert f"#{reversal.pk}" in rows[str(entry.pk)]  # the original points at its reversal
    assert f"#{entry.pk}" in rows[str(reversal.pk)]  # and the reversal at the original
    assert "录入错误，当天请假" in rows[str(reversal.pk)]
    assert "<form" not in rows[str(entry.pk)]  # no second reversal offered


def test_a_reversal_without_a_reason_is_refused_with_a_message(
    admin, admin_user, staff_member, late
):
    entry = add(admin_user, late, staff=staff_member)
    response = admin.post(
        reverse("appraisal_entry_reverse", args=[entry.pk]), {"reason": " "}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert ScoreEntry.objects.count() == 1


def test_an_entry_cannot_be_reversed_twice(admin, admin_user, staff_member, late):
    entry = add(admin_user, late, staff=staff_member)
    url = reverse("appraisal_entry_reverse", args=[entry.pk])
    admin.post(url, {"reason": "错误"})
    admin.post(url, {"reason": "又一次"})
    assert ScoreEntry.objects.count() == 2


def _page_queries(ctx) -> int:
    """Leaves out the session read, 0 or 1 query depending on the session engine."""
    return sum("django_session" not in q["sql"] for q in ctx.captured_queries)


def _ledger_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("appraisal_ledger"), params)
    assert response.status_code == 200
    return _page_queries(ctx)


def test_the_ledger_runs_the_same_queries_for_5_and_50_entries(
    admin, admin_user, staff_member, other_staff_member, late, praise, window, window_rule
):
    def grow(n):
        for i in range(n):
            kind = i % 3
            if kind == 0:
                add(
                    admin_user,
                    late,
                    staff=staff_member,
                    day=TODAY - datetime.timedelta(days=i % 10),
                )
            elif kind == 1:
                add(admin_user, praise, staff=other_staff_member, evidence="表扬信")
            else:
                add(admin_user, window_rule, window=window)

    grow(4)
    reversed_one = ScoreEntry.objects.filter(rule=late).first()
    admin.post(reverse("appraisal_entry_reverse", args=[reversed_one.pk]), {"reason": "错"})
    admin.get(reverse("appraisal_ledger"))  # shows and drops the message of the reversal
    few = _ledger_queries(admin)
    grow(45)
    many = _ledger_queries(admin)
    assert ScoreEntry.objects.count() == 50
    assert few == many
    # user with roles, count, rows, departments, windows (the hall profile is cached)
    assert many == 5


def test_the_ledger_filters_by_month_department_staff_and_source(
    admin, admin_user, staff_member, other_staff_member, late
):
    add(admin_user, late, staff=staff_member, day=datetime.date(2026, 3, 10))
    add(admin_user, late, staff=staff_member)
    add(admin_user, late, staff=other_staff_member)

    def shown(**params):
        return admin.get(reverse("appraisal_ledger"), params).context["page"].paginator.count

    assert shown() == 3
    assert shown(month="2026-03") == 1
    assert shown(department=staff_member.department_id) == 2
    assert shown(staff="张晓梅") == 2
    assert shown(staff="S0002") == 1
    assert shown(rule="s-01") == 3
    assert shown(source="complaint") == 0
    assert shown(window=other_staff_member.window_id) == 1


def test_the_ledger_exports_the_filtered_entries_to_excel(
    admin, admin_user, staff_member, other_staff_member, late
):
    add(admin_user, late, staff=staff_member, evidence="8:45 到岗")
    add(admin_user, late, staff=other_staff_member)
    response = admin.get(
        reverse("appraisal_ledger_export"), {"department": staff_member.department_id}
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2  # the header and one entry
    assert "S0001" in rows[1] and "张晓梅" in rows[1] and "8:45 到岗" in rows[1]
    assert -1 in rows[1]


# --- the month board ----------------------------------------------------------------------


def test_the_board_of_an_open_month_shows_live_totals(
    admin, admin_user, staff_member, other_staff_member, late, praise
):
    add(admin_user, late, staff=staff_member)
    add(admin_user, praise, staff=other_staff_member)
    response = admin.get(reverse("appraisal_month_board", args=[APRIL]))
    assert response.status_code == 200
    assert not AppraisalMonth.objects.filter(month=APRIL, status="closed").exists()
    rows = {r.staff.employee_no: r for r in response.context["page"].object_list}
    assert rows["S0001"].total == Decimal("99")
    assert rows["S0002"].total == Decimal("101")
    assert rows["S0002"].rank_hall == 1


def test_the_live_board_runs_a_fixed_number_of_queries(admin, admin_user, department, late):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert admin.get(reverse("appraisal_month_board", args=[APRIL])).status_code == 200
        return _page_queries(ctx)

    people = [StaffMemberFactory(window=WindowFactory(department=department)) for _ in range(3)]
    for p in people:
        add(admin_user, late, staff=p)
    queries()  # the first page of a test also loads the hall profile into the cache
    few = queries()
    people = [StaffMemberFactory(window=WindowFactory(department=department)) for _ in range(20)]
    for p in people:
        add(admin_user, late, staff=p)
    assert queries() == few


def test_closing_a_past_month_from_the_board_produces_monthly_results(
    admin, admin_user, staff_member, other_staff_member, window, late, praise
):
    add(admin_user, late, staff=staff_member, day=datetime.date(2026, 3, 9))
    add(admin_user, praise, staff=other_staff_member, day=datetime.date(2026, 3, 12))
    response = admin.post(reverse("appraisal_month_close", args=[MARCH]))
    assert response["Location"] == reverse("appraisal_month_board", args=[MARCH])
    month = AppraisalMonth.objects.get(month=MARCH)
    assert month.status == AppraisalMonth.Status.CLOSED
    totals = dict(
        MonthlyResult.objects.filter(month=month, staff__isnull=False).values_list(
            "staff__employee_no", "total"
        )
    )
    assert totals == {"S0001": Decimal("99"), "S0002": Decimal("101")}
    board = admin.get(reverse("appraisal_month_board", args=[MARCH]))
    assert [a.kind for a in board.context["awards"]].count(Award.Kind.SERVICE_STAR) == 1
    assert "群众书面表扬" not in board.content.decode()  # results, not entries
    assert "S0002" in board.content.decode()


def test_a_month_that_has_not_ended_cannot_be_closed(admin):
    response = admin.post(reverse("appraisal_month_close", args=[APRIL]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not AppraisalMonth.objects.filter(month=APRIL).exclude(status="open").exists()


def test_a_queue_that_is_down_is_said_plainly_and_the_month_stays_open(admin, monkeypatch):
    monkeypatch.setattr("appraisal.views.enqueue", lambda task, *args: False)
    response = admin.post(reverse("appraisal_month_close", args=[MARCH]), follow=True)
    [message] = response.context["messages"]
    assert message.level_tag == "warning"
    assert "month_close 2026-03" in str(message)
    month = AppraisalMonth.objects.get(month=MARCH)
    assert month.status == AppraisalMonth.Status.OPEN and month.close_requested_at


def test_beat_closes_a_month_whose_close_was_asked_while_the_queue_was_down(admin, monkeypatch):
    from appraisal.tasks import close_requested_months

    monkeypatch.setattr("appraisal.views.enqueue", lambda task, *args: False)
    admin.post(reverse("appraisal_month_close", args=[MARCH]))
    assert close_requested_months() == 1
    assert AppraisalMonth.objects.get(month=MARCH).status == AppraisalMonth.Status.CLOSED
    assert close_requested_months() == 0


def test_a_month_is_published_and_then_made_final(admin, admin_user, staff_member, praise, clock):
    add(admin_user, praise, staff=staff_member, day=datetime.date(2026, 3, 9))
    admin.post(reverse("appraisal_month_close", args=[MARCH]))
    admin.post(reverse("appraisal_month_publish", args=[MARCH]))
    month = AppraisalMonth.objects.get(month=MARCH)
    assert month.status == AppraisalMonth.Status.PUBLISHED
    assert sorted(month.awards.values_list("kind", "status")) == [
        (Award.Kind.CIVILISED_WINDOW, Award.Status.CONFIRMED),
        (Award.Kind.SERVICE_STAR, Award.Status.CONFIRMED),
    ]

    early = admin.post(reverse("appraisal_month_finalise", args=[MARCH]), follow=True)
    assert [m.level_tag for m in early.context["messages"]][-1] == "error"  # appeals run
    clock.move_to(datetime.datetime(2026, 4, 24, 10, 0, tzinfo=SHANGHAI))
    admin.post(reverse("appraisal_month_finalise", args=[MARCH]))
    assert AppraisalMonth.objects.get(month=MARCH).status == AppraisalMonth.Status.FINAL


def test_publishing_an_open_month_is_refused_with_a_message(admin):
    AppraisalMonth.objects.create(month=MARCH)
    response = admin.post(reverse("appraisal_month_publish", args=[MARCH]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert AppraisalMonth.objects.get(month=MARCH).status == AppraisalMonth.Status.OPEN


def test_the_month_list_offers_last_month_before_anyone_wrote_to_it(admin):
    months = admin.get(reverse("appraisal_month_list")).context["months"]
    assert [m.month for m in months] == [APRIL, MARCH]
    assert not AppraisalMonth.objects.exists()  # reading writes nothing


def test_the_banner_history_names_each_months_banner_window(
    admin, admin_user, window, other_window, staff_member, window_rule
):
    add(admin_user, window_rule, window=other_window, day=datetime.date(2026, 3, 3))
    month_close(MARCH)
    response = admin.get(reverse("appraisal_banner_history"))
    [(month, banners, _stars)] = response.context["rows"]
    assert month.month == MARCH
    assert [a.window for a in banners] == [window]
    assert "A01 企业登记" in response.content.decode()


# --- my scores (staff) --------------------------------------------------------------------


def test_staff_see_their_own_entries_and_live_total(
    staff, admin_user, staff_member, other_staff_member, late, praise
):
    add(admin_user, late, staff=staff_member, evidence="8:47 到岗")
    add(admin_user, praise, staff=staff_member)
    add(admin_user, late, staff=staff_member)
    add(admin_user, praise, staff=other_staff_member, evidence="别人的表扬")
    response = staff.get(reverse("appraisal_my_scores"))
    assert response.context["so_far"]["total"] == Decimal("99")
    assert len(response.context["entries"]) == 3
    page = response.content.decode()
    assert "8:47 到岗" in page
    assert "别人的表扬" not in page


def test_staff_get_a_404_for_another_persons_entry(
    staff, admin_user, staff_member, other_staff_member, late
):
    mine = add(admin_user, late, staff=staff_member)
    theirs = add(admin_user, late, staff=other_staff_member)
    assert staff.get(reverse("appraisal_my_entry", args=[mine.pk])).status_code == 200
    assert staff.get(reverse("appraisal_my_entry", args=[theirs.pk])).status_code == 404


def test_staff_see_only_published_months_results_with_a_trend_chart(
    staff, admin_user, staff_member, late
):
    add(admin_user, late, staff=staff_member, day=datetime.date(2026, 2, 9))
    add(admin_user, late, staff=staff_member, day=datetime.date(2026, 3, 9))
    month_publish(month_close(datetime.date(2026, 2, 1)))
    month_close(MARCH)  # closed, not published
    response = staff.get(reverse("appraisal_my_scores"))
    assert [r.month.month for r in response.context["results"]] == [datetime.date(2026, 2, 1)]
    chart = str(response.context["chart"])
    assert chart.startswith("<svg") and "<polyline" in chart and "2026-02: 99" in chart


def test_staff_see_the_entries_of_a_past_month(staff, admin_user, staff_member, late):
    add(admin_user, late, staff=staff_member, day=datetime.date(2026, 3, 9), evidence="三月迟到")
    response = staff.get(reverse("appraisal_my_scores"), {"month": "2026-03"})
    assert [e.evidence for e in response.context["entries"]] == ["三月迟到"]


def test_an_entry_without_an_author_shows_a_dash_on_my_scores(staff, staff_member, late):
    add(None, late, staff=staff_member, evidence="系统记录")  # e.g. written by a later import
    response = staff.get(reverse("appraisal_my_scores"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "系统记录" in page
    assert f"{TODAY:%Y-%m-%d} · —" in page


def test_my_scores_shows_a_reversal_and_marks_the_reversed_entry(
    staff, admin_user, staff_member, late
):
    entry = add(admin_user, late, staff=staff_member, evidence="<b>8:47</b> 到岗")
    score_entry_reverse(author=admin_user, entry=entry, reason="监控显示按时到岗")
    response = staff.get(reverse("appraisal_my_scores"))
    assert response.context["so_far"]["total"] == Decimal("100")
    page = response.content.decode()
    assert f"{tr('cancels entry #%(n)s', n=entry.pk)}: 监控显示按时到岗" in page
    assert f"{tr('reversed')}</span>" in page
    assert "&lt;b&gt;8:47&lt;/b&gt; 到岗" in page  # evidence is escaped, not markup
    assert reverse("appraisal_my_entry", args=[entry.pk]) in page


def test_my_scores_lists_past_months_with_rank_bonus_and_star(
    staff, admin_user, staff_member, praise
):
    add(admin_user, praise, staff=staff_member, day=datetime.date(2026, 3, 9))
    month_publish(month_close(MARCH))
    result = MonthlyResult.objects.get(month__month=MARCH, staff=staff_member)
    page = staff.get(reverse("appraisal_my_scores")).content.decode()
    assert result.total == Decimal("101") and result.is_star
    assert 'href="?month=2026-03"' in page
    assert f"{tr('no. %(rank)s', rank=result.rank_hall)} · {result.bonus:.0f} {tr('yuan')}" in page
    assert '<span class="badge text-bg-warning">★</span>' in page


# --- department results (liaison) ---------------------------------------------------------


def test_the_liaison_sees_only_their_departments_results(
    liaison, admin_user, staff_member, other_staff_member, late
):
    add(admin_user, late, staff=other_staff_member, day=datetime.date(2026, 3, 9))
    month_publish(month_close(MARCH))
    response = liaison.get(reverse("appraisal_department_results"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "张晓梅" in page and "A01" in page
    assert "刘建国" not in page and "B01" not in page


def test_the_liaison_sees_no_month_before_it_is_published(liaison, admin_user, staff_member, late):
    month_close(MARCH)
    response = liaison.get(reverse("appraisal_department_results"))
    assert response.context["m"] is None
    assert "张晓梅" not in response.content.decode()
