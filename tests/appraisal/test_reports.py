"""The appraisal's PDFs: the monthly summary, the sheets (考核表), the certificates (奖状), when
they are asked for, the reports page, and who may download which."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from appraisal import reports
from appraisal.models import AppraisalMonth, Rule
from appraisal.services import month_close, month_publish, score_entry_add, score_entry_reverse
from hall import pdf
from hall.models import Document, HallProfile
from tests.appraisal.factories import RuleFactory
from tests.factories import DepartmentFactory, LiaisonFactory, UserFactory

MARCH = datetime.date(2026, 3, 1)
HALL = "沙坪坝区行政审批服务大厅"

pytestmark = pytest.mark.usefixtures("clock", "media")


@pytest.fixture
def profile(db):
    return HallProfile.objects.create(pk=1, name=HALL)


@pytest.fixture
def praise(db):
    return RuleFactory(
        code="S-20",
        title="群众书面表扬",
        category=Rule.Category.COMMENDATION,
        min_points=1,
        max_points=1,
    )


@pytest.fixture
def march(profile, admin_user, staff_member, other_staff_member, late, praise, window_rule):
    """March with entries (one reversed), closed: the four documents are queued, unrendered."""
    day = datetime.date(2026, 3, 10)
    score_entry_add(author=admin_user, rule=praise, points=1, occurred_on=day, staff=staff_member)
    wrong = score_entry_add(
        author=admin_user,
        rule=late,
        points=-1,
        occurred_on=day,
        staff=staff_member,
        evidence="8:47 到岗，值班长记录",
    )
    score_entry_reverse(author=admin_user, entry=wrong, reason="考勤机故障，撤销")
    score_entry_add(
        author=admin_user, rule=late, points=-1, occurred_on=day, staff=other_staff_member
    )
    score_entry_add(
        author=admin_user,
        rule=window_rule,
        points=-2,
        occurred_on=day,
        window=other_staff_member.window,
    )
    return month_close(MARCH)


def render(django_capture_on_commit_callbacks, month: AppraisalMonth, user=None):
    with django_capture_on_commit_callbacks(execute=True):
        reports.appraisal_reports_request(month, requested_by=user, automatic=False)
    return {d.kind: d for d in Document.objects.filter(group=reports.month_group(month.month))}


def text_of(field_file, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(default_storage.open(field_file.name).read())
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def info_of(data: bytes, tmp_path: Path, tool: str) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, str(path)], capture_output=True, text=True).stdout


# --- when the PDFs are asked for -----------------------------------------------------------


def test_closing_a_month_records_its_four_documents_queued(march):
    docs = Document.objects.filter(group="appraisal-month-2026-03")
    assert sorted(d.kind for d in docs) == sorted(reports.MONTH_DOCUMENTS)
    assert {d.status for d in docs} == {Document.Status.QUEUED}


def test_the_close_records_the_fingerprint_the_ledger_gives(march):
    expected = reports.month_fingerprint(march)  # read from the ledger, after the close
    docs = Document.objects.filter(group="appraisal-month-2026-03")
    assert expected.startswith("closed:5:")  # five entries, one of them a reversal
    assert {d.params["fingerprint"] for d in docs} == {expected}


def test_with_a_worker_closing_and_publishing_queue_the_renders_on_commit(
    profile, staff_member, late, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr(pdf, "worker_available", lambda: True)
    monkeypatch.setattr(pdf, "_queue", queued.append)
    score_entry_add(
        author=admin_user,
        rule=late,
        points=-1,
        occurred_on=datetime.date(2026, 3, 9),
        staff=staff_member,
    )
    with django_capture_on_commit_callbacks(execute=True):
        month = month_close(MARCH)
    assert len(queued) == 4
    with django_capture_on_commit_callbacks(execute=True):
        month_publish(month)
    assert len(queued) == 8
    assert Document.objects.filter(group="appraisal-month-2026-03").count() == 4


def test_asking_again_requeues_every_document_of_the_month_with_its_own_title_and_params(
    march, staff_member, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr(pdf, "_queue", queued.append)
    sheet = reports.staff_sheet(march, staff_member)
    Document.objects.filter(group=sheet.group).update(status=Document.Status.DONE, generation=3)
    with django_capture_on_commit_callbacks(execute=True):
        docs = reports.appraisal_reports_request(march, automatic=False)
    fingerprint = reports.month_fingerprint(march)
    assert [d.kind for d in docs] == [*reports.MONTH_DOCUMENTS, reports.STAFF_SHEET]
    assert sorted(queued) == sorted(d.pk for d in docs)
    rows = {d.kind: d for d in Document.objects.filter(group=sheet.group)}
    assert len(rows) == 5
    assert {(d.status, d.generation) for d in rows.values()} == {(Document.Status.QUEUED, 4)}
    assert rows[reports.SUMMARY].title == reports._title(reports.SUMMARY, MARCH)
    assert rows[reports.CERTIFICATES].title == reports._title(reports.CERTIFICATES, MARCH)
    assert rows[reports.SUMMARY].params == {"month": "2026-03-01", "fingerprint": fingerprint}
    assert rows[reports.STAFF_SHEET].params["staff"] == staff_member.pk
    assert rows[reports.STAFF_SHEET].params["fingerprint"] == fingerprint


# --- what the PDFs say ---------------------------------------------------------------------


def test_the_summary_shows_the_hall_the_staff_and_chinese_headings(
    march, staff_member, django_capture_on_commit_callbacks, tmp_path
):
    summary = render(django_capture_on_commit_callbacks, march)[reports.SUMMARY]
    assert summary.status == Document.Status.DONE, summary.error
    text = text_of(summary.file, tmp_path)
    assert HALL in text
    assert "张晓梅" in text and "刘建国" in text
    for heading in ("表彰", "服务明星", "排名", "总分", "入驻部门"):
        assert heading in text
    assert "S-01 迟到" in text  # the deductions by category name their rules
    fonts = info_of(default_storage.open(summary.file.name).read(), tmp_path, "pdffonts")
    assert "Noto-Sans-CJK-SC" in fonts and "Noto-Serif-CJK-SC" in fonts


def test_a_staff_sheet_lists_every_entry_with_its_reversal(
    march, staff_member, django_capture_on_commit_callbacks, tmp_path
):
    sheets = render(django_capture_on_commit_callbacks, march)[reports.STAFF_SHEETS]
    text = text_of(sheets.file, tmp_path)
    assert "考核表" in text
    assert "张晓梅" in text and "S0001" in text
    assert "群众书面表扬" in text
    assert "8:47 到岗，值班长记录" in text
    assert "考勤机故障，撤销" in text  # the reversal and its reason
    assert "王主任" in text  # the author
    assert "日期：" in text  # under the signature lines


def test_a_window_sheet_shows_the_windows_entries(
    march, django_capture_on_commit_callbacks, tmp_path
):
    sheets = render(django_capture_on_commit_callbacks, march)[reports.WINDOW_SHEETS]
    text = text_of(sheets.file, tmp_path)
    assert "考核表" in text
    assert "B01" in text and "税务综合" in text
    assert "窗口台面不整洁" in text


def test_a_certificate_names_the_award_the_person_and_the_hall_on_landscape_a4(
    march, django_capture_on_commit_callbacks, tmp_path
):
    certificates = render(django_capture_on_commit_callbacks, march)[reports.CERTIFICATES]
    data = default_storage.open(certificates.file.name).read()
    text = text_of(certificates.file, tmp_path)
    assert "服务明星" in text and "张晓梅" in text
    assert "奖" in text and "状" in text
    assert HALL in text
    assert "841.89 x 595.276" in info_of(data, tmp_path, "pdfinfo")  # A4 landscape


def test_the_seal_is_printed_on_the_certificate_when_uploaded(
    march, profile, django_capture_on_commit_callbacks, tmp_path
):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (60, 60), (200, 0, 0, 255)).save(buf, format="PNG")
    profile.seal.save("seal.png", ContentFile(buf.getvalue()))
    certificates = render(django_capture_on_commit_callbacks, march)[reports.CERTIFICATES]
    data = default_storage.open(certificates.file.name).read()
    assert "image" in info_of(data, tmp_path, "pdfimages").lower() or b"/Image" in data


# --- re-rendering and failing --------------------------------------------------------------


def test_re_rendering_replaces_the_old_file(march, django_capture_on_commit_callbacks):
    first = render(django_capture_on_commit_callbacks, march)[reports.SUMMARY].file.name
    second = render(django_capture_on_commit_callbacks, march)[reports.SUMMARY].file.name
    assert first != second
    assert not default_storage.exists(first)
    assert default_storage.exists(second)
    assert Document.objects.filter(key="appraisal-month-2026-03-summary").count() == 1


def test_a_failed_render_is_recorded_and_the_reports_page_says_so(
    march, admin, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(month):
        raise RuntimeError("模板出错")

    monkeypatch.setattr(reports, "summary_context", broken)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("appraisal_month_reports_render", args=[MARCH]))
    response = admin.get(reverse("appraisal_month_reports", args=[MARCH]))
    summary = Document.objects.get(key="appraisal-month-2026-03-summary")
    assert summary.status == Document.Status.FAILED
    assert "RuntimeError: 模板出错" in summary.error
    page = response.content.decode()
    assert "RuntimeError: 模板出错" in page
    assert "失败" in page  # the status badge, in Chinese


def test_re_rendering_an_open_month_is_refused(admin, profile):
    AppraisalMonth.objects.create(month=MARCH)
    response = admin.post(reverse("appraisal_month_reports_render", args=[MARCH]), follow=True)
    assert Document.objects.count() == 0
    assert response.status_code == 200


# --- the reports page ----------------------------------------------------------------------


def test_the_reports_page_lists_the_documents_with_download_links(
    march, admin, django_capture_on_commit_callbacks
):
    docs = render(django_capture_on_commit_callbacks, march)
    page = admin.get(reverse("appraisal_month_reports", args=[MARCH])).content.decode()
    for doc in docs.values():
        assert doc.title in page
        assert reverse("document_download", args=[doc.pk]) in page
    assert "hx-trigger" not in page  # nothing running: no polling


def test_the_reports_page_polls_while_a_worker_renders(march, admin, monkeypatch):
    monkeypatch.setattr(pdf, "worker_available", lambda: True)
    url = reverse("appraisal_month_reports", args=[MARCH])
    page = admin.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    partial = admin.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="documents"')
    assert "<html" not in partial


def test_without_a_worker_the_reports_page_says_the_queued_pdfs_wait(march, admin):
    page = admin.get(reverse("appraisal_month_reports", args=[MARCH])).content.decode()
    assert 'id="document-table"' in page
    assert "hx-trigger" not in page
    assert "alert-warning" in page


def test_the_month_board_links_to_its_reports(march, admin):
    page = admin.get(reverse("appraisal_month_board", args=[MARCH])).content.decode()
    assert reverse("appraisal_month_reports", args=[MARCH]) in page


# --- who downloads what --------------------------------------------------------------------


def fetch(client, url, capture):
    """Ask for an on-demand PDF: the first answer is the waiting page (the render runs once
    the request's transaction commits, here when the capture ends), the reload the PDF."""
    with capture(execute=True):
        client.get(url)
    return client.get(url)


def test_staff_download_their_own_sheet_of_a_published_month(
    march, staff, staff_member, django_capture_on_commit_callbacks, tmp_path
):
    month_publish(march)
    scores = staff.get(reverse("appraisal_my_scores") + "?month=2026-03").content.decode()
    url = reverse("appraisal_my_sheet", args=[MARCH])
    assert url in scores
    response = fetch(staff, url, django_capture_on_commit_callbacks)
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    path = tmp_path / "mine.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "张晓梅" in text and "考核表" in text
    assert "刘建国" not in text


def test_a_sheet_of_a_month_not_yet_published_is_not_found(march, staff):
    assert staff.get(reverse("appraisal_my_sheet", args=[MARCH])).status_code == 404


def test_the_stored_sheet_is_served_again_until_the_ledger_changes(
    march, staff, staff_member, django_capture_on_commit_callbacks
):
    month_publish(march)
    url = reverse("appraisal_my_sheet", args=[MARCH])
    with django_capture_on_commit_callbacks(execute=True):
        staff.get(url)
    sheet = Document.objects.get(kind=reports.STAFF_SHEET)
    with django_capture_on_commit_callbacks(execute=True):
        staff.get(url)
    assert Document.objects.get(pk=sheet.pk).file.name == sheet.file.name


def test_another_staff_member_gets_a_404_for_my_sheet(
    march, staff, other_staff, django_capture_on_commit_callbacks
):
    month_publish(march)
    with django_capture_on_commit_callbacks(execute=True):
        staff.get(reverse("appraisal_my_sheet", args=[MARCH]))
    sheet = Document.objects.get(kind=reports.STAFF_SHEET)
    download = reverse("document_download", args=[sheet.pk])
    assert staff.get(download).status_code == 200
    assert other_staff.get(download).status_code == 404


def test_a_liaison_downloads_their_departments_sheets_only(
    march, liaison, staff_member, django_capture_on_commit_callbacks, tmp_path
):
    month_publish(march)
    response = fetch(
        liaison,
        reverse("appraisal_department_sheets", args=[MARCH]),
        django_capture_on_commit_callbacks,
    )
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "dept.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "张晓梅" in text and "A01" in text
    assert "刘建国" not in text and "税务综合" not in text


def test_a_liaison_of_another_department_gets_a_404_for_a_staff_sheet(
    march, staff, django_capture_on_commit_callbacks
):
    month_publish(march)
    with django_capture_on_commit_callbacks(execute=True):
        staff.get(reverse("appraisal_my_sheet", args=[MARCH]))
    sheet = Document.objects.get(kind=reports.STAFF_SHEET)
    stranger = LiaisonFactory(
        user=UserFactory(username="tax-liaison", roles=["department_liaison"]),
        department=DepartmentFactory(name="税务局二", short_name="税二", code="SW2"),
    ).user
    from django.test import Client

    client = Client()
    client.force_login(stranger, backend="hall.backends.HallBackend")
    assert client.get(reverse("document_download", args=[sheet.pk])).status_code == 404


def test_the_month_bundles_are_for_the_admin_only(
    march, admin, staff, liaison, django_capture_on_commit_callbacks
):
    month_publish(march)
    summary = render(django_capture_on_commit_callbacks, march)[reports.SUMMARY]
    url = reverse("document_download", args=[summary.pk])
    assert admin.get(url).status_code == 200
    assert staff.get(url).status_code == 404
    assert liaison.get(url).status_code == 404


def test_while_a_worker_renders_the_sheet_a_page_reloads_itself(march, staff, monkeypatch):
    month_publish(march)
    monkeypatch.setattr(pdf, "worker_available", lambda: True)
    response = staff.get(reverse("appraisal_my_sheet", args=[MARCH]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'http-equiv="refresh"' in page
    assert 'id="document-waiting"' in page
