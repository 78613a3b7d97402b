"""The hall office prints a guide: prepares its short form on the print page, waits on the
progress page, downloads it, records the copies printed; a later edition that changes the
materials then shows the printed copies as out of date on the guides page."""

from __future__ import annotations

import pytest

from guides import services
from guides.models import PrintRun
from tests.e2e.conftest import login
from tests.factories import PASSWORD, ApprovalItemFactory, UserFactory
from tests.guides.conftest import publish


@pytest.mark.django_db(transaction=True)
def test_printing_a_short_form_and_seeing_it_go_out_of_date(
    live_server, page_at, shot, admin_user, department, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = ApprovalItemFactory(code="GS-001", name="内资企业设立登记", department=department)
    reviewer = UserFactory(username="reviewer", first_name="赵审核", roles=["hall_admin"])
    edition = publish(item, admin_user, reviewer)

    page = page_at("desktop")
    login(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server.url}/service-guides/{item.pk}/")
    page.click("#print-guide")
    page.click("#render-short")
    page.wait_for_selector("#document-ready")
    shot(page, "guide-print-progress-1366")
    with page.expect_download() as download:
        page.evaluate("document.querySelector('#document-download').setAttribute('download', '')")
        page.click("#document-download")
    path = tmp_path / "short.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    page.fill("input[name=copies]", "0")
    page.evaluate("document.querySelector('#print-run-form').noValidate = true")
    page.click("#print-run-form button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    assert not PrintRun.objects.exists()
    page.fill("input[name=copies]", "2000")
    page.fill("input[name=note]", "区印刷厂")
    page.click("#print-run-form button[type=submit]")
    page.wait_for_selector("#print-runs")
    assert "2000" in page.inner_text("#print-runs")
    shot(page, "guide-print-1366")
    assert PrintRun.objects.get().edition == edition

    draft = services.guide_edition_draft(item=item, author=admin_user)
    draft.materials.create(order=5, name="验资证明", form="original")
    services.guide_edition_submit(edition=draft, actor=admin_user)
    services.guide_edition_review(edition=draft, reviewer=reviewer, approve=True)
    page.goto(f"{live_server.url}/service-guides/")
    assert "内资企业设立登记" in page.inner_text("#print-outdated")
    shot(page, "guide-list-outdated-1366")
