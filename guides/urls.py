from django.urls import include, path

from guides.views import items

urlpatterns = [
    path("items/", include(items.urls())),
]
