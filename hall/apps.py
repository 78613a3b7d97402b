from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "hall"
    default_auto_field = "django.db.models.BigAutoField"
