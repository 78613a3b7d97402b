"""The ledger's one door, the month close and its rules, tested through the services."""

from __future__ import annotations

import datetime
import threading
import time
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from appraisal import scoring
from appraisal.models import AppraisalMonth, Award, MonthlyResult, Rule, RuleBook, ScoreEntry
from appraisal.selectors import month_live_results
from appraisal.services import (
    month_close,
    month_finalise,
    month_publish,
    score_entry_add,
    score_entry_reverse,
)
from complaints.models import Level
from tests.factories import StaffMemberFactory, WindowFactory
from tests.helpers import ratings_made

OCT = datetime.date(2026, 10, 1)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def book(db):
    return RuleBook.objects.create(title="考评规则", effective_from=datetime.date(2025, 1, 1))


@pytest.fixture
def late(book):
    return Rule.objects.create(
        book=book,
        code="S-01",
        title="迟到",
        category="attendance",
        applies_to="staff",
        min_points=-1,
        max_points=-1,
    )


@pytest.fixture
def absent(book):
    return Rule.objects.create(
        book=book,
        code="S-03",
        title="旷工",
        category="attendance",
        applies_to="staff",
        min_points=-5,
        max_points=-5,
        disqualifies=True,
    )


@pytest.fixture
def praise(book):
    return Rule.objects.create(
        book=book,
        code="S-20",
        title="群众表扬",
        category="rating",
        applies_to="staff",
        min_points=1,
        max_points=2,
        monthly_cap=3,
    )


@pytest.fixture
def commendation(book):
    return Rule.objects.create(
        book=book,
        code="S-30",
        title="锦旗",
        category="commendation",
        applies_to="staff",
        min_points=2,
        max_points=5,
        evidence_required=True,
    )


@pytest.fixture
def empty_seat(book):
    return Rule.objects.create(
        book=book,
        code="W-01",
        title="空岗",
        category="attendance",
        applies_to="window",
        min_points=-2,
        max_points=-2,
    )


def add(rule, subject, points, day=datetime.date(2026, 10, 9), **kw):
    key = "window" if rule.applies_to == "window" else "staff"
    return score_entry_add(
        author=None, rule=rule, points=Decimal(points), occurred_on=day, **{key: subject}, **kw
    )


def errors_of(exc: ValidationError) -> dict:
    return exc.message_dict


def test_an_entry_lands_in_the_month_of_its_date(late, staff_member):
    entry = add(late, staff_member, "-1")
    assert entry.month.month == OCT
    assert ScoreEntry.objects.count() == 1


def test_points_outside_the_rules_range_are_refused(praise, staff_member):
    with pytest.raises(ValidationError) as exc:
        add(praise, staff_member, "3")
    assert "points" in errors_of(exc.value)
    assert not ScoreEntry.objects.exists()


def test_a_future_date_is_refused(late, staff_member):
    with pytest.raises(ValidationError) as exc:
        add(late, staff_member, "-1", day=datetime.date.today() + datetime.timedelta(days=1))
    assert "occurred_on" in errors_of(exc.value)


def test_both_or_neither_subject_is_refused(late, staff_member, window):
    with pytest.raises(ValidationError):
        score_entry_add(
            author=None,
            rule=late,
            points=Decimal(-1),
            occurred_on=datetime.date(2026, 10, 9),
            staff=staff_member,
            window=window,
        )
    with pytest.raises(ValidationError):
        score_entry_add(
            author=None, rule=late, points=Decimal(-1), occurred_on=datetime.date(2026, 10, 9)
        )
    assert not ScoreEntry.objects.exists()


def test_a_window_rule_is_refused_for_a_person(empty_seat, staff_member):
    with pytest.raises(ValidationError) as exc:
        score_entry_add(
            author=None,
            rule=empty_seat,
            points=Decimal(-2),
            occurred_on=datetime.date(2026, 10, 9),
            staff=staff_member,
        )
    assert "rule" in errors_of(exc.value)


def test_missing_required_evidence_is_refused(commendation, staff_member):
    with pytest.raises(ValidationError) as exc:
        add(commendation, staff_member, "3")
    assert "evidence" in errors_of(exc.value)
    assert add(commendation, staff_member, "3", evidence="市民送锦旗一面").points == 3


def test_the_monthly_cap_stops_a_third_praise(praise, staff_member):
    add(praise, staff_member, "2")
    with pytest.raises(ValidationError) as exc:
        add(praise, staff_member, "2")
    assert "points" in errors_of(exc.value)
    assert add(praise, staff_member, "1").points == 1


def test_a_rule_of_a_later_book_is_refused_for_an_earlier_date(late, staff_member):
    newer = RuleBook.objects.create(title="修订", effective_from=datetime.date(2026, 7, 1))
    late_v2 = Rule.objects.create(
        book=newer,
        code="S-01",
        title="迟到",
        category="attendance",
        applies_to="staff",
        min_points=-2,
        max_points=-2,
    )
    with pytest.raises(ValidationError):
        add(late_v2, staff_member, "-2", day=datetime.date(2026, 6, 10))
    with pytest.raises(ValidationError):
        add(late, staff_member, "-1", day=datetime.date(2026, 7, 10))
    assert add(late_v2, staff_member, "-2", day=datetime.date(2026, 7, 10)).rule == late_v2


def test_a_reversal_cancels_the_entry_and_cannot_be_repeated(late, staff_member):
    entry = add(late, staff_member, "-1")
    reversal = score_entry_reverse(author=None, entry=entry, reason="考勤机故障")
    assert reversal.points == 1 and reversal.reverses == entry
    with pytest.raises(ValidationError):
        score_entry_reverse(author=None, entry=entry, reason="again")
    with pytest.raises(ValidationError):
        score_entry_reverse(author=None, entry=reversal, reason="undo the undo")


def test_closing_computes_totals_ranks_bonus_and_awards(
    late, absent, praise, staff_member, window, empty_seat
):
    best = StaffMemberFactory(employee_no="S0100", window=window)
    worst = StaffMemberFactory(employee_no="S0101", window=window)
    add(praise, best, "2")
    add(late, staff_member, "-1")
    add(absent, worst, "-5")
    add(empty_seat, window, "-2")
    month = month_close(OCT)
    assert month.status == AppraisalMonth.Status.CLOSED
    results = {r.staff_id: r for r in MonthlyResult.objects.filter(staff__isnull=False)}
    assert results[best.pk].total == Decimal("102") and results[best.pk].rank_hall == 1
    assert results[staff_member.pk].total == Decimal("99")
    assert results[worst.pk].total == Decimal("95") and results[worst.pk].disqualified
    assert results[best.pk].bonus == Decimal("540.00")  # 500 + 2 × 20
    win = MonthlyResult.objects.get(window=window)
    # 100 − 2 (empty seat) + the average net of its three staff: (2 − 1 − 5) / 3 = −1.3
    assert win.staff_share == Decimal("-1.3") and win.total == Decimal("96.7")
    stars = Award.objects.filter(kind="service_star")
    assert [a.staff_id for a in stars] == [best.pk]


def test_closing_twice_gives_exactly_the_same_rows(late, staff_member):
    add(late, staff_member, "-1")
    month_close(OCT)
    first = list(
        MonthlyResult.objects.values_list(
            "staff_id", "window_id", "total", "rank_hall", "rank_department", "bonus"
        )
    )
    month_close(OCT)
    again = list(
        MonthlyResult.objects.values_list(
            "staff_id", "window_id", "total", "rank_hall", "rank_department", "bonus"
        )
    )
    assert first == again and len(first) == 2


@pytest.mark.parametrize("subject", ["staff", "window"])
def test_the_database_refuses_a_second_result_for_a_subject_and_month(late, staff_member, subject):
    """Results of a month are one per staff member and one per window; the window's
    uniqueness is a partial index (windows only), the staff member's a full one."""
    month_close(OCT)
    twin = MonthlyResult.objects.get(**{f"{subject}__isnull": False})
    subject_id = getattr(twin, f"{subject}_id")
    twin.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    # The same subject in another month is another result.
    twin.month = AppraisalMonth.objects.create(month=datetime.date(2026, 9, 1))
    twin.save()
    assert MonthlyResult.objects.filter(**{f"{subject}_id": subject_id}).count() == 2


def test_a_closed_month_refuses_new_entries(late, staff_member):
    month_close(OCT)
    with pytest.raises(ValidationError) as exc:
        add(late, staff_member, "-1")
    assert "occurred_on" in errors_of(exc.value)


def test_a_month_that_has_not_ended_cannot_close(db):
    with pytest.raises(ValidationError):
        month_close(datetime.date.today().replace(day=1))


def test_publish_then_final_after_the_appeal_period(late, staff_member):
    add(late, staff_member, "-1")
    month = month_publish(month_close(OCT))
    assert month.status == AppraisalMonth.Status.PUBLISHED and month.appeal_until
    with pytest.raises(ValidationError):
        month_finalise(month)
    with time_machine.travel(month.appeal_until + datetime.timedelta(days=1)):
        assert month_finalise(month).status == AppraisalMonth.Status.FINAL


def test_an_appeal_reversal_in_a_published_month_is_counted_when_final(late, staff_member):
    entry = add(late, staff_member, "-1")
    month = month_publish(month_close(OCT))
    with pytest.raises(ValidationError):
        score_entry_reverse(author=None, entry=entry, reason="manual")
    score_entry_reverse(author=None, entry=entry, reason="申诉成立", source="appeal")
    with time_machine.travel(month.appeal_until + datetime.timedelta(days=1)):
        month_finalise(month)
    assert MonthlyResult.objects.get(staff=staff_member).total == Decimal("100")


def test_ties_break_on_fewer_deductions_then_more_additions_then_number():
    a = scoring.Tally(1, 1, "S2", additions=Decimal(3), deductions=Decimal(3))
    b = scoring.Tally(2, 1, "S1")
    c = scoring.Tally(3, 2, "S0")
    ranked = scoring.rank([a, b, c])
    assert [r.tally.sort_key for r in ranked] == ["S0", "S1", "S2"]
    assert [r.rank_department for r in ranked] == [1, 1, 2]


def rate(window, level, n=1, *, staff=None, day=datetime.date(2026, 10, 9)):
    at = datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)
    ratings_made(window, level, n, at=at, staff=staff)


@pytest.fixture
def tied(window):
    """Three staff and two windows without entries (all at 100), rated differently in
    October: S0300 half satisfied, S0301 all satisfied, S0302 not rated by name; window A01
    only through its staff's ratings, window A02 all satisfied without naming anyone."""
    half, full, unrated = (
        StaffMemberFactory(employee_no=no, window=window) for no in ("S0300", "S0301", "S0302")
    )
    rate(window, Level.SATISFIED, staff=half)
    rate(window, Level.DISSATISFIED, staff=half)
    rate(window, Level.VERY_SATISFIED, 3, staff=full)
    rate(window, Level.VERY_DISSATISFIED, 2)  # the window's, nobody named
    rate(WindowFactory(number="A02", department=window.department), Level.SATISFIED, 2)
    rate(window, Level.VERY_SATISFIED, 5, staff=unrated, day=datetime.date(2026, 9, 30))
    return half, full, unrated


def test_the_close_breaks_a_tie_on_satisfaction_rated_subjects_first(tied):
    month_close(OCT)
    staff = MonthlyResult.objects.filter(staff__isnull=False).order_by("rank_hall")
    assert [r.staff.employee_no for r in staff] == ["S0301", "S0300", "S0302"]
    windows = MonthlyResult.objects.filter(window__isnull=False).order_by("rank_hall")
    # A01: 4 of 7 ratings satisfied (57.1 %); A02: 100 %.
    assert [r.window.number for r in windows] == ["A02", "A01"]


def test_the_live_board_breaks_the_same_tie_on_satisfaction(tied):
    staff, windows = month_live_results(OCT)
    assert [r.staff.employee_no for r in staff] == ["S0301", "S0300", "S0302"]
    assert [r.window.number for r in windows] == ["A02", "A01"]


def test_satisfaction_comes_after_fewer_deductions_in_the_close(tied, late, praise):
    _half, full, _unrated = tied
    add(praise, full, "1")
    add(late, full, "-1")  # still 100, but with a deduction: after both who have none
    month_close(OCT)
    staff = MonthlyResult.objects.filter(staff__isnull=False).order_by("rank_hall")
    assert [r.staff.employee_no for r in staff] == ["S0300", "S0302", "S0301"]


def test_star_count_is_a_share_with_a_minimum():
    assert scoring.star_count(120, share=Decimal(10), minimum=1) == 12
    assert scoring.star_count(5, share=Decimal(10), minimum=1) == 1
    assert scoring.star_count(0, share=Decimal(10), minimum=1) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_entries_racing_the_close_are_counted_or_refused_never_lost(late, book):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    people = [StaffMemberFactory(employee_no=f"R{i:03d}") for i in range(40)]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def adder():
        barrier.wait()
        for person in people:
            try:
                add(late, person, "-1")
                outcomes.append("added")
            except ValidationError:
                outcomes.append("refused")
        connection.close()

    def closer():
        barrier.wait()
        while len(outcomes) < 10:  # close in the middle of the stream of entries
            time.sleep(0.001)
        month_close(OCT)
        connection.close()

    threads = [threading.Thread(target=adder), threading.Thread(target=closer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    added = outcomes.count("added")
    assert added + outcomes.count("refused") == len(people)
    assert added >= 10 and outcomes.count("refused") >= 1
    assert ScoreEntry.objects.count() == added
    counted = sum(100 - r.total for r in MonthlyResult.objects.filter(staff__isnull=False))
    assert counted == added  # every stored entry is in a total, none left out
