"""The client page's KPI table: a month against the previous month and the same month last year."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import timedelta

from smartsmm.clients.models import Client, SocialAccount
from smartsmm.core.metrics import METRICS, Metric, PeriodData
from smartsmm.core.objectives import Objective, Platform
from smartsmm.core.periods import Change, MonthComparison, Period
from smartsmm.core.types import DailySeries, PostRecord
from smartsmm.measurements.queries import scope_data


@dataclass(frozen=True)
class KpiRow:
    metric: Metric
    current: float | None
    previous: float | None
    year_ago: float | None
    serves_client_objective: bool

    @property
    def vs_previous(self) -> Change:
        return Change(self.current, self.previous)

    @property
    def vs_year_ago(self) -> Change:
        return Change(self.current, self.year_ago)

    def is_improvement(self, change: Change) -> bool | None:
        if change.absolute is None or change.absolute == 0:
            return None
        return (change.absolute > 0) == self.metric.higher_is_better

    @property
    def previous_trend(self) -> str:
        return _trend_class(self.is_improvement(self.vs_previous))

    @property
    def year_trend(self) -> str:
        return _trend_class(self.is_improvement(self.vs_year_ago))


def _trend_class(improved: bool | None) -> str:
    return "" if improved is None else ("better" if improved else "worse")


def _posts_in(posts: Sequence[PostRecord], period: Period) -> list[PostRecord]:
    return [p for p in posts if p.published_at.date() in period]


def kpi_table(client: Client, accounts: Sequence[SocialAccount], comparison: MonthComparison) -> list[KpiRow]:
    """Every KPI the scope's platforms provide and that has data in one of the three periods.

    KPIs serving the client's objectives come first, in catalogue order.
    """
    if not accounts:
        return []
    earliest = min(comparison.same_month_last_year.start, comparison.previous_month.start)
    # One day more before the earliest period: stock KPIs read the value the day before a period.
    data = scope_data(accounts, client.tz, start=earliest - timedelta(days=1), end=comparison.current.end)
    objectives = {Objective(o) for o in client.objectives.values_list("objective", flat=True)}
    return kpi_rows(data.daily, data.posts, data.platforms, objectives, comparison)


def kpi_rows(
    daily: Mapping[str, DailySeries],
    posts: Sequence[PostRecord],
    platforms: frozenset[Platform],
    objectives: Set[Objective],
    comparison: MonthComparison,
) -> list[KpiRow]:
    """The KPI table of already loaded data (a scope's merged daily series and its posts)."""
    rows = []
    periods = (comparison.current, comparison.previous_month, comparison.same_month_last_year)
    posts_by_period = [_posts_in(posts, period) for period in periods]
    for metric in METRICS:
        if not (metric.platforms & platforms):
            continue
        values = [
            metric.compute(PeriodData(period, daily, period_posts))
            for period, period_posts in zip(periods, posts_by_period, strict=True)
        ]
        if all(v is None for v in values):
            continue
        rows.append(
            KpiRow(
                metric=metric,
                current=values[0],
                previous=values[1],
                year_ago=values[2],
                serves_client_objective=bool(metric.objectives & objectives),
            )
        )
    rows.sort(key=lambda r: not r.serves_client_objective)
    return rows
