"""Reads of the appraisal: the ledger with its filters, live month totals, results, awards.

Every function here runs a fixed number of queries, however many rows it returns.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils import timezone

from appraisal import rulebooks, scoring
from appraisal.charts import points_range
from appraisal.models import (
    AnnualAppraisal,
    Appeal,
    AppraisalMonth,
    AppraisalYear,
    Award,
    MonthlyResult,
    Rule,
    RuleBook,
    ScoreEntry,
)
from appraisal.rulebooks import bonus_table, policy_in_force, rules_in_force
from complaints.selectors import satisfaction_rates
from staff.models import Assignment, StaffMember
from windows.models import Department, Window

Status = AppraisalMonth.Status
VISIBLE_TO_STAFF = (Status.PUBLISHED, Status.FINAL)
ZERO = Decimal("0")


# --- months ------------------------------------------------------------------------------


def parse_month(value: str | None) -> datetime.date | None:
    """``"2026-03"`` → 2026-03-01; anything else → None."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(f"{value.strip()[:7]}-01")
    except ValueError:
        return None


def month_last_day(start: datetime.date) -> datetime.date:
    nxt = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - datetime.timedelta(days=1)


def month_or_unsaved(start: datetime.date) -> AppraisalMonth:
    """The month's row, or an unsaved open one: a page never writes just by being read."""
    return AppraisalMonth.objects.filter(month=start).first() or AppraisalMonth(month=start)


def month_list() -> QuerySet[AppraisalMonth]:
    return AppraisalMonth.objects.annotate(entry_count=Count("entries")).order_by("-month")


def months_with_missing(page_rows: list[AppraisalMonth], *, first_page: bool) -> list:
    """The page's months, plus the current and the previous month when they have no row yet,
    so the admin can open the board of a month nobody has written to."""
    if not first_page:
        return page_rows
    today = timezone.localdate()
    current = today.replace(day=1)
    previous = (current - datetime.timedelta(days=1)).replace(day=1)
    have = {m.month for m in page_rows}
    extra = []
    for start in (current, previous):
        if start not in have and (not page_rows or start > page_rows[-1].month):
            unsaved = AppraisalMonth(month=start)
            unsaved.entry_count = 0
            extra.append(unsaved)
    return sorted(page_rows + extra, key=lambda m: m.month, reverse=True)


# --- the ledger --------------------------------------------------------------------------


@dataclass
class LedgerFilters:
    month: datetime.date | None = None
    department: int | None = None
    window: int | None = None
    staff: str = ""
    rule: str = ""
    source: str = ""
    chosen: dict[str, str] = field(default_factory=dict)  # what the form shows as chosen


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def ledger_filters(params) -> LedgerFilters:
    """Read the ledger's filters from a query dict; what cannot be read is ignored."""
    f = LedgerFilters(
        month=parse_month(params.get("month")),
        department=_int_or_none(params.get("department")),
        window=_int_or_none(params.get("window")),
        staff=params.get("staff", "").strip()[:50],
        rule=params.get("rule", "").strip()[:20],
        source=params.get("source", "") if params.get("source") in ScoreEntry.Source else "",
    )
    f.chosen = {
        "month": f"{f.month:%Y-%m}" if f.month else "",
        "department": str(f.department or ""),
        "window": str(f.window or ""),
        "staff": f.staff,
        "rule": f.rule,
        "source": f.source,
    }
    return f


LEDGER_RELATED = (
    "staff",
    "staff__department",
    "window",
    "window__department",
    "rule",
    "month",
    "author",
    "reverses",
    "reversed_by",
)


def ledger_entries(filters: LedgerFilters) -> QuerySet[ScoreEntry]:
    """Every ledger line matching the filters, newest first, with all a row shows joined in."""
    qs = ScoreEntry.objects.select_related(*LEDGER_RELATED).order_by("-occurred_on", "-id")
    if filters.month:
        qs = qs.filter(month__month=filters.month)
    if filters.department:
        qs = qs.filter(
            Q(staff__department_id=filters.department) | Q(window__department_id=filters.department)
        )
    if filters.window:
        # The window's own entries and those of the staff seated there now.
        qs = qs.filter(Q(window_id=filters.window) | Q(staff__window_id=filters.window))
    if filters.staff:
        qs = qs.filter(
            Q(staff__name__icontains=filters.staff) | Q(staff__employee_no__iexact=filters.staff)
        )
    if filters.rule:
        qs = qs.filter(rule__code__iexact=filters.rule)
    if filters.source:
        qs = qs.filter(source=filters.source)
    return qs


def department_choices() -> list[tuple[int, str]]:
    return list(Department.objects.order_by("display_order", "code").values_list("pk", "name"))


def window_choices() -> list[tuple[int, str]]:
    return [
        (pk, f"{number} {name}")
        for pk, number, name in Window.objects.order_by("number").values_list(
            "pk", "number", "name"
        )
    ]


def entry_for_user(user, pk: int, *, roles: frozenset[str]) -> ScoreEntry:
    """An entry the user may see: the admin any, staff their own, a liaison their
    department's. Anything else is a 404."""
    qs = ScoreEntry.objects.select_related(*LEDGER_RELATED)
    if "hall_admin" in roles:
        return _get_or_404(qs, pk)
    cond = Q(pk__in=[])
    if "window_staff" in roles:
        cond |= Q(staff__user=user)
    if "department_liaison" in roles:
        cond |= Q(staff__department__liaisons__user=user) | Q(
            window__department__liaisons__user=user
        )
    return _get_or_404(qs.filter(cond), pk)


def _get_or_404(qs, pk):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404("no such entry")
    return obj


def rules_for_form(day: datetime.date) -> tuple[list[RuleBook], list[Rule]]:
    """The books in force on ``day`` and their rules, by category and code."""
    return rules_in_force(day)


# --- live totals of an open month ----------------------------------------------------------


@dataclass
class ResultRow:
    """The shape of a MonthlyResult, for an open month's live totals."""

    staff: StaffMember | None
    window: Window | None
    department: Department
    additions: Decimal
    deductions: Decimal
    total: Decimal
    rank_hall: int
    rank_department: int
    staff_share: Decimal = ZERO
    bonus: Decimal = ZERO
    disqualified: bool = False
    is_star: bool = False
    is_banner: bool = False


def _net_rows(month_start_day: datetime.date, **subject):
    """One GROUP BY over the month's ledger: net points per subject and rule code."""
    return list(
        ScoreEntry.objects.filter(month__month=month_start_day, **subject)
        .values("staff_id", "window_id", "rule__code", "rule__disqualifies")
        .annotate(net=Sum("points"))
        .order_by()
    )


def staff_month_so_far(
    staff: StaffMember, start: datetime.date, entries: list[ScoreEntry] | None = None
) -> dict:
    """One staff member's live month: 100 + additions − deductions.

    ``entries``: that month's entries as ``staff_entries`` gives them, when the caller has
    them already; they are netted here as the GROUP BY would, which saves the query.
    """
    if entries is None:
        rows = _net_rows(start, staff=staff)
    else:
        nets: dict[tuple, Decimal] = defaultdict(Decimal)
        for e in entries:
            nets[(e.rule_code, e.rule_disqualifies)] += e.points
        rows = [
            {"staff_id": staff.pk, "rule__code": code, "rule__disqualifies": dq, "net": net}
            for (code, dq), net in nets.items()
        ]
    n = scoring.fold_nets(rows, "staff_id").get(staff.pk, scoring.NO_ENTRIES)
    return {
        "additions": n.additions,
        "deductions": n.deductions,
        "total": scoring.BASE + n.additions - n.deductions,
        "disqualified": n.disqualified,
    }


def month_live_results(start: datetime.date) -> tuple[list[ResultRow], list[ResultRow]]:
    """An open month's standings as the close would compute them now, ranked.

    Six queries whatever the size of the hall (seven with a bonus table by bands): the
    ledger's GROUP BY, staff, windows, who sat where, the policy in force and the month's
    satisfaction rates (a tie-break). No awards:
    those are proposed by the close.
    """
    nets = _net_rows(start)
    staff_net = scoring.fold_nets(nets, "staff_id")
    window_net = scoring.fold_nets(nets, "window_id")
    staff_rows = {
        s.pk: s
        for s in StaffMember.objects.filter(
            Q(active=True) | Q(pk__in=list(staff_net))
        ).select_related("department")
    }
    window_rows = {
        w.pk: w
        for w in Window.objects.filter(Q(active=True) | Q(pk__in=list(window_net))).select_related(
            "department"
        )
    }
    last = month_last_day(start)
    seated: dict[int, set[int]] = defaultdict(set)
    for window_id, staff_id in Assignment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=start), start__lte=last
    ).values_list("window_id", "staff_id"):
        seated[window_id].add(staff_id)
    book = policy_in_force(last)
    pay = bonus_table(book)
    staff_rate, window_rate = satisfaction_rates(start)
    staff_ranked, window_ranked = scoring.rank_month(
        staff=[scoring.Subject(s.pk, s.department_id, s.employee_no) for s in staff_rows.values()],
        windows=[scoring.Subject(w.pk, w.department_id, w.number) for w in window_rows.values()],
        staff_net=staff_net,
        window_net=window_net,
        seated=seated,
        window_includes_staff=bool(book and book.window_includes_staff),
        staff_satisfaction=staff_rate,
        window_satisfaction=window_rate,
    )

    staff_out = []
    for r in staff_ranked:
        t = r.tally
        s = staff_rows[t.subject_id]
        staff_out.append(
            ResultRow(
                staff=s,
                window=None,
                department=s.department,
                additions=t.additions,
                deductions=t.deductions,
                total=t.total,
                rank_hall=r.rank_hall,
                rank_department=r.rank_department,
                bonus=pay.amount(t.total),
                disqualified=t.disqualified,
            )
        )
    window_out = []
    for r in window_ranked:
        t = r.tally
        w = window_rows[t.subject_id]
        window_out.append(
            ResultRow(
                staff=None,
                window=w,
                department=w.department,
                additions=t.additions,
                deductions=t.deductions,
                staff_share=t.extra,
                total=t.total,
                rank_hall=r.rank_hall,
                rank_department=r.rank_department,
                disqualified=t.disqualified,
            )
        )
    return staff_out, window_out


# --- results and awards --------------------------------------------------------------------


def month_results(month: AppraisalMonth, *, windows: bool, department=None):
    qs = MonthlyResult.objects.filter(month=month)
    if windows:
        qs = qs.filter(window__isnull=False).select_related("window", "department")
    else:
        qs = qs.filter(staff__isnull=False).select_related("staff", "department")
    if department is not None:
        qs = qs.filter(department=department).order_by("rank_department")
    return qs


def month_awards(month: AppraisalMonth) -> list[Award]:
    return list(
        Award.objects.filter(month=month).select_related(
            "staff", "staff__department", "window", "window__department"
        )
    )


def month_ledger_summary(month: AppraisalMonth) -> dict:
    if month.pk is None:
        return {"count": 0, "additions": ZERO, "deductions": ZERO}
    row = ScoreEntry.objects.filter(month=month).aggregate(
        count=Count("id"),
        additions=Sum("points", filter=Q(points__gt=0)),
        deductions=Sum("points", filter=Q(points__lt=0)),
    )
    return {
        "count": row["count"],
        "additions": row["additions"] or ZERO,
        "deductions": -(row["deductions"] or ZERO),
    }


def banner_months(month_ids: list[int]) -> dict[int, dict[str, list[Award]]]:
    """Awards of the given months, by month id and kind, in one query."""
    out: dict[int, dict[str, list[Award]]] = defaultdict(lambda: defaultdict(list))
    for award in Award.objects.filter(month_id__in=month_ids).select_related(
        "staff", "staff__department", "window", "window__department"
    ):
        out[award.month_id][award.kind].append(award)
    return out


def awarded_months() -> QuerySet[AppraisalMonth]:
    return AppraisalMonth.objects.exclude(status=Status.OPEN).order_by("-month")


# --- a staff member's own scores -----------------------------------------------------------


def staff_for_user(user) -> StaffMember:
    """The login's staff record, with the fields the staff's own pages show."""
    member = StaffMember.objects.filter(user=user).only("user", "name", "employee_no").first()
    if member is None:
        raise Http404("no staff record for this login")
    return member


def staff_entries(member: StaffMember, start: datetime.date) -> list[ScoreEntry]:
    """The member's entries of a month, newest first, for the phone page.

    What the page shows of the rule, the author and the reversal comes annotated from one
    query (``rule_code``, ``rule_title``, ``rule_disqualifies``, ``author_name`` — first name,
    else username, else "" — and ``reversal_id``): building a rule, a user and a reversal
    object per entry was a third of the page's time (bench/README.md).
    """
    return list(
        ScoreEntry.objects.filter(staff=member, month__month=start)
        .annotate(
            rule_code=F("rule__code"),
            rule_title=F("rule__title"),
            rule_disqualifies=F("rule__disqualifies"),
            author_name=Coalesce(
                NullIf(F("author__first_name"), Value("")), F("author__username"), Value("")
            ),
            reversal_id=F("reversed_by__id"),
        )
        .order_by("-occurred_on", "-id")
    )


def staff_published_results(member: StaffMember, *, limit: int = 12) -> list[MonthlyResult]:
    """The member's results of published or final months, newest first."""
    return list(
        MonthlyResult.objects.filter(staff=member, month__status__in=VISIBLE_TO_STAFF)
        .select_related("month")
        .order_by("-month__month")[:limit]
    )


# --- a liaison's department ----------------------------------------------------------------


def liaison_department(user) -> Department:
    department = Department.objects.filter(liaisons__user=user).first()
    if department is None:
        raise Http404("no department for this login")
    return department


def published_months() -> list[AppraisalMonth]:
    return list(AppraisalMonth.objects.filter(status__in=VISIBLE_TO_STAFF).order_by("-month"))


# --- appeals -----------------------------------------------------------------------------


def entry_appeals(entry: ScoreEntry) -> list[Appeal]:
    return list(entry.appeals.select_related("decided_by").order_by("-created_at", "-id"))


def appeal_allowed(entry: ScoreEntry, appeals: list[Appeal]) -> bool:
    """Whether the appeal form is shown: the same checks ``appeal_lodge`` makes."""
    month = entry.month
    return (
        entry.staff_id is not None
        and month.status == Status.PUBLISHED
        and month.appeal_until is not None
        and timezone.localdate() <= month.appeal_until
        and entry.reverses_id is None
        and getattr(entry, "reversed_by", None) is None
        and not any(a.status == Appeal.Status.PENDING for a in appeals)
    )


def appeal_queue(*, month: datetime.date | None = None) -> QuerySet[Appeal]:
    """Pending appeals first (oldest first), then the decided ones (newest decision first)."""
    qs = Appeal.objects.select_related(
        "entry__rule",
        "entry__month",
        "entry__author",
        "staff__department",
        "decided_by",
        "reversal",
    ).annotate(
        pending_first=Case(
            When(status=Appeal.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    if month is not None:
        qs = qs.filter(entry__month__month=month)
    return qs.order_by("pending_first", "-decided_at", "created_at", "id")


def appeal_pending_count(*, month: datetime.date | None = None) -> int:
    qs = Appeal.objects.filter(status=Appeal.Status.PENDING)
    if month is not None:
        qs = qs.filter(entry__month__month=month)
    return qs.count()


# --- rule books ----------------------------------------------------------------------------


@dataclass
class BookRow:
    book: RuleBook
    start: datetime.date
    end: datetime.date | None  # None: until a later revision
    in_force: bool
    locked: bool

    @property
    def scheduled(self) -> bool:
        return self.start > timezone.localdate()


def _book_rows(books: list[RuleBook], today: datetime.date) -> list[BookRow]:
    spans = rulebooks.periods(books)
    locked = rulebooks.locked_ids(books, rulebooks.not_open_months())
    in_force = {b.pk for b in rulebooks.newest_by_kind(books, today).values()}
    return [
        BookRow(b, *spans[b.pk], in_force=b.pk in in_force, locked=b.pk in locked) for b in books
    ]


def rule_book_groups(today: datetime.date) -> list[tuple[str, str, list[BookRow]]]:
    """(kind, its label, its books newest first) for every kind. Two queries: the books with
    their rule counts, and the months that are no longer open."""
    books = list(
        RuleBook.objects.annotate(rule_count=Count("rules")).order_by("kind", "-effective_from")
    )
    rows = _book_rows(books, today)
    return [
        (kind, label, [r for r in rows if r.book.kind == kind])
        for kind, label in RuleBook.Kind.choices
    ]


def rule_book_page(book: RuleBook, today: datetime.date) -> dict:
    """A book's period, markers, rules (with their number of entries) and bonus bands."""
    same_kind = list(RuleBook.objects.filter(kind=book.kind))
    row = next(r for r in _book_rows(same_kind, today) if r.book.pk == book.pk)
    rules = list(book.rules.annotate(entry_count=Count("entries")).order_by("applies_to", "code"))
    for rule in rules:
        rule.points_text = points_range(rule)
    return {
        "row": row,
        "rules": rules,
        "bands": list(book.bonus_bands.all()),
        "lock_reason": rulebooks.lock_reason(book) if row.locked else None,
    }


# --- the staff page's freshness --------------------------------------------------------------


def _my_scores_sql() -> str:
    from hall.models import AuditEntry, Notice

    t = {
        m.__name__: connection.ops.quote_name(m._meta.db_table)
        for m in (StaffMember, ScoreEntry, MonthlyResult, AppraisalMonth, Appeal, AuditEntry)
    }
    t["Notice"] = connection.ops.quote_name(Notice._meta.db_table)
    t["AnnualAppraisal"] = connection.ops.quote_name(AnnualAppraisal._meta.db_table)
    t["AppraisalYear"] = connection.ops.quote_name(AppraisalYear._meta.db_table)
    mr = f"FROM {t['MonthlyResult']} WHERE staff_id = s.id"
    return (
        "SELECT s.id, "
        # The ledger is insert-only (a correction is a new, reversing entry of the same
        # member): its newest id changes with every line the page could show.
        f"(SELECT MAX(id) FROM {t['ScoreEntry']} WHERE staff_id = s.id), "
        # Results are rewritten by a close or a recompute after an upheld appeal: any change
        # of a figure the page shows moves one of these.
        f"(SELECT COUNT(*) {mr}), (SELECT MAX(id) {mr}), (SELECT SUM(total) {mr}), "
        f"(SELECT SUM(rank_hall) {mr}), (SELECT SUM(rank_department) {mr}), "
        f"(SELECT SUM(bonus) {mr}), (SELECT SUM(CASE WHEN is_star THEN 1 ELSE 0 END) {mr}), "
        # A month's status (which results a member may see) moves forward with a timestamp.
        f"(SELECT COUNT(*) FROM {t['AppraisalMonth']}), "
        f"(SELECT MAX(closed_at) FROM {t['AppraisalMonth']}), "
        f"(SELECT MAX(published_at) FROM {t['AppraisalMonth']}), "
        f"(SELECT MAX(final_at) FROM {t['AppraisalMonth']}), "
        f"(SELECT MAX(id) FROM {t['Appeal']} WHERE staff_id = s.id), "
        f"(SELECT MAX(decided_at) FROM {t['Appeal']} WHERE staff_id = s.id), "
        # The year's compute and lock stamp the year (and are audited, as are rule, staff and
        # user edits: the newest audit line covers a renamed rule, member or author).
        f"(SELECT MAX(computed_at) FROM {t['AppraisalYear']}), "
        f"(SELECT MAX(locked_at) FROM {t['AppraisalYear']}), "
        f"(SELECT COUNT(*) FROM {t['AnnualAppraisal']} WHERE staff_id = s.id), "
        f"(SELECT MAX(id) FROM {t['AuditEntry']}), "
        # The login's notices (not part of the body): see hall.notices.notices_context.
        f"(SELECT MAX(id) FROM {t['Notice']} WHERE user_id = s.user_id), "
        f"(SELECT COUNT(*) FROM {t['Notice']} WHERE user_id = s.user_id AND read_at IS NULL) "
        f"FROM {t['StaffMember']} s WHERE s.user_id = %s"
    )


def my_scores_version(user) -> tuple[int, tuple, tuple] | None:
    """The login's staff id, a fingerprint of everything its "My scores" page body shows, and
    the version of its unread notices (``notices_context``), read in one small query; None
    when the login has no staff record.

    The page's body is cached under this fingerprint (with the day, the month asked for and
    the language): when any of it changes, so does the fingerprint, and the body is built
    again. tests/appraisal/test_my_scores_cache.py changes each thing the page shows after a
    first visit and checks the next visit shows it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_my_scores_sql(), [user.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0], tuple(str(v) for v in row[1:-2]), (row[-2], row[-1])
