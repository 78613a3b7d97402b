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


# url name → queries of a full render: user with roles, audit head, hall profile, filter
# choices, count, rows (+ prefetches)
PINNED = {
    "department_list": ("department", 5),
    "window_list": ("window", 6),
    "item_list": ("item", 6),
    "staff_list": ("staff", 6),
    "user_list": ("user", 5),
    # user with roles, hall profile, department choices, count, rows (one query with subqueries),
    # the newest print runs out of date (none here)
    "guide_list": ("guide", 6),
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
    # the published edition's id (the cached page's one question, missed here), hall profile,
    # item with its edition id, edition, materials, steps, questions
    assert counts == [7, 7]


def test_a_cached_list_body_costs_three_queries_beyond_the_session(admin, department):
    _grow("staff", 5, department)
    url = reverse("staff_list")
    admin.get(url)
    with CaptureQueriesContext(connection) as ctx:
        admin.get(url)
    assert _page_queries(ctx) == 2  # user with roles, audit head


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
        # user with roles, hall profile, year, months of the year, summary, count, rows
        ("appraisal_annual", {"year": 2026}, 7),
        # user with roles, hall profile, years with their row counts, month years
        ("appraisal_annual_list", None, 4),
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


# url name → queries of a full render: user with roles, hall profile, and the page's own reads
RULE_BOOK_PAGES = {
    # books with rule counts, months not open
    "appraisal_rulebook_list": 4,
    # the book, its kind's books, months not open, rules with entry counts, bands, the lock's
    # reason (the next book, the months of its period), the audit's content type and rows
    "appraisal_rulebook_detail": 11,
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


# by → queries: user with roles, hall profile, the figures' key (rollup states, live tail, audit
# head); on a miss: this and last month's counts (rollup, its reach, the live tail), windows,
# departments (filter and chart), the 12 months' trend (rollup, reach, tail), (+ the tab's
# subjects)
STATS_PINNED = {"window": 13, "department": 14, "staff": 14}


@pytest.mark.parametrize("by", STATS_PINNED)
def test_rating_statistics_query_count_does_not_grow_with_rows(admin, department, by):
    url = f"{reverse('rating_stats')}?by={by}"
    _rated_staff(3, department)
    few = _queries(admin, url)
    _rated_staff(27, department)
    many = _queries(admin, url)
    assert few == many == STATS_PINNED[by]
    with CaptureQueriesContext(connection) as ctx:  # the same figures again: from the cache
        assert admin.get(url).status_code == 200
    assert _page_queries(ctx) == 4  # user with roles, the key's three (profile cached)


def test_my_ratings_query_count_does_not_grow_with_rows(staff, staff_member):
    url = reverse("rating_my")
    _ratings(2, staff_member.window, staff_member)
    few = _queries(staff, url)
    _ratings(20, staff_member.window, staff_member)
    many = _queries(staff, url)
    assert few == many == 7  # user with roles, hall profile, staff member, count, page, reasons,
    # cases


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
    assert few == many == 5  # user with roles, audit head, hall profile, count, rows


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
    """user with roles, hall profile, month, ledger fingerprint, count, rows."""
    import datetime

    from appraisal.models import AppraisalMonth

    month = datetime.date(2026, 3, 1)
    AppraisalMonth.objects.create(month=month, status=AppraisalMonth.Status.CLOSED)
    url = reverse("appraisal_month_reports", args=[month])
    _month_documents(month, 3, 0)
    few = _queries(admin, url)
    _month_documents(month, 27, 3)
    many = _queries(admin, url)
    assert few == many == 6


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


# user with roles, hall profile, the staff record, the published results, this month's entries
# (the live total is netted from them), the unread notices with their count (one query: a
# window count, was two), the annual appraisal card; a past month adds the live total's own
# GROUP BY; plus the page's fingerprint (selectors.my_scores_version), which a repeat visit
# needs alone with the user: the body and the unread notices come from the cache.
MY_SCORES_PINNED = {"": 8, "?month=2020-01": 9}
MY_SCORES_REPEAT = 2


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
    with CaptureQueriesContext(connection) as ctx:
        assert staff.get(url).status_code == 200
    assert _page_queries(ctx) == MY_SCORES_REPEAT


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
        # the floor's version (newest sign and audit entry), windows, their signs, hall profile
        # (no login: no user, no roles); cached per state of the floor, see below
        ("anonymous", "window_board", 4),
        # user with roles, hall profile, windows, signs overlapping the month
        ("admin", "window_sign_month", 4),
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
        # user with roles, hall profile, count, shifts with their entry counts
        ("duty_shift_list", None, 4),
        # user with roles, hall profile, calendar days, roster days, supervisors
        ("duty_roster", {"month": "2026-01"}, 5),
    ],
)
def test_duty_pages_run_the_same_queries_for_3_and_30_shifts(admin, name, params, pinned):
    url = reverse(name) + (f"?month={params['month']}" if params else "")
    _shifts(3, 0)
    few = _queries(admin, url)
    _shifts(27, 3)
    many = _queries(admin, url)
    assert few == many == pinned


# --- lost property (拾金不昧): the register and the year's tally ----------------------------


def _finds(n: int, department) -> None:
    import uuid

    from hall.models import LostProperty

    registrar = UserFactory(roles=["duty_supervisor"])
    found = timezone.now() - datetime.timedelta(days=1)
    for i in range(n):
        member = StaffMemberFactory(window=WindowFactory(department=department))
        returned = i % 2 == 0
        LostProperty.objects.create(
            key=uuid.uuid4(),
            item="钱包",
            found_place="一楼等候区",
            found_at=found,
            found_by_staff=None if i % 5 == 4 else member,
            found_by_window=member.window,
            registered_by=registrar,
            status="returned" if returned else "held",
            closed_at=timezone.now() if returned else None,
            closed_by=registrar if returned else None,
            owner_name="陈志强" if returned else "",
            owner_phone="13912345678" if returned else "",
        )


@pytest.mark.parametrize(
    ("name", "params", "pinned"),
    [
        # user with roles, years, count, rows (photo counts annotated), hall profile, windows filter
        ("lost_list", {}, 6),
        ("lost_list", {"status": "returned", "year": timezone.localdate().year}, 6),
        # user with roles, by window, by person, totals, years, hall profile
        ("lost_tally", {}, 6),
    ],
)
def test_lost_property_pages_run_the_same_queries_for_2_and_20_items(
    admin, department, name, params, pinned
):
    url = reverse(name) + ("?" + "&".join(f"{k}={v}" for k, v in params.items()))
    _finds(2, department)
    few = _queries(admin, url)
    _finds(18, department)
    many = _queries(admin, url)
    assert few == many == pinned


def test_the_boards_poll_runs_the_same_queries_for_3_and_30_windows(
    anonymous, department, admin_user
):
    """The grid the board's htmx asks for every few seconds: rendered once per state of the
    floor (4 queries, as the whole page), then one query (the floor's version) a poll until a
    sign or a window changes."""

    def poll() -> tuple[int, bytes]:
        with CaptureQueriesContext(connection) as ctx:
            response = anonymous.get(reverse("window_board"), HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and b"<html" not in response.content
        return _page_queries(ctx), response.content

    counts = []
    for n in (3, 27):
        _signed_windows(n, department, admin_user)
        cache.clear()
        cold, _body = poll()
        warm, _body = poll()
        counts.append((cold, warm))
    assert counts == [(4, 1), (4, 1)]


# --- bad-rating cases ---------------------------------------------------------------------


def _bad_cases(n: int, department) -> None:
    from complaints.cases import case_open
    from complaints.models import Rating

    for i in range(n):
        member = StaffMemberFactory(window=WindowFactory(department=department))
        rating = Rating.objects.create(
            window=member.window,
            department=department,
            staff=member,
            level="very_dissatisfied" if i % 2 else "dissatisfied",
            channel="qr",
            name="张三" if i % 3 == 0 else "",
            phone="13800138000" if i % 3 == 0 else "",
        )
        case = case_open(rating=rating)
        if i % 2:  # half of them past the deadline
            type(case).objects.filter(pk=case.pk).update(
                deadline=timezone.localdate() - datetime.timedelta(days=1)
            )


@pytest.mark.parametrize("query", ["", "?state=overdue", "?state=open&month={month}"])
def test_bad_rating_case_list_query_count_does_not_grow_with_rows(admin, department, query):
    month = f"{timezone.localdate():%Y-%m}"
    url = reverse("bad_rating_case_list") + query.format(month=month)
    _bad_cases(2, department)
    few = _queries(admin, url)
    _bad_cases(18, department)
    many = _queries(admin, url)
    # user with roles, hall profile, count, rows (with window, department, staff),
    # departments, windows
    assert few == many == 6


# --- the complaints desk -------------------------------------------------------------------


def _complaints(n: int, window, actor) -> None:
    from complaints.desk import Target, complaint_receive

    for i in range(n):
        complaint_receive(
            actor=actor,
            complainant="王先生",
            contact="13800138000",
            target=Target("window", window=window) if i % 2 else Target("hall"),
            facts="态度生硬",
            channel="desk",
            received_at=timezone.now() - datetime.timedelta(days=i),
        )


def test_complaint_board_query_count_does_not_grow_with_rows(admin, admin_user, window):
    url = reverse("complaint_board")
    _complaints(2, window, admin_user)
    few = _queries(admin, url)
    _complaints(18, window, admin_user)
    many = _queries(admin, url)
    # user with roles, hall profile, count, page (with targets), departments for the filter
    assert few == many == 5


def test_complaints_about_me_query_count_does_not_grow_with_rows(staff, staff_member, admin_user):
    from complaints.desk import Target, complaint_accept, complaint_receive

    def grow(n):
        for _ in range(n):
            complaint = complaint_receive(
                actor=admin_user,
                complainant="王先生",
                target=Target("staff", staff=staff_member),
                facts="态度生硬",
                channel="desk",
            )
            complaint_accept(actor=admin_user, complaint=complaint)

    url = reverse("complaint_my")
    grow(2)
    few = _queries(staff, url)
    grow(18)
    many = _queries(staff, url)
    assert few == many == 5  # user with roles, hall profile, staff member, count, page


def test_rating_token_list_query_count_does_not_grow_with_rows(staff, staff_member):
    from complaints.ratings import token_issue

    url = reverse("rating_tokens")
    for _ in range(2):
        token_issue(window=staff_member.window, staff=staff_member)
    few = _queries(staff, url)
    for _ in range(18):
        token_issue(window=staff_member.window, staff=staff_member)
    many = _queries(staff, url)
    assert few == many == 5  # user with roles, hall profile, staff member + window, count, page


# --- receipts at the window: notices and applications, the abnormal-handling table ----------


def _applications(n: int, staff_member, item) -> None:
    from guides import receipts

    for i in range(n):
        application = receipts.application_register(
            actor=staff_member.user,
            window=staff_member.window,
            item=item,
            applicant_name=f"申请人{i}",
            applicant_id="91500106MA5U123456",
            contact="13812348000",
        )
        if i % 2:  # half of them still wait for a notice, their clock running
            kind = "refusal" if i % 4 == 1 else "acceptance"
            receipts.receipt_issue(
                actor=staff_member.user,
                application=application,
                kind=kind,
                reason="不属于本机关职权范围",
                legal_basis="《行政许可法》第三十二条",
            )


@pytest.mark.parametrize(
    ("persona", "name", "query", "pinned"),
    [
        # user with roles, hall profile, windows (filter), count, rows
        ("admin", "receipt_list", "", 5),
        # user with roles, the staff member's window, hall profile, count, rows
        ("staff", "receipt_list", "?kind=refusal", 5),
        # user with roles, hall profile, count, rows, calendar days for the clocks
        ("admin", "receipt_application_list", "", 5),
        # user with roles, the staff member's window, hall profile, count, rows, calendar days
        ("staff", "receipt_application_list", "?state=pending", 6),
        # user with roles, hall profile, notices by window, deemed by window, by item, by item
        ("admin", "receipt_abnormal", "", 6),
    ],
)
def test_receipt_pages_run_the_same_queries_for_2_and_20_rows(
    request, persona, name, query, pinned, staff_member
):
    client = request.getfixturevalue(persona)
    item = ApprovalItemFactory(department=staff_member.department)
    staff_member.window.items.add(item)
    url = reverse(name) + query
    _applications(2, staff_member, item)
    few = _queries(client, url)
    _applications(18, staff_member, item)
    many = _queries(client, url)
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
        # user with roles, hall profile, department choices, count, rows; print runs out of date:
        # newest runs, current editions, materials, copies
        ("guide_list", 9),
        # user with roles, hall profile, published guides per department, their documents
        ("guide_booklets", 4),
        # user with roles, hall profile, materials of current editions, items
        ("guide_materials", 4),
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
    # user with roles, hall profile, edition, its documents, runs count, runs page; out of date:
    # newest run (none: the current edition was printed last)
    assert counts == [7, 7]
