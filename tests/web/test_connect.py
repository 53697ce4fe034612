"""Connecting a VK community in the web app, replacing its token, the sync log and "Sync now"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from smartsmm.clients.models import AccountStatus, SocialAccount
from smartsmm.collection.models import Credential, SyncRun, SyncStatus
from smartsmm.measurements.models import DailyMetric
from tests.conftest import PASSWORD
from tests.vk_world import ADMIN, OUTSIDER, REVOKED

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager):
    assert client.login(username=manager.username, password=PASSWORD)
    return client


def connect(client, slug: str, token: str = ADMIN, account: str = "https://vk.com/coffee", **extra):
    data = {"account": account, "token": token, **extra}
    return client.post(reverse("account-connect", kwargs={"slug": slug}), data)


def test_the_client_page_offers_to_connect_vk_and_links_the_token_guide(manager_client, client_obj):
    page = manager_client.get(reverse("client", kwargs={"slug": client_obj.slug})).content.decode()
    assert reverse("account-connect", kwargs={"slug": client_obj.slug}) in page
    form = manager_client.get(reverse("account-connect", kwargs={"slug": client_obj.slug})).content.decode()
    assert reverse("help-connect-vk") in form
    guide = manager_client.get(reverse("help-connect-vk")).content.decode()
    assert "Standalone app" in guide and "scope=stats,wall,groups,offline" in guide


def test_it_connects_a_community_with_an_encrypted_token(manager_client, live_vk, client_obj, awareness):
    response = connect(manager_client, client_obj.slug, objective=awareness.pk, rationale="Guests are here")

    account = SocialAccount.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("account", args=[account.pk])
    assert (account.ref, account.external_id, account.objective, account.rationale) == (
        "vk:coffee",
        "123456",
        awareness,
        "Guests are here",
    )
    assert account.status == AccountStatus.ACTIVE
    assert Credential.objects.get(account=account).token == ADMIN
    page = manager_client.get(response["Location"]).content.decode()
    assert "vk:coffee connected." in page
    assert ADMIN not in page


@pytest.mark.parametrize(
    ("token", "reason"),
    [(REVOKED, "VK refused the token"), (OUTSIDER, "does not administer")],
)
def test_it_refuses_a_bad_token_with_the_reason_and_never_shows_it_back(
    manager_client, live_vk, client_obj, token, reason
):
    response = connect(manager_client, client_obj.slug, token=token)

    assert response.status_code == 200
    page = response.content.decode()
    assert reason in page
    assert token not in page
    assert not SocialAccount.objects.exists() and not Credential.objects.exists()


def test_a_client_viewer_cannot_connect(client, viewer, live_vk, client_obj):
    assert client.login(username=viewer.username, password=PASSWORD)
    assert connect(client, client_obj.slug).status_code == 403
    assert not SocialAccount.objects.exists()
    assert (
        reverse("account-connect", kwargs={"slug": client_obj.slug})
        not in client.get(reverse("client", kwargs={"slug": client_obj.slug})).content.decode()
    )


def test_an_unknown_platform_has_no_connect_form(manager_client, client_obj):
    url = reverse("account-connect", kwargs={"slug": client_obj.slug}) + "?platform=myspace"
    assert manager_client.get(url).status_code == 404


def test_replacing_the_token_reactivates_an_account_that_needs_attention(manager_client, live_vk, account):
    Credential.objects.create(account=account, token=REVOKED)
    account.status, account.last_error = AccountStatus.NEEDS_ATTENTION, "User authorization failed"
    account.save()
    page = manager_client.get(reverse("account", args=[account.pk])).content.decode()
    assert "Needs attention" in page and "User authorization failed" in page
    assert reverse("account-token", args=[account.pk]) in page

    refused = manager_client.post(reverse("account-token", args=[account.pk]), {"token": OUTSIDER})
    assert refused.status_code == 200 and "does not administer" in refused.content.decode()
    assert OUTSIDER not in refused.content.decode()
    assert Credential.objects.get(account=account).token == REVOKED

    response = manager_client.post(reverse("account-token", args=[account.pk]), {"token": ADMIN})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE and account.last_error == ""
    assert Credential.objects.get(account=account).token == ADMIN
    assert SocialAccount.objects.count() == 1


def test_sync_now_runs_a_sync_and_shows_it_in_the_log(manager_client, live_vk, account):
    Credential.objects.create(account=account, token=ADMIN)
    log_url = reverse("account-sync-log", args=[account.pk])
    assert "No syncs yet." in manager_client.get(log_url).content.decode()

    response = manager_client.post(reverse("account-sync", args=[account.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["HX-Trigger"] == "data-changed"
    run = SyncRun.objects.get(account=account)
    assert run.status == SyncStatus.OK and run.requests > 0 and run.rows_written > 0
    fragment = response.content.decode()
    assert "counters,daily,posts" in fragment and str(run.rows_written) in fragment
    assert DailyMetric.objects.filter(account=account).exists()
    account.refresh_from_db()
    assert account.last_synced_at is not None
    assert "Last synced" in manager_client.get(reverse("account", args=[account.pk])).content.decode()


def test_sync_now_without_a_token_says_how_to_connect(manager_client, account):
    response = manager_client.post(reverse("account-sync", args=[account.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "has no stored token" in response.content.decode()
    assert not SyncRun.objects.exists()


def test_sync_now_without_htmx_redirects_to_the_account(manager_client, account):
    response = manager_client.post(reverse("account-sync", args=[account.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("account", args=[account.pk])
    assert manager_client.get(reverse("account-sync", args=[account.pk])).status_code == 405


def test_a_failed_sync_marks_the_account_and_the_client_page_shows_why(manager_client, live_vk, account):
    Credential.objects.create(account=account, token=REVOKED)
    manager_client.post(reverse("account-sync", args=[account.pk]), HTTP_HX_REQUEST="true")
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_ATTENTION and account.last_error
    page = manager_client.get(reverse("client", kwargs={"slug": account.client.slug})).content.decode()
    assert "Needs attention" in page and account.last_error in page
    log = manager_client.get(reverse("account-sync-log", args=[account.pk])).content.decode()
    assert "Needs attention" in log and account.last_error in log


def test_a_viewer_sees_the_log_but_no_sync_button(client, viewer, account):
    SyncRun.objects.create(account=account, kind="counters", started_at="2025-01-01T10:00Z", status="ok")
    assert client.login(username=viewer.username, password=PASSWORD)
    log = client.get(reverse("account-sync-log", args=[account.pk])).content.decode()
    assert "counters" in log and "Sync now" not in log
    page = client.get(reverse("account", args=[account.pk])).content.decode()
    assert "Replace token" not in page
