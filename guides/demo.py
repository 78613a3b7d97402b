"""Demo service guides for ``seed_demo``: published guides for the items in
``guides.demo_data``, with two editions (the first archived) for some.

Every edition goes through the services (draft → review → published) with the demo's guide
editor as author and the demo admin as reviewer, so the demo holds what the hall would.
Idempotent: an item that already has a guide is left alone. The dates are set afterwards to
fixed distances before today, so the same day always gives the same hall.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from guides import services
from guides.demo_data import GUIDES, GuideSpec
from guides.models import ApprovalItem, GuideEdition, GuideFaq, GuideMaterial, GuideStep
from hall import demo_data
from hall.demo_data import HALL_PROFILE
from hall.roles import HALL_ADMIN
from hall.services import user_create

EDITOR_USERNAME = "editor"
EDITOR_NAME = "管委办 刘编辑"


def _editor():
    User = get_user_model()
    editor = User.objects.filter(username=EDITOR_USERNAME).first()
    if editor is None:
        editor = user_create(
            actor=None,
            username=EDITOR_USERNAME,
            full_name=EDITOR_NAME,
            roles=[HALL_ADMIN],
            department=None,
            password=demo_data.DEMO_PASSWORD,
        )
    return editor


def _place(item: ApprovalItem) -> str:
    window = item.windows.filter(active=True).order_by("number").first()
    where = "沙坪坝区行政服务中心"
    if window is None:
        return where
    return f"{where}{window.location} {window.number} {window.name}"


def _fill(edition: GuideEdition, spec: GuideSpec, item: ApprovalItem, earlier: dict) -> None:
    edition.legal_basis = spec.legal_basis
    edition.conditions = spec.conditions
    fees = earlier.get("fees", spec.fees)
    edition.free_of_charge = not fees
    edition.fees = fees
    edition.fee_basis = earlier.get("fee_basis", spec.fee_basis) if fees else ""
    edition.visits = spec.visits
    edition.place = _place(item)
    for name in ("office_hours", "enquiry_phone", "complaint_phone"):  # no profile yet
        setattr(edition, name, getattr(edition, name) or HALL_PROFILE[name])
    edition.change_summary = earlier.get("summary", "首次发布")
    edition.save()
    materials = list(spec.materials)
    if "extra_material" in earlier:
        materials.insert(len(materials) - 1, earlier["extra_material"])
    GuideMaterial.objects.bulk_create(
        GuideMaterial(
            edition=edition, order=n, name=m.name, form=m.form, copies=m.copies, notes=m.notes
        )
        for n, m in enumerate(materials, start=1)
    )
    GuideStep.objects.bulk_create(
        GuideStep(
            edition=edition,
            order=n,
            title=s.title,
            description=s.description,
            who=s.who,
            time=s.time,
        )
        for n, s in enumerate(spec.steps, start=1)
    )
    GuideFaq.objects.bulk_create(
        GuideFaq(edition=edition, order=n, question=q, answer=a)
        for n, (q, a) in enumerate(spec.faqs, start=1)
    )


def _revise(edition: GuideEdition, spec: GuideSpec) -> None:
    """The second edition: the current fees, the current list of materials."""
    edition.change_summary = "按最新规定调整收费和申请材料"
    edition.free_of_charge = not spec.fees
    edition.fees = spec.fees
    edition.fee_basis = spec.fee_basis if spec.fees else ""
    edition.save()
    extra = (spec.earlier or {}).get("extra_material")
    if extra is not None:
        edition.materials.filter(name=extra.name).delete()
        services._renumber(edition)


def _publish(edition: GuideEdition, author, reviewer, published: datetime.datetime) -> None:
    services.guide_edition_submit(edition=edition, actor=author)
    services.guide_edition_review(edition=edition, reviewer=reviewer, approve=True)
    GuideEdition.objects.filter(pk=edition.pk).update(
        created_at=published - datetime.timedelta(days=3),
        submitted_at=published - datetime.timedelta(days=2),
        reviewed_at=published,
        published_at=published,
    )


@transaction.atomic
def seed_guides(*, today: datetime.date | None = None) -> int:
    """Published guides for the demo items; returns how many guides were created."""
    today = today or timezone.localdate()
    reviewer = get_user_model().objects.filter(username="admin").first()
    if reviewer is None:
        return 0
    author = _editor()
    items = {
        i.code: i
        for i in ApprovalItem.objects.select_related("department").filter(
            code__in=[g.code for g in GUIDES], guide__isnull=True
        )
    }
    noon = datetime.time(10, 0)
    created = 0
    for n, spec in enumerate(GUIDES):
        item = items.get(spec.code)
        if item is None:
            continue
        first_day = today - datetime.timedelta(days=150 - 3 * n)
        first = services.guide_edition_draft(item=item, author=author)
        _fill(first, spec, item, spec.earlier or {})
        _publish(
            first, author, reviewer, timezone.make_aware(datetime.datetime.combine(first_day, noon))
        )
        if spec.earlier is not None:
            second = services.guide_edition_draft(item=item, author=author)
            _revise(second, spec)
            second_day = today - datetime.timedelta(days=40 - n)
            _publish(
                second,
                author,
                reviewer,
                timezone.make_aware(datetime.datetime.combine(second_day, noon)),
            )
            GuideEdition.objects.filter(pk=first.pk).update(
                archived_at=timezone.make_aware(datetime.datetime.combine(second_day, noon))
            )
        created += 1
    return created
