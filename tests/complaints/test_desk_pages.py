"""The complaints desk's pages: the board and a complaint's page, the tablet form, the public
lodge and track pages (nothing internal), the Excel export, the reply letter."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from complaints import desk
from complaints.models import Complaint
from hall.models import Document
from tests.helpers import tr

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def receive(actor=None, *, target=None, **kw) -> Complaint:
    data = {
        "complainant": "王先生",
        "contact": "13800138000",
        "facts": "窗口人员态度生硬",
        "channel": "desk",
        "form": "written",
    }
    data.update(kw)
    return desk.complaint_receive(actor=actor, target=target or desk.Target("hall"), **data)


# --- the board -----------------------------------------------------------------------------


def test_the_board_masks_the_contact_and_marks_overdue_in_red(admin, admin_user, window):
    late = receive(admin_user, received_at=timezone.now() - datetime.timedelta(days=30))
    fresh = receive(
        admin_user,
        contact="13911112222",
        target=desk.Target("window", window=window),
    )
    page = admin.get(reverse("complaint_board")).content.decode()
    assert "138****8000" in page and "13800138000" not in page
    row = page.split(f'id="complaint-{late.pk}"')[1].split("</tr>")[0]
    assert row.startswith(' class="table-danger"') and 'class="overdue"' in row
    fresh_row = page.split(f'id="complaint-{fresh.pk}"')[1].split("</tr>")[0]
    assert "table-danger" not in fresh_row and 'class="overdue"' not in fresh_row


def test_the_board_filters_by_status_channel_department_and_overdue(admin, admin_user, window):
    late = receive(admin_user, received_at=timezone.now() - datetime.timedelta(days=30))
    about_window = receive(admin_user, target=desk.Target("window", window=window), channel="phone")
    url = reverse("complaint_board")

    def shown(query):
        page = admin.get(url, query).content.decode()
        return {c.pk for c in (late, about_window) if f'id="complaint-{c.pk}"' in page}

    assert shown({"overdue": "1"}) == {late.pk}
    assert shown({"channel": "phone"}) == {about_window.pk}
    assert shown({"department": window.department_id}) == {about_window.pk}
    assert shown({"status": "closed"}) == set()
    assert shown({"status": "bogus", "department": "x"}) == {late.pk, about_window.pk}


def test_the_export_is_a_workbook_of_the_filtered_list(admin, admin_user):
    receive(admin_user, channel="hotline", hotline_no="12345-001")
    receive(admin_user, channel="letter")
    response = admin.get(reverse("complaint_export"), {"channel": "hotline"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2 and rows[1][3] == "12345-001"
    assert rows[1][6] == "138****8000"


def test_the_export_names_its_sheet_and_a_phone_complaint_in_their_own_words(admin, admin_user):
    # "Complaints" and "Phone" have their own contexts here: not the hall profile's complaint
    # phone (投诉电话) nor a contact phone (联系电话).
    receive(admin_user, channel="phone")
    response = admin.get(reverse("complaint_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert sheet.title == "投诉"
    assert rows[0][:3] == ("投诉编号", "接收时间", "投诉渠道")
    assert rows[1][2] == "电话投诉"


def test_the_office_records_a_complaint_and_a_hotline_one_needs_its_number(admin, window):
    url = reverse("complaint_new")
    data = {
        "channel": "hotline",
        "form": "written",
        "complainant": "李女士",
        "contact": "13800138000",
        "target_kind": "window",
        "window": window.pk,
        "facts": "等候时间过长",
    }
    response = admin.post(url, data)
    assert response.status_code == 422
    assert tr("A complaint from the 12345 hotline needs its hotline number.") in (
        response.content.decode()
    )
    assert not Complaint.objects.exists()
    response = admin.post(url, {**data, "hotline_no": "12345-2026-7"})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.window == window


def test_a_complaint_about_a_window_that_does_not_exist_is_refused_on_the_page(admin, window):
    response = admin.post(
        reverse("complaint_new"),
        {
            "channel": "phone",
            "form": "oral",
            "complainant": "李女士",
            "target_kind": "window",
            "window": window.pk + 1000,
            "facts": "等候时间过长",
        },
    )
    assert response.status_code == 422
    assert tr("There is no such window in the hall.") in response.content.decode()
    assert not Complaint.objects.exists()


def test_ten_thousand_characters_get_a_message_not_a_cut(admin):
    response = admin.post(
        reverse("complaint_new"),
        {
            "channel": "phone",
            "form": "oral",
            "complainant": "李女士",
            "target_kind": "hall",
            "facts": "长" * 10_000,
        },
    )
    assert response.status_code == 422
    assert "10000" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_page_walks_the_steps_and_refuses_a_jump_with_a_message(admin, admin_user):
    complaint = receive(admin_user)
    act = lambda action, **data: admin.post(  # noqa: E731
        reverse("complaint_act", args=[complaint.pk, action]),
        {f"{action}-{k}": v for k, v in data.items()},
        follow=True,
    )
    page = act("reply", reply="已答复").content.decode()
    S = Complaint.Status
    with translation.override("zh-hans"):
        next_steps = f"{S.ACCEPTED.label}、{S.NOT_ACCEPTED.label}"
    assert (
        tr(
            "Complaint %(number)s is %(status)s: it cannot be %(to)s now. Next step: %(next)s.",
            number=complaint.number,
            status=S.RECEIVED.label,
            to=S.REPLIED.label,
            next=next_steps,
        )
        in page
    )
    complaint.refresh_from_db()
    assert complaint.status == "received" and not complaint.reply
    act("accept")
    act("investigate")
    act("handle", outcome="not_upheld", findings="调取录像未见异常")
    act("reply", reply="经核实，窗口人员按规定办理。")
    act("close")
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    page = act("reply", reply="再答复").content.decode()
    assert (
        tr(
            "Complaint %(number)s is %(status)s: no reply can be added now.",
            number=complaint.number,
            status=S.CLOSED.label,
        )
        in page
    )
    complaint.refresh_from_db()
    assert complaint.reply == "经核实，窗口人员按规定办理。"


def test_html_in_any_field_is_escaped_on_the_office_pages(admin, admin_user):
    complaint = receive(admin_user, complainant=SCRIPT[:50], facts=SCRIPT, grounds=SCRIPT)
    for url in (reverse("complaint_board"), reverse("complaint_detail", args=[complaint.pk])):
        page = admin.get(url).content.decode()
        assert SCRIPT not in page and "&lt;script&gt;" in page


def test_the_contact_is_shown_in_full_only_on_the_complaint_page(admin, admin_user):
    complaint = receive(admin_user)
    assert (
        "13800138000"
        in admin.get(reverse("complaint_detail", args=[complaint.pk])).content.decode()
    )


# --- the tablet ----------------------------------------------------------------------------


def test_the_tablet_records_a_desk_complaint_once_per_key(supervisor, window):
    key = str(uuid.uuid4())
    data = {
        "key": key,
        "target": str(window.pk),
        "complainant": "赵先生",
        "contact": "13800138000",
        "facts": "窗口离岗十分钟",
        "form": "oral",
    }
    url = reverse("complaint_desk")
    first = supervisor.post(url, data, headers={"X-Duty-Submit": "1"})
    again = supervisor.post(url, data, headers={"X-Duty-Submit": "1"})
    assert (first.status_code, again.status_code) == (201, 200)
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.window, complaint.form) == ("desk", window, "oral")
    assert complaint.number in first.json()["message"] and complaint.code in first.json()["message"]
    slip = supervisor.get(first.json()["url"]).content.decode()
    assert complaint.code in slip


def test_the_tablet_refuses_a_window_that_does_not_exist(supervisor, window):
    response = supervisor.post(
        reverse("complaint_desk"),
        {
            "key": str(uuid.uuid4()),
            "target": str(window.pk + 999),
            "complainant": "赵先生",
            "facts": "态度差",
            "form": "oral",
        },
        headers={"X-Duty-Submit": "1"},
    )
    assert response.status_code == 422
    with translation.override("zh-hans"):
        no_such_window = translation.gettext("There is no such window in the hall.")
    assert response.json()["errors"]["target"] == [no_such_window]
    assert not Complaint.objects.exists()


def test_the_duty_home_links_the_tablet_form(supervisor):
    assert reverse("complaint_desk") in supervisor.get(reverse("home")).content.decode()


# --- the citizen's pages -------------------------------------------------------------------


def lodge(client, **kw):
    data = {
        "complainant": "钱女士",
        "contact": "13800138000",
        "target_kind": "hall",
        "facts": "大厅空调太冷",
    }
    data.update(kw)
    return client.post(reverse("complaint_lodge"), data, REMOTE_ADDR="10.1.2.3")


def test_a_citizen_lodges_a_complaint_and_gets_number_and_code(anonymous, window):
    response = lodge(anonymous, target_kind="window", window=window.pk)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.form, complaint.window) == ("web", "written", window)
    page = anonymous.get(response["Location"]).content.decode()
    assert complaint.number in page and complaint.code in page


def test_the_web_form_is_limited_per_address(anonymous, settings):
    settings.COMPLAINTS_WEB_PER_IP_PER_DAY = 2
    assert lodge(anonymous).status_code == 302
    assert lodge(anonymous).status_code == 302
    response = lodge(anonymous)
    assert response.status_code == 429
    assert Complaint.objects.count() == 2


def test_html_in_the_web_form_is_escaped_when_shown(anonymous, admin):
    lodge(anonymous, facts=SCRIPT)
    complaint = Complaint.objects.get()
    page = admin.get(reverse("complaint_detail", args=[complaint.pk])).content.decode()
    assert SCRIPT not in page


def track(client, number, code):
    return client.post(reverse("complaint_track"), {"number": number, "code": code})


def test_tracking_shows_status_and_reply_and_nothing_internal(anonymous, admin_user, staff_member):
    complaint = receive(
        admin_user, target=desk.target_resolve(kind="staff", staff_id=staff_member.pk)
    )
    other = receive(admin_user, complainant="孙先生", facts="另一件投诉")
    desk.complaint_accept(actor=admin_user, complaint=complaint, note="内部备注：需调录像")
    desk.complaint_investigate(actor=admin_user, complaint=complaint)
    desk.complaint_handle(
        actor=admin_user, complaint=complaint, outcome="upheld", findings="内部调查结论"
    )
    desk.complaint_reply(actor=admin_user, complaint=complaint, reply="您反映的问题属实，已整改。")
    page = track(anonymous, complaint.number, complaint.code).content.decode()
    assert "您反映的问题属实，已整改。" in page
    for secret in (
        "内部备注",
        "内部调查结论",
        staff_member.name,
        staff_member.phone or "no-phone",
        "13800138000",
        other.number,
        "另一件投诉",
    ):
        assert secret not in page


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(anonymous, admin_user):
    complaint = receive(admin_user)
    wrong = track(anonymous, complaint.number, "AAAAAAAA")
    unknown = track(anonymous, "TS2099-000001", complaint.code)
    assert wrong.status_code == unknown.status_code == 404
    assert (
        wrong.content.decode().replace(complaint.number, "TS2099-000001")
        == (unknown.content.decode())
        or wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    )
    assert complaint.facts not in wrong.content.decode()


def test_tracking_is_limited_per_address(anonymous, admin_user, settings):
    settings.COMPLAINTS_TRACK_PER_IP_PER_HOUR = 3
    cache.clear()
    complaint = receive(admin_user)
    for _ in range(3):
        track(anonymous, complaint.number, "AAAAAAAA")
    assert track(anonymous, complaint.number, complaint.code).status_code == 429


def test_unsatisfied_on_the_track_page_reopens_once(anonymous, admin_user):
    complaint = receive(admin_user)
    for step in ("accept", "investigate"):
        getattr(desk, f"complaint_{step}")(actor=admin_user, complaint=complaint)
    desk.complaint_handle(
        actor=admin_user, complaint=complaint, outcome="not_upheld", findings="无"
    )
    desk.complaint_reply(actor=admin_user, complaint=complaint, reply="已答复")
    url = reverse("complaint_feedback")
    data = {"number": complaint.number, "code": complaint.code, "answer": "unsatisfied"}
    assert anonymous.post(url, data).status_code == 200
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reopened) == ("investigating", True)
    forged = anonymous.post(url, {**data, "code": "AAAAAAAA"})
    assert forged.status_code == 404


# --- the reply letter ----------------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_a_written_reply_letter_carries_the_case_number_and_escapes_html(
    admin, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    complaint = receive(admin_user, facts=f"态度生硬{SCRIPT}")
    for step in ("accept", "investigate"):
        getattr(desk, f"complaint_{step}")(actor=admin_user, complaint=complaint)
    desk.complaint_handle(actor=admin_user, complaint=complaint, outcome="upheld", findings="属实")
    desk.complaint_reply(actor=admin_user, complaint=complaint, reply="已整改<b>加粗</b>")
    with django_capture_on_commit():
        response = admin.post(reverse("complaint_letter", args=[complaint.pk]))
    assert response.status_code == 302
    document = Document.objects.get(key=f"complaint-letter-{complaint.pk}")
    assert document.status == Document.Status.DONE, document.error
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(document.file.read())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert complaint.number in text
    assert "投诉答复书" in text
    assert "<script>" in text and "<b>加粗</b>" in text  # printed as text, not markup
    download = admin.get(reverse("document_download", args=[document.pk]))
    assert download.status_code == 200


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


# --- the staff member's page ---------------------------------------------------------------


def test_staff_see_accepted_complaints_about_them_without_the_complainant(
    staff, other_staff, admin_user, staff_member
):
    about_me = receive(
        admin_user,
        complainant="周先生",
        target=desk.target_resolve(kind="staff", staff_id=staff_member.pk),
    )
    desk.complaint_accept(actor=admin_user, complaint=about_me)
    not_yet = receive(
        admin_user, target=desk.Target("window", window=staff_member.window), facts="刚收到"
    )
    page = staff.get(reverse("complaint_my")).content.decode()
    assert about_me.number in page and not_yet.number not in page
    assert "周先生" not in page and "138" not in page
    assert about_me.number not in other_staff.get(reverse("complaint_my")).content.decode()


def test_a_reply_is_answered_once_and_the_form_then_goes(anonymous, admin_user):
    complaint = receive(admin_user)
    for step in ("accept", "investigate"):
        getattr(desk, f"complaint_{step}")(actor=admin_user, complaint=complaint)
    desk.complaint_handle(
        actor=admin_user, complaint=complaint, outcome="not_upheld", findings="无"
    )
    desk.complaint_reply(actor=admin_user, complaint=complaint, reply="已答复")
    assert 'id="answer-form"' in track(anonymous, complaint.number, complaint.code).content.decode()
    data = {"number": complaint.number, "code": complaint.code, "answer": "satisfied"}
    assert anonymous.post(reverse("complaint_feedback"), data).status_code == 200
    page = track(anonymous, complaint.number, complaint.code).content.decode()
    assert 'id="answer-form"' not in page
    again = anonymous.post(reverse("complaint_feedback"), {**data, "answer": "unsatisfied"})
    assert again.status_code == 422
    complaint.refresh_from_db()
    assert (complaint.status, complaint.satisfaction) == ("replied", "satisfied")
