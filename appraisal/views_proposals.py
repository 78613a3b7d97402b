"""The hall office's queue of proposed ledger entries: confirm into the ledger or dismiss."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import proposals
from appraisal.charts import signed
from appraisal.models import EntryProposal, ScoreEntry
from appraisal.views import _querystring, _safe_next
from hall.roles import admin_required


@admin_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", EntryProposal.Status.PENDING)
    if status not in EntryProposal.Status.values:
        status = ""
    source = request.GET.get("source", "")
    if source not in ScoreEntry.Source.values:
        source = ""
    queue = proposals.proposal_queue(status=status or None, source=source or None)
    page = Paginator(queue, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "appraisal/proposal_list.html",
        {
            "page": page,
            "status": status,
            "source": source,
            "statuses": EntryProposal.Status.choices,
            "sources": ScoreEntry.Source.choices,
            "querystring": _querystring(request),
        },
    )


@admin_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(EntryProposal.objects.select_related("rule"), pk=pk)
    back = _safe_next(request, default="appraisal_proposal_list")
    try:
        if request.POST.get("decision") == "confirm":
            entry = proposals.proposal_confirm(author=request.user, proposal=proposal)
            messages.success(
                request,
                _("Proposal #%(n)s confirmed: entry #%(entry)s, %(code)s, %(points)s points.")
                % {
                    "n": proposal.pk,
                    "entry": entry.pk,
                    "code": entry.rule.code,
                    "points": signed(entry.points),
                },
            )
        elif request.POST.get("decision") == "dismiss":
            proposals.proposal_dismiss(
                author=request.user, proposal=proposal, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Proposal #%(n)s dismissed.") % {"n": proposal.pk})
        else:
            messages.error(request, _("Choose to confirm or to dismiss."))
    except ValidationError as exc:
        problems = [m for msgs in exc.message_dict.values() for m in msgs]
        messages.error(
            request,
            _("Proposal #%(n)s: %(problems)s") % {"n": proposal.pk, "problems": " ".join(problems)},
        )
    return redirect(back)
