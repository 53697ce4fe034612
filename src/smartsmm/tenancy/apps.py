from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "smartsmm.tenancy"
    default_auto_field = "django.db.models.BigAutoField"
