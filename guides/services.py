"""Writes of service guides: drafting, editing, review and publication of editions.

Every function is atomic, locks the guide it changes and writes nothing on bad input. A
published (or archived) edition is never changed: editing a guide makes a new draft that
copies the published edition with all its materials, steps and questions, and publishing
that draft archives the edition it replaces in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from guides.models import (
    ApprovalItem,
    GuideEdition,
    GuideFaq,
    GuideMaterial,
    GuideStep,
    ServiceGuide,
)
from hall.audit import audit_record, diff, snapshot
from hall.models import AuditEntry
from hall.text import list_separator

Status = GuideEdition.Status

# The contents an author edits: copied to a new draft, audited, compared by the diff page.
CONTENT_FIELDS = [
    "legal_basis",
    "conditions",
    "statutory_on_the_spot",
    "statutory_days",
    "promised_on_the_spot",
    "promised_days",
    "free_of_charge",
    "fees",
    "fee_basis",
    "visits",
    "place",
    "office_hours",
    "enquiry_phone",
    "complaint_phone",
]
SNAPSHOT_FIELDS = ["item_code", "item_name", "department_name"]
MATERIAL_FIELDS = ["order", "name", "form", "copies", "blank_form", "notes"]
STEP_FIELDS = ["order", "title", "description", "who", "time"]
FAQ_FIELDS = ["order", "question", "answer"]
CHILDREN = (
    ("materials", GuideMaterial, MATERIAL_FIELDS),
    ("steps", GuideStep, STEP_FIELDS),
    ("faqs", GuideFaq, FAQ_FIELDS),
)


# --- checks (no writes) --------------------------------------------------------------------


def time_limit_errors(
    *,
    statutory_on_the_spot: bool,
    statutory_days: int | None,
    promised_on_the_spot: bool,
    promised_days: int | None,
) -> dict[str, list[str]]:
    """What is wrong with a statutory/promised pair: each is "on the spot" or N days, and the
    promise is never longer than the law allows."""
    errors: dict[str, list[str]] = {}
    if statutory_on_the_spot and statutory_days is not None:
        errors["statutory_days"] = [
            _("Either tick “on the spot” or give a number of days, not both.")
        ]
    if promised_on_the_spot and promised_days is not None:
        errors["promised_days"] = [
            _("Either tick “on the spot” or give a number of days, not both.")
        ]
    elif statutory_on_the_spot and promised_days is not None:
        errors["promised_days"] = [
            _(
                "The law asks for the item to be settled on the spot: the promised limit "
                "cannot be a number of days."
            )
        ]
    elif (
        statutory_days is not None and promised_days is not None and promised_days > statutory_days
    ):
        errors["promised_days"] = [
            _("The promised limit (%(p)s) cannot be longer than the statutory one (%(s)s).")
            % {"p": promised_days, "s": statutory_days}
        ]
    return errors


def edition_missing_fields(edition: GuideEdition) -> dict[str, list[str]]:
    """Every mandatory part of the guide that is still empty, keyed by field."""
    missing: dict[str, str] = {}
    labels = {f.name: f.verbose_name for f in GuideEdition._meta.fields}

    def blank(name: str) -> bool:
        return not getattr(edition, name).strip()

    for name in ("legal_basis", "conditions"):
        if blank(name):
            missing[name] = labels[name]
    if not edition.statutory_on_the_spot and edition.statutory_days is None:
        missing["statutory_days"] = labels["statutory_days"]
    if not edition.promised_on_the_spot and edition.promised_days is None:
        missing["promised_days"] = labels["promised_days"]
    if not edition.free_of_charge:
        if blank("fees"):
            missing["fees"] = _("fees (or tick “free of charge”)")
        if blank("fee_basis"):
            missing["fee_basis"] = labels["fee_basis"]
    for name in ("place", "office_hours", "enquiry_phone", "complaint_phone"):
        if blank(name):
            missing[name] = labels[name]
    if not edition.materials.exists():
        missing["materials"] = _("required materials (at least one)")
    if not edition.steps.exists():
        missing["steps"] = _("procedure steps (at least one)")
    if not missing:
        return {}
    errors = {name: [_("Needed before the guide is published.")] for name in missing}
    errors[NON_FIELD_ERRORS] = [
        _("Fill in before publishing: %(fields)s.")
        % {"fields": list_separator().join(str(label) for label in missing.values())}
    ]
    return errors


def _edition_problems(edition: GuideEdition) -> dict[str, list[str]]:
    errors = edition_missing_fields(edition)
    for name, msgs in time_limit_errors(
        statutory_on_the_spot=edition.statutory_on_the_spot,
        statutory_days=edition.statutory_days,
        promised_on_the_spot=edition.promised_on_the_spot,
        promised_days=edition.promised_days,
    ).items():
        errors.setdefault(name, []).extend(msgs)
    return errors


def _locked(edition: GuideEdition) -> GuideEdition:
    """The edition re-read under a lock on its guide, so two requests cannot race."""
    ServiceGuide.objects.select_for_update().filter(pk=edition.guide_id).first()
    return GuideEdition.objects.select_related("guide__item").get(pk=edition.pk)


def _refuse_unless(edition: GuideEdition, *statuses: str) -> None:
    if edition.status in statuses:
        return
    if edition.status in {Status.PUBLISHED, Status.ARCHIVED}:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Edition %(n)s is %(status)s and is never changed; edit the guide to "
                        "make a new draft."
                    )
                    % {"n": edition.number, "status": edition.get_status_display().lower()}
                ]
            }
        )
    raise ValidationError(
        {
            NON_FIELD_ERRORS: [
                _("Edition %(n)s is %(status)s; that cannot be done now.")
                % {"n": edition.number, "status": edition.get_status_display().lower()}
            ]
        }
    )


def _status_change(edition: GuideEdition, old: str, actor, **extra) -> None:
    changes = {"status": [str(Status(old).label), str(Status(edition.status).label)]}
    changes.update(extra)
    audit_record(actor=actor, instance=edition, action=AuditEntry.Action.UPDATE, changes=changes)


# --- writes --------------------------------------------------------------------------------


def _copy_children(source: GuideEdition, target: GuideEdition) -> None:
    for related, model, fields in CHILDREN:
        model.objects.bulk_create(
            [
                model(edition=target, **{f: getattr(row, f) for f in fields})
                for row in getattr(source, related).all()
            ]
        )


def _from_item(item: ApprovalItem) -> dict:
    from hall.selectors import hall_profile

    profile = hall_profile()
    return {
        "statutory_on_the_spot": item.on_the_spot and item.statutory_days is None,
        "statutory_days": item.statutory_days,
        "promised_on_the_spot": item.on_the_spot,
        "promised_days": None if item.on_the_spot else item.promised_days,
        "office_hours": profile.office_hours,
        "enquiry_phone": profile.enquiry_phone,
        "complaint_phone": profile.complaint_phone,
    }


@transaction.atomic
def guide_edition_draft(*, item: ApprovalItem, author, change_summary: str = "") -> GuideEdition:
    """A new draft of the item's guide: a copy of the published (or newest) edition with its
    materials, steps and questions, or, for a guide's first edition, what the item knows.

    Refused while the guide has a draft or an edition in review: one working copy at a time.
    """
    guide, _created = ServiceGuide.objects.get_or_create(item=item)
    guide = ServiceGuide.objects.select_for_update().get(pk=guide.pk)
    editions = guide.editions.all()
    open_edition = editions.filter(status__in=[Status.DRAFT, Status.REVIEW]).first()
    if open_edition is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("Edition %(n)s is already being worked on (%(status)s); finish it first.")
                    % {
                        "n": open_edition.number,
                        "status": open_edition.get_status_display().lower(),
                    }
                ]
            }
        )
    source = (
        editions.filter(status=Status.PUBLISHED).first() or editions.order_by("-number").first()
    )
    values = {f: getattr(source, f) for f in CONTENT_FIELDS} if source else _from_item(item)
    number = (editions.aggregate(n=Max("number"))["n"] or 0) + 1
    edition = GuideEdition.objects.create(
        guide=guide,
        number=number,
        status=Status.DRAFT,
        author=author,
        change_summary=change_summary,
        item_code=item.code,
        item_name=item.name,
        department_name=item.department.name,
        **values,
    )
    if source is not None:
        _copy_children(source, edition)
    audit_record(
        actor=author,
        instance=edition,
        action=AuditEntry.Action.CREATE,
        changes={
            "number": ["", str(number)],
            "status": ["", str(Status.DRAFT.label)],
            "source": ["", str(source.number) if source else ""],
        },
    )
    return edition


def _children_text(edition: GuideEdition) -> dict[str, str]:
    return {
        "materials": "; ".join(m.name for m in edition.materials.all()),
        "steps": "; ".join(s.title for s in edition.steps.all()),
        "faqs": "; ".join(q.question for q in edition.faqs.all()),
    }


def _renumber(edition: GuideEdition) -> None:
    """Orders 1…n in the order the author gave (blank orders go last)."""
    for related, model, _fields in CHILDREN:
        rows = list(getattr(edition, related).order_by("order", "id"))
        changed = []
        for n, row in enumerate(rows, start=1):
            if row.order != n:
                row.order = n
                changed.append(row)
        model.objects.bulk_update(changed, ["order"])


@transaction.atomic
def guide_edition_update(*, edition: GuideEdition, actor, form, formsets) -> GuideEdition:
    """Save the editor: the main form and the materials, steps and questions formsets, all
    already valid. Only a draft is ever changed."""
    locked = _locked(edition)
    _refuse_unless(locked, Status.DRAFT)
    fields = CONTENT_FIELDS + ["change_summary"]
    before = snapshot(locked, fields) | _children_text(locked)
    errors = time_limit_errors(
        statutory_on_the_spot=form.cleaned_data.get("statutory_on_the_spot", False),
        statutory_days=form.cleaned_data.get("statutory_days"),
        promised_on_the_spot=form.cleaned_data.get("promised_on_the_spot", False),
        promised_days=form.cleaned_data.get("promised_days"),
    )
    if errors:
        raise ValidationError(errors)
    edition = form.save()
    for formset in formsets:
        formset.instance = edition
        formset.save()
    _renumber(edition)
    after = snapshot(edition, fields) | _children_text(edition)
    changes = diff(before, after)
    if changes:
        audit_record(
            actor=actor, instance=edition, action=AuditEntry.Action.UPDATE, changes=changes
        )
    return edition


@transaction.atomic
def guide_edition_submit(*, edition: GuideEdition, actor) -> GuideEdition:
    """Send a complete draft for review."""
    edition = _locked(edition)
    _refuse_unless(edition, Status.DRAFT)
    errors = _edition_problems(edition)
    if errors:
        raise ValidationError(errors)
    edition.status = Status.REVIEW
    edition.submitted_at = timezone.now()
    edition.save(update_fields=["status", "submitted_at"])
    _status_change(edition, Status.DRAFT, actor)
    return edition


@transaction.atomic
def guide_edition_review(
    *, edition: GuideEdition, reviewer, approve: bool, reason: str = ""
) -> GuideEdition:
    """Approve an edition in review (it is published at once) or return it to its author
    with a reason. The reviewer is never the author."""
    edition = _locked(edition)
    _refuse_unless(edition, Status.REVIEW)
    if reviewer.pk == edition.author_id:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("An edition is reviewed by someone other than its author.")]}
        )
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": [_("Say why the edition goes back to its author.")]})
    edition.reviewer = reviewer
    edition.reviewed_at = timezone.now()
    if approve:
        edition.save(update_fields=["reviewer", "reviewed_at"])
        return guide_edition_publish(edition=edition, actor=reviewer)
    edition.status = Status.DRAFT
    edition.return_reason = reason
    edition.save(update_fields=["reviewer", "reviewed_at", "status", "return_reason"])
    _status_change(edition, Status.REVIEW, reviewer, return_reason=["", reason])
    return edition


@transaction.atomic
def guide_edition_publish(*, edition: GuideEdition, actor) -> GuideEdition:
    """Publish a reviewed edition and archive the one it replaces, in one transaction."""
    edition = _locked(edition)
    _refuse_unless(edition, Status.REVIEW)
    if edition.reviewer_id is None or edition.reviewer_id == edition.author_id:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("An edition is published only after someone else reviews it.")]}
        )
    errors = _edition_problems(edition)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for old in edition.guide.editions.filter(status=Status.PUBLISHED):
        old.status = Status.ARCHIVED
        old.archived_at = now
        old.save(update_fields=["status", "archived_at"])
        _status_change(old, Status.PUBLISHED, actor)
    edition.status = Status.PUBLISHED
    edition.published_at = now
    edition.return_reason = ""
    edition.save(update_fields=["status", "published_at", "return_reason"])
    _status_change(edition, Status.REVIEW, actor)
    return edition
