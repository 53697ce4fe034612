"""The express audit of one account, exported like the other reports (PDF, XLSX, PPTX, HTML).

The same measures as the account page (core.audit) over a window of complete days, compared with
the window of equal length before it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from smartsmm.clients.models import SocialAccount
from smartsmm.core import audit
from smartsmm.core.objectives import Objective
from smartsmm.core.periods import MonthComparison, Period
from smartsmm.measurements.kpis import kpi_rows
from smartsmm.reports import common
from smartsmm.reports.common import ClientData
from smartsmm.reports.document import (
    Cell,
    Chart,
    ChartKind,
    Column,
    Figure,
    Figures,
    Paragraphs,
    Report,
    ReportKind,
    Section,
    Series,
    Table,
    ValueKind,
    text,
)
from smartsmm.reports.formatting import format_value

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def build_audit(account: SocialAccount, start: date, end: date, *, language: str) -> Report:
    with override(language):
        return _audit(account, Period(start, end), language)


def _audit(account: SocialAccount, window: Period, language: str) -> Report:
    client = account.client
    previous = window.shifted_before()
    year_ago = Period(window.start - timedelta(days=364), window.end - timedelta(days=364))
    comparison = MonthComparison(window, previous, year_ago, False)
    start = min(year_ago.start, previous.start - timedelta(days=35)) - timedelta(days=1)
    data = ClientData.load(client, start, window.end, only=account)
    scope = data.scope(data.accounts)
    objectives = {Objective(o) for o in client.objectives.values_list("objective", flat=True)}
    rows = kpi_rows(scope.daily, scope.posts, scope.platforms, objectives, comparison)
    posts_now = [p for p in scope.posts if p.published_at.date() in window]
    followers = scope.daily.get("followers", {})
    summary = audit.follower_summary(followers, window.start, window.end)
    rhythm = audit.posting_rhythm(posts_now, window.start, window.end, client.tz)
    hours = audit.best_hours(posts_now, client.tz)
    coverages = [common.coverage(account, data.daily.get(account.pk, {}), window)]
    anomalies = common.find_anomalies(data, window)
    titles = (_("This window"), _("The window before"), _("A year earlier"))

    figures = Figures(
        (
            Figure(_("Followers"), Cell(summary.end_value, ValueKind.INTEGER)),
            Figure(
                _("Growth in the window"),
                Cell(summary.growth_abs, ValueKind.SIGNED),
                format_value(summary.growth_pct, ValueKind.CHANGE_PERCENT, language)
                if summary.growth_pct is not None
                else "",
            ),
            Figure(_("Posts a week"), Cell(rhythm.posts_per_week, ValueKind.NUMBER)),
            Figure(_("Weeks with posts"), Cell(rhythm.regularity, ValueKind.PROBABILITY)),
        )
    )
    sentences = []
    if summary.worst_day is not None and summary.worst_day.change < 0:
        sentences.append(
            _("The worst day was %(day)s: %(change)s followers.")
            % {
                "day": common.short_date(summary.worst_day.date),
                "change": format_value(summary.worst_day.change, ValueKind.SIGNED, language),
            }
        )
    if rhythm.longest_gap_days >= 7 and rhythm.longest_gap_start and rhythm.longest_gap_end:
        sentences.append(
            _("The longest pause without posts: %(days)s days (%(first)s–%(last)s).")
            % {
                "days": rhythm.longest_gap_days,
                "first": common.short_date(rhythm.longest_gap_start),
                "last": common.short_date(rhythm.longest_gap_end),
            }
        )
    for cell in hours.top_cells[:1]:
        sentences.append(
            _("The best time to post: %(weekday)s, %(hour)s:00.")
            % {"weekday": _weekday_name(cell.weekday), "hour": f"{cell.hour:02d}"}
        )
    if anomalies:
        sentences.append(_("%(count)s anomalous days: see “Data and anomalies”.") % {"count": len(anomalies)})
    if not sentences:
        sentences.append(_("Nothing unusual in this window."))

    days = tuple(window.iter_days())
    charts: list[Chart] = []
    if any(d in followers for d in days):
        charts.append(
            Chart(
                _("Followers by day"),
                ChartKind.LINE,
                days,
                (Series(_("Followers"), tuple(followers.get(d) for d in days)),),
            )
        )
    weeks = tuple(sorted(rhythm.weekly))
    if weeks:
        charts.append(
            Chart(
                _("Posts by week"),
                ChartKind.BAR,
                weeks,
                (Series(_("Posts"), tuple(float(rhythm.weekly[w]) for w in weeks)),),
            )
        )
    weekday_table = Table(
        _("Posting by weekday"),
        (Column(_("Weekday"), 1.5), Column(_("Posts")), Column(_("Mean rate"))),
        tuple(
            (
                text(_weekday_name(i)),
                Cell(rhythm.by_weekday[i], ValueKind.INTEGER),
                _rate_cell(hours.weekday_means[i], hours.rate_basis),
            )
            for i in range(7)
        ),
        note=_rate_note(hours.rate_basis),
    )
    best = Table(
        _("Best posting times"),
        (Column(_("Weekday"), 1.5), Column(_("Hour")), Column(_("Posts")), Column(_("Mean rate"))),
        tuple(
            (
                text(_weekday_name(c.weekday)),
                text(f"{c.hour:02d}:00"),
                Cell(c.count, ValueKind.INTEGER),
                _rate_cell(c.mean, hours.rate_basis),
            )
            for c in hours.top_cells
        ),
        empty_text=_("Too few posts to name the best times."),
    )
    owned = [(account, p) for p in posts_now]
    sections = (
        Section("summary", _("Summary"), (figures, Paragraphs(tuple(sentences), title=_("In brief")))),
        Section("kpis", _("KPIs"), (common.kpi_table(_("KPIs"), rows, language, titles), *charts)),
        Section("rhythm", _("Posting rhythm and best times"), (weekday_table, best)),
        Section(
            "posts", _("Top and bottom posts"), common.posts_tables(owned, _("No posts in this window."))
        ),
        Section(
            "data",
            _("Data and anomalies"),
            (
                common.coverage_table(coverages),
                common.anomaly_table(anomalies, _("No anomalies in this window.")),
            ),
        ),
        Section("glossary", _("Glossary"), (common.glossary_table([r.metric for r in rows], language),)),
    )
    return Report(
        kind=ReportKind.AUDIT,
        language=language,
        title=_("Account audit: %(account)s") % {"account": common.account_label(account)},
        client_name=client.name,
        period_label=f"{common.period_text(window)} ({client.timezone})",
        generated_at=timezone.now().astimezone(client.tz),
        branding=common.client_branding(client),
        sections=sections,
        caveats=tuple(common.coverage_caveats(coverages)),
        slug=f"audit-{client.slug}-{account.platform}-{account.ref_key or account.pk}-{window.end:%Y-%m-%d}",
    )


def _weekday_name(index: int) -> str:
    names = (
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    )
    return names[index]


def _rate_cell(value: float | None, basis: str) -> Cell:
    if value is None:
        return Cell(None, ValueKind.PERCENT)
    if basis == "engagements":
        return Cell(value, ValueKind.NUMBER)
    return Cell(value * 100, ValueKind.PERCENT)


def _rate_note(basis: str) -> str:
    return {
        "views": _("Rate: engagements ÷ views of each post, averaged."),
        "reach": _("Rate: engagements ÷ reach of each post, averaged."),
        "engagements": _("Rate: engagements per post (views and reach are missing for most posts)."),
    }[basis]
