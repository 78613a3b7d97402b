from django.urls import include, path

from staff import views

urlpatterns = [
    path("staff/import/", views.roster_import_view, name="roster_import"),
    path("staff/import/template.xlsx", views.roster_template_view, name="roster_template"),
    path("staff/export.xlsx", views.roster_export_view, name="roster_export"),
    path("staff/", include(views.staff_members.urls())),
]
