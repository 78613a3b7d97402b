"""The hall office's rule-book pages: the list by kind, a book, a revision, edits, locks."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import BonusBand, Rule, RuleBook
from appraisal.services import month_close, score_entry_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(admin, settings):
    """The pages in English: their words are checked whatever the catalogue says."""
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return admin


D25 = datetime.date(2025, 1, 1)
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def books(db):
    return {
        kind: RuleBook.objects.create(kind=kind, title=f"{kind} 规则", effective_from=D25)
        for kind in RuleBook.Kind.values
    }


@pytest.fixture
def late(books):
    return Rule.objects.create(
        book=books["staff"],
        code="S-A01",
        title="迟到",
        category="attendance",
        applies_to="staff",
        min_points=-1,
        max_points=-1,
    )


@pytest.fixture
def march_closed(late, staff_member, clock):
    score_entry_add(
        author=None,
        rule=late,
        points=Decimal("-1"),
        occurred_on=datetime.date(2026, 3, 9),
        staff=staff_member,
    )
    month_close(MARCH)


def text(response) -> str:
    return response.content.decode()


def test_the_list_groups_books_by_kind_and_marks_in_force_and_locked(admin, books, march_closed):
    later = RuleBook.objects.create(
        kind="staff", title="staff 修订", effective_from=datetime.date(2026, 5, 1)
    )
    page = text(admin.get(reverse("appraisal_rulebook_list")))
    for kind in RuleBook.Kind.values:
        assert f'id="kind-{kind}"' in page
    staff_section = page[page.index('id="kind-staff"') :]  # the last kind
    assert "staff 修订" in staff_section and "2026-04-30" in staff_section  # old book's end
    assert staff_section.count("In force now") == 1
    assert "Takes effect later" in staff_section and "Locked" in staff_section
    assert reverse("appraisal_rulebook_detail", args=[later.pk]) in staff_section


def test_a_books_page_shows_its_rules_with_their_entries_and_its_history(
    admin, books, late, march_closed
):
    page = text(admin.get(reverse("appraisal_rulebook_detail", args=[books["staff"].pk])))
    row = page[page.index("S-A01") : page.index("</tr>", page.index("S-A01"))]
    assert "迟到" in row and "−1" in row and ">1</td>" in row  # one entry under it
    assert "Change history" in page


def test_a_general_books_page_shows_the_bonus_bands(admin, books):
    general = books["general"]
    general.bonus_mode = "bands"
    general.save()
    BonusBand.objects.create(book=general, total_from=95, amount=400)
    page = text(admin.get(reverse("appraisal_rulebook_detail", args=[general.pk])))
    assert "≥ 95" in page and "400.00" in page


def test_a_locked_book_is_shown_read_only_and_its_edit_pages_send_back_with_the_reason(
    admin, books, late, march_closed
):
    staff = books["staff"]
    page = text(admin.get(reverse("appraisal_rulebook_detail", args=[staff.pk])))
    assert "locked" in page
    assert reverse("appraisal_rule_edit", args=[late.pk]) not in page
    assert reverse("appraisal_rule_add", args=[staff.pk]) not in page
    assert reverse("appraisal_rulebook_edit", args=[staff.pk]) not in page
    for url in (
        reverse("appraisal_rulebook_edit", args=[staff.pk]),
        reverse("appraisal_rule_add", args=[staff.pk]),
        reverse("appraisal_rule_edit", args=[late.pk]),
    ):
        response = admin.get(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "appraisal_rulebook_detail", args=[staff.pk]
        )
        assert "2026-03" in text(response)


def test_a_locked_books_rule_cannot_be_removed_through_the_page(admin, books, march_closed):
    spare = Rule.objects.create(
        book=books["staff"],
        code="S-Z9",
        title="备用",
        category="other",
        applies_to="staff",
        min_points=-1,
        max_points=-1,
    )
    response = admin.post(reverse("appraisal_rule_remove", args=[spare.pk]), follow=True)
    assert "locked" in text(response)
    assert Rule.objects.filter(pk=spare.pk).exists()


def test_a_revision_is_created_through_the_page(admin, books, late, clock):
    response = admin.post(
        reverse("appraisal_rulebook_revise", args=["staff"]),
        {"effective_from": "2026-05-01", "title": "工作人员考核实施细则（修订）", "notes": ""},
    )
    book = RuleBook.objects.get(kind="staff", effective_from=datetime.date(2026, 5, 1))
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisal_rulebook_detail", args=[book.pk])
    assert book.title == "工作人员考核实施细则（修订）"
    assert list(book.rules.values_list("code", flat=True)) == ["S-A01"]


def test_a_revision_inside_a_closed_month_is_refused_next_to_its_date(admin, books, march_closed):
    url = reverse("appraisal_rulebook_revise", args=["staff"])
    form = text(admin.get(url))
    assert 'min="2026-04-01"' in form  # the earliest date the page offers
    response = admin.post(url, {"effective_from": "2026-03-15", "title": "", "notes": ""})
    assert response.status_code == 422
    assert "2026-03" in text(response) and "2026-04-01" in text(response)
    assert RuleBook.objects.filter(kind="staff").count() == 1


def test_an_unknown_kind_has_no_revision_page(admin):
    assert admin.get(reverse("appraisal_rulebook_revise", args=["other"])).status_code == 404


def test_the_general_policy_is_switched_to_bands_through_the_page(admin, books):
    general = books["general"]
    data = {
        "title": general.title,
        "notes": "",
        "star_share": "10.0",
        "star_minimum": "1",
        "banner_count": "1",
        "award_min_total": "100.0",
        "bonus_mode": "bands",
        "bonus_base": "500.00",
        "bonus_per_point": "20.00",
        "window_includes_staff": "on",
        "bands-TOTAL_FORMS": "3",
        "bands-INITIAL_FORMS": "0",
        "bands-0-total_from": "95",
        "bands-0-amount": "400",
        "bands-1-total_from": "100",
        "bands-1-amount": "500",
        "bands-2-total_from": "",
        "bands-2-amount": "",
    }
    response = admin.post(reverse("appraisal_rulebook_edit", args=[general.pk]), data)
    assert response.status_code == 302
    general.refresh_from_db()
    assert general.bonus_mode == "bands"
    assert list(general.bonus_bands.values_list("total_from", "amount")) == [
        (95, 400),
        (100, 500),
    ]


def test_bands_that_pay_less_for_more_are_refused_on_the_page(admin, books):
    general = books["general"]
    data = {
        "title": general.title,
        "star_share": "10.0",
        "star_minimum": "1",
        "banner_count": "1",
        "award_min_total": "100.0",
        "bonus_mode": "bands",
        "bonus_base": "500.00",
        "bonus_per_point": "20.00",
        "bands-TOTAL_FORMS": "2",
        "bands-INITIAL_FORMS": "0",
        "bands-0-total_from": "95",
        "bands-0-amount": "600",
        "bands-1-total_from": "100",
        "bands-1-amount": "500",
    }
    response = admin.post(reverse("appraisal_rulebook_edit", args=[general.pk]), data)
    assert response.status_code == 422
    assert "cannot pay less" in text(response)
    assert not BonusBand.objects.exists()


def test_a_window_book_offers_only_its_title_and_notes(admin, books):
    page = text(admin.get(reverse("appraisal_rulebook_edit", args=[books["window"].pk])))
    assert 'name="title"' in page and 'name="bonus_mode"' not in page


def test_a_rule_is_added_through_the_page_and_a_staff_book_offers_only_staff(admin, books):
    url = reverse("appraisal_rule_add", args=[books["staff"].pk])
    form = text(admin.get(url))
    assert 'value="staff"' in form and 'value="window"' not in form
    response = admin.post(
        url,
        {
            "code": "S-L02",
            "title": "使用服务忌语",
            "category": "language",
            "applies_to": "staff",
            "min_points": "-2",
            "max_points": "-2",
            "monthly_cap": "",
        },
    )
    assert response.status_code == 302
    rule = Rule.objects.get(code="S-L02")
    assert rule.book == books["staff"] and rule.min_points == -2 and not rule.disqualifies


def test_a_rule_with_entries_keeps_its_range_on_the_page(admin, late, staff_member, clock):
    score_entry_add(
        author=None,
        rule=late,
        points=Decimal("-1"),
        occurred_on=datetime.date(2026, 4, 9),
        staff=staff_member,
    )
    response = admin.post(
        reverse("appraisal_rule_edit", args=[late.pk]),
        {
            "code": "S-A01",
            "title": "迟到",
            "category": "attendance",
            "applies_to": "staff",
            "min_points": "-3",
            "max_points": "-2",
        },
    )
    assert response.status_code == 422
    assert "already has entries" in text(response)
    late.refresh_from_db()
    assert late.max_points == -1


def test_a_rule_with_entries_is_not_removed_through_the_page(admin, late, staff_member, clock):
    score_entry_add(
        author=None,
        rule=late,
        points=Decimal("-1"),
        occurred_on=datetime.date(2026, 4, 9),
        staff=staff_member,
    )
    response = admin.post(reverse("appraisal_rule_remove", args=[late.pk]), follow=True)
    assert "cannot be removed" in text(response)
    assert Rule.objects.filter(pk=late.pk).exists()


def test_a_rule_without_entries_is_removed_through_the_page(admin, late):
    response = admin.post(reverse("appraisal_rule_remove", args=[late.pk]))
    assert response["Location"] == reverse("appraisal_rulebook_detail", args=[late.book_id])
    assert not Rule.objects.filter(pk=late.pk).exists()


def test_the_entry_form_names_every_book_in_force(admin, books, late):
    page = text(admin.get(reverse("appraisal_entry_add")))
    for book in books.values():
        assert str(book) in page
