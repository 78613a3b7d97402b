"""Demo bad-rating cases (差评整改) for ``manage.py seed_demo``: one case per demo bad rating.

The cases of the last ``RECENT_DAYS`` go through the real services as the hall office would
have worked them (return visits, handlings, an extension, reviews as invalid and cannot-be-
rectified requests, the daily overdue check), so the open ones stand in every state and the
verified ones of open months carry their proposed deduction. The older ones ended long ago:
they are written in bulk, each with its history, so the seed stays fast.

Idempotent: when cases exist, only bad ratings without one get a case (opened, untouched).
Deterministic: the plan is drawn from ``random.Random`` seeded with the seed.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from complaints import case_reads, cases
from complaints.models import BAD_LEVELS, BadRatingCase, BadRatingCaseStep, Rating, ReturnVisit
from hall.workcalendar import add_working_days, is_working_day

State = BadRatingCase.State
Handling = BadRatingCase.Handling
Action = BadRatingCaseStep.Action
Method = ReturnVisit.Method
Outcome = ReturnVisit.Outcome
RECENT_DAYS = 30

SAID = (
    "当天确实等了一个多小时，希望高峰期多开窗口。",
    "工作人员态度不好，问两句就不耐烦。",
    "材料没有一次性告知，多跑了一趟。",
    "后来补办好了，气也消了，差评是当时着急点的。",
    "点错了，本来想点满意。",
    "说好的时限超了，希望以后按时办结。",
)
HANDLED = {
    Handling.AT_ONCE: (
        "当场向群众致歉，窗口负责人现场协调加开窗口。",
        "立即一次性书面告知全部材料清单，并电话致歉。",
    ),
    Handling.EXPLAIN: (
        "向群众解释该事项需部门联审，法定时限内办结，群众表示理解。",
        "说明高峰时段排队原因，告知可网上预约错峰办理。",
    ),
    Handling.BY_DEADLINE: (
        "窗口制定整改方案：高峰时段启用潮汐窗口，一周内完成。",
        "对窗口人员开展服务规范培训并考试，两周内完成。",
    ),
}
COMPLETED = ("潮汐窗口已启用，回访群众表示满意。", "培训已完成，考试合格，整改材料存档。")
INVALID_REASONS = ("监控显示该群众未在本窗口办理业务，属误评。", "群众回访时表示点错，属误评。")


def _at(day_time: datetime.datetime, hours: float) -> datetime.datetime:
    """``hours`` after ``day_time``, moved into office hours (09:00–17:30 on a working day):
    the office visits and writes up cases by day."""
    return _office_hours(day_time + datetime.timedelta(hours=hours))


def _office_hours(when: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(when)
    day = local.date()
    if local.time() > datetime.time(17, 30):
        day = add_working_days(day, 1)
    elif not is_working_day(day):
        day = add_working_days(day, 1)
    if day != local.date() or local.time() < datetime.time(9, 0):
        # the morning after: 09:xx, keeping the minutes so the times do not all coincide
        local = local.replace(year=day.year, month=day.month, day=day.day, hour=9)
    return local


def _old_case(rng: random.Random, rating: Rating, admin, staff_users: dict[int, int]):
    """An ended case of a bad rating: the case, its visit and its steps, ready for bulk."""
    opened = rating.created_at
    deadline = cases.deadline_after(timezone.localdate(opened), 15)
    case = BadRatingCase(rating=rating, opened_at=opened, deadline=deadline, verified=False)
    real = case_reads.is_real_name(rating)
    method = rng.choice((Method.PHONE, Method.PHONE, Method.SMS)) if real else Method.RECORDS
    outcome = rng.choices(
        [Outcome.VERIFIED, Outcome.NOT_BORNE_OUT, Outcome.UNREACHABLE, Outcome.WITHDRAWN],
        weights=[70, 12, 10 if real else 0, 8 if real else 0],
    )[0]
    visited = _at(opened, rng.randint(2, 48))
    visit = ReturnVisit(
        visited_at=visited,
        visited_by=admin,
        method=method,
        outcome=outcome,
        citizen_said=rng.choice(SAID) if method != Method.RECORDS else "",
    )
    case.verified = outcome == Outcome.VERIFIED
    steps = [
        (Action.OPENED, "", State.VISIT, "", None, opened),
        (
            Action.VISIT,
            State.VISIT,
            State.PENDING,
            f"{visit.get_method_display()}: {visit.get_outcome_display()}",
            admin,
            visited,
        ),
    ]
    roll = rng.random()
    staff_user = staff_users.get(rating.staff_id)
    later = _at(visited, rng.randint(4, 72))
    if roll < 0.08 and staff_user:
        reason = rng.choice(INVALID_REASONS)
        case.state, case.review_ground, case.review_reason = State.INVALID, "mistaken", reason
        case.review_asked_at = later
        steps += [
            (Action.REVIEW_ASKED, State.PENDING, State.INVALID_REVIEW, reason, staff_user, later),
            (
                Action.REVIEW_INVALID,
                State.INVALID_REVIEW,
                State.INVALID,
                reason,
                admin,
                _at(later, 20),
            ),
        ]
        rating.counted = False
    elif roll < 0.11:
        note = rng.choice(HANDLED[Handling.BY_DEADLINE])
        case.state, case.handling, case.handling_note = State.UNABLE, Handling.BY_DEADLINE, note
        why = "涉及市级业务系统改造，窗口层面无法整改，已报市数据局。"
        steps += [
            (Action.HANDLED, State.PENDING, State.RECTIFYING, note, admin, later),
            (
                Action.UNABLE_ASKED,
                State.RECTIFYING,
                State.UNABLE_REVIEW,
                why,
                admin,
                _at(later, 72),
            ),
            (
                Action.UNABLE_ACCEPTED,
                State.UNABLE_REVIEW,
                State.UNABLE,
                "同意",
                admin,
                _at(later, 96),
            ),
        ]
    else:
        handling = rng.choices(list(HANDLED), weights=[45, 25, 30])[0]
        note = rng.choice(HANDLED[handling])
        case.state, case.handling, case.handling_note = State.DONE, handling, note
        if handling == Handling.BY_DEADLINE:
            done = _at(later, rng.randint(48, 240))
            steps += [
                (Action.HANDLED, State.PENDING, State.RECTIFYING, note, admin, later),
                (
                    Action.COMPLETED,
                    State.RECTIFYING,
                    State.DONE,
                    rng.choice(COMPLETED),
                    admin,
                    done,
                ),
            ]
        else:
            steps.append((Action.HANDLED, State.PENDING, State.DONE, note, admin, later))
    case.closed_at = steps[-1][5]
    return case, visit, steps


def _bulk_old(rng: random.Random, old: list[Rating], admin, staff_users) -> int:
    built = [_old_case(rng, r, admin, staff_users) for r in old]
    made = BadRatingCase.objects.bulk_create([c for c, _v, _s in built], batch_size=500)
    for case, visit, _steps in built:
        visit.case = case
    ReturnVisit.objects.bulk_create([v for _c, v, _s in built], batch_size=500)
    BadRatingCaseStep.objects.bulk_create(
        [
            BadRatingCaseStep(
                case=case,
                action=action,
                from_state=before,
                to_state=after,
                note=note,
                author_id=getattr(author, "pk", author),
                at=at,
            )
            for case, _v, steps in built
            for action, before, after, note, author, at in steps
        ],
        batch_size=1000,
    )
    invalid = [c.rating_id for c in made if c.state == State.INVALID]
    Rating.objects.filter(pk__in=invalid).update(counted=False)
    return len(made)


# The recent cases' plan, in turn: where each is left.
PLAN = (
    "visit",
    "pending",
    "rectifying",
    "done_at_once",
    "invalid_review",
    "visit",
    "rectifying_extended",
    "done_explain",
    "unable_review",
    "pending",
    "rejected_review",
    "done_deadline",
    "invalid",
)


def _work(rng: random.Random, case: BadRatingCase, plan: str, admin) -> None:
    """Walk one recent case to where the plan leaves it, through the services."""
    rating = case.rating
    staff_user = rating.staff.user if rating.staff_id and rating.staff.user_id else None
    if plan in ("invalid_review", "rejected_review", "invalid"):
        if staff_user is None:
            plan = "pending"
        else:
            cases.review_ask(
                author=staff_user,
                case=case,
                ground=rng.choice(("malicious", "mistaken")),
                reason=rng.choice(INVALID_REASONS),
            )
            if plan == "invalid_review":
                return
            cases.review_decide(
                author=admin,
                case=case,
                invalid=plan == "invalid",
                reason=rng.choice(INVALID_REASONS) if plan == "invalid" else "经回访核实属实",
            )
            if plan == "invalid":
                return
            plan = "pending"
    if plan == "visit":
        return
    now = timezone.now()
    visited = min(_at(rating.created_at, rng.choice((1, 2, 3, 20, 22, 24, 26))), now)
    real = case_reads.is_real_name(rating)
    cases.visit_record(
        author=admin,
        case=case,
        visited_at=visited,
        method=Method.PHONE if real else Method.RECORDS,
        outcome=Outcome.VERIFIED,
        citizen_said=rng.choice(SAID) if real else "",
    )
    if plan == "pending":
        return
    handling = {
        "done_at_once": Handling.AT_ONCE,
        "done_explain": Handling.EXPLAIN,
    }.get(plan, Handling.BY_DEADLINE)
    cases.case_handle(
        author=admin, case=case, handling=handling, note=rng.choice(HANDLED[handling])
    )
    if plan == "rectifying_extended":
        try:
            cases.case_extend(
                author=admin, case=case, days=10, reason="需协调部门调整系统，申请延期一次。"
            )
        except ValidationError:  # past its deadline already: it stays as it is
            pass
    elif plan == "unable_review":
        cases.unable_ask(author=admin, case=case, reason="涉及上级部门业务系统，窗口无法整改。")
    elif plan == "done_deadline":
        cases.case_complete(author=admin, case=case, note=rng.choice(COMPLETED))


@transaction.atomic
def seed_cases(*, rng_seed: int = 2026, today: datetime.date | None = None) -> Counter:
    """A case for every demo bad rating: old ones ended, recent ones in every state."""
    today = today or timezone.localdate()
    created: Counter = Counter()
    if BadRatingCase.objects.exists():
        created["bad-rating cases"] += cases.cases_open_missing()
        return created
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:
        return created
    rng = random.Random(f"{rng_seed}-bad-rating-cases")
    bad = list(
        Rating.objects.filter(level__in=BAD_LEVELS)
        .select_related("staff", "window")
        .order_by("created_at", "id")
    )
    since = today - datetime.timedelta(days=RECENT_DAYS)
    old = [r for r in bad if timezone.localdate(r.created_at) < since]
    recent = [r for r in bad if timezone.localdate(r.created_at) >= since]
    staff_users = {
        r.staff_id: r.staff.user_id for r in bad if r.staff_id and r.staff.user_id is not None
    }
    created["bad-rating cases"] += _bulk_old(rng, old, admin, staff_users)
    # Their notices would only tell the staff of cases long ended: none for the old ones.
    own = _demo_login_rating(rng, today)
    for i, rating in enumerate(recent):
        case = cases.case_open(rating=rating)
        _work(rng, case, PLAN[i % len(PLAN)], admin)
        created["bad-rating cases"] += 1
    if own is not None:  # the demo staff login's own case, visited and waiting for handling
        _work(rng, cases.case_open(rating=own), "pending", admin)
        created["bad-rating cases"] += 1
    cases.cases_mark_overdue(today)
    _date_steps(rng, [r.pk for r in recent] + ([own.pk] if own else []))
    return created


def _demo_login_rating(rng: random.Random, today: datetime.date) -> Rating | None:
    """A recent bad rating naming the demo staff login (S0001), so that its phone page shows
    a case it may ask to have reviewed."""
    from hall.demo_data import DEMO_STAFF_NO
    from hall.workcalendar import add_working_days
    from staff.models import StaffMember

    member = StaffMember.objects.filter(employee_no=DEMO_STAFF_NO).select_related("window").first()
    if member is None or member.window is None:
        return None
    day = add_working_days(today, -2)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 25)))
    rating = Rating.objects.create(
        window=member.window,
        staff=member,
        department_id=member.window.department_id,
        level="dissatisfied",
        comment="等了四十分钟才轮到我，窗口中间有人离开很久。",
        name="吴",
        phone="13996001234",
        channel=Rating.Channel.QR,
        created_at=at,
    )
    from complaints.models import RatingReason

    rating.reasons.set(RatingReason.objects.filter(code="D01"))
    return rating


def _date_steps(rng: random.Random, rating_ids: list[int]) -> None:
    """The services stamp their steps with the time of the seed: spread the recent cases'
    steps over the days after each rating as they would have happened (overdue marks on the
    night after the deadline)."""
    now = timezone.now()
    steps = list(
        BadRatingCaseStep.objects.filter(case__rating_id__in=rating_ids)
        .select_related("case__rating")
        .order_by("case_id", "id")
    )
    visits = dict(
        ReturnVisit.objects.filter(case__rating_id__in=rating_ids)
        .order_by("id")
        .values_list("case_id", "visited_at")
    )
    clock: dict[int, datetime.datetime] = {}
    touched: dict[int, BadRatingCase] = {}
    for step in steps:
        case = touched.setdefault(step.case_id, step.case)
        if step.action == Action.OPENED:
            at = case.rating.created_at
        elif step.action == Action.OVERDUE:
            night = case.deadline + datetime.timedelta(days=1)
            at = timezone.make_aware(datetime.datetime.combine(night, datetime.time(0, 10)))
        elif step.action in (Action.VISIT, Action.PROPOSED) and case.pk in visits:
            at = visits[case.pk]
        else:
            at = _at(clock[case.pk], rng.choice((2, 3, 5, 20, 26)))
        step.at = min(max(at, clock.get(case.pk, at)), now)
        clock[case.pk] = step.at
        if step.action == Action.REVIEW_ASKED:
            case.review_asked_at = step.at
        if case.closed_at is not None:
            case.closed_at = step.at  # the last step closed it
    BadRatingCaseStep.objects.bulk_update(steps, ["at"], batch_size=500)
    BadRatingCase.objects.bulk_update(touched.values(), ["review_asked_at", "closed_at"])
