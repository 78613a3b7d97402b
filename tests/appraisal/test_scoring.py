"""The pure rules of ``appraisal.scoring``: bonus pay per point and by bands."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal import scoring

D = Decimal
BANDS = ((D("100"), D("500")), (D("90"), D("300")), (D("95"), D("400")))  # any order


def test_per_point_pays_the_base_at_100_and_moves_by_the_amount_per_point():
    assert scoring.bonus(D("100"), base=D("500"), per_point=D("20")) == D("500.00")
    assert scoring.bonus(D("102.5"), base=D("500"), per_point=D("20")) == D("550.00")
    assert scoring.bonus(D("97"), base=D("500"), per_point=D("20")) == D("440.00")


def test_per_point_never_pays_less_than_nothing():
    assert scoring.bonus(D("60"), base=D("500"), per_point=D("20")) == D("0.00")


@pytest.mark.parametrize(
    ("total", "amount"),
    [
        ("89.9", "0"),  # below the lowest band
        ("90", "300"),  # exactly on an edge: that band
        ("94.9", "300"),  # just under the next edge
        ("95", "400"),
        ("99.9", "400"),
        ("100", "500"),
        ("130", "500"),  # above the highest edge: the highest band
    ],
)
def test_bands_pay_the_highest_band_the_total_reaches(total, amount):
    assert scoring.bonus(D(total), bands=BANDS) == D(amount).quantize(D("0.01"))


def test_an_empty_band_table_pays_nothing():
    assert scoring.bonus(D("120"), bands=()) == D("0.00")


def test_a_bonus_table_without_bands_pays_per_point():
    table = scoring.BonusTable(base=D("500"), per_point=D("25"))
    assert table.amount(D("101")) == D("525.00")
    assert scoring.BonusTable(bands=BANDS).amount(D("96")) == D("400.00")


def test_fold_nets_cancels_a_reversal_and_keeps_the_subject():
    rows = [
        {"staff_id": 1, "net": D("0"), "rule__disqualifies": True},  # entry and its reversal
        {"staff_id": 2, "net": D("-5"), "rule__disqualifies": True},
        {"staff_id": 2, "net": D("2"), "rule__disqualifies": False},
        {"staff_id": None, "net": D("-2"), "rule__disqualifies": False},  # a window's line
    ]
    nets = scoring.fold_nets(rows, "staff_id")
    assert nets == {
        1: scoring.Net(D("0"), D("0"), False),
        2: scoring.Net(D("2"), D("5"), True),
    }


def test_rank_month_adds_the_average_net_of_a_windows_staff_when_the_policy_says_so():
    staff = [scoring.Subject(1, 10, "S01"), scoring.Subject(2, 10, "S02")]
    windows = [scoring.Subject(7, 10, "A01")]
    nets = {1: scoring.Net(D("2"), D("0")), 2: scoring.Net(D("0"), D("1"))}
    kwargs = {"staff": staff, "windows": windows, "staff_net": nets, "window_net": {}}
    _s, with_staff = scoring.rank_month(**kwargs, seated={7: {1, 2}}, window_includes_staff=True)
    _s, without = scoring.rank_month(**kwargs, seated={7: {1, 2}}, window_includes_staff=False)
    assert with_staff[0].tally.total == D("100.5")
    assert without[0].tally.total == D("100")


def test_satisfaction_breaks_a_tie_only_after_deductions_and_additions():
    more_additions = scoring.Tally(1, 1, "S3", additions=D("2"), deductions=D("2"))
    fewer_deductions = scoring.Tally(2, 1, "S4", satisfaction=D("10"))
    pleased = scoring.Tally(3, 1, "S5", additions=D("2"), deductions=D("2"), satisfaction=D("90"))
    ranked = scoring.rank([more_additions, fewer_deductions, pleased])
    assert [r.tally.sort_key for r in ranked] == ["S4", "S5", "S3"]


def test_a_subject_rated_zero_percent_ranks_before_an_unrated_one_on_a_tie():
    unrated = scoring.Tally(1, 1, "S1")
    all_bad = scoring.Tally(2, 1, "S2", satisfaction=D("0.0"))
    best = scoring.Tally(3, 1, "S3", satisfaction=D("100.0"))
    assert [r.tally.sort_key for r in scoring.rank([unrated, all_bad, best])] == ["S3", "S2", "S1"]


def test_rank_month_hands_each_subject_its_own_satisfaction_rate():
    staff = [scoring.Subject(1, 10, "S01"), scoring.Subject(2, 10, "S02")]
    windows = [scoring.Subject(7, 10, "A01"), scoring.Subject(8, 10, "A02")]
    ranked_staff, ranked_windows = scoring.rank_month(
        staff=staff,
        windows=windows,
        staff_net={},
        window_net={},
        seated={},
        window_includes_staff=False,
        staff_satisfaction={2: D("95.0")},
        window_satisfaction={8: D("80.0"), 1: D("99.0")},  # 1 is a staff id, not a window
    )
    assert [r.tally.sort_key for r in ranked_staff] == ["S02", "S01"]
    assert [r.tally.sort_key for r in ranked_windows] == ["A02", "A01"]
