"""Tests for the goal forecast (pure core: no database, no Django)."""

from __future__ import annotations

import csv
import itertools
import json
import math
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartsmm.core import forecast as forecast_module
from smartsmm.core.forecast import FanPoint, GoalForecast, forecast_goal

# The shared folder sits beside the repository checkout: <parent>/main/tests/core/this_file.py.
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "follower-history"
START = date(2024, 1, 1)


def _day(offset: int) -> date:
    return START + timedelta(days=offset)


def _linear_series(
    days: int = 180, per_day: float = 25.0, start: float = 1000.0
) -> tuple[list[date], list[float]]:
    dates = [_day(i) for i in range(days)]
    values = [start + per_day * i for i in range(days)]
    return dates, values


def _read_history(name: str) -> tuple[list[date], list[float]]:
    with (SHARED_DATA / name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [date.fromisoformat(row["date"]) for row in rows], [float(row["value"]) for row in rows]


def _assert_valid(result: GoalForecast) -> None:
    """Invariants every answer must satisfy, whatever the input."""
    assert isinstance(result, GoalForecast)
    assert result.status in {"ok", "insufficient_history"}
    if result.status == "ok":
        assert result.reason == ""
        assert result.probability is not None
        assert 0.0 <= result.probability <= 1.0
        assert result.p10 is not None and result.p50 is not None and result.p90 is not None
        assert result.p10 <= result.p50 <= result.p90
        assert result.safe_target is not None and result.ambitious_target is not None
        assert result.safe_target <= result.realistic_target <= result.ambitious_target
        for point in result.fan:
            assert point.p10 <= point.p50 <= point.p90
    else:
        assert result.reason
        assert result.probability is None
        assert result.p10 is None and result.p50 is None and result.p90 is None
        assert result.fan == ()
    json.dumps(result.to_dict(), allow_nan=False)


# 1. Acceptance criteria of the issue ----------------------------------------------------------


def test_it_gives_high_probability_to_a_target_below_the_steady_pace() -> None:
    dates, values = _linear_series()
    deadline = dates[-1] + timedelta(days=90)

    result = forecast_goal(dates, values, values[-1] + 20 * 90, deadline)

    assert result.status == "ok"
    assert result.method == "ets-damped-weekly"
    assert result.probability is not None and result.probability >= 0.9


def test_it_gives_low_probability_to_a_target_above_the_steady_pace() -> None:
    dates, values = _linear_series()
    deadline = dates[-1] + timedelta(days=90)

    result = forecast_goal(dates, values, values[-1] + 40 * 90, deadline)

    assert result.status == "ok"
    assert result.probability is not None and result.probability <= 0.1


def test_it_reports_paces_and_a_projected_date_on_a_steady_series() -> None:
    dates, values = _linear_series()
    deadline = dates[-1] + timedelta(days=90)

    result = forecast_goal(dates, values, values[-1] + 20 * 90, deadline)

    assert result.recent_daily_pace == pytest.approx(25.0)
    assert result.required_daily_pace == pytest.approx(20.0)
    assert result.last_date == dates[-1] and result.last_value == values[-1]
    assert result.horizon_days == 90
    # At 25/day the +1800 target is due after 72 days; damping may delay it a little, not past D.
    assert result.projected_date is not None
    assert dates[-1] + timedelta(days=72) <= result.projected_date <= deadline
    # A perfectly straight line still gets a non-degenerate spread (the innovation floor).
    assert result.p10 < result.p50 < result.p90


# 2. Real data -----------------------------------------------------------------------------------


def test_it_forecasts_the_real_twitter_follower_history() -> None:
    path = SHARED_DATA / "twitter.csv"
    assert path.is_file(), f"shared data not found at {path}"
    dates, values = _read_history("twitter.csv")
    last = max(dates)
    last_value = values[dates.index(last)]

    result = forecast_goal(dates, values, last_value * 1.10, last + timedelta(days=180))

    assert result.status == "ok", result.reason
    assert result.probability is not None and 0.0 < result.probability < 1.0
    assert result.p10 <= result.p50 <= result.p90
    _assert_valid(result)


# 3. Odd inputs never raise ------------------------------------------------------------------


def test_it_reports_insufficient_history_for_empty_input() -> None:
    result = forecast_goal([], [], 100.0, _day(30))

    _assert_valid(result)
    assert result.status == "insufficient_history"
    assert result.last_date is None and result.required_daily_pace is None


def test_it_reports_insufficient_history_for_one_point_but_keeps_the_required_pace() -> None:
    result = forecast_goal([_day(0)], [10.0], 110.0, _day(10))

    _assert_valid(result)
    assert result.status == "insufficient_history"
    assert result.required_daily_pace == pytest.approx(10.0)
    assert result.recent_daily_pace is None


def test_it_reports_insufficient_history_below_six_weekly_points() -> None:
    dates = [_day(i) for i in range(30)]  # 30 days → 5 weekly points

    result = forecast_goal(dates, [float(i) for i in range(30)], 100.0, _day(60))

    _assert_valid(result)
    assert result.status == "insufficient_history"
    assert "6 weekly points, got 5" in result.reason
    assert result.recent_daily_pace == pytest.approx(1.0)
    assert result.required_daily_pace == pytest.approx((100.0 - 29.0) / 31)


def test_it_handles_a_constant_series() -> None:
    dates = [_day(i) for i in range(100)]

    above = forecast_goal(dates, [500.0] * 100, 600.0, _day(190))
    at = forecast_goal(dates, [500.0] * 100, 500.0, _day(190))

    _assert_valid(above)
    _assert_valid(at)
    assert above.status == "ok" and above.probability is not None and above.probability < 0.05
    assert above.recent_daily_pace == 0.0
    assert at.projected_date == dates[-1]  # already reached


def test_it_handles_a_decreasing_series() -> None:
    dates = [_day(i) for i in range(100)]
    values = [5000.0 - 10 * i for i in range(100)]

    result = forecast_goal(dates, values, 5000.0, _day(190))

    _assert_valid(result)
    assert result.status == "ok"
    assert result.probability is not None and result.probability < 0.05
    assert result.recent_daily_pace == pytest.approx(-10.0)
    assert result.p50 is not None and result.p50 < values[-1]


def test_it_drops_nan_and_infinite_values() -> None:
    dates = [_day(i) for i in range(100)]
    values = [float("nan") if i % 3 else float(i) for i in range(100)]
    values[99] = math.inf

    result = forecast_goal(dates, values, 200.0, _day(190))

    _assert_valid(result)
    assert result.status == "ok"
    assert result.last_date == _day(96) and result.last_value == 96.0


def test_it_sorts_dates_and_keeps_the_last_occurrence_of_a_duplicate() -> None:
    dates = [_day(i) for i in range(60)]
    values = [float(i) for i in range(60)]
    shuffled_dates = [*dates[::-1], _day(59)]
    shuffled_values = [*values[::-1], 1000.0]

    result = forecast_goal(shuffled_dates, shuffled_values, 100.0, _day(100))

    _assert_valid(result)
    assert result.status == "ok"
    assert result.last_date == _day(59) and result.last_value == 1000.0


def test_it_answers_from_the_observation_when_the_deadline_has_passed() -> None:
    dates, values = _linear_series(days=60)

    hit = forecast_goal(dates, values, values[-1] - 1, dates[-1] - timedelta(days=5))
    missed = forecast_goal(dates, values, values[-1] + 1, dates[-1])

    for result in (hit, missed):
        _assert_valid(result)
        assert result.status == "ok" and result.method == "observed"
        assert result.p10 == result.p50 == result.p90 == values[-1]
        assert result.required_daily_pace is None and result.fan == ()
    assert hit.probability == 1.0 and hit.projected_date == dates[-1]
    assert missed.probability == 0.0 and missed.projected_date is None


def test_it_handles_a_target_already_reached() -> None:
    dates, values = _linear_series()

    result = forecast_goal(dates, values, values[0], dates[-1] + timedelta(days=30))

    _assert_valid(result)
    assert result.status == "ok"
    assert result.projected_date == dates[-1]
    assert result.probability == 1.0
    assert result.required_daily_pace is not None and result.required_daily_pace < 0


def test_it_accepts_datetimes_and_mismatched_lengths_without_raising() -> None:
    stamps = [datetime(2024, 1, 1, 12) + timedelta(days=i) for i in range(60)]
    from_datetimes = forecast_goal(stamps, list(range(60)), 100.0, datetime(2024, 4, 1, 8))
    mismatched = forecast_goal([_day(0)], [1.0, 2.0], 3.0, _day(5))

    _assert_valid(from_datetimes)
    _assert_valid(mismatched)
    assert from_datetimes.status == "ok" and from_datetimes.last_date == date(2024, 2, 29)
    assert mismatched.status == "insufficient_history" and "length" in mismatched.reason


def test_it_falls_back_to_a_bootstrap_when_the_model_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_model(*args: object, **kwargs: object) -> None:
        raise RuntimeError("fit exploded")

    monkeypatch.setattr(forecast_module, "ETSModel", broken_model)
    dates, values = _linear_series()

    result = forecast_goal(dates, values, values[-1] + 20 * 90, dates[-1] + timedelta(days=90))

    _assert_valid(result)
    assert result.status == "ok"
    assert result.method == "bootstrap-weekly-increments"
    assert result.probability is not None and result.probability >= 0.9


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=200),
            st.one_of(
                st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
                st.sampled_from([math.nan, math.inf, -math.inf]),
            ),
        ),
        max_size=40,
    ),
    target=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    deadline_offset=st.integers(min_value=-30, max_value=400),
)
def test_it_never_raises_on_random_small_inputs(
    points: list[tuple[int, float]], target: float, deadline_offset: int
) -> None:
    dates = [_day(offset) for offset, _ in points]
    values = [value for _, value in points]

    result = forecast_goal(dates, values, target, _day(deadline_offset), n_paths=200)

    _assert_valid(result)
    if result.probability is None:
        assert result.status == "insufficient_history"


# 4. Determinism and serialisation ---------------------------------------------------------------


def test_it_is_deterministic_for_a_seed_and_serialises_to_json() -> None:
    dates, values = _read_history("katyperry.csv")
    deadline = max(dates) + timedelta(days=120)
    target = max(values) * 1.05

    first = forecast_goal(dates, values, target, deadline, seed=7)
    second = forecast_goal(dates, values, target, deadline, seed=7)

    assert first == second
    payload = json.loads(json.dumps(first.to_dict(), allow_nan=False))
    assert payload["deadline"] == deadline.isoformat()
    assert payload["status"] == "ok" and payload["method"] == "ets-damped-weekly"
    assert isinstance(payload["fan"], list) and set(payload["fan"][0]) == {"date", "p10", "p50", "p90"}


def test_it_serialises_an_insufficient_history_answer() -> None:
    payload = json.loads(json.dumps(forecast_goal([], [], 1.0, _day(3)).to_dict(), allow_nan=False))

    assert payload["status"] == "insufficient_history"
    assert payload["probability"] is None and payload["fan"] == []


# 5. Fan chart -----------------------------------------------------------------------------------


@pytest.mark.parametrize("horizon", [3, 7, 30, 90])
def test_it_builds_a_weekly_fan_from_the_last_observation_to_the_deadline(horizon: int) -> None:
    dates, values = _linear_series(days=120)
    deadline = dates[-1] + timedelta(days=horizon)

    fan = forecast_goal(dates, values, values[-1] + 100.0, deadline).fan

    assert fan and all(isinstance(point, FanPoint) for point in fan)
    assert fan[0].date > dates[-1]
    assert fan[-1].date == deadline
    assert len(fan) == math.ceil(horizon / 7)
    gaps = [(b.date - a.date).days for a, b in itertools.pairwise(fan)]
    assert all(gap == 7 for gap in gaps[:-1])
    assert all(0 < gap <= 7 for gap in gaps)
    for point in fan:
        assert point.p10 <= point.p50 <= point.p90
    medians = [point.p50 for point in fan]
    assert medians == sorted(medians)  # a rising series has a rising median path
