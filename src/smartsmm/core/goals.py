"""What a goal measures over time, its baseline, and its progress against the plan.

A goal compares one KPI over a scope with a target at a deadline. What "the value at the deadline"
means depends on the KPI's goal measure (see `metrics.GoalMeasure`):

- LEVEL: the KPI's value on that day (followers; net growth since the goal's start);
- CUMULATIVE: the total from the goal's start to that day (reach, views, leads …), baseline 0;
- ROLLING: the KPI over the 28 days ending that day (rates such as ER or conversion).

`goal_series` turns stored daily data and posts into that measure's history, which is what the
forecast extrapolates and what the progress chart draws.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from smartsmm.core.metrics import ROLLING_WINDOW_DAYS, GoalMeasure, Metric, PeriodData
from smartsmm.core.periods import Period
from smartsmm.core.types import DailySeries, PostRecord

# Rolling KPIs are recomputed once a week: daily values of a 28-day window are strongly
# autocorrelated and would only slow the forecast down.
ROLLING_STEP_DAYS = 7


@dataclass(frozen=True)
class GoalSeries:
    dates: tuple[date, ...]
    values: tuple[float, ...]

    @property
    def last(self) -> tuple[date, float] | None:
        if not self.dates:
            return None
        return self.dates[-1], self.values[-1]

    def value_on_or_before(self, day: date) -> tuple[date, float] | None:
        index = bisect.bisect_right(self.dates, day) - 1
        if index < 0:
            return None
        return self.dates[index], self.values[index]


def _daily_post_totals(posts: Sequence[PostRecord]) -> dict[date, float]:
    totals: dict[date, float] = {}
    for post in posts:
        day = post.published_at.date()
        totals[day] = totals.get(day, 0.0) + post.engagements
    return totals


def _flow_series(
    metric: Metric, daily: Mapping[str, DailySeries], posts: Sequence[PostRecord]
) -> DailySeries:
    if metric.key == "engagements":
        return _daily_post_totals(posts)
    (name,) = tuple(metric.inputs)
    return daily.get(name, {})


def goal_series(
    metric: Metric,
    daily: Mapping[str, DailySeries],
    posts: Sequence[PostRecord],
    *,
    start: date,
    until: date,
) -> GoalSeries:
    """The history of what a goal on `metric` measures, up to `until` (inclusive).

    Posts must carry local publication times (the caller converts them to the client's timezone).
    """
    if metric.goal_measure is GoalMeasure.LEVEL:
        followers = {d: v for d, v in daily.get("followers", {}).items() if d <= until}
        days = sorted(followers)
        if metric.key == "followers":
            return GoalSeries(tuple(days), tuple(followers[d] for d in days))
        base = _value_before(followers, start)
        if base is None:
            return GoalSeries((), ())
        if metric.key == "follower_growth":
            return GoalSeries(tuple(days), tuple(followers[d] - base for d in days))
        if base == 0:
            return GoalSeries((), ())
        return GoalSeries(tuple(days), tuple((followers[d] - base) / base * 100.0 for d in days))

    if metric.goal_measure is GoalMeasure.CUMULATIVE:
        flow = {d: v for d, v in _flow_series(metric, daily, posts).items() if d <= until}
        days = sorted(flow)
        if not days:
            return GoalSeries((), ())
        # Cumulative total relative to the goal's start: negative before it, so that the history
        # before the goal still tells the forecast how fast the total grows.
        before_start = sum(v for d, v in flow.items() if d < start)
        running = 0.0
        values = []
        for day in days:
            running += flow[day]
            values.append(running - before_start)
        return GoalSeries(tuple(days), tuple(values))

    return _rolling_series(metric, daily, posts, until=until)


def chart_start(metric: Metric, start: date, deadline: date) -> date:
    """The first day of a goal's history worth drawing next to its plan.

    A cumulative goal starts at zero on its start date, so its history before that is not shown; other
    goals show a stretch before the start as long as half the goal's span (at least 60 days) for context.
    """
    if metric.goal_measure is GoalMeasure.CUMULATIVE:
        return start
    return start - timedelta(days=max(60, (deadline - start).days // 2))


def _value_before(series: Mapping[date, float], start: date) -> float | None:
    before = [d for d in series if d < start]
    if before:
        return series[max(before)]
    after = [d for d in series if d >= start]
    return series[min(after)] if after else None


def _data_span(
    metric: Metric, daily: Mapping[str, DailySeries], posts: Sequence[PostRecord]
) -> tuple[date, date] | None:
    """The days on which every input of the KPI is tracked.

    A window must not start before one of its inputs was tracked: conversion measured while only
    clicks were tracked (leads came later) would read as a low conversion and mislead the forecast.
    """
    starts: list[date] = []
    ends: list[date] = []
    post_days = [p.published_at.date() for p in posts]
    for name in metric.inputs:
        if name.startswith("post."):
            if not post_days:
                return None
            continue
        series = daily.get(name)
        if not series:
            return None
        starts.append(min(series))
        ends.append(max(series))
    if not starts:
        # A KPI of posts alone: posts are events, not a tracked series, so only they bound it.
        return min(post_days), max(post_days)
    first, last = max(starts), min(ends)
    return (first, last) if first <= last else None


def _rolling_series(
    metric: Metric, daily: Mapping[str, DailySeries], posts: Sequence[PostRecord], *, until: date
) -> GoalSeries:
    span = _data_span(metric, daily, posts)
    if span is None:
        return GoalSeries((), ())
    first, last = span
    end = min(last, until)
    sorted_posts = sorted(posts, key=lambda p: p.published_at)
    post_days = [p.published_at.date() for p in sorted_posts]
    window = timedelta(days=ROLLING_WINDOW_DAYS - 1)
    points: list[tuple[date, float]] = []
    day = end
    while day - window >= first:
        period = Period(day - window, day)
        lo = bisect.bisect_left(post_days, period.start)
        hi = bisect.bisect_right(post_days, period.end)
        sliced = {
            name: {d: v for d, v in series.items() if period.start - timedelta(days=1) <= d <= period.end}
            for name, series in daily.items()
        }
        value = metric.compute(PeriodData(period, sliced, sorted_posts[lo:hi]))
        if value is not None:
            points.append((day, value))
        day -= timedelta(days=ROLLING_STEP_DAYS)
    points.reverse()
    return GoalSeries(tuple(d for d, _ in points), tuple(v for _, v in points))


def baseline(
    metric: Metric, daily: Mapping[str, DailySeries], posts: Sequence[PostRecord], *, start: date
) -> tuple[float, date] | None:
    """The goal's starting point taken from the data: (value, the day it refers to)."""
    if metric.goal_measure is GoalMeasure.CUMULATIVE or metric.key in {
        "follower_growth",
        "follower_growth_pct",
    }:
        return 0.0, start
    series = goal_series(metric, daily, posts, start=start, until=start - timedelta(days=1))
    if series.last is None:
        series = goal_series(metric, daily, posts, start=start, until=start)
    found = series.last
    if found is None:
        return None
    day, value = found
    return value, day


class ProgressStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    ACHIEVED = "achieved"
    MISSED = "missed"
    NO_DATA = "no_data"


# Probability bands for the status of a running goal; the same bands drive the Achievable check.
ON_TRACK_PROBABILITY = 0.5
AT_RISK_PROBABILITY = 0.2


@dataclass(frozen=True)
class Progress:
    current_value: float | None
    current_date: date | None
    baseline_value: float
    target: float
    percent_of_way: float | None  # 0 at the baseline, 100 at the target
    plan_value: float | None  # where the plan line is on current_date
    status: ProgressStatus
    required_daily_pace: float | None
    recent_daily_pace: float | None


def plan_value(baseline_value: float, target: float, start: date, deadline: date, day: date) -> float:
    """The straight plan line from the baseline at the start to the target at the deadline."""
    total = max((deadline - start).days, 1)
    elapsed = min(max((day - start).days, 0), total)
    return baseline_value + (target - baseline_value) * elapsed / total


def progress(
    *,
    series: GoalSeries,
    baseline_value: float,
    target: float,
    start: date,
    deadline: date,
    today: date,
    higher_is_better: bool,
    probability: float | None,
    recent_daily_pace: float | None,
) -> Progress:
    """Where a goal stands today against its plan, and its status.

    Status rule: after the deadline, achieved or missed by the value at the deadline. Before it, the
    forecast's probability decides (≥ 50 % on track, ≥ 20 % at risk, else off track); without a
    forecast, the value against the plan line decides (at or ahead of plan on track, at least 80 %
    of the planned way at risk).
    """
    sign = 1.0 if higher_is_better else -1.0
    latest = series.value_on_or_before(min(today, deadline))
    if latest is None:
        return Progress(
            None, None, baseline_value, target, None, None, ProgressStatus.NO_DATA, None, recent_daily_pace
        )
    current_date, current = latest
    span = target - baseline_value
    percent = (current - baseline_value) / span * 100.0 if span != 0 else None
    planned = plan_value(baseline_value, target, start, deadline, current_date)
    days_left = (deadline - current_date).days
    required = (target - current) / days_left if days_left > 0 else None
    reached = sign * (current - target) >= 0
    if today > deadline:
        status = ProgressStatus.ACHIEVED if reached else ProgressStatus.MISSED
    elif probability is not None:
        if probability >= ON_TRACK_PROBABILITY:
            status = ProgressStatus.ON_TRACK
        elif probability >= AT_RISK_PROBABILITY:
            status = ProgressStatus.AT_RISK
        else:
            status = ProgressStatus.OFF_TRACK
    else:
        planned_way = sign * (planned - baseline_value)
        done_way = sign * (current - baseline_value)
        if done_way >= planned_way:
            status = ProgressStatus.ON_TRACK
        elif done_way >= 0.8 * planned_way:
            status = ProgressStatus.AT_RISK
        else:
            status = ProgressStatus.OFF_TRACK
    return Progress(
        current_value=current,
        current_date=current_date,
        baseline_value=baseline_value,
        target=target,
        percent_of_way=percent,
        plan_value=planned,
        status=status,
        required_daily_pace=required,
        recent_daily_pace=recent_daily_pace,
    )
