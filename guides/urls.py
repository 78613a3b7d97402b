from django.urls import include, path

from guides import public, views, views_materials, views_print
from guides.views import items

urlpatterns = [
    path("items/", include(items.urls())),
    # The hall office's pages (desktop).
    path("service-guides/", views.guide_list, name="guide_list"),
    path("service-guides/<int:item_pk>/", views.guide_detail, name="guide_detail"),
    path(
        "service-guides/<int:item_pk>/draft/", views.guide_edition_draft, name="guide_edition_draft"
    ),
    path(
        "service-guides/<int:item_pk>/compare/", views.guide_edition_diff, name="guide_edition_diff"
    ),
    path(
        "service-guides/editions/<int:pk>/",
        views.guide_edition_detail,
        name="guide_edition_detail",
    ),
    path(
        "service-guides/editions/<int:pk>/edit/",
        views.guide_edition_edit,
        name="guide_edition_edit",
    ),
    path(
        "service-guides/editions/<int:pk>/submit/",
        views.guide_edition_submit,
        name="guide_edition_submit",
    ),
    path(
        "service-guides/editions/<int:pk>/review/",
        views.guide_edition_review,
        name="guide_edition_review",
    ),
    # Public pages: no login.
    path("guides/", public.guide_catalogue, name="guide_catalogue"),
    path("guides/<str:code>/", public.guide_public, name="guide_public"),
    path(
        "guides/<str:code>/files/<int:pk>/",
        public.guide_material_file,
        name="guide_material_file",
    ),
    # Printing (the hall office).
    path(
        "service-guides/editions/<int:pk>/print/",
        views_print.guide_print,
        name="guide_print",
    ),
    path(
        "service-guides/editions/<int:pk>/print/<slug:kind>/",
        views_print.guide_print_pdf,
        name="guide_print_pdf",
    ),
    path("service-guides/booklets/", views_print.guide_booklets, name="guide_booklets"),
    path(
        "service-guides/booklets/render/",
        views_print.guide_booklet_render,
        name="guide_booklet_render",
    ),
    path(
        "service-guides/print/<int:pk>/",
        views_print.guide_print_progress,
        name="guide_print_progress",
    ),
    path(
        "service-guides/print/<int:pk>/record/",
        views_print.guide_print_run_record,
        name="guide_print_run_record",
    ),
    # Materials clean-up (精简要件).
    path("service-guides/materials/", views_materials.guide_materials, name="guide_materials"),
    path(
        "service-guides/materials/export/",
        views_materials.guide_materials_export,
        name="guide_materials_export",
    ),
]

# Receipts at the window (受理 / 补正 / 不予受理) and the abnormal-handling table.
from guides import views_receipts  # noqa: E402

urlpatterns += [
    path("receipts/", views_receipts.receipt_list, name="receipt_list"),
    path("receipts/<int:pk>/", views_receipts.receipt_detail, name="receipt_detail"),
    path("receipts/<int:pk>/pdf/", views_receipts.receipt_pdf, name="receipt_pdf"),
    path("receipts/<int:pk>/void/", views_receipts.receipt_void, name="receipt_void"),
    path(
        "receipts/applications/",
        views_receipts.application_list,
        name="receipt_application_list",
    ),
    path(
        "receipts/applications/new/",
        views_receipts.application_create,
        name="receipt_application_create",
    ),
    path(
        "receipts/applications/<int:pk>/",
        views_receipts.application_detail,
        name="receipt_application",
    ),
    path(
        "receipts/applications/<int:pk>/<str:kind>/",
        views_receipts.receipt_issue,
        name="receipt_issue",
    ),
    path("receipts/abnormal/", views_receipts.abnormal_handling, name="receipt_abnormal"),
]
