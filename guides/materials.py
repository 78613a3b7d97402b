"""Materials clean-up (精简要件): which materials the hall's items ask for again and again,
and which could be dropped.

Names are compared after ``normalise``: the same material is written many ways
("申请人（法定代表人）居民身份证", "身份证复印件", "营业执照副本" and "营业执照"). The analysis
reads the materials of every current (published) edition and finds:

- **the same material in several items** — one normalised name required by two or more items,
  flagged when the items belong to different departments;
- **candidates to drop**, by two rules:
  1. *another department already checks it*: the material is the licence or certificate that
     another department's item in this hall issues (its output, read from the item's name:
     "建设工程规划许可证核发" issues "建设工程规划许可证"; a "…设立登记" issues the business
     licence, 营业执照). The hall can confirm it with that
     department instead of asking the applicant for it again (the seed's plan: drop materials
     collected again after an earlier approval). The same department's own licences are not
     flagged: it checks them itself already.
  2. *no legal basis*: the guide's legal basis cites no law, regulation or normative document
     by title (no 《…》 in it), so nothing requires any of its materials.

Pure functions up to ``analyse``, which takes plain rows; ``materials_analysis`` reads them
from the database in two queries.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Said of the person or body bringing the material, not of the material itself.
PREFIXES = ("申请人", "申请单位", "申请者", "申请企业", "申报单位", "法定代表人", "负责人")
# Whether it is the original, a copy or a duplicate says how to bring it, not what it is.
SUFFIXES = (
    "原件及复印件",
    "原件和复印件",
    "原件或复印件",
    "复印件",
    "影印件",
    "原件",
    "副本",
    "正本",
)
# Two names of one thing, after the above.
SYNONYMS = {"居民身份证": "身份证", "身份证件": "身份证"}
# Brackets after NFKC (which turns （）［］｛｝ into ()[]{}): their content is a gloss.
_BRACKETED = re.compile(
    r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}|【[^【】]*】|〔[^〔〕]*〕|〈[^〈〉]*〉"
)


def _letters_and_digits(text: str) -> str:
    """Only letters (Chinese included) and digits: spaces, punctuation, 《》 and symbols go."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def normalise(name: str) -> str:
    """The material's name reduced to what it is: full-width to half-width (NFKC) and lower
    case; bracketed glosses removed; spaces and punctuation removed; "申请人"-style prefixes
    and "复印件/原件/副本" suffixes removed (repeatedly); a few synonyms folded. Never empty for
    a name with any letter in it."""
    text = unicodedata.normalize("NFKC", name).lower()
    previous = None
    while previous != text:  # nested brackets, innermost first
        previous = text
        text = _BRACKETED.sub("", text)
    text = _letters_and_digits(text)
    core = text
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if core.startswith(prefix) and len(core) > len(prefix):
                core, changed = core[len(prefix) :], True
        for suffix in SUFFIXES:
            if core.endswith(suffix) and len(core) > len(suffix):
                core, changed = core[: -len(suffix)], True
    core = SYNONYMS.get(core, core)
    return core or text or _letters_and_digits(unicodedata.normalize("NFKC", name).lower())


# What an item's name says it issues: "…许可证核发" → "…许可证".
_ISSUING_VERBS = ("核发", "颁发", "换发", "补发", "发放", "办理", "开具", "审批", "核准", "初审")
_DOCUMENT_ENDINGS = ("证", "证书", "执照", "证明", "批复", "意见书", "通知书", "凭证", "合格书")
MIN_OUTPUT_LENGTH = 4
# Outputs a name does not spell out: a business's registration (企业设立登记, 个体工商户设立登记)
# issues its business licence.
NAMED_OUTPUTS = {"设立登记": "营业执照"}


def item_output(item_name: str) -> str:
    """The licence or certificate an item issues, normalised, or "" when its name names none."""
    text = unicodedata.normalize("NFKC", item_name)
    text = _letters_and_digits(_BRACKETED.sub("", text))
    for ending, output in NAMED_OUTPUTS.items():
        if text.endswith(ending):
            return output
    changed = True
    while changed:
        changed = False
        for verb in _ISSUING_VERBS:
            if text.endswith(verb) and len(text) > len(verb):
                text, changed = text[: -len(verb)], True
    if len(text) >= MIN_OUTPUT_LENGTH and text.endswith(_DOCUMENT_ENDINGS):
        return normalise(text)
    return ""


_CITATION = re.compile(r"《[^《》]{2,}》")


def cites_a_law(legal_basis: str) -> bool:
    return bool(_CITATION.search(unicodedata.normalize("NFKC", legal_basis)))


# --- the analysis --------------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialRow:
    """One material of a current edition, with its item and department."""

    name: str
    item_id: int
    item_code: str
    item_name: str
    department_id: int
    department_name: str
    legal_basis: str = ""
    edition_id: int = 0


@dataclass(frozen=True)
class ItemRow:
    item_id: int
    code: str
    name: str
    department_id: int
    department_name: str


@dataclass
class SharedMaterial:
    key: str
    names: list[str]
    rows: list[MaterialRow]

    @property
    def items(self) -> int:
        return len({r.item_id for r in self.rows})

    @property
    def departments(self) -> list[str]:
        return sorted({r.department_name for r in self.rows})

    @property
    def across_departments(self) -> bool:
        return len(self.departments) > 1


@dataclass
class Candidate:
    row: MaterialRow
    key: str
    rule: str  # "checked_elsewhere" | "no_legal_basis"
    issuers: list[ItemRow] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if self.rule == "checked_elsewhere":
            return _("Issued by %(items)s: the hall can confirm it with that department.") % {
                "items": "、".join(f"{i.department_name}「{i.name}」" for i in self.issuers)
            }
        return _("The guide's legal basis cites no law or regulation.")

    @property
    def rule_label(self) -> str:
        if self.rule == "checked_elsewhere":
            return _("Another department already checks it")
        return _("No legal basis")


@dataclass
class Analysis:
    materials: int
    distinct: int
    shared: list[SharedMaterial]
    candidates: list[Candidate]

    @property
    def shared_across(self) -> int:
        return sum(1 for s in self.shared if s.across_departments)


def _issued_by(key: str, outputs: dict[str, list[ItemRow]]) -> list[ItemRow]:
    if key in outputs:
        return outputs[key]
    found: list[ItemRow] = []
    for output, issuers in outputs.items():
        if len(output) >= MIN_OUTPUT_LENGTH and output in key:
            found.extend(issuers)
    return found


def analyse(materials: list[MaterialRow], items: list[ItemRow]) -> Analysis:
    groups: dict[str, list[MaterialRow]] = defaultdict(list)
    for row in materials:
        groups[normalise(row.name)].append(row)
    shared = [
        SharedMaterial(key, sorted({r.name for r in rows}), rows)
        for key, rows in groups.items()
        if len({r.item_id for r in rows}) > 1
    ]
    shared.sort(key=lambda s: (-len(s.departments), -s.items, s.key))

    outputs: dict[str, list[ItemRow]] = defaultdict(list)
    for item in items:
        output = item_output(item.name)
        if output:
            outputs[output].append(item)
    candidates: list[Candidate] = []
    for key, rows in groups.items():
        issuers = _issued_by(key, outputs)
        for row in rows:
            others = [i for i in issuers if i.department_id != row.department_id]
            if others:
                candidates.append(Candidate(row, key, "checked_elsewhere", others))
            if not cites_a_law(row.legal_basis):
                candidates.append(Candidate(row, key, "no_legal_basis"))
    candidates.sort(key=lambda c: (c.rule, c.row.department_name, c.row.item_code, c.key))
    return Analysis(len(materials), len(groups), shared, candidates)


def materials_analysis() -> Analysis:
    """The analysis of the current editions' materials (two queries)."""
    from guides.models import ApprovalItem, GuideEdition, GuideMaterial

    rows = [
        MaterialRow(
            name=name,
            item_id=item_id,
            item_code=code,
            item_name=item_name,
            department_id=department_id,
            department_name=department_name,
            legal_basis=legal_basis,
            edition_id=edition_id,
        )
        for (
            name,
            item_id,
            code,
            item_name,
            department_id,
            department_name,
            legal_basis,
            edition_id,
        ) in GuideMaterial.objects.filter(
            edition__status=GuideEdition.Status.PUBLISHED, edition__guide__item__active=True
        )
        .order_by("edition__guide__item__department__display_order", "edition__item_code", "order")
        .values_list(
            "name",
            "edition__guide__item_id",
            "edition__guide__item__code",
            "edition__guide__item__name",
            "edition__guide__item__department_id",
            "edition__guide__item__department__name",
            "edition__legal_basis",
            "edition_id",
        )
    ]
    items = [
        ItemRow(*row)
        for row in ApprovalItem.objects.filter(active=True).values_list(
            "pk", "code", "name", "department_id", "department__name"
        )
    ]
    return analyse(rows, items)
