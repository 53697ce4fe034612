"""What a goal measures over time, its baseline, the plan line and the progress status."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from smartsmm.core.goals import (
    GoalSeries,
    ProgressStatus,
    baseline,
    chart_start,
    goal_series,
    plan_value,
    progress,
)
from smartsmm.core.metrics import METRICS_BY_KEY
from smartsmm.core.types import PostRecord

FEB27, FEB28, FEB29 = date(2024, 2, 27), date(2024, 2, 28), date(2024, 2, 29)
MAR1, MAR2, MAR3, MAR4 = (date(2024, 3, d) for d in (1, 2, 3, 4))

# Followers with a gap on 2 March and a value after the `until` used below.
FOLLOWERS = {FEB27: 90, FEB28: 100, MAR1: 110, MAR3: 125, date(2024, 3, 10): 999}
LEADS = {FEB27: 2, FEB28: 3, MAR1: 1, MAR2: 0, MAR3: 4, MAR4: 100}


def _series(metric: str, daily=None, posts=(), *, start=MAR1, until=MAR3) -> GoalSeries:
    return goal_series(METRICS_BY_KEY[metric], daily or {}, posts, start=start, until=until)


def _pairs(series: GoalSeries) -> list[tuple[date, float]]:
    return list(zip(series.dates, series.values, strict=True))


# --- LEVEL: followers and growth ------------------------------------------------------------------


def test_it_follows_the_follower_level_day_by_day_up_to_until():
    series = _series("followers", {"followers": FOLLOWERS})
    # 10 March is after `until` (3 March); the 2 March gap stays a gap.
    assert _pairs(series) == [(FEB27, 90), (FEB28, 100), (MAR1, 110), (MAR3, 125)]


def test_it_measures_follower_growth_from_the_value_before_the_start():
    series = _series("follower_growth", {"followers": FOLLOWERS})
    # Base: 28 February's 100 (the last value before the 1 March start) → value − 100.
    assert _pairs(series) == [(FEB27, -10), (FEB28, 0), (MAR1, 10), (MAR3, 25)]


def test_it_measures_follower_growth_in_percent_of_the_value_before_the_start():
    series = _series("follower_growth_pct", {"followers": FOLLOWERS})
    # (value − 100) ÷ 100 × 100
    assert _pairs(series) == [(FEB27, -10.0), (FEB28, 0.0), (MAR1, 10.0), (MAR3, 25.0)]


def test_it_measures_growth_from_the_first_value_when_data_starts_after_the_goal():
    series = _series("follower_growth", {"followers": {MAR2: 200, MAR3: 210}})
    assert _pairs(series) == [(MAR2, 0), (MAR3, 10)]


def test_it_has_no_level_series_without_followers_or_with_a_zero_base_for_percent():
    assert _series("followers").dates == ()
    assert _series("follower_growth").dates == ()
    assert _series("follower_growth_pct", {"followers": {FEB29: 0, MAR1: 10}}).dates == ()


# --- CUMULATIVE: totals since the start -----------------------------------------------------------


def test_it_totals_leads_from_the_goal_start_negative_before_it():
    series = _series("leads", {"leads": LEADS})
    # Leads before the 1 March start: 2 + 3 = 5. Running total − 5:
    #   27 Feb: 2 − 5 = −3;  28 Feb: 5 − 5 = 0 (the day before the start);
    #   1 Mar: 6 − 5 = 1;  2 Mar: 6 − 5 = 1;  3 Mar: 10 − 5 = 5;  4 Mar is after `until`.
    assert _pairs(series) == [(FEB27, -3), (FEB28, 0), (MAR1, 1), (MAR2, 1), (MAR3, 5)]


def test_it_totals_engagements_from_posts_by_their_local_publication_day():
    posts = [
        PostRecord(datetime(2024, 2, 29, 10), likes=5),  # 5, before the start
        PostRecord(datetime(2024, 3, 1, 9), likes=3),  # 3
        PostRecord(datetime(2024, 3, 1, 23, 30), likes=4, comments=3, saves=None),  # 7
        PostRecord(datetime(2024, 3, 1, 12)),  # no counters reported: 0
        PostRecord(datetime(2024, 3, 3, 8), likes=2, shares=1, saves=1),  # 4
        PostRecord(datetime(2024, 3, 5, 8), likes=100),  # after `until`
    ]
    series = _series("engagements", posts=posts)
    # Before the start: 5. 29 Feb: 5 − 5 = 0; 1 Mar: 5 + 3 + 7 + 0 − 5 = 10; 3 Mar: 10 + 4 = 14.
    assert _pairs(series) == [(FEB29, 0), (MAR1, 10), (MAR3, 14)]


def test_it_has_no_cumulative_series_without_data():
    assert _series("leads").dates == ()
    assert _series("engagements").dates == ()


# --- ROLLING: a rate over 28-day windows, weekly ----------------------------------------------------

DAY0 = date(2024, 1, 1)


def _day(i: int) -> date:
    return DAY0 + timedelta(days=i)


# 42 days (0–41): 10 site clicks a day; 1 lead a day on days 0–13, 2 a day on days 14–41.
CONVERSION_DAILY = {
    "site_clicks": {_day(i): 10 for i in range(42)},
    "leads": {_day(i): 1 if i < 14 else 2 for i in range(42)},
}


def test_it_computes_a_rolling_rate_over_28_day_windows_every_7_days_back_from_the_last_day():
    series = _series("conversion_rate", CONVERSION_DAILY, start=_day(42), until=_day(100))
    # Windows end on day 41, 34, 27 (day 20's window would start before day 0).
    assert series.dates == (_day(27), _day(34), _day(41))
    # Day 41: window days 14–41, leads 28 × 2 = 56, clicks 28 × 10 = 280 → 56 ÷ 280 × 100 = 20 %.
    # Day 34: days 7–34, leads 7 × 1 + 21 × 2 = 49 → 49 ÷ 280 × 100 = 17.5 %.
    # Day 27: days 0–27, leads 14 × 1 + 14 × 2 = 42 → 42 ÷ 280 × 100 = 15 %.
    assert series.values == pytest.approx((15.0, 17.5, 20.0))


def test_it_ends_the_rolling_series_at_until():
    series = _series("conversion_rate", CONVERSION_DAILY, start=_day(42), until=_day(40))
    assert series.dates == (_day(33), _day(40))
    # Day 40: days 13–40, leads 1 × 1 + 27 × 2 = 55 → 55 ÷ 280 × 100.
    assert series.values[-1] == pytest.approx(55 / 280 * 100)


def test_it_skips_rolling_windows_where_the_kpi_is_undefined():
    # Followers 1000 on days 0–34; one post, on day 30, with 50 engagements.
    daily = {"followers": {_day(i): 1000 for i in range(35)}}
    posts = [PostRecord(datetime(2024, 1, 31, 12), likes=50)]
    series = _series("er_followers", daily, posts, start=_day(35), until=_day(100))
    # The window ending on day 27 has no post (ER undefined): only day 34's remains,
    # 50 ÷ 1 post ÷ 1000 × 100 = 5 %.
    assert _pairs(series) == [(_day(34), pytest.approx(5.0))]


def test_it_has_no_rolling_series_with_less_than_28_days_of_data():
    daily = {
        name: {d: v for d, v in series.items() if d < _day(27)} for name, series in CONVERSION_DAILY.items()
    }
    assert _series("conversion_rate", daily, start=_day(42), until=_day(100)).dates == ()
    assert _series("conversion_rate", {}, start=_day(42), until=_day(100)).dates == ()


# --- Baseline ---------------------------------------------------------------------------------------


def _baseline(metric: str, daily=None, posts=(), *, start=MAR1):
    return baseline(METRICS_BY_KEY[metric], daily or {}, posts, start=start)


def test_it_takes_the_follower_baseline_from_the_last_day_before_the_start():
    assert _baseline("followers", {"followers": FOLLOWERS}) == (100, FEB28)
    # Starting on 3 March: the last value before it is 1 March's (2 March is a gap).
    assert _baseline("followers", {"followers": FOLLOWERS}, start=MAR3) == (110, MAR1)


def test_it_takes_the_follower_baseline_from_the_start_day_when_data_begins_that_day():
    assert _baseline("followers", {"followers": {MAR1: 200, MAR2: 210}}) == (200, MAR1)
    assert _baseline("followers", {"followers": {MAR2: 200}}) is None


@pytest.mark.parametrize(
    "metric", ["follower_growth", "follower_growth_pct", "leads", "engagements", "reach"]
)
def test_it_starts_growth_and_cumulative_goals_from_zero_on_the_start_day(metric):
    assert _baseline(metric, {"followers": FOLLOWERS, "leads": LEADS}) == (0.0, MAR1)


def test_it_takes_a_rolling_baseline_from_the_window_ending_the_day_before_the_start():
    found = _baseline("conversion_rate", CONVERSION_DAILY, start=_day(42))
    assert found is not None
    value, day = found
    assert day == _day(41)
    assert value == pytest.approx(20.0)  # 56 ÷ 280 × 100, as above


def test_it_has_no_rolling_baseline_without_a_full_window_before_the_start():
    assert _baseline("conversion_rate", CONVERSION_DAILY, start=_day(20)) is None


# --- Plan line --------------------------------------------------------------------------------------

JAN1, JAN11 = date(2024, 1, 1), date(2024, 1, 11)  # a 10-day goal


def _jan(day: int) -> date:
    return date(2024, 1, day)


def test_it_draws_a_straight_plan_line_from_baseline_to_target():
    assert plan_value(1000, 2000, JAN1, JAN11, JAN1) == 1000
    assert plan_value(1000, 2000, JAN1, JAN11, _jan(6)) == 1500  # 5 of 10 days: 1000 + 1000 × 5 ÷ 10
    assert plan_value(1000, 2000, JAN1, JAN11, _jan(3)) == 1200  # 1000 + 1000 × 2 ÷ 10
    assert plan_value(1000, 2000, JAN1, JAN11, JAN11) == 2000
    assert plan_value(50, 30, JAN1, JAN11, _jan(6)) == 40  # downwards for a lower-is-better KPI


def test_it_clamps_the_plan_line_before_the_start_and_after_the_deadline():
    assert plan_value(1000, 2000, JAN1, JAN11, date(2023, 12, 25)) == 1000
    assert plan_value(1000, 2000, JAN1, JAN11, date(2024, 2, 1)) == 2000


def test_it_draws_a_plan_line_even_when_the_deadline_is_the_start():
    assert plan_value(1000, 2000, JAN1, JAN1, JAN1) == 1000
    assert plan_value(1000, 2000, JAN1, JAN1, _jan(2)) == 2000


# --- Progress ---------------------------------------------------------------------------------------


JAN7 = _jan(7)


def _progress(values: dict[date, float], *, today=JAN7, probability=None, lower_is_better=False, **kw):
    """Higher is better: 1000 → 2000 over 1–11 January; lower is better: 50 → 30 over the same days."""
    days = sorted(values)
    base, target = (50, 30) if lower_is_better else (1000, 2000)
    args = {"baseline_value": base, "target": target, "start": JAN1, "deadline": JAN11} | kw
    return progress(
        series=GoalSeries(tuple(days), tuple(values[d] for d in days)),
        today=today,
        higher_is_better=not lower_is_better,
        probability=probability,
        recent_daily_pace=12.5,
        **args,
    )


def test_it_reports_where_a_goal_stands_on_its_latest_value():
    # Today 7 January; the latest value is 6 January's 1500, exactly on the plan line.
    result = _progress({_jan(5): 1400, _jan(6): 1500})
    assert result.current_value == 1500
    assert result.current_date == _jan(6)
    assert result.baseline_value == 1000 and result.target == 2000
    assert result.plan_value == 1500  # 1000 + 1000 × 5 ÷ 10
    assert result.percent_of_way == pytest.approx(50.0)  # (1500 − 1000) ÷ (2000 − 1000) × 100
    assert result.required_daily_pace == pytest.approx(100.0)  # (2000 − 1500) ÷ 5 days left
    assert result.recent_daily_pace == 12.5
    assert result.status is ProgressStatus.ON_TRACK


def test_it_measures_the_percent_of_the_way_beyond_both_ends():
    assert _progress({_jan(6): 2200}).percent_of_way == pytest.approx(120.0)
    assert _progress({_jan(6): 900}).percent_of_way == pytest.approx(-10.0)
    assert _progress({_jan(6): 1000}, target=1000).percent_of_way is None  # no way to go


def test_it_needs_no_pace_on_the_deadline_and_a_negative_one_downwards():
    assert _progress({JAN11: 1900}, today=JAN11).required_daily_pace is None
    # Lower is better: (30 − 42) ÷ 5 days left = −2.4 a day.
    assert _progress({_jan(6): 42}, lower_is_better=True).required_daily_pace == pytest.approx(-2.4)


def test_it_has_no_data_without_a_value_up_to_today():
    assert _progress({}).status is ProgressStatus.NO_DATA
    result = _progress({_jan(8): 1500}, today=JAN7)
    assert result.status is ProgressStatus.NO_DATA
    assert result.current_value is None and result.percent_of_way is None and result.plan_value is None


@pytest.mark.parametrize(
    ("value", "expected"), [(2000, ProgressStatus.ACHIEVED), (1999, ProgressStatus.MISSED)]
)
def test_it_settles_achieved_or_missed_after_the_deadline(value, expected):
    # The forecast no longer matters once the deadline has passed.
    assert _progress({JAN11: value}, today=_jan(12), probability=0.9).status is expected


def test_it_judges_a_finished_goal_by_the_value_on_the_deadline_not_after_it():
    result = _progress({_jan(10): 1900, JAN11: 1950, _jan(12): 2500}, today=_jan(13))
    assert (result.current_date, result.current_value) == (JAN11, 1950)
    assert result.status is ProgressStatus.MISSED


def test_it_keeps_a_goal_running_on_its_deadline_day():
    # Today is the deadline: not settled yet, so 1950 (ahead of the plan's 1900 on 10 January) is on track.
    assert _progress({_jan(10): 1950}, today=JAN11).status is ProgressStatus.ON_TRACK


@pytest.mark.parametrize(
    ("probability", "expected"),
    [
        (0.9, ProgressStatus.ON_TRACK),
        (0.5, ProgressStatus.ON_TRACK),  # at 50 %: on track
        (0.4999, ProgressStatus.AT_RISK),
        (0.2, ProgressStatus.AT_RISK),  # at 20 %: at risk
        (0.1999, ProgressStatus.OFF_TRACK),
    ],
)
def test_it_grades_a_running_goal_by_the_forecast_probability(probability, expected):
    # 6 January's 1200 is far behind the plan's 1500: the probability decides, not the plan.
    assert _progress({_jan(6): 1200}, probability=probability).status is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1600, ProgressStatus.ON_TRACK),  # ahead of the plan's 1500
        (1500, ProgressStatus.ON_TRACK),  # on the plan
        (1400, ProgressStatus.AT_RISK),  # 400 of the planned 500: exactly 80 %
        (1399, ProgressStatus.OFF_TRACK),  # 399 < 0.8 × 500
    ],
)
def test_it_grades_a_running_goal_against_the_plan_without_a_forecast(value, expected):
    assert _progress({_jan(6): value}, probability=None).status is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (38, ProgressStatus.ON_TRACK),  # below the plan's 40: ahead
        (40, ProgressStatus.ON_TRACK),  # on the plan (50 → 30 over 10 days, 5 days in)
        (42, ProgressStatus.AT_RISK),  # down 8 of the planned 10: exactly 80 %
        (43, ProgressStatus.OFF_TRACK),  # down 7 < 0.8 × 10
    ],
)
def test_it_grades_a_lower_is_better_goal_against_the_plan_downwards(value, expected):
    assert _progress({_jan(6): value}, lower_is_better=True).status is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(29, ProgressStatus.ACHIEVED), (30, ProgressStatus.ACHIEVED), (31, ProgressStatus.MISSED)],
)
def test_it_settles_a_lower_is_better_goal_when_the_value_is_at_or_below_the_target(value, expected):
    assert _progress({JAN11: value}, today=_jan(12), lower_is_better=True).status is expected


def test_it_draws_cumulative_goals_from_their_start_and_others_with_context():
    start, deadline = date(2026, 1, 1), date(2026, 12, 31)
    assert chart_start(METRICS_BY_KEY["leads"], start, deadline) == start
    # Half of the 364-day span before the start: 182 days.
    assert chart_start(METRICS_BY_KEY["followers"], start, deadline) == date(2025, 7, 3)
    # At least 60 days of context for a short goal.
    assert chart_start(METRICS_BY_KEY["err"], start, date(2026, 2, 1)) == date(2025, 11, 2)


def test_it_starts_rolling_windows_only_once_every_input_is_tracked():
    # Clicks are tracked from day 0, leads only from day 30: a window covering days before 30 would
    # read as a low conversion. The first window ends on day 30 + 27 = 57.
    clicks = {_day(i): 100 for i in range(70)}
    leads = {_day(i): 5 for i in range(30, 70)}
    series = _series(
        "conversion_rate", {"site_clicks": clicks, "leads": leads}, [], start=_day(70), until=_day(69)
    )
    assert series.dates[0] >= _day(57)
    assert all(v == pytest.approx(5.0) for v in series.values)
