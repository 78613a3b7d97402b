"""URLs of the ratings; names carry a ``rating_`` prefix (the project's URL names are not
namespaced). The citizens' pages under ``rate/`` are in ``public_urlpatterns``, which
hall/urls.py puts first."""

from django.urls import include, path

from complaints import views, views_cases, views_tokens

# The citizens' pages (no login): a rating is sent from a phone at the window many times a
# minute, so these are matched before the hundred-odd office URLs are tried.
public_urlpatterns = [
    path("rate/<slug:code>/", views.rate, name="rating_form"),
    path("rate/<slug:code>/kiosk/", views.rate_kiosk, name="rating_kiosk"),
    path("rate/<slug:code>/thanks/", views.rate_thanks, name="rating_thanks"),
    path("rate/t/<slug:token>/", views.rate_token, name="rating_token"),
    path("rate/t/<slug:token>/thanks/", views.rate_token_thanks, name="rating_token_thanks"),
]

urlpatterns = [
    path("ratings/stats/", views.rating_stats, name="rating_stats"),
    path("ratings/stats/export.xlsx", views.rating_stats_export, name="rating_stats_export"),
    path("ratings/cards/<int:pk>/", views.rating_card, name="rating_card"),
    path("ratings/cards/<int:pk>/kiosk/", views.kiosk_pair, name="rating_kiosk_pair"),
    path("ratings/my/", views.my_ratings, name="rating_my"),
    path("ratings/tokens/", views_tokens.token_list, name="rating_tokens"),
    path("ratings/tokens/<int:pk>/", views_tokens.token_show, name="rating_token_show"),
    path("ratings/reasons/", include(views.reasons.urls())),
    # Bad-rating rectification (差评整改).
    path("ratings/cases/", views_cases.case_list, name="bad_rating_case_list"),
    path("ratings/cases/<int:pk>/", views_cases.case_detail, name="bad_rating_case"),
    path(
        "ratings/cases/<int:pk>/<slug:action>/",
        views_cases.case_step,
        name="bad_rating_case_step",
    ),
    path(
        "ratings/cases/<int:pk>/review/ask/",
        views_cases.case_review,
        name="bad_rating_case_review",
    ),
    path("ratings/cases/<int:pk>/review/file/", views_cases.case_file, name="bad_rating_case_file"),
]

from complaints import views_desk  # noqa: E402  (the complaints desk, issue #5)

urlpatterns += [
    path("complaints/desk/", views_desk.complaint_board, name="complaint_board"),
    path("complaints/desk/export.xlsx", views_desk.complaint_export, name="complaint_export"),
    path("complaints/desk/new/", views_desk.complaint_new, name="complaint_new"),
    path("complaints/desk/<int:pk>/", views_desk.complaint_detail, name="complaint_detail"),
    path("complaints/desk/<int:pk>/letter/", views_desk.complaint_letter, name="complaint_letter"),
    path("complaints/desk/<int:pk>/<slug:action>/", views_desk.complaint_act, name="complaint_act"),
    path("complaints/my/", views_desk.complaint_my, name="complaint_my"),
    path("duty/complaint/", views_desk.complaint_desk, name="complaint_desk"),
    path("duty/complaint/<int:pk>/", views_desk.complaint_slip, name="complaint_slip"),
    path("complain/", views_desk.complaint_lodge, name="complaint_lodge"),
    path("complain/lodged/", views_desk.complaint_lodged, name="complaint_lodged"),
    path("complain/track/", views_desk.complaint_track, name="complaint_track"),
    path("complain/track/answer/", views_desk.complaint_feedback, name="complaint_feedback"),
]
