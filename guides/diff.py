"""Two editions of a guide compared field by field, and their materials, steps and questions
matched by name, order and question: added, removed or changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from guides.models import GuideEdition, GuideFaq, GuideMaterial, GuideStep
from hall.audit import snapshot


@dataclass
class FieldRow:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class ChildChange:
    kind: str  # "added" | "removed" | "changed"
    key: str
    rows: list[FieldRow] = field(default_factory=list)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _fees(e: GuideEdition) -> str:
    return str(_("Free of charge")) if e.free_of_charge else e.fees


def field_rows(a: GuideEdition, b: GuideEdition) -> list[FieldRow]:
    """Every content field of the two editions, in the guide's order."""
    plain = [
        "item_name",
        "item_code",
        "department_name",
        "legal_basis",
        "conditions",
    ]
    rows = [
        FieldRow(_label(GuideEdition, n), *(snapshot(e, [n])[n] for e in (a, b))) for n in plain
    ]
    rows += [
        FieldRow(_("Statutory time limit"), a.statutory_label, b.statutory_label),
        FieldRow(_("Promised time limit"), a.promised_label, b.promised_label),
        FieldRow(_label(GuideEdition, "fees"), _fees(a), _fees(b)),
    ]
    for n in ("fee_basis", "visits", "place", "office_hours", "enquiry_phone", "complaint_phone"):
        rows.append(FieldRow(_label(GuideEdition, n), *(snapshot(e, [n])[n] for e in (a, b))))
    return rows


def _children(old_rows, new_rows, key, fields: list[str], model) -> list[ChildChange]:
    old = {key(r): r for r in old_rows}
    new = {key(r): r for r in new_rows}
    out: list[ChildChange] = []
    for k, row in new.items():
        if k not in old:
            out.append(
                ChildChange(
                    "added",
                    k,
                    [FieldRow(_label(model, f), "", snapshot(row, [f])[f]) for f in fields],
                )
            )
            continue
        before, after = snapshot(old[k], fields), snapshot(row, fields)
        changed = [
            FieldRow(_label(model, f), before[f], after[f]) for f in fields if before[f] != after[f]
        ]
        if changed:
            out.append(ChildChange("changed", k, changed))
    for k, row in old.items():
        if k not in new:
            out.append(
                ChildChange(
                    "removed",
                    k,
                    [FieldRow(_label(model, f), snapshot(row, [f])[f], "") for f in fields],
                )
            )
    return out


def edition_diff(a: GuideEdition, b: GuideEdition) -> dict:
    """``a`` (older) against ``b`` (newer); both with their children prefetched."""
    return {
        "fields": field_rows(a, b),
        "materials": _children(
            a.materials.all(),
            b.materials.all(),
            lambda m: m.name.strip(),
            ["order", "form", "copies", "blank_form", "notes"],
            GuideMaterial,
        ),
        "steps": _children(
            a.steps.all(),
            b.steps.all(),
            lambda s: str(s.order),
            ["title", "description", "who", "time"],
            GuideStep,
        ),
        "faqs": _children(
            a.faqs.all(),
            b.faqs.all(),
            lambda q: q.question.strip(),
            ["answer"],
            GuideFaq,
        ),
    }
