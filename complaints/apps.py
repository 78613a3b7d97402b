from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"

    def ready(self) -> None:
        # The desk's beat task (not in tasks.py, so Celery's discovery misses it) and the
        # reply letter's PDF kind.
        from complaints import letters, tasks_desk  # noqa: F401
