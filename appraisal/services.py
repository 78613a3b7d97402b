"""Writes of the appraisal. ``score_entry_add`` is the one door into the ledger: the duty log,
complaints, ratings and lost property (later issues) add entries only through it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import results_sql
from appraisal.models import (
    Appeal,
    AppraisalMonth,
    Award,
    MonthlyResult,
    Rule,
    ScoreEntry,
)
from appraisal.reports import appraisal_reports_request
from appraisal.rulebooks import policy_in_force, rule_books_in_force
from complaints.selectors import satisfaction_rates
from hall.models import Notice
from hall.notices import notice_send
from hall.workcalendar import add_working_days
from staff.models import Assignment, StaffMember
from windows.models import Window

Status = AppraisalMonth.Status


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_get(day: datetime.date) -> AppraisalMonth:
    """The appraisal month containing ``day``, created open on first use."""
    start = first_of_month(day)
    month = AppraisalMonth.objects.filter(month=start).first()
    if month is None:
        try:
            with transaction.atomic():
                month = AppraisalMonth.objects.create(month=start)
        except IntegrityError:  # created meanwhile by another request
            month = AppraisalMonth.objects.get(month=start)
    return month


def _check_entry(
    *,
    rule: Rule,
    points: Decimal,
    occurred_on: datetime.date,
    staff,
    window,
    evidence: str,
    evidence_file,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    if (staff is None) == (window is None):
        errors["staff"].append(_("Choose either one staff member or one window."))
    elif staff is not None and rule.applies_to != Rule.Subject.STAFF:
        errors["rule"].append(_("This rule applies to windows, not to staff."))
    elif window is not None and rule.applies_to != Rule.Subject.WINDOW:
        errors["rule"].append(_("This rule applies to staff, not to windows."))
    if occurred_on > timezone.localdate():
        errors["occurred_on"].append(_("The date cannot be in the future."))
    else:
        in_force = {book.pk for book in rule_books_in_force(occurred_on).values()}
        if rule.book_id not in in_force:
            errors["rule"].append(
                _("Rule %(code)s is not in the rule book in force on %(day)s.")
                % {"code": rule.code, "day": occurred_on}
            )
    if points is None or not (rule.min_points <= points <= rule.max_points):
        errors["points"].append(
            _("Rule %(code)s allows %(range)s points.")
            % {"code": rule.code, "range": rule.points_label}
        )
    if rule.evidence_required and not (evidence.strip() or evidence_file):
        errors["evidence"].append(
            _("Rule %(code)s needs evidence: a description or a file.") % {"code": rule.code}
        )
    return errors


@transaction.atomic
def score_entry_add(
    *,
    author,
    rule: Rule,
    points: Decimal,
    occurred_on: datetime.date,
    staff: StaffMember | None = None,
    window: Window | None = None,
    evidence: str = "",
    evidence_file=None,
    source: str = ScoreEntry.Source.MANUAL,
    source_object=None,
) -> ScoreEntry:
    """Add a ledger line, or raise ValidationError (by field) and write nothing.

    The month row is locked for the insert, so an entry racing the month close is either
    counted by it or refused with "month closed" — never lost, never left out of a total.
    """
    points = Decimal(str(points)) if points is not None else None
    errors = _check_entry(
        rule=rule,
        points=points,
        occurred_on=occurred_on,
        staff=staff,
        window=window,
        evidence=evidence,
        evidence_file=evidence_file,
    )
    if errors:
        raise ValidationError(dict(errors))
    month = AppraisalMonth.objects.select_for_update().get(pk=month_get(occurred_on).pk)
    if month.status != Status.OPEN:
        raise ValidationError(
            {
                "occurred_on": [
                    _("%(month)s is closed: no new entries.") % {"month": f"{month.month:%Y-%m}"}
                ]
            }
        )
    if rule.monthly_cap is not None:
        subject = Q(staff=staff) if staff is not None else Q(window=window)
        used = ScoreEntry.objects.filter(subject, month=month, rule__code=rule.code).aggregate(
            s=Sum("points")
        )["s"] or Decimal("0")
        if abs(used + points) > rule.monthly_cap:
            raise ValidationError(
                {
                    "points": [
                        _(
                            "Rule %(code)s is capped at %(cap)s points a month; "
                            "%(used)s already used."
                        )
                        % {"code": rule.code, "cap": f"{rule.monthly_cap:g}", "used": f"{used:g}"}
                    ]
                }
            )
    source_type = source_id = None
    if source_object is not None:
        source_type = ContentType.objects.get_for_model(source_object)
        source_id = str(source_object.pk)
    entry = ScoreEntry.objects.create(
        staff=staff,
        window=window,
        rule=rule,
        points=points,
        occurred_on=occurred_on,
        month=month,
        evidence=evidence,
        evidence_file=evidence_file or "",
        source=source,
        source_type=source_type,
        source_id=source_id or "",
        author=author,
    )
    _tell_staff(entry, Notice.Kind.SCORE_ENTRY)
    return entry


def _tell_staff(entry: ScoreEntry, kind: str, **extra) -> None:
    """A notice to the staff member an entry is about (window entries concern the window)."""
    if entry.staff_id is None:
        return
    notice_send(
        user_id=entry.staff.user_id,
        kind=kind,
        params={
            "points": f"{entry.points.normalize():+f}",
            "code": entry.rule.code,
            "title": entry.rule.title,
            "day": entry.occurred_on.isoformat(),
            **extra,
        },
        url=reverse("appraisal_my_entry", args=[entry.pk]),
    )


@transaction.atomic
def score_entry_reverse(
    *, author, entry: ScoreEntry, reason: str, source: str = ScoreEntry.Source.MANUAL
) -> ScoreEntry:
    """Cancel an entry with one that takes its points back, in the same month.

    Allowed while the month is open; in a published month only as an appeal decision (the
    results are then recomputed before the month becomes final).
    """
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the entry is reversed.")]})
    month = AppraisalMonth.objects.select_for_update().get(pk=entry.month_id)
    allowed = month.status == Status.OPEN or (
        month.status == Status.PUBLISHED and source == ScoreEntry.Source.APPEAL
    )
    if not allowed:
        raise ValidationError(
            {
                "reason": [
                    _("%(month)s is %(status)s: entries there can no longer be reversed.")
                    % {"month": f"{month.month:%Y-%m}", "status": month.get_status_display()}
                ]
            }
        )
    if entry.reverses_id is not None:
        raise ValidationError({"reason": [_("A reversal cannot itself be reversed.")]})
    if ScoreEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"reason": [_("This entry was already reversed.")]})
    reversal = ScoreEntry.objects.create(
        staff=entry.staff,
        window=entry.window,
        rule=entry.rule,
        points=-entry.points,
        occurred_on=entry.occurred_on,
        month=month,
        evidence=entry.evidence,
        evidence_file=entry.evidence_file,
        source=source,
        source_type=entry.source_type,
        source_id=entry.source_id,
        reverses=entry,
        reason=reason,
        author=author,
    )
    if source != ScoreEntry.Source.APPEAL:  # an appeal's decision sends a notice of its own
        _tell_staff(entry, Notice.Kind.ENTRY_REVERSED, reason=reason)
    return reversal


# --- the month close ---------------------------------------------------------------------


def _seats(month: AppraisalMonth):
    """Who sat at which window at some point of the month: (window id, staff id) rows."""
    return Assignment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=month.month), start__lte=month.last_day
    )


def _among(ids: list[int]) -> Q:
    """``pk__in=ids``, also when empty (an empty IN cannot be compiled into SQL)."""
    return Q(pk__in=ids) if ids else Q(pk__isnull=True)


def _sql(queryset) -> tuple[str, list]:
    """A queryset's SQL and parameters, to be embedded in ``results_sql``'s statement."""
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def month_results_compute(month: AppraisalMonth) -> tuple[int, int | None]:
    """(Re)write the month's results and proposed awards. Same entries → same rows.

    The results are one ``INSERT … SELECT`` (``results_sql``: netting, totals, ranks, bonus
    and award flags computed by the database, the rules of ``scoring``), the awards a second
    one: no row of the month comes back to Python. Windows get no bonus: bonus pay is the
    staff's, paid through their departments. Returns the month's entry count and newest
    entry id, read on the way (the reports' fingerprint).
    """
    book = policy_in_force(month.last_day)
    # The ledger's entry count and newest id (the reports' fingerprint; read after the
    # month's lock, so no entry can still arrive) and whether this is a recomputation.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), MAX(id), EXISTS (SELECT 1 FROM appraisal_monthlyresult"
            " WHERE month_id = %s) FROM appraisal_scoreentry WHERE month_id = %s",
            [month.pk, month.pk],
        )
        count, newest, recomputing = cursor.fetchone()
    if recomputing:
        # An appeal upheld before the month is final: keep the population the close chose,
        # whoever has joined or left since, read before its rows are replaced.
        chosen = list(
            MonthlyResult.objects.filter(month=month).values_list("staff_id", "window_id")
        )
        staff_q = _among([s for s, _w in chosen if s is not None])
        window_q = _among([w for _s, w in chosen if w is not None])
        MonthlyResult.objects.filter(month=month).delete()
        # Awards are written only here, with the results: a month without results has none.
        Award.objects.filter(month=month).delete()
    else:
        # Everyone who was in the hall during the month: joined by its last day and active,
        # or seated at some point of it, or with entries in it.
        seated_staff = _seats(month).values("staff_id")
        entries = ScoreEntry.objects.filter(month=month)
        staff_q = (
            Q(active=True, joined_hall_on__lte=month.last_day)
            | Q(pk__in=seated_staff)
            | Q(pk__in=entries.filter(staff__isnull=False).values("staff_id"))
        )
        window_q = Q(active=True) | Q(
            pk__in=entries.filter(window__isnull=False).values("window_id")
        )
    staff_rate, window_rate = satisfaction_rates(month.month)
    results_sql.results_insert(
        month_id=month.pk,
        staff=_sql(
            StaffMember.objects.filter(staff_q)
            .order_by()
            .values(sid=F("pk"), did=F("department_id"), sort_key=F("employee_no"))
        ),
        windows=_sql(
            Window.objects.filter(window_q)
            .order_by()
            .values(sid=F("pk"), did=F("department_id"), sort_key=F("number"))
        ),
        seats=_sql(
            _seats(month).order_by().values(seat_window=F("window_id"), seat_staff=F("staff_id"))
        ),
        window_includes_staff=bool(book and book.window_includes_staff),
        book=book,
        staff_satisfaction=staff_rate,
        window_satisfaction=window_rate,
        star_share=book.star_share if book else Decimal("0"),
        star_minimum=book.star_minimum if book else 0,
        banner_count=book.banner_count if book else 0,
        award_min_total=book.award_min_total if book else Decimal("0"),
    )

    results_sql.awards_insert(month.pk)
    return int(count), newest


def month_close_request(month_start: datetime.date) -> AppraisalMonth:
    """Record that the month is to be closed; the task (or beat, later) does the closing."""
    month = month_get(month_start)
    AppraisalMonth.objects.filter(pk=month.pk, status=Status.OPEN).update(
        close_requested_at=timezone.now()
    )
    month.refresh_from_db()
    return month


def month_close(month_start: datetime.date) -> AppraisalMonth:
    """Close a month: freeze its entries, compute results, propose awards. Idempotent."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # One locking read when the month exists (it has entries to close), else create it.
        month = (
            AppraisalMonth.objects.select_for_update()
            .filter(month=first_of_month(month_start))
            .first()
        ) or AppraisalMonth.objects.select_for_update().get(pk=month_get(month_start).pk)
        if month.status != Status.OPEN:
            return month
        if month.last_day >= timezone.localdate():
            raise ValidationError(
                _("%(month)s has not ended yet.") % {"month": f"{month.month:%Y-%m}"}
            )
        if outermost and connection.vendor == "postgresql":
            # Approved by the lead (issue 3): the commit does not wait for the WAL flush.
            # The close is a recomputation from the insert-only ledger and idempotent; if a
            # crash loses it (a fraction of a second after the commit), the month is still
            # open and the beat or the admin closes it again. Only this transaction, and
            # only when it is not part of a caller's (whose writes may need the flush).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        ledger = month_results_compute(month)
        month.status = Status.CLOSED
        month.closed_at = timezone.now()
        month.save(update_fields=["status", "closed_at"])
        appraisal_reports_request(month, ledger=ledger)  # the PDFs, queued when this commits
    return month


@transaction.atomic
def month_publish(month: AppraisalMonth) -> AppraisalMonth:
    month = AppraisalMonth.objects.select_for_update().get(pk=month.pk)
    if month.status != Status.CLOSED:
        raise ValidationError(_("Only a closed month can be published."))
    month.status = Status.PUBLISHED
    month.published_at = timezone.now()
    month.appeal_until = add_working_days(timezone.localdate(), settings.HALL_APPEAL_DAYS)
    month.save(update_fields=["status", "published_at", "appeal_until"])
    Award.objects.filter(month=month).update(status=Award.Status.CONFIRMED)
    appraisal_reports_request(month)  # the PDFs again, with the confirmed awards
    return month


@transaction.atomic
def month_finalise(month: AppraisalMonth) -> AppraisalMonth:
    month = AppraisalMonth.objects.select_for_update().get(pk=month.pk)
    if month.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published month can be made final."))
    if month.appeal_until and month.appeal_until >= timezone.localdate():
        raise ValidationError(
            _("The appeal period runs until %(day)s.") % {"day": month.appeal_until}
        )
    if Appeal.objects.filter(entry__month=month, status=Appeal.Status.PENDING).exists():
        raise ValidationError(_("Decide the pending appeals of this month first."))
    month_results_compute(month)
    Award.objects.filter(month=month).update(status=Award.Status.CONFIRMED)
    appraisal_reports_request(month)  # the final PDFs
    month.status = Status.FINAL
    month.final_at = timezone.now()
    month.save(update_fields=["status", "final_at"])
    return month


# --- appeals -----------------------------------------------------------------------------


@transaction.atomic
def appeal_lodge(*, staff: StaffMember, entry: ScoreEntry, reason: str, file=None) -> Appeal:
    """A staff member appeals an entry against them, during the published month's appeal
    period. Raise ValidationError (by field) and write nothing when it is not allowed."""
    month = AppraisalMonth.objects.select_for_update().get(pk=entry.month_id)
    if entry.staff_id is None or entry.staff_id != staff.pk:
        raise ValidationError({"entry": [_("You can appeal only an entry recorded against you.")]})
    errors: dict[str, list[str]] = defaultdict(list)
    if month.status != Status.PUBLISHED:
        errors["entry"].append(
            _("Appeals are possible only while the month's results are published.")
        )
    elif month.appeal_until is None or timezone.localdate() > month.appeal_until:
        errors["entry"].append(
            _("The appeal period ended on %(day)s.") % {"day": month.appeal_until}
        )
    if entry.reverses_id is not None:
        errors["entry"].append(_("A reversal cannot be appealed."))
    elif ScoreEntry.objects.filter(reverses=entry).exists():
        errors["entry"].append(_("This entry was already reversed."))
    if Appeal.objects.filter(entry=entry, status=Appeal.Status.PENDING).exists():
        errors["entry"].append(_("An appeal against this entry is already pending."))
    if not (reason or "").strip():
        errors["reason"].append(_("Say why you appeal."))
    if errors:
        raise ValidationError(dict(errors))
    return Appeal.objects.create(entry=entry, staff=staff, reason=reason.strip(), file=file or "")


@transaction.atomic
def appeal_decide(*, author, appeal: Appeal, uphold: bool, reason: str) -> Appeal:
    """Uphold (reverse the entry, recompute the month's results) or reject, with a reason
    the staff member sees. Only a pending appeal of a still-published month."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the decision.")]})
    appeal = Appeal.objects.select_for_update().select_related("entry").get(pk=appeal.pk)
    month = AppraisalMonth.objects.select_for_update().get(pk=appeal.entry.month_id)
    if appeal.status != Appeal.Status.PENDING:
        raise ValidationError({"reason": [_("This appeal was already decided.")]})
    if month.status != Status.PUBLISHED:
        raise ValidationError(
            {
                "reason": [
                    _("%(month)s is %(status)s: its appeals can no longer be decided.")
                    % {"month": f"{month.month:%Y-%m}", "status": month.get_status_display()}
                ]
            }
        )
    reason = reason.strip()
    if uphold:
        appeal.reversal = score_entry_reverse(
            author=author, entry=appeal.entry, reason=reason, source=ScoreEntry.Source.APPEAL
        )
        month_results_compute(month)
        # The month stays published: the recomputed awards stand as confirmed.
        Award.objects.filter(month=month).update(status=Award.Status.CONFIRMED)
        appraisal_reports_request(month)  # the PDFs show the reversal
        appeal.status = Appeal.Status.UPHELD
    else:
        appeal.status = Appeal.Status.REJECTED
    appeal.decided_by = author
    appeal.decision_reason = reason
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["status", "reversal", "decided_by", "decision_reason", "decided_at"])
    _tell_staff(appeal.entry, Notice.Kind.APPEAL_DECIDED, upheld=uphold, reason=reason)
    return appeal
