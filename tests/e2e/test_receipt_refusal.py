"""At the window PC (1024×768): staff register an application, issue a decision not to accept
it (a refusal without its legal basis first), and download the notice as a PDF."""

from __future__ import annotations

import re
import subprocess

import pytest

from guides.models import Receipt
from tests.e2e.conftest import login
from tests.factories import PASSWORD, ApprovalItemFactory


@pytest.mark.django_db(transaction=True)
def test_staff_issue_a_refusal_and_download_the_pdf(
    live_server, page_at, shot, staff_member, window, department, tmp_path
):
    item = ApprovalItemFactory(code="GS-009", name="食品经营许可", department=department)
    window.items.add(item)
    page = page_at("tablet")  # the window PC's 1024×768
    login(page, live_server, staff_member.employee_no, PASSWORD)

    page.goto(f"{live_server.url}/receipts/applications/new/")
    page.select_option("select[name=item]", str(item.pk))
    page.fill("input[name=applicant_name]", "重庆渝新商贸有限公司")
    page.fill("input[name=applicant_id]", "91500106MA5U123456")
    page.fill("input[name=contact]", "13812348000")
    page.click("#save-application")
    page.wait_for_selector("#clock-card")
    shot(page, "receipt-application-1024")

    page.click("#issue-refusal")
    page.wait_for_selector("#notice-form")
    page.fill("textarea[name=reason]", "申请事项依法不属于本机关职权范围。")
    page.click("#issue-notice")  # no legal basis: refused with the reason, nothing saved
    page.wait_for_selector(".invalid-feedback, .alert-danger")
    assert "Give the legal basis" in page.inner_text("main") or "法律依据" in page.inner_text(
        "main"
    )
    assert not Receipt.objects.exists()
    page.fill(
        "textarea[name=legal_basis]", "《中华人民共和国行政许可法》第三十二条第一款第（二）项"
    )
    shot(page, "receipt-refusal-form-1024")
    page.click("#issue-notice")
    page.wait_for_selector("#download-pdf")
    receipt = Receipt.objects.get()
    assert receipt.kind == Receipt.Kind.REFUSAL
    assert receipt.number in page.inner_text("#receipt-number")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "receipt-refusal-1024")

    with page.expect_download() as info:
        page.click("#download-pdf")
    path = tmp_path / "notice.pdf"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert receipt.number in re.sub(r"\s+", "", text)
