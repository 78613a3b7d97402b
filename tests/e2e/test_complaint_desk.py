"""The duty supervisor records a complaint at the desk on the tablet (1024×768, and the form
fits 768×1024 with touch targets ≥ 44 px); the citizen follows it on a phone (390×844) with
the case number and code, and answers the reply."""

from __future__ import annotations

import pytest

from complaints import desk
from complaints.models import Complaint
from tests.e2e.conftest import login
from tests.factories import PASSWORD, StaffMemberFactory, WindowFactory


@pytest.fixture
def hall_floor(transactional_db, supervisor_user, admin_user):
    window = WindowFactory(number="A07", name="企业登记窗口")
    member = StaffMemberFactory(window=window, name="窗口员", phone="13800001111")
    WindowFactory(number="B02", name="税务综合窗口")
    return window, member


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _small_targets(page) -> list[str]:
    return page.evaluate(
        """[...document.querySelectorAll(
            'main .btn, main select, main input:not([type=hidden]), main textarea')]
        .filter(el => el.offsetParent && !el.classList.contains('btn-check'))
        .filter(el => el.getBoundingClientRect().height < 44)
        .map(el => el.outerHTML.slice(0, 80))"""
    )


def test_record_a_desk_complaint_on_the_tablet_then_track_it_on_a_phone(
    live_server, page_at, shot, hall_floor, admin_user
):
    window, member = hall_floor
    page = page_at("tablet")
    login(page, live_server, "supervisor", PASSWORD)
    page.click("#desk-complaint")
    page.wait_for_selector("#complaint-desk-form")
    assert _fits(page) and _small_targets(page) == []
    page.click("label[for=target-A07]")
    page.fill("#id_complainant", "赵先生")
    page.fill("#id_contact", "13900002222")
    page.fill("#id_facts", "窗口人员离岗二十分钟 <script>alert(1)</script>")
    shot(page, "complaint-desk-tablet-1024")
    page.click("#save-complaint")
    page.wait_for_selector("#duty-sync.saved")
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.window, complaint.form) == ("desk", window, "oral")
    assert complaint.number in page.inner_text("#duty-sync")
    assert complaint.code in page.inner_text("#duty-sync")
    shot(page, "complaint-desk-tablet-saved-1024")

    # The hall office answers it.
    for step in ("accept", "investigate"):
        getattr(desk, f"complaint_{step}")(actor=admin_user, complaint=complaint)
    desk.complaint_handle(
        actor=admin_user, complaint=complaint, outcome="upheld", findings="内部：调取录像属实"
    )
    desk.complaint_reply(actor=admin_user, complaint=complaint, reply="经核实属实，已批评教育。")

    phone = page_at("phone")
    phone.goto(f"{live_server.url}/complain/track/")
    phone.fill("#id_number", complaint.number)
    phone.fill("#id_code", "WRONG123")
    phone.click("#track")
    phone.wait_for_selector("#track-error")
    assert "经核实属实" not in phone.content()
    phone.fill("#id_number", complaint.number)
    phone.fill("#id_code", complaint.code.lower())
    phone.click("#track")
    phone.wait_for_selector("#track-result")
    content = phone.content()
    assert "经核实属实，已批评教育。" in content
    for secret in ("内部", member.name, member.phone, "13900002222"):
        assert secret not in content
    assert _fits(phone)
    shot(phone, "complaint-track-phone")
    phone.click("#answer-unsatisfied")
    phone.wait_for_selector("#track-result")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reopened) == ("investigating", True)
    shot(phone, "complaint-track-phone-reopened")


def test_the_desk_form_fits_the_tablet_in_portrait(live_server, page_at, shot, hall_floor):
    page = page_at("tablet_portrait")
    login(page, live_server, "supervisor", PASSWORD)
    page.goto(f"{live_server.url}/duty/complaint/")
    shot(page, "complaint-desk-tablet-portrait")
    assert _fits(page) and _small_targets(page) == []


def test_a_citizen_lodges_a_complaint_on_a_phone(live_server, page_at, shot, hall_floor):
    page = page_at("phone")
    page.goto(f"{live_server.url}/complain/")
    assert _fits(page)
    shot(page, "complaint-lodge-phone")
    page.fill("#id_complainant", "钱女士")
    page.fill("#id_contact", "13800138000")
    page.select_option("#id_window", label="A07 企业登记窗口")
    page.fill("#id_facts", "等候时间过长")
    page.click("#lodge")
    page.wait_for_selector("#lodged-number")
    complaint = Complaint.objects.get()
    assert page.inner_text("#lodged-number") == complaint.number
    assert page.inner_text("#lodged-code") == complaint.code
    assert _fits(page)
    shot(page, "complaint-lodged-phone")
