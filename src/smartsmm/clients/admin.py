from django.contrib import admin

from smartsmm.clients.models import BusinessObjective, Client, SocialAccount


class ObjectiveInline(admin.TabularInline):
    model = BusinessObjective
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "agency", "timezone"]
    list_filter = ["agency"]
    search_fields = ["name", "slug"]
    inlines = [ObjectiveInline]


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "status", "last_synced_at", "data_changed_at"]
    list_filter = ["platform", "status", "agency"]
    search_fields = ["handle", "external_id", "name", "client__name"]
    readonly_fields = ["ref_key", "data_changed_at", "created_at"]
