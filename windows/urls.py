from django.urls import include, path

from windows import views_status
from windows.views import departments, windows

urlpatterns = [
    path("departments/", include(departments.urls())),
    path("windows/", include(windows.urls())),
    # Window status signs (暂停服务提示牌).
    path("windows/<int:pk>/sign/", views_status.window_sign, name="window_sign"),
    path("windows/board/", views_status.window_board, name="window_board"),
    path("windows/signs/month/", views_status.window_sign_month, name="window_sign_month"),
]
