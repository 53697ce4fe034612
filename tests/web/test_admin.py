"""The Django admin works for instance staff and is closed to agency users."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from smartsmm.goals.models import Goal
from tests.conftest import PASSWORD

ADMIN_PAGES = [
    "admin:tenancy_agency_changelist",
    "admin:tenancy_membership_changelist",
    "admin:clients_client_changelist",
    "admin:clients_socialaccount_changelist",
    "admin:measurements_dailymetric_changelist",
    "admin:measurements_post_changelist",
    "admin:goals_goal_changelist",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_it_lists_every_model_for_staff(client, account, name):
    User.objects.create_superuser("staff", password=PASSWORD)
    assert client.login(username="staff", password=PASSWORD)
    assert client.get(reverse(name)).status_code == 200


def test_it_keeps_agency_users_out_of_the_admin(client, owner):
    assert client.login(username="owner", password=PASSWORD)
    response = client.get(reverse("admin:goals_goal_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Goal.objects.exists()
