"""The complaints desk's rules: recording, the workflow and its refusals, deadlines in working
days (across National Day), extensions, the deduction proposed once, the citizen's answer."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from appraisal.models import EntryProposal, Rule, ScoreEntry
from complaints import desk
from complaints.models import Complaint, ComplaintStep
from complaints.overdue import complaints_overdue_run
from hall import services as hall_services
from hall.models import Notice
from tests.appraisal.factories import RuleFactory

pytestmark = pytest.mark.django_db

D = datetime.date
S = Complaint.Status


def zh(msgid: str, **params) -> str:
    """The message as a ValidationError carries it: translated, not HTML-escaped."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
        return text % {k: str(v) for k, v in params.items()} if params else text


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def holidays(db):
    """The chinesecalendar package's holidays (National Day 2026: 10-01..10-08, make-up days)."""
    assert hall_services.calendar_sync_run(
        sync_id=hall_services.calendar_sync_request(actor=None).pk
    )


def receive(actor=None, *, target=None, **kw) -> Complaint:
    data = {
        "complainant": "王先生",
        "contact": "13800138000",
        "facts": "窗口人员态度生硬",
        "channel": Complaint.Channel.DESK,
        "form": Complaint.Form.WRITTEN,
    }
    data.update(kw)
    return desk.complaint_receive(actor=actor, target=target or desk.Target("hall"), **data)


def test_a_complaint_gets_a_yearly_case_number_a_code_and_a_first_step(admin_user):
    first = receive(admin_user, received_at=at(D(2026, 3, 2)))
    second = receive(admin_user, received_at=at(D(2026, 3, 3)))
    next_year = receive(admin_user, received_at=at(D(2027, 1, 4)))
    assert (first.number, second.number, next_year.number) == (
        "TS2026-000001",
        "TS2026-000002",
        "TS2027-000001",
    )
    assert len(first.code) == 8 and first.code != second.code
    step = first.steps.get()
    assert (step.action, step.actor, step.to_status) == ("received", admin_user, "received")


def test_the_target_is_exactly_one_kind(window, staff_member, department):
    made = receive(target=desk.target_resolve(kind="window", window_id=window.pk))
    assert (made.window, made.staff, made.department, made.concerns_department) == (
        window,
        None,
        None,
        window.department,
    )
    made = receive(target=desk.target_resolve(kind="staff", staff_id=staff_member.pk))
    assert made.concerns_department == staff_member.department
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the rule
        Complaint.objects.filter(pk=made.pk).update(window=window)


def test_a_complaint_about_a_window_that_does_not_exist_is_refused(window):
    with pytest.raises(ValidationError) as exc:
        desk.target_resolve(kind="window", window_id=window.pk + 999)
    assert exc.value.message_dict == {"window": [zh("There is no such window in the hall.")]}
    with pytest.raises(ValidationError):
        desk.target_resolve(kind="window", window_id="<script>")
    assert not Complaint.objects.exists()


def test_a_hotline_complaint_needs_its_hotline_number():
    with pytest.raises(ValidationError) as exc:
        receive(channel=Complaint.Channel.HOTLINE)
    assert "hotline_no" in exc.value.message_dict
    made = receive(channel=Complaint.Channel.HOTLINE, hotline_no="12345-2026-0099")
    assert made.hotline_no == "12345-2026-0099"


def test_ten_thousand_characters_are_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as exc:
        receive(facts="长" * 10_000, grounds="据" * 10_000, complainant="名" * 10_000)
    assert set(exc.value.message_dict) == {"facts", "grounds", "complainant"}
    assert "10000" in exc.value.message_dict["facts"][0]
    assert not Complaint.objects.exists() and not ComplaintStep.objects.exists()


def test_deadlines_count_working_days_from_receipt(settings):
    monday = at(D(2026, 3, 2))
    assert receive(form="oral", received_at=monday).deadline == D(2026, 3, 2)  # on the spot
    assert receive(form="written", received_at=monday).deadline == D(2026, 3, 5)
    assert receive(form="written", complex=True, received_at=monday).deadline == D(2026, 3, 9)
    settings.COMPLAINTS_DAYS_COMPLEX = 12  # configured beyond the cap: the cap wins
    assert receive(complex=True, received_at=monday).deadline == D(2026, 3, 11)


def test_deadlines_across_national_day_skip_the_holiday(holidays):
    # 2026 (State Council): 1–7 October off, Saturday 10 October a make-up working day.
    # Received Wednesday 30 September: written → 8, 9, 10 October; complex → 13 October.
    received = at(D(2026, 9, 30))
    assert receive(form="written", received_at=received).deadline == D(2026, 10, 10)
    assert receive(complex=True, received_at=received).deadline == D(2026, 10, 13)
    assert desk.latest_deadline(D(2026, 9, 30)) == D(2026, 10, 15)
    # Received on a holiday: the count starts from it, on the spot stays the day itself.
    assert receive(form="written", received_at=at(D(2026, 10, 2))).deadline == D(2026, 10, 10)
    assert receive(form="oral", received_at=at(D(2026, 10, 2))).deadline == D(2026, 10, 2)


def walk(complaint, actor, to: str, **kw):
    steps = {
        S.ACCEPTED: lambda c: desk.complaint_accept(actor=actor, complaint=c),
        S.INVESTIGATING: lambda c: desk.complaint_investigate(actor=actor, complaint=c),
        S.HANDLED: lambda c: (
            desk.complaint_handle(
                actor=actor,
                complaint=c,
                outcome=kw.get("outcome", "not_upheld"),
                findings="经调取录像核实",
            ).complaint
        ),
        S.REPLIED: lambda c: desk.complaint_reply(actor=actor, complaint=c, reply="已答复"),
        S.CLOSED: lambda c: desk.complaint_close(actor=actor, complaint=c),
    }
    order = [S.ACCEPTED, S.INVESTIGATING, S.HANDLED, S.REPLIED, S.CLOSED]
    for status in order[: order.index(to) + 1]:
        complaint = steps[status](complaint)
    return complaint


def test_the_whole_way_records_every_step_with_its_author(admin_user):
    complaint = walk(receive(admin_user), admin_user, S.CLOSED)
    assert complaint.status == "closed" and complaint.reply == "已答复"
    actions = list(complaint.steps.values_list("action", "actor", "from_status", "to_status"))
    assert actions == [
        ("received", admin_user.pk, "", "received"),
        ("accepted", admin_user.pk, "received", "accepted"),
        ("investigating", admin_user.pk, "accepted", "investigating"),
        ("handled", admin_user.pk, "investigating", "handled"),
        ("replied", admin_user.pk, "handled", "replied"),
        ("closed", admin_user.pk, "replied", "closed"),
    ]


def test_a_status_jump_is_refused_with_the_next_step_and_writes_nothing(admin_user):
    complaint = receive(admin_user)
    with pytest.raises(ValidationError) as exc:
        desk.complaint_handle(
            actor=admin_user, complaint=complaint, outcome="upheld", findings="属实"
        )
    with translation.override("zh-hans"):
        next_steps = f"{S.ACCEPTED.label}、{S.NOT_ACCEPTED.label}"
    assert exc.value.messages == [
        zh(
            "Complaint %(number)s is %(status)s: it cannot be %(to)s now. Next step: %(next)s.",
            number=complaint.number,
            status=S.RECEIVED.label,
            to=S.HANDLED.label,
            next=next_steps,
        )
    ]
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.steps.count()) == ("received", "", 1)


def test_a_reply_after_closing_is_refused_and_writes_nothing(admin_user):
    complaint = walk(receive(admin_user), admin_user, S.CLOSED)
    with pytest.raises(ValidationError) as exc:
        desk.complaint_reply(actor=admin_user, complaint=complaint, reply="再次答复")
    assert exc.value.messages == [
        zh(
            "Complaint %(number)s is %(status)s: no reply can be added now.",
            number=complaint.number,
            status=S.CLOSED.label,
        )
    ]
    complaint.refresh_from_db()
    assert complaint.reply == "已答复" and complaint.steps.count() == 6


def test_not_accepted_needs_a_listed_reason_and_ends_the_complaint(admin_user):
    complaint = receive(admin_user)
    with pytest.raises(ValidationError):
        desk.complaint_refuse(actor=admin_user, complaint=complaint, reason="because")
    complaint = desk.complaint_refuse(
        actor=admin_user, complaint=complaint, reason="under_review", note="已申请行政复议"
    )
    assert (complaint.status, complaint.refusal) == ("not_accepted", "under_review")
    with pytest.raises(ValidationError):
        desk.complaint_accept(actor=admin_user, complaint=complaint)


def test_an_extension_is_asked_before_the_deadline_and_never_beyond_the_cap(admin_user):
    complaint = receive(admin_user, received_at=at(D(2026, 3, 2)))  # due 03-05, cap 03-11
    with pytest.raises(ValidationError) as exc:
        desk.complaint_extend(
            actor=admin_user,
            complaint=complaint,
            until=D(2026, 3, 12),
            reason="需多部门核实",
            today=D(2026, 3, 4),
        )
    assert "until" in exc.value.message_dict
    passed = zh(
        "The deadline (%(day)s) has passed: an extension must be asked before it.",
        day=complaint.deadline,
    )
    with pytest.raises(ValidationError, match=re.escape(passed)) as exc:
        desk.complaint_extend(
            actor=admin_user,
            complaint=complaint,
            until=D(2026, 3, 10),
            reason="需多部门核实",
            today=D(2026, 3, 6),  # the deadline has passed
        )
    assert exc.value.messages[0] == passed
    complaint = desk.complaint_extend(
        actor=admin_user,
        complaint=complaint,
        until=D(2026, 3, 11),
        reason="需多部门核实",
        today=D(2026, 3, 4),
    )
    assert (complaint.deadline, complaint.extended) == (D(2026, 3, 11), True)
    assert complaint.steps.filter(action="extended").count() == 1


@pytest.fixture
def complaint_rules():
    staff_rule = RuleFactory(
        code="S-C01",
        title="有效投诉",
        category=Rule.Category.COMPLAINT,
        applies_to=Rule.Subject.STAFF,
        min_points=-10,
        max_points=-3,
        evidence_required=True,
    )
    window_rule = RuleFactory(
        code="W-C01",
        title="窗口有效投诉",
        category=Rule.Category.COMPLAINT,
        applies_to=Rule.Subject.WINDOW,
        min_points=-10,
        max_points=-3,
    )
    return staff_rule, window_rule


def test_an_upheld_complaint_proposes_one_deduction_against_its_staff_member(
    admin_user, staff_member, complaint_rules
):
    target = desk.target_resolve(kind="staff", staff_id=staff_member.pk)
    complaint = walk(receive(admin_user, target=target), admin_user, S.INVESTIGATING)
    handled = desk.complaint_handle(
        actor=admin_user, complaint=complaint, outcome="upheld", findings="经核实属实"
    )
    proposal = EntryProposal.objects.get()
    assert (proposal.staff, proposal.rule, proposal.points, proposal.source) == (
        staff_member,
        complaint_rules[0],
        -3,
        ScoreEntry.Source.COMPLAINT,
    )
    assert complaint.number in proposal.evidence
    assert "S-C01" in handled.proposal_note
    assert not ScoreEntry.objects.exists()  # the hall office confirms it

    # reopened by the citizen and upheld again: still one proposal
    complaint = desk.complaint_reply(actor=admin_user, complaint=handled.complaint, reply="属实")
    complaint = desk.complaint_feedback(complaint=complaint, satisfied=False)
    again = desk.complaint_handle(
        actor=admin_user, complaint=complaint, outcome="partly", findings="复查"
    )
    assert EntryProposal.objects.count() == 1
    assert again.proposal_note == zh(
        "A deduction was already proposed for this complaint; none proposed again."
    )


def test_a_window_complaint_proposes_against_the_window(admin_user, window, complaint_rules):
    target = desk.target_resolve(kind="window", window_id=window.pk)
    complaint = walk(receive(admin_user, target=target), admin_user, S.INVESTIGATING)
    desk.complaint_handle(
        actor=admin_user, complaint=complaint, outcome="partly", findings="部分属实", points=-5
    )
    proposal = EntryProposal.objects.get()
    assert (proposal.window, proposal.staff, proposal.points) == (window, None, -5)


def test_no_complaint_rule_in_force_is_said_not_crashed(admin_user, staff_member):
    target = desk.target_resolve(kind="staff", staff_id=staff_member.pk)
    complaint = walk(receive(admin_user, target=target), admin_user, S.INVESTIGATING)
    handled = desk.complaint_handle(
        actor=admin_user, complaint=complaint, outcome="upheld", findings="属实"
    )
    assert handled.complaint.status == "handled"
    assert handled.proposal_note == zh(
        "No rule for complaints about a %(kind)s is in force: no deduction is proposed. "
        "Add one to the rule book, then enter it by hand.",
        kind=Complaint.TargetKind.STAFF.label,
    )
    assert not EntryProposal.objects.exists()


def test_not_upheld_proposes_nothing(admin_user, staff_member, complaint_rules):
    target = desk.target_resolve(kind="staff", staff_id=staff_member.pk)
    walk(receive(admin_user, target=target), admin_user, S.HANDLED, outcome="not_upheld")
    assert not EntryProposal.objects.exists()


def test_the_code_must_match_and_a_wrong_code_is_like_no_complaint(admin_user):
    complaint = receive(admin_user)
    assert desk.complaint_find(complaint.number, complaint.code.lower()) == complaint
    assert desk.complaint_find(complaint.number, "WRONGCOD") is None
    assert desk.complaint_find("TS2099-000001", complaint.code) is None
    assert desk.complaint_find("", "") is None


def test_unsatisfied_reopens_once_with_a_new_deadline_then_only_records(admin_user):
    complaint = walk(receive(admin_user), admin_user, S.REPLIED)
    with pytest.raises(ValidationError):
        desk.complaint_feedback(
            complaint=walk(receive(admin_user), admin_user, S.HANDLED), satisfied=True
        )
    complaint = desk.complaint_feedback(complaint=complaint, satisfied=False)
    assert (complaint.status, complaint.reopened) == ("investigating", True)
    assert complaint.deadline >= timezone.localdate()
    complaint = desk.complaint_handle(
        actor=admin_user, complaint=complaint, outcome="not_upheld", findings="复查"
    ).complaint
    complaint = desk.complaint_reply(actor=admin_user, complaint=complaint, reply="复查答复")
    complaint = desk.complaint_feedback(complaint=complaint, satisfied=False)
    assert (complaint.status, complaint.satisfaction) == ("replied", "unsatisfied")
    assert complaint.steps.filter(action="reopened").count() == 1
    with pytest.raises(ValidationError):  # one answer per reply
        desk.complaint_feedback(complaint=complaint, satisfied=True)


def test_the_tablet_key_makes_a_retry_return_the_same_complaint(supervisor_user):
    key = uuid.uuid4()
    first = receive(supervisor_user, key=key)
    again = receive(supervisor_user, key=key)
    assert first.pk == again.pk and Complaint.objects.count() == 1
    assert (first._created, again._created) == (True, False)


def test_overdue_sends_a_reminder_then_an_escalation_once_each(admin_user, admin):
    complaint = receive(admin_user, received_at=at(D(2026, 3, 2)))  # due Thu 03-05
    assert complaints_overdue_run(D(2026, 3, 5)) == (0, 0)  # due today: not late
    assert complaints_overdue_run(D(2026, 3, 6)) == (1, 0)  # the working day after
    assert complaints_overdue_run(D(2026, 3, 6)) == (0, 0)  # idempotent
    assert complaints_overdue_run(D(2026, 3, 12)) == (0, 0)
    assert complaints_overdue_run(D(2026, 3, 13)) == (0, 1)  # 5 working days later
    assert complaints_overdue_run(D(2026, 3, 20)) == (0, 0)
    kinds = list(Notice.objects.filter(user=admin_user).values_list("kind", flat=True))
    assert sorted(kinds) == ["complaint_escalated", "complaint_reminder"]
    from hall.notices import notice_text

    texts = [notice_text(n) for n in Notice.objects.all()]
    assert all(complaint.number in t for t in texts)
    assert list(complaint.steps.filter(actor=None).values_list("action", flat=True)) == [
        "reminded",
        "escalated",
    ]


def test_a_replied_complaint_is_not_overdue(admin_user):
    complaint = receive(admin_user, received_at=at(D(2026, 3, 2)))
    walk(complaint, admin_user, S.REPLIED)
    assert complaints_overdue_run(D(2026, 3, 20)) == (0, 0)
