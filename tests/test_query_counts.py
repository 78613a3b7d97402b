"""Every list page runs a fixed number of queries, however many rows it shows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisal.models import AppraisalMonth, MonthlyResult, Rule, RuleBook
from appraisal.services import score_entry_add, score_entry_reverse
from guides.models import GuideEdition, ServiceGuide
from tests.appraisal.factories import RuleFactory
from tests.factories import (
    ApprovalItemFactory,
    DepartmentFactory,
    StaffMemberFactory,
    UserFactory,
    WindowFactory,
)


def _grow(kind: str, n: int, department) -> None:
    for _ in range(n):
        if kind == "department":
            DepartmentFactory()
        elif kind == "window":
            WindowFactory(department=department)
        elif kind == "item":
            ApprovalItemFactory(department=department)
        elif kind == "staff":
            StaffMemberFactory(window=WindowFactory(department=department))
        elif kind == "user":
            UserFactory(roles=["duty_supervisor"])
        elif kind == "guide":
            _guide(department)


def _guide(department) -> None:
    """An item whose guide has a published edition and a draft."""
    item = ApprovalItemFactory(department=department)
    guide = ServiceGuide.objects.create(item=item)
    author = UserFactory()
    for number, status in ((1, "published"), (2, "draft")):
        GuideEdition.objects.create(
            guide=guide,
            number=number,
            status=status,
            author=author,
            item_code=item.code,
            item_name=item.name,
            department_name=department.name,
        )


def _page_queries(ctx) -> int:
    """Queries of the page itself: the session read is 0 or 1 depending on the session engine
    (cached sessions with Redis), so it is left out of the pinned figures."""
    return sum("django_session" not in q["sql"] for q in ctx.captured_queries)


def _queries(client, url) -> int:
    cache.clear()  # measure the full render, not a cached body
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return _page_queries(ctx)


# url name → queries of a full render: user, roles, audit head, hall profile, filter
# choices, count, rows (+ prefetches)
PINNED = {
    "department_list": ("department", 6),
    "window_list": ("window", 7),
    "item_list": ("item", 7),
    "staff_list": ("staff", 7),
    "user_list": ("user", 6),
    # user, roles, hall profile, department choices, count, rows (one query with subqueries),
    # the newest print runs out of date (none here)
    "guide_list": ("guide", 7),
}


@pytest.mark.parametrize("name", PINNED)
def test_list_page_query_count_does_not_grow_with_rows(name, admin, department):
    kind, pinned = PINNED[name]
    url = reverse(name)
    _grow(kind, 3, department)
    few = _queries(admin, url)
    _grow(kind, 27, department)
    many = _queries(admin, url)
    assert few == many == pinned


def test_the_public_guide_catalogue_query_count_does_not_grow_with_items(anonymous, department):
    url = reverse("guide_catalogue")
    _grow("guide", 3, department)
    few = _queries(anonymous, url)
    _grow("guide", 27, department)
    many = _queries(anonymous, url)
    assert few == many == 4  # hall profile, department choices, count, rows


def test_a_public_guide_renders_in_a_fixed_number_of_queries_however_long(anonymous, department):
    from guides.models import GuideMaterial, GuideStep

    _guide(department)
    edition = GuideEdition.objects.get(status="published")
    url = reverse("guide_public", args=[edition.item_code])
    counts = []
    for n in (3, 30):
        GuideMaterial.objects.bulk_create(
            GuideMaterial(edition=edition, order=i, name=f"材料{i}", form="copy") for i in range(n)
        )
        GuideStep.objects.bulk_create(
            GuideStep(edition=edition, order=i, title=f"步骤{i}") for i in range(n)
        )
        counts.append(_queries(anonymous, url))
    # hall profile, item with its edition id, edition, materials, steps, questions
    assert counts == [6, 6]


def test_a_cached_list_body_costs_three_queries_beyond_the_session(admin, department):
    _grow("staff", 5, department)
    url = reverse("staff_list")
    admin.get(url)
    with CaptureQueriesContext(connection) as ctx:
        admin.get(url)
    assert _page_queries(ctx) == 3  # user, roles, audit head


def test_a_change_shows_on_the_list_at_once(admin, department, staff_member):
    url = reverse("staff_list")
    assert staff_member.name in admin.get(url).content.decode()
    admin.post(reverse("staff_toggle", args=[staff_member.pk]), follow=True)  # reads message
    assert staff_member.name not in admin.get(url).content.decode()


# --- the annual appraisal: the year page and the list of years -----------------------------


def _annual_year(n_staff: int, department) -> None:
    """``n_staff`` more staff with a final and a published month of 2026, then a recompute."""
    import datetime
    from decimal import Decimal

    from appraisal.annual import annual_compute
    from appraisal.models import AppraisalMonth, Award, MonthlyResult

    months = [
        AppraisalMonth.objects.get_or_create(
            month=datetime.date(2026, m, 1), defaults={"status": status}
        )[0]
        for m, status in ((9, "final"), (10, "published"))
    ]
    for i in range(n_staff):
        person = StaffMemberFactory(window=WindowFactory(department=department))
        for m in months:
            MonthlyResult.objects.create(
                month=m,
                staff=person,
                department=department,
                total=Decimal(98 + i % 5),
                additions=Decimal(i % 3),
                deductions=Decimal(i % 2),
                rank_hall=MonthlyResult.objects.filter(month=m).count() + 1,
                rank_department=1,
                disqualified=i % 7 == 0,
            )
        if i % 4 == 0:
            Award.objects.create(month=months[0], kind="service_star", staff=person, reason="★")
    annual_compute(2026, author=None)


@pytest.mark.parametrize(
    ("name", "kwargs", "pinned"),
    [
        # user, roles, hall profile, year, months of the year, summary, count, rows
        ("appraisal_annual", {"year": 2026}, 8),
        # user, roles, hall profile, years with their row counts, month years
        ("appraisal_annual_list", None, 5),
    ],
)
def test_annual_pages_run_the_same_queries_for_5_and_50_staff(
    admin, department, name, kwargs, pinned
):
    url = reverse(name, kwargs=kwargs)
    _annual_year(5, department)
    few = _queries(admin, url)
    _annual_year(45, department)
    many = _queries(admin, url)
    assert few == many == pinned


def _grow_rule_books(n: int) -> None:
    """``n`` more books of each kind with three rules each, and three more rules in the first
    staff book (the one whose page is measured; it scored a closed month, so it is locked)."""
    AppraisalMonth.objects.get_or_create(month=datetime.date(2020, 1, 1), status="closed")
    first = datetime.date(2020, 1, 1)
    measured, _ = RuleBook.objects.get_or_create(
        kind="staff", effective_from=first, defaults={"title": "measured"}
    )
    start = first + datetime.timedelta(days=RuleBook.objects.count())
    for i in range(n):
        for kind in RuleBook.Kind.values:
            book = RuleBook.objects.create(
                kind=kind, title=f"{kind} {i}", effective_from=start + datetime.timedelta(days=i)
            )
            for j in range(3):
                Rule.objects.create(
                    book=book,
                    code=f"R{j}",
                    title="条款",
                    category="other",
                    applies_to="window" if kind == "window" else "staff",
                    min_points=-1,
                    max_points=-1,
                )
    for _j in range(3):
        Rule.objects.create(
            book=measured,
            code=f"M{measured.rules.count()}",
            title="条款",
            category="other",
            applies_to="staff",
            min_points=-1,
            max_points=-1,
        )


# url name → queries of a full render: user, roles, hall profile, and the page's own reads
RULE_BOOK_PAGES = {
    # books with rule counts, months not open
    "appraisal_rulebook_list": 5,
    # the book, its kind's books, months not open, rules with entry counts, bands, the lock's
    # reason (the next book, the months of its period), the audit's content type and rows
    "appraisal_rulebook_detail": 12,
}


@pytest.mark.parametrize("name", RULE_BOOK_PAGES)
def test_rule_book_page_query_count_does_not_grow_with_books_and_rules(name, admin):
    def url() -> str:
        if name.endswith("detail"):
            book = RuleBook.objects.get(kind="staff", effective_from=datetime.date(2020, 1, 1))
            return reverse(name, args=[book.pk])
        return reverse(name)

    _grow_rule_books(2)
    ContentType.objects.clear_cache()  # count the audit's content type in both renders
    few = _queries(admin, url())
    _grow_rule_books(10)
    ContentType.objects.clear_cache()
    many = _queries(admin, url())
    assert few == many == RULE_BOOK_PAGES[name]


# --- ratings -------------------------------------------------------------------------------


def _ratings(n: int, window, staff=None) -> None:
    from complaints.models import Rating, RatingReason

    reason = RatingReason.objects.get_or_create(
        code="QC1", defaults={"level": "satisfied", "title": "快"}
    )[0]
    made = Rating.objects.bulk_create(
        Rating(window=window, department=window.department, staff=staff, level=level, channel="qr")
        for level in ("satisfied", "basic", "dissatisfied")
        for _ in range(n)
    )
    Rating.reasons.through.objects.bulk_create(
        Rating.reasons.through(rating_id=r.pk, ratingreason_id=reason.pk) for r in made
    )


def _rated_staff(n: int, department) -> None:
    for _ in range(n):
        member = StaffMemberFactory(window=WindowFactory(department=department))
        _ratings(1, member.window, member)


# by → queries: user, roles, hall profile, this and last month's window counts, windows,
# the hall's counts, (+ the tab's counts and subjects)
STATS_PINNED = {"window": 7, "department": 9, "staff": 9}


@pytest.mark.parametrize("by", STATS_PINNED)
def test_rating_statistics_query_count_does_not_grow_with_rows(admin, department, by):
    url = f"{reverse('rating_stats')}?by={by}"
    _rated_staff(3, department)
    few = _queries(admin, url)
    _rated_staff(27, department)
    many = _queries(admin, url)
    assert few == many == STATS_PINNED[by]


def test_my_ratings_query_count_does_not_grow_with_rows(staff, staff_member):
    url = reverse("rating_my")
    _ratings(2, staff_member.window, staff_member)
    few = _queries(staff, url)
    _ratings(20, staff_member.window, staff_member)
    many = _queries(staff, url)
    assert few == many == 7  # user, roles, hall profile, staff member, count, page, reasons


def test_rating_reason_list_query_count_does_not_grow_with_rows(admin):
    from complaints.models import RatingReason

    url = reverse("rating_reason_list")
    RatingReason.objects.bulk_create(
        RatingReason(level="basic", code=f"R{n}", title=f"理由{n}") for n in range(3)
    )
    few = _queries(admin, url)
    RatingReason.objects.bulk_create(
        RatingReason(level="basic", code=f"R{n}", title=f"理由{n}") for n in range(3, 30)
    )
    many = _queries(admin, url)
    assert few == many == 6  # user, roles, audit head, hall profile, count, rows


def _month_documents(month, n: int, start: int) -> None:
    from django.utils import timezone

    from hall.models import Document

    for i in range(start, start + n):
        Document.objects.create(
            kind="appraisal.staff_sheet",
            key=f"appraisal-month-{month:%Y-%m}-staff-{i}",
            group=f"appraisal-month-{month:%Y-%m}",
            title=f"考核表 {i}",
            params={"month": month.isoformat(), "staff": i},
            requested_at=timezone.now(),
        )


def test_the_month_reports_page_query_count_does_not_grow_with_documents(admin):
    """user, roles, hall profile, month, ledger fingerprint, count, rows."""
    import datetime

    from appraisal.models import AppraisalMonth

    month = datetime.date(2026, 3, 1)
    AppraisalMonth.objects.create(month=month, status=AppraisalMonth.Status.CLOSED)
    url = reverse("appraisal_month_reports", args=[month])
    _month_documents(month, 3, 0)
    few = _queries(admin, url)
    _month_documents(month, 27, 3)
    many = _queries(admin, url)
    assert few == many == 7


# --- a staff member's own scores (the phone page) -------------------------------------------


def _grow_my_scores(member, author, entries: int, months: int) -> None:
    """``entries`` more entries this month (one in three reversed, every other one without
    an author) and ``months`` more final months with a result, before the earliest one."""
    late, praise = RuleFactory(), RuleFactory(min_points=Decimal("1"), max_points=Decimal("1"))
    today = timezone.localdate()
    for i in range(entries):
        entry = score_entry_add(
            author=author if i % 2 else None,
            rule=praise if i % 4 == 0 else late,
            points=Decimal("1") if i % 4 == 0 else Decimal("-1"),
            occurred_on=today,
            staff=member,
            evidence=f"第{i}条",
        )
        if i % 3 == 0:
            score_entry_reverse(author=author, entry=entry, reason="核实撤销")
    start = AppraisalMonth.objects.order_by("month").values_list("month", flat=True).first()
    start = min(start or today.replace(day=1), today.replace(day=1))
    for _ in range(months):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
        month = AppraisalMonth.objects.create(month=start, status=AppraisalMonth.Status.FINAL)
        MonthlyResult.objects.create(
            month=month,
            staff=member,
            department=member.department,
            total=Decimal("99.5"),
            rank_hall=2,
            rank_department=1,
            bonus=Decimal("490.00"),
            is_star=True,
        )


# user, roles, hall profile, the staff record, the published results, this month's entries
# (the live total is netted from them), the unread notices with their count (one query: a
# window count, was two), the annual appraisal card; a past month adds the live total's own
# GROUP BY.
MY_SCORES_PINNED = {"": 8, "?month=2020-01": 9}


@pytest.mark.parametrize("query", MY_SCORES_PINNED)
def test_my_scores_query_count_does_not_grow_with_entries_or_months(
    query, staff, staff_member, admin_user
):
    url = reverse("appraisal_my_scores") + query
    _grow_my_scores(staff_member, admin_user, entries=3, months=1)
    few = _queries(staff, url)
    _grow_my_scores(staff_member, admin_user, entries=20, months=11)
    many = _queries(staff, url)
    assert few == many == MY_SCORES_PINNED[query]


# --- window status signs: the public floor board and the month's minutes -------------------


def _signed_windows(n: int, department, actor) -> None:
    from windows.status import window_sign_set

    for i in range(n):
        w = WindowFactory(department=department)
        window_sign_set(actor=actor, window=w, sign="open")
        if i % 2:
            window_sign_set(actor=actor, window=w, sign="fault", note="断网")


@pytest.mark.parametrize(
    ("persona", "name", "pinned"),
    [
        # hall profile, windows, their signs (no login: no user, no roles)
        ("anonymous", "window_board", 3),
        # user, roles, hall profile, windows, signs overlapping the month
        ("admin", "window_sign_month", 5),
    ],
)
def test_sign_pages_run_the_same_queries_for_3_and_30_windows(
    request, persona, name, pinned, department, admin_user
):
    client = request.getfixturevalue(persona)
    _signed_windows(3, department, admin_user)
    few = _queries(client, reverse(name))
    _signed_windows(27, department, admin_user)
    many = _queries(client, reverse(name))
    assert few == many == pinned


# --- the duty desk: every shift's log for the hall office, the roster grid ------------------


def _shifts(n: int, start_offset: int) -> None:
    import datetime
    import uuid

    from hall.models import DutyLogEntry, DutyShift

    base = datetime.date(2026, 1, 1)
    for i in range(n):
        user = UserFactory(roles=["duty_supervisor"])
        shift = DutyShift.objects.create(
            date=base + datetime.timedelta(days=start_offset + i), supervisor=user
        )
        DutyLogEntry.objects.create(
            shift=shift, kind="note", key=uuid.uuid4(), author=user, text="记录", follow_up=i % 2
        )
        if i % 3 == 0:
            DutyRosterDayFactory(shift)


def DutyRosterDayFactory(shift):  # noqa: N802  (reads like the factory it stands for)
    from hall.models import DutyRosterDay

    DutyRosterDay.objects.create(date=shift.date, supervisor=shift.supervisor)


@pytest.mark.parametrize(
    ("name", "params", "pinned"),
    [
        # user, roles, hall profile, count, shifts with their entry counts
        ("duty_shift_list", None, 5),
        # user, roles, hall profile, calendar days, roster days, supervisors
        ("duty_roster", {"month": "2026-01"}, 6),
    ],
)
def test_duty_pages_run_the_same_queries_for_3_and_30_shifts(admin, name, params, pinned):
    url = reverse(name) + (f"?month={params['month']}" if params else "")
    _shifts(3, 0)
    few = _queries(admin, url)
    _shifts(27, 3)
    many = _queries(admin, url)
    assert few == many == pinned


# --- printing guides and the materials clean-up -------------------------------------------------


def _reprinted_guide(department, author, n: int) -> GuideEdition:
    """An item printed as edition 1, since replaced by edition 2 with another material: its
    printed copies are out of date. Returns the current edition."""
    import uuid

    from guides.models import GuideMaterial, PrintRun

    item = ApprovalItemFactory(department=department, name=f"事项{n}")
    guide = ServiceGuide.objects.create(item=item)
    editions = []
    for number, status in ((1, "archived"), (2, "published")):
        edition = GuideEdition.objects.create(
            guide=guide,
            number=number,
            status=status,
            author=author,
            item_code=item.code,
            item_name=item.name,
            department_name=department.name,
            legal_basis="《行政许可法》",
        )
        GuideMaterial.objects.create(edition=edition, name="营业执照副本", form="copy")
        GuideMaterial.objects.create(edition=edition, name=f"申请书{number}", form="original")
        editions.append(edition)
    for day in (1, 2):
        PrintRun.objects.create(
            edition=editions[0],
            kind="full",
            copies=100,
            printed_on=datetime.date(2026, 1, day),
            batch=uuid.uuid4(),
            recorded_by=author,
        )
    return editions[1]


def _grow_printed(n: int, department, start: int = 0) -> list[GuideEdition]:
    author = UserFactory()
    return [_reprinted_guide(department, author, start + i) for i in range(n)]


@pytest.mark.parametrize(
    ("name", "pinned"),
    [
        # user, roles, hall profile, department choices, count, rows; print runs out of date:
        # newest runs, current editions, materials, copies
        ("guide_list", 10),
        # user, roles, hall profile, published guides per department, their documents
        ("guide_booklets", 5),
        # user, roles, hall profile, materials of current editions, items
        ("guide_materials", 5),
    ],
)
def test_printing_and_materials_pages_query_count_does_not_grow(name, pinned, admin, department):
    url = reverse(name)
    _grow_printed(2, department)
    few = _queries(admin, url)
    _grow_printed(18, department, start=2)
    many = _queries(admin, url)
    assert few == many == pinned


def test_a_guides_print_page_query_count_does_not_grow_with_its_print_runs(admin, department):
    import uuid

    from guides.models import PrintRun

    (current,) = _grow_printed(1, department)
    url = reverse("guide_print", args=[current.pk])
    counts = []
    for n in (2, 20):
        PrintRun.objects.bulk_create(
            PrintRun(
                edition=current,
                kind="short",
                copies=10,
                printed_on=datetime.date(2026, 2, 1),
                batch=uuid.uuid4(),
                recorded_by=current.author,
            )
            for _ in range(n)
        )
        counts.append(_queries(admin, url))
    # user, roles, hall profile, edition, its documents, runs count, runs page; out of date:
    # newest run (none: the current edition was printed last)
    assert counts == [8, 8]
