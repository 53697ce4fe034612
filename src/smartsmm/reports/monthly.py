"""The monthly client report: goals first, then KPIs against last month and last year, posts, a summary.

Every period is in the client's time zone (`core.periods.month_comparison`); a month that is still
running is compared with the same days of the earlier months. Goals are evaluated as they stood
at the end of the month (data up to its last day), and at the end of the month before, so that
the report says which goals changed status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from smartsmm.clients.models import Client, SocialAccount
from smartsmm.core import audit
from smartsmm.core.metrics import METRICS_BY_KEY, Metric
from smartsmm.core.objectives import Objective
from smartsmm.core.periods import MonthComparison, add_months, month_comparison
from smartsmm.goals import messages
from smartsmm.goals.evaluation import client_today
from smartsmm.goals.models import Goal
from smartsmm.measurements.kpis import KpiRow, kpi_rows
from smartsmm.reports import common
from smartsmm.reports.common import ClientData, GoalEvaluator
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
    Tone,
    ValueKind,
    text,
)
from smartsmm.reports.formatting import format_cell, format_value

LARGEST_CHANGES = 3
ANOMALIES_IN_SUMMARY = 3


@dataclass
class GoalState:
    goal: Goal
    metric: Metric | None
    now: dict[str, Any]  # evaluation at the end of the month
    before: dict[str, Any] | None  # evaluation at the end of the previous month (None: not started)

    @property
    def status(self) -> str:
        return str(self.now.get("progress", {}).get("status", "no_data"))

    @property
    def previous_status(self) -> str | None:
        if self.before is None:
            return None
        return str(self.before.get("progress", {}).get("status", "no_data"))


def build_monthly(
    client: Client, year: int, month: int, *, language: str, today: date | None = None
) -> Report:
    today = today or client_today(client)
    with override(language):
        return _MonthlyBuilder(client, year, month, language, today).build()


class _MonthlyBuilder:
    def __init__(self, client: Client, year: int, month: int, language: str, today: date) -> None:
        self.client = client
        self.language = language
        self.today = today
        self.comparison: MonthComparison = month_comparison(year, month, today)
        self.month_start = date(year, month, 1)
        py, pm = add_months(year, month, -1)
        self.previous_start = date(py, pm, 1)
        c = self.comparison
        earliest = min(c.same_month_last_year.start, c.previous_month.start) - timedelta(days=1)
        # Anomaly detection looks 28 days back from the first day of the month.
        earliest = min(earliest, c.current.start - timedelta(days=35))
        self.data = ClientData.load(client, earliest, c.current.end)
        self.objectives = {Objective(o) for o in client.objectives.values_list("objective", flat=True)}
        self.metrics_used: list[Metric] = []

    # Labels -------------------------------------------------------------------------------------

    @property
    def month_name(self) -> str:
        return common.month_label(self.month_start)

    def column_titles(self) -> tuple[str, str, str]:
        c = self.comparison
        if c.is_partial:
            return (
                _("%(month)s, days 1–%(day)s") % {"month": self.month_name, "day": c.current.end.day},
                _("%(month)s, days 1–%(day)s")
                % {"month": common.month_label(c.previous_month.start), "day": c.previous_month.end.day},
                _("%(month)s, days 1–%(day)s")
                % {
                    "month": common.month_label(c.same_month_last_year.start),
                    "day": c.same_month_last_year.end.day,
                },
            )
        return (
            self.month_name,
            common.month_label(c.previous_month.start),
            common.month_label(c.same_month_last_year.start),
        )

    # Build --------------------------------------------------------------------------------------

    def build(self) -> Report:
        c = self.comparison
        total_rows = self._rows(self.data.accounts)
        goal_states = self._goal_states()
        coverages = [common.coverage(a, self.data.daily.get(a.pk, {}), c.current) for a in self.data.accounts]
        anomalies = common.find_anomalies(self.data, c.current)
        sections = (
            # Goals first: the report exists to say whether the client's goals will be reached.
            Section("goals", _("Goals"), self._goals(goal_states)),
            Section("summary", _("Summary"), self._summary(total_rows, goal_states, anomalies, coverages)),
            Section("kpis", _("KPIs"), self._kpis(total_rows)),
            Section("posts", _("Top and bottom posts"), self._posts()),
            Section("next", _("Next month"), self._next_month(goal_states)),
            Section(
                "data",
                _("Data and anomalies"),
                (
                    common.coverage_table(coverages),
                    common.anomaly_table(anomalies, _("No anomalies this month.")),
                ),
            ),
            Section("glossary", _("Glossary"), (common.glossary_table(self.metrics_used, self.language),)),
        )
        caveats = list(common.coverage_caveats(coverages))
        if c.is_partial:
            caveats.insert(
                0,
                _(
                    "%(month)s is not over: it is compared with the same days (1–%(day)s) of the earlier months."
                )
                % {"month": self.month_name, "day": c.current.end.day},
            )
        return Report(
            kind=ReportKind.MONTHLY,
            language=self.language,
            title=_("Monthly report: %(month)s") % {"month": self.month_name},
            client_name=self.client.name,
            period_label=f"{common.period_text(c.current)} ({self.client.timezone})",
            generated_at=timezone.now().astimezone(self.client.tz),
            branding=common.client_branding(self.client),
            sections=sections,
            caveats=tuple(caveats),
            slug=f"monthly-{self.client.slug}-{self.month_start:%Y-%m}",
        )

    def _rows(self, accounts: list[SocialAccount]) -> list[KpiRow]:
        scope = self.data.scope(accounts)
        rows = kpi_rows(scope.daily, scope.posts, scope.platforms, self.objectives, self.comparison)
        self.metrics_used.extend(r.metric for r in rows)
        return rows

    # Goals --------------------------------------------------------------------------------------

    def _goal_states(self) -> list[GoalState]:
        c = self.comparison
        as_of = c.current.end + timedelta(days=1)
        before_as_of = self.month_start
        goals = [
            g
            for g in self.client.goals.select_related("objective", "account").order_by("deadline", "id")
            # Goals that ran at some point of the month.
            if g.start_date <= c.current.end and g.deadline >= c.current.start
        ]
        evaluator = GoalEvaluator(self.client, as_of)
        states = []
        for goal in goals:
            metric = METRICS_BY_KEY.get(goal.metric_key)
            if metric is not None:
                self.metrics_used.append(metric)
            now = evaluator.evaluate(goal, as_of)
            before = evaluator.evaluate(goal, before_as_of) if goal.start_date < before_as_of else None
            states.append(GoalState(goal, metric, now, before))
        return states

    def _goals(self, states: list[GoalState]) -> tuple[Table, ...]:
        rows = []
        for s in states:
            progress = s.now.get("progress", {})
            forecast = s.now.get("forecast", {})
            status = s.status
            tone = common.STATUS_TONES.get(status, Tone.NEUTRAL)
            probability = forecast.get("probability") if forecast.get("status") == "ok" else None
            rows.append(
                (
                    text(common.goal_title(s.goal, self.language)),
                    common.goal_value_cell(s.metric, s.goal.target),
                    common.goal_value_cell(s.metric, progress.get("current_value")),
                    Cell(progress.get("percent_of_way"), ValueKind.PERCENT, decimals=0),
                    text(common.status_text(status), tone),
                    Cell(probability, ValueKind.PROBABILITY, tone),
                    common.pace_cell(s.metric, progress.get("required_daily_pace")),
                    common.pace_cell(s.metric, progress.get("recent_daily_pace")),
                    Cell(s.goal.deadline, ValueKind.DATE),
                )
            )
        table = Table(
            _("Goals at the end of %(month)s") % {"month": self.month_name},
            (
                Column(_("Goal"), 3.2),
                Column(_("Target")),
                Column(_("Now")),
                Column(_("Progress")),
                Column(_("Status"), 1.2),
                Column(_("Probability")),
                Column(_("Required pace, a day")),
                Column(_("Recent pace, a day")),
                Column(_("Deadline")),
            ),
            tuple(rows),
            note=_(
                "Probability: the chance of reaching the target by the deadline, from the account's own history "
                "(a calibrated forecast). Required pace: what the goal needs each day from now; recent pace: "
                "the last weeks' average."
            ),
            empty_text=_("The client has no goals running this month."),
        )
        return (table,)

    # KPIs and charts ----------------------------------------------------------------------------

    def _kpis(self, total_rows: list[KpiRow]) -> tuple[Table | Chart, ...]:
        titles = self.column_titles()
        blocks: list[Table | Chart] = [
            common.kpi_table(_("All platforms"), total_rows, self.language, titles)
        ]
        platforms = self.data.platforms()
        if len(platforms) > 1:
            for platform in platforms:
                rows = self._rows(self.data.accounts_on(platform))
                blocks.append(common.kpi_table(common.platform_label(platform), rows, self.language, titles))
        blocks.extend(self._charts())
        return tuple(blocks)

    def _charts(self) -> list[Chart]:
        period = self.comparison.current
        days = tuple(period.iter_days())
        charts = []
        for metric, title, kind in (
            ("followers", _("Followers by day"), ChartKind.LINE),
            ("reach", _("Reach by day"), ChartKind.LINE),
            ("views", _("Views by day"), ChartKind.LINE),
        ):
            series = []
            for platform in self.data.platforms():
                scope = self.data.scope(self.data.accounts_on(platform))
                values = scope.daily.get(metric, {})
                if any(d in values for d in days):
                    series.append(Series(common.platform_label(platform), tuple(values.get(d) for d in days)))
            if series:
                charts.append(Chart(title, kind, days, tuple(series), ValueKind.INTEGER))
        return charts

    # Posts --------------------------------------------------------------------------------------

    def _posts(self) -> tuple[Table, ...]:
        period = self.comparison.current
        owned = [
            (account, post)
            for account in self.data.accounts
            for post in self.data.posts.get(account.pk, [])
            if post.published_at.date() in period
        ]
        return common.posts_tables(owned, _("No posts this month."))

    # Summary ------------------------------------------------------------------------------------

    def _summary(
        self,
        rows: list[KpiRow],
        states: list[GoalState],
        anomalies: list[tuple[SocialAccount, audit.Anomaly]],
        coverages: list[common.AccountCoverage],
    ) -> tuple[Figures | Paragraphs, ...]:
        language = self.language
        headline = [r for r in rows if r.serves_client_objective][:4] or rows[:4]
        figures = Figures(
            tuple(
                Figure(
                    r.metric.name(language),
                    common.metric_cell(r.metric, r.current),
                    _change_phrase(r, language),
                )
                for r in headline
            )
        )
        sentences: list[str] = []
        sentences.extend(self._goal_sentences(states))
        changed = [r for r in rows if r.vs_previous.percent is not None and r.vs_previous.percent != 0]
        changed.sort(key=lambda r: (-abs(r.vs_previous.percent or 0.0), r.metric.key))
        for r in changed[:LARGEST_CHANGES]:
            sentences.append(_change_sentence(r, language))
        big = sorted(anomalies, key=lambda item: (-item[1].severity, item[1].date))[:ANOMALIES_IN_SUMMARY]
        for account, a in sorted(big, key=lambda item: item[1].date):
            sentences.append(_anomaly_sentence(account, a, language))
        missing = sum(c.days_total - c.days_with_data for c in coverages)
        if missing:
            sentences.append(
                _("Some days have no data (%(count)s account-days in all): see “Data and anomalies”.")
                % {"count": missing}
            )
        if not sentences:
            sentences.append(_("No data for this month yet."))
        return (figures, Paragraphs(tuple(sentences), title=_("The month in brief")))

    def _goal_sentences(self, states: list[GoalState]) -> list[str]:
        if not states:
            return [_("No goals ran this month: set goals to measure progress against them.")]
        counts: dict[str, int] = {}
        for s in states:
            counts[s.status] = counts.get(s.status, 0) + 1
        order = list(common.STATUS_TONES)
        parts = [
            # "2 on track" / "2 — в графике": word order differs, so the pattern is translated.
            _("%(count)s %(status)s") % {"count": count, "status": common.status_text(status).lower()}
            for status, count in sorted(
                counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
            )
        ]
        sentences = [
            ngettext("%(count)s goal: %(parts)s.", "%(count)s goals: %(parts)s.", len(states))
            % {"count": len(states), "parts": ", ".join(parts)}
        ]
        for s in states:
            before = s.previous_status
            if before is not None and before != s.status and before != "no_data":
                sentences.append(
                    _("“%(goal)s” moved from “%(before)s” to “%(now)s”.")
                    % {
                        "goal": common.goal_title(s.goal, self.language),
                        "before": common.status_text(before),
                        "now": common.status_text(s.status),
                    }
                )
        return sentences

    def _next_month(self, states: list[GoalState]) -> tuple[Paragraphs | Table, ...]:
        c = self.comparison
        ny, nm = add_months(c.current.start.year, c.current.start.month, 1)
        next_start = date(ny, nm, 1)
        next_name = common.month_label(next_start)
        language = self.language
        items = []
        for s in states:
            if s.status not in ("at_risk", "off_track"):
                continue
            progress = s.now.get("progress", {})
            forecast = s.now.get("forecast", {})
            required, recent = progress.get("required_daily_pace"), progress.get("recent_daily_pace")
            items.append(
                _(
                    "“%(goal)s”: to reach %(target)s by %(deadline)s it needs %(required)s a day from now; "
                    "the recent pace is %(recent)s a day (probability %(probability)s)."
                )
                % {
                    "goal": common.goal_title(s.goal, language),
                    "target": format_cell(common.goal_value_cell(s.metric, s.goal.target), language),
                    "deadline": common.short_date(s.goal.deadline),
                    "required": _signed_pace(s.metric, required, language),
                    "recent": _signed_pace(s.metric, recent, language),
                    "probability": format_value(forecast.get("probability"), ValueKind.PROBABILITY, language),
                }
            )
        due = [s for s in states if next_start <= s.goal.deadline < date(*add_months(ny, nm, 1), 1)]
        for s in due:
            items.append(
                _("“%(goal)s” is due on %(deadline)s (%(status)s now).")
                % {
                    "goal": common.goal_title(s.goal, language),
                    "deadline": common.short_date(s.goal.deadline),
                    "status": common.status_text(s.status).lower(),
                }
            )
        if not items:
            items.append(_("No goal is at risk: keep the current pace."))
        return (
            Paragraphs(
                tuple(items), title=_("Goals that need attention in %(month)s") % {"month": next_name}
            ),
        )


# Sentences --------------------------------------------------------------------------------------


def _signed_pace(metric: Metric | None, value: Any, language: str) -> str:
    cell = common.pace_cell(metric, value)
    return format_value(cell.value, ValueKind.SIGNED, language, decimals=cell.decimals)


def _change_phrase(row: KpiRow, language: str) -> str:
    percent = row.vs_previous.percent
    if percent is None:
        return ""
    # "Month on month" rather than naming the month: Russian would need the month in the dative.
    return _("%(change)s month on month") % {
        "change": format_value(percent, ValueKind.CHANGE_PERCENT, language)
    }


def _change_sentence(row: KpiRow, language: str) -> str:
    percent = row.vs_previous.percent or 0.0
    params = {
        "kpi": row.metric.name(language),
        "percent": format_value(abs(percent), ValueKind.PERCENT, language, decimals=1),
        "now": format_cell(common.metric_cell(row.metric, row.current), language),
        "before": format_cell(common.metric_cell(row.metric, row.previous), language),
    }
    if percent > 0:
        return _("%(kpi)s rose by %(percent)s month on month: %(now)s after %(before)s.") % params
    return _("%(kpi)s fell by %(percent)s month on month: %(now)s after %(before)s.") % params


def _anomaly_sentence(account: SocialAccount, anomaly: audit.Anomaly, language: str) -> str:
    params = {
        "day": common.short_date(anomaly.date),
        "account": common.account_label(account),
        "metric": common.metric_word(anomaly.metric).lower(),
        "value": format_value(abs(anomaly.value), ValueKind.INTEGER, language),
        "cause": messages.anomaly_label(anomaly.label),
    }
    if anomaly.metric == "followers":
        if anomaly.direction == "drop":
            sentence = _("On %(day)s %(account)s lost %(value)s followers in a day") % params
        else:
            sentence = _("On %(day)s %(account)s gained %(value)s followers in a day") % params
    elif anomaly.direction == "drop":
        sentence = _("On %(day)s %(metric)s of %(account)s fell to %(value)s, far below usual") % params
    else:
        sentence = _("On %(day)s %(metric)s of %(account)s jumped to %(value)s, far above usual") % params
    return f"{sentence}: {params['cause']}." if params["cause"] else f"{sentence}."
