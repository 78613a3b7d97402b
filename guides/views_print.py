"""Printing guides (the hall office, desktop): a guide's full and short PDFs, the bound
booklets of a department or the hall, the progress page of a render, and the print runs
recorded from a finished PDF."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from guides import printing
from guides.models import GuideEdition, PrintRun
from hall import pdf
from hall.models import Document
from hall.roles import admin_required
from windows.models import Department

KIND_BY_SLUG = {"full": printing.FULL, "short": printing.SHORT}


class PrintRunForm(forms.Form):
    copies = forms.IntegerField(
        label=gettext_lazy("Copies printed"), min_value=1, max_value=printing.MAX_COPIES
    )
    printed_on = forms.DateField(
        label=gettext_lazy("Printed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (printer, where the copies went)"),
        max_length=300,
        required=False,
    )

    def clean_printed_on(self):
        value = self.cleaned_data["printed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The print date cannot be in the future."))
        return value


def _edition(pk: int) -> GuideEdition:
    edition = get_object_or_404(
        GuideEdition.objects.select_related("guide__item__department"), pk=pk
    )
    if edition.status not in (GuideEdition.Status.PUBLISHED, GuideEdition.Status.ARCHIVED):
        raise Http404("only published editions are printed")
    return edition


def _document(pk: int) -> Document:
    document = get_object_or_404(Document, pk=pk, kind__in=printing.KINDS)
    return document


@admin_required
def guide_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A guide edition's print page: its two PDFs, the item's print runs, and the warning
    when the newest print run is out of date."""
    edition = _edition(pk)
    item = edition.guide.item
    documents = {
        d.kind: d
        for d in Document.objects.filter(
            key__in=[printing.edition_key(edition, k) for k in (printing.FULL, printing.SHORT)]
        )
    }
    runs = Paginator(
        PrintRun.objects.filter(edition__guide_id=edition.guide_id).select_related(
            "edition", "recorded_by", "department"
        ),
        settings.HALL_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "guides/print_edition.html",
        {
            "edition": edition,
            "item": item,
            "full": documents.get(printing.FULL),
            "short": documents.get(printing.SHORT),
            "runs": runs,
            "page": runs,
            "querystring": "",
            "outdated": printing.outdated_prints(guide_ids=[edition.guide_id]),
            "public_url": printing.public_url(edition.item_code),
        },
    )


@admin_required
@require_POST
def guide_print_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in KIND_BY_SLUG:
        raise Http404
    edition = _edition(pk)
    document = printing.edition_pdf(
        edition,
        KIND_BY_SLUG[kind],
        requested_by=request.user,
        again="again" in request.POST,
    )
    return redirect("guide_print_progress", pk=document.pk)


@admin_required
def guide_booklets(request: HttpRequest) -> HttpResponse:
    """The bound booklets: the whole hall's and one per department with published guides."""
    published = Q(items__guide__editions__status=GuideEdition.Status.PUBLISHED, items__active=True)
    departments = list(
        Department.objects.filter(active=True)
        .annotate(guides=Count("items__guide__editions", filter=published))
        .filter(guides__gt=0)
        .order_by("display_order", "code")
    )
    keys = [printing.booklet_key()] + [printing.booklet_key(d) for d in departments]
    documents = {d.key: d for d in Document.objects.filter(key__in=keys)}
    rows = [
        {
            "department": None,
            "name": _("The whole hall"),
            "guides": sum(d.guides for d in departments),
            "document": documents.get(printing.booklet_key()),
        }
    ] + [
        {
            "department": d,
            "name": d.name,
            "guides": d.guides,
            "document": documents.get(printing.booklet_key(d)),
        }
        for d in departments
    ]
    return render(request, "guides/print_booklets.html", {"rows": rows})


@admin_required
@require_POST
def guide_booklet_render(request: HttpRequest) -> HttpResponse:
    department = None
    if request.POST.get("department"):
        department = get_object_or_404(Department, pk=request.POST["department"], active=True)
    try:
        document = printing.booklet_pdf(
            department, requested_by=request.user, again="again" in request.POST
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("guide_booklets")
    return redirect("guide_print_progress", pk=document.pk)


def _back(document: Document) -> str:
    from django.urls import reverse

    if document.kind == printing.BOOKLET:
        return reverse("guide_booklets")
    return reverse("guide_print", args=[document.params["edition"]])


def _progress_page(
    request: HttpRequest, document: Document, form=None, status: int = 200
) -> HttpResponse:
    current = True
    if document.kind == printing.BOOKLET:
        current = printing.booklet_is_current(document)
        guides = len(document.params.get("editions", []))
    else:
        current = GuideEdition.objects.filter(
            pk=document.params.get("edition"), status=GuideEdition.Status.PUBLISHED
        ).exists()
        guides = 1
    return render(
        request,
        "guides/print_progress.html",
        {
            "document": document,
            "form": form or PrintRunForm(initial={"printed_on": timezone.localdate()}),
            "current": current,
            "guides": guides,
            "back": _back(document),
            "waiting": document.active and not pdf.worker_available(),
        },
        status=status,
    )


@admin_required
def guide_print_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The render's progress; it reloads itself until the PDF is ready, then offers it and
    the form that records the copies printed from it."""
    return _progress_page(request, _document(pk))


@admin_required
@require_POST
def guide_print_run_record(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(pk)
    form = PrintRunForm(request.POST)
    if form.is_valid():
        try:
            runs = printing.print_run_record(
                document=document,
                copies=form.cleaned_data["copies"],
                printed_on=form.cleaned_data["printed_on"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Print run recorded: %(copies)s copies of %(title)s.")
                % {"copies": form.cleaned_data["copies"], "title": document.title},
            )
            if document.kind == printing.BOOKLET:
                return redirect("guide_booklets")
            return redirect("guide_print", pk=runs[0].edition_id)
    return _progress_page(request, document, form=form, status=422)
