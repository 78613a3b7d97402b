"""The materials clean-up page (精简要件, the hall office, desktop) and its Excel export."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from guides.materials import MIN_OUTPUT_LENGTH, materials_analysis
from hall.roles import admin_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin_required
def guide_materials(request: HttpRequest) -> HttpResponse:
    analysis = materials_analysis()
    shared = Paginator(analysis.shared, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    candidates = Paginator(analysis.candidates, settings.HALL_PAGE_SIZE).get_page(
        request.GET.get("cpage")
    )
    return render(
        request,
        "guides/materials.html",
        {
            "analysis": analysis,
            "shared": shared,
            "candidates": candidates,
            "checked_elsewhere": sum(
                1 for c in analysis.candidates if c.rule == "checked_elsewhere"
            ),
            "min_output": MIN_OUTPUT_LENGTH,
        },
    )


def _cell(value):
    """Text as text: a name typed as "=…" must not become a formula in the workbook."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _required_by(shared) -> str:
    return "；".join(f"{r.department_name} {r.item_code} {r.item_name}" for r in shared.rows)


@admin_required
def guide_materials_export(request: HttpRequest) -> HttpResponse:
    analysis = materials_analysis()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Same material"))
    ws.append(
        [
            _("Material (normalised)"),
            _("Names in the guides"),
            _("Items"),
            _("Departments"),
            _("Across departments"),
            _("Required by"),
        ]
    )
    for s in analysis.shared:
        ws.append(
            [
                _cell(s.key),
                _cell("；".join(s.names)),
                s.items,
                len(s.departments),
                _("yes") if s.across_departments else _("no"),
                _cell(_required_by(s)),
            ]
        )
    ws = wb.create_sheet(_("Candidates to drop"))
    ws.append(
        [
            _("Department"),
            _("item code"),
            _("Item"),
            _("Material"),
            _("Material (normalised)"),
            _("Finding"),
            _("Reason"),
        ]
    )
    for c in analysis.candidates:
        ws.append(
            [
                _cell(c.row.department_name),
                _cell(c.row.item_code),
                _cell(c.row.item_name),
                _cell(c.row.name),
                _cell(c.key),
                c.rule_label,
                _cell(c.reason),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    name = f"materials-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
