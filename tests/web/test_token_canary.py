"""A canary token, connected through the web form and synced, never shows up in plain text: not in
any page (staff admin included), not in `accounts list --json`, not in the database, not in the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.urls import reverse

from smartsmm.cli import main
from smartsmm.clients.models import SocialAccount
from smartsmm.collection.models import SyncRun, SyncState
from smartsmm.goals.models import Goal
from tests.conftest import PASSWORD
from tests.vk_world import ADMIN

pytestmark = pytest.mark.django_db

CANARY = ADMIN
#: Distinctive pieces of the canary: none may appear either (a token cut or re-encoded).
PIECES = ("CANARY", "5b1f0e77", "never-show-me")


def assert_clean(text: str, where: str) -> None:
    assert CANARY not in text, where
    for piece in PIECES:
        assert piece not in text, f"{where}: {piece}"


def _text_columns() -> list[tuple[str, str]]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                found.append((table, column.name))
    return found


def test_the_canary_token_never_shows(client, manager, client_obj, awareness, live_vk, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    log_file = Path(settings.DATA_DIR) / "smartsmm.log"
    log_start = log_file.stat().st_size if log_file.exists() else 0
    assert client.login(username=manager.username, password=PASSWORD)

    # A refused attempt (the canary pasted for a community that does not exist) re-renders the form.
    refused = client.post(
        reverse("account-connect", kwargs={"slug": client_obj.slug}),
        {
            "account": "no_such_community_zz",
            "token": f"https://oauth.vk.com/blank.html#access_token={CANARY}",
        },
    )
    assert refused.status_code == 200
    assert_clean(refused.content.decode(), "refused connect form")

    response = client.post(
        reverse("account-connect", kwargs={"slug": client_obj.slug}),
        {"account": "coffee", "token": CANARY, "objective": awareness.pk, "rationale": "Guests"},
    )
    assert response.status_code == 302
    account = SocialAccount.objects.get()
    synced = client.post(reverse("account-sync", args=[account.pk]), HTTP_HX_REQUEST="true")
    assert_clean(synced.content.decode(), "sync now")
    assert SyncRun.objects.filter(account=account, status="ok").exists()
    goal = Goal.objects.create(
        client=client_obj,
        objective=awareness,
        metric_key="followers",
        scope_kind="account",
        account=account,
        target=30_000,
        start_date=account.created_at.date(),
        deadline=account.created_at.date().replace(year=account.created_at.year + 1),
    )

    pages = [
        reverse("overview"),
        reverse("client", kwargs={"slug": client_obj.slug}),
        reverse("client-edit", kwargs={"slug": client_obj.slug}),
        reverse("client-kpis", kwargs={"slug": client_obj.slug}),
        reverse("client-goals", kwargs={"slug": client_obj.slug}),
        reverse("client-accounts", kwargs={"slug": client_obj.slug}),
        reverse("client-version", kwargs={"slug": client_obj.slug}),
        reverse("account-connect", kwargs={"slug": client_obj.slug}),
        reverse("goal-create", kwargs={"slug": client_obj.slug}),
        reverse("account", args=[account.pk]),
        reverse("account-live", args=[account.pk]),
        reverse("account-version", args=[account.pk]),
        reverse("account-sync-log", args=[account.pk]),
        reverse("account-token", args=[account.pk]),
        reverse("account-edit", args=[account.pk]),
        reverse("account-import", args=[account.pk]),
        reverse("goal", args=[goal.pk]),
        reverse("goal-edit", args=[goal.pk]),
        reverse("help-connect-vk"),
    ]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert_clean(page.content.decode(), url)

    # Staff see the admin: its index, every changelist, and the change pages of the collection's rows.
    User.objects.create_superuser("staff", password=PASSWORD)
    assert client.login(username="staff", password=PASSWORD)
    admin_pages = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        admin_pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    rows: list[Model] = [
        account,
        SyncState.objects.get(account=account),
        SyncRun.objects.get(account=account),
    ]
    for obj in rows:
        admin_pages.append(
            reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        )
    for url in admin_pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert_clean(page.content.decode(), url)

    capsys.readouterr()
    assert main(["accounts", "list", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "vk:coffee" in out
    assert_clean(out + err, "accounts list --json")

    columns = _text_columns()
    assert ("collection_credential", "token") in columns
    with connection.cursor() as cursor:
        for table, column in columns:
            cursor.execute(f'SELECT "{column}" FROM "{table}"')  # names from introspection
            for (value,) in cursor.fetchall():
                if isinstance(value, bytes | memoryview):
                    value = bytes(value).decode("latin-1")
                if isinstance(value, str):
                    assert_clean(value, f"{table}.{column}")

    assert any("sync of vk:coffee" in r.getMessage() for r in caplog.records)  # the logs were captured
    assert_clean("\n".join(r.getMessage() for r in caplog.records), "log records")
    assert_clean("\n".join(str(r.args) for r in caplog.records), "log record arguments")
    if log_file.exists():
        with log_file.open(encoding="utf-8", errors="replace") as handle:
            handle.seek(log_start)
            assert_clean(handle.read(), str(log_file))
