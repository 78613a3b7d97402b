from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "hall"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hall import checks  # noqa: F401 — registers the system checks
