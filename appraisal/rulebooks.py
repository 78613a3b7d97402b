"""Rule books: which are in force on a day, which are locked, and the hall office's edits.

The hall has three regulations, each a ``RuleBook`` kind revised on its own date: the general
appraisal rules (考评规则: the award and bonus policy, and any rules of either subject), the
rules for windows (窗口考核实施细则) and the rules for staff (工作人员考核实施细则).

- The rules in force on a day: for each kind, those of the newest book of that kind effective
  on or before the day (``rule_books_in_force``, ``rules_in_force``).
- The policy in force: the newest *general* book (``policy_in_force``).
- A book's period of force runs from its date to the day before the next book of its kind.
  Once that period overlaps a month that is no longer open, the book is LOCKED: it scored a
  closed month, and changing it would rewrite that month. Every edit below refuses then.
- A revision copies the newest book of its kind and takes effect after the last month that is
  not open, so it never changes which book scored a closed month.

Every change is audited on the book (``hall.audit``), rule changes under the rule's code.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from appraisal import scoring
from appraisal.charts import points_range
from appraisal.models import AppraisalMonth, BonusBand, Rule, RuleBook
from hall.audit import audit_record, diff, snapshot
from hall.models import AuditEntry

Kind = RuleBook.Kind
OPEN = AppraisalMonth.Status.OPEN

# What a revision copies from the book it revises, besides its rules and bands.
POLICY_FIELDS = [
    "star_share",
    "star_minimum",
    "banner_count",
    "award_min_total",
    "bonus_mode",
    "bonus_base",
    "bonus_per_point",
    "window_includes_staff",
]
BOOK_FIELDS = ["title", "notes", *POLICY_FIELDS]
RULE_FIELDS = [
    "code",
    "title",
    "category",
    "applies_to",
    "min_points",
    "max_points",
    "monthly_cap",
    "evidence_required",
    "disqualifies",
]


def book_fields(kind: str) -> list[str]:
    """What the hall office sets on a book of ``kind``: the policy is the general rules'."""
    return BOOK_FIELDS if kind == Kind.GENERAL else ["title", "notes"]


# The subject a kind's rules may apply to; a general book may hold either.
SUBJECT_OF_KIND = {Kind.WINDOW: Rule.Subject.WINDOW, Kind.STAFF: Rule.Subject.STAFF}


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


# --- in force ------------------------------------------------------------------------------


def newest_by_kind(books, day: datetime.date) -> dict[str, RuleBook]:
    """Of ``books`` (any order), the newest of each kind effective on or before ``day``."""
    out: dict[str, RuleBook] = {}
    for book in books:
        if book.effective_from > day:
            continue
        held = out.get(book.kind)
        if held is None or book.effective_from > held.effective_from:
            out[book.kind] = book
    return out


def rule_books_in_force(day: datetime.date) -> dict[str, RuleBook]:
    """Kind → the book of that kind in force on ``day`` (kinds with no book yet are absent).
    One query: the table holds a handful of books."""
    return newest_by_kind(RuleBook.objects.filter(effective_from__lte=day), day)


def policy_in_force(day: datetime.date) -> RuleBook | None:
    """The general book in force on ``day``: its award and bonus policy apply."""
    return (
        RuleBook.objects.filter(kind=Kind.GENERAL, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


def rules_in_force(day: datetime.date) -> tuple[list[RuleBook], list[Rule]]:
    """The books in force on ``day`` (general, window, staff order) and all their rules, by
    category and code. Two queries."""
    by_kind = rule_books_in_force(day)
    books = [by_kind[k] for k in Kind.values if k in by_kind]
    order = {value: i for i, value in enumerate(Rule.Category.values)}
    rules = sorted(
        Rule.objects.filter(book__in=books), key=lambda r: (order.get(r.category, 99), r.code)
    )
    return books, rules


def bonus_table(book: RuleBook | None) -> scoring.BonusTable:
    """The book's bonus policy as plain data for ``scoring``; no book → no bonus."""
    if book is None:
        return scoring.BonusTable()
    if book.bonus_mode == RuleBook.BonusMode.BANDS:
        bands = tuple(book.bonus_bands.order_by("total_from").values_list("total_from", "amount"))
        return scoring.BonusTable(bands=bands)
    return scoring.BonusTable(base=book.bonus_base, per_point=book.bonus_per_point)


# --- periods and locks ---------------------------------------------------------------------


def periods(books) -> dict[int, tuple[datetime.date, datetime.date | None]]:
    """Book id → (first day, last day or None while no later book of its kind exists)."""
    by_kind: dict[str, list[RuleBook]] = defaultdict(list)
    for book in books:
        by_kind[book.kind].append(book)
    out = {}
    for same_kind in by_kind.values():
        same_kind.sort(key=lambda b: b.effective_from)
        for book, later in zip(same_kind, [*same_kind[1:], None], strict=True):
            end = later.effective_from - datetime.timedelta(days=1) if later else None
            out[book.pk] = (book.effective_from, end)
    return out


def _overlaps(period, month_start: datetime.date) -> bool:
    start, end = period
    return month_start >= _first_of_month(start) and (end is None or month_start <= end)


def locked_ids(books, not_open_months) -> set[int]:
    """Ids of the books whose period of force overlaps one of the months (first days)."""
    spans = periods(books)
    return {
        pk for pk, period in spans.items() if any(_overlaps(period, m) for m in not_open_months)
    }


def not_open_months() -> list[datetime.date]:
    return list(AppraisalMonth.objects.exclude(status=OPEN).values_list("month", flat=True))


def _period_of(book: RuleBook) -> tuple[datetime.date, datetime.date | None]:
    later = (
        RuleBook.objects.filter(kind=book.kind, effective_from__gt=book.effective_from)
        .order_by("effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )
    return book.effective_from, later - datetime.timedelta(days=1) if later else None


def lock_reason(book: RuleBook, *, for_update: bool = False) -> str | None:
    """Why the book cannot change (it scored a month that is no longer open), or None.

    ``for_update`` (inside a transaction) locks the months of the book's period for the
    check, so a month being closed at the same moment either sees the edit before it computes
    or makes the edit refused."""
    start, end = _period_of(book)
    months = AppraisalMonth.objects.filter(month__gte=_first_of_month(start))
    if end is not None:
        months = months.filter(month__lte=end)
    if for_update:
        months = months.select_for_update()
    used = [m for m in months.order_by("month") if m.status != OPEN]
    if not used:
        return None
    return _(
        "This rule book is locked: it scored %(month)s, which is %(status)s. "
        "Create a new revision instead."
    ) % {"month": f"{used[0].month:%Y-%m}", "status": used[0].get_status_display()}


def _refuse_if_locked(book: RuleBook) -> None:
    reason = lock_reason(book, for_update=True)
    if reason:
        raise ValidationError(reason)


def book_is_locked(book: RuleBook) -> bool:
    return book.pk in locked_ids(RuleBook.objects.filter(kind=book.kind), not_open_months())


def revision_earliest(kind: str) -> datetime.date | None:
    """The earliest date a new revision of ``kind`` may take effect: after the last month that
    is not open and after the newest book of the kind. None: any date."""
    floor = []
    last = AppraisalMonth.objects.exclude(status=OPEN).order_by("-month").first()
    if last is not None:
        floor.append(last.last_day + datetime.timedelta(days=1))
    newest = RuleBook.objects.filter(kind=kind).order_by("-effective_from").first()
    if newest is not None:
        floor.append(newest.effective_from + datetime.timedelta(days=1))
    return max(floor) if floor else None


# --- audit helpers -------------------------------------------------------------------------


def _bands_text(bands) -> str:
    return ", ".join(f"≥{total_from:g} → {amount:g}" for total_from, amount in bands)


def _rule_text(rule: Rule) -> str:
    return f"{rule.title} {points_range(rule)}（{rule.get_applies_to_display()}）"


def _rule_changes(before: dict[str, str], after: dict[str, str], code: str) -> dict:
    labels = {f.name: str(f.verbose_name) for f in Rule._meta.get_fields() if f.concrete}
    return {f"{code} · {labels[k]}": change for k, change in diff(before, after).items()}


# --- writes --------------------------------------------------------------------------------


@transaction.atomic
def rule_book_revise(
    *, author, kind: str, effective_from: datetime.date, title: str = "", notes: str = ""
) -> RuleBook:
    """A new revision of ``kind``: a copy of the newest book of that kind (policy, rules,
    bonus bands) taking effect on ``effective_from``. The first book of a kind starts empty.

    Refused when the date falls in or before a month that is not open, on or before the
    newest book of the kind, or when entries dated from then on were already recorded under
    the book it would supersede (they would be left under a book no longer in force).
    """
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Choose a kind of rule book.")]})
    source = RuleBook.objects.filter(kind=kind).order_by("-effective_from").first()
    errors: dict[str, list[str]] = defaultdict(list)
    # Lock the months from the new date on: one being closed now is seen closed, or waits.
    list(
        AppraisalMonth.objects.select_for_update().filter(
            month__gte=_first_of_month(effective_from)
        )
    )
    last_used = AppraisalMonth.objects.exclude(status=OPEN).order_by("-month").first()
    if last_used is not None and last_used.last_day >= effective_from:
        errors["effective_from"].append(
            _("%(month)s is %(status)s: a revision can take effect only after it, from %(day)s on.")
            % {
                "month": f"{last_used.month:%Y-%m}",
                "status": last_used.get_status_display(),
                "day": last_used.last_day + datetime.timedelta(days=1),
            }
        )
    if source is not None and effective_from <= source.effective_from:
        errors["effective_from"].append(
            _("The newest %(kind)s take effect on %(day)s: a revision must take effect later.")
            % {"kind": source.get_kind_display(), "day": source.effective_from}
        )
    if source is not None and not errors:
        late = source.rules.filter(entries__occurred_on__gte=effective_from).first()
        if late is not None:
            errors["effective_from"].append(
                _(
                    "Entries dated %(day)s or later were already recorded under rule %(code)s "
                    "of the current book; choose a later date."
                )
                % {"day": effective_from, "code": late.code}
            )
    if errors:
        raise ValidationError(dict(errors))
    policy = {name: getattr(source, name) for name in POLICY_FIELDS} if source else {}
    book = RuleBook.objects.create(
        kind=kind,
        effective_from=effective_from,
        title=(title or "").strip() or (source.title if source else Kind(kind).label),
        notes=(notes or "").strip(),
        created_by=author if getattr(author, "is_authenticated", False) else None,
        **policy,
    )
    rules = list(source.rules.all()) if source else []
    Rule.objects.bulk_create(
        Rule(book=book, **{name: getattr(r, name) for name in RULE_FIELDS}) for r in rules
    )
    bands = list(source.bonus_bands.values_list("total_from", "amount")) if source else []
    BonusBand.objects.bulk_create(BonusBand(book=book, total_from=f, amount=a) for f, a in bands)
    changes = diff({}, snapshot(book, ["kind", "effective_from", *book_fields(kind)]))
    changes[str(_("copied from"))] = ["", str(source) if source else ""]
    changes[str(_("rules"))] = ["", str(len(rules))]
    if bands:
        changes[str(_("bonus bands"))] = ["", _bands_text(bands)]
    audit_record(actor=author, instance=book, action=AuditEntry.Action.CREATE, changes=changes)
    return book


def _check_bands(mode: str, bands: list[tuple[Decimal, Decimal]]) -> list[str]:
    errors = []
    totals = [t for t, _a in bands]
    if len(totals) != len(set(totals)):
        errors.append(_("Each band needs its own starting total."))
    if any(a < 0 for _t, a in bands):
        errors.append(_("A bonus cannot be negative."))
    ordered = sorted(bands)
    if any(lower[1] > higher[1] for lower, higher in zip(ordered, ordered[1:], strict=False)):
        errors.append(_("A higher band cannot pay less than a lower one."))
    if mode == RuleBook.BonusMode.BANDS and not bands:
        errors.append(_("Bonus pay by bands needs at least one band."))
    return errors


@transaction.atomic
def rule_book_update(
    *,
    author,
    book: RuleBook,
    fields: dict,
    bands: list[tuple[Decimal, Decimal]] | None = None,
) -> RuleBook:
    """Change a book's title, notes and (a general book only) its award and bonus policy and
    bonus bands. Refused, writing nothing, when the book is locked."""
    book = RuleBook.objects.select_for_update().get(pk=book.pk)
    _refuse_if_locked(book)
    allowed = book_fields(book.kind)
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(
            _("These cannot be set on this book: %(names)s.") % {"names": ", ".join(unknown)}
        )
    if bands is not None and book.kind != Kind.GENERAL:
        raise ValidationError({"bands": [_("Only the general rules carry bonus bands.")]})
    old_bands = list(book.bonus_bands.values_list("total_from", "amount"))
    new_bands = sorted(bands) if bands is not None else old_bands
    mode = fields.get("bonus_mode", book.bonus_mode)
    errors = _check_bands(mode, new_bands)
    if not (fields.get("title", book.title) or "").strip():
        raise ValidationError({"title": [_("Give the book a title.")]})
    if errors:
        raise ValidationError({"bands": errors})
    before = snapshot(book, allowed)
    for name, value in fields.items():
        setattr(book, name, value.strip() if isinstance(value, str) else value)
    book.save(update_fields=list(fields) or None)
    changes = diff(before, snapshot(book, allowed))
    if bands is not None and new_bands != old_bands:
        book.bonus_bands.all().delete()
        BonusBand.objects.bulk_create(
            BonusBand(book=book, total_from=f, amount=a) for f, a in new_bands
        )
        changes[str(_("bonus bands"))] = [_bands_text(old_bands), _bands_text(new_bands)]
    if changes:
        audit_record(actor=author, instance=book, action=AuditEntry.Action.UPDATE, changes=changes)
    return book


def _check_rule(book: RuleBook, data: dict, *, rule: Rule | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    code = (data.get("code") or "").strip()
    if not code:
        errors["code"].append(_("Give the rule a code."))
    elif book.rules.filter(code=code).exclude(pk=rule.pk if rule else None).exists():
        errors["code"].append(_("Rule %(code)s is already in this book.") % {"code": code})
    else:
        others = [b for b in rule_books_in_force(book.effective_from).values() if b.pk != book.pk]
        twin = Rule.objects.filter(book__in=others, code=code).select_related("book").first()
        if twin is not None:
            errors["code"].append(
                _("Rule %(code)s is already in force from %(book)s.")
                % {"code": code, "book": twin.book}
            )
    if not (data.get("title") or "").strip():
        errors["title"].append(_("Give the rule a title."))
    subject = SUBJECT_OF_KIND.get(book.kind)
    if subject is not None and data.get("applies_to") != subject:
        errors["applies_to"].append(
            _("%(kind)s hold only rules that apply to: %(subject)s.")
            % {"kind": book.get_kind_display(), "subject": Rule.Subject(subject).label}
        )
    low, high = data.get("min_points"), data.get("max_points")
    if low is None or high is None or low > high:
        errors["max_points"].append(_("The points run from the lower to the higher value."))
    elif low < 0 < high:
        errors["max_points"].append(
            _("A rule either adds or deducts: both values must have the same sign.")
        )
    cap = data.get("monthly_cap")
    if cap is not None and cap <= 0:
        errors["monthly_cap"].append(_("A cap is a positive number of points, or empty."))
    if rule is not None and not errors:
        used = rule.entries.filter(reverses__isnull=True).aggregate(
            lo=Min("points"), hi=Max("points")
        )
        if used["lo"] is not None:
            if data["applies_to"] != rule.applies_to:
                errors["applies_to"].append(
                    _("Rule %(code)s already has entries: whom it applies to cannot change.")
                    % {"code": rule.code}
                )
            if used["lo"] < low or used["hi"] > high:
                errors["min_points"].append(
                    _(
                        "Rule %(code)s already has entries of %(lo)s to %(hi)s points: its "
                        "range must keep them."
                    )
                    % {"code": rule.code, "lo": f"{used['lo']:+g}", "hi": f"{used['hi']:+g}"}
                )
    return errors


def _rule_data(data: dict) -> dict:
    out = {name: data.get(name) for name in RULE_FIELDS}
    for name in ("code", "title"):
        out[name] = (out[name] or "").strip()
    out["evidence_required"] = bool(out["evidence_required"])
    out["disqualifies"] = bool(out["disqualifies"])
    return out


@transaction.atomic
def rule_add(*, author, book: RuleBook, data: dict) -> Rule:
    """Add a rule to an unlocked book (``data``: the ``RULE_FIELDS``)."""
    book = RuleBook.objects.select_for_update().get(pk=book.pk)
    _refuse_if_locked(book)
    data = _rule_data(data)
    errors = _check_rule(book, data, rule=None)
    if errors:
        raise ValidationError(dict(errors))
    rule = Rule.objects.create(book=book, **data)
    audit_record(
        actor=author,
        instance=book,
        action=AuditEntry.Action.UPDATE,
        changes={rule.code: ["", _rule_text(rule)]},
    )
    return rule


@transaction.atomic
def rule_update(*, author, rule: Rule, data: dict) -> Rule:
    """Change a rule of an unlocked book. A rule with entries keeps whom it applies to and a
    points range that holds every entry already recorded under it."""
    book = RuleBook.objects.select_for_update().get(pk=rule.book_id)
    _refuse_if_locked(book)
    rule = Rule.objects.get(pk=rule.pk)
    data = _rule_data(data)
    errors = _check_rule(book, data, rule=rule)
    if errors:
        raise ValidationError(dict(errors))
    before = snapshot(rule, RULE_FIELDS)
    code = rule.code
    for name, value in data.items():
        setattr(rule, name, value)
    rule.save()
    rule.refresh_from_db()  # the stored values (−2.0, not −2) in the audit, as before
    changes = _rule_changes(before, snapshot(rule, RULE_FIELDS), code)
    if changes:
        audit_record(actor=author, instance=book, action=AuditEntry.Action.UPDATE, changes=changes)
    return rule


@transaction.atomic
def rule_remove(*, author, rule: Rule) -> None:
    """Remove a rule from an unlocked book; a rule with entries stays."""
    book = RuleBook.objects.select_for_update().get(pk=rule.book_id)
    _refuse_if_locked(book)
    rule = Rule.objects.get(pk=rule.pk)
    count = rule.entries.count()
    if count:
        raise ValidationError(
            _("Rule %(code)s has %(n)s ledger entries: it cannot be removed.")
            % {"code": rule.code, "n": count}
        )
    text = _rule_text(rule)
    code = rule.code
    rule.delete()
    audit_record(
        actor=author, instance=book, action=AuditEntry.Action.UPDATE, changes={code: [text, ""]}
    )
