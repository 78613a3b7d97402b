"""Print runs recorded from a guide's PDF or a booklet, and the warning that printed copies
are out of date when a later edition changes the legal basis, the fees or the materials."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from guides import printing, services
from guides.models import GuideEdition, GuideFaq, PrintRun
from hall.models import Document
from tests.factories import ApprovalItemFactory
from tests.guides.conftest import publish
from tests.helpers import tr

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def done(kind: str, key: str, params: dict) -> Document:
    """A document as the worker leaves it (the PDF's contents are tested elsewhere)."""
    document = Document.objects.create(
        kind=kind,
        key=key,
        title=key,
        params=params,
        status=Document.Status.DONE,
        requested_at=timezone.now(),
    )
    document.file.save(f"{key}.pdf", ContentFile(b"%PDF-1.7"))
    return document


def full_pdf(edition: GuideEdition) -> Document:
    key = printing.edition_key(edition, printing.FULL)
    return done(printing.FULL, key, {"edition": edition.pk})


def record(client, document: Document, **data):
    payload = {"copies": "500", "printed_on": TODAY().isoformat(), "note": "区印刷厂", **data}
    return client.post(reverse("guide_print_run_record", args=[document.pk]), payload)


def republish(item, author, reviewer, *, change) -> GuideEdition:
    """A new edition of the item's guide with ``change(draft)`` applied, published."""
    draft = services.guide_edition_draft(item=item, author=author)
    change(draft)
    draft.save()
    services.guide_edition_submit(edition=draft, actor=author)
    return services.guide_edition_review(edition=draft, reviewer=reviewer, approve=True)


# --- recording ----------------------------------------------------------------------------------


def test_recording_a_print_run_from_the_pdf_page_keeps_edition_kind_copies_date_and_who(
    admin, admin_user, published
):
    document = full_pdf(published)
    response = record(admin, document, copies="1500", printed_on="2026-03-02")
    assert response.status_code == 302
    assert response.url == reverse("guide_print", args=[published.pk])
    run = PrintRun.objects.get()
    assert (run.edition, run.kind, run.copies) == (published, PrintRun.Kind.FULL, 1500)
    assert run.printed_on == datetime.date(2026, 3, 2)
    assert run.recorded_by == admin_user and run.note == "区印刷厂"
    page = admin.get(response.url).content.decode()
    assert "1500" in page and "2026-03-02" in page


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"copies": "0"}, "copies"),
        ({"copies": "abc"}, "copies"),
        ({"copies": "2000000"}, "copies"),
        ({"printed_on": "2099-01-01"}, "future"),
        ({"printed_on": "yesterday"}, "printed_on"),
    ],
)
def test_bad_print_run_input_is_shown_on_the_form_and_nothing_is_saved(
    admin, published, data, field_error
):
    response = record(admin, full_pdf(published), **data)
    assert response.status_code == 422
    assert response.context["form"].errors
    if field_error == "future":
        assert tr("The print date cannot be in the future.") in response.content.decode()
    else:
        assert field_error in response.context["form"].errors
    assert not PrintRun.objects.exists()


def test_a_print_run_cannot_be_recorded_before_the_pdf_is_rendered(admin, published):
    document = Document.objects.create(
        kind=printing.FULL,
        key="queued",
        title="queued",
        params={"edition": published.pk},
        requested_at=timezone.now(),
    )
    response = record(admin, document)
    assert response.status_code == 422
    assert (
        tr("The PDF is not ready yet: record the print run once it is.")
        in response.content.decode()
    )
    assert not PrintRun.objects.exists()


def test_a_print_run_of_an_edition_no_longer_current_is_refused(
    admin, item, admin_user, reviewer_user, published
):
    document = full_pdf(published)
    republish(item, admin_user, reviewer_user, change=lambda d: None)
    response = record(admin, document)
    assert response.status_code == 422
    assert (
        tr("This edition is no longer the current one: print the current edition.")
        in response.content.decode()
    )
    assert not PrintRun.objects.exists()


def test_the_note_is_escaped_on_the_page(admin, published):
    record(admin, full_pdf(published), note="<script>alert(1)</script>")
    page = admin.get(reverse("guide_print", args=[published.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


@pytest.fixture
def two_guides(item, admin_user, reviewer_user, published):
    other = ApprovalItemFactory(code="GS-002", name="企业变更登记", department=item.department)
    return [published, publish(other, admin_user, reviewer_user)]


def booklet_document(department=None) -> Document:
    ids = printing.published_edition_ids(department)
    return done(
        printing.BOOKLET,
        printing.booklet_key(department),
        {
            "department": department.pk if department else None,
            "editions": ids,
            "fingerprint": printing.booklet_fingerprint(ids),
        },
    )


def test_a_hall_booklet_run_is_one_row_per_guide_in_it_sharing_a_batch(admin, two_guides):
    response = record(admin, booklet_document(), copies="300")
    assert response.url == reverse("guide_booklets")
    runs = list(PrintRun.objects.order_by("edition_id"))
    assert [r.edition for r in runs] == two_guides
    assert {r.kind for r in runs} == {PrintRun.Kind.HALL_BOOKLET}
    assert len({r.batch for r in runs}) == 1 and {r.copies for r in runs} == {300}
    assert all(r.department is None for r in runs)


def test_a_department_booklet_run_names_its_department(admin, two_guides, department):
    record(admin, booklet_document(department))
    assert {(r.kind, r.department) for r in PrintRun.objects.all()} == {
        (PrintRun.Kind.DEPARTMENT_BOOKLET, department)
    }


def test_a_booklet_rendered_before_a_guide_changed_cannot_be_recorded(
    admin, two_guides, item, admin_user, reviewer_user
):
    document = booklet_document()
    republish(item, admin_user, reviewer_user, change=lambda d: None)
    response = record(admin, document)
    assert response.status_code == 422
    assert (
        tr(
            "Guides have changed since this booklet was rendered: render it again "
            "and print the new one."
        )
        in response.content.decode()
    )
    assert not PrintRun.objects.exists()
    assert (
        'id="document-stale"'
        in admin.get(reverse("guide_print_progress", args=[document.pk])).content.decode()
    )


# --- out of date --------------------------------------------------------------------------------


def _materials(draft):
    draft.materials.create(order=9, name="验资证明", form="original")


def _fees(draft):
    draft.fees = "工本费20元"


def _free(draft):
    draft.free_of_charge = True
    draft.fees = draft.fee_basis = ""


def _legal_basis(draft):
    draft.legal_basis += "\n《中华人民共和国公司登记管理条例》第二十条"


def _copies(draft):
    draft.materials.update(copies=3)


@pytest.mark.parametrize(
    ("change", "label"),
    [
        (_materials, "materials"),
        (_copies, "materials"),
        (_fees, "fees"),
        (_free, "fees"),
        (_legal_basis, "legal_basis"),
    ],
)
def test_a_new_edition_changing_basis_fees_or_materials_makes_printed_copies_out_of_date(
    admin, item, admin_user, reviewer_user, published, change, label
):
    record(admin, full_pdf(published))
    current = republish(item, admin_user, reviewer_user, change=change)
    (outdated,) = printing.outdated_prints()
    assert (outdated.printed, outdated.current) == (published, current)
    assert outdated.changes == [label] and outdated.copies == 500
    for url in (reverse("guide_detail", args=[item.pk]), reverse("guide_list")):
        page = admin.get(url).content.decode()
        assert 'id="print-outdated"' in page and item.name in page


def _faq(draft):
    GuideFaq.objects.create(edition=draft, order=5, question="需要预约吗？", answer="不需要。")


def _hours_and_conditions(draft):
    draft.office_hours = "周一至周六 9:00-17:00"
    draft.conditions = "申请人为依法设立的企业或个体工商户。"
    draft.materials.update(notes="加盖公章")


@pytest.mark.parametrize("change", [_faq, _hours_and_conditions])
def test_a_new_edition_changing_only_other_parts_does_not_warn(
    admin, item, admin_user, reviewer_user, published, change
):
    record(admin, full_pdf(published))
    republish(item, admin_user, reviewer_user, change=change)
    assert printing.outdated_prints() == []
    for url in (reverse("guide_detail", args=[item.pk]), reverse("guide_list")):
        assert 'id="print-outdated"' not in admin.get(url).content.decode()


def test_reprinting_the_current_edition_clears_the_warning(
    admin, item, admin_user, reviewer_user, published
):
    record(admin, full_pdf(published), printed_on=(TODAY() - datetime.timedelta(days=9)))
    current = republish(item, admin_user, reviewer_user, change=_fees)
    assert printing.outdated_prints()
    record(admin, done(printing.SHORT, "short-2", {"edition": current.pk}))
    assert printing.outdated_prints() == []


def test_a_guide_never_printed_does_not_warn(admin, item, admin_user, reviewer_user, published):
    republish(item, admin_user, reviewer_user, change=_fees)
    assert printing.outdated_prints() == []
