"""The annual appraisal (年度考核): computing a year from its months, thresholds, the quota,
locking, and its pages for the hall office, staff and liaisons."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from appraisal import annual
from appraisal.models import (
    AnnualAppraisal,
    Appeal,
    AppraisalMonth,
    AppraisalYear,
    Award,
    MonthlyResult,
)
from appraisal.services import month_close, month_finalise, month_publish, score_entry_add
from hall.models import AuditEntry
from tests.factories import DepartmentFactory, StaffMemberFactory, WindowFactory
from tests.helpers import tr

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
Status = AppraisalMonth.Status
Grade = AnnualAppraisal.Grade
D = Decimal
LOCKED_MSG = "The annual appraisal of %(year)s is locked: nothing can change."


def t(msgid: str, **params) -> str:
    """A service's message as raised in the default language (not HTML-escaped)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(msgid)
    return text % params if params else text


def grade_label(grade: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(Grade(grade).label)


@pytest.fixture
def in_december():
    with time_machine.travel(datetime.datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI)) as t:
        yield t


@pytest.fixture
def next_january():
    with time_machine.travel(datetime.datetime(2027, 1, 20, 10, 0, tzinfo=SHANGHAI)) as t:
        yield t


def month(ym: str, status=Status.FINAL) -> AppraisalMonth:
    start = datetime.date.fromisoformat(f"{ym}-01")
    return AppraisalMonth.objects.update_or_create(month=start, defaults={"status": status})[0]


def result(m, staff, total, *, add="0", ded="0", dq=False, star=False, department=None):
    """A month's result written directly: the annual appraisal reads only results and awards."""
    MonthlyResult.objects.create(
        month=m,
        staff=staff,
        department=department or staff.department,
        total=D(str(total)),
        additions=D(add),
        deductions=D(ded),
        rank_hall=MonthlyResult.objects.filter(month=m).count() + 1,
        rank_department=1,
        disqualified=dq,
        is_star=star,
    )
    if star:
        Award.objects.create(month=m, kind=Award.Kind.SERVICE_STAR, staff=staff, reason="服务明星")


def rows(year=2026) -> dict[str, AnnualAppraisal]:
    return {
        r.staff.employee_no: r
        for r in AnnualAppraisal.objects.filter(year__year=year).select_related("staff")
    }


def snapshot_rows(year=2026):
    return sorted(
        AnnualAppraisal.objects.filter(year__year=year).values_list("pk", *annual.ROW_FIELDS)
    )


@pytest.fixture
def crowd(department):
    """Ten staff of the department (S0101…S0110)."""
    return [
        StaffMemberFactory(
            employee_no=f"S01{n:02d}",
            name=f"员工{n}",
            department=department,
            window=WindowFactory(department=department),
        )
        for n in range(1, 11)
    ]


@pytest.fixture
def year_2026(staff_member, other_staff_member):
    """Oct final, Nov published, Dec closed: S0001 strong, S0002 weaker."""
    oct_, nov, dec = (
        month("2026-10"),
        month("2026-11", Status.PUBLISHED),
        month("2026-12", Status.CLOSED),
    )
    result(oct_, staff_member, "102", add="3", ded="1", star=True)
    result(nov, staff_member, "101", add="1")
    result(dec, staff_member, "99", ded="1")
    result(oct_, other_staff_member, "97", ded="3", dq=True)
    result(nov, other_staff_member, "98.5", add="1", ded="2.5")
    return oct_, nov, dec


# --- computing -----------------------------------------------------------------------------


def test_compute_writes_a_row_per_staff_member_from_published_and_final_months(
    year_2026, staff_member, other_staff_member, admin_user
):
    annual.annual_compute(2026, author=admin_user)
    got = rows()
    assert set(got) == {"S0001", "S0002"}
    mine = got["S0001"]
    assert mine.months_counted == 2 and mine.months_provisional == 1  # Dec is only closed
    assert mine.average_total == D("101.50")
    assert (mine.additions, mine.deductions, mine.stars) == (D("4"), D("1"), 1)
    assert mine.rank_hall == 1 and mine.grade == Grade.EXCELLENT
    theirs = got["S0002"]
    assert theirs.average_total == D("97.75") and theirs.months_disqualified == 1
    assert theirs.grade == Grade.BASIC and "基本称职线 95" in theirs.reason
    y = AppraisalYear.objects.get(year=2026)
    assert y.status == AppraisalYear.Status.COMPUTED and y.computed_by == admin_user
    assert y.excellent_min == D("100") and y.excellent_share == D("15")  # the settings


def test_a_staff_member_without_a_counted_month_gets_no_row(year_2026, department):
    newcomer = StaffMemberFactory(employee_no="S0009", department=department)
    result(year_2026[2], newcomer, "100")  # only in the closed December
    annual.annual_compute(2026, author=None)
    assert "S0009" not in rows()


def test_the_department_is_the_one_of_the_latest_counted_month(year_2026, staff_member):
    moved_to = DepartmentFactory(name="税务局二", short_name="税二", code="SW2")
    result(month("2026-09"), staff_member, "100", department=moved_to)
    annual.annual_compute(2026, author=None)
    assert rows()["S0001"].department == staff_member.department  # Nov beats Sep


def test_the_thresholds_of_a_new_year_come_from_the_settings(settings, year_2026):
    settings.HALL_ANNUAL_EXCELLENT_MIN = "101.6"
    settings.HALL_ANNUAL_EXCELLENT_SHARE = "50"
    annual.annual_compute(2026, author=None)
    assert AppraisalYear.objects.get(year=2026).excellent_min == D("101.6")
    assert rows()["S0001"].grade == Grade.COMPETENT  # 101.50 < 101.6


def test_recomputing_gives_the_same_rows(year_2026, admin_user):
    annual.annual_compute(2026, author=admin_user)
    first = snapshot_rows()
    annual.annual_compute(2026, author=admin_user)
    assert snapshot_rows() == first
    assert annual.annual_rows_current(AppraisalYear.objects.get(year=2026))


def test_recomputing_follows_the_months_and_drops_who_is_no_longer_counted(
    year_2026, other_staff_member
):
    annual.annual_compute(2026, author=None)
    kept = rows()["S0001"].pk
    MonthlyResult.objects.filter(staff=other_staff_member).delete()
    AppraisalMonth.objects.filter(month=datetime.date(2026, 11, 1)).update(status=Status.FINAL)
    y = AppraisalYear.objects.get(year=2026)
    assert not annual.annual_rows_current(y)
    annual.annual_compute(2026, author=None)
    assert set(rows()) == {"S0001"}
    assert rows()["S0001"].pk == kept and rows()["S0001"].months_provisional == 0


def test_every_computation_is_audited_with_the_grade_counts(year_2026, admin_user):
    annual.annual_compute(2026, author=admin_user)
    entry = AuditEntry.objects.filter(object_repr__startswith="2026").latest("id")
    assert entry.actor == admin_user
    assert entry.changes["rows"] == ["0", "2"]
    assert "优秀 1" in entry.changes["grades"][1]


def test_the_quota_gives_one_excellent_among_ten_who_all_qualify(crowd):
    oct_ = month("2026-10")
    for n, person in enumerate(crowd):
        result(oct_, person, "101", add="1", ded=str(n % 3))
    annual.annual_compute(2026, author=None)
    grades = {no: r.grade for no, r in rows().items()}
    assert list(grades.values()).count(Grade.EXCELLENT) == 1
    assert grades["S0101"] == Grade.EXCELLENT  # fewest deductions, then the employee number
    assert list(grades.values()).count(Grade.COMPETENT) == 9
    assert "超出优秀名额" in rows()["S0104"].reason


def test_a_year_with_no_counted_month_computes_to_no_rows(db):
    month("2026-10", Status.CLOSED)
    y = annual.annual_compute(2026, author=None)
    assert y.status == AppraisalYear.Status.COMPUTED and y.rows.count() == 0


def test_the_annual_appraisal_follows_the_real_month_lifecycle(
    admin_user, staff_member, other_staff_member, late
):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 10, tzinfo=SHANGHAI)):
        score_entry_add(
            author=admin_user,
            rule=late,
            points=-1,
            occurred_on=datetime.date(2026, 3, 9),
            staff=other_staff_member,
        )
    with time_machine.travel(datetime.datetime(2026, 4, 2, 10, tzinfo=SHANGHAI)):
        m = month_publish(month_close(datetime.date(2026, 3, 1)))
    annual.annual_compute(2026, author=None)
    assert rows()["S0001"].months_provisional == 1
    with time_machine.travel(datetime.datetime(2026, 4, 20, 10, tzinfo=SHANGHAI)):
        month_finalise(m)
    annual.annual_compute(2026, author=None)
    got = rows()
    assert got["S0001"].months_provisional == 0 and got["S0001"].average_total == D("100.00")
    assert got["S0002"].average_total == D("99.00") and got["S0002"].deductions == D("1")
    assert got["S0001"].grade == Grade.EXCELLENT and got["S0002"].grade == Grade.COMPETENT


# --- thresholds ------------------------------------------------------------------------------


def thresholds(**kw):
    values = {
        "excellent_min": D("100"),
        "competent_min": D("98"),
        "basic_min": D("95"),
        "excellent_share": D("15"),
        "disqualified_bars_excellent": True,
    }
    values.update(kw)
    return values


def test_changing_the_thresholds_of_a_computed_year_recomputes_its_grades(year_2026, admin_user):
    annual.annual_compute(2026, author=admin_user)
    annual.annual_thresholds_set(
        2026, author=admin_user, **thresholds(excellent_min=D("102"), basic_min=D("90"))
    )
    got = rows()
    assert got["S0001"].grade == Grade.COMPETENT and got["S0002"].grade == Grade.BASIC
    change = AuditEntry.objects.filter(changes__has_key="excellent_min").get()
    assert change.changes["excellent_min"] == ["100.00", "102.00"]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"competent_min": D("101")}, "competent_min"),  # 称职 above 优秀
        ({"competent_min": D("100")}, "competent_min"),  # equal
        ({"basic_min": D("99")}, "basic_min"),  # 基本称职 above 称职
        ({"excellent_share": D("150")}, "excellent_share"),
        ({"excellent_share": D("-1")}, "excellent_share"),
        ({"excellent_min": D("250")}, "excellent_min"),
    ],
)
def test_bad_thresholds_are_refused_by_the_service_and_nothing_is_saved(db, bad, field):
    with pytest.raises(ValidationError) as exc:
        annual.annual_thresholds_set(2026, author=None, **thresholds(**bad))
    assert field in exc.value.message_dict
    assert not AppraisalYear.objects.exists()


def test_the_year_page_saves_thresholds(admin, year_2026):
    url = reverse("appraisal_annual", args=[2026])
    data = {"excellent_min": "101", "competent_min": "97", "basic_min": "90"}
    response = admin.post(url, {**data, "excellent_share": "20"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    y = AppraisalYear.objects.get(year=2026)
    assert (y.excellent_min, y.excellent_share, y.disqualified_bars_excellent) == (
        D("101"),
        D("20"),
        False,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"competent_min": "100.5"},
            "The minimum for Competent must be below the minimum for Excellent.",
        ),
        (
            {"basic_min": "98"},
            "The minimum for Basically competent must be below the minimum for Competent.",
        ),
        ({"excellent_share": "101"}, "The quota is a share between 0 and 100 %."),
        ({"excellent_min": ""}, "This field is required."),
    ],
)
def test_the_form_refuses_bad_thresholds_with_a_message(admin, db, data, message):
    fields = {"excellent_min": "100", "competent_min": "98", "basic_min": "95"}
    fields["excellent_share"] = "15"
    fields.update(data)
    response = admin.post(reverse("appraisal_annual", args=[2026]), fields)
    assert response.status_code == 422
    assert tr(message) in response.content.decode()
    assert not AppraisalYear.objects.exists()


# --- locking ---------------------------------------------------------------------------------


@pytest.fixture
def finished_2026(next_january, year_2026):
    AppraisalMonth.objects.filter(month__year=2026).update(status=Status.FINAL)
    annual.annual_compute(2026, author=None)


def test_a_finished_year_with_every_month_final_can_be_locked(finished_2026, admin_user):
    y = annual.annual_lock(2026, author=admin_user)
    y.refresh_from_db()
    assert y.status == AppraisalYear.Status.LOCKED and y.locked_by == admin_user
    assert AuditEntry.objects.filter(
        changes__status=[str(AppraisalYear.Status.COMPUTED.label), y.get_status_display()]
    ).exists()


def test_a_locked_year_refuses_to_be_recomputed_and_keeps_its_rows(finished_2026):
    annual.annual_lock(2026, author=None)
    before = snapshot_rows()
    MonthlyResult.objects.filter(total=D("102")).update(total=D("80"))
    with pytest.raises(ValidationError) as exc:
        annual.annual_compute(2026, author=None)
    assert exc.value.messages == [t(LOCKED_MSG, year=2026)]
    assert snapshot_rows() == before


def test_a_locked_year_refuses_threshold_changes(finished_2026):
    annual.annual_lock(2026, author=None)
    with pytest.raises(ValidationError) as exc:
        annual.annual_thresholds_set(2026, author=None, **thresholds(excellent_min=D("99")))
    assert exc.value.messages == [t(LOCKED_MSG, year=2026)]
    assert AppraisalYear.objects.get(year=2026).excellent_min == D("100")


def test_the_year_page_refuses_edits_of_a_locked_year_with_a_message(finished_2026, admin):
    annual.annual_lock(2026, author=None)
    before = snapshot_rows()
    url = reverse("appraisal_annual", args=[2026])
    response = admin.post(
        url,
        {"excellent_min": "90", "competent_min": "80", "basic_min": "70", "excellent_share": "50"},
        follow=True,
    )
    assert tr(LOCKED_MSG, year=2026) in response.content.decode()
    assert AppraisalYear.objects.get(year=2026).excellent_min == D("100")
    response = admin.post(reverse("appraisal_annual_compute", args=[2026]), follow=True)
    assert tr(LOCKED_MSG, year=2026) in response.content.decode()
    assert snapshot_rows() == before


def test_the_year_cannot_be_locked_before_it_ends(year_2026, in_december):
    AppraisalMonth.objects.update(status=Status.FINAL)
    annual.annual_compute(2026, author=None)
    with pytest.raises(ValidationError) as exc:
        annual.annual_lock(2026, author=None)
    assert t("The year %(year)s has not ended yet.", year=2026) in exc.value.messages
    assert AppraisalYear.objects.get(year=2026).status == AppraisalYear.Status.COMPUTED


def test_the_year_cannot_be_locked_while_a_month_is_not_final(year_2026, next_january):
    annual.annual_compute(2026, author=None)
    with pytest.raises(ValidationError) as exc:
        annual.annual_lock(2026, author=None)
    assert "2026-11" in exc.value.messages[0] and "2026-12" in exc.value.messages[0]
    assert "2026-10" not in exc.value.messages[0]


def test_a_missing_month_between_the_first_and_december_blocks_the_lock(finished_2026):
    AppraisalMonth.objects.filter(month=datetime.date(2026, 11, 1)).delete()
    annual.annual_compute(2026, author=None)
    with pytest.raises(ValidationError, match="2026-11"):
        annual.annual_lock(2026, author=None)


def test_a_pending_appeal_blocks_the_lock(finished_2026, admin_user, staff_member, late):
    from appraisal.models import ScoreEntry

    entry = ScoreEntry.objects.create(
        staff=staff_member,
        rule=late,
        points=-1,
        occurred_on=datetime.date(2026, 12, 3),
        month=AppraisalMonth.objects.get(month=datetime.date(2026, 12, 1)),
        author=admin_user,
    )
    Appeal.objects.create(entry=entry, staff=staff_member, reason="不是我")
    with pytest.raises(ValidationError) as exc:
        annual.annual_lock(2026, author=None)
    assert exc.value.messages == [t("Decide the pending appeals of the year first.")]


def test_a_year_whose_months_changed_since_the_computation_cannot_be_locked(finished_2026):
    MonthlyResult.objects.filter(total=D("102")).update(total=D("100"))
    with pytest.raises(ValidationError) as exc:
        annual.annual_lock(2026, author=None)
    assert exc.value.messages == [
        t(
            "The months changed since the last computation: recompute and check the "
            "table before locking."
        )
    ]
    annual.annual_compute(2026, author=None)
    annual.annual_lock(2026, author=None)


def test_a_year_never_computed_cannot_be_locked(next_january, db):
    with pytest.raises(ValidationError) as exc:
        annual.annual_lock(2026, author=None)
    assert exc.value.messages == [t("Compute the annual appraisal first.")]


def test_the_lock_button_needs_the_confirmation(finished_2026, admin):
    url = reverse("appraisal_annual_lock", args=[2026])
    response = admin.post(url, follow=True)
    assert tr("Tick the box to confirm the lock.") in response.content.decode()
    assert AppraisalYear.objects.get(year=2026).status == AppraisalYear.Status.COMPUTED
    response = admin.post(url, {"confirm": "yes"}, follow=True)
    assert (
        tr("The annual appraisal of %(year)s is locked: staff now see their grades.", year=2026)
        in response.content.decode()
    )
    assert AppraisalYear.objects.get(year=2026).status == AppraisalYear.Status.LOCKED


def test_the_lock_view_says_why_it_refuses(in_december, year_2026, admin):
    annual.annual_compute(2026, author=None)
    response = admin.post(
        reverse("appraisal_annual_lock", args=[2026]), {"confirm": "yes"}, follow=True
    )
    assert tr("The year %(year)s has not ended yet.", year=2026) in response.content.decode()
    assert AppraisalYear.objects.get(year=2026).status == AppraisalYear.Status.COMPUTED


# --- pages ---------------------------------------------------------------------------------


def test_the_year_page_shows_the_table_the_counts_and_the_quota_line(admin, year_2026):
    admin.post(reverse("appraisal_annual_compute", args=[2026]))
    response = admin.get(reverse("appraisal_annual", args=[2026]))
    html = response.content.decode()
    assert response.context["summary"]["counts"] == {
        "excellent": 1,
        "competent": 0,
        "basic": 1,
        "incompetent": 0,
    }
    assert response.context["summary"]["quota"] == 1
    assert "张晓梅" in html and "101.50" in html and "quota-line" in html
    assert html.index("张晓梅") < html.index("quota-line") < html.index("刘建国")
    assert f"2026-11 · {tr('provisional')}" in html and f"2026-12 · {tr('not counted')}" in html


def test_a_year_page_never_writes_when_read(admin, db):
    assert admin.get(reverse("appraisal_annual", args=[2026])).status_code == 200
    assert not AppraisalYear.objects.exists()


def test_an_impossible_year_is_a_404(admin):
    assert admin.get(reverse("appraisal_annual", args=[1900])).status_code == 404


def test_the_year_list_links_every_year_with_months(admin, year_2026):
    month("2025-12")
    response = admin.get(reverse("appraisal_annual_list"))
    html = response.content.decode()
    assert reverse("appraisal_annual", args=[2025]) in html
    assert reverse("appraisal_annual", args=[2026]) in html


def test_the_export_holds_every_row_with_its_grade(admin, year_2026):
    annual.annual_compute(2026, author=None)
    response = admin.get(reverse("appraisal_annual_export", args=[2026]))
    assert response.status_code == 200
    table = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(table) == 3
    first = table[1]
    assert first[0] == 1 and first[1] == "S0001" and first[2] == "张晓梅"
    assert 101.5 in first and grade_label("excellent") in first


def test_staff_see_their_figures_as_provisional_but_no_grade_before_the_lock(staff, year_2026):
    annual.annual_compute(2026, author=None)
    html = staff.get(reverse("appraisal_my_scores")).content.decode()
    assert 'id="annual-2026"' in html and "101.50" in html
    assert (
        tr("Provisional: your annual grade is given when the hall office locks the year.") in html
    )
    assert grade_label("excellent") not in html


def test_staff_see_their_grade_once_the_year_is_locked(finished_2026, staff, other_staff):
    annual.annual_lock(2026, author=None)
    html = staff.get(reverse("appraisal_my_scores")).content.decode()
    assert grade_label("excellent") in html and "在优秀名额内" in html
    theirs = other_staff.get(reverse("appraisal_my_scores")).content.decode()
    assert grade_label("basic") in theirs and grade_label("excellent") not in theirs


def test_the_liaison_sees_only_their_department_and_grades_only_when_locked(finished_2026, liaison):
    url = reverse("appraisal_department_annual")
    html = liaison.get(url).content.decode()
    assert "张晓梅" in html and "刘建国" not in html  # 刘建国 is in 税务局
    assert grade_label("excellent") not in html
    assert tr("Provisional: the hall office has not locked the year yet.") in html
    annual.annual_lock(2026, author=None)
    html = liaison.get(url).content.decode()
    assert grade_label("excellent") in html


def test_the_liaison_page_without_a_computed_year_says_so(liaison):
    html = liaison.get(reverse("appraisal_department_annual")).content.decode()
    assert tr("No annual appraisal has been computed yet.") in html


# --- the command and the demo ----------------------------------------------------------------


def test_the_command_computes_the_year(year_2026, capsys):
    call_command("annual_compute", "2026")
    assert "2026 computed: 2 staff graded" in capsys.readouterr().out
    assert AnnualAppraisal.objects.count() == 2


def test_the_command_refuses_a_locked_year(finished_2026):
    annual.annual_lock(2026, author=None)
    with pytest.raises(CommandError, match="2026"):
        call_command("annual_compute", "2026")


@pytest.mark.django_db
def test_the_demo_computes_the_year_without_locking_it_and_a_second_run_writes_nothing():
    call_command("seed_demo", verbosity=0)
    y = AppraisalYear.objects.get(year=datetime.date.today().year)
    assert y.status == AppraisalYear.Status.COMPUTED and y.rows.exists()
    first, audits = snapshot_rows(y.year), AuditEntry.objects.count()
    call_command("seed_demo", verbosity=0)
    assert snapshot_rows(y.year) == first and AuditEntry.objects.count() == audits
