"""Building a report for a client: the one entry point of the CLI, the web app and scheduled delivery."""

from __future__ import annotations

from datetime import date, timedelta

from smartsmm.clients.models import Client, SocialAccount
from smartsmm.core.periods import add_months, parse_month_key, parse_week_key
from smartsmm.goals.evaluation import client_today
from smartsmm.reports.document import Report, ReportKind

LANGUAGES = ("ru", "en")


def report_language(code: str | None) -> str:
    """The report language for a UI language code ("en-us" -> "en"); Russian for anything else.

    Every entry point passes its active language as is; the builders speak only ru and en."""
    return "en" if (code or "ru").lower().startswith("en") else "ru"


class ReportError(ValueError):
    """A report cannot be built as asked (a bad period, an unknown kind); the message says why."""


def build_report(
    client: Client,
    kind: ReportKind | str,
    *,
    period: str | None = None,
    language: str = "ru",
    today: date | None = None,
) -> Report:
    """The client's monthly (`period` = "YYYY-MM") or weekly (`period` = "YYYY-Www") report.

    Without a period: the last complete month or ISO week in the client's time zone.
    """
    from smartsmm.reports import monthly, weekly

    today = today or client_today(client)
    language = report_language(language)
    try:
        kind = ReportKind(kind)
    except ValueError:
        raise ReportError(f"kind: expected monthly or weekly, got {kind!r}") from None
    try:
        if kind is ReportKind.MONTHLY:
            year, month = parse_month_key(period) if period else add_months(today.year, today.month, -1)
            if date(year, month, 1) > today:
                raise ReportError(f"month: {year:04d}-{month:02d} has not started yet in {client.timezone}")
            return monthly.build_monthly(client, year, month, language=language, today=today)
        if kind is ReportKind.WEEKLY:
            week_start = parse_week_key(period) if period else weekly.last_complete_week(today)
            if week_start > today:
                raise ReportError(f"week: {period} has not started yet in {client.timezone}")
            return weekly.build_weekly(client, week_start, language=language, today=today)
    except ValueError as error:
        if isinstance(error, ReportError):
            raise
        raise ReportError(str(error)) from None
    raise ReportError(f"kind: {kind} reports are built per account (build_audit)")


def build_audit(
    account: SocialAccount, *, days: int = 90, language: str = "ru", today: date | None = None
) -> Report:
    """The express audit of one account over the last `days` complete days."""
    from smartsmm.reports import audit_report

    if days < 7 or days > 3 * 366:
        raise ReportError(f"days: expected 7 to {3 * 366}, got {days}")
    today = today or client_today(account.client)
    language = report_language(language)
    end = today - timedelta(days=1)
    return audit_report.build_audit(account, end - timedelta(days=days - 1), end, language=language)
