"""Bad-rating rectification (差评整改): opening, the state machine, deadlines and the one
extension, the return visit, the review as invalid, the ledger proposal, the overdue beat."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from appraisal.models import EntryProposal, Rule, ScoreEntry
from appraisal.proposals import proposal_confirm
from complaints import cases, ratings
from complaints.models import BadRatingCase, BadRatingCaseStep, Level, Rating, ReturnVisit
from complaints.tasks import cases_mark_overdue
from hall.models import CalendarDay, Notice
from tests.appraisal.factories import RuleFactory

pytestmark = pytest.mark.django_db

State = BadRatingCase.State
Action = BadRatingCaseStep.Action
Method = ReturnVisit.Method
Outcome = ReturnVisit.Outcome


@pytest.fixture
def rating_rule(db):
    return RuleFactory(
        code="S-R01",
        title="群众测评差评，经回访核实",
        category=Rule.Category.RATING,
        min_points=Decimal("-2"),
        max_points=Decimal("-2"),
    )


def rate(window, level=Level.DISSATISFIED, **kw) -> Rating:
    return ratings.rating_submit(level=level, window=window, device_id="dev", ip="10.0.0.1", **kw)


@pytest.fixture
def case(window, staff_member, reasons) -> BadRatingCase:
    return rate(window, reason_codes=["D02"], comment="态度生硬").case


@pytest.fixture
def named_case(window, staff_member, reasons) -> BadRatingCase:
    return rate(window, name="李四", phone="13800138000").case


def visit(case, author, outcome=Outcome.VERIFIED, method=Method.PHONE, **kw):
    return cases.visit_record(
        author=author,
        case=case,
        visited_at=kw.pop("visited_at", timezone.now()),
        method=method,
        outcome=outcome,
        citizen_said=kw.pop("said", "确实等了很久"),
    )


def refresh(case) -> BadRatingCase:
    return BadRatingCase.objects.get(pk=case.pk)


def zh(msgid: str, **params) -> str:
    """The message as a ValidationError carries it: translated, not HTML-escaped."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
        return text % {k: str(v) for k, v in params.items()} if params else text


# --- opening --------------------------------------------------------------------------------


def test_a_bad_rating_opens_a_case_in_its_own_transaction(case, staff_member):
    assert case.state == State.VISIT
    assert case.rating.staff == staff_member
    step = case.steps.get()
    assert (step.action, step.author, step.to_state) == (Action.OPENED, None, State.VISIT)
    notice = Notice.objects.get(user=staff_member.user)
    assert notice.kind == cases.NOTICE_OPENED
    assert case.number in Notice.objects.get(user=staff_member.user).params["case"]


def test_a_good_rating_opens_no_case(window, staff_member, reasons):
    rate(window, level=Level.BASIC)
    assert not BadRatingCase.objects.exists()


def test_a_refused_rating_leaves_no_case(window, staff_member, reasons):
    with pytest.raises(ValidationError):
        rate(window, comment="x" * 10_000)
    assert not BadRatingCase.objects.exists() and not Rating.objects.exists()


def test_existing_bad_ratings_get_their_case_once(window, staff_member):
    Rating.objects.create(window=window, department=window.department, level="dissatisfied")
    Rating.objects.create(window=window, department=window.department, level="satisfied")
    assert cases.cases_open_missing() == 1
    assert cases.cases_open_missing() == 0
    assert BadRatingCase.objects.count() == 1


# --- deadlines and the one extension --------------------------------------------------------


def test_the_deadline_is_15_calendar_days_after_the_rating_by_default(case):
    day = timezone.localdate(case.rating.created_at)
    assert case.deadline == day + datetime.timedelta(days=15)


def test_the_deadline_can_count_working_days_across_national_day(settings):
    settings.HALL_BAD_RATING_DEADLINE_UNIT = "working"
    for d in range(1, 9):
        CalendarDay.objects.create(date=datetime.date(2026, 10, d), kind="holiday", name="国庆")
    # 2026-09-30 (Wed) + 5 working days: Oct 1–8 off, then Fri 9, Mon 12 … Thu 15.
    assert cases.deadline_after(datetime.date(2026, 9, 30), 5) == datetime.date(2026, 10, 15)


def test_one_extension_capped_and_recorded(case, admin_user):
    before = case.deadline
    cases.case_extend(author=admin_user, case=case, days=15, reason="需协调部门")
    case = refresh(case)
    assert case.deadline == before + datetime.timedelta(days=15)
    assert case.steps.filter(action=Action.EXTENDED, author=admin_user).exists()
    with pytest.raises(
        ValidationError,
        match=re.escape(
            zh("The deadline was extended once already: there is no second extension.")
        ),
    ):
        cases.case_extend(author=admin_user, case=case, days=1, reason="再延")
    assert refresh(case).deadline == before + datetime.timedelta(days=15)


def test_an_extension_over_the_cap_or_without_a_reason_is_refused(case, admin_user):
    with pytest.raises(ValidationError) as caught:
        cases.case_extend(author=admin_user, case=case, days=16, reason=" ")
    assert set(caught.value.message_dict) == {"days", "reason"}
    assert refresh(case).extension_days is None


def test_an_extension_must_be_asked_before_the_deadline(case, admin_user):
    deadline = timezone.localdate() - datetime.timedelta(days=1)
    BadRatingCase.objects.filter(pk=case.pk).update(deadline=deadline)
    with pytest.raises(
        ValidationError,
        match=re.escape(
            zh(
                "The deadline (%(day)s) has passed: an extension must be asked before it.",
                day=f"{deadline:%Y-%m-%d}",
            )
        ),
    ):
        cases.case_extend(author=admin_user, case=case, days=5, reason="来不及")
    assert refresh(case).extension_days is None


def test_an_overdue_case_cannot_be_extended(case, admin_user):
    cases.cases_mark_overdue(case.deadline + datetime.timedelta(days=1))
    with pytest.raises(
        ValidationError,
        match=re.escape(
            zh(
                "The deadline (%(day)s) has passed: an extension must be asked before it.",
                day=f"{case.deadline:%Y-%m-%d}",
            )
        ),
    ):
        cases.case_extend(author=admin_user, case=case, days=5, reason="补申请")


def test_an_extension_on_the_deadline_day_is_allowed(case, admin_user):
    BadRatingCase.objects.filter(pk=case.pk).update(deadline=timezone.localdate())
    cases.case_extend(author=admin_user, case=case, days=3, reason="当天申请")
    assert refresh(case).extension_days == 3


# --- the state machine ----------------------------------------------------------------------


def test_handling_before_the_return_visit_is_refused_and_writes_nothing(case, admin_user):
    with pytest.raises(
        ValidationError,
        match=re.escape(
            zh("Record the return visit first: a case cannot skip the return visit (回访核实).")
        ),
    ):
        cases.case_handle(author=admin_user, case=case, handling="at_once", note="已整改")
    case = refresh(case)
    assert (case.state, case.handling) == (State.VISIT, "")
    assert case.steps.count() == 1


def test_completing_before_a_handling_is_refused(case, admin_user):
    visit(case, admin_user, outcome=Outcome.UNREACHABLE, method=Method.RECORDS)
    with pytest.raises(
        ValidationError,
        match=re.escape(
            zh("Decide the handling first: the case is still waiting to be rectified.")
        ),
    ):
        cases.case_complete(author=admin_user, case=case, note="done")
    assert refresh(case).state == State.PENDING


def test_the_full_way_through_a_deadline(case, admin_user):
    visit(case, admin_user, outcome=Outcome.VERIFIED)
    assert refresh(case).state == State.PENDING
    cases.case_handle(author=admin_user, case=case, handling="by_deadline", note="加开窗口")
    assert refresh(case).state == State.RECTIFYING
    cases.case_complete(author=admin_user, case=case, note="已加开潮汐窗口")
    case = refresh(case)
    assert case.state == State.DONE and case.closed_at is not None
    actions = list(case.steps.values_list("action", "from_state", "to_state"))
    assert actions == [
        (Action.OPENED, "", State.VISIT),
        (Action.VISIT, State.VISIT, State.PENDING),
        (Action.HANDLED, State.PENDING, State.RECTIFYING),
        (Action.COMPLETED, State.RECTIFYING, State.DONE),
    ]
    assert all(
        author == admin_user.pk
        for author in case.steps.exclude(action=Action.OPENED).values_list("author", flat=True)
    )


def test_fixed_at_once_or_explained_ends_the_case(case, admin_user, staff_member):
    visit(case, admin_user, outcome=Outcome.NOT_BORNE_OUT)
    cases.case_handle(author=admin_user, case=case, handling="explain", note="已向群众解释")
    assert refresh(case).state == State.DONE
    assert Notice.objects.filter(user=staff_member.user, kind=cases.NOTICE_ENDED).exists()


def test_nothing_can_be_recorded_after_the_case_ended(case, admin_user):
    visit(case, admin_user)
    cases.case_handle(author=admin_user, case=case, handling="at_once", note="当场整改")
    with pytest.raises(
        ValidationError,
        match=re.escape(
            zh(
                "The case has ended (%(state)s): nothing more can be recorded.",
                state=State.DONE.label,
            )
        ),
    ):
        visit(case, admin_user)
    assert refresh(case).visits.count() == 1


def test_cannot_rectify_goes_through_the_hall_offices_review(case, admin_user):
    visit(case, admin_user)
    cases.case_handle(author=admin_user, case=case, handling="by_deadline", note="改造叫号")
    cases.unable_ask(author=admin_user, case=case, reason="需市级系统改造")
    assert refresh(case).state == State.UNABLE_REVIEW
    cases.unable_decide(author=admin_user, case=case, accept=False, reason="可先人工叫号")
    assert refresh(case).state == State.RECTIFYING
    cases.unable_ask(author=admin_user, case=case, reason="仍无法整改")
    cases.unable_decide(author=admin_user, case=case, accept=True, reason="同意")
    assert refresh(case).state == State.UNABLE


# --- the return visit -----------------------------------------------------------------------


def test_a_real_name_rating_needs_a_visit_to_the_citizen(named_case, admin_user):
    with pytest.raises(ValidationError) as caught:
        visit(named_case, admin_user, method=Method.RECORDS)
    assert caught.value.message_dict["method"] == [
        zh(
            "The citizen left a name or phone: the return visit must reach them (phone, in "
            "person or text message)."
        )
    ]
    assert refresh(named_case).state == State.VISIT and not named_case.visits.exists()
    visit(named_case, admin_user, method=Method.PHONE, outcome=Outcome.UNREACHABLE)
    assert refresh(named_case).state == State.PENDING


def test_an_anonymous_rating_may_be_checked_on_the_records(case, admin_user):
    visit(case, admin_user, method=Method.RECORDS, outcome=Outcome.VERIFIED)
    assert refresh(case).state == State.PENDING


def test_a_visit_in_the_future_is_refused(case, admin_user):
    with pytest.raises(ValidationError) as caught:
        visit(case, admin_user, visited_at=timezone.now() + datetime.timedelta(days=1))
    assert "visited_at" in caught.value.message_dict


# --- the ledger ------------------------------------------------------------------------------


def test_a_verified_rating_proposes_exactly_one_deduction(case, admin_user, rating_rule):
    visit(case, admin_user, outcome=Outcome.VERIFIED)
    visit(case, admin_user, outcome=Outcome.VERIFIED)  # the action repeated
    proposal = EntryProposal.objects.get()
    assert proposal.source == ScoreEntry.Source.RATING
    assert (proposal.rule, proposal.points, proposal.staff) == (
        rating_rule,
        Decimal("-2"),
        case.rating.staff,
    )
    assert proposal.source_id == str(case.pk)
    assert refresh(case).proposal == proposal
    assert case.steps.filter(action=Action.PROPOSED).count() == 1


def test_an_unverified_visit_proposes_nothing(case, admin_user, rating_rule):
    visit(case, admin_user, outcome=Outcome.WITHDRAWN)
    assert not EntryProposal.objects.exists()


def test_without_a_rating_rule_the_case_says_so_and_goes_on(case, admin_user):
    visit(case, admin_user, outcome=Outcome.VERIFIED)
    case = refresh(case)
    assert case.state == State.PENDING and case.proposal is None
    assert case.proposal_problem == zh(
        "No deduction rule (category “public rating”, subject: %(subject)s) is in force on "
        "%(day)s: no deduction was proposed.",
        subject=Rule.Subject.STAFF.label,
        day=f"{timezone.localdate(case.rating.created_at):%Y-%m-%d}",
    )


def test_a_window_rating_is_proposed_against_the_window(window, reasons, admin_user):
    rule = RuleFactory(code="W-R01", category=Rule.Category.RATING, applies_to=Rule.Subject.WINDOW)
    case = rate(window).case  # nobody seated: the rating names no staff member
    visit(case, admin_user)
    proposal = EntryProposal.objects.get()
    assert (proposal.window, proposal.staff, proposal.rule) == (window, None, rule)


# --- the review as invalid -------------------------------------------------------------------


def test_only_the_named_staff_member_may_ask_for_review(case, other_staff_member):
    with pytest.raises(PermissionDenied):
        cases.review_ask(
            author=other_staff_member.user, case=case, ground="malicious", reason="不是我"
        )


def test_an_invalid_rating_never_touches_the_score_and_is_not_counted(
    case, admin_user, staff_member, rating_rule
):
    cases.review_ask(author=staff_member.user, case=case, ground="mistaken", reason="评错窗口")
    assert refresh(case).state == State.INVALID_REVIEW
    with pytest.raises(
        ValidationError,
        match=re.escape(
            zh(
                "The case is at “%(state)s”: this step does not come next.",
                state=State.INVALID_REVIEW.label,
            )
        ),
    ):
        visit(case, admin_user)
    cases.review_decide(author=admin_user, case=case, invalid=True, reason="监控显示非本窗口")
    case = refresh(case)
    assert case.state == State.INVALID and case.closed_at is not None
    assert Rating.objects.get(pk=case.rating_id).counted is False
    assert not EntryProposal.objects.exists() and not ScoreEntry.objects.exists()


def test_an_invalid_rating_leaves_the_rolled_up_figures(
    case, admin_user, staff_member, settings, django_capture_on_commit_callbacks
):
    from complaints import rollups
    from complaints.models import RatingRollup
    from complaints.selectors import satisfaction_rates

    settings.HALL_RATING_ROLLUP_LAG_SECONDS = 0
    rating = case.rating
    month = timezone.localtime(rating.created_at).date().replace(day=1)
    rollups.rollup_refresh(month)  # the bad rating is in the month's rollup, not read live
    assert RatingRollup.objects.get(month=month).covered_until >= rating.created_at
    staff_rates, _windows = satisfaction_rates(month)
    assert staff_rates[staff_member.pk] == 0
    cases.review_ask(author=staff_member.user, case=case, ground="mistaken", reason="评错窗口")
    with django_capture_on_commit_callbacks(execute=True):
        cases.review_decide(author=admin_user, case=case, invalid=True, reason="监控显示非本窗口")
    staff_rates, _windows = satisfaction_rates(month)
    assert staff_member.pk not in staff_rates  # no counted rating left: not rated at all


def test_a_proposed_deduction_is_dismissed_when_judged_invalid(
    case, admin_user, staff_member, rating_rule
):
    visit(case, admin_user, outcome=Outcome.VERIFIED)
    cases.review_ask(author=staff_member.user, case=case, ground="malicious", reason="恶意")
    cases.review_decide(author=admin_user, case=case, invalid=True, reason="恶意差评")
    assert EntryProposal.objects.get().status == EntryProposal.Status.DISMISSED
    assert not ScoreEntry.objects.exists()


def test_a_confirmed_deduction_is_reversed_when_judged_invalid(
    case, admin_user, staff_member, rating_rule
):
    visit(case, admin_user, outcome=Outcome.VERIFIED)
    proposal_confirm(author=admin_user, proposal=EntryProposal.objects.get())
    cases.review_ask(author=staff_member.user, case=case, ground="malicious", reason="恶意")
    cases.review_decide(author=admin_user, case=case, invalid=True, reason="恶意差评")
    assert sum(ScoreEntry.objects.values_list("points", flat=True)) == 0
    assert ScoreEntry.objects.count() == 2


def test_a_rejected_review_sends_the_case_back_and_cannot_be_asked_again(
    case, admin_user, staff_member
):
    visit(case, admin_user)
    cases.review_ask(author=staff_member.user, case=case, ground="malicious", reason="恶意")
    cases.review_decide(author=admin_user, case=case, invalid=False, reason="经核实属实")
    case = refresh(case)
    assert case.state == State.PENDING and Rating.objects.get(pk=case.rating_id).counted
    assert Notice.objects.filter(user=staff_member.user, kind=cases.NOTICE_REVIEW_REJECTED)
    with pytest.raises(
        ValidationError,
        match=re.escape(zh("A review of this rating was asked already: it cannot be asked again.")),
    ):
        cases.review_ask(author=staff_member.user, case=case, ground="malicious", reason="再")


# --- overdue --------------------------------------------------------------------------------


def test_the_daily_task_marks_overdue_once_and_tells_the_hall_office(case, admin_user):
    after = case.deadline + datetime.timedelta(days=1)
    assert cases_mark_overdue(case.deadline.isoformat()) == 0  # on the deadline: not yet
    assert cases_mark_overdue(after.isoformat()) == 1
    case = refresh(case)
    assert case.state == State.OVERDUE
    step = case.steps.get(action=Action.OVERDUE)
    assert (step.author, step.from_state) == (None, State.VISIT)
    notice = Notice.objects.get(user=admin_user, kind=cases.NOTICE_OVERDUE)
    assert notice.params["n"] == 1
    assert cases_mark_overdue(after.isoformat()) == 0
    assert Notice.objects.filter(kind=cases.NOTICE_OVERDUE).count() == 1


def test_notice_kinds_fit_the_notice_field():
    limit = Notice._meta.get_field("kind").max_length
    assert all(len(kind) <= limit for kind in cases.NOTICE_KINDS)


def test_the_overdue_task_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "complaints.tasks.cases_mark_overdue" in tasks


def test_an_overdue_case_can_still_be_visited_handled_and_completed(case, admin_user):
    with time_machine.travel(case.deadline + datetime.timedelta(days=2)):
        cases.cases_mark_overdue()
        assert cases.is_overdue(refresh(case))
        visit(case, admin_user)
        assert refresh(case).state == State.OVERDUE
        cases.case_handle(author=admin_user, case=case, handling="by_deadline", note="补整改")
        cases.case_complete(author=admin_user, case=case, note="已完成")
    assert refresh(case).state == State.DONE


def test_a_case_past_its_deadline_shows_overdue_before_the_beat_runs(case):
    later = case.deadline + datetime.timedelta(days=1)
    assert cases.is_overdue(case, later) and not cases.is_overdue(case, case.deadline)


def test_masking_keeps_the_first_character_and_the_phone_ends(named_case):
    assert cases.mask_contact(named_case.rating) == "李* 138****8000"


def test_the_cached_statistics_drop_a_rating_judged_invalid(
    case, admin, admin_user, staff_member, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    month = timezone.localtime(case.rating.created_at).date()
    url = reverse("rating_stats") + f"?month={month:%Y-%m}"
    assert 'class="stat">1<' in admin.get(url).content.decode()  # rendered and cached
    cases.review_ask(author=staff_member.user, case=case, ground="mistaken", reason="评错窗口")
    with django_capture_on_commit_callbacks(execute=True):  # the month's rebuild, queued
        cases.review_decide(author=admin_user, case=case, invalid=True, reason="监控显示非本窗口")
    assert 'class="stat">0<' in admin.get(url).content.decode()
