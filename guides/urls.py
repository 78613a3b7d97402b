from django.urls import include, path

from guides import public, views
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
]
