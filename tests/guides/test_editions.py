"""The rules of guide editions, through the services and the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from guides import services
from guides.forms import GuideEditionForm
from guides.models import GuideEdition, GuideFaq, GuideMaterial
from tests.factories import ApprovalItemFactory
from tests.guides.conftest import COMPLETE, editor_data, fill, publish

pytestmark = pytest.mark.django_db
Status = GuideEdition.Status


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked by their English text (the translations come later)."""
    with translation.override("en"):
        yield


def test_editing_a_published_guide_makes_a_new_draft_copying_everything(published, admin_user):
    GuideFaq.objects.create(edition=published, order=1, question="要多久？", answer="5个工作日")

    draft = services.guide_edition_draft(item=published.guide.item, author=admin_user)

    assert (draft.number, draft.status) == (2, Status.DRAFT)
    assert [getattr(draft, f) for f in services.CONTENT_FIELDS] == [
        getattr(published, f) for f in services.CONTENT_FIELDS
    ]
    assert [m.name for m in draft.materials.all()] == ["营业执照申请书"]
    assert [s.title for s in draft.steps.all()] == ["受理", "审查", "发证"]
    assert [q.question for q in draft.faqs.all()] == ["要多久？"]
    assert published.materials.count() == 1  # copies, not moved


def test_a_first_draft_takes_the_items_name_code_and_time_limits(item, admin_user):
    draft = services.guide_edition_draft(item=item, author=admin_user)

    assert (draft.item_code, draft.item_name, draft.department_name) == (
        "GS-001",
        "内资企业设立登记",
        "工商分局",
    )
    assert (draft.statutory_days, draft.promised_days) == (20, 10)


def test_publishing_a_new_edition_archives_the_previous_one(published, admin_user, reviewer_user):
    second = publish(published.guide.item, admin_user, reviewer_user, fees="工本费20元")

    published.refresh_from_db()
    assert published.status == Status.ARCHIVED
    assert published.archived_at is not None
    assert second.status == Status.PUBLISHED
    assert GuideEdition.objects.filter(status=Status.PUBLISHED).get() == second


def test_a_published_edition_is_never_changed_by_the_editor_service(published, admin_user):
    form = GuideEditionForm(editor_data(published, fees="改过的收费"), instance=published)
    assert form.is_valid()

    with pytest.raises(ValidationError) as raised:
        services.guide_edition_update(edition=published, actor=admin_user, form=form, formsets=[])

    assert "never changed" in str(raised.value)
    published.refresh_from_db()
    assert published.fees == COMPLETE["fees"]


def test_a_published_edition_cannot_be_sent_for_review_again(published, admin_user):
    with pytest.raises(ValidationError):
        services.guide_edition_submit(edition=published, actor=admin_user)
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_sending_an_empty_draft_for_review_lists_every_missing_field(item, admin_user):
    draft = services.guide_edition_draft(item=item, author=admin_user)
    draft.enquiry_phone = draft.complaint_phone = draft.office_hours = ""
    draft.save()

    with pytest.raises(ValidationError) as raised:
        services.guide_edition_submit(edition=draft, actor=admin_user)

    errors = raised.value.message_dict
    assert set(errors) - {NON_FIELD_ERRORS} == {
        "legal_basis",
        "conditions",
        "fees",
        "fee_basis",
        "place",
        "office_hours",
        "enquiry_phone",
        "complaint_phone",
        "materials",
        "steps",
    }
    summary = errors[NON_FIELD_ERRORS][0]
    for name in ("legal_basis", "conditions", "place", "office_hours", "complaint_phone"):
        assert str(GuideEdition._meta.get_field(name).verbose_name) in summary
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_publishing_an_edition_with_missing_fields_is_refused_and_nothing_changes(
    published, admin_user, reviewer_user
):
    draft = services.guide_edition_draft(item=published.guide.item, author=admin_user)
    # In review with a field emptied behind the editor's back (e.g. by a data fix).
    GuideEdition.objects.filter(pk=draft.pk).update(
        status=Status.REVIEW, legal_basis="", reviewer=reviewer_user
    )
    draft.steps.all().delete()

    with pytest.raises(ValidationError) as raised:
        services.guide_edition_publish(edition=draft, actor=reviewer_user)

    assert {"legal_basis", "steps"} <= set(raised.value.message_dict)
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == (Status.PUBLISHED, Status.REVIEW)


def test_a_free_guide_needs_no_fees_or_basis(item, admin_user):
    draft = fill(
        services.guide_edition_draft(item=item, author=admin_user),
        free_of_charge=True,
        fees="",
        fee_basis="",
    )

    services.guide_edition_submit(edition=draft, actor=admin_user)

    assert GuideEdition.objects.get(pk=draft.pk).status == Status.REVIEW


def test_the_form_refuses_a_promise_longer_than_the_statutory_limit(published):
    form = GuideEditionForm(
        editor_data(published, statutory_days="10", promised_days="15"), instance=published
    )

    assert not form.is_valid()
    assert "cannot be longer than the statutory one" in form.errors["promised_days"][0]


def test_the_form_refuses_days_promised_when_the_law_says_on_the_spot(published):
    form = GuideEditionForm(
        editor_data(published, statutory_on_the_spot="on", statutory_days=None, promised_days="3"),
        instance=published,
    )

    assert not form.is_valid()
    assert "settled on the spot" in form.errors["promised_days"][0]


def test_the_editor_service_refuses_a_promise_longer_than_the_statutory_limit(
    published, admin_user
):
    draft = services.guide_edition_draft(item=published.guide.item, author=admin_user)
    form = GuideEditionForm(editor_data(draft, fees="新收费"), instance=draft)
    assert form.is_valid()
    form.cleaned_data.update(statutory_days=5, promised_days=8)  # past a careless form

    with pytest.raises(ValidationError) as raised:
        services.guide_edition_update(edition=draft, actor=admin_user, form=form, formsets=[])

    assert "promised_days" in raised.value.message_dict
    draft.refresh_from_db()
    assert (draft.fees, draft.promised_days) == (COMPLETE["fees"], 5)


def test_the_database_refuses_a_promise_longer_than_the_statutory_limit(published):
    with pytest.raises(IntegrityError), transaction.atomic():
        GuideEdition.objects.filter(pk=published.pk).update(statutory_days=3, promised_days=5)


def test_a_guide_has_one_draft_at_a_time(published, admin_user):
    services.guide_edition_draft(item=published.guide.item, author=admin_user)

    with pytest.raises(ValidationError) as raised:
        services.guide_edition_draft(item=published.guide.item, author=admin_user)

    assert "already being worked on" in str(raised.value)
    assert published.guide.editions.count() == 2


def test_the_database_allows_one_draft_and_one_published_edition_per_guide(published, admin_user):
    draft = services.guide_edition_draft(item=published.guide.item, author=admin_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        GuideEdition.objects.create(
            guide=published.guide, number=3, author=admin_user, status=Status.REVIEW
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        GuideEdition.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)


def test_the_author_cannot_review_their_own_edition(item, admin_user):
    draft = fill(services.guide_edition_draft(item=item, author=admin_user))
    services.guide_edition_submit(edition=draft, actor=admin_user)

    with pytest.raises(ValidationError) as raised:
        services.guide_edition_review(edition=draft, reviewer=admin_user, approve=True)

    assert "someone other than its author" in str(raised.value)
    assert GuideEdition.objects.get(pk=draft.pk).status == Status.REVIEW


def test_returning_an_edition_needs_a_reason(item, admin_user, reviewer_user):
    draft = fill(services.guide_edition_draft(item=item, author=admin_user))
    services.guide_edition_submit(edition=draft, actor=admin_user)

    with pytest.raises(ValidationError) as raised:
        services.guide_edition_review(edition=draft, reviewer=reviewer_user, approve=False)

    assert "reason" in raised.value.message_dict
    assert GuideEdition.objects.get(pk=draft.pk).status == Status.REVIEW


def test_a_returned_edition_is_a_draft_again_with_the_reason(item, admin_user, reviewer_user):
    draft = fill(services.guide_edition_draft(item=item, author=admin_user))
    services.guide_edition_submit(edition=draft, actor=admin_user)

    services.guide_edition_review(
        edition=draft, reviewer=reviewer_user, approve=False, reason="收费依据文号有误"
    )

    draft.refresh_from_db()
    assert (draft.status, draft.return_reason, draft.reviewer) == (
        Status.DRAFT,
        "收费依据文号有误",
        reviewer_user,
    )


def test_a_new_draft_copies_the_blank_forms_of_the_published_edition(
    published, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    material = published.materials.get()
    GuideMaterial.objects.filter(pk=material.pk).update(blank_form="guides/forms/GS-001/a.pdf")

    draft = services.guide_edition_draft(item=published.guide.item, author=admin_user)

    assert draft.materials.get().blank_form.name == "guides/forms/GS-001/a.pdf"


def test_items_of_other_guides_are_untouched_by_publishing(
    published, admin_user, reviewer_user, department
):
    other = publish(
        ApprovalItemFactory(department=department, code="GS-002"), admin_user, reviewer_user
    )

    publish(published.guide.item, admin_user, reviewer_user, fees="工本费20元")

    other.refresh_from_db()
    assert other.status == Status.PUBLISHED


def test_the_missing_fields_are_listed_with_the_chinese_separator(item, admin_user):
    from django.utils import translation

    draft = services.guide_edition_draft(item=item, author=admin_user)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.guide_edition_submit(edition=draft, actor=admin_user)
    summary = raised.value.message_dict[NON_FIELD_ERRORS][0]
    assert "、" in summary and ", " not in summary
