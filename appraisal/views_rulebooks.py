"""The hall office's rule-book pages (desktop): the books by kind, a book with its policy
and rules, a new revision, and editing an unlocked book. The rules of what may change live
in ``appraisal.rulebooks``; a locked book is shown read-only and every write to it is
refused there with the reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import rulebooks, selectors
from appraisal.forms import (
    BonusBandFormSet,
    RuleBookForm,
    RuleBookRevisionForm,
    RuleForm,
    bands_from,
)
from appraisal.models import Rule, RuleBook
from hall.audit import audit_for
from hall.roles import admin_required


def _errors_onto(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _to_book(book: RuleBook) -> HttpResponse:
    return redirect("appraisal_rulebook_detail", pk=book.pk)


def _refused_if_locked(request: HttpRequest, book: RuleBook) -> HttpResponse | None:
    """A locked book's edit pages are not offered: back to the book, saying why."""
    reason = rulebooks.lock_reason(book)
    if reason:
        messages.error(request, reason)
        return _to_book(book)
    return None


@admin_required
def rulebook_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "appraisal/rulebook_list.html",
        {"groups": selectors.rule_book_groups(timezone.localdate())},
    )


@admin_required
def rulebook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    book = get_object_or_404(RuleBook, pk=pk)
    context = selectors.rule_book_page(book, timezone.localdate())
    context.update({"book": book, "history": audit_for(book)})
    return render(request, "appraisal/rulebook_detail.html", context)


@admin_required
def rulebook_revise(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in RuleBook.Kind.values:
        raise Http404("no such kind of rule book")
    current = RuleBook.objects.filter(kind=kind).order_by("-effective_from").first()
    form = RuleBookRevisionForm(
        request.POST or None,
        earliest=rulebooks.revision_earliest(kind),
        initial={"title": current.title if current else RuleBook.Kind(kind).label},
    )
    if request.method == "POST" and form.is_valid():
        try:
            book = rulebooks.rule_book_revise(author=request.user, kind=kind, **form.cleaned_data)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(
                request,
                _("%(book)s created: a copy of the current rules, to edit before it takes effect.")
                % {"book": book},
            )
            return _to_book(book)
    return render(
        request,
        "appraisal/rulebook_revise.html",
        {"form": form, "kind_label": RuleBook.Kind(kind).label, "current": current},
        status=422 if request.method == "POST" else 200,
    )


@admin_required
def rulebook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The book's title and notes and, for the general rules, its award and bonus policy."""
    book = get_object_or_404(RuleBook, pk=pk)
    refused = _refused_if_locked(request, book)
    if refused:
        return refused
    general = book.kind == RuleBook.Kind.GENERAL
    form = RuleBookForm(request.POST or None, book=book)
    bands = None
    if general:
        bands = BonusBandFormSet(
            request.POST or None,
            prefix="bands",
            initial=[
                {"total_from": b.total_from, "amount": b.amount} for b in book.bonus_bands.all()
            ],
        )
    if request.method == "POST" and form.is_valid() and (bands is None or bands.is_valid()):
        try:
            rulebooks.rule_book_update(
                author=request.user,
                book=book,
                fields=form.cleaned_data,
                bands=bands_from(bands) if bands is not None else None,
            )
        except ValidationError as exc:
            _errors_onto(form, exc)  # the bonus table's errors show above the form
        else:
            messages.success(request, _("%(book)s saved.") % {"book": book})
            return _to_book(book)
    return render(
        request,
        "appraisal/rulebook_edit.html",
        {"book": book, "form": form, "bands": bands},
        status=422 if request.method == "POST" else 200,
    )


@admin_required
def rule_add(request: HttpRequest, pk: int) -> HttpResponse:
    book = get_object_or_404(RuleBook, pk=pk)
    refused = _refused_if_locked(request, book)
    if refused:
        return refused
    form = RuleForm(request.POST or None, book=book)
    if request.method == "POST" and form.is_valid():
        try:
            rule = rulebooks.rule_add(author=request.user, book=book, data=form.cleaned_data)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Rule %(rule)s added.") % {"rule": rule})
            return _to_book(book)
    return render(
        request,
        "appraisal/rulebook_rule_form.html",
        {"book": book, "form": form, "rule": None},
        status=422 if request.method == "POST" else 200,
    )


@admin_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(Rule.objects.select_related("book"), pk=pk)
    book = rule.book
    refused = _refused_if_locked(request, book)
    if refused:
        return refused
    form = RuleForm(request.POST or None, book=book, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            rule = rulebooks.rule_update(author=request.user, rule=rule, data=form.cleaned_data)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Rule %(rule)s saved.") % {"rule": rule})
            return _to_book(book)
    return render(
        request,
        "appraisal/rulebook_rule_form.html",
        {"book": book, "form": form, "rule": rule, "entry_count": rule.entries.count()},
        status=422 if request.method == "POST" else 200,
    )


@admin_required
@require_POST
def rule_remove(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(Rule.objects.select_related("book"), pk=pk)
    try:
        rulebooks.rule_remove(author=request.user, rule=rule)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Rule %(rule)s removed.") % {"rule": rule})
    return _to_book(rule.book)
