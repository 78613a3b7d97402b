"""The hall office's guide pages: list, guide, editor with its formsets, review, compare."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from guides import services
from guides.models import GuideEdition, GuideMaterial
from tests.factories import ApprovalItemFactory
from tests.guides.conftest import COMPLETE, add_row, editor_data, fill, publish
from tests.helpers import audit_entries

pytestmark = pytest.mark.django_db
Status = GuideEdition.Status


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def draft(published, admin_user):
    return services.guide_edition_draft(item=published.guide.item, author=admin_user)


def _edit(client, edition, data):
    return client.post(reverse("guide_edition_edit", args=[edition.pk]), data)


def test_starting_an_edition_from_the_guide_page_opens_the_editor(admin, published):
    response = admin.post(reverse("guide_edition_draft", args=[published.guide.item_id]))

    draft = GuideEdition.objects.get(status=Status.DRAFT)
    assert response["Location"] == reverse("guide_edition_edit", args=[draft.pk])
    assert audit_entries(draft, "create").count() == 1


def test_a_second_draft_from_the_guide_page_is_refused_with_a_message(admin, draft):
    response = admin.post(reverse("guide_edition_draft", args=[draft.guide.item_id]), follow=True)

    assert "already being worked on" in response.content.decode()
    assert GuideEdition.objects.filter(status=Status.DRAFT).count() == 1


def test_the_editor_saves_main_fields_and_a_new_material_and_audits_them(admin, draft):
    data = add_row(
        editor_data(draft, fees="工本费20元"),
        "materials",
        order="",
        name="股东会决议",
        form="original",
        copies="2",
        notes="",
    )

    response = _edit(admin, draft, data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.fees == "工本费20元"
    assert [(m.order, m.name, m.copies) for m in draft.materials.all()] == [
        (1, "营业执照申请书", 1),
        (2, "股东会决议", 2),
    ]
    changes = audit_entries(draft, "update").get().changes
    assert changes["fees"] == ["工本费10元", "工本费20元"]
    assert changes["materials"] == ["营业执照申请书", "营业执照申请书; 股东会决议"]


def test_an_invalid_material_row_saves_nothing_and_shows_the_error_in_place(admin, draft):
    data = add_row(
        editor_data(draft, fees="工本费20元"),
        "materials",
        order="",
        name="股东会决议",
        form="",
        copies="0",
    )

    response = _edit(admin, draft, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_materials-1-form_error"' in html
    assert 'id="id_materials-1-copies_error"' in html
    draft.refresh_from_db()
    assert draft.fees == COMPLETE["fees"]
    assert draft.materials.count() == 1


def test_the_editor_shows_a_promise_longer_than_the_law_under_its_field(admin, draft):
    response = _edit(admin, draft, editor_data(draft, promised_days="30"))

    assert "cannot be longer than the statutory one" in response.content.decode()
    draft.refresh_from_db()
    assert draft.promised_days == 5


def test_removing_a_step_in_the_editor_deletes_it_and_renumbers(admin, draft):
    data = editor_data(draft)
    data["steps-1-DELETE"] = "on"

    _edit(admin, draft, data)

    assert [(s.order, s.title) for s in draft.steps.all()] == [(1, "受理"), (2, "发证")]


def _upload_row(draft, upload):
    data = editor_data(draft)
    data["materials-0-blank_form"] = upload
    return data


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("form.pdf", b"MZ\x90\x00 an executable"),
        ("form.docx", b"not a zip at all"),
        ("form.png", b"%PDF-1.4 a pdf named png"),
        ("form.exe", b"MZ\x90\x00"),
    ],
)
def test_a_blank_form_that_is_not_what_it_says_is_refused(
    admin, draft, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    response = _edit(admin, draft, _upload_row(draft, SimpleUploadedFile(name, content)))

    assert response.status_code == 200
    assert 'id="id_materials-0-blank_form_error"' in response.content.decode()
    assert not draft.materials.get().blank_form


def test_a_blank_form_over_the_size_limit_is_refused(admin, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.HALL_GUIDE_FORM_MAX_BYTES = 1024
    upload = SimpleUploadedFile("form.pdf", b"%PDF-1.4\n" + b"0" * 2048)

    response = _edit(admin, draft, _upload_row(draft, upload))

    assert "the limit is 1 KB" in response.content.decode()
    assert not draft.materials.get().blank_form


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content"), [("申请书.pdf", b"%PDF-1.4\n%%EOF"), ("申请书.docx", _docx())]
)
def test_a_real_pdf_or_word_blank_form_is_kept(admin, draft, settings, tmp_path, name, content):
    settings.MEDIA_ROOT = tmp_path
    response = _edit(admin, draft, _upload_row(draft, SimpleUploadedFile(name, content)))

    assert response.status_code == 302
    assert draft.materials.get().blank_form.read() == content


def test_saving_and_sending_for_review_from_the_editor(admin, draft):
    data = editor_data(draft)
    data["submit"] = ""

    response = _edit(admin, draft, data)

    assert response["Location"] == reverse("guide_edition_detail", args=[draft.pk])
    assert GuideEdition.objects.get(pk=draft.pk).status == Status.REVIEW


def test_sending_an_incomplete_draft_lists_the_missing_fields(admin, item):
    response = admin.post(reverse("guide_edition_draft", args=[item.pk]), follow=True)
    draft = GuideEdition.objects.get()

    response = admin.post(reverse("guide_edition_submit", args=[draft.pk]), follow=True)

    html = response.content.decode()
    assert "Fill in before publishing: legal basis" in html
    assert "procedure steps (at least one)" in html
    assert GuideEdition.objects.get().status == Status.DRAFT


def test_an_edition_in_review_cannot_be_opened_in_the_editor(admin, draft, admin_user):
    services.guide_edition_submit(edition=draft, actor=admin_user)

    response = admin.get(reverse("guide_edition_edit", args=[draft.pk]))

    assert response["Location"] == reverse("guide_edition_detail", args=[draft.pk])


def test_a_published_edition_cannot_be_posted_to_the_editor(admin, published):
    response = _edit(admin, published, editor_data(published, fees="改"))

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.fees == COMPLETE["fees"]


def test_the_reviewer_approves_and_the_edition_is_published(
    draft, admin_user, reviewer_user, published
):
    from tests.conftest import _client_for

    services.guide_edition_submit(edition=draft, actor=admin_user)
    reviewer = _client_for(reviewer_user)

    response = reviewer.post(
        reverse("guide_edition_review", args=[draft.pk]), {"action": "approve"}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, draft.reviewer, published.status) == (
        Status.PUBLISHED,
        reviewer_user,
        Status.ARCHIVED,
    )


def test_returning_without_a_reason_shows_the_error_under_the_reason(
    draft, admin_user, reviewer_user
):
    from tests.conftest import _client_for

    services.guide_edition_submit(edition=draft, actor=admin_user)

    response = _client_for(reviewer_user).post(
        reverse("guide_edition_review", args=[draft.pk]), {"action": "return", "reason": " "}
    )

    assert response.status_code == 422
    assert "Say why the edition goes back" in response.content.decode()
    assert GuideEdition.objects.get(pk=draft.pk).status == Status.REVIEW


def test_the_author_is_not_offered_the_review_buttons(admin, draft, admin_user):
    services.guide_edition_submit(edition=draft, actor=admin_user)

    html = admin.get(reverse("guide_edition_detail", args=[draft.pk])).content.decode()

    assert 'id="approve-edition"' not in html
    assert "another administrator reviews it" in html


def test_the_guide_page_lists_editions_with_author_reviewer_and_summary(
    admin, published, admin_user, reviewer_user
):
    publish(published.guide.item, admin_user, reviewer_user, change_summary="收费调整")

    html = admin.get(reverse("guide_detail", args=[published.guide.item_id])).content.decode()

    assert "收费调整" in html
    assert "赵审核" in html and "王主任" in html
    assert "Archived" in html and "Published" in html


def test_the_compare_page_shows_an_added_material_and_a_changed_fee(
    admin, published, admin_user, reviewer_user
):
    draft = services.guide_edition_draft(item=published.guide.item, author=admin_user)
    draft.fees = "工本费20元"
    draft.save()
    GuideMaterial.objects.create(edition=draft, order=2, name="股东会决议", form="original")
    services.guide_edition_submit(edition=draft, actor=admin_user)
    services.guide_edition_review(edition=draft, reviewer=reviewer_user, approve=True)

    response = admin.get(
        reverse("guide_edition_diff", args=[published.guide.item_id]),
        {"a": published.pk, "b": draft.pk},
    )

    html = response.content.decode()
    fees_row = html[html.index('<th scope="row">Fees') :].split("</tr>")[0]
    assert "changed" in fees_row and "工本费10元" in fees_row and "工本费20元" in fees_row
    materials = html[html.index('id="diff-materials"') :].split('id="diff-steps"')[0]
    assert "added" in materials and "股东会决议" in materials
    assert "营业执照申请书" not in materials  # unchanged rows are not listed


def test_the_guide_list_shows_each_items_current_and_working_editions(
    admin, published, draft, department
):
    ApprovalItemFactory(department=department, code="GS-009", name="无指南事项")

    response = admin.get(reverse("guide_list"))

    html = response.content.decode()
    row = html[html.index("内资企业设立登记") :].split("</tr>")[0]
    assert "Edition 1" in row and "Edition 2" in row and "Draft" in row
    assert "无指南事项" in html
    assert "工商分局" in html  # the department's heading row


def test_the_guide_list_searches_and_filters_by_state(admin, published, department):
    ApprovalItemFactory(department=department, code="GS-009", name="无指南事项")

    found = admin.get(reverse("guide_list"), {"state": "none"}).content.decode()
    searched = admin.get(reverse("guide_list"), {"q": "设立"}).content.decode()

    assert "无指南事项" in found and "内资企业设立登记" not in found
    assert "内资企业设立登记" in searched and "无指南事项" not in searched


def test_an_incomplete_draft_page_says_what_is_missing(admin, item, admin_user):
    draft = services.guide_edition_draft(item=item, author=admin_user)
    fill(draft, legal_basis="")

    html = admin.get(reverse("guide_edition_detail", args=[draft.pk])).content.decode()

    assert 'id="missing-fields"' in html and "legal basis" in html
