"""Rule books by kind: which are in force, revisions, locks, and the edits of an unlocked book,
tested through ``appraisal.rulebooks`` and the ledger's one door."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from appraisal import rulebooks
from appraisal.models import BonusBand, MonthlyResult, Rule, RuleBook, ScoreEntry
from appraisal.services import month_close, score_entry_add
from hall.audit import audit_for
from hall.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked by their English words, whatever the catalogue says."""
    with translation.override("en"):
        yield


D25 = datetime.date(2025, 1, 1)
MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)


@pytest.fixture
def general(db):
    return RuleBook.objects.create(kind="general", title="考评规则", effective_from=D25)


@pytest.fixture
def staff_book(db):
    return RuleBook.objects.create(kind="staff", title="工作人员考核实施细则", effective_from=D25)


@pytest.fixture
def window_book(db):
    return RuleBook.objects.create(kind="window", title="窗口考核实施细则", effective_from=D25)


@pytest.fixture
def late(staff_book):
    return Rule.objects.create(
        book=staff_book,
        code="S-A01",
        title="迟到",
        category="attendance",
        applies_to="staff",
        min_points=-1,
        max_points=-1,
    )


@pytest.fixture
def praise(staff_book):
    return Rule.objects.create(
        book=staff_book,
        code="S-R02",
        title="群众表扬",
        category="rating",
        applies_to="staff",
        min_points=1,
        max_points=3,
    )


@pytest.fixture
def empty_seat(window_book):
    return Rule.objects.create(
        book=window_book,
        code="W-A01",
        title="空岗",
        category="attendance",
        applies_to="window",
        min_points=-2,
        max_points=-2,
    )


def add(rule, staff, points, day):
    return score_entry_add(
        author=None, rule=rule, points=Decimal(points), occurred_on=day, staff=staff
    )


def rule_data(**overrides) -> dict:
    data = {
        "code": "S-O09",
        "title": "工作时间吃零食",
        "category": "other",
        "applies_to": "staff",
        "min_points": Decimal("-1"),
        "max_points": Decimal("-1"),
        "monthly_cap": None,
        "evidence_required": False,
        "disqualifies": False,
    }
    return {**data, **overrides}


def revise(kind, day, **kw):
    return rulebooks.rule_book_revise(author=None, kind=kind, effective_from=day, **kw)


# --- in force ------------------------------------------------------------------------------


def test_a_revision_takes_over_its_kind_on_its_day_and_not_the_day_before(
    general, staff_book, window_book, late, empty_seat
):
    staff_2 = revise("staff", APRIL)
    before = rulebooks.rule_books_in_force(APRIL - datetime.timedelta(days=1))
    on = rulebooks.rule_books_in_force(APRIL)
    assert before == {"general": general, "staff": staff_book, "window": window_book}
    assert on == {"general": general, "staff": staff_2, "window": window_book}
    _books, rules = rulebooks.rules_in_force(APRIL)
    assert {(r.code, r.book_id) for r in rules} == {
        ("S-A01", staff_2.pk),
        ("W-A01", window_book.pk),
    }


def test_no_book_is_in_force_before_the_first_one(general):
    assert rulebooks.rule_books_in_force(D25 - datetime.timedelta(days=1)) == {}
    assert rulebooks.policy_in_force(D25 - datetime.timedelta(days=1)) is None


def test_the_policy_comes_from_the_general_book_not_a_newer_book_of_another_kind(
    general, staff_book, late, staff_member, clock
):
    RuleBook.objects.create(
        kind="staff", title="新细则", effective_from=datetime.date(2026, 2, 1), bonus_per_point=99
    )
    Rule.objects.filter(pk=late.pk).update(book=RuleBook.objects.get(title="新细则"))
    late.refresh_from_db()
    assert rulebooks.policy_in_force(MARCH) == general
    add(late, staff_member, "-1", datetime.date(2026, 3, 10))
    month_close(MARCH)
    result = MonthlyResult.objects.get(staff=staff_member)
    assert result.bonus == Decimal("480.00")  # the general book's 500 − 1 × 20


def test_the_month_close_pays_the_bonus_by_the_general_books_bands(
    general, late, staff_member, clock
):
    general.bonus_mode = RuleBook.BonusMode.BANDS
    general.save()
    BonusBand.objects.create(book=general, total_from=95, amount=400)
    BonusBand.objects.create(book=general, total_from=100, amount=500)
    add(late, staff_member, "-1", datetime.date(2026, 3, 10))
    month_close(MARCH)
    assert MonthlyResult.objects.get(staff=staff_member).bonus == Decimal("400.00")  # 99 ≥ 95


# --- revisions -----------------------------------------------------------------------------


def test_a_revision_copies_the_newest_book_of_its_kind_with_rules_and_bands(general, admin_user):
    general.bonus_mode = RuleBook.BonusMode.BANDS
    general.star_share = Decimal("20.0")
    general.save()
    BonusBand.objects.create(book=general, total_from=100, amount=500)
    Rule.objects.create(
        book=general,
        code="S-X",
        title="通用条款",
        category="other",
        applies_to="staff",
        min_points=1,
        max_points=2,
        monthly_cap=4,
        evidence_required=True,
    )
    book = rulebooks.rule_book_revise(
        author=admin_user, kind="general", effective_from=APRIL, notes="年中修订"
    )
    assert (book.kind, book.title, book.notes) == ("general", "考评规则", "年中修订")
    assert (book.bonus_mode, book.star_share) == ("bands", Decimal("20.0"))
    assert list(book.bonus_bands.values_list("total_from", "amount")) == [(100, 500)]
    copy = book.rules.get()
    assert (copy.code, copy.monthly_cap, copy.evidence_required) == ("S-X", 4, True)
    assert general.rules.count() == 1  # the old book keeps its own
    entry = audit_for(book)[0]
    assert entry.action == AuditEntry.Action.CREATE and entry.actor == admin_user


def test_the_first_book_of_a_kind_starts_empty(general):
    book = revise("window", APRIL)
    assert book.kind == "window" and not book.rules.exists()


def test_a_revision_cannot_take_effect_inside_a_closed_month(staff_book, late, clock):
    month_close(MARCH)
    with pytest.raises(ValidationError) as exc:
        revise("staff", datetime.date(2026, 3, 20))
    assert "2026-03" in exc.value.message_dict["effective_from"][0]
    assert RuleBook.objects.count() == 1
    assert revise("staff", APRIL).effective_from == APRIL


def test_a_revision_must_take_effect_after_the_newest_book_of_its_kind(staff_book):
    revise("staff", APRIL)
    with pytest.raises(ValidationError) as exc:
        revise("staff", datetime.date(2026, 3, 1))
    assert "effective_from" in exc.value.message_dict
    assert RuleBook.objects.filter(kind="staff").count() == 2


def test_a_revision_is_refused_where_entries_already_stand_under_the_current_book(
    staff_book, late, staff_member, clock
):
    add(late, staff_member, "-1", datetime.date(2026, 4, 10))
    with pytest.raises(ValidationError) as exc:
        revise("staff", datetime.date(2026, 4, 5))
    assert "S-A01" in exc.value.message_dict["effective_from"][0]
    assert revise("staff", datetime.date(2026, 4, 11)).effective_from.day == 11


def test_an_entry_under_a_rule_of_a_superseded_book_is_refused(
    staff_book, late, staff_member, clock
):
    staff_2 = revise("staff", APRIL)
    with pytest.raises(ValidationError) as exc:
        add(late, staff_member, "-1", datetime.date(2026, 4, 2))
    assert "rule" in exc.value.message_dict
    assert not ScoreEntry.objects.exists()
    assert add(staff_2.rules.get(), staff_member, "-1", datetime.date(2026, 4, 2))
    assert add(late, staff_member, "-1", datetime.date(2026, 3, 31))  # still its book's day


# --- locks ---------------------------------------------------------------------------------


@pytest.fixture
def locked(staff_book, late, praise, staff_member, clock):
    """The staff book scored March, now closed; ``praise`` has no entries."""
    add(late, staff_member, "-1", datetime.date(2026, 3, 10))
    month_close(MARCH)
    return staff_book


def _state():
    return (
        list(RuleBook.objects.values_list("title", "notes", "bonus_per_point")),
        list(Rule.objects.order_by("pk").values_list("code", "title", "min_points")),
        AuditEntry.objects.count(),
    )


LOCKED_EDITS = {
    "policy": lambda book, rule: rulebooks.rule_book_update(
        author=None, book=book, fields={"title": "改名"}
    ),
    "add": lambda book, rule: rulebooks.rule_add(author=None, book=book, data=rule_data()),
    "update": lambda book, rule: rulebooks.rule_update(
        author=None, rule=rule, data=rule_data(code=rule.code, min_points=1, max_points=5)
    ),
    "remove": lambda book, rule: rulebooks.rule_remove(author=None, rule=rule),
}


@pytest.mark.parametrize("edit", LOCKED_EDITS)
def test_a_locked_book_refuses_every_edit_and_saves_nothing(edit, locked, praise):
    before = _state()
    with pytest.raises(ValidationError) as exc:
        LOCKED_EDITS[edit](locked, praise)
    assert "locked" in exc.value.messages[0] and "2026-03" in exc.value.messages[0]
    assert _state() == before


def test_a_revision_after_the_closed_month_is_editable_while_the_old_book_stays_locked(locked):
    staff_2 = revise("staff", APRIL)
    assert rulebooks.book_is_locked(locked) and not rulebooks.book_is_locked(staff_2)
    rule = rulebooks.rule_add(author=None, book=staff_2, data=rule_data())
    assert rule.book == staff_2


def test_a_future_book_is_not_locked_by_a_closed_month_before_it(staff_book, locked):
    later = revise("staff", datetime.date(2026, 5, 1))
    assert not rulebooks.book_is_locked(later)


# --- rules of an unlocked book -------------------------------------------------------------


def test_a_rule_with_entries_cannot_be_removed(late, staff_member, clock):
    add(late, staff_member, "-1", datetime.date(2026, 4, 1))
    with pytest.raises(ValidationError) as exc:
        rulebooks.rule_remove(author=None, rule=late)
    assert "S-A01" in exc.value.messages[0]
    assert Rule.objects.filter(pk=late.pk).exists()


def test_a_rule_without_entries_is_removed_and_the_removal_audited(praise, staff_book):
    rulebooks.rule_remove(author=None, rule=praise)
    assert not Rule.objects.filter(pk=praise.pk).exists()
    changes = audit_for(staff_book)[0].changes
    assert list(changes) == ["S-R02"]
    before, after = changes["S-R02"]
    assert before.startswith("群众表扬 +1 ~ +3") and after == ""


def test_a_rule_with_entries_keeps_a_range_that_holds_them(praise, staff_member, clock):
    add(praise, staff_member, "3", datetime.date(2026, 4, 1))
    narrower = rule_data(code="S-R02", title="群众表扬", min_points=1, max_points=2)
    with pytest.raises(ValidationError) as exc:
        rulebooks.rule_update(author=None, rule=praise, data=narrower)
    assert "+3" in exc.value.message_dict["min_points"][0]
    praise.refresh_from_db()
    assert praise.max_points == 3
    wider = {**narrower, "max_points": Decimal("5")}
    assert rulebooks.rule_update(author=None, rule=praise, data=wider).max_points == 5


def test_a_reversal_does_not_count_as_an_entry_outside_the_range(praise, staff_member, clock):
    from appraisal.services import score_entry_reverse

    entry = add(praise, staff_member, "2", datetime.date(2026, 4, 1))
    score_entry_reverse(author=None, entry=entry, reason="重复登记")  # −2 under the same rule
    data = rule_data(code="S-R02", title="群众表扬", min_points=2, max_points=2)
    assert rulebooks.rule_update(author=None, rule=praise, data=data).min_points == 2


def test_a_rule_with_entries_keeps_whom_it_applies_to(general, staff_member, clock):
    rule = Rule.objects.create(
        book=general,
        code="X-01",
        title="通用",
        category="other",
        applies_to="staff",
        min_points=-1,
        max_points=-1,
    )
    add(rule, staff_member, "-1", datetime.date(2026, 4, 1))
    data = rule_data(code="X-01", applies_to="window")
    with pytest.raises(ValidationError) as exc:
        rulebooks.rule_update(author=None, rule=rule, data=data)
    assert "applies_to" in exc.value.message_dict


@pytest.mark.parametrize(
    ("kind", "subject"), [("window", "staff"), ("staff", "window")], ids=["window", "staff"]
)
def test_a_window_or_staff_book_holds_only_rules_of_its_subject(kind, subject, db):
    book = RuleBook.objects.create(kind=kind, title="细则", effective_from=D25)
    with pytest.raises(ValidationError) as exc:
        rulebooks.rule_add(author=None, book=book, data=rule_data(applies_to=subject))
    assert "applies_to" in exc.value.message_dict
    assert not Rule.objects.exists()


def test_a_general_book_may_hold_rules_of_either_subject(general):
    rulebooks.rule_add(author=None, book=general, data=rule_data(code="A", applies_to="staff"))
    rulebooks.rule_add(author=None, book=general, data=rule_data(code="B", applies_to="window"))
    assert general.rules.count() == 2


def test_a_code_already_in_force_from_another_book_is_refused(general, late, staff_book):
    with pytest.raises(ValidationError) as exc:
        rulebooks.rule_add(author=None, book=general, data=rule_data(code="S-A01"))
    assert "code" in exc.value.message_dict


def test_a_rule_must_add_or_deduct_not_both(staff_book):
    with pytest.raises(ValidationError) as exc:
        rulebooks.rule_add(
            author=None, book=staff_book, data=rule_data(min_points=-1, max_points=2)
        )
    assert "max_points" in exc.value.message_dict


def test_a_rule_change_is_audited_on_its_book_under_the_rule_code(late, staff_book, admin_user):
    data = rule_data(
        code="S-A01", title="迟到", category="attendance", min_points=-2, max_points=-2
    )
    rulebooks.rule_update(author=admin_user, rule=late, data=data)
    entry = audit_for(staff_book)[0]
    assert entry.actor == admin_user
    # Two fields changed, each labelled with the rule's code: points from and points to.
    assert len(entry.changes) == 2 and all(k.startswith("S-A01 · ") for k in entry.changes)
    assert list(entry.changes.values()) == [["-1.0", "-2.0"], ["-1.0", "-2.0"]]


# --- the policy ----------------------------------------------------------------------------


def test_the_policy_and_bands_are_saved_and_audited(general):
    bands = [(Decimal("100"), Decimal("500")), (Decimal("95"), Decimal("400"))]
    rulebooks.rule_book_update(
        author=None, book=general, fields={"bonus_mode": "bands", "banner_count": 2}, bands=bands
    )
    general.refresh_from_db()
    assert (general.bonus_mode, general.banner_count) == ("bands", 2)
    assert list(general.bonus_bands.values_list("total_from", "amount")) == [
        (95, 400),
        (100, 500),
    ]
    changes = audit_for(general)[0].changes
    assert changes["bonus bands"] == ["", "≥95 → 400, ≥100 → 500"]
    assert changes["banner_count"] == ["1", "2"]


@pytest.mark.parametrize(
    "bands",
    [[], [(Decimal("95"), Decimal("500")), (Decimal("100"), Decimal("400"))]],
    ids=["no band", "higher band pays less"],
)
def test_a_bad_bonus_table_is_refused(general, bands):
    with pytest.raises(ValidationError) as exc:
        rulebooks.rule_book_update(
            author=None, book=general, fields={"bonus_mode": "bands"}, bands=bands
        )
    assert "bands" in exc.value.message_dict
    general.refresh_from_db()
    assert general.bonus_mode == "per_point" and not BonusBand.objects.exists()


def test_a_window_book_has_no_policy_to_set(window_book):
    with pytest.raises(ValidationError):
        rulebooks.rule_book_update(author=None, book=window_book, fields={"banner_count": 3})
    window_book.refresh_from_db()
    assert window_book.banner_count == 1
