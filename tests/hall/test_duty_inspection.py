# ruff: noqa: F811  (fixtures imported by name from tests.hall.duty_support)
"""The inspection round: a failed heading records a finding and proposes a deduction to the
hall office (nothing in the ledger until confirmed); good conduct proposes an addition."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.models import EntryProposal, ScoreEntry
from appraisal.proposals import proposal_confirm
from hall.models import DutyLogEntry
from tests.hall.duty_support import (  # noqa: F401  (fixtures)
    JSON,
    clock,
    desk_rule,
    dress_rule,
    fake_png,
    key,
    media,
    png,
    praise_rule,
    rostered,
    shift,
)

pytestmark = pytest.mark.django_db
HEADINGS = ["seat", "dress", "language", "desk", "sign", "conduct"]


def all_passed(**overrides) -> dict:
    data = {f"{h}-result": "pass" for h in HEADINGS}
    data["key"] = key()
    data.update(overrides)
    return data


def url(window) -> str:
    return reverse("duty_inspection_window", args=[window.pk])


def test_a_window_where_all_is_well_is_logged_as_inspected(supervisor, shift, staff_member):
    response = supervisor.post(url(staff_member.window), all_passed())

    assert response.status_code == 302
    visit = DutyLogEntry.objects.get()
    assert (visit.kind, visit.window) == ("inspection", staff_member.window)
    assert not EntryProposal.objects.exists()


def test_a_failed_item_records_the_finding_and_proposes_a_deduction_not_a_ledger_entry(
    supervisor, supervisor_user, shift, staff_member, dress_rule, media
):
    data = all_passed(**{
        "dress-result": "fail",
        "dress-finding": "未佩戴工作牌",
        "dress-subject": f"staff:{staff_member.pk}",
        "dress-rule": dress_rule.pk,
        "dress-photo": png(),
    })  # fmt: skip

    response = supervisor.post(url(staff_member.window), data, **JSON)

    assert response.status_code == 201
    finding = DutyLogEntry.objects.get(kind="finding")
    assert (finding.heading, finding.staff, finding.text) == ("dress", staff_member, "未佩戴工作牌")
    assert finding.photo
    proposal = EntryProposal.objects.get()
    assert proposal.status == "pending"
    assert (proposal.staff, proposal.rule, proposal.source) == (
        staff_member,
        dress_rule,
        ScoreEntry.Source.DUTY_LOG,
    )
    assert proposal.points == -1  # the mildest the rule allows, when not said
    assert (proposal.source_type.model, proposal.source_id) == ("dutylogentry", str(finding.pk))
    assert proposal.evidence_file.name == finding.photo.name
    assert proposal.proposed_by == supervisor_user
    assert not ScoreEntry.objects.exists()


def test_the_proposal_waits_in_the_admins_queue_and_confirms_into_the_ledger(
    supervisor, admin, admin_user, shift, staff_member, dress_rule
):
    supervisor.post(url(staff_member.window), all_passed(**{
        "dress-result": "fail", "dress-finding": "着便装", "dress-rule": dress_rule.pk,
        "dress-subject": f"staff:{staff_member.pk}", "dress-points": "-2",
    }))  # fmt: skip

    queue = admin.get(reverse("appraisal_proposal_list")).content.decode()
    assert "着便装" in queue
    entry = proposal_confirm(author=admin_user, proposal=EntryProposal.objects.get())
    assert entry.points == -2 and entry.source == "duty_log"


def test_a_window_rule_is_proposed_against_the_window(supervisor, shift, window, desk_rule):
    supervisor.post(url(window), all_passed(**{
        "desk-result": "fail", "desk-finding": "台面堆放杂物", "desk-subject": "window",
        "desk-rule": desk_rule.pk,
    }))  # fmt: skip

    proposal = EntryProposal.objects.get()
    assert (proposal.window, proposal.staff, proposal.points) == (window, None, -2)


def test_good_conduct_proposes_an_addition(supervisor, shift, staff_member, praise_rule):
    supervisor.post(url(staff_member.window), all_passed(**{
        "conduct-result": "fail", "conduct-finding": "主动引导老人办理",
        "conduct-subject": f"staff:{staff_member.pk}", "conduct-rule": praise_rule.pk,
    }))  # fmt: skip

    assert EntryProposal.objects.get().points == 1


def test_only_rules_of_the_headings_category_are_offered(
    supervisor, shift, staff_member, dress_rule, desk_rule, praise_rule
):
    body = supervisor.get(url(staff_member.window)).content.decode()
    dress = body.split('id="heading-dress"')[1].split("</fieldset>")[0]
    assert "S-05" in dress and "W-01" not in dress and "A-01" not in dress
    conduct = body.split('id="heading-conduct"')[1].split("</fieldset>")[0]
    assert "A-01" in conduct and "S-05" not in conduct


def test_a_rule_of_another_category_is_refused(supervisor, shift, staff_member, desk_rule):
    response = supervisor.post(url(staff_member.window), all_passed(**{
        "dress-result": "fail", "dress-finding": "x", "dress-rule": desk_rule.pk,
        "dress-subject": f"staff:{staff_member.pk}",
    }), **JSON)  # fmt: skip

    assert response.status_code == 422
    assert "dress-rule" in response.json()["errors"]
    assert not DutyLogEntry.objects.exists() and not EntryProposal.objects.exists()


def test_a_staff_rule_against_the_window_is_refused_and_nothing_half_saved(
    supervisor, shift, staff_member, dress_rule
):
    response = supervisor.post(url(staff_member.window), all_passed(**{
        "dress-result": "fail", "dress-finding": "x", "dress-rule": dress_rule.pk,
        "dress-subject": "window",
    }), **JSON)  # fmt: skip

    assert response.status_code == 422
    assert "dress-rule" in response.json()["errors"]
    assert not DutyLogEntry.objects.exists() and not EntryProposal.objects.exists()


def test_a_failed_item_without_a_finding_is_refused(supervisor, shift, staff_member, dress_rule):
    response = supervisor.post(url(staff_member.window), all_passed(**{
        "dress-result": "fail", "dress-rule": dress_rule.pk,
        "dress-subject": f"staff:{staff_member.pk}",
    }))  # fmt: skip

    assert response.status_code == 422
    assert not DutyLogEntry.objects.exists()


def test_a_finding_photo_that_is_not_an_image_is_refused(
    supervisor, shift, staff_member, dress_rule, media
):
    response = supervisor.post(url(staff_member.window), all_passed(**{
        "dress-result": "fail", "dress-finding": "x", "dress-rule": dress_rule.pk,
        "dress-subject": f"staff:{staff_member.pk}", "dress-photo": fake_png(),
    }), **JSON)  # fmt: skip

    assert response.status_code == 422
    assert "dress-photo" in response.json()["errors"]
    assert not EntryProposal.objects.exists()


def test_the_same_inspection_sent_twice_proposes_once(supervisor, shift, staff_member, dress_rule):
    data = all_passed(**{
        "dress-result": "fail", "dress-finding": "x", "dress-rule": dress_rule.pk,
        "dress-subject": f"staff:{staff_member.pk}",
    })  # fmt: skip
    first = supervisor.post(url(staff_member.window), data, **JSON)
    second = supervisor.post(url(staff_member.window), data, **JSON)

    assert second.json()["id"] == first.json()["id"]
    assert EntryProposal.objects.count() == 1
    assert DutyLogEntry.objects.count() == 2  # the visit and its finding


def test_an_unknown_window_is_a_404(supervisor, shift):
    assert supervisor.get(reverse("duty_inspection_window", args=[99999])).status_code == 404


def test_the_round_marks_windows_already_inspected(supervisor, shift, window, other_window):
    supervisor.post(url(window), all_passed())

    body = supervisor.get(reverse("duty_inspection")).content.decode()
    tile = body.split(f'id="inspect-{window.number}"')[0].rsplit("<a", 1)[1]
    assert "border-success" in tile
    other = body.split(f'id="inspect-{other_window.number}"')[0].rsplit("<a", 1)[1]
    assert "border-success" not in other
