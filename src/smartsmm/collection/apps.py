from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "smartsmm.collection"
    default_auto_field = "django.db.models.BigAutoField"
