from django.contrib import admin

from smartsmm.reports.models import AgencyBranding, ReportDelivery, ReportSchedule, ShareLink


@admin.register(AgencyBranding)
class AgencyBrandingAdmin(admin.ModelAdmin):
    # The logo is edited in the agency settings, where it is checked (PNG/JPEG, size).
    list_display = ["agency", "display_name", "primary_color", "accent_color", "logo_type", "updated_at"]
    fields = ["agency", "display_name", "primary_color", "accent_color", "logo_type"]
    readonly_fields = ["logo_type"]
    raw_id_fields = ["agency"]


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ["client", "kind", "day_of_month", "weekday", "hour", "language", "enabled"]
    list_filter = ["kind", "enabled"]
    raw_id_fields = ["client"]


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = ["schedule", "period", "channel", "status", "attempts", "sent_at", "created_at"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["schedule"]
    show_full_result_count = False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    # Only the token's hash is stored, and even that stays out of the admin.
    list_display = ["client", "kind", "period", "created_at", "expires_at", "revoked_at", "created_by"]
    fields = ["client", "kind", "period", "language", "created_by", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["client", "kind", "period", "language", "created_by", "created_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request: object) -> bool:  # links are created where the token is shown once
        return False


# Telegram bot tokens are deliberately not in the admin: a token is never shown back, not even to staff.
