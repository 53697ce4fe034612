"""Reports in the web app: the monthly and weekly report of a client, the audit of an account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smartsmm.core.periods import add_months, iso_week_start, month_key, week_key
from smartsmm.goals.evaluation import client_today
from smartsmm.reports.document import Report, ReportKind
from smartsmm.reports.render import FORMATS, file_name
from smartsmm.reports.render import render as render_report
from smartsmm.reports.render.html import render_body
from smartsmm.reports.service import ReportError, build_audit, build_report
from smartsmm.reports.views import can_manage
from smartsmm.web.access import with_access

CLIENT_KINDS = (ReportKind.MONTHLY, ReportKind.WEEKLY)
MONTHS_OFFERED = 24
WEEKS_OFFERED = 16


def _kind(request: HttpRequest) -> ReportKind:
    value = request.GET.get("kind", ReportKind.MONTHLY)
    return ReportKind(value) if value in CLIENT_KINDS else ReportKind.MONTHLY


def _download(report: Report, format_key: str) -> HttpResponse:
    response = HttpResponse(render_report(report, format_key), content_type=FORMATS[format_key].content_type)
    disposition = "inline" if format_key == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{file_name(report, format_key)}"'
    return response


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "web/error.html", {"message": message}, status=400)


@with_access
def client_reports(request: HttpRequest, slug: str) -> HttpResponse:
    """The report page: pick a kind and a period, read the report, download it in any format."""
    client = request.access.client(slug)  # type: ignore[attr-defined]
    kind = _kind(request)
    period = request.GET.get("period") or None
    today = client_today(client)
    context: dict[str, Any] = {
        "client": client,
        "kind": kind,
        "period": period or "",
        "periods": _periods(kind, today),
        "formats": [f for f in FORMATS if f != "html"],
        "error": "",
        "body": "",
        "can_manage": can_manage(request.access),  # type: ignore[attr-defined]
    }
    status = 200
    try:
        report = build_report(client, kind, period=period, language=get_language() or "ru", today=today)
        context["body"] = render_body(report)
        context["report"] = report
        context["query"] = f"kind={kind}&period={period}" if period else f"kind={kind}"
    except ReportError as error:
        context["error"] = str(error)
        status = 400
    return render(request, "web/reports.html", context, status=status)


@with_access
def client_report_download(request: HttpRequest, slug: str, format_key: str) -> HttpResponse:
    client = request.access.client(slug)  # type: ignore[attr-defined]
    if format_key not in FORMATS:
        return _bad_request(request, _("Unknown format %(format)s.") % {"format": format_key})
    try:
        report = build_report(
            client,
            _kind(request),
            period=request.GET.get("period") or None,
            language=get_language() or "ru",
        )
    except ReportError as error:
        return _bad_request(request, str(error))
    return _download(report, format_key)


@with_access
def account_audit_download(request: HttpRequest, pk: int, format_key: str) -> HttpResponse:
    account = request.access.account(pk)  # type: ignore[attr-defined]
    if format_key not in FORMATS:
        return _bad_request(request, _("Unknown format %(format)s.") % {"format": format_key})
    try:
        days = int(request.GET.get("days", "90"))
        report = build_audit(account, days=days, language=get_language() or "ru")
    except ValueError as error:  # ReportError too
        return _bad_request(
            request, str(error) if isinstance(error, ReportError) else _("days: expected a number")
        )
    return _download(report, format_key)


def _periods(kind: ReportKind, today: Any) -> list[tuple[str, str]]:
    """(value, label) of the periods offered in the picker, newest first; the first is the default."""
    from smartsmm.reports.common import month_label

    choices = []
    if kind is ReportKind.MONTHLY:
        year, month = today.year, today.month
        for offset in range(MONTHS_OFFERED):
            y, m = add_months(year, month, -offset)
            label = month_label(today.replace(year=y, month=m, day=1))
            if offset == 0:
                label = _("%(month)s (so far)") % {"month": label}
            choices.append((month_key(y, m), label))
        return choices[1:] + choices[:1]
    monday = iso_week_start(today)
    for offset in range(WEEKS_OFFERED):
        start = monday - timedelta(weeks=offset)
        label = week_key(start)
        if offset == 0:
            label = _("%(week)s (so far)") % {"week": label}
        choices.append((week_key(start), label))
    return choices[1:] + choices[:1]
