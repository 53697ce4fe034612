"""Pages update themselves: the version endpoints answer 204 until the data changes, then the
fragments the pages fetch again carry the new numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from smartsmm.clients.models import SocialAccount
from smartsmm.collection.models import SyncRun
from smartsmm.measurements.models import DailyMetric
from smartsmm.measurements.writes import upsert_daily
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, owner):
    assert client.login(username=owner.username, password=PASSWORD)
    return client


def _version(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html.split('data-version="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("kind", ["account", "client"])
def test_the_version_answers_204_until_something_changes(owner_client, account, kind):
    url = (
        reverse("account-version", args=[account.pk])
        if kind == "account"
        else reverse("client-version", kwargs={"slug": account.client.slug})
    )
    version = _version(owner_client, url)
    unchanged = owner_client.get(url, {"v": version})
    assert unchanged.status_code == 204 and "HX-Trigger" not in unchanged

    upsert_daily(account, [("followers", date.today() - timedelta(days=1), 4321)])

    changed = owner_client.get(url, {"v": version})
    assert changed.status_code == 200 and changed["HX-Trigger"] == "data-changed"
    new = changed.content.decode().split('data-version="', 1)[1].split('"', 1)[0]
    assert new != version
    assert owner_client.get(url, {"v": new}).status_code == 204

    SyncRun.objects.create(account=account, kind="counters", started_at=timezone.now())
    assert owner_client.get(url, {"v": new}).status_code == 200


def test_the_pages_poll_and_their_fragments_listen(owner_client, account):
    page = owner_client.get(reverse("account", args=[account.pk])).content.decode()
    assert 'id="live-poller"' in page and "every 15s" in page
    assert reverse("account-live", args=[account.pk]) in page
    assert page.count("data-changed from:body") == 2  # the live part and the sync log
    client_page = owner_client.get(reverse("client", kwargs={"slug": account.client.slug})).content.decode()
    assert 'id="live-poller"' in client_page
    assert client_page.count("data-changed from:body") == 3  # accounts, goals, KPIs


def test_the_fragments_show_fresh_numbers(owner_client, account):
    yesterday = date.today() - timedelta(days=1)
    DailyMetric.objects.bulk_create(
        DailyMetric(account=account, metric="followers", day=yesterday - timedelta(days=i), value=1000 + i)
        for i in range(60)
    )
    live = reverse("account-live", args=[account.pk])
    before = owner_client.get(live, {"days": 30}).content.decode()
    assert 'id="chart-data"' in before
    upsert_daily(account, [("followers", yesterday, 98765)])
    after = owner_client.get(live, {"days": 30}).content.decode()
    assert "98765" in after and "98765" not in before

    accounts = owner_client.get(reverse("client-accounts", kwargs={"slug": account.client.slug}))
    assert account.display_name in accounts.content.decode()
    SocialAccount.objects.filter(pk=account.pk).update(status="paused")
    goals = owner_client.get(reverse("client-goals", kwargs={"slug": account.client.slug}))
    assert goals.status_code == 200 and "No goals yet." in goals.content.decode()
    kpis = owner_client.get(reverse("client-kpis", kwargs={"slug": account.client.slug}))
    assert kpis.status_code == 200
    assert (
        "Paused"
        in owner_client.get(reverse("client-accounts", kwargs={"slug": account.client.slug})).content.decode()
    )
