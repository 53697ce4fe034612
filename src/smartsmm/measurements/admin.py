from django.contrib import admin

from smartsmm.measurements.models import DailyMetric, Post


@admin.register(DailyMetric)
class DailyMetricAdmin(admin.ModelAdmin):
    list_display = ["account", "metric", "day", "value"]
    list_filter = ["metric"]
    date_hierarchy = "day"
    raw_id_fields = ["account"]
    # Millions of rows: never count them all for the paginator.
    show_full_result_count = False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["account", "external_id", "published_at", "post_type", "likes", "views", "reach"]
    list_filter = ["post_type"]
    date_hierarchy = "published_at"
    search_fields = ["external_id", "text"]
    raw_id_fields = ["account"]
    show_full_result_count = False
