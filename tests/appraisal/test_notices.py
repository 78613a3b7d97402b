"""A staff member is told when an entry is recorded against them, reversed, or their appeal
decided: a notice written with the change, shown on their phone pages until read."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from appraisal.models import ScoreEntry
from appraisal.services import (
    appeal_decide,
    appeal_lodge,
    month_close,
    month_publish,
    score_entry_add,
    score_entry_reverse,
)
from hall.models import Notice
from hall.notices import notice_text

MARCH = datetime.date(2026, 3, 1)
IN_APRIL = datetime.date(2026, 4, 14)

pytestmark = pytest.mark.usefixtures("clock", "media")


def add(author, rule, *, day=IN_APRIL, **subject):
    return score_entry_add(
        author=author,
        rule=rule,
        points=rule.min_points,
        occurred_on=day,
        evidence="8:47 到岗",
        **subject,
    )


def test_an_entry_against_a_staff_member_sends_them_a_notice(admin_user, staff_member, late):
    entry = add(admin_user, late, staff=staff_member)
    notice = Notice.objects.get()
    assert notice.user == staff_member.user
    assert notice.kind == Notice.Kind.SCORE_ENTRY
    assert notice.url == reverse("appraisal_my_entry", args=[entry.pk])
    assert notice.read_at is None
    with translation.override("en"):
        assert notice_text(notice) == "-1 points under S-01 迟到, on 2026-04-14."


def test_a_window_entry_sends_no_notice(admin_user, window, window_rule):
    add(admin_user, window_rule, window=window)
    assert not Notice.objects.exists()


def test_a_refused_entry_sends_no_notice(admin_user, staff_member, late):
    with pytest.raises(ValidationError):
        add(admin_user, late, staff=staff_member, day=IN_APRIL + datetime.timedelta(days=5))
    assert not Notice.objects.exists()


def test_a_reversal_tells_the_staff_member_why(admin_user, staff_member, late):
    entry = add(admin_user, late, staff=staff_member)
    score_entry_reverse(author=admin_user, entry=entry, reason="打卡机故障")
    notice = Notice.objects.get(kind=Notice.Kind.ENTRY_REVERSED)
    assert notice.user == staff_member.user
    with translation.override("en"):
        assert "打卡机故障" in notice_text(notice)


def test_an_upheld_appeal_sends_one_decision_notice(admin_user, staff_member, late):
    entry = add(admin_user, late, staff=staff_member, day=datetime.date(2026, 3, 10))
    month_publish(month_close(MARCH))
    appeal = appeal_lodge(staff=staff_member, entry=entry, reason="系统故障")
    appeal_decide(author=admin_user, appeal=appeal, uphold=True, reason="核实属实")
    kinds = list(Notice.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [Notice.Kind.SCORE_ENTRY, Notice.Kind.APPEAL_DECIDED]
    with translation.override("en"):
        assert "upheld: 核实属实" in notice_text(
            Notice.objects.get(kind=Notice.Kind.APPEAL_DECIDED)
        )


def test_new_notices_show_on_my_scores_in_chinese(staff, admin_user, staff_member, late):
    add(admin_user, late, staff=staff_member)
    page = staff.get(reverse("appraisal_my_scores")).content.decode()
    assert 'id="notices"' in page
    assert "1 条新通知" in page
    assert "S-01 迟到" in page


def test_the_card_counts_every_unread_notice_beyond_the_five_it_lists(
    staff, admin_user, staff_member, late
):
    for day in range(1, 8):
        add(admin_user, late, staff=staff_member, day=IN_APRIL.replace(day=day))
    first = Notice.objects.filter(user=staff_member.user).order_by("id").first()
    Notice.objects.filter(pk=first.pk).update(read_at=first.created_at)  # one of seven read
    page = staff.get(reverse("appraisal_my_scores")).content.decode()
    assert "6 条新通知" in page
    assert page.count('name="notice"') == 5
    assert reverse("notice_list") in page  # more unread than listed


def test_new_notices_show_on_the_staff_home(staff, admin_user, staff_member, late):
    add(admin_user, late, staff=staff_member)
    assert 'id="notices"' in staff.get(reverse("home")).content.decode()


def test_opening_a_notice_marks_it_read_and_opens_the_entry(staff, admin_user, staff_member, late):
    entry = add(admin_user, late, staff=staff_member)
    other = add(admin_user, late, staff=staff_member, day=IN_APRIL - datetime.timedelta(days=1))
    notice = Notice.objects.get(url=reverse("appraisal_my_entry", args=[entry.pk]))
    response = staff.post(reverse("notice_read"), {"notice": notice.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisal_my_entry", args=[entry.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    still_unread = Notice.objects.get(url=reverse("appraisal_my_entry", args=[other.pk]))
    assert still_unread.read_at is None
    assert 'id="notices"' in staff.get(reverse("appraisal_my_scores")).content.decode()


def test_mark_all_read_empties_the_card(staff, admin_user, staff_member, late):
    add(admin_user, late, staff=staff_member)
    add(admin_user, late, staff=staff_member, day=IN_APRIL - datetime.timedelta(days=1))
    response = staff.post(
        reverse("notice_read"), {"next": reverse("appraisal_my_scores")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("appraisal_my_scores")
    assert not Notice.objects.filter(read_at__isnull=True).exists()
    assert 'id="notices"' not in response.content.decode()


def test_an_outside_next_address_is_not_followed(staff, admin_user, staff_member, late):
    add(admin_user, late, staff=staff_member)
    response = staff.post(reverse("notice_read"), {"next": "https://example.com/"})
    assert response["Location"] == reverse("notice_list")


def test_someone_elses_notice_is_a_404_and_stays_unread(
    other_staff, admin_user, staff_member, late
):
    add(admin_user, late, staff=staff_member)
    notice = Notice.objects.get()
    assert other_staff.post(reverse("notice_read"), {"notice": notice.pk}).status_code == 404
    other_staff.post(reverse("notice_read"))  # "mark all" marks only one's own
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_notice_with_parameters_of_another_shape_still_shows(staff_member):
    notice = Notice.objects.create(user=staff_member.user, kind=Notice.Kind.SCORE_ENTRY, params={})
    with translation.override("en"):
        assert notice_text(notice) == "Entry recorded"


def test_the_notice_list_shows_read_and_unread(staff, admin_user, staff_member, late):
    add(admin_user, late, staff=staff_member)
    page = staff.get(reverse("notice_list")).content.decode()
    assert "S-01 迟到" in page and "新" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_or_delete_an_entry(admin_user, staff_member, late):
    if connection.vendor != "postgresql":
        pytest.skip("the insert-only trigger exists on PostgreSQL")
    entry = add(admin_user, late, staff=staff_member)
    with pytest.raises(IntegrityError, match="insert-only"), transaction.atomic():
        ScoreEntry.objects.filter(pk=entry.pk).update(points=-3)
    with pytest.raises(IntegrityError, match="insert-only"), transaction.atomic():
        ScoreEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.points == late.min_points


def _page_queries(client, url) -> int:
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # the hall profile is cached: count a cold page each time
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum("django_session" not in q["sql"] for q in ctx.captured_queries)


def test_the_notice_list_runs_a_fixed_number_of_queries(staff, staff_member):
    def grow(n):
        Notice.objects.bulk_create(
            Notice(user=staff_member.user, kind=Notice.Kind.SCORE_ENTRY, params={}, url="/")
            for _ in range(n)
        )

    grow(3)
    few = _page_queries(staff, reverse("notice_list"))
    grow(60)
    many = _page_queries(staff, reverse("notice_list"))
    assert few == many == 4  # user with roles, hall profile, count, rows


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backdating_changes_only_the_recorded_time_and_only_when_asked(
    admin_user, staff_member, late
):
    if connection.vendor != "postgresql":
        pytest.skip("the insert-only trigger exists on PostgreSQL")
    from appraisal.demo import _allow_backdating

    entry = add(admin_user, late, staff=staff_member)
    earlier = entry.created_at - datetime.timedelta(days=3)
    with transaction.atomic():
        _allow_backdating()
        ScoreEntry.objects.filter(pk=entry.pk).update(created_at=earlier)
        with pytest.raises(IntegrityError, match="insert-only"), transaction.atomic():
            ScoreEntry.objects.filter(pk=entry.pk).update(points=-3)
    with pytest.raises(IntegrityError, match="insert-only"), transaction.atomic():
        ScoreEntry.objects.filter(pk=entry.pk).update(created_at=entry.created_at)
    entry.refresh_from_db()
    assert (entry.created_at, entry.points) == (earlier, late.min_points)
