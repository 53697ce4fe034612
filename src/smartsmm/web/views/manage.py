"""Setting up clients and accounts by hand, and importing files into an account.

Like every write view, these look the object up first (404 outside the user's reach), then check the
right to write (403 for a client viewer).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePath

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smartsmm.measurements.importing import ImportFailed, import_daily, import_posts
from smartsmm.web.access import with_access
from smartsmm.web.forms import AccountForm, ClientForm, ImportForm, ObjectiveFormSet


@with_access
def client_create(request: HttpRequest) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    access.require_write()
    form = ClientForm(request.POST or None, agency=access.agency)
    if request.method == "POST" and form.is_valid():
        client = form.save()
        messages.success(
            request, _("Client %(name)s added. Now add its business objectives.") % {"name": client.name}
        )
        return redirect("client-edit", slug=client.slug)
    return render(request, "web/client_form.html", {"form": form, "formset": None, "client": None})


@with_access
def client_edit(request: HttpRequest, slug: str) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    client = access.client(slug)
    access.require_write()
    form = ClientForm(request.POST or None, instance=client, agency=access.agency)
    formset = ObjectiveFormSet(request.POST or None, instance=client, prefix="objectives")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                client = form.save()
                formset.save()
        except ProtectedError:
            messages.error(
                request,
                _("An objective that goals are linked to cannot be deleted: change those goals first."),
            )
            return render(
                request, "web/client_form.html", {"form": form, "formset": formset, "client": client}
            )
        messages.success(request, _("Saved."))
        return redirect("client", slug=client.slug)
    return render(request, "web/client_form.html", {"form": form, "formset": formset, "client": client})


@with_access
def account_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    client = access.client(slug)
    access.require_write()
    form = AccountForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        account = form.save()
        messages.success(request, _("Account %(ref)s added.") % {"ref": account.ref})
        return redirect("account", pk=account.pk)
    return render(request, "web/account_form.html", {"form": form, "client": client, "account": None})


@with_access
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    account = access.account(pk)
    access.require_write()
    form = AccountForm(request.POST or None, instance=account, client=account.client)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("account", pk=account.pk)
    return render(
        request, "web/account_form.html", {"form": form, "client": account.client, "account": account}
    )


@with_access
def account_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a daily-metrics or posts file: all of it is imported, or nothing and every problem listed."""
    access = request.access  # type: ignore[attr-defined]
    account = access.account(pk)
    access.require_write()
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # The importer reads a path and names the file in every error line: keep the user's file name
        # (its last component only) inside a private temporary folder.
        folder = Path(tempfile.mkdtemp(prefix="smartsmm-upload-"))
        try:
            path = folder / (PurePath(upload.name).name or "upload.csv")
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            run = import_daily if form.cleaned_data["kind"] == "daily" else import_posts
            try:
                result = run(path, account)
            except ImportFailed as failed:
                errors = [line.removeprefix(str(folder) + "/") for line in failed.errors]
            else:
                messages.success(
                    request,
                    _("%(file)s: %(read)s rows read, %(written)s written, %(unchanged)s unchanged.")
                    % {
                        "file": path.name,
                        "read": result.rows_read,
                        "written": result.rows_written,
                        "unchanged": result.rows_unchanged,
                    },
                )
                return redirect("account", pk=account.pk)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return render(
        request,
        "web/account_import.html",
        {"form": form, "account": account, "client": account.client, "errors": errors},
    )
