"""The printed notice: A4, two pages (applicant's copy, archive copy), the Chinese heading, the
item and the serial number in the text, a CJK font embedded, the seal or a place for it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse

from guides import receipts
from guides.demo_receipts import SEAL_FONT, seal_png
from guides.models import Receipt
from hall.models import HallProfile
from tests.helpers import tr

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/pdftotext").exists(), reason="poppler-utils is not installed"
)


def _tool(name: str, path: Path, *args: str) -> str:
    return subprocess.run(
        [name, *args, str(path)] + (["-"] if name == "pdftotext" else []),
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def refusal(staff_member, window, item):
    window.items.add(item)
    application = receipts.application_register(
        actor=staff_member.user,
        window=window,
        item=item,
        applicant_name="重庆<script>渝新</script>商贸有限公司",
        applicant_id="91500106MA5U123456",
        contact="13812348000",
    )
    return receipts.receipt_issue(
        actor=staff_member.user,
        application=application,
        kind=Receipt.Kind.REFUSAL,
        reason="<b>申请事项不属于本机关职权范围</b>",
        legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
    )


def flat(text: str) -> str:
    """The text without white space: pdftotext breaks lines and spaces out some glyphs."""
    return re.sub(r"\s+", "", text)


def _download(client, receipt, tmp_path) -> Path:
    response = client.get(reverse("receipt_pdf", args=[receipt.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "notice.pdf"
    path.write_bytes(response.content)
    return path


@pytest.fixture
def no_seal(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    HallProfile.objects.create(pk=1, name="沙坪坝区行政审批服务大厅")
    cache.clear()


@pytest.fixture
def with_seal(db, settings, tmp_path):
    if not SEAL_FONT.exists():
        pytest.skip("fonts-noto-cjk is not installed")
    settings.MEDIA_ROOT = tmp_path / "media"
    profile = HallProfile.objects.create(pk=1, name="沙坪坝区行政审批服务大厅")
    profile.seal.save("seal.png", ContentFile(seal_png(profile.name)), save=True)
    cache.clear()


def test_the_refusal_pdf_has_the_heading_item_number_and_remedies(
    staff, refusal, no_seal, tmp_path
):
    path = _download(staff, refusal, tmp_path)
    text = _tool("pdftotext", path, "-layout")
    assert "不予受理决定书" in flat(text)
    assert refusal.application.item.name in text
    assert refusal.number in flat(text)
    assert "第三十二条第一款第（二）项" in flat(text)
    assert "60" in text and "6" in text
    info = _tool("pdfinfo", path)
    assert re.search(r"Pages:\s+2\n", info), info
    assert "A4" in info or "595.276 x 841.89" in info


def test_the_two_pages_are_the_applicants_copy_and_the_archive_copy(
    staff, refusal, no_seal, tmp_path
):
    path = _download(staff, refusal, tmp_path)
    first = _tool("pdftotext", path, "-f", "1", "-l", "1")
    second = _tool("pdftotext", path, "-f", "2", "-l", "2")
    assert "for the applicant" in first or "申请人" in first
    assert "for the archive" in second or "存档" in second
    assert refusal.number in flat(first) and refusal.number in flat(second)


def test_the_pdf_embeds_a_cjk_font(staff, refusal, no_seal, tmp_path):
    fonts = _tool("pdffonts", _download(staff, refusal, tmp_path))
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows, fonts
    assert any("CJK" in line and " yes " in line for line in rows), fonts


def test_html_in_the_fields_is_printed_as_text(staff, refusal, no_seal, tmp_path):
    text = _tool("pdftotext", _download(staff, refusal, tmp_path))
    assert "<script>渝新</script>" in text
    assert "<b>申请事项不属于本机关职权范围</b>" in text


def test_without_a_seal_the_notice_says_so(staff, refusal, no_seal, tmp_path):
    path = _download(staff, refusal, tmp_path)
    text = _tool("pdftotext", path)
    assert "stampherebyhand" in flat(text) or "未上传" in flat(text)
    assert _tool("pdfimages", path, "-list").count("\n") <= 2  # the header lines only
    page = staff.get(reverse("receipt_detail", args=[refusal.pk])).content.decode()
    assert (
        tr(
            "The hall has not uploaded its approval seal: the notice prints a place for the "
            "seal to be stamped by hand."
        )
        in page
    )


def test_with_a_seal_each_copy_bears_it(staff, refusal, with_seal, tmp_path):
    path = _download(staff, refusal, tmp_path)
    images = [line for line in _tool("pdfimages", path, "-list").splitlines()[2:] if line]
    assert {line.split()[0] for line in images} == {"1", "2"}  # on both pages
    assert "No approval seal uploaded" not in _tool("pdftotext", path)


def test_a_correction_pdf_lists_every_missing_material(
    staff, staff_member, window, item, no_seal, tmp_path
):
    window.items.add(item)
    application = receipts.application_register(
        actor=staff_member.user,
        window=window,
        item=item,
        applicant_name="张三",
        applicant_id="500106198705123456",
        contact="13812348000",
    )
    receipt = receipts.receipt_issue(
        actor=staff_member.user,
        application=application,
        kind=Receipt.Kind.CORRECTION,
        other_materials=["公司章程", "股东会决议"],
    )
    text = _tool("pdftotext", _download(staff, receipt, tmp_path))
    assert "补正材料通知书" in flat(text)
    assert "公司章程" in flat(text) and "股东会决议" in flat(text)
    assert receipt.number in flat(text)
