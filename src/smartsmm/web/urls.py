from django.contrib.auth import views as auth_views
from django.urls import include, path

from smartsmm.web.views import accounts, clients, collection, goals, live, manage, overview, reports

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", overview.overview, name="overview"),
    path("clients/new/", manage.client_create, name="client-create"),
    path("clients/<slug:slug>/", clients.client_detail, name="client"),
    path("clients/<slug:slug>/edit/", manage.client_edit, name="client-edit"),
    path("clients/<slug:slug>/accounts/new/", manage.account_create, name="account-create"),
    path("clients/<slug:slug>/accounts/connect/", collection.account_connect, name="account-connect"),
    path("clients/<slug:slug>/kpis/", clients.client_kpis, name="client-kpis"),
    path("clients/<slug:slug>/goals/", clients.client_goals, name="client-goals"),
    path("clients/<slug:slug>/accounts/", clients.client_accounts, name="client-accounts"),
    path("clients/<slug:slug>/version/", live.client_version, name="client-version"),
    path("clients/<slug:slug>/reports/", reports.client_reports, name="client-reports"),
    path(
        "clients/<slug:slug>/reports/file.<str:format_key>",
        reports.client_report_download,
        name="client-report-download",
    ),
    path("clients/<slug:slug>/goals/new/", goals.goal_create, name="goal-create"),
    path("clients/<slug:slug>/goals/check/", goals.goal_check, name="goal-check"),
    path("goals/<int:pk>/", goals.goal_detail, name="goal"),
    path("goals/<int:pk>/edit/", goals.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/delete/", goals.goal_delete, name="goal-delete"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account"),
    path(
        "accounts/<int:pk>/audit.<str:format_key>",
        reports.account_audit_download,
        name="account-audit-download",
    ),
    path("accounts/<int:pk>/edit/", manage.account_edit, name="account-edit"),
    path("accounts/<int:pk>/import/", manage.account_import, name="account-import"),
    path("accounts/<int:pk>/live/", accounts.account_live, name="account-live"),
    path("accounts/<int:pk>/version/", live.account_version, name="account-version"),
    path("accounts/<int:pk>/sync-log/", collection.account_sync_log, name="account-sync-log"),
    path("accounts/<int:pk>/sync/", collection.account_sync, name="account-sync"),
    path("accounts/<int:pk>/token/", collection.account_token, name="account-token"),
    path("help/connect-vk/", collection.connect_vk_help, name="help-connect-vk"),
]
