from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "smartsmm.clients"
    default_auto_field = "django.db.models.BigAutoField"
