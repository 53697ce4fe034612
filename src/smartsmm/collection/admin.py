from django.contrib import admin

from smartsmm.collection.models import SyncRun, SyncState


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["account", "kind", "started_at", "finished_at", "status", "requests", "rows_written"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["account"]
    show_full_result_count = False


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ["account", "next_counters_at", "next_daily_at", "blocked_until", "backfilled_at"]
    raw_id_fields = ["account"]


# Credentials are deliberately not in the admin: a token is never shown back, not even to staff.
