"""Proposed ledger entries: checked when proposed, confirmed into the ledger through its one
door, or dismissed without touching a score."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import EntryProposal, ScoreEntry
from appraisal.proposals import entry_propose, proposal_confirm, proposal_dismiss
from appraisal.services import month_close
from hall.models import Notice
from tests.factories import StaffMemberFactory

MARCH = datetime.date(2026, 3, 1)
IN_APRIL = datetime.date(2026, 4, 14)
Source = ScoreEntry.Source

pytestmark = pytest.mark.usefixtures("clock", "media")


def propose(author, rule, *, day=IN_APRIL, points=None, **subject):
    return entry_propose(
        author=author,
        rule=rule,
        points=rule.min_points if points is None else points,
        occurred_on=day,
        evidence="巡查：9:10 岗位无人",
        source=Source.DUTY_LOG,
        **subject,
    )


def test_a_proposal_is_not_an_entry_and_tells_nobody(supervisor_user, staff_member, late):
    proposal = propose(supervisor_user, late, staff=staff_member)
    assert proposal.status == EntryProposal.Status.PENDING
    assert not ScoreEntry.objects.exists()
    assert not Notice.objects.exists()


def test_a_proposal_is_checked_like_an_entry(supervisor_user, staff_member, late):
    with pytest.raises(ValidationError) as exc:
        propose(supervisor_user, late, staff=staff_member, points=-5)
    assert "points" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        propose(
            supervisor_user, late, day=IN_APRIL + datetime.timedelta(days=3), staff=staff_member
        )
    assert "occurred_on" in exc.value.message_dict
    assert not EntryProposal.objects.exists()


def test_a_proposal_into_a_closed_month_is_refused(supervisor_user, staff_member, late):
    month_close(MARCH)
    with pytest.raises(ValidationError) as exc:
        propose(supervisor_user, late, day=datetime.date(2026, 3, 20), staff=staff_member)
    assert "occurred_on" in exc.value.message_dict
    assert not EntryProposal.objects.exists()


def test_confirming_records_the_entry_by_its_proposer_and_tells_the_staff_member(
    admin_user, supervisor_user, staff_member, late
):
    proposal = propose(supervisor_user, late, staff=staff_member)
    entry = proposal_confirm(author=admin_user, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == EntryProposal.Status.CONFIRMED
    assert (proposal.entry, proposal.decided_by) == (entry, admin_user)
    assert (entry.author, entry.source, entry.points) == (supervisor_user, Source.DUTY_LOG, -1)
    assert entry.evidence == "巡查：9:10 岗位无人"
    assert Notice.objects.filter(user=staff_member.user, kind=Notice.Kind.SCORE_ENTRY).exists()


def test_a_proposal_is_decided_once(admin_user, supervisor_user, staff_member, late):
    proposal = propose(supervisor_user, late, staff=staff_member)
    proposal_confirm(author=admin_user, proposal=proposal)
    with pytest.raises(ValidationError):
        proposal_confirm(author=admin_user, proposal=proposal)
    with pytest.raises(ValidationError):
        proposal_dismiss(author=admin_user, proposal=proposal, reason="重复")
    assert ScoreEntry.objects.count() == 1


def test_confirming_after_the_month_closed_is_refused_and_stays_pending(
    admin_user, supervisor_user, staff_member, late, clock
):
    proposal = propose(supervisor_user, late, staff=staff_member)
    clock.move_to(datetime.datetime(2026, 5, 2, 9, 0, tzinfo=datetime.UTC))
    month_close(datetime.date(2026, 4, 1))
    with pytest.raises(ValidationError) as exc:
        proposal_confirm(author=admin_user, proposal=proposal)
    assert "2026-04" in str(exc.value)
    proposal.refresh_from_db()
    assert proposal.status == EntryProposal.Status.PENDING
    assert not ScoreEntry.objects.exists()


def test_dismissing_needs_a_reason_and_never_touches_a_score(
    admin_user, supervisor_user, staff_member, late
):
    proposal = propose(supervisor_user, late, staff=staff_member)
    with pytest.raises(ValidationError):
        proposal_dismiss(author=admin_user, proposal=proposal, reason="  ")
    proposal_dismiss(author=admin_user, proposal=proposal, reason="当时在帮群众取件")
    proposal.refresh_from_db()
    assert proposal.status == EntryProposal.Status.DISMISSED
    assert proposal.decision_reason == "当时在帮群众取件"
    assert not ScoreEntry.objects.exists()
    assert not Notice.objects.exists()


def test_the_queue_confirms_from_the_page(admin, supervisor_user, staff_member, late):
    proposal = propose(supervisor_user, late, staff=staff_member)
    page = admin.get(reverse("appraisal_proposal_list")).content.decode()
    assert f'id="proposal-{proposal.pk}"' in page
    response = admin.post(
        reverse("appraisal_proposal_decide", args=[proposal.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 302
    assert ScoreEntry.objects.get().proposal == proposal


def test_a_dismissal_without_reason_on_the_page_says_so(admin, supervisor_user, staff_member, late):
    proposal = propose(supervisor_user, late, staff=staff_member)
    response = admin.post(
        reverse("appraisal_proposal_decide", args=[proposal.pk]),
        {"decision": "dismiss", "reason": ""},
        follow=True,
    )
    assert f"#{proposal.pk}" in [str(m) for m in response.context["messages"]][0]
    proposal.refresh_from_db()
    assert proposal.status == EntryProposal.Status.PENDING


def test_the_queue_shows_pending_by_default_and_all_on_request(
    admin, admin_user, supervisor_user, staff_member, late
):
    pending = propose(supervisor_user, late, staff=staff_member)
    done = propose(supervisor_user, late, staff=staff_member, day=IN_APRIL - datetime.timedelta(1))
    proposal_dismiss(author=admin_user, proposal=done, reason="误记")
    default = admin.get(reverse("appraisal_proposal_list")).content.decode()
    assert f'id="proposal-{pending.pk}"' in default
    assert f'id="proposal-{done.pk}"' not in default
    everything = admin.get(reverse("appraisal_proposal_list") + "?status=all").content.decode()
    assert f'id="proposal-{done.pk}"' in everything


def test_the_queue_runs_a_fixed_number_of_queries(admin, supervisor_user, late, window):
    def grow(n):
        for _ in range(n):
            propose(supervisor_user, late, staff=StaffMemberFactory(window=window))

    def count():
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert admin.get(reverse("appraisal_proposal_list")).status_code == 200
        return sum("django_session" not in q["sql"] for q in ctx.captured_queries)

    grow(2)
    few = count()
    grow(20)
    assert count() == few
