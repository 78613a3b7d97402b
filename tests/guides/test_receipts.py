"""Receipts at the window: applications, the three notices, serial numbers, voiding, the
correction clock, and the monthly abnormal-handling counts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from guides import receipts
from guides.models import Application, Receipt, ReceiptCounter
from tests.factories import ApprovalItemFactory, WindowFactory
from tests.guides.conftest import publish
from tests.helpers import tr

Kind = Receipt.Kind
MON = datetime.date(2026, 11, 2)  # a Monday; the test calendar knows weekends only

DOES_NOT_HANDLE = (
    "Window %(number)s does not handle “%(item)s”: only the items the "
    "catalogue lists for the window may be received there."
)
RAN_OUT = (
    "The time for a correction notice ran out on %(date)s: the application counts as accepted "
    "from the day it was received. Issue the acceptance notice."
)
RAN_OUT_NO_REFUSAL = (
    "The time for a correction notice ran out on %(date)s: the application counts as accepted "
    "from the day it was received and can no longer be refused acceptance."
)


def raised(msgid: str, **params) -> str:
    """A ValidationError's message as ``pytest.raises(match=...)`` reads it (not HTML-escaped)."""
    with translation.override("zh-hans"):
        return re.escape(translation.gettext(msgid) % params)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def handled(window, item):
    window.items.add(item)
    return item


@pytest.fixture
def guide(handled, admin_user, reviewer_user):
    return publish(
        handled, admin_user, reviewer_user, materials=("营业执照申请书", "股东身份证明", "章程")
    )


def register(staff_member, item, now=None, **values) -> Application:
    return receipts.application_register(
        actor=staff_member.user,
        window=staff_member.window,
        item=item,
        applicant_name=values.get("applicant_name", "重庆渝新商贸有限公司"),
        applicant_id=values.get("applicant_id", "91500106MA5U123456"),
        contact=values.get("contact", "13812348000"),
        now=now,
    )


@pytest.fixture
def application(staff_member, handled):
    return register(staff_member, handled)


# --- registering --------------------------------------------------------------------------------


def test_staff_register_an_application_for_an_item_their_window_handles(staff, handled):
    response = staff.post(
        reverse("receipt_application_create"),
        {
            "item": handled.pk,
            "applicant_name": "重庆渝新商贸有限公司",
            "applicant_id": "91500106ma5u123456",
            "contact": "13812348000",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("receipt_application", args=[application.pk])
    assert application.state == Application.State.RECEIVED
    assert application.applicant_id == "91500106MA5U123456"
    assert application.correction_due_on > application.received_on


def test_the_correction_deadline_is_five_working_days_after_receipt(staff_member, handled):
    friday = datetime.date(2026, 11, 6)
    application = register(staff_member, handled, now=at(friday))
    assert application.correction_due_on == datetime.date(2026, 11, 13)


def test_an_item_the_window_does_not_handle_is_refused_with_the_reason(staff, handled, department):
    other = ApprovalItemFactory(name="食品经营许可", department=department)
    response = staff.post(
        reverse("receipt_application_create"),
        {
            "item": other.pk,
            "applicant_name": "张三",
            "applicant_id": "500106198705123456",
            "contact": "13812348000",
        },
    )
    assert response.status_code == 422
    assert tr(DOES_NOT_HANDLE, number="A01", item="食品经营许可") in response.content.decode()
    assert not Application.objects.exists()


def test_the_item_list_offers_only_the_windows_items(staff, handled, department):
    ApprovalItemFactory(name="别处的事项", department=department)
    body = staff.get(reverse("receipt_application_create")).content.decode()
    assert handled.name in body
    assert "别处的事项" not in body


def test_the_admin_chooses_the_window_first(admin, window, handled):
    body = admin.get(reverse("receipt_application_create")).content.decode()
    assert 'id="application-form"' not in body
    body = admin.get(reverse("receipt_application_create") + f"?window={window.pk}").content
    assert handled.name in body.decode()


def test_the_list_masks_the_contact_and_the_id(staff, application):
    body = staff.get(reverse("receipt_application_list")).content.decode()
    assert "138****8000" in body
    assert "13812348000" not in body
    assert "9150**********3456" in body
    detail = staff.get(reverse("receipt_application", args=[application.pk])).content.decode()
    assert "13812348000" in detail


def test_the_clock_shows_while_it_runs_and_stops_with_a_notice(staff, staff_member, application):
    url = reverse("receipt_application", args=[application.pk])
    running = staff.get(url).content.decode()
    assert "receipt-clock" in running and 'id="clock-stopped"' not in running
    receipts.receipt_issue(actor=staff_member.user, application=application, kind=Kind.ACCEPTANCE)
    stopped = staff.get(url).content.decode()
    assert "receipt-clock" not in stopped
    assert tr("A notice has been issued: the clock no longer runs.") in stopped


def test_staff_of_another_window_get_a_404(other_staff, application):
    for url in (
        reverse("receipt_application", args=[application.pk]),
        reverse("receipt_issue", args=[application.pk, "acceptance"]),
    ):
        assert other_staff.get(url).status_code == 404
    response = other_staff.post(reverse("receipt_issue", args=[application.pk, "acceptance"]))
    assert response.status_code == 404
    assert not Receipt.objects.exists()


def test_staff_of_another_window_do_not_see_its_notices(staff, other_staff, application):
    staff.post(reverse("receipt_issue", args=[application.pk, "acceptance"]))
    receipt = Receipt.objects.get()
    assert other_staff.get(reverse("receipt_detail", args=[receipt.pk])).status_code == 404
    assert other_staff.get(reverse("receipt_pdf", args=[receipt.pk])).status_code == 404
    assert receipt.number not in other_staff.get(reverse("receipt_list")).content.decode()


# --- notices ----------------------------------------------------------------------------------


def test_an_acceptance_notice_is_numbered_and_accepts(staff, application):
    response = staff.post(reverse("receipt_issue", args=[application.pk, "acceptance"]))
    receipt = Receipt.objects.get()
    assert response["Location"] == reverse("receipt_detail", args=[receipt.pk])
    year = timezone.localdate().year
    assert receipt.number == f"〔{year}〕受字第00001号"
    application.refresh_from_db()
    assert application.state == Application.State.ACCEPTED


def test_a_refusal_without_reason_or_legal_basis_is_refused_and_takes_no_number(staff, application):
    url = reverse("receipt_issue", args=[application.pk, "refusal"])
    response = staff.post(url, {"reason": "  ", "legal_basis": ""})
    body = response.content.decode()
    assert response.status_code == 422
    assert tr("Give the reason for not accepting.") in body
    assert tr("Give the legal basis for not accepting.") in body
    assert not Receipt.objects.exists()
    assert not ReceiptCounter.objects.exists()
    staff.post(url, {"reason": "不属于本机关职权范围", "legal_basis": "《行政许可法》第三十二条"})
    assert Receipt.objects.get().serial == 1


def test_the_service_refuses_a_refusal_without_reason_too(staff_member, application):
    with pytest.raises(ValidationError) as exc:
        receipts.receipt_issue(
            actor=staff_member.user, application=application, kind=Kind.REFUSAL, legal_basis="x"
        )
    assert "reason" in exc.value.message_dict
    assert not Receipt.objects.exists()


def test_a_refusal_prints_the_remedies_from_the_settings(staff, application, settings):
    settings.HALL_RECEIPT_REVIEW_BODY = "重庆市沙坪坝区人民政府"
    settings.HALL_RECEIPT_REVIEW_DAYS = 60
    settings.HALL_RECEIPT_LITIGATION_BODY = "重庆市沙坪坝区人民法院"
    settings.HALL_RECEIPT_LITIGATION_MONTHS = 6
    staff.post(
        reverse("receipt_issue", args=[application.pk, "refusal"]),
        {"reason": "不属于本机关职权范围", "legal_basis": "《行政许可法》第三十二条"},
    )
    receipt = Receipt.objects.get()
    assert (receipt.review_body, receipt.review_days) == ("重庆市沙坪坝区人民政府", 60)
    assert (receipt.litigation_body, receipt.litigation_months) == ("重庆市沙坪坝区人民法院", 6)
    # Kept as printed: a later change of the settings does not change the notice.
    settings.HALL_RECEIPT_REVIEW_BODY = "别的机关"
    body = staff.get(reverse("receipt_detail", args=[receipt.pk])).content.decode()
    assert "重庆市沙坪坝区人民政府" in body and "别的机关" not in body
    application.refresh_from_db()
    assert application.state == Application.State.REFUSED


def test_a_correction_with_no_material_ticked_is_refused(staff, application, guide):
    url = reverse("receipt_issue", args=[application.pk, "correction"])
    response = staff.post(url, {"other_materials": "  \n "})
    assert response.status_code == 422
    assert tr("Tick at least one missing material, or write it in.") in response.content.decode()
    assert not Receipt.objects.exists()


def test_a_correction_lists_ticked_guide_materials_and_written_ones(staff, application, guide):
    url = reverse("receipt_issue", args=[application.pk, "correction"])
    page = staff.get(url).content.decode()
    assert "股东身份证明" in page and "章程" in page
    first, second, _third = guide.materials.order_by("order")
    staff.post(url, {"materials": [second.pk, first.pk], "other_materials": "租赁合同\n"})
    receipt = Receipt.objects.get()
    assert [m["name"] for m in receipt.missing_materials] == [
        "营业执照申请书",
        "股东身份证明",
        "租赁合同",
    ]
    assert receipt.edition == guide
    assert receipt.number.endswith("补字第00001号")
    application.refresh_from_db()
    assert application.state == Application.State.CORRECTION


def test_a_material_of_another_guide_cannot_be_ticked(staff_member, application, guide):
    with pytest.raises(ValidationError):
        receipts.receipt_issue(
            actor=staff_member.user,
            application=application,
            kind=Kind.CORRECTION,
            materials=[999_999],
        )
    assert not Receipt.objects.exists()


def test_a_second_correction_notice_is_refused_all_at_once(staff_member, application, guide):
    receipts.receipt_issue(
        actor=staff_member.user,
        application=application,
        kind=Kind.CORRECTION,
        other_materials=["甲"],
    )
    with pytest.raises(ValidationError, match="一次性告知"):
        receipts.receipt_issue(
            actor=staff_member.user,
            application=application,
            kind=Kind.CORRECTION,
            other_materials=["乙"],
        )
    assert Receipt.objects.count() == 1
    # After the materials are brought, the application is accepted.
    receipts.receipt_issue(actor=staff_member.user, application=application, kind=Kind.ACCEPTANCE)
    application.refresh_from_db()
    assert application.state == Application.State.ACCEPTED


def test_a_second_notice_where_one_is_final_is_refused(staff, application):
    staff.post(reverse("receipt_issue", args=[application.pk, "acceptance"]))
    response = staff.post(
        reverse("receipt_issue", args=[application.pk, "refusal"]),
        {"reason": "不属于本机关职权范围", "legal_basis": "《行政许可法》第三十二条"},
    )
    assert response.status_code == 422
    final = Receipt.objects.get()
    assert (
        tr(
            "This application already has a final notice, %(number)s. Void it first if it "
            "was issued by mistake.",
            number=final.number,
        )
        in response.content.decode()
    )
    assert Receipt.objects.count() == 1
    assert not ReceiptCounter.objects.filter(kind="refusal", last__gt=0).exists()


def test_numbers_run_per_kind_and_year_and_a_voided_number_is_never_reused(
    staff_member, handled, admin_user
):
    apps = [register(staff_member, handled) for _ in range(3)]
    user = staff_member.user
    a1 = receipts.receipt_issue(actor=user, application=apps[0], kind=Kind.ACCEPTANCE)
    a2 = receipts.receipt_issue(actor=user, application=apps[1], kind=Kind.ACCEPTANCE)
    receipts.receipt_void(actor=admin_user, receipt=a2, reason="误选申请")
    a3 = receipts.receipt_issue(actor=user, application=apps[1], kind=Kind.ACCEPTANCE)
    c1 = receipts.receipt_issue(
        actor=user, application=apps[2], kind=Kind.CORRECTION, other_materials=["章程"]
    )
    assert [a1.serial, a2.serial, a3.serial, c1.serial] == [1, 2, 3, 1]
    a2.refresh_from_db()
    assert a2.voided and a2.number.endswith("受字第00002号")


def test_a_notice_issued_on_the_first_day_of_a_year_starts_at_one(staff_member, handled):
    application = register(staff_member, handled, now=at(datetime.date(2026, 12, 31)))
    receipts.receipt_issue(
        actor=staff_member.user,
        application=register(staff_member, handled, now=at(datetime.date(2026, 12, 31))),
        kind=Kind.ACCEPTANCE,
        now=at(datetime.date(2026, 12, 31)),
    )
    receipt = receipts.receipt_issue(
        actor=staff_member.user,
        application=application,
        kind=Kind.ACCEPTANCE,
        now=at(datetime.date(2027, 1, 4)),
    )
    assert receipt.number == "〔2027〕受字第00001号"


def test_voiding_a_final_notice_lets_another_be_issued(admin, staff_member, application):
    refusal = receipts.receipt_issue(
        actor=staff_member.user,
        application=application,
        kind=Kind.REFUSAL,
        reason="误",
        legal_basis="误",
    )
    response = admin.post(reverse("receipt_void", args=[refusal.pk]), {"reason": ""})
    assert response.status_code == 422
    assert tr("Say why the notice is voided.") in response.content.decode()
    admin.post(reverse("receipt_void", args=[refusal.pk]), {"reason": "选错申请"})
    application.refresh_from_db()
    assert application.state == Application.State.RECEIVED
    receipts.receipt_issue(actor=staff_member.user, application=application, kind=Kind.ACCEPTANCE)
    application.refresh_from_db()
    assert application.state == Application.State.ACCEPTED


def test_staff_cannot_void(staff, staff_member, application):
    receipt = receipts.receipt_issue(
        actor=staff_member.user, application=application, kind=Kind.ACCEPTANCE
    )
    assert (
        staff.post(reverse("receipt_void", args=[receipt.pk]), {"reason": "x"}).status_code == 403
    )
    receipt.refresh_from_db()
    assert not receipt.voided


def test_the_window_no_longer_handling_the_item_stops_a_notice(staff, application, window):
    window.items.clear()
    response = staff.post(reverse("receipt_issue", args=[application.pk, "acceptance"]))
    assert response.status_code == 422
    message = tr(DOES_NOT_HANDLE, number=window.number, item=application.item.name)
    assert message in response.content.decode()
    assert not Receipt.objects.exists()


def test_html_typed_anywhere_is_escaped_on_the_pages(staff, staff_member, handled):
    application = register(staff_member, handled, applicant_name="<script>alert(1)</script>")
    staff.post(
        reverse("receipt_issue", args=[application.pk, "refusal"]),
        {"reason": "<b>bold</b>", "legal_basis": "<i>x</i>"},
    )
    receipt = Receipt.objects.get()
    for url in (
        reverse("receipt_application_list"),
        reverse("receipt_application", args=[application.pk]),
        reverse("receipt_detail", args=[receipt.pk]),
        reverse("receipt_list"),
    ):
        body = staff.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body, url
        assert "&lt;script&gt;" in body, url
    body = staff.get(reverse("receipt_detail", args=[receipt.pk])).content.decode()
    assert "<b>bold</b>" not in body and "&lt;b&gt;bold&lt;/b&gt;" in body


# --- the correction clock ---------------------------------------------------------------------


def test_the_clock_counts_working_days_and_turns_amber_then_red(staff_member, handled):
    application = register(staff_member, handled, now=at(MON))  # due Monday 9 Nov
    clock = receipts.correction_clock(application, MON)
    assert (clock.days_left, clock.level) == (5, "ok")
    assert receipts.correction_clock(application, datetime.date(2026, 11, 6)).days_left == 1
    assert receipts.correction_clock(application, datetime.date(2026, 11, 7)).days_left == 1
    last = receipts.correction_clock(application, datetime.date(2026, 11, 9))
    assert (last.days_left, last.level, last.deemed_accepted) == (0, "last", False)
    over = receipts.correction_clock(application, datetime.date(2026, 11, 10))
    assert over.level == "over" and over.deemed_accepted


def test_a_public_holiday_moves_the_deadline(staff_member, handled):
    from hall.models import CalendarDay

    CalendarDay.objects.create(date=datetime.date(2026, 11, 4), kind="holiday", name="测试")
    application = register(staff_member, handled, now=at(MON))
    assert application.correction_due_on == datetime.date(2026, 11, 10)


def test_after_the_deadline_a_correction_is_refused_and_the_application_counts_as_accepted(
    staff_member, handled
):
    application = register(staff_member, handled, now=at(MON))
    late = at(datetime.date(2026, 11, 10))
    with pytest.raises(ValidationError, match=raised(RAN_OUT, date="2026-11-09")):
        receipts.receipt_issue(
            actor=staff_member.user,
            application=application,
            kind=Kind.CORRECTION,
            other_materials=["章程"],
            now=late,
        )
    with pytest.raises(ValidationError, match=raised(RAN_OUT_NO_REFUSAL, date="2026-11-09")):
        receipts.receipt_issue(
            actor=staff_member.user,
            application=application,
            kind=Kind.REFUSAL,
            reason="x",
            legal_basis="y",
            now=late,
        )
    counts = receipts.abnormal_counts(MON, today=datetime.date(2026, 11, 10))
    row = counts.window(staff_member.window_id)
    assert (row.deemed, row.accepted, row.corrections, row.refusals) == (1, 1, 0, 0)
    # The acceptance notice may still be issued; the deemed acceptance then gives way to it.
    receipts.receipt_issue(
        actor=staff_member.user, application=application, kind=Kind.ACCEPTANCE, now=late
    )
    row = receipts.abnormal_counts(MON, today=datetime.date(2026, 11, 10)).window(
        staff_member.window_id
    )
    assert (row.deemed, row.acceptances) == (0, 1)


def test_the_pending_list_shows_the_clock_in_amber_and_red(staff, staff_member, handled):
    today = timezone.localdate()
    from hall.workcalendar import add_working_days

    for back in (5, 6, 1):  # the due day today; run out; four days left
        received = add_working_days(today, -back)
        register(staff_member, handled, now=at(received), applicant_name=f"申请人{back}")
    body = staff.get(reverse("receipt_application_list") + "?state=pending").content.decode()
    assert body.count('data-level="last"') == 1
    assert body.count('data-level="over"') == 1
    assert body.count('data-level="ok"') == 1
    assert "table-danger" in body and "table-warning" in body


# --- abnormal handling ------------------------------------------------------------------------


def test_abnormal_counts_per_window_and_item_leave_voided_notices_out(
    staff_member, other_staff_member, handled, admin_user
):
    other_item = ApprovalItemFactory(department=other_staff_member.department, name="税务登记")
    other_staff_member.window.items.add(other_item)
    user, other = staff_member.user, other_staff_member.user
    day = at(MON)

    def app(member, item):
        return receipts.application_register(
            actor=member.user,
            window=member.window,
            item=item,
            applicant_name="甲",
            applicant_id="500106198705123456",
            contact="13800000000",
            now=day,
        )

    for _ in range(2):
        receipts.receipt_issue(
            actor=user,
            application=app(staff_member, handled),
            kind=Kind.REFUSAL,
            reason="r",
            legal_basis="b",
            now=day,
        )
    receipts.receipt_issue(
        actor=user,
        application=app(staff_member, handled),
        kind=Kind.CORRECTION,
        other_materials=["章程"],
        now=day,
    )
    voided = receipts.receipt_issue(
        actor=other,
        application=app(other_staff_member, other_item),
        kind=Kind.REFUSAL,
        reason="r",
        legal_basis="b",
        now=day,
    )
    receipts.receipt_void(actor=admin_user, receipt=voided, reason="误")
    receipts.receipt_issue(
        actor=other, application=app(other_staff_member, other_item), kind=Kind.ACCEPTANCE, now=day
    )
    counts = receipts.abnormal_counts(MON, today=MON)
    mine = counts.window(staff_member.window_id)
    theirs = counts.window(other_staff_member.window_id)
    assert (mine.refusals, mine.corrections, mine.acceptances, mine.abnormal) == (2, 1, 0, 3)
    assert (theirs.refusals, theirs.corrections, theirs.acceptances) == (0, 0, 1)
    by_item = {r.key: r for r in counts.by_item}
    assert by_item[handled.pk].refusals == 2 and by_item[other_item.pk].refusals == 0
    assert counts.by_window[0].key == staff_member.window_id  # most abnormal first
    assert (counts.total.refusals, counts.total.corrections) == (2, 1)
    # Another month counts nothing.
    assert receipts.abnormal_counts(datetime.date(2026, 10, 1), today=MON).by_window == []


def test_the_abnormal_page_shows_the_table(admin, staff_member, application):
    receipts.receipt_issue(
        actor=staff_member.user,
        application=application,
        kind=Kind.REFUSAL,
        reason="r",
        legal_basis="b",
    )
    month = timezone.localdate().strftime("%Y-%m")
    body = admin.get(reverse("receipt_abnormal") + f"?month={month}").content.decode()
    assert 'id="by-window"' in body and staff_member.window.number in body
    assert application.item.name in body
    today = timezone.localdate()
    before = (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    assert f'href="?month={before}"' in body
    nxt = (today.replace(day=1) + datetime.timedelta(days=32)).strftime("%Y-%m")
    assert f'href="?month={nxt}"' not in body  # no way into a month not begun
    last = admin.get(reverse("receipt_abnormal") + f"?month={before}").content.decode()
    assert f'href="?month={month}"' in last


def test_the_admin_filters_receipts_by_kind_window_item_and_month(
    admin, staff_member, other_staff_member, handled
):
    application = register(staff_member, handled)
    r = receipts.receipt_issue(
        actor=staff_member.user, application=application, kind=Kind.ACCEPTANCE
    )
    elsewhere = WindowFactory(number="C09")
    url = reverse("receipt_list")
    month = timezone.localdate().strftime("%Y-%m")
    assert r.number in admin.get(url).content.decode()
    assert r.number in admin.get(url + f"?kind=acceptance&month={month}").content.decode()
    assert r.number not in admin.get(url + "?kind=refusal").content.decode()
    assert r.number not in admin.get(url + f"?window={elsewhere.pk}").content.decode()
    assert r.number in admin.get(url + f"?item={handled.code}").content.decode()
    assert r.number not in admin.get(url + "?item=不存在").content.decode()
    assert r.number not in admin.get(url + "?month=2001-01").content.decode()
