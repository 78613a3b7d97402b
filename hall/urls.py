from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from complaints.urls import public_urlpatterns as rating_urlpatterns
from hall import views, views_documents

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    *rating_urlpatterns,
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("hall/profile/", views.profile_edit, name="profile_edit"),
    path("hall/calendar/", views.calendar_view, name="calendar"),
    path("hall/calendar/days/new/", views.calendar_day_edit, name="calendar_day_create"),
    path("hall/calendar/days/<int:pk>/", views.calendar_day_edit, name="calendar_day_edit"),
    path(
        "hall/calendar/days/<int:pk>/delete/", views.calendar_day_delete, name="calendar_day_delete"
    ),
    path(
        "hall/calendar/<int:year>/confirm/",
        views.calendar_year_confirm,
        name="calendar_year_confirm",
    ),
    path("hall/calendar/sync/", views.calendar_sync, name="calendar_sync"),
    path("hall/users/", views.user_list, name="user_list"),
    path("hall/users/new/", views.user_create, name="user_create"),
    path("hall/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("hall/users/<int:pk>/password/", views.user_password_reset, name="user_password_reset"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/read/", views.notice_read, name="notice_read"),
    path(
        "hall/documents/<int:pk>/",
        views_documents.document_download,
        name="document_download",
    ),
    path("", include("windows.urls")),
    path("", include("guides.urls")),
    path("", include("staff.urls")),
    path("", include("appraisal.urls")),
    path("", include("complaints.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The duty desk (值班台): appended for issue 4.
from hall import views_duty  # noqa: E402

urlpatterns += [
    path("duty/roster/", views_duty.roster, name="duty_roster"),
    path("duty/roster/set/", views_duty.roster_set, name="duty_roster_set"),
    path("duty/shifts/", views_duty.shift_list, name="duty_shift_list"),
    path("duty/shifts/open/", views_duty.shift_open, name="duty_shift_open"),
    path("duty/shifts/<int:pk>/", views_duty.shift_detail, name="duty_shift"),
    path("duty/shifts/<int:pk>/close/", views_duty.shift_close, name="duty_shift_close"),
    path("duty/reception/", views_duty.reception, name="duty_reception"),
    path("duty/incident/", views_duty.incident, name="duty_incident"),
    path("duty/service/", views_duty.service, name="duty_service"),
    path("duty/note/", views_duty.note, name="duty_note"),
    path("duty/matters/<int:pk>/close/", views_duty.matter_close, name="duty_matter_close"),
    path("duty/entries/<int:pk>/photo/", views_duty.photo, name="duty_photo"),
    path("duty/inspection/", views_duty.inspection, name="duty_inspection"),
    path(
        "duty/inspection/<int:pk>/",
        views_duty.inspection_window,
        name="duty_inspection_window",
    ),
]

# Lost property (拾金不昧): appended for issue 4.
from hall import views_lost  # noqa: E402

urlpatterns += [
    path("duty/lost/", views_lost.lost_list, name="lost_list"),
    path("duty/lost/new/", views_lost.lost_new, name="lost_new"),
    path("duty/lost/tally/", views_lost.lost_tally, name="lost_tally"),
    path("duty/lost/<int:pk>/", views_lost.lost_detail, name="lost_detail"),
    path("duty/lost/<int:pk>/close/", views_lost.lost_close, name="lost_close"),
    path(
        "duty/lost/<int:pk>/photos/<int:photo_pk>/",
        views_lost.lost_photo,
        name="lost_photo",
    ),
]
