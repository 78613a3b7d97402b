"""Reads of service guides: the admin list, the public catalogue, one guide and its editions."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Q, Subquery

from guides.models import ApprovalItem, GuideEdition, GuideFaq, GuideMaterial, GuideStep
from hall.sql import Precompiled

Status = GuideEdition.Status
OPEN = [Status.DRAFT, Status.REVIEW]


def _edition_of(status_q: Q, field: str):
    return Subquery(
        GuideEdition.objects.filter(status_q, guide__item=OuterRef("pk")).values(field)[:1]
    )


def items_with_guide_status(*, query: str = "", department: str = "", state: str = ""):
    """Items with their current and draft editions' numbers and status, in one query."""
    published = Q(status=Status.PUBLISHED)
    open_ = Q(status__in=OPEN)
    qs = (
        ApprovalItem.objects.filter(active=True)
        .select_related("department")
        .annotate(
            published_number=_edition_of(published, "number"),
            published_at=_edition_of(published, "published_at"),
            open_number=_edition_of(open_, "number"),
            open_status=_edition_of(open_, "status"),
            open_id=_edition_of(open_, "id"),
        )
    )
    if query:
        qs = qs.filter(
            Q(code__icontains=query)
            | Q(name__icontains=query)
            | Q(department__name__icontains=query)
        )
    if department:
        qs = qs.filter(department_id=department)
    if state == "none":
        qs = qs.filter(published_number__isnull=True, open_number__isnull=True)
    elif state == "published":
        qs = qs.filter(published_number__isnull=False)
    elif state == "unpublished":
        qs = qs.filter(published_number__isnull=True)
    elif state in {Status.DRAFT, Status.REVIEW}:
        qs = qs.filter(open_status=state)
    return qs.order_by("department__display_order", "department__code", "code")


def public_items(*, query: str = "", department: str = ""):
    """The public catalogue: active items, with whether each has a published guide."""
    qs = (
        ApprovalItem.objects.filter(active=True, department__active=True)
        .select_related("department")
        .annotate(published_number=_edition_of(Q(status=Status.PUBLISHED), "number"))
    )
    if query:
        qs = qs.filter(
            Q(code__icontains=query)
            | Q(name__icontains=query)
            | Q(department__name__icontains=query)
        )
    if department:
        qs = qs.filter(department_id=department)
    return qs.order_by("department__display_order", "department__code", "code")


def public_item(code: str) -> ApprovalItem | None:
    """The active item with this code and its published edition's id (or None), in one query."""
    return (
        ApprovalItem.objects.filter(code=code, active=True)
        .select_related("department")
        .annotate(published_id=_edition_of(Q(status=Status.PUBLISHED), "id"))
        .first()
    )


def _published_id_read(code: str):
    # Unordered, the subquery too (one published edition per guide): less to plan.
    edition = GuideEdition.objects.filter(status=Status.PUBLISHED, guide__item=OuterRef("pk"))
    return (
        ApprovalItem.objects.filter(code=code, active=True)
        .order_by()
        .annotate(published_id=Subquery(edition.order_by().values("id")[:1]))
        .values_list("published_id")[:1]
    )


_published_id = Precompiled(_published_id_read)


def published_edition_id(code: str) -> int | None:
    """The published edition's id of the active item with this code (None for no such item
    or no published guide): all the cached public page needs to know on each request, by
    SQL compiled once (hall/sql.py)."""
    rows = _published_id.rows(code)
    return rows[0][0] if rows else None


def edition_with_contents(pk: int) -> GuideEdition:
    """An edition with its materials, steps and questions (four queries)."""
    return (
        GuideEdition.objects.select_related("guide__item", "author", "reviewer")
        .prefetch_related(
            Prefetch("materials", queryset=GuideMaterial.objects.order_by("order", "id")),
            Prefetch("steps", queryset=GuideStep.objects.order_by("order", "id")),
            Prefetch("faqs", queryset=GuideFaq.objects.order_by("order", "id")),
        )
        .get(pk=pk)
    )


def guide_editions(item: ApprovalItem):
    return (
        GuideEdition.objects.filter(guide__item=item)
        .select_related("author", "reviewer")
        .order_by("-number")
    )
