"""The complaints desk's side of the appraisal ledger: a complaint upheld (or partly) against
a window or a staff member proposes a deduction under the complaint rule in force, once in
the complaint's life. ``complaints.desk.complaint_handle`` calls it and records the step.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint


def complaint_rule(complaint: Complaint, day: datetime.date):
    """The complaint rule in force on ``day`` for the complaint's kind of target, or None."""
    from appraisal.models import Rule
    from appraisal.rulebooks import rules_in_force

    subject = {"window": Rule.Subject.WINDOW, "staff": Rule.Subject.STAFF}.get(
        complaint.target_kind
    )
    if subject is None:
        return None
    _books, rules = rules_in_force(day)
    matching = [
        r
        for r in rules
        if r.category == Rule.Category.COMPLAINT and r.applies_to == subject and r.max_points < 0
    ]
    return matching[0] if matching else None


def deduction_propose(
    *, actor, complaint: Complaint, points, at: datetime.datetime
) -> tuple[str, bool]:
    """Propose the deduction in the ledger; return what happened in words and whether a
    deduction was proposed (the desk records that as a step). Never raises: a complaint is
    handled whether or not the ledger can take its deduction."""
    from appraisal.models import AppraisalMonth, ScoreEntry
    from appraisal.proposals import entry_propose
    from appraisal.services import month_get

    if complaint.proposal_id is not None:
        return _("A deduction was already proposed for this complaint; none proposed again."), False
    if complaint.target_kind not in ("window", "staff"):
        return _(
            "The complaint is about a department or the hall as a whole: no deduction is "
            "proposed in the ledger (it scores windows and staff members)."
        ), False
    day = timezone.localdate(complaint.received_at)
    if month_get(day).status != AppraisalMonth.Status.OPEN:
        day = timezone.localdate(at)  # the month it happened in is closed: count it now
    rule = complaint_rule(complaint, day)
    if rule is None:
        return _(
            "No rule for complaints about a %(kind)s is in force: no deduction is proposed. "
            "Add one to the rule book, then enter it by hand."
        ) % {"kind": complaint.get_target_kind_display()}, False
    chosen = Decimal(str(points)) if points not in (None, "") else rule.max_points  # mildest
    evidence = _("Complaint %(number)s, %(outcome)s: %(findings)s") % {
        "number": complaint.number,
        "outcome": complaint.get_outcome_display(),
        "findings": complaint.findings,
    }
    try:
        with transaction.atomic():
            proposal = entry_propose(
                author=actor,
                rule=rule,
                points=chosen,
                occurred_on=day,
                source=ScoreEntry.Source.COMPLAINT,
                staff=complaint.staff,
                window=complaint.window,
                evidence=evidence,
                source_object=complaint,
            )
    except ValidationError as exc:
        return _("No deduction proposed: %(reason)s") % {"reason": " ".join(exc.messages)}, False
    complaint.proposal = proposal
    complaint.save(update_fields=["proposal"])
    note = _("%(points)s points under %(code)s %(title)s proposed to the hall office.") % {
        "points": proposal.points,
        "code": rule.code,
        "title": rule.title,
    }
    return note, True
