"""The pure rules of the annual appraisal: thresholds, the 优秀 quota and its tie-breaks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal import scoring
from appraisal.models import AnnualAppraisal
from appraisal.scoring import (
    BASIC,
    COMPETENT,
    EXCELLENT,
    INCOMPETENT,
    Thresholds,
    YearFigures,
    annual_grade,
    excellent_quota,
)

D = Decimal
T = Thresholds(excellent=D("100"), competent=D("98"), basic=D("95"), excellent_share=D("15"))


def fig(n: int, avg: str, **kw) -> YearFigures:
    return YearFigures(
        staff_id=n, sort_key=f"S{n:04d}", months=kw.pop("months", 5), average=D(avg), **kw
    )


def grades(figures, t=T) -> dict[int, str]:
    return {g.figures.staff_id: g.grade for g in annual_grade(figures, t)}


def test_the_grade_values_are_the_models_choices():
    assert {EXCELLENT, COMPETENT, BASIC, INCOMPETENT} == set(AnnualAppraisal.Grade.values)
    assert set(scoring.GRADE_NAMES) == set(AnnualAppraisal.Grade.values)


@pytest.mark.parametrize(
    ("avg", "grade"),
    [
        ("100.00", EXCELLENT),
        ("99.99", COMPETENT),
        ("98.00", COMPETENT),
        ("97.99", BASIC),
        ("95.00", BASIC),
        ("94.99", INCOMPETENT),
        ("0", INCOMPETENT),
    ],
)
def test_each_threshold_is_inclusive_and_a_hundredth_below_falls_to_the_next_grade(avg, grade):
    assert scoring.threshold_grade(D(avg), T) == grade
    # one person alone: the quota lets the one 优秀 candidate through
    [graded] = annual_grade([fig(1, avg)], T)
    assert graded.proposed == grade and graded.grade == grade


def test_the_average_is_rounded_half_up_to_two_decimals():
    assert scoring.average([D("100.0"), D("99.9"), D("99.9")]) == D("99.93")
    assert scoring.average([D("99.9"), D("100.0")]) == D("99.95")
    assert scoring.average(
        [D("100.1"), D("99.9"), D("99.9"), D("100.1"), D("100.0"), D("99.9")]
    ) == D("99.98")
    assert scoring.average([D("99.995")]) == D("100.00")  # what is shown is what is judged
    assert scoring.average([]) == D("0.00")


@pytest.mark.parametrize(
    ("staff", "quota"),
    [(1, 1), (6, 1), (7, 1), (10, 1), (13, 1), (14, 2), (20, 3), (100, 15), (119, 17)],
)
def test_the_quota_is_15_percent_rounded_down_and_at_least_one(staff, quota):
    assert excellent_quota(staff, D("15"), candidates=staff) == quota


@pytest.mark.parametrize("staff", [1, 7, 10, 20])
def test_the_quota_holds_when_everyone_qualifies(staff):
    result = grades([fig(n, "101") for n in range(1, staff + 1)])
    expected = {1: 1, 7: 1, 10: 1, 20: 3}[staff]
    assert sum(g == EXCELLENT for g in result.values()) == expected
    assert sum(g == COMPETENT for g in result.values()) == staff - expected


def test_the_quota_never_exceeds_the_candidates():
    assert excellent_quota(20, D("15"), candidates=2) == 2
    result = grades([fig(1, "101"), fig(2, "100.5")] + [fig(n, "99") for n in range(3, 21)])
    assert [k for k, g in result.items() if g == EXCELLENT] == [1, 2]


def test_nobody_qualifying_gives_no_excellent_and_a_zero_quota():
    result = grades([fig(n, "99") for n in range(1, 11)])
    assert set(result.values()) == {COMPETENT}
    assert excellent_quota(10, D("15"), candidates=0) == 0
    assert annual_grade([], T) == []


def test_a_zero_share_gives_no_excellent_at_all():
    t = Thresholds(D("100"), D("98"), D("95"), excellent_share=D("0"))
    result = annual_grade([fig(1, "105")], t)
    assert result[0].proposed == EXCELLENT and result[0].grade == COMPETENT
    assert "名额 0 名" in result[0].reason


def test_a_full_share_lets_every_candidate_through():
    t = Thresholds(D("100"), D("98"), D("95"), excellent_share=D("100"))
    assert set(grades([fig(n, "101") for n in range(1, 8)], t).values()) == {EXCELLENT}


def test_ties_at_the_quota_line_go_to_fewer_deductions():
    # 7 staff → 1 place; two tie on the average
    people = [fig(1, "101", deductions=D("2")), fig(2, "101", deductions=D("1"))]
    people += [fig(n, "99") for n in range(3, 8)]
    assert grades(people)[2] == EXCELLENT and grades(people)[1] == COMPETENT


def test_then_more_additions():
    people = [
        fig(1, "101", deductions=D("1"), additions=D("2")),
        fig(2, "101", deductions=D("1"), additions=D("3")),
    ]
    assert grades(people + [fig(n, "99") for n in range(3, 8)])[2] == EXCELLENT


def test_then_more_service_stars():
    people = [fig(1, "101", stars=1), fig(2, "101", stars=2)]
    assert grades(people + [fig(n, "99") for n in range(3, 8)])[2] == EXCELLENT


def test_then_the_lower_employee_number():
    people = [fig(2, "101"), fig(1, "101")]
    result = annual_grade(people + [fig(n, "99") for n in range(3, 8)], T)
    assert result[0].figures.staff_id == 1 and result[0].grade == EXCELLENT
    assert result[1].figures.staff_id == 2 and result[1].grade == COMPETENT
    assert "超出优秀名额" in result[1].reason and "候选第 2 名" in result[1].reason


def test_a_higher_average_beats_every_other_tie_break():
    people = [
        fig(1, "100.01", deductions=D("9"), stars=0),
        fig(2, "100.00", additions=D("9"), stars=5),
    ]
    assert grades(people + [fig(n, "90") for n in range(3, 8)])[1] == EXCELLENT


def test_ranks_are_distinct_and_follow_the_order():
    people = [fig(n, "100") for n in range(1, 6)] + [fig(9, "102"), fig(8, "90")]
    result = annual_grade(people, T)
    assert [g.rank for g in result] == list(range(1, 8))
    assert [g.figures.staff_id for g in result] == [9, 1, 2, 3, 4, 5, 8]


def test_a_disqualified_month_bars_excellent_and_the_place_goes_to_the_next():
    people = [fig(1, "103", months_disqualified=1), fig(2, "101")]
    result = {
        g.figures.staff_id: g for g in annual_grade(people + [fig(n, "99") for n in range(3, 8)], T)
    }
    assert result[1].proposed == EXCELLENT and result[1].grade == COMPETENT
    assert "取消评优资格" in result[1].reason
    assert result[2].grade == EXCELLENT
    assert result[1].rank == 1  # the rank still follows the average


def test_a_disqualified_month_does_not_bar_when_the_year_says_so():
    t = Thresholds(D("100"), D("98"), D("95"), D("15"), disqualified_bars_excellent=False)
    people = [fig(1, "103", months_disqualified=2), fig(2, "101")]
    assert grades(people + [fig(n, "99") for n in range(3, 8)], t)[1] == EXCELLENT


def test_every_grade_says_why():
    result = {
        g.figures.staff_id: g.reason
        for g in annual_grade(
            [fig(1, "101"), fig(2, "99"), fig(3, "96", months=3), fig(4, "94.5")], T
        )
    }
    assert result[1] == "平均 101 分（5 个月） ≥ 优秀线 100，在优秀名额内（第 1 / 1 名）→ 优秀"
    assert result[2] == "平均 99 分（5 个月） ≥ 称职线 98，低于优秀线 100 → 称职"
    assert result[3] == "平均 96 分（3 个月） ≥ 基本称职线 95，低于称职线 98 → 基本称职"
    assert result[4] == "平均 94.5 分（5 个月） 低于基本称职线 95 → 不称职"
