"""Printed guides: the full guide, the one-page short form and the bound booklets, read back
from the PDF (pdftotext, pdffonts); the progress page before and after the render."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from guides import printing
from guides.models import GuideFaq, GuideMaterial
from hall.models import Document
from tests.factories import ApprovalItemFactory, DepartmentFactory
from tests.guides.conftest import publish
from tests.helpers import tr

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HALL_PUBLIC_URL = "https://hall.example.gov.cn/"


def pdf_bytes(document: Document) -> bytes:
    document.refresh_from_db()
    assert document.status == Document.Status.DONE, document.error
    with document.file.open("rb") as handle:
        return handle.read()


def run(tool: list[str], data: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [*tool, *args, str(path), *(["-"] if tool[0] == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def text(data: bytes, tmp_path: Path, *args: str) -> str:
    return run(["pdftotext"], data, tmp_path, *args)


def pages(data: bytes, tmp_path: Path) -> int:
    info = run(["pdfinfo"], data, tmp_path)
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_text(data: bytes, tmp_path: Path, n: int) -> str:
    return text(data, tmp_path, "-f", str(n), "-l", str(n))


def rendered(django_capture_on_commit_callbacks, make) -> Document:
    with django_capture_on_commit_callbacks(execute=True):
        document = make()
    return document


@pytest.fixture
def edition(item, admin_user, reviewer_user):
    e = publish(item, admin_user, reviewer_user)
    GuideFaq.objects.create(edition=e, order=1, question="可以网上办理吗？", answer="可以。")
    return e


def test_the_full_guide_has_every_section_the_item_and_a_qr_code_to_the_public_page(
    edition, tmp_path, django_capture_on_commit_callbacks
):
    document = rendered(
        django_capture_on_commit_callbacks, lambda: printing.edition_pdf(edition, printing.FULL)
    )
    data = pdf_bytes(document)
    out = text(data, tmp_path)
    for heading in ("基本信息", "设定依据", "申请条件", "申请材料", "办理流程", "办理流程图"):
        assert heading in out, heading
    for heading in ("收费标准", "常见问题", "法定办结时限", "承诺办结时限"):
        assert heading in out, heading
    assert "内资企业设立登记" in out and "GS-001" in out
    assert "营业执照申请书" in out and "可以网上办理吗" in out
    assert "https://hall.example.gov.cn/guides/GS-001/" in "".join(out.split())
    assert 'class="qr"' in printing.guide_parts(edition)["qr"]


def test_the_pdf_embeds_cjk_fonts_with_a_serif_song_face_for_the_body(
    edition, tmp_path, django_capture_on_commit_callbacks
):
    document = rendered(
        django_capture_on_commit_callbacks, lambda: printing.edition_pdf(edition, printing.FULL)
    )
    fonts = run(["pdffonts"], pdf_bytes(document), tmp_path)
    embedded = [line for line in fonts.splitlines() if "CJK" in line]
    assert any("Noto-Serif-CJK-SC" in line for line in embedded), fonts
    assert all(" yes " in line for line in embedded)


def test_the_short_form_is_one_page_with_limits_fees_visits_materials_place_and_phones(
    edition, tmp_path, django_capture_on_commit_callbacks
):
    for n in range(12):  # a long list still fits the page
        GuideMaterial.objects.create(
            edition=edition, order=10 + n, name=f"补充材料{n}", form="copy"
        )
    document = rendered(
        django_capture_on_commit_callbacks, lambda: printing.edition_pdf(edition, printing.SHORT)
    )
    data = pdf_bytes(document)
    assert pages(data, tmp_path) == 1
    out = text(data, tmp_path)
    for label in ("法定办结时限", "承诺办结时限", "收费标准", "到办事现场次数", "申请材料"):
        assert label in out, label
    for value in ("工本费10元", "补充材料11", "一楼A区A01窗口", "023-65312345", "12345"):
        assert value in out, value
    # the short form leaves out the legal text; only its pointer to the full guide names it
    pointer = tr("The full guide (legal basis, conditions, procedure, questions) is online at")
    flat = "".join(out.split())
    assert "".join(pointer.split()) in flat
    assert "设定依据" not in flat.replace("".join(pointer.split()), "")


def test_html_typed_into_guide_fields_is_printed_as_text(
    item, admin_user, reviewer_user, tmp_path, django_capture_on_commit_callbacks
):
    edition = publish(
        item,
        admin_user,
        reviewer_user,
        conditions="<b>加粗</b><script>alert(1)</script>",
        materials=("<i>身份证</i>",),
    )
    document = rendered(
        django_capture_on_commit_callbacks, lambda: printing.edition_pdf(edition, printing.FULL)
    )
    out = text(pdf_bytes(document), tmp_path)
    assert "<b>加粗</b><script>alert(1)</script>" in out
    assert "<i>身份证</i>" in out


def test_a_rendered_guide_pdf_is_served_again_without_rendering(
    edition, django_capture_on_commit_callbacks
):
    first = rendered(
        django_capture_on_commit_callbacks, lambda: printing.edition_pdf(edition, printing.FULL)
    )
    first.refresh_from_db()
    again = printing.edition_pdf(edition, printing.FULL)
    assert again.pk == first.pk and again.generation == first.generation


def test_a_new_public_address_renders_the_guide_again(
    edition, settings, tmp_path, django_capture_on_commit_callbacks
):
    rendered(
        django_capture_on_commit_callbacks, lambda: printing.edition_pdf(edition, printing.FULL)
    )
    settings.HALL_PUBLIC_URL = "https://zwfw.example.gov.cn"
    document = rendered(
        django_capture_on_commit_callbacks, lambda: printing.edition_pdf(edition, printing.FULL)
    )
    out = "".join(text(pdf_bytes(document), tmp_path).split())
    assert "https://zwfw.example.gov.cn/guides/GS-001/" in out


# --- the bound booklet ------------------------------------------------------------------------


@pytest.fixture
def hall_guides(item, admin_user, reviewer_user):
    """Four published guides in two departments; one long enough to take several pages."""
    second = DepartmentFactory(name="卫生局", short_name="卫生", code="WS", display_order=5)
    editions = [publish(item, admin_user, reviewer_user, conditions="条件。\n" * 120)]
    for code, name, dept in (
        ("GS-002", "企业变更登记", item.department),
        ("WS-001", "公共场所卫生许可证核发", second),
        ("WS-002", "医疗机构执业登记", second),
    ):
        other = ApprovalItemFactory(code=code, name=name, department=dept, statutory_days=20)
        editions.append(publish(other, admin_user, reviewer_user))
    return editions


def test_the_hall_booklet_has_a_cover_contents_and_each_guide_from_the_page_the_contents_name(
    hall_guides, tmp_path, django_capture_on_commit_callbacks
):
    document = rendered(django_capture_on_commit_callbacks, lambda: printing.booklet_pdf())
    data = pdf_bytes(document)
    assert "办事指南" in page_text(data, tmp_path, 1)  # the cover
    toc = page_text(data, tmp_path, 2)
    listed = {}
    for edition in hall_guides:
        match = re.search(
            re.escape(edition.item_name) + r"\s+" + re.escape(edition.item_code) + r"[ .]*?(\d+)",
            toc,
        )
        assert match, (edition.item_name, toc)
        listed[edition.item_name] = int(match.group(1))
    total = pages(data, tmp_path)
    for name, start in listed.items():
        on_page = page_text(data, tmp_path, start)
        assert name in on_page.split("基本信息")[0], (name, start)  # the guide's title
        assert re.search(rf"—\s*{start}\s*—", on_page)  # the running page number
        if start > 3:  # and it starts a page: the page before ends another guide
            assert name not in page_text(data, tmp_path, start - 1).split("基本信息")[0]
    assert total > max(listed.values())  # the long guide ran over several pages
    assert listed["内资企业设立登记"] + 2 < listed["企业变更登记"]


def test_a_department_booklet_holds_only_that_departments_guides(
    hall_guides, item, tmp_path, django_capture_on_commit_callbacks
):
    department = hall_guides[2].guide.item.department
    document = rendered(
        django_capture_on_commit_callbacks, lambda: printing.booklet_pdf(department)
    )
    out = text(pdf_bytes(document), tmp_path)
    assert "公共场所卫生许可证核发" in out and "医疗机构执业登记" in out
    assert "内资企业设立登记" not in out
    assert document.params["editions"] == sorted(e.pk for e in hall_guides[2:])


def test_a_booklet_with_no_published_guide_is_refused(admin, department):
    response = admin.post(reverse("guide_booklet_render"), {"department": department.pk})
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert (
        tr("There is no published guide to bind into a booklet.")
        in admin.get(response.url).content.decode()
    )


# --- the progress page ------------------------------------------------------------------------


def test_the_progress_page_waits_then_offers_the_download(
    admin, hall_guides, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(printing.pdf, "worker_available", lambda: True)
    monkeypatch.setattr(printing.pdf, "_queue", lambda pk: None)  # the worker has not run yet
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("guide_booklet_render"))
    document = Document.objects.get(kind=printing.BOOKLET)
    assert response.url == reverse("guide_print_progress", args=[document.pk])
    waiting = admin.get(response.url).content.decode()
    assert 'id="document-waiting"' in waiting and 'http-equiv="refresh"' in waiting
    assert "document-download" not in waiting

    assert printing.pdf.document_render(document.pk)  # the worker runs it
    ready = admin.get(response.url).content.decode()
    assert 'http-equiv="refresh"' not in ready
    assert reverse("document_download", args=[document.pk]) in ready
    assert 'id="print-run-form"' in ready
    download = admin.get(reverse("document_download", args=[document.pk]))
    assert download["Content-Type"] == "application/pdf"


def test_preparing_a_guide_pdf_from_its_print_page_renders_it_and_shows_it_ready(
    admin, edition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("guide_print_pdf", args=[edition.pk, "short"]))
    document = Document.objects.get(kind=printing.SHORT)
    assert response.url == reverse("guide_print_progress", args=[document.pk])
    assert 'id="document-ready"' in admin.get(response.url).content.decode()
    page = admin.get(reverse("guide_print", args=[edition.pk])).content.decode()
    assert 'id="download-short"' in page and 'id="render-full"' in page


def test_a_draft_has_no_print_page(admin, item, admin_user):
    from guides import services

    draft = services.guide_edition_draft(item=item, author=admin_user)
    assert admin.get(reverse("guide_print", args=[draft.pk])).status_code == 404
    assert admin.post(reverse("guide_print_pdf", args=[draft.pk, "full"])).status_code == 404


def test_an_unknown_pdf_kind_is_a_404(admin, edition):
    assert admin.post(reverse("guide_print_pdf", args=[edition.pk, "poster"])).status_code == 404
