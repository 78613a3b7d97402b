"""URLs of the appraisal. Names carry an ``appraisal_`` prefix (the project's URL names are
not namespaced, so the access matrix can reverse every one of them)."""

import datetime

from django.urls import path, register_converter

from appraisal import views, views_annual, views_proposals, views_reports, views_rulebooks


class MonthConverter:
    """``2026-03`` ↔ datetime.date(2026, 3, 1); a month that does not exist does not match."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(f"{value}-01")  # ValueError → no match → 404

    def to_url(self, value: datetime.date) -> str:
        return f"{value:%Y-%m}"


register_converter(MonthConverter, "yyyymm")

urlpatterns = [
    path("appraisal/ledger/", views.ledger, name="appraisal_ledger"),
    path("appraisal/ledger/export.xlsx", views.ledger_export, name="appraisal_ledger_export"),
    path("appraisal/ledger/new/", views.entry_add, name="appraisal_entry_add"),
    path("appraisal/ledger/<int:pk>/reverse/", views.entry_reverse, name="appraisal_entry_reverse"),
    path("appraisal/ledger/<int:pk>/evidence/", views.evidence, name="appraisal_evidence"),
    path("appraisal/months/", views.month_list, name="appraisal_month_list"),
    path("appraisal/months/<yyyymm:month>/", views.month_board, name="appraisal_month_board"),
    path("appraisal/months/<yyyymm:month>/close/", views.month_close, name="appraisal_month_close"),
    path(
        "appraisal/months/<yyyymm:month>/publish/",
        views.month_publish,
        name="appraisal_month_publish",
    ),
    path(
        "appraisal/months/<yyyymm:month>/final/",
        views.month_finalise,
        name="appraisal_month_finalise",
    ),
    path("appraisal/banners/", views.banner_history, name="appraisal_banner_history"),
    path("appraisal/my/", views.my_scores, name="appraisal_my_scores"),
    path("appraisal/my/entries/<int:pk>/", views.my_entry, name="appraisal_my_entry"),
    path("appraisal/appeals/", views.appeal_list, name="appraisal_appeal_list"),
    path("appraisal/appeals/<int:pk>/", views.appeal_decide, name="appraisal_appeal_decide"),
    path("appraisal/appeals/<int:pk>/file/", views.appeal_file, name="appraisal_appeal_file"),
    path("appraisal/department/", views.department_results, name="appraisal_department_results"),
    path("appraisal/proposals/", views_proposals.proposal_list, name="appraisal_proposal_list"),
    path(
        "appraisal/proposals/<int:pk>/decide/",
        views_proposals.proposal_decide,
        name="appraisal_proposal_decide",
    ),
    path("appraisal/annual/", views_annual.annual_list, name="appraisal_annual_list"),
    path("appraisal/annual/<int:year>/", views_annual.annual_year, name="appraisal_annual"),
    path(
        "appraisal/annual/<int:year>/compute/",
        views_annual.annual_compute,
        name="appraisal_annual_compute",
    ),
    path(
        "appraisal/annual/<int:year>/lock/", views_annual.annual_lock, name="appraisal_annual_lock"
    ),
    path(
        "appraisal/annual/<int:year>/export.xlsx",
        views_annual.annual_export,
        name="appraisal_annual_export",
    ),
    path(
        "appraisal/department/annual/",
        views_annual.department_annual,
        name="appraisal_department_annual",
    ),
]

# Rule books (appraisal.views_rulebooks).
urlpatterns += [
    path("appraisal/rulebooks/", views_rulebooks.rulebook_list, name="appraisal_rulebook_list"),
    path(
        "appraisal/rulebooks/<int:pk>/",
        views_rulebooks.rulebook_detail,
        name="appraisal_rulebook_detail",
    ),
    path(
        "appraisal/rulebooks/<int:pk>/edit/",
        views_rulebooks.rulebook_edit,
        name="appraisal_rulebook_edit",
    ),
    path(
        "appraisal/rulebooks/revise/<slug:kind>/",
        views_rulebooks.rulebook_revise,
        name="appraisal_rulebook_revise",
    ),
    path(
        "appraisal/rulebooks/<int:pk>/rules/new/",
        views_rulebooks.rule_add,
        name="appraisal_rule_add",
    ),
    path("appraisal/rules/<int:pk>/edit/", views_rulebooks.rule_edit, name="appraisal_rule_edit"),
    path(
        "appraisal/rules/<int:pk>/remove/",
        views_rulebooks.rule_remove,
        name="appraisal_rule_remove",
    ),
    path(
        "appraisal/months/<yyyymm:month>/reports/",
        views_reports.month_reports,
        name="appraisal_month_reports",
    ),
    path(
        "appraisal/months/<yyyymm:month>/reports/render/",
        views_reports.month_reports_render,
        name="appraisal_month_reports_render",
    ),
    path("appraisal/my/sheets/<yyyymm:month>/", views_reports.my_sheet, name="appraisal_my_sheet"),
    path(
        "appraisal/department/sheets/<yyyymm:month>/",
        views_reports.department_sheets,
        name="appraisal_department_sheets",
    ),
]
