"""Printed guides: the PDFs (a guide in full, its one-page short form, a department's or the
whole hall's bound booklet) and the print runs made from them.

PDFs go through the hall's pipeline (``hall.pdf``): a ``Document`` row per key, rendered by
Celery, with a progress page. A guide's PDFs are per edition — a published edition never
changes, so once rendered it is served again as it is (unless the hall's public address, which
its QR code carries, has changed). A booklet holds the editions published when it was asked
for; their ids are kept on the document, so the print run recorded from it names exactly the
editions on paper, and a booklet whose editions are no longer all current is rendered anew.

Out-of-date copies: for each guide, the newest print run is compared with the current
published edition. When the printed edition differs in its legal basis, its fees (free or
not, the fees, their basis) or its materials (each material's name, original or copy, and
number of copies), the printed copies are out of date. Other changes — a reworded FAQ, new
office hours — do not make the paper wrong enough to reprint.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from guides import flowchart
from guides.models import (
    GuideEdition,
    GuideFaq,
    GuideMaterial,
    GuideStep,
    PrintRun,
)
from hall import pdf
from hall.models import Document
from hall.roles import HALL_ADMIN, has_role

FULL = "guides.full"
SHORT = "guides.short"
BOOKLET = "guides.booklet"
KINDS = (FULL, SHORT, BOOKLET)
BOOKLET_GROUP = "guides-booklets"
Status = GuideEdition.Status


# --- addresses and pictures -------------------------------------------------------------------


def public_url(code: str) -> str:
    """The item's current guide online, absolute: what a printed guide's QR code carries."""
    return settings.HALL_PUBLIC_URL.rstrip("/") + reverse("guide_public", args=[code])


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, border=2, svgclass="qr", omitsize=False)


def guide_parts(edition: GuideEdition) -> dict:
    """What a printed guide shows besides the edition's fields: its lists, its flowchart, the
    QR code to the current edition online. ``edition`` has its children prefetched."""
    steps = list(edition.steps.all())
    url = public_url(edition.item_code)
    return {
        "edition": edition,
        "materials": list(edition.materials.all()),
        "steps": steps,
        "faqs": list(edition.faqs.all()),
        "flowchart": mark_safe(  # noqa: S308 — every string escaped by flowchart
            flowchart.steps_svg(steps, label=_("Procedure flowchart"))
        ),
        "qr": mark_safe(qr_svg(url)),  # noqa: S308 — segno draws paths only
        "url": url,
    }


def _hall() -> dict:
    from hall.selectors import hall_profile

    return {"hall_profile": hall_profile(), "printed_at": timezone.localtime()}


# --- reading editions -------------------------------------------------------------------------


def editions_with_contents(ids) -> list[GuideEdition]:
    """Editions with their materials, steps and questions (four queries), in the hall's
    order: department, then item code."""
    return list(
        GuideEdition.objects.filter(pk__in=list(ids))
        .select_related("guide__item__department")
        .prefetch_related(
            Prefetch("materials", queryset=GuideMaterial.objects.order_by("order", "id")),
            Prefetch("steps", queryset=GuideStep.objects.order_by("order", "id")),
            Prefetch("faqs", queryset=GuideFaq.objects.order_by("order", "id")),
        )
        .order_by(
            "guide__item__department__display_order",
            "guide__item__department__code",
            "item_code",
        )
    )


def published_edition_ids(department=None) -> list[int]:
    qs = GuideEdition.objects.filter(
        status=Status.PUBLISHED, guide__item__active=True, guide__item__department__active=True
    )
    if department is not None:
        qs = qs.filter(guide__item__department=department)
    return sorted(qs.values_list("pk", flat=True))


# --- keys, titles and requests ----------------------------------------------------------------


def edition_key(edition: GuideEdition, kind: str) -> str:
    return f"guide-edition-{edition.pk}-{'full' if kind == FULL else 'short'}"


def booklet_key(department=None) -> str:
    return f"guides-booklet-department-{department.pk}" if department else "guides-booklet-hall"


def _edition_title(edition: GuideEdition, kind: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if kind == FULL:
            label = _("Service guide %(name)s (edition %(n)s)")
        else:
            label = _("Service guide, short form: %(name)s (edition %(n)s)")
        return label % {"name": edition.item_name, "n": edition.number}


def booklet_title(department=None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if department is None:
            return _("Service guides of the hall")
        return _("Service guides: %(department)s") % {"department": department.name}


def is_fresh(document: Document | None, fingerprint: str) -> bool:
    return (
        document is not None
        and document.status == Document.Status.DONE
        and bool(document.file)
        and document.params.get("fingerprint") == fingerprint
    )


def _in_progress(document: Document | None, fingerprint: str) -> bool:
    """Asked for with the same contents and not finished (or failed, which the progress page
    shows with a button to try again): asking again would only restart it."""
    if document is None or document.params.get("fingerprint") != fingerprint:
        return False
    if document.status == Document.Status.QUEUED:
        return pdf.worker_available()
    return document.status in (Document.Status.RUNNING, Document.Status.FAILED)


def edition_pdf(
    edition: GuideEdition, kind: str, *, requested_by=None, again: bool = False
) -> Document:
    """A guide's full or short PDF: the stored one while fresh, otherwise a new request (made
    at once when tasks run in-process). ``again``: render even a fresh or failed one."""
    if kind not in (FULL, SHORT):
        raise ValueError(kind)
    key = edition_key(edition, kind)
    fingerprint = public_url(edition.item_code)
    document = Document.objects.filter(key=key).first()
    if not again and (is_fresh(document, fingerprint) or _in_progress(document, fingerprint)):
        return document
    pdf.document_request(
        kind=kind,
        key=key,
        title=_edition_title(edition, kind),
        group=f"guide-{edition.guide_id}",
        params={"edition": edition.pk, "fingerprint": fingerprint},
        requested_by=requested_by,
    )
    return Document.objects.get(key=key)


def booklet_fingerprint(ids: list[int]) -> str:
    return f"{settings.HALL_PUBLIC_URL}|" + ",".join(map(str, ids))


def booklet_pdf(department=None, *, requested_by=None, again: bool = False) -> Document:
    """The bound booklet of one department (or the whole hall): its published guides now."""
    ids = published_edition_ids(department)
    if not ids:
        raise ValidationError(_("There is no published guide to bind into a booklet."))
    key = booklet_key(department)
    fingerprint = booklet_fingerprint(ids)
    document = Document.objects.filter(key=key).first()
    if not again and (is_fresh(document, fingerprint) or _in_progress(document, fingerprint)):
        return document
    pdf.document_request(
        kind=BOOKLET,
        key=key,
        title=booklet_title(department),
        group=BOOKLET_GROUP,
        params={
            "department": department.pk if department else None,
            "editions": ids,
            "fingerprint": fingerprint,
        },
        requested_by=requested_by,
    )
    return Document.objects.get(key=key)


def booklet_is_current(document: Document) -> bool:
    department = document.params.get("department")
    if department is None:
        ids = published_edition_ids()
    else:
        from windows.models import Department

        ids = published_edition_ids(Department.objects.filter(pk=department).first())
    return document.params.get("fingerprint") == booklet_fingerprint(ids)


# --- rendering --------------------------------------------------------------------------------


def _in_hall_language(render):
    def wrapped(document: Document, progress) -> bytes:
        with translation.override(settings.LANGUAGE_CODE):
            return render(document, progress)

    return wrapped


def _one_edition(document: Document) -> GuideEdition:
    editions = editions_with_contents([document.params["edition"]])
    if not editions:
        raise ValueError("the edition is gone")
    return editions[0]


@_in_hall_language
def render_full(document: Document, progress) -> bytes:
    progress(0, 2)
    context = {**_hall(), **guide_parts(_one_edition(document)), "doc_title": document.title}
    progress(1, 2)
    return pdf.render_pdf("guides/pdf/full.html", context)


@_in_hall_language
def render_short(document: Document, progress) -> bytes:
    progress(0, 2)
    context = {**_hall(), **guide_parts(_one_edition(document)), "doc_title": document.title}
    progress(1, 2)
    return pdf.render_pdf("guides/pdf/short.html", context)


def booklet_context(ids, *, title: str, department_name: str = "", progress=None) -> dict:
    """Cover, contents (grouped by department) and every guide's parts."""
    editions = editions_with_contents(ids)
    total = len(editions) + 1
    guides = []
    for n, edition in enumerate(editions, start=1):
        guides.append(guide_parts(edition))
        if progress is not None:
            progress(n, total)
    sections: dict[str, list[dict]] = defaultdict(list)
    for g in guides:
        sections[g["edition"].department_name].append(g)
    return {
        **_hall(),
        "doc_title": title,
        "department_name": department_name,
        "guides": guides,
        "sections": list(sections.items()),
    }


@_in_hall_language
def render_booklet(document: Document, progress) -> bytes:
    from windows.models import Department

    department = None
    if document.params.get("department"):
        department = Department.objects.filter(pk=document.params["department"]).first()
    ids = document.params["editions"]
    progress(0, len(ids) + 1)
    context = booklet_context(
        ids,
        title=document.title,
        department_name=department.name if department else "",
        progress=progress,
    )
    return pdf.render_pdf("guides/pdf/booklet.html", context)


def _admin_only(user, document: Document) -> bool:
    return has_role(user, HALL_ADMIN)


pdf.register_kind(FULL, render=render_full, can_view=_admin_only)
pdf.register_kind(SHORT, render=render_short, can_view=_admin_only)
pdf.register_kind(BOOKLET, render=render_booklet, can_view=_admin_only)


# --- print runs -------------------------------------------------------------------------------

MAX_COPIES = 1_000_000


def _run_kind(document: Document) -> str:
    if document.kind == FULL:
        return PrintRun.Kind.FULL
    if document.kind == SHORT:
        return PrintRun.Kind.SHORT
    if document.params.get("department"):
        return PrintRun.Kind.DEPARTMENT_BOOKLET
    return PrintRun.Kind.HALL_BOOKLET


@transaction.atomic
def print_run_record(
    *,
    document: Document,
    copies: int,
    printed_on: datetime.date,
    note: str = "",
    actor,
) -> list[PrintRun]:
    """Record copies printed from a guide PDF or a booklet: one row per edition on paper.
    Refused for a PDF not rendered, a guide edition no longer current, or a booklet whose
    guides have changed since it was rendered (print the new one)."""
    if document.kind not in KINDS:
        raise ValidationError(_("This is not a guide's PDF."))
    if document.status != Document.Status.DONE or not document.file:
        raise ValidationError(_("The PDF is not ready yet: record the print run once it is."))
    errors = {}
    if not 1 <= copies <= MAX_COPIES:
        errors["copies"] = _("Between 1 and %(max)s copies.") % {"max": MAX_COPIES}
    if printed_on > timezone.localdate():
        errors["printed_on"] = _("The print date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    if document.kind == BOOKLET:
        ids = document.params["editions"]
        if not booklet_is_current(document):
            raise ValidationError(
                _(
                    "Guides have changed since this booklet was rendered: render it again "
                    "and print the new one."
                )
            )
    else:
        ids = [document.params["edition"]]
        status = GuideEdition.objects.filter(pk=ids[0]).values_list("status", flat=True).first()
        if status != Status.PUBLISHED:
            raise ValidationError(
                _("This edition is no longer the current one: print the current edition.")
            )
    batch = uuid.uuid4()
    kind = _run_kind(document)
    department = document.params.get("department") if kind == "department_booklet" else None
    return PrintRun.objects.bulk_create(
        PrintRun(
            edition_id=pk,
            kind=kind,
            copies=copies,
            printed_on=printed_on,
            department_id=department,
            batch=batch,
            note=note.strip(),
            recorded_by=actor,
        )
        for pk in ids
    )


# --- out-of-date printed copies ---------------------------------------------------------------


def _material_key(m: GuideMaterial) -> tuple[str, str, int]:
    return (" ".join(m.name.split()), m.form, m.copies)


def _fees_key(e: GuideEdition) -> tuple:
    if e.free_of_charge:
        return (True, "", "")
    return (False, e.fees.strip(), e.fee_basis.strip())


def changes_since(printed: GuideEdition, current: GuideEdition, materials: dict) -> list[str]:
    """What changed between the printed edition and the current one that makes the paper
    wrong: "legal_basis", "fees", "materials". ``materials``: edition id → materials."""
    changes = []
    if printed.legal_basis.strip() != current.legal_basis.strip():
        changes.append("legal_basis")
    if _fees_key(printed) != _fees_key(current):
        changes.append("fees")
    a = sorted(_material_key(m) for m in materials.get(printed.pk, []))
    b = sorted(_material_key(m) for m in materials.get(current.pk, []))
    if a != b:
        changes.append("materials")
    return changes


@dataclass
class OutdatedPrint:
    run: PrintRun  # the newest print run of the item
    printed: GuideEdition
    current: GuideEdition
    changes: list[str] = field(default_factory=list)
    copies: int = 0  # copies printed of the printed edition, every run

    @property
    def item(self):
        return self.printed.guide.item

    @property
    def change_labels(self) -> list[str]:
        labels = {"legal_basis": _("legal basis"), "fees": _("fees"), "materials": _("materials")}
        return [labels[c] for c in self.changes]


def outdated_prints(*, guide_ids=None) -> list[OutdatedPrint]:
    """Guides whose newest print run is of an edition that differs from the current one in
    legal basis, fees or materials. Four queries however many guides or runs."""
    newest = PrintRun.objects.filter(edition__guide=OuterRef("edition__guide")).order_by(
        "-printed_on", "-id"
    )
    runs = (
        PrintRun.objects.filter(pk=Subquery(newest.values("pk")[:1]))
        .exclude(edition__status=Status.PUBLISHED)
        .select_related("edition__guide__item__department", "recorded_by")
    )
    if guide_ids is not None:
        runs = runs.filter(edition__guide_id__in=guide_ids)
    runs = list(runs)
    if not runs:
        return []
    current = {
        e.guide_id: e
        for e in GuideEdition.objects.filter(
            guide_id__in=[r.edition.guide_id for r in runs], status=Status.PUBLISHED
        )
    }
    printed_ids = [r.edition_id for r in runs]
    materials: dict[int, list[GuideMaterial]] = defaultdict(list)
    for m in GuideMaterial.objects.filter(
        edition_id__in=printed_ids + [e.pk for e in current.values()]
    ).only("edition_id", "name", "form", "copies"):
        materials[m.edition_id].append(m)
    copies = dict(
        PrintRun.objects.filter(edition_id__in=printed_ids)
        .values("edition_id")
        .annotate(n=Sum("copies"))
        .values_list("edition_id", "n")
        .order_by()
    )
    out = []
    for run in runs:
        now = current.get(run.edition.guide_id)
        if now is None:
            continue
        changes = changes_since(run.edition, now, materials)
        if changes:
            out.append(OutdatedPrint(run, run.edition, now, changes, copies.get(run.edition_id, 0)))
    out.sort(key=lambda o: (o.item.department.display_order, o.item.code))
    return out
