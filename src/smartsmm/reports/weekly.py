"""The weekly internal report: the pace of every goal, what changed since last week, collection health.

One screen long: it is read by the account manager on Monday morning, not sent to the client.
Weeks are ISO weeks (Monday to Sunday) in the client's time zone.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from smartsmm.clients.models import AccountStatus, Client
from smartsmm.core.metrics import METRICS_BY_KEY
from smartsmm.core.objectives import Objective
from smartsmm.core.periods import MonthComparison, Period, iso_week_start, week_key
from smartsmm.measurements.kpis import kpi_rows
from smartsmm.reports import common
from smartsmm.reports.common import ClientData, GoalEvaluator
from smartsmm.reports.document import (
    Cell,
    Column,
    Paragraphs,
    Report,
    ReportKind,
    Section,
    Table,
    Tone,
    ValueKind,
    text,
)
from smartsmm.reports.formatting import format_value


def last_complete_week(today: date) -> date:
    return iso_week_start(today) - timedelta(days=7)


def build_weekly(client: Client, week_start: date, *, language: str, today: date) -> Report:
    with override(language):
        return _weekly(client, iso_week_start(week_start), language, today)


def _weekly(client: Client, monday: date, language: str, today: date) -> Report:
    yesterday = today - timedelta(days=1)
    week = Period(monday, min(monday + timedelta(days=6), max(yesterday, monday)))
    is_partial = week.end < monday + timedelta(days=6)
    previous = Period(monday - timedelta(days=7), monday - timedelta(days=7) + timedelta(days=week.days - 1))
    year_ago_monday = monday - timedelta(weeks=52)
    year_ago = Period(year_ago_monday, year_ago_monday + timedelta(days=week.days - 1))
    comparison = MonthComparison(week, previous, year_ago, is_partial)
    data = ClientData.load(client, year_ago.start - timedelta(days=1), week.end)
    objectives = {Objective(o) for o in client.objectives.values_list("objective", flat=True)}
    scope = data.scope(data.accounts)
    rows = kpi_rows(scope.daily, scope.posts, scope.platforms, objectives, comparison)
    # One screen long: the KPIs of the client's objectives only; the monthly report has them all,
    # with the glossary of formulas.
    rows = [r for r in rows if r.serves_client_objective] or rows
    key = week_key(monday)
    this_title = _("Week %(week)s") % {"week": key}
    titles = (this_title, _("Week %(week)s") % {"week": week_key(previous.start)}, _("Same week a year ago"))

    goals_table, goal_notes = _goal_pace(client, week, language)
    coverages = [common.coverage(a, data.daily.get(a.pk, {}), week) for a in data.accounts]
    anomalies = common.find_anomalies(data, week)
    health_table, health_notes = _health(data, coverages)
    sections = (
        Section(
            "pace", _("Goals: pace check"), (Paragraphs(tuple(goal_notes), title=_("This week")), goals_table)
        ),
        Section(
            "changes",
            _("What changed since last week"),
            (common.kpi_table(_("All platforms"), rows, language, titles),),
        ),
        Section(
            "health",
            _("Collection health"),
            (Paragraphs(tuple(health_notes), title=_("Accounts")), health_table),
        ),
        Section(
            "anomalies", _("Anomalies"), (common.anomaly_table(anomalies, _("No anomalies this week.")),)
        ),
    )
    caveats = common.coverage_caveats(coverages)
    if is_partial:
        caveats.insert(0, _("The week is not over: it is compared with the same days of earlier weeks."))
    return Report(
        kind=ReportKind.WEEKLY,
        language=language,
        title=_("Weekly report: week %(week)s") % {"week": key},
        client_name=client.name,
        period_label=f"{common.period_text(week)} ({client.timezone})",
        generated_at=timezone.now().astimezone(client.tz),
        branding=common.client_branding(client),
        sections=sections,
        caveats=tuple(caveats),
        slug=f"weekly-{client.slug}-{key}",
    )


def _goal_pace(client: Client, week: Period, language: str) -> tuple[Table, list[str]]:
    as_of = week.end + timedelta(days=1)
    evaluator = GoalEvaluator(client, as_of)
    goals = [
        g
        for g in client.goals.select_related("objective", "account").order_by("deadline", "id")
        if g.start_date <= week.end and g.deadline >= week.start
    ]
    rows = []
    notes = []
    for goal in goals:
        metric = METRICS_BY_KEY.get(goal.metric_key)
        now = evaluator.evaluate(goal, as_of)
        before = evaluator.evaluate(goal, week.start) if goal.start_date < week.start else None
        status = str(now.get("progress", {}).get("status", "no_data"))
        progress, forecast = now.get("progress", {}), now.get("forecast", {})
        probability = forecast.get("probability") if forecast.get("status") == "ok" else None
        previous_probability = None
        if before is not None and before.get("forecast", {}).get("status") == "ok":
            previous_probability = before["forecast"].get("probability")
        delta = (
            (probability - previous_probability) * 100
            if probability is not None and previous_probability is not None
            else None
        )
        tone = common.STATUS_TONES.get(status, Tone.NEUTRAL)
        required, recent = progress.get("required_daily_pace"), progress.get("recent_daily_pace")
        pace_tone = Tone.NEUTRAL
        if isinstance(required, int | float) and isinstance(recent, int | float) and metric is not None:
            behind = recent < required if metric.higher_is_better else recent > required
            pace_tone = Tone.BAD if behind else Tone.GOOD
        rows.append(
            (
                text(common.goal_title(goal, language)),
                text(common.status_text(status), tone),
                Cell(probability, ValueKind.PROBABILITY, tone),
                Cell(
                    delta,
                    ValueKind.SIGNED,
                    Tone.GOOD if (delta or 0) > 0 else Tone.BAD if (delta or 0) < 0 else Tone.NEUTRAL,
                ),
                common.pace_cell(metric, required),
                dataclasses.replace(common.pace_cell(metric, recent), tone=pace_tone),
                Cell(goal.deadline, ValueKind.DATE),
            )
        )
        if delta is not None and abs(delta) >= 10:
            notes.append(
                _("“%(goal)s”: probability %(before)s → %(now)s this week.")
                % {
                    "goal": common.goal_title(goal, language),
                    "before": format_value(previous_probability, ValueKind.PROBABILITY, language),
                    "now": format_value(probability, ValueKind.PROBABILITY, language),
                }
            )
        if pace_tone is Tone.BAD and status in ("at_risk", "off_track"):
            notes.append(
                _("“%(goal)s” is %(status)s: the recent pace is below what the deadline needs.")
                % {"goal": common.goal_title(goal, language), "status": common.status_text(status).lower()}
            )
    if not goals:
        notes.append(_("No goals are running: set goals to check their pace."))
    elif not notes:
        notes.append(_("No goal changed noticeably this week."))
    table = Table(
        _("Goals"),
        (
            Column(_("Goal"), 3.2),
            Column(_("Status"), 1.2),
            Column(_("Probability")),
            Column(_("Change, p.p.")),
            Column(_("Required pace, a day")),
            Column(_("Recent pace, a day")),
            Column(_("Deadline")),
        ),
        tuple(rows),
        empty_text=_("The client has no goals running this week."),
    )
    return table, notes


def _health(data: ClientData, coverages: list[common.AccountCoverage]) -> tuple[Table, list[str]]:
    rows = []
    notes = []
    by_account = {c.account.pk: c for c in coverages}
    for account in data.accounts:
        c = by_account[account.pk]
        last_days = [max(s) for s in data.daily.get(account.pk, {}).values() if s]
        attention = account.status == AccountStatus.NEEDS_ATTENTION
        rows.append(
            (
                text(common.account_label(account)),
                text(account.get_status_display(), Tone.BAD if attention else Tone.NEUTRAL),
                Cell(
                    account.last_synced_at.astimezone(data.client.tz).replace(tzinfo=None)
                    if account.last_synced_at
                    else None,
                    ValueKind.DATETIME,
                ),
                Cell(max(last_days) if last_days else None, ValueKind.DATE),
                Cell(
                    c.days_total - c.days_with_data,
                    ValueKind.INTEGER,
                    Tone.WARN if c.missing else Tone.NEUTRAL,
                ),
                text(account.last_error[:200] if attention else ""),
            )
        )
        if attention:
            notes.append(
                _("%(account)s needs attention: %(error)s")
                % {"account": common.account_label(account), "error": account.last_error or _("see its page")}
            )
        elif c.missing:
            notes.append(
                _("%(account)s: no data on %(days)s.")
                % {"account": common.account_label(account), "days": common.ranges_text(c.missing)}
            )
    if not notes:
        notes.append(_("Every account was collected on every day of the week."))
    table = Table(
        _("Accounts"),
        (
            Column(_("Account"), 2.5),
            Column(_("Status"), 1.3),
            Column(_("Last synced"), 1.4),
            Column(_("Last day with data"), 1.2),
            Column(_("Days without data")),
            Column(_("Last error"), 3),
        ),
        tuple(rows),
        empty_text=_("The client has no accounts."),
    )
    return table, notes
