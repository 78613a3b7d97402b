"""The "My scores" body is cached under a fingerprint of what it shows: every way its content
can change must show on the next visit, and one member's body is never another's."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal import annual, rulebooks, services
from appraisal.rulebooks import RULE_FIELDS
from staff.services import AUDITED, staff_update
from tests.helpers import tr

URL = reverse("appraisal_my_scores")
pytestmark = pytest.mark.django_db


def page(client, query: str = "") -> str:
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def add(admin_user, rule, member, day, points="-1"):
    return services.score_entry_add(
        author=admin_user, rule=rule, points=Decimal(points), occurred_on=day, staff=member
    )


def test_a_new_entry_and_its_reversal_show_on_the_next_visit(
    clock, staff, staff_member, admin_user, late
):
    assert tr("No entries: 100 points.") in page(staff)
    entry = add(admin_user, late, staff_member, datetime.date(2026, 4, 14))
    html = page(staff)
    assert "迟到" in html and 'id="so-far"' in html and ">99<" in html
    services.score_entry_reverse(author=admin_user, entry=entry, reason="误记")
    html = page(staff)
    assert tr("reversed") in html and "误记" in html and ">100<" in html


def test_a_published_month_appears_once_it_is_published(
    clock, staff, staff_member, admin_user, late
):
    add(admin_user, late, staff_member, datetime.date(2026, 3, 10))
    assert tr("No published month yet.") in page(staff)
    month = services.month_close(datetime.date(2026, 3, 1))
    assert tr("No published month yet.") in page(staff)  # closed is not yet shown to staff
    services.month_publish(month)
    html = page(staff)
    assert tr("No published month yet.") not in html and "2026-03" in html and "<polyline" in html


def test_a_renamed_rule_and_a_renamed_member_show_on_the_next_visit(
    clock, staff, staff_member, admin_user, late
):
    add(admin_user, late, staff_member, datetime.date(2026, 4, 14))
    assert "迟到" in page(staff) and "张晓梅" in page(staff)
    data = {name: getattr(late, name) for name in RULE_FIELDS}
    rulebooks.rule_update(author=admin_user, rule=late, data={**data, "title": "上班迟到"})
    assert "上班迟到" in page(staff)
    data = {name: getattr(staff_member, name) for name in AUDITED}
    staff_update(actor=admin_user, staff=staff_member, data={**data, "name": "张晓"})
    html = page(staff)
    assert "张晓 ·" in html and "张晓梅" not in html


def test_the_annual_card_appears_when_the_year_is_computed(
    clock, staff, staff_member, admin_user, late
):
    add(admin_user, late, staff_member, datetime.date(2026, 3, 10))
    services.month_publish(services.month_close(datetime.date(2026, 3, 1)))
    assert 'id="annual-2026"' not in page(staff)
    annual.annual_compute(2026, author=admin_user)
    assert 'id="annual-2026"' in page(staff)


def test_each_member_and_each_language_get_their_own_body(
    clock, staff, other_staff, staff_member, admin_user, late
):
    add(admin_user, late, staff_member, datetime.date(2026, 4, 14))
    assert "迟到" in page(staff)
    assert "迟到" not in page(other_staff) and "刘建国" in page(other_staff)
    staff.cookies["django_language"] = "en"
    html = page(staff)
    assert "My scores" in html and "Entries this month" in html


def entries_shown(html: str) -> str:
    return html[html.index('id="entries"') : html.index('id="past"')]


def test_a_past_month_asked_for_is_its_own_body(clock, staff, staff_member, admin_user, late):
    add(admin_user, late, staff_member, datetime.date(2026, 3, 10))
    services.month_publish(services.month_close(datetime.date(2026, 3, 1)))
    assert "2026-03-10" not in entries_shown(page(staff))  # April's entries
    assert "2026-03-10" in entries_shown(page(staff, "?month=2026-03"))


def test_notices_show_as_they_come_and_go_as_they_are_read(
    clock, staff, staff_member, admin_user, late
):
    from hall.notices import notices_mark_read

    assert 'id="notices"' not in page(staff)
    add(admin_user, late, staff_member, datetime.date(2026, 4, 14))  # tells the member
    html = page(staff)
    assert 'id="notices"' in html and "2026-04-14" in html[html.index('id="notices"') :]
    add(admin_user, late, staff_member, datetime.date(2026, 4, 13))
    notices = page(staff)
    assert "2026-04-13" in notices[notices.index('id="notices"') : notices.index('id="so-far"')]
    notices_mark_read(staff_member.user)
    assert 'id="notices"' not in page(staff)
