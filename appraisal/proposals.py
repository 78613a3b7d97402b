"""Proposed ledger entries: what the floor and the case handlers (duty log, lost property,
bad ratings, complaints) ask the hall office to record. A proposal is checked like an entry
when it is made, so the proposer hears at once what is wrong; confirming it goes through
``score_entry_add`` — the ledger's one door — and dismissing it never touches a score.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import AppraisalMonth, EntryProposal, Rule, ScoreEntry
from appraisal.services import _check_entry as check_entry  # the ledger's own checks
from appraisal.services import month_get, score_entry_add

Status = EntryProposal.Status


@transaction.atomic
def entry_propose(
    *,
    author,
    rule: Rule,
    points: Decimal,
    occurred_on: datetime.date,
    source: str,
    staff=None,
    window=None,
    evidence: str = "",
    evidence_file=None,
    source_object=None,
) -> EntryProposal:
    """Propose a ledger line, or raise ValidationError (by field) and write nothing."""
    points = Decimal(str(points)) if points is not None else None
    errors = check_entry(
        rule=rule,
        points=points,
        occurred_on=occurred_on,
        staff=staff,
        window=window,
        evidence=evidence,
        evidence_file=evidence_file,
    )
    if not errors and month_get(occurred_on).status != AppraisalMonth.Status.OPEN:
        errors["occurred_on"].append(
            _("%(month)s is closed: no new entries.") % {"month": f"{occurred_on:%Y-%m}"}
        )
    if errors:
        raise ValidationError(dict(errors))
    source_type, source_id = None, ""
    if source_object is not None:
        source_type = ContentType.objects.get_for_model(source_object)
        source_id = str(source_object.pk)
    return EntryProposal.objects.create(
        staff=staff,
        window=window,
        rule=rule,
        points=points,
        occurred_on=occurred_on,
        evidence=evidence,
        evidence_file=evidence_file or "",
        source=source,
        source_type=source_type,
        source_id=source_id,
        proposed_by=author,
    )


def _pending(proposal: EntryProposal) -> EntryProposal:
    locked = EntryProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != Status.PENDING:
        raise ValidationError(
            {
                "reason": [
                    _("This proposal was already decided: %(status)s.")
                    % {"status": locked.get_status_display()}
                ]
            }
        )
    return locked


@transaction.atomic
def proposal_confirm(*, author, proposal: EntryProposal) -> ScoreEntry:
    """Record the proposed line in the ledger (authored by whoever proposed it, as what they
    saw); refused, with the proposal left pending, when the ledger refuses it — a month
    closed meanwhile, a rule no longer in force."""
    proposal = _pending(proposal)
    source_object = None
    if proposal.source_type_id:
        source_object = proposal.source_type.get_object_for_this_type(pk=proposal.source_id)
    entry = score_entry_add(
        author=proposal.proposed_by,
        rule=proposal.rule,
        points=proposal.points,
        occurred_on=proposal.occurred_on,
        staff=proposal.staff,
        window=proposal.window,
        evidence=proposal.evidence,
        evidence_file=proposal.evidence_file or None,
        source=proposal.source,
        source_object=source_object,
    )
    proposal.status = Status.CONFIRMED
    proposal.entry = entry
    proposal.decided_by = author
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "entry", "decided_by", "decided_at"])
    return entry


@transaction.atomic
def proposal_dismiss(*, author, proposal: EntryProposal, reason: str) -> EntryProposal:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the proposal is dismissed.")]})
    proposal = _pending(proposal)
    proposal.status = Status.DISMISSED
    proposal.decision_reason = reason.strip()
    proposal.decided_by = author
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    return proposal


def proposal_queue(*, status: str | None = None, source: str | None = None) -> QuerySet:
    """Pending first (oldest first), then the decided ones (newest decision first)."""
    qs = EntryProposal.objects.select_related(
        "rule", "staff__department", "window__department", "proposed_by", "decided_by", "entry"
    ).annotate(
        pending_first=Case(
            When(status=Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("pending_first", "-decided_at", "proposed_at", "id")
