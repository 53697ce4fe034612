"""Share links: a client's report without an account, until the link expires or is revoked (then the
same 404 as an unknown token), never another client's report; created and revoked by managers only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from smartsmm.reports.models import ShareLink, hash_token
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _login(web, user) -> None:
    assert web.login(username=user.username, password=PASSWORD)


def make_link(
    client_obj, *, days: int = 7, period: str = "2026-10", language: str = "en"
) -> tuple[str, ShareLink]:
    token = ShareLink.new_token()
    link = ShareLink.objects.create(
        client=client_obj,
        kind="monthly",
        period=period,
        language=language,
        token_hash=hash_token(token),
        expires_at=NOW + timedelta(days=days),
    )
    return token, link


def _page(web, token: str, suffix: str = ""):
    return web.get(f"/r/{token}/{suffix}")


def test_a_manager_creates_a_link_shown_once_and_stored_hashed(client, manager, client_obj):
    _login(client, manager)
    response = client.post(
        reverse("share-links", args=[client_obj.slug]),
        {"kind": "monthly", "period": "2026-10", "language": "en", "expires_in_days": "14"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    url = re.search(r'value="(http://testserver/r/([A-Za-z0-9_-]{43})/)"', response.content.decode())
    assert url is not None
    token = url.group(2)
    link = ShareLink.objects.get()
    assert (link.client, link.kind, link.period, link.created_by) == (
        client_obj,
        "monthly",
        "2026-10",
        manager,
    )
    assert link.expires_at == NOW + timedelta(days=14)
    assert link.token_hash == hash_token(token)
    # The token itself is in no column of any table.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM reports_sharelink")
        assert token not in repr(cursor.fetchall())
    # Shown once: the list does not show it again.
    assert token not in client.get(reverse("share-links", args=[client_obj.slug])).content.decode()


def test_the_link_opens_the_report_without_an_account(client, client_obj):
    token, _ = make_link(client_obj)
    page = _page(client, token)
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert page["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page["X-Robots-Tag"]
    text = page.content.decode()
    assert "Coffee" in text and "October 2026" in text
    assert 'href="pdf"' in text

    pdf = _page(client, token, "pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="monthly-coffee-2026-10.pdf"' in pdf["Content-Disposition"]
    for fmt in ("xlsx", "pptx"):
        assert _page(client, token, fmt).status_code == 200


def test_latest_means_the_last_complete_period_when_opened(client, client_obj):
    token, _ = make_link(client_obj, period="latest")
    assert "October 2026" in _page(client, token).content.decode()


def _same_404(response, reference) -> None:
    assert response.status_code == 404
    assert response.content == reference.content
    assert response["Content-Type"] == reference["Content-Type"]


def test_unknown_expired_and_revoked_links_all_answer_the_same_404(client, client_obj, manager):
    unknown = _page(client, ShareLink.new_token())
    assert unknown.status_code == 404

    token, _link = make_link(client_obj, days=3)
    assert _page(client, token).status_code == 200
    with time_machine.travel(NOW + timedelta(days=3, seconds=1), tick=False):
        _same_404(_page(client, token), unknown)
        _same_404(_page(client, token, "pdf"), unknown)

    token2, link2 = make_link(client_obj)
    _login(client, manager)
    assert client.post(reverse("share-link-revoke", args=[link2.pk])).status_code == 302
    client.logout()
    link2.refresh_from_db()
    assert link2.revoked_at == NOW and link2.revoked_by == manager
    _same_404(_page(client, token2), unknown)
    _same_404(_page(client, token2, "xlsx"), unknown)

    # Malformed tokens and unknown formats: the same answer again.
    _same_404(_page(client, "short"), unknown)
    _same_404(_page(client, token[:-1] + ("A" if token[-1] != "A" else "B")), unknown)
    _same_404(_page(client, make_link(client_obj)[0], "exe"), unknown)


def test_a_link_never_opens_another_clients_report(client, client_obj, other_client, foreign_client):
    token, _ = make_link(other_client)
    # Whatever the path or the query says, the report is the link's client's.
    for url in (
        f"/r/{token}/?client={client_obj.slug}",
        f"/r/{token}/?slug={client_obj.slug}&client_id={client_obj.pk}",
    ):
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert other_client.name in text
        assert client_obj.name not in text
    # Another client's name in place of the token, or the token under another client's path: 404.
    assert _page(client, client_obj.slug).status_code == 404
    assert client.get(f"/clients/{client_obj.slug}/r/{token}/").status_code in (302, 404)
    assert client.get(f"/r/{token}/{client_obj.slug}").status_code == 404
    # A foreign agency's link works for its own client only.
    foreign_token, _ = make_link(foreign_client)
    text = _page(client, foreign_token).content.decode()
    assert foreign_client.name in text and client_obj.name not in text


def test_the_public_page_is_read_only(client, client_obj):
    token, _ = make_link(client_obj)
    assert client.post(f"/r/{token}/").status_code == 405


@pytest.mark.parametrize("persona", ["viewer", "analyst"])
def test_a_client_viewer_or_an_analyst_cannot_create_or_revoke_links(client, request, persona, client_obj):
    user = request.getfixturevalue(persona)
    _, link = make_link(client_obj)
    _login(client, user)
    url = reverse("share-links", args=[client_obj.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "monthly", "language": "en", "expires_in_days": "7"}).status_code == 403
    assert client.post(reverse("share-link-revoke", args=[link.pk])).status_code == 403
    assert ShareLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_an_outsider_agency_cannot_see_or_revoke_the_links(client, outsider, client_obj):
    token, link = make_link(client_obj)
    _login(client, outsider)
    assert client.get(reverse("share-links", args=[client_obj.slug])).status_code == 404
    assert client.post(reverse("share-link-revoke", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    client.logout()
    assert _page(client, token).status_code == 200


def test_the_form_checks_the_period(client, manager, client_obj):
    _login(client, manager)
    url = reverse("share-links", args=[client_obj.slug])
    bad = client.post(url, {"kind": "weekly", "period": "2026-10", "language": "ru", "expires_in_days": "7"})
    assert bad.status_code == 200 and "2026-W44" in bad.content.decode()
    too_long = client.post(url, {"kind": "monthly", "period": "", "language": "ru", "expires_in_days": "400"})
    assert too_long.status_code == 200
    assert not ShareLink.objects.exists()
    ok = client.post(url, {"kind": "weekly", "period": "2026-w44", "language": "ru", "expires_in_days": "7"})
    assert ok.status_code == 200
    assert ShareLink.objects.get().period == "2026-W44"


def test_the_client_page_offers_share_links_to_managers_only(client, manager, viewer, client_obj):
    _login(client, manager)
    assert (
        reverse("share-links", args=[client_obj.slug])
        in client.get(reverse("client", args=[client_obj.slug])).content.decode()
    )
    partial = client.get(reverse("share-links", args=[client_obj.slug]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    _login(client, viewer)
    assert (
        reverse("share-links", args=[client_obj.slug])
        not in client.get(reverse("client", args=[client_obj.slug])).content.decode()
    )
