from django.urls import include, path

from windows.views import departments, windows

urlpatterns = [
    path("departments/", include(departments.urls())),
    path("windows/", include(windows.urls())),
]
