"""Connecting accounts to their platform, replacing tokens, the sync log and "Sync now".

Like every object view, these look the object up first (404 outside the user's reach), then check
the right to write (403 for a client viewer). A token travels only from the form to the encrypted
Credential: the token field is never rendered back, and no page shows any part of it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smartsmm.clients.models import SocialAccount
from smartsmm.collection.models import Credential, SyncRun
from smartsmm.collection.sync import SyncError
from smartsmm.connectors.registry import CONNECTORS, UnknownPlatform, connect_form_class
from smartsmm.web import sync as web_sync
from smartsmm.web.access import with_access
from smartsmm.web.forms import AccountPurposeForm

#: Sync runs shown in the account page's log.
SYNC_LOG_SIZE = 20


def _connect_form_class(platform: str) -> type[Any]:
    try:
        return connect_form_class(platform)
    except UnknownPlatform:
        raise Http404("no connector for this platform") from None


def sync_log_context(account: SocialAccount, *, can_write: bool, notice: str = "") -> dict[str, Any]:
    runs = list(SyncRun.objects.filter(account=account)[:SYNC_LOG_SIZE])
    for run in runs:
        run.duration = (  # type: ignore[attr-defined]
            (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
        )
    return {
        "account": account,
        "client": account.client,
        "runs": runs,
        "can_sync": can_write and account.platform in CONNECTORS,
        "has_token": Credential.objects.filter(account=account).exists(),
        "sync_notice": notice,
    }


@with_access
def account_connect(request: HttpRequest, slug: str) -> HttpResponse:
    """Connect an account of the client to its platform: its name or id and a pasted token."""
    access = request.access  # type: ignore[attr-defined]
    client = access.client(slug)
    access.require_write()
    platform = request.GET.get("platform", "vk")
    form_class = _connect_form_class(platform)
    data = request.POST if request.method == "POST" else None
    form = form_class(data)
    purpose = AccountPurposeForm(data, client=client)
    if data is not None:
        valid = purpose.is_valid()
        valid = form.is_valid() and valid
        if valid:
            try:
                account, created = form.save(
                    client,
                    objective=purpose.cleaned_data.get("objective"),
                    rationale=purpose.cleaned_data.get("rationale", ""),
                )
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                text = _("%(ref)s connected.") if created else _("%(ref)s reconnected with the new token.")
                messages.success(request, text % {"ref": account.ref})
                return redirect("account", pk=account.pk)
    return render(
        request,
        "web/account_connect.html",
        {"form": form, "purpose": purpose, "client": client, "platform": platform},
    )


class _OtherAccount(Exception):
    """The token was checked against another account than the one whose token is replaced."""


@with_access
def account_token(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the stored token of an account (e.g. after it turned to "needs attention")."""
    access = request.access  # type: ignore[attr-defined]
    account = access.account(pk)
    access.require_write()
    form_class = _connect_form_class(account.platform)
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        data["account"] = account.external_id or account.handle
    form = form_class(data)
    if data is not None and form.is_valid():
        try:
            with transaction.atomic():
                saved, _created = form.save(account.client)
                if saved.pk != account.pk:
                    raise _OtherAccount
        except _OtherAccount:
            form.add_error(None, _("The token was checked against another account; nothing was changed."))
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The token of %(ref)s was replaced.") % {"ref": account.ref})
            return redirect("account", pk=account.pk)
    return render(
        request, "web/account_token.html", {"form": form, "account": account, "client": account.client}
    )


@with_access
def account_sync_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's sync log (htmx partial)."""
    access = request.access  # type: ignore[attr-defined]
    account = access.account(pk)
    return render(
        request, "web/partials/sync_log.html", sync_log_context(account, can_write=access.can_write)
    )


@with_access
def account_sync(request: HttpRequest, pk: int) -> HttpResponse:
    """Sync the account now (POST), then show the sync log again."""
    access = request.access  # type: ignore[attr-defined]
    account = access.account(pk)
    access.require_write()
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    notice = ""
    try:
        run = web_sync.run_sync_now(account)
    except SyncError as error:
        notice = str(error)
    else:
        if run.error:
            notice = run.error
    if not request.headers.get("HX-Request"):
        if notice:
            messages.error(request, notice)
        return redirect("account", pk=account.pk)
    account.refresh_from_db()
    response = render(
        request,
        "web/partials/sync_log.html",
        sync_log_context(account, can_write=access.can_write, notice=notice),
    )
    response["HX-Trigger"] = "data-changed"
    return response


@login_required
def connect_vk_help(request: HttpRequest) -> HttpResponse:
    """Step by step: how a user gets a VK user token from a Standalone app of their own."""
    from smartsmm.connectors.vk.forms import TOKEN_URL_TEMPLATE

    return render(
        request, "web/help_connect_vk.html", {"token_url": TOKEN_URL_TEMPLATE.format(app_id="APP_ID")}
    )
