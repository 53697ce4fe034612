"""Tenancy is security: every object route is walked as every kind of stranger.

A URL pattern that takes an object id must be listed in OBJECT_ROUTES, so a route added later
without a cross-tenant check makes `test_it_covers_every_object_route` fail.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from smartsmm.goals.models import Goal
from tests.conftest import PASSWORD

# route name -> (object kind, write route?)
OBJECT_ROUTES: dict[str, tuple[str, bool]] = {
    "client": ("client", False),
    "client-kpis": ("client", False),
    "goal-create": ("client", True),
    "goal-check": ("client", True),
    "goal": ("goal", False),
    "goal-edit": ("goal", True),
    "goal-delete": ("goal", True),
    "account": ("account", False),
    "client-edit": ("client", True),
    "account-create": ("client", True),
    "account-edit": ("account", True),
    "account-import": ("account", True),
    "account-connect": ("client", True),
    "client-goals": ("client", False),
    "client-accounts": ("client", False),
    "client-version": ("client", False),
    "account-live": ("account", False),
    "account-version": ("account", False),
    "account-sync-log": ("account", False),
    "account-sync": ("account", True),
    "account-token": ("account", True),
    "client-reports": ("client", False),
    "client-report-download": ("client", False),
    "account-audit-download": ("account", False),
    "report-schedules": ("client", True),
    "report-schedule-edit": ("schedule", True),
    "report-schedule-delete": ("schedule", True),
    "report-schedule-send": ("schedule", True),
    "share-links": ("client", True),
    "share-link-revoke": ("sharelink", True),
}
# Routes with a parameter that is no object id: the public report behind a share link, where the
# token alone decides the client (tests/reports/test_share.py walks them).
PUBLIC_ROUTES = frozenset({"share-report", "share-report-file"})
# Route parameters besides the object's own.
EXTRA_KWARGS: dict[str, dict[str, str]] = {
    "client-report-download": {"format_key": "pdf"},
    "account-audit-download": {"format_key": "xlsx"},
}


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin" or str(entry.pattern).startswith("admin/"):
                continue  # the Django admin is for instance staff, not tenants
            found += _patterns(entry, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def test_it_covers_every_object_route():
    with_params = {
        p.name for route, p in _patterns(get_resolver()) if "<" in route and p.name != "set_language"
    }
    assert with_params - PUBLIC_ROUTES == set(OBJECT_ROUTES), (
        "add the new route to OBJECT_ROUTES and its tenancy expectations"
    )


@pytest.fixture
def goal(client_obj, awareness, account):
    return Goal.objects.create(
        client=client_obj,
        objective=awareness,
        metric_key="followers",
        scope_kind="account",
        account=account,
        target=1000,
        start_date=date.today(),
        deadline=date.today() + timedelta(days=60),
    )


def _report_object(kind: str, client_obj):
    """The client's report schedule or share link (created on first use)."""
    from django.utils import timezone

    from smartsmm.reports.models import ReportSchedule, ShareLink, hash_token

    if kind == "schedule":
        return ReportSchedule.objects.get_or_create(
            client=client_obj,
            defaults={"kind": "weekly", "weekday": 0, "formats": ["pdf"], "email_recipients": ["a@b.test"]},
        )[0]
    return ShareLink.objects.get_or_create(
        client=client_obj,
        defaults={
            "kind": "monthly",
            "token_hash": hash_token(ShareLink.new_token()),
            "expires_at": timezone.now() + timedelta(days=7),
        },
    )[0]


def _url(name: str, kind: str, objects: dict) -> str:
    obj = objects[kind] if kind in objects else _report_object(kind, objects["client"])
    extra = EXTRA_KWARGS.get(name, {})
    if kind == "client":
        return reverse(name, kwargs={"slug": obj.slug, **extra})
    return reverse(name, kwargs={"pk": obj.pk, **extra})


def _login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES))
def test_it_hides_every_object_from_another_agency(client, name, outsider, goal, account, client_obj):
    kind, _ = OBJECT_ROUTES[name]
    url = _url(name, kind, {"client": client_obj, "goal": goal, "account": account})
    _login(client, outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES))
def test_it_hides_another_clients_objects_from_a_client_viewer(
    client, name, other_viewer, goal, account, client_obj
):
    kind, write = OBJECT_ROUTES[name]
    url = _url(name, kind, {"client": client_obj, "goal": goal, "account": account})
    _login(client, other_viewer)
    # Writes are refused before the look-up (403) or the object is hidden (404): never served.
    expected = {403, 404} if write else {404}
    assert client.get(url).status_code in expected
    assert client.post(url, {}).status_code in expected


@pytest.mark.parametrize("name", sorted(n for n, (_, write) in OBJECT_ROUTES.items() if write))
def test_it_forbids_every_write_to_a_client_viewer(client, name, viewer, goal, account, client_obj):
    kind, _ = OBJECT_ROUTES[name]
    url = _url(name, kind, {"client": client_obj, "goal": goal, "account": account})
    _login(client, viewer)
    assert client.post(url, {}).status_code == 403
    assert Goal.objects.filter(pk=goal.pk).exists()


@pytest.mark.parametrize("name", sorted(n for n, (_, write) in OBJECT_ROUTES.items() if not write))
def test_it_lets_a_client_viewer_read_its_own_client(client, name, viewer, goal, account, client_obj):
    kind, _ = OBJECT_ROUTES[name]
    url = _url(name, kind, {"client": client_obj, "goal": goal, "account": account})
    _login(client, viewer)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(n for n, (_, write) in OBJECT_ROUTES.items() if not write))
def test_it_serves_the_owner(client, name, owner, goal, account, client_obj):
    kind, _ = OBJECT_ROUTES[name]
    url = _url(name, kind, {"client": client_obj, "goal": goal, "account": account})
    _login(client, owner)
    assert client.get(url).status_code == 200


def test_it_keeps_other_agencies_clients_off_the_overview(client, owner, client_obj, foreign_client):
    _login(client, owner)
    page = client.get("/").content.decode()
    assert client_obj.name in page
    assert foreign_client.name not in page


def test_it_sends_a_client_viewer_from_the_overview_to_its_client(client, viewer, client_obj, other_client):
    _login(client, viewer)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("client", kwargs={"slug": client_obj.slug})


def test_it_requires_login_everywhere(client, goal, account, client_obj):
    for name, (kind, _) in OBJECT_ROUTES.items():
        url = _url(name, kind, {"client": client_obj, "goal": goal, "account": account})
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
