"""Pages that update themselves: a cheap version stamp polled by htmx, fragments fetched on change.

A page carries a hidden poller (``partials/live_poller.html``) that asks its version endpoint every
few seconds with the stamp it was rendered with. Unchanged: ``204`` and htmx does nothing. Changed:
the new poller (with the new stamp) and an ``HX-Trigger: data-changed`` header; the page's live
fragments listen for ``data-changed from:body`` and fetch themselves again (charts are redrawn by
charts.js on ``htmx:afterSwap``). The stamp is made from a few columns of the accounts and their
latest sync run, so a poll is one or two small queries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from smartsmm.clients.models import SocialAccount
from smartsmm.collection.models import SyncRun
from smartsmm.web.access import with_access

#: How often an open page asks whether its data changed.
POLL_SECONDS = 15
#: The event the live fragments listen for.
CHANGED_EVENT = "data-changed"


def data_version(accounts: Iterable[SocialAccount]) -> str:
    """A short stamp that changes whenever the accounts' data, status or sync log change."""
    accounts = list(accounts)
    parts = [
        f"{a.pk}:{a.data_changed_at and a.data_changed_at.isoformat()}:{a.status}:"
        f"{a.last_synced_at and a.last_synced_at.isoformat()}"
        for a in sorted(accounts, key=lambda a: a.pk)
    ]
    latest = SyncRun.objects.filter(account__in=[a.pk for a in accounts]).aggregate(
        last=Max("id"), finished=Max("finished_at")
    )
    parts.append(f"{latest['last']}:{latest['finished'] and latest['finished'].isoformat()}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def poller_context(url: str, version: str) -> dict[str, object]:
    return {"poll_url": url, "version": version, "poll_seconds": POLL_SECONDS}


def _answer(request: HttpRequest, url: str, version: str) -> HttpResponse:
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    response = render(request, "web/partials/live_poller.html", poller_context(url, version))
    if request.GET.get("v"):
        response["HX-Trigger"] = CHANGED_EVENT
    return response


@with_access
def account_version(request: HttpRequest, pk: int) -> HttpResponse:
    account = request.access.account(pk)  # type: ignore[attr-defined]
    return _answer(request, reverse("account-version", args=[pk]), data_version([account]))


@with_access
def client_version(request: HttpRequest, slug: str) -> HttpResponse:
    client = request.access.client(slug)  # type: ignore[attr-defined]
    return _answer(request, reverse("client-version", args=[slug]), data_version(client.accounts.all()))
