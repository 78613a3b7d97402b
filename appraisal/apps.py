from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    default_auto_field = "django.db.models.BigAutoField"
