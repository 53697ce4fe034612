from django.contrib.auth import views as auth_views
from django.urls import include, path

from smartsmm.web.views import accounts, clients, goals, overview

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", overview.overview, name="overview"),
    path("clients/<slug:slug>/", clients.client_detail, name="client"),
    path("clients/<slug:slug>/kpis/", clients.client_kpis, name="client-kpis"),
    path("clients/<slug:slug>/goals/new/", goals.goal_create, name="goal-create"),
    path("clients/<slug:slug>/goals/check/", goals.goal_check, name="goal-check"),
    path("goals/<int:pk>/", goals.goal_detail, name="goal"),
    path("goals/<int:pk>/edit/", goals.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/delete/", goals.goal_delete, name="goal-delete"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account"),
]
