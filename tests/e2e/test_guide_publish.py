"""An author edits a published guide in the browser, a second administrator approves it, and a
citizen's phone shows the new edition at once (the page's body is cached per edition)."""

from __future__ import annotations

import pytest

from guides.models import GuideEdition
from tests.e2e.conftest import login
from tests.factories import PASSWORD, ApprovalItemFactory, UserFactory
from tests.guides.conftest import publish


@pytest.mark.django_db(transaction=True)
def test_publishing_a_new_edition_changes_the_public_page(
    live_server, page_at, shot, admin_user, department
):
    item = ApprovalItemFactory(code="GS-001", name="内资企业设立登记", department=department)
    reviewer_user = UserFactory(username="reviewer", first_name="赵审核", roles=["hall_admin"])
    published = publish(item, admin_user, reviewer_user)
    public_url = f"{live_server.url}/guides/{item.code}/"

    phone = page_at("phone")
    phone.goto(public_url)
    assert "工本费10元" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(phone, "guide-public-390-before")

    author = page_at("desktop")
    login(author, live_server, "admin", PASSWORD)
    author.goto(f"{live_server.url}/service-guides/{item.pk}/")
    author.click("#start-draft")
    author.wait_for_selector("#edition-form")
    author.fill("textarea[name=fees]", "工本费20元")
    author.fill("textarea[name=change_summary]", "收费标准调整")
    shot(author, "guide-editor-1366")
    author.click("#save-and-submit")
    author.wait_for_selector("#review-card")

    reviewer = page_at("desktop")
    login(reviewer, live_server, "reviewer", PASSWORD)
    draft = GuideEdition.objects.get(status=GuideEdition.Status.REVIEW)
    reviewer.goto(f"{live_server.url}/service-guides/editions/{draft.pk}/")
    reviewer.click("#approve-edition")
    reviewer.wait_for_selector(".alert-success")

    phone.goto(public_url)
    text = phone.inner_text("main")
    assert "工本费20元" in text and "工本费10元" not in text
    shot(phone, "guide-public-390-after")
    published.refresh_from_db()
    assert published.status == GuideEdition.Status.ARCHIVED

    reviewer.goto(f"{live_server.url}/service-guides/{item.pk}/compare/")
    assert "工本费20元" in reviewer.inner_text("#diff-fields")
    shot(reviewer, "guide-compare-1366")
