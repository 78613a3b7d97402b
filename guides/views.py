from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from guides import flowchart, printing, selectors, services
from guides.diff import edition_diff
from guides.forms import (
    ApprovalItemForm,
    FaqFormSet,
    GuideEditionForm,
    MaterialFormSet,
    ReviewForm,
    StepFormSet,
)
from guides.models import ApprovalItem, GuideEdition
from hall.audit import audit_for
from hall.catalogue import Catalogue, Column, Filter
from hall.roles import admin_required
from windows.views import department_choices


class ItemCatalogue(Catalogue):
    def detail_context(self, obj):
        return {"windows": obj.windows.filter(active=True)}


items = ItemCatalogue(
    model=ApprovalItem,
    form_class=ApprovalItemForm,
    prefix="item",
    title=gettext_lazy("Approval items"),
    singular=gettext_lazy("approval item"),
    columns=[
        Column("code", gettext_lazy("item code")),
        Column("name", gettext_lazy("name"), link=True),
        Column("department", gettext_lazy("department")),
        Column("get_kind_display", gettext_lazy("kind")),
        Column("statutory_days", gettext_lazy("statutory (days)")),
        Column("promised_label", gettext_lazy("promised")),
    ],
    search_fields=["code", "name", "department__name"],
    filters=[
        Filter("department", gettext_lazy("department"), "department_id", department_choices),
        Filter("kind", gettext_lazy("kind"), "kind", lambda: ApprovalItem.Kind.choices),
    ],
    select_related=("department",),
    detail_template="guides/item_detail.html",
)


# --- service guides: the hall office's pages -----------------------------------------------

Status = GuideEdition.Status
GUIDE_STATES = [
    ("none", gettext_lazy("No guide yet")),
    ("draft", gettext_lazy("Draft")),
    ("review", gettext_lazy("In review")),
    ("published", gettext_lazy("Published")),
    ("unpublished", gettext_lazy("Not published")),
]


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@admin_required
def guide_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    departments = [(str(pk), name) for pk, name in department_choices()]
    department = request.GET.get("department", "")
    if department not in {pk for pk, _name in departments}:
        department = ""
    state = request.GET.get("state", "")
    if state not in {value for value, _label in GUIDE_STATES}:
        state = ""
    qs = selectors.items_with_guide_status(query=query, department=department, state=state)
    page = Paginator(qs, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "guides/guide_list.html",
        {
            "page": page,
            "query": query,
            "departments": departments,
            "department": department,
            "states": GUIDE_STATES,
            "state": state,
            "querystring": params.urlencode(),
            "outdated": printing.outdated_prints(),
        },
    )


@admin_required
def guide_detail(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = get_object_or_404(ApprovalItem.objects.select_related("department"), pk=item_pk)
    editions = list(selectors.guide_editions(item))
    return render(
        request,
        "guides/guide_detail.html",
        {
            "item": item,
            "editions": editions,
            "open_edition": next((e for e in editions if e.is_open), None),
            "published": next((e for e in editions if e.status == Status.PUBLISHED), None),
            "outdated": printing.outdated_prints(guide_ids=[e.guide_id for e in editions[:1]]),
        },
    )


@admin_required
@require_POST
def guide_edition_draft(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = get_object_or_404(ApprovalItem.objects.select_related("department"), pk=item_pk)
    try:
        edition = services.guide_edition_draft(item=item, author=request.user)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect("guide_detail", item_pk=item.pk)
    messages.success(request, _("Edition %(n)s started as a draft.") % {"n": edition.number})
    return redirect("guide_edition_edit", pk=edition.pk)


def _editor_formsets(request: HttpRequest, edition: GuideEdition) -> list:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    return [
        formset_class(
            data,
            files,
            instance=edition,
            prefix=prefix,
            queryset=formset_class.model.objects.filter(edition=edition).order_by("order", "id"),
        )
        for formset_class, prefix in (
            (MaterialFormSet, "materials"),
            (StepFormSet, "steps"),
            (FaqFormSet, "faqs"),
        )
    ]


@admin_required
def guide_edition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    edition = get_object_or_404(GuideEdition.objects.select_related("guide__item"), pk=pk)
    if edition.status != Status.DRAFT:
        messages.info(
            request,
            _("Edition %(n)s is %(status)s and cannot be changed.")
            % {"n": edition.number, "status": edition.get_status_display().lower()},
        )
        return redirect("guide_edition_detail", pk=edition.pk)
    form = GuideEditionForm(request.POST or None, instance=edition)
    formsets = _editor_formsets(request, edition)
    if request.method == "POST":
        valid = [form.is_valid()] + [fs.is_valid() for fs in formsets]
        if all(valid):
            try:
                services.guide_edition_update(
                    edition=edition, actor=request.user, form=form, formsets=formsets
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Edition %(n)s saved.") % {"n": edition.number})
                if "submit" in request.POST:
                    return guide_edition_submit(request, pk=edition.pk)
                return redirect("guide_edition_edit", pk=edition.pk)
    materials, steps, faqs = formsets
    return render(
        request,
        "guides/edition_edit.html",
        {
            "edition": edition,
            "item": edition.guide.item,
            "form": form,
            "materials": materials,
            "steps": steps,
            "faqs": faqs,
        },
    )


def render_guide_body(edition: GuideEdition, *, url: str = "", request=None) -> str:
    """The guide's readable body (public page and the admin's preview); ``url`` set → with
    the QR code any printed guide carries."""
    steps = list(edition.steps.all())
    qr = ""
    if url:
        qr = segno.make(url, error="m").svg_inline(
            scale=4, svgclass="guide-qr", title=_("Current edition online")
        )
    return render_to_string(
        "guides/_guide_body.html",
        {
            "edition": edition,
            "materials": edition.materials.all(),
            "steps": steps,
            "faqs": edition.faqs.all(),
            "flowchart": mark_safe(  # noqa: S308 — built with every string escaped
                flowchart.steps_svg(steps, label=_("Procedure flowchart"))
            ),
            "qr": mark_safe(qr),  # noqa: S308 — segno escapes the title and draws paths
            "url": url,
        },
        request=request,
    )


@admin_required
def guide_edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _edition_page(request, pk)


def _edition_page(request: HttpRequest, pk: int, review_form=None) -> HttpResponse:
    try:
        edition = selectors.edition_with_contents(pk)
    except GuideEdition.DoesNotExist:
        raise Http404 from None
    item = edition.guide.item
    others = [e for e in selectors.guide_editions(item) if e.pk != edition.pk]
    return render(
        request,
        "guides/edition_detail.html",
        {
            "edition": edition,
            "item": item,
            "body": render_guide_body(edition, request=request),
            "missing": services.edition_missing_fields(edition).get("__all__", []),
            "review_form": review_form or ReviewForm(),
            "others": others,
            "history": audit_for(edition),
            "may_review": edition.status == Status.REVIEW and edition.author_id != request.user.pk,
        },
        status=422 if review_form is not None else 200,
    )


@admin_required
@require_POST
def guide_edition_submit(request: HttpRequest, pk: int) -> HttpResponse:
    edition = get_object_or_404(GuideEdition, pk=pk)
    try:
        services.guide_edition_submit(edition=edition, actor=request.user)
    except ValidationError as error:
        _error_messages(request, error)
        if edition.status == Status.DRAFT:
            return redirect("guide_edition_edit", pk=edition.pk)
    else:
        messages.success(request, _("Edition %(n)s sent for review.") % {"n": edition.number})
    return redirect("guide_edition_detail", pk=edition.pk)


@admin_required
@require_POST
def guide_edition_review(request: HttpRequest, pk: int) -> HttpResponse:
    edition = get_object_or_404(GuideEdition, pk=pk)
    form = ReviewForm(request.POST)
    approve = request.POST.get("action") == "approve"
    if form.is_valid():
        try:
            edition = services.guide_edition_review(
                edition=edition,
                reviewer=request.user,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "reason" in error.error_dict:
                form.add_error("reason", error.error_dict["reason"])
            else:
                _error_messages(request, error)
                return redirect("guide_edition_detail", pk=edition.pk)
        else:
            if edition.status == Status.PUBLISHED:
                messages.success(request, _("Edition %(n)s is published.") % {"n": edition.number})
            else:
                messages.success(
                    request,
                    _("Edition %(n)s went back to its author.") % {"n": edition.number},
                )
            return redirect("guide_edition_detail", pk=edition.pk)
    return _edition_page(request, edition.pk, review_form=form)


@admin_required
def guide_edition_diff(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = get_object_or_404(ApprovalItem.objects.select_related("department"), pk=item_pk)
    editions = list(selectors.guide_editions(item))
    if len(editions) < 2:
        messages.info(request, _("The guide has only one edition: nothing to compare yet."))
        return redirect("guide_detail", item_pk=item.pk)
    by_pk = {str(e.pk): e for e in editions}
    a = by_pk.get(request.GET.get("a", ""), editions[1])
    b = by_pk.get(request.GET.get("b", ""), editions[0])
    if a.number > b.number:
        a, b = b, a
    a, b = selectors.edition_with_contents(a.pk), selectors.edition_with_contents(b.pk)
    return render(
        request,
        "guides/edition_diff.html",
        {"item": item, "editions": editions, "a": a, "b": b, "diff": edition_diff(a, b)},
    )
