from django.contrib import admin

from smartsmm.goals.models import Goal


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "metric_key", "scope_kind", "deadline", "evaluated_at"]
    list_filter = ["metric_key", "scope_kind"]
    search_fields = ["client__name", "relevance"]
    raw_id_fields = ["account", "created_by"]
    readonly_fields = ["evaluation", "evaluated_at", "created_at"]
