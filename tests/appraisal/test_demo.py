"""The demo rule books and appraisal history that ``manage.py seed_demo`` writes."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from appraisal import demo, scoring
from appraisal.models import AppraisalMonth, Award, MonthlyResult, Rule, RuleBook, ScoreEntry
from hall.workcalendar import WorkCalendar
from staff.models import StaffMember
from windows.models import Window

Status = AppraisalMonth.Status
REVISION = datetime.date(2026, 7, 1)


def months_back(n: int) -> datetime.date:
    return demo._add_months(timezone.localdate().replace(day=1), -n)


def counts() -> dict[str, object]:
    return {
        "books": RuleBook.objects.count(),
        "rules": Rule.objects.count(),
        "months": sorted(AppraisalMonth.objects.values_list("month", "status")),
        "entries": ScoreEntry.objects.count(),
        "points": ScoreEntry.objects.aggregate(s=Sum("points"))["s"],
        "results": MonthlyResult.objects.count(),
        "awards": Award.objects.count(),
        "award ids": sorted(Award.objects.values_list("pk", flat=True)),
    }


def test_the_book_data_is_consistent():
    """Pure data: codes unique, one-signed ranges, each kind's rules of its own subject, event
    points inside the rules they use."""
    categories = set(Rule.Category.values)
    keys = [(spec.kind, spec.effective_from) for spec in demo.BOOKS]
    assert len(keys) == len(set(keys))
    for spec in demo.BOOKS:
        codes = [r.code for r in spec.rules]
        assert len(codes) == len(set(codes)), spec.title
        for r in spec.rules:
            assert r.min_points <= r.max_points and (r.min_points >= 0 or r.max_points <= 0)
            assert r.code[0] == ("S" if r.applies_to == Rule.Subject.STAFF else "W")
            if spec.kind != RuleBook.Kind.GENERAL:
                assert r.applies_to == spec.kind, (spec.title, r.code)
    in_use = [b for b in demo.BOOKS if b.effective_from >= demo.REVISION_2025]
    for spec in in_use:
        if spec.kind != RuleBook.Kind.GENERAL:
            assert {r.category for r in spec.rules} == categories, spec.title
        else:
            assert spec.rules == ()  # the policy only: the rules are in the 实施细则
    original = demo.BOOKS[0]
    assert original.kind == RuleBook.Kind.GENERAL
    assert all(r.disqualifies and r.max_points < 0 for r in original.rules)
    assert {r.applies_to for r in original.rules} == set(Rule.Subject.values)
    by_code = {r.code: r for spec in in_use for r in spec.rules}
    for event in demo.STAFF_EVENTS + demo.WINDOW_EVENTS:
        rule = by_code[event.code]
        assert all(rule.min_points <= p <= rule.max_points for p in event.points), event.code


@pytest.mark.django_db
def test_seed_demo_writes_six_closed_months_and_an_open_one_once():
    call_command("seed_demo", verbosity=0)
    first = counts()

    # The three regulations as books by kind: the original general book of 2023, the three
    # of 2025, and the July 2026 revision of the two it changes (the window rules stay).
    books = {(b.kind, b.effective_from): b for b in RuleBook.objects.all()}
    assert sorted(books) == sorted((s.kind, s.effective_from) for s in demo.BOOKS)
    assert len(books) == 6
    g25, g26 = books["general", demo.REVISION_2025], books["general", demo.REVISION_2026]
    w25 = books["window", demo.REVISION_2025]
    s25, s26 = books["staff", demo.REVISION_2025], books["staff", demo.REVISION_2026]
    for book in (w25, s25, s26):
        got = set(book.rules.values_list("category", flat=True))
        assert got == set(Rule.Category.values), book
        assert set(book.rules.values_list("applies_to", flat=True)) == {book.kind}
    assert not g25.rules.exists() and not g26.rules.exists()
    assert ("window", demo.REVISION_2026) not in books
    assert g26.bonus_mode == RuleBook.BonusMode.BANDS and g26.bonus_bands.count() == 6
    assert s26.rules.get(code="S-E01").min_points < s25.rules.get(code="S-E01").min_points

    # Months: the oldest final, one published (appeals open), the last closed, this one open.
    status = dict(AppraisalMonth.objects.values_list("month", "status"))
    assert status[months_back(0)] == Status.OPEN
    assert status[months_back(1)] == Status.CLOSED
    assert status[months_back(2)] == Status.PUBLISHED
    assert {status[months_back(n)] for n in range(3, 7)} == {Status.FINAL}
    published = AppraisalMonth.objects.get(month=months_back(2))
    assert published.appeal_until >= timezone.localdate()

    active = StaffMember.objects.filter(active=True)
    staff_ids = set(active.values_list("pk", flat=True))
    window_ids = set(Window.objects.filter(active=True).values_list("pk", flat=True))
    for month in AppraisalMonth.objects.exclude(status=Status.OPEN):
        results = month.results.all()
        # Everyone in the hall by the month's end, and nobody who joined later.
        in_hall = set(
            active.filter(joined_hall_on__lte=month.last_day).values_list("pk", flat=True)
        )
        assert {r.staff_id for r in results if r.staff_id} == in_hall
        assert {r.window_id for r in results if r.window_id} == window_ids
        for subject in ("staff", "window"):
            ranks = sorted(
                results.filter(**{f"{subject}__isnull": False}).values_list("rank_hall", flat=True)
            )
            assert ranks == list(range(1, len(ranks) + 1))
        awards = Counter(month.awards.values_list("kind", flat=True))
        assert awards[Award.Kind.CIVILISED_WINDOW] == 1
        ranked_staff = sum(1 for r in results if r.staff_id)
        stars = scoring.star_count(ranked_staff, share=demo.POLICY_2025["star_share"], minimum=1)
        assert awards[Award.Kind.SERVICE_STAR] == stars
        assert month.entries.count() >= len(staff_ids) // 3

    # Entries: every source, a few reversals with reasons, working days, the right book.
    entries = ScoreEntry.objects.select_related("rule__book", "month", "author")
    assert {e.source for e in entries} >= {
        "manual",
        "duty_log",
        "complaint",
        "rating",
        "lost_property",
    }
    reversals = [e for e in entries if e.reverses_id]
    assert 3 <= len(reversals) <= 3 * 7 and all(e.reason for e in reversals)
    assert {e.author.username for e in entries} == {"admin", "supervisor"}
    assert all(e.evidence for e in entries)
    days = {e.occurred_on for e in entries}
    calendar = WorkCalendar(min(days), max(days))
    assert all(calendar.is_working_day(day) for day in days)
    assert max(e.occurred_on for e in entries) <= timezone.localdate()
    for e in entries:
        if e.window_id:
            in_force = w25
        else:
            in_force = s26 if e.occurred_on >= REVISION else s25
        assert e.rule.book_id == in_force.pk, e
        assert e.month.month == e.occurred_on.replace(day=1)
    june = [e for e in entries if e.month.month == datetime.date(2026, 6, 1)]
    if june:  # the history reaches back before the July 2026 revision
        assert {e.rule.book.effective_from for e in june} == {datetime.date(2025, 1, 1)}

    # Bonus pay: per point (2025 policy) before the revision, by the bands after it.
    per_point = scoring.BonusTable(base=g25.bonus_base, per_point=g25.bonus_per_point)
    bands = scoring.BonusTable(bands=demo.BANDS_2026)
    staff_results = MonthlyResult.objects.filter(staff__isnull=False).select_related("month")
    assert staff_results.filter(month__month__gte=REVISION).exists()
    for r in staff_results:
        table = bands if r.month.month >= REVISION else per_point
        assert r.bonus == table.amount(r.total), r
    per_staff = Counter(
        (e.month_id, e.staff_id) for e in entries if e.staff_id and not e.reverses_id
    )
    assert max(per_staff.values()) <= 3

    # Appeals: decided in the months that went final, one still pending in the open period.
    from appraisal.models import Appeal

    statuses = Counter(Appeal.objects.values_list("status", flat=True))
    assert statuses["upheld"] >= 1 and statuses["rejected"] >= 1 and statuses["pending"] == 1
    pending = Appeal.objects.get(status="pending")
    assert pending.entry.month.status == Status.PUBLISHED
    for upheld in Appeal.objects.filter(status="upheld"):
        assert upheld.reversal.source == "appeal" and upheld.reversal.reverses == upheld.entry

    # A second run writes nothing.
    call_command("seed_demo", verbosity=0)
    assert counts() == first
