"""URLs of the ratings. Public pages live under ``rate/`` (no login); names carry a
``rating_`` prefix (the project's URL names are not namespaced)."""

from django.urls import include, path

from complaints import views, views_tokens

urlpatterns = [
    path("rate/<slug:code>/", views.rate, name="rating_form"),
    path("rate/<slug:code>/kiosk/", views.rate_kiosk, name="rating_kiosk"),
    path("rate/<slug:code>/thanks/", views.rate_thanks, name="rating_thanks"),
    path("rate/t/<slug:token>/", views.rate_token, name="rating_token"),
    path("ratings/stats/", views.rating_stats, name="rating_stats"),
    path("ratings/stats/export.xlsx", views.rating_stats_export, name="rating_stats_export"),
    path("ratings/cards/<int:pk>/", views.rating_card, name="rating_card"),
    path("ratings/cards/<int:pk>/kiosk/", views.kiosk_pair, name="rating_kiosk_pair"),
    path("ratings/my/", views.my_ratings, name="rating_my"),
    path("ratings/tokens/", views_tokens.token_list, name="rating_tokens"),
    path("ratings/tokens/<int:pk>/", views_tokens.token_show, name="rating_token_show"),
    path("ratings/reasons/", include(views.reasons.urls())),
]
