"""List, search, filter, create, edit and deactivate for the hall's catalogue records.

Departments, windows, approval items and staff all follow the same shape, so one small class
holds it: each app describes its columns, filters and form, and overrides ``save`` when a
write does more than save the form (staff get a login and an assignment history). Writes are
atomic and leave an audit entry; nothing referenced is ever deleted, only deactivated.

A list page's body is cached under a key that holds the newest audit entry's id: every
write to a catalogue record adds an audit entry, so any change anywhere makes a new key and
no process ever serves a stale list, with no invalidation code to forget. (Two writes that
commit out of id order can leave one list stale for at most the five-minute lifetime.)
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hall.audit import audit_for, audit_head, audit_record, diff, snapshot, snapshot_saved
from hall.cache import fragment_key
from hall.models import AuditEntry
from hall.roles import HALL_ADMIN, role_required


@dataclass
class Column:
    attr: str
    label: Any
    link: bool = False
    css: Any = None  # optional callable value → CSS class of the cell


def _cell_text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def render_rows(rows, columns: list[Column], detail_base: str) -> SafeString:
    """The table body of a list page, built in Python.

    A list page draws 50 rows × 6–8 cells; through the template engine that alone costs
    tens of milliseconds, so the cells are built here, every value through ``html.escape``,
    with the labels translated and the detail URL reversed once per page, not once per row.
    """
    esc = html.escape
    labels = [esc(str(col.label)) for col in columns]
    base = esc(detail_base)
    out = []
    for obj in rows:
        cells = []
        for col, label in zip(columns, labels, strict=True):
            value = getattr(obj, col.attr, "")
            if callable(value):
                value = value()
            text = esc(_cell_text(value))
            css = esc(col.css(value)) if col.css else ""
            if col.link:
                text = f'<a href="{base}{int(obj.pk)}/">{text}</a>'
            cells.append(f'<td data-label="{label}" class="{css}">{text}</td>')
        muted = "" if getattr(obj, "active", True) else ' class="text-muted"'
        out.append(f"<tr{muted}>{''.join(cells)}</tr>")
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped


@dataclass
class Filter:
    name: str
    label: Any
    lookup: str
    choices: Any  # callable returning [(value, label), ...]


@dataclass
class Catalogue:
    model: type[models.Model]
    form_class: type
    prefix: str  # url names: <prefix>_list, _create, _detail, _edit, _toggle
    title: Any
    singular: Any
    columns: list[Column]
    search_fields: list[str]
    filters: list[Filter] = field(default_factory=list)
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    detail_template: str = "catalogue/detail.html"
    list_actions_template: str = ""
    roles: tuple[str, ...] = (HALL_ADMIN,)

    # --- reads -----------------------------------------------------------------------------
    def base_queryset(self):
        qs = self.model.objects.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def filtered(self, request: HttpRequest, choices: dict | None = None):
        """The list's queryset after search, status and filters, with what was chosen.

        ``choices`` (filter name → its choices) lets the list view fetch each filter's
        choices once for both checking the request and drawing the select.
        """
        qs = self.base_queryset()
        query = request.GET.get("q", "").strip()[:100]
        if query:
            cond = Q()
            for name in self.search_fields:
                cond |= Q(**{f"{name}__icontains": query})
            qs = qs.filter(cond)
        status = request.GET.get("active", "1")
        if status in {"1", "0"}:
            qs = qs.filter(active=status == "1")
        chosen = {}
        for flt in self.filters:
            value = request.GET.get(flt.name, "")
            options = choices[flt.name] if choices is not None else flt.choices()
            valid = {str(v) for v, _label in options}
            if value and value in valid:
                qs = qs.filter(**{flt.lookup: value})
                chosen[flt.name] = value
        return qs, query, status, chosen

    def detail_context(self, obj) -> dict:
        return {}

    # --- writes ----------------------------------------------------------------------------
    def audit_fields(self, form) -> list[str]:
        return [name for name in form._meta.fields if name in form.fields]

    def save(self, *, form, actor, creating: bool) -> models.Model:
        fields = self.audit_fields(form)
        before = {} if creating else snapshot_saved(form.instance, fields)
        obj = form.save()
        after = snapshot(obj, fields)
        audit_record(
            actor=actor,
            instance=obj,
            action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
            changes=diff(before, after),
        )
        return obj

    def deactivate_refusal(self, obj) -> str | None:
        """A reason the record cannot be deactivated now, or None."""
        return None

    def activate_refusal(self, obj) -> str | None:
        return None

    def set_active(self, *, obj, active: bool, actor) -> None:
        obj.active = active
        obj.save(update_fields=["active"])
        audit_record(
            actor=actor,
            instance=obj,
            action=AuditEntry.Action.ACTIVATE if active else AuditEntry.Action.DEACTIVATE,
            changes={"active": ["✗" if active else "✓", "✓" if active else "✗"]},
        )

    # --- views -----------------------------------------------------------------------------
    def form_kwargs(self, request: HttpRequest) -> dict:
        return {}

    def list_view(self, request: HttpRequest) -> HttpResponse:
        key = fragment_key(
            "catalogue",
            self.prefix,
            get_language(),
            timezone.localdate(),
            audit_head(),
            request.GET.urlencode(),
        )
        body = cache.get(key)
        if body is None:
            body = self.render_list_body(request)
            cache.set(key, body, 300)
        return render(request, "catalogue/list.html", {"cat": self, "body": body})

    def render_list_body(self, request: HttpRequest) -> str:
        choices = {f.name: list(f.choices()) for f in self.filters}
        qs, query, status, chosen = self.filtered(request, choices)
        page = Paginator(qs, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        detail_base = reverse(f"{self.prefix}_detail", kwargs={"pk": 0})[: -len("0/")]
        return render_to_string(
            "catalogue/_list_body.html",
            {
                "cat": self,
                "page": page,
                "rows": render_rows(page.object_list, self.columns, detail_base),
                "query": query,
                "status": status,
                "filters": [(f, choices[f.name], chosen.get(f.name, "")) for f in self.filters],
                "querystring": params.urlencode(),
            },
            request=request,
        )

    def create_view(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(
            request.POST or None, request.FILES or None, **self.form_kwargs(request)
        )
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                obj = self.save(form=form, actor=request.user, creating=True)
            messages.success(request, _("%(name)s created.") % {"name": obj})
            return redirect(f"{self.prefix}_detail", pk=obj.pk)
        return render(request, "catalogue/form.html", {"cat": self, "form": form})

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(self.base_queryset(), pk=pk)
        form = self.form_class(
            request.POST or None,
            request.FILES or None,
            instance=obj,
            **self.form_kwargs(request),
        )
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                obj = self.save(form=form, actor=request.user, creating=False)
            messages.success(request, _("%(name)s saved.") % {"name": obj})
            return redirect(f"{self.prefix}_detail", pk=obj.pk)
        return render(request, "catalogue/form.html", {"cat": self, "form": form, "obj": obj})

    def detail_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(self.base_queryset(), pk=pk)
        fields = [
            (f.verbose_name, snapshot(obj, [f.name])[f.name])
            for f in self.model._meta.get_fields()
            if getattr(f, "concrete", False) and f.name in self.form_class._meta.fields
        ]
        context = {"cat": self, "obj": obj, "fields": fields, "history": audit_for(obj)}
        context.update(self.detail_context(obj))
        return render(request, self.detail_template, context)

    def toggle_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        with transaction.atomic():
            obj = get_object_or_404(self.model.objects.select_for_update(), pk=pk)
            activate = not obj.active
            refusal = self.activate_refusal(obj) if activate else self.deactivate_refusal(obj)
            if refusal:
                messages.error(request, refusal)
            else:
                self.set_active(obj=obj, active=activate, actor=request.user)
                messages.success(
                    request,
                    (_("%(name)s reactivated.") if activate else _("%(name)s deactivated."))
                    % {"name": obj},
                )
        return redirect(f"{self.prefix}_detail", pk=pk)

    def urls(self) -> list:
        guard = role_required(*self.roles)
        return [
            path("", guard(self.list_view), name=f"{self.prefix}_list"),
            path("new/", guard(self.create_view), name=f"{self.prefix}_create"),
            path("<int:pk>/", guard(self.detail_view), name=f"{self.prefix}_detail"),
            path("<int:pk>/edit/", guard(self.edit_view), name=f"{self.prefix}_edit"),
            path(
                "<int:pk>/toggle/",
                guard(require_POST(self.toggle_view)),
                name=f"{self.prefix}_toggle",
            ),
        ]
