"""Appeals: a staff member appeals an entry of a published month; the admin upholds or rejects."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from appraisal.models import Appeal, AppraisalMonth, MonthlyResult, ScoreEntry
from appraisal.services import (
    appeal_decide,
    appeal_lodge,
    month_close,
    month_finalise,
    month_publish,
    score_entry_add,
    score_entry_reverse,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MARCH = datetime.date(2026, 3, 1)
IN_MARCH = datetime.date(2026, 3, 10)

# Mid-April 2026 (March has ended), media in a temporary folder: see conftest.py.
pytestmark = pytest.mark.usefixtures("clock", "media")


def add(author, rule, *, staff=None, window=None):
    return score_entry_add(
        author=author,
        rule=rule,
        points=rule.min_points,
        occurred_on=IN_MARCH,
        staff=staff,
        window=window,
        evidence="8:47 到岗",
    )


@pytest.fixture
def entry(admin_user, staff_member, late):
    """A −1 entry against the staff persona, in March, now published (appeals open)."""
    e = add(admin_user, late, staff=staff_member)
    month_publish(month_close(MARCH))
    e.refresh_from_db()
    return e


@pytest.fixture
def pending(entry, staff_member):
    return appeal_lodge(staff=staff_member, entry=entry, reason="那天系统故障，打卡记录有误")


def appeal_post(client, entry, **fields):
    data = {"reason": "那天系统故障，打卡记录有误", **fields}
    return client.post(reverse("appraisal_my_entry", args=[entry.pk]), data)


def decide_post(client, appeal, decision, reason="核实打卡机故障记录"):
    return client.post(
        reverse("appraisal_appeal_decide", args=[appeal.pk]),
        {"decision": decision, "reason": reason},
    )


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    return buf.getvalue()


# --- lodging -----------------------------------------------------------------------------


def test_an_appeal_during_the_period_is_saved_pending(staff, staff_member, entry):
    response = appeal_post(staff, entry)
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisal_my_entry", args=[entry.pk])
    appeal = Appeal.objects.get()
    assert (appeal.entry, appeal.staff, appeal.status) == (
        entry,
        staff_member,
        Appeal.Status.PENDING,
    )
    assert appeal.reason == "那天系统故障，打卡记录有误"


def test_an_appeal_may_carry_a_photo_stored_under_a_random_name(staff, entry):
    photo = SimpleUploadedFile("打卡截图.png", png_bytes(), content_type="image/png")
    appeal_post(staff, entry, file=photo)
    name = Appeal.objects.get().file.name
    assert name.startswith("appeals/") and name.endswith(".png")
    assert "打卡截图" not in name


def test_the_appeal_form_is_shown_while_an_appeal_is_allowed(staff, entry):
    response = staff.get(reverse("appraisal_my_entry", args=[entry.pk]))
    assert response.context["can_appeal"] is True
    assert 'id="appeal-form"' in response.content.decode()


def test_an_appeal_after_the_period_is_refused(staff_member, entry, clock):
    clock.move_to(
        datetime.datetime.combine(
            entry.month.appeal_until + datetime.timedelta(days=1), datetime.time(9), SHANGHAI
        )
    )
    with pytest.raises(ValidationError) as exc:
        appeal_lodge(staff=staff_member, entry=entry, reason="太晚了")
    assert "entry" in exc.value.message_dict
    assert not Appeal.objects.exists()


def test_after_the_period_the_page_offers_no_form_and_saves_nothing(staff, entry, clock):
    clock.move_to(
        datetime.datetime.combine(
            entry.month.appeal_until + datetime.timedelta(days=1), datetime.time(9), SHANGHAI
        )
    )
    url = reverse("appraisal_my_entry", args=[entry.pk])
    assert 'id="appeal-form"' not in staff.get(url).content.decode()
    assert appeal_post(staff, entry).status_code == 302
    assert not Appeal.objects.exists()


def test_an_appeal_on_another_persons_entry_is_refused(
    admin_user, staff_member, other_staff_member, late
):
    theirs = add(admin_user, late, staff=other_staff_member)
    month_publish(month_close(MARCH))
    with pytest.raises(ValidationError):
        appeal_lodge(staff=staff_member, entry=theirs, reason="替同事申诉")
    assert not Appeal.objects.exists()


def test_staff_get_a_404_appealing_another_persons_entry(
    staff, admin_user, other_staff_member, late
):
    theirs = add(admin_user, late, staff=other_staff_member)
    month_publish(month_close(MARCH))
    assert appeal_post(staff, theirs).status_code == 404
    assert not Appeal.objects.exists()


def test_an_appeal_on_a_windows_entry_is_refused(admin_user, staff_member, window, window_rule):
    entry = add(admin_user, window_rule, window=window)
    month_publish(month_close(MARCH))
    with pytest.raises(ValidationError):
        appeal_lodge(staff=staff_member, entry=entry, reason="窗口的扣分")
    assert not Appeal.objects.exists()


def test_an_appeal_in_a_closed_not_published_month_is_refused(admin_user, staff_member, late):
    entry = add(admin_user, late, staff=staff_member)
    month_close(MARCH)
    with pytest.raises(ValidationError):
        appeal_lodge(staff=staff_member, entry=entry, reason="还没公布")
    assert not Appeal.objects.exists()


def test_a_second_appeal_while_one_is_pending_is_refused(staff_member, entry, pending):
    with pytest.raises(ValidationError):
        appeal_lodge(staff=staff_member, entry=entry, reason="再申诉一次")
    assert Appeal.objects.count() == 1


def test_the_database_allows_one_pending_appeal_per_entry(staff_member, entry, pending):
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(entry=entry, staff=staff_member, reason="绕过服务")


def test_an_appeal_without_a_reason_is_refused(staff, entry):
    response = appeal_post(staff, entry, reason="   ")
    assert response.status_code == 422
    assert response.context["form"].errors["reason"]
    assert not Appeal.objects.exists()


def test_an_executable_renamed_to_jpg_is_refused(staff, entry):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = appeal_post(staff, entry, file=fake)
    assert response.status_code == 422
    assert response.context["form"].errors["file"]
    assert not Appeal.objects.exists()


def test_a_reversal_cannot_be_appealed(admin_user, staff_member, late):
    entry = add(admin_user, late, staff=staff_member)
    reversal = score_entry_reverse(author=admin_user, entry=entry, reason="录错了")
    month_publish(month_close(MARCH))
    for target in (entry, reversal):
        with pytest.raises(ValidationError):
            appeal_lodge(staff=staff_member, entry=target, reason="申诉")
    assert not Appeal.objects.exists()


# --- deciding ----------------------------------------------------------------------------


def test_an_upheld_appeal_reverses_the_entry_and_raises_the_total(
    admin, staff_member, entry, pending
):
    assert MonthlyResult.objects.get(staff=staff_member).total == Decimal("99")
    response = decide_post(admin, pending, "uphold")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Appeal.Status.UPHELD
    reversal = ScoreEntry.objects.get(reverses=entry)
    assert reversal.source == ScoreEntry.Source.APPEAL
    assert reversal.points == Decimal("1")
    assert pending.reversal == reversal
    assert MonthlyResult.objects.get(staff=staff_member).total == Decimal("100")
    assert AppraisalMonth.objects.get(month=MARCH).status == AppraisalMonth.Status.PUBLISHED


def test_a_rejected_appeal_adds_no_entry_and_the_staff_member_sees_why(
    admin, staff, entry, pending
):
    decide_post(admin, pending, "reject", reason="考勤机记录正常，维持原扣分")
    pending.refresh_from_db()
    assert pending.status == Appeal.Status.REJECTED
    assert ScoreEntry.objects.count() == 1
    page = staff.get(reverse("appraisal_my_entry", args=[entry.pk])).content.decode()
    assert "考勤机记录正常，维持原扣分" in page


def test_a_decision_needs_a_reason(admin, entry, pending):
    response = decide_post(admin, pending, "reject", reason="")
    assert response.status_code == 422
    pending.refresh_from_db()
    assert pending.status == Appeal.Status.PENDING


def test_a_decided_appeal_cannot_be_decided_again(admin_user, pending):
    appeal_decide(author=admin_user, appeal=pending, uphold=False, reason="维持")
    with pytest.raises(ValidationError):
        appeal_decide(author=admin_user, appeal=pending, uphold=True, reason="改判")
    assert ScoreEntry.objects.count() == 1


def test_after_a_rejection_the_staff_member_may_not_appeal_again_once_the_period_ends(
    staff_member, entry, pending, admin_user, clock
):
    appeal_decide(author=admin_user, appeal=pending, uphold=False, reason="维持")
    clock.move_to(
        datetime.datetime.combine(
            entry.month.appeal_until + datetime.timedelta(days=1), datetime.time(9), SHANGHAI
        )
    )
    with pytest.raises(ValidationError):
        appeal_lodge(staff=staff_member, entry=entry, reason="再试")
    assert Appeal.objects.count() == 1


def test_finalising_with_a_pending_appeal_is_refused(entry, pending, clock):
    month = entry.month
    clock.move_to(
        datetime.datetime.combine(
            month.appeal_until + datetime.timedelta(days=1), datetime.time(9), SHANGHAI
        )
    )
    with pytest.raises(ValidationError):
        month_finalise(month)
    month.refresh_from_db()
    assert month.status == AppraisalMonth.Status.PUBLISHED


def test_the_month_can_be_final_once_its_appeals_are_decided(admin_user, entry, pending, clock):
    appeal_decide(author=admin_user, appeal=pending, uphold=True, reason="成立")
    month = entry.month
    clock.move_to(
        datetime.datetime.combine(
            month.appeal_until + datetime.timedelta(days=1), datetime.time(9), SHANGHAI
        )
    )
    assert month_finalise(month).status == AppraisalMonth.Status.FINAL


# --- the queue ---------------------------------------------------------------------------


def test_the_queue_lists_pending_appeals_before_decided_ones(
    admin, admin_user, staff_member, late, entry, pending
):
    # A second entry in the same month, appealed and rejected.
    month = entry.month
    other = ScoreEntry.objects.create(
        staff=staff_member, rule=late, points=-1, occurred_on=IN_MARCH, month=month
    )
    decided = appeal_lodge(staff=staff_member, entry=other, reason="第二条")
    appeal_decide(author=admin_user, appeal=decided, uphold=False, reason="维持")
    response = admin.get(reverse("appraisal_appeal_list"))
    assert [a.pk for a in response.context["page"].object_list] == [pending.pk, decided.pk]
    assert response.context["pending"] == 1


def test_the_queue_filters_by_month(admin, pending):
    assert len(admin.get(reverse("appraisal_appeal_list") + "?month=2026-03").context["page"]) == 1
    assert len(admin.get(reverse("appraisal_appeal_list") + "?month=2026-02").context["page"]) == 0


def test_the_queue_links_each_appeal_to_its_entry(admin, entry, pending):
    page = admin.get(reverse("appraisal_appeal_list")).content.decode()
    assert f"#entry-{entry.pk}" in page
    assert reverse("appraisal_appeal_decide", args=[pending.pk]) in page


def test_the_queue_runs_a_fixed_number_of_queries(admin, staff_member, late, entry, pending):
    url = reverse("appraisal_appeal_list")
    admin.get(url)  # warm the session and the nav cache
    with CaptureQueriesContext(connection) as one:
        admin.get(url)
    for _ in range(9):
        e = ScoreEntry.objects.create(
            staff=staff_member, rule=late, points=-1, occurred_on=IN_MARCH, month=entry.month
        )
        appeal_lodge(staff=staff_member, entry=e, reason="批量")
    with CaptureQueriesContext(connection) as ten:
        admin.get(url)
    assert len(ten) == len(one)


def test_the_admin_menu_links_to_the_appeals_queue(admin):
    page = admin.get(reverse("appraisal_ledger")).content.decode()
    assert reverse("appraisal_appeal_list") in page
