"""Setting up clients, objectives and accounts by hand, and importing files through the web app."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smartsmm.clients.models import BusinessObjective, Client, SocialAccount
from smartsmm.goals.models import Goal
from smartsmm.measurements.models import DailyMetric
from tests.conftest import PASSWORD


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_it_adds_a_client_with_a_slug_made_from_a_russian_name(client, manager, agency):
    _login(client, manager)
    response = client.post(reverse("client-create"), {"name": "Пекарня «Хлеб»", "timezone": "Europe/Samara"})
    created = Client.objects.get()
    assert (created.slug, created.agency, created.timezone) == ("pekarnia-khleb", agency, "Europe/Samara")
    assert response["Location"] == reverse("client-edit", kwargs={"slug": "pekarnia-khleb"})


def test_it_refuses_a_bad_client_naming_each_field(client, owner, client_obj):
    _login(client, owner)
    response = client.post(
        reverse("client-create"), {"name": "Another", "slug": "coffee", "timezone": "Moon/Base"}
    )
    errors = response.context["form"].errors
    assert "Another client of the agency already uses this slug." in errors["slug"]
    assert "Moon/Base is not a known time zone" in errors["timezone"][0]
    reserved = client.post(reverse("client-create"), {"name": "New", "slug": "new", "timezone": "UTC"})
    assert "reserved" in reserved.context["form"].errors["slug"][0]
    assert Client.objects.count() == 1


def test_it_lets_another_agency_reuse_a_slug(client, outsider, client_obj):
    _login(client, outsider)
    client.post(reverse("client-create"), {"name": "Coffee", "slug": "coffee", "timezone": "UTC"})
    assert Client.objects.filter(slug="coffee").count() == 2


def test_it_edits_objectives_and_keeps_those_goals_use(client, owner, client_obj, awareness, account):
    Goal.objects.create(
        client=client_obj,
        objective=awareness,
        metric_key="followers",
        scope_kind="client",
        target=1,
        start_date="2026-01-01",
        deadline="2026-06-01",
    )
    _login(client, owner)
    url = reverse("client-edit", kwargs={"slug": "coffee"})
    data = {
        "name": "Coffee",
        "slug": "coffee",
        "timezone": "Europe/Moscow",
        "description": "",
        "objectives-TOTAL_FORMS": "2",
        "objectives-INITIAL_FORMS": "1",
        "objectives-MIN_NUM_FORMS": "0",
        "objectives-MAX_NUM_FORMS": "1000",
        "objectives-0-id": str(awareness.pk),
        "objectives-0-client": str(client_obj.pk),
        "objectives-0-objective": "awareness",
        "objectives-0-context": "Be known in new districts",
        "objectives-0-priority": "1",
        "objectives-1-objective": "leads",
        "objectives-1-context": "Corporate orders",
        "objectives-1-priority": "2",
    }
    assert client.post(url, data).status_code == 302
    assert set(client_obj.objectives.values_list("objective", flat=True)) == {"awareness", "leads"}
    data["objectives-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert BusinessObjective.objects.filter(pk=awareness.pk).exists()


def test_it_adds_an_account_and_refuses_a_second_with_the_same_reference(
    client, owner, client_obj, awareness
):
    _login(client, owner)
    url = reverse("account-create", kwargs={"slug": "coffee"})
    data = {
        "platform": "telegram",
        "external_id": "-100123",
        "handle": "@Coffee_Channel",
        "name": "Coffee channel",
        "url": "t.me/coffee_channel",
        "objective": awareness.pk,
        "rationale": "Regulars read the channel every morning",
    }
    response = client.post(url, data)
    account = SocialAccount.objects.get()
    assert response["Location"] == reverse("account", kwargs={"pk": account.pk})
    assert (account.ref, account.url, account.agency_id) == (
        "telegram:coffee_channel",
        "https://t.me/coffee_channel",
        client_obj.agency_id,
    )
    again = client.post(url, data)
    assert (
        "The agency already has the account telegram:coffee_channel."
        in again.context["form"].errors["handle"]
    )
    assert SocialAccount.objects.count() == 1


def test_it_imports_an_uploaded_file_or_lists_every_problem(client, analyst, account):
    _login(client, analyst)
    url = reverse("account-import", kwargs={"pk": account.pk})
    good = SimpleUploadedFile("october.csv", b"date,followers\n2026-10-01,100\n2026-10-02,104\n")
    response = client.post(url, {"kind": "daily", "file": good})
    assert response.status_code == 302
    assert DailyMetric.objects.filter(account=account).count() == 2
    bad = SimpleUploadedFile("november.csv", b"date,followers\n2026-11-01,-3\nyesterday,5\n")
    response = client.post(url, {"kind": "daily", "file": bad})
    assert response.status_code == 200
    assert response.context["errors"][:2] == [
        'november.csv:2:followers: expected a whole number ≥ 0, got "-3"',
        'november.csv:3:date: expected a date as YYYY-MM-DD or DD.MM.YYYY, got "yesterday"',
    ]
    assert DailyMetric.objects.filter(account=account).count() == 2


def test_it_refuses_every_setup_page_to_a_client_viewer(client, viewer, account, client_obj):
    _login(client, viewer)
    assert client.get(reverse("client-create")).status_code == 403
    assert client.post(reverse("client-create"), {"name": "X", "timezone": "UTC"}).status_code == 403
    assert Client.objects.count() == 1
