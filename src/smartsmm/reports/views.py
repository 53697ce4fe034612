"""Agency settings (white label, Telegram bot), report schedules, share links and the public report.

Staff views follow the web app's rule: look the object up through ``request.access`` first (404
outside the user's reach), then check the right (403). Schedules and share links are managed by owners
and managers; the white label and the bot token by the owner only.

The public view ``/r/<token>/`` needs no login. It finds the link by the SHA-256 of the token (an
index look-up: no string comparison whose timing depends on a secret), and takes the client *only*
from the link — nothing in the URL or the query string can point it at another client. An unknown,
expired or revoked token, and any failure to build the report, all get the same 404 response.
"""

from __future__ import annotations

import base64
import logging
import re
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from smartsmm.reports.delivery import send_now
from smartsmm.reports.forms import BrandingForm, ScheduleForm, ShareLinkForm, TelegramBotForm
from smartsmm.reports.models import (
    LATEST,
    AgencyBranding,
    DeliveryStatus,
    ReportDelivery,
    ReportSchedule,
    ShareLink,
    TelegramBot,
    hash_token,
)
from smartsmm.reports.scheduling import next_due_at
from smartsmm.reports.service import build_report
from smartsmm.tenancy.access import Access
from smartsmm.tenancy.models import Role
from smartsmm.web.access import with_access

logger = logging.getLogger(__name__)

#: Roles that manage report delivery and share links (an analyst reads and analyses, a viewer reads).
MANAGE_ROLES = frozenset({Role.OWNER, Role.MANAGER})
#: Deliveries shown per schedule.
DELIVERY_LOG_SIZE = 10


def can_manage(access: Access) -> bool:
    return access.role in MANAGE_ROLES


def _require_manage(access: Access) -> None:
    if not can_manage(access):
        raise PermissionDenied("managers only")


# ------------------------------------------------------------------------------------------------
# Agency settings: white label and Telegram bot (owner only)


@with_access
def agency_settings(request: HttpRequest) -> HttpResponse:
    access: Access = request.access  # type: ignore[attr-defined]
    if access.role != Role.OWNER:
        raise PermissionDenied("owner only")
    agency = access.agency
    branding = AgencyBranding.objects.filter(agency=agency).first() or AgencyBranding(agency=agency)
    bot = TelegramBot.objects.filter(agency=agency).only("pk", "username", "updated_at").first()
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    if branding.pk is None and data is None:
        branding.display_name = agency.name
    branding_form = BrandingForm(data, files, instance=branding, prefix="branding")
    bot_form = TelegramBotForm(data, prefix="bot")
    if data is not None:
        valid = branding_form.is_valid()
        valid = bot_form.is_valid() and valid
        if valid:
            with transaction.atomic():
                branding_form.save()
                token = bot_form.cleaned_data.get("token")
                if token:
                    TelegramBot.objects.update_or_create(
                        agency=agency, defaults={"token": token, "username": bot_form.bot_username}
                    )
                elif bot_form.cleaned_data.get("remove_bot"):
                    TelegramBot.objects.filter(agency=agency).delete()
            messages.success(request, _("Saved."))
            return redirect("agency-settings")
    return render(
        request,
        "reports/agency_settings.html",
        {
            "branding_form": branding_form,
            "bot_form": bot_form,
            "branding": branding,
            "bot": bot,
            "logo_base64": base64.b64encode(bytes(branding.logo)).decode("ascii") if branding.logo else "",
        },
    )


# ------------------------------------------------------------------------------------------------
# Report schedules (owner, manager)


def _schedule(access: Access, pk: int) -> ReportSchedule:
    found = (
        ReportSchedule.objects.filter(client__in=access.clients())
        .select_related("client")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("no such schedule")
    return found


@with_access
def report_schedules(request: HttpRequest, slug: str) -> HttpResponse:
    """The client's schedules with their recent deliveries, and the form for a new one."""
    access: Access = request.access  # type: ignore[attr-defined]
    client = access.client(slug)
    _require_manage(access)
    form = ScheduleForm(
        request.POST if request.method == "POST" else None, instance=ReportSchedule(client=client)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Schedule added."))
        return redirect("report-schedules", slug=client.slug)
    now = timezone.now()
    schedules = list(client.report_schedules.all())  # type: ignore[attr-defined]
    for schedule in schedules:
        schedule.next_due = next_due_at(schedule, now, client.tz)  # type: ignore[attr-defined]
        schedule.log = list(  # type: ignore[attr-defined]
            ReportDelivery.objects.filter(schedule=schedule)[:DELIVERY_LOG_SIZE]
        )
    has_bot = TelegramBot.objects.filter(agency_id=client.agency_id).exists()
    return render(
        request,
        "reports/schedules.html",
        {"client": client, "schedules": schedules, "form": form, "has_bot": has_bot},
    )


@with_access
def report_schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access: Access = request.access  # type: ignore[attr-defined]
    schedule = _schedule(access, pk)
    _require_manage(access)
    form = ScheduleForm(request.POST if request.method == "POST" else None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("report-schedules", slug=schedule.client.slug)
    return render(
        request, "reports/schedule_form.html", {"client": schedule.client, "schedule": schedule, "form": form}
    )


@with_access
def report_schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access: Access = request.access  # type: ignore[attr-defined]
    schedule = _schedule(access, pk)
    _require_manage(access)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    slug = schedule.client.slug
    schedule.delete()
    messages.success(request, _("Schedule deleted."))
    return redirect("report-schedules", slug=slug)


@with_access
def report_schedule_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Deliver the schedule's latest complete period now (POST) and say how each channel went."""
    access: Access = request.access  # type: ignore[attr-defined]
    schedule = _schedule(access, pk)
    _require_manage(access)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    period, deliveries = send_now(schedule)
    if not deliveries:
        messages.info(
            request,
            _("The report for %(period)s was sent already (or waits for its retry).") % {"period": period},
        )
    for delivery in deliveries:
        params = {"period": period, "channel": delivery.get_channel_display(), "error": delivery.error}
        if delivery.status == DeliveryStatus.SENT:
            messages.success(request, _("The report for %(period)s was sent: %(channel)s.") % params)
        else:
            messages.error(
                request, _("The report for %(period)s was not sent (%(channel)s): %(error)s") % params
            )
    return redirect("report-schedules", slug=schedule.client.slug)


# ------------------------------------------------------------------------------------------------
# Share links (owner, manager)


def share_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("share-report", args=[token]))


@with_access
def share_links(request: HttpRequest, slug: str) -> HttpResponse:
    """The client's share links; POST creates one and shows its address once (never stored)."""
    access: Access = request.access  # type: ignore[attr-defined]
    client = access.client(slug)
    _require_manage(access)
    new_url = ""
    form = ShareLinkForm(
        request.POST if request.method == "POST" else None,
        initial={"language": request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("ru", "en") else "ru"},  # type: ignore[attr-defined]
    )
    if request.method == "POST" and form.is_valid():
        token = ShareLink.new_token()
        now = timezone.now()
        ShareLink.objects.create(
            client=client,
            kind=form.cleaned_data["kind"],
            period=form.cleaned_data["period"] or LATEST,
            language=form.cleaned_data["language"],
            token_hash=hash_token(token),
            created_by_id=request.user.pk,
            created_at=now,
            expires_at=now + timedelta(days=form.cleaned_data["expires_in_days"]),
        )
        new_url = share_url(request, token)
        form = ShareLinkForm(initial=form.cleaned_data)
    links = list(ShareLink.objects.filter(client=client).select_related("created_by", "revoked_by"))
    now = timezone.now()
    for link in links:
        link.active = link.is_active(now)  # type: ignore[attr-defined]
    context = {"client": client, "links": links, "form": form, "new_url": new_url}
    template = (
        "reports/partials/share_links.html"
        if request.headers.get("HX-Request")
        else "reports/share_links.html"
    )
    response = render(request, template, context)
    if new_url:
        # The page holds a secret address: keep it out of caches and of the Referer of any link on it.
        response["Cache-Control"] = "no-store, private"
        response["Referrer-Policy"] = "no-referrer"
    return response


@with_access
def share_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    access: Access = request.access  # type: ignore[attr-defined]
    link = ShareLink.objects.filter(client__in=access.clients(), pk=pk).select_related("client").first()
    if link is None:
        raise Http404("no such link")
    _require_manage(access)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by_id=request.user.pk
    )
    messages.success(request, _("The link was revoked; it no longer opens the report."))
    return redirect("share-links", slug=link.client.slug)


# ------------------------------------------------------------------------------------------------
# The public report behind a share link

#: secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
_NOT_FOUND_BODY = b"Not found\n"
_PUBLIC_FORMATS = ("html", "pdf", "xlsx", "pptx")


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the address: no Referer to other sites, no caching, no search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _not_found() -> HttpResponse:
    """The one answer for every token that does not open a report (no hint which case it was)."""
    return _private(HttpResponseNotFound(_NOT_FOUND_BODY, content_type="text/plain; charset=utf-8"))


def active_link(token: str) -> ShareLink | None:
    """The active link whose token is ``token``, else None."""
    if not _TOKEN_RE.fullmatch(token):
        return None
    link = (
        ShareLink.objects.select_related("client", "client__agency")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or not link.is_active():
        return None
    return link


def _report_of(link: ShareLink) -> Any:
    client = link.client
    return build_report(
        client,
        link.kind,
        period=None if link.period == LATEST else link.period,
        language=link.language,
        today=timezone.now().astimezone(client.tz).date(),
    )


@require_safe
def share_report(request: HttpRequest, token: str, fmt: str = "html") -> HttpResponse:
    """The report of the link: the web page at ``/r/<token>/``, a file at ``/r/<token>/<format>``."""
    from smartsmm.reports.render import FORMATS, file_name, html
    from smartsmm.reports.render import render as render_report

    link = active_link(token)
    if link is None or fmt not in _PUBLIC_FORMATS:
        return _not_found()
    try:
        report = _report_of(link)
        if fmt == "html":
            # Relative links: /r/<token>/ + "pdf" downloads the same report as a file.
            content = html.render(
                report, downloads=(("pdf", "PDF"), ("xlsx", "Excel"), ("pptx", "PowerPoint"))
            )
        else:
            content = render_report(report, fmt)
    except Exception:
        logger.exception("share link %s: the report could not be built", link.pk)
        return _not_found()
    if fmt == "html":
        response = HttpResponse(content, content_type=FORMATS["html"].content_type)
    else:
        response = HttpResponse(content, content_type=FORMATS[fmt].content_type)
        response["Content-Disposition"] = content_disposition_header(True, file_name(report, fmt)) or ""
    return _private(response)
