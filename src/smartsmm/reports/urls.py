from django.urls import path

from smartsmm.reports import views

urlpatterns = [
    path("agency/settings/", views.agency_settings, name="agency-settings"),
    path("clients/<slug:slug>/report-schedules/", views.report_schedules, name="report-schedules"),
    path("report-schedules/<int:pk>/edit/", views.report_schedule_edit, name="report-schedule-edit"),
    path("report-schedules/<int:pk>/delete/", views.report_schedule_delete, name="report-schedule-delete"),
    path("report-schedules/<int:pk>/send/", views.report_schedule_send, name="report-schedule-send"),
    path("clients/<slug:slug>/share-links/", views.share_links, name="share-links"),
    path("share-links/<int:pk>/revoke/", views.share_link_revoke, name="share-link-revoke"),
    # Public, no login: the client comes from the link only (see views.share_report).
    path("r/<str:token>/", views.share_report, name="share-report"),
    path("r/<str:token>/<str:fmt>", views.share_report, name="share-report-file"),
]
