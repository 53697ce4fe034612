"""Tests for the goal forecast (pure core: no database, no Django)."""

from __future__ import annotations

import csv
import itertools
import json
import math
import random
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartsmm.core import forecast as forecast_module
from smartsmm.core.forecast import (
    Driver,
    FanPoint,
    ForecastQuality,
    GoalForecast,
    forecast_goal,
    series_backtest_quality,
)
from tests import shared_data

SHARED_DATA = shared_data.SHARED_DATA / "follower-history"
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
        assert result.quality is None
    for driver in result.drivers:
        assert isinstance(driver, Driver) and driver.code
        assert all(isinstance(v, float | str) for v in driver.params.values())
    if result.quality is not None:
        assert result.quality.cases >= 1
        assert 0.0 <= result.quality.brier <= 1.0 and 0.0 <= result.quality.coverage <= 1.0
    json.dumps(result.to_dict(), allow_nan=False)


# 1. Acceptance criteria of the issue ----------------------------------------------------------


def test_it_gives_high_probability_to_a_target_below_the_steady_pace() -> None:
    dates, values = _linear_series()
    deadline = dates[-1] + timedelta(days=90)

    result = forecast_goal(dates, values, values[-1] + 20 * 90, deadline)

    assert result.status == "ok"
    assert result.method == "calibrated-pace-ets-weekly"
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

    monkeypatch.setattr(forecast_module, "_Model", broken_model)
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
    assert payload["status"] == "ok" and payload["method"] == "calibrated-pace-ets-weekly"
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


# 6. Calibrated distribution: consistency -------------------------------------------------------


def _noisy_series(days: int = 1095, per_day: float = 40.0, noise: float = 60.0, seed: int = 3):
    import numpy as np

    rng = np.random.default_rng(seed)
    values = 20_000.0 + np.cumsum(per_day + rng.normal(0.0, noise, days))
    return [_day(i) for i in range(days)], [float(v) for v in values]


def test_the_suggested_targets_are_reached_with_90_50_and_20_percent() -> None:
    dates, values = _noisy_series()
    deadline = dates[-1] + timedelta(days=91)
    base = forecast_goal(dates, values, values[-1], deadline)

    for target, expected in (
        (base.safe_target, 0.9),
        (base.realistic_target, 0.5),
        (base.ambitious_target, 0.2),
    ):
        result = forecast_goal(dates, values, target, deadline)
        assert result.probability == pytest.approx(expected, abs=0.005)
    assert base.safe_target == base.p10 and base.realistic_target == base.p50
    assert base.fan[-1].p10 == base.p10 and base.fan[-1].p90 == base.p90


def test_the_probability_falls_as_the_target_rises() -> None:
    dates, values = _noisy_series()
    deadline = dates[-1] + timedelta(days=120)
    targets = [values[-1] + k * 500.0 for k in range(-4, 40)]

    probabilities = [forecast_goal(dates, values, t, deadline).probability for t in targets]

    assert probabilities == sorted(probabilities, reverse=True)
    assert probabilities[0] == 1.0 or probabilities[0] > 0.95
    assert probabilities[-1] < 0.05


def test_a_running_total_is_not_forecast_below_its_last_value() -> None:
    dates = [_day(i) for i in range(400)]
    values = [float(sum(100 + (i % 7) * 30 for i in range(k + 1))) for k in range(400)]

    result = forecast_goal(dates, values, values[-1], dates[-1] + timedelta(days=60))

    assert result.probability == 1.0
    assert result.p10 is not None and result.p10 >= values[-1]
    assert all(point.p10 >= values[-1] for point in result.fan)


def test_a_flow_level_gets_a_forecast_around_its_level() -> None:
    # Views per week: a level that moves both ways around 7,000.
    import numpy as np

    rng = np.random.default_rng(5)
    dates = [_day(i) for i in range(0, 700, 7)]
    values = [7000.0 + 800.0 * math.sin(i / 5) + rng.normal(0, 300) for i in range(len(dates))]

    result = forecast_goal(dates, values, 7000.0, dates[-1] + timedelta(days=91))

    _assert_valid(result)
    assert result.status == "ok"
    assert result.p10 is not None and result.p90 is not None
    assert result.p10 < 7000.0 < result.p90
    assert result.probability is not None and 0.1 < result.probability < 0.9


# 7. Drivers and quality -------------------------------------------------------------------------


def _codes(result: GoalForecast) -> dict[str, dict[str, float | str]]:
    return {driver.code: driver.params for driver in result.drivers}


def test_it_explains_the_pace_gap_and_the_volatility() -> None:
    dates, values = _noisy_series()

    result = forecast_goal(dates, values, values[-1] + 60.0 * 90, dates[-1] + timedelta(days=90))
    drivers = _codes(result)

    assert result.drivers[0].code == "pace_gap"
    assert drivers["pace_gap"]["required"] == pytest.approx(60.0)
    assert drivers["pace_gap"]["recent"] == pytest.approx(result.recent_daily_pace)
    assert drivers["pace_gap"]["ratio"] == pytest.approx(60.0 / result.recent_daily_pace)
    volatility = drivers["volatility"]
    assert 20.0 < float(volatility["weekly_sd"]) < 400.0  # ≈ 60 × √7 ≈ 160 per week
    assert float(volatility["factor"]) > 0.0 and float(volatility["relative"]) > 0.0
    assert "short_history" not in drivers and "step_change" not in drivers
    payload = result.to_dict()
    assert payload["drivers"][0] == {
        "code": "pace_gap",
        "params": {k: round(float(v), 4) for k, v in drivers["pace_gap"].items()},
    }


def test_it_flags_a_short_history() -> None:
    dates, values = _linear_series(days=120)

    result = forecast_goal(dates, values, values[-1] + 1000, dates[-1] + timedelta(days=60))

    assert _codes(result)["short_history"] == {"weeks": 17.0, "recommended": 52.0}
    too_short = forecast_goal(dates[:20], values[:20], values[-1], dates[-1] + timedelta(days=60))
    assert too_short.status == "insufficient_history"
    assert _codes(too_short)["short_history"]["weeks"] == 2.0


def test_it_detects_a_step_change_and_the_date_it_happened() -> None:
    dates, values = _noisy_series(noise=20.0)
    jump_at = len(values) - 100
    values = [v + (15_000.0 if i >= jump_at else 0.0) for i, v in enumerate(values)]

    result = forecast_goal(dates, values, values[-1] + 4000, dates[-1] + timedelta(days=90))
    step = _codes(result)["step_change"]

    assert step["date"] == dates[jump_at].isoformat()
    assert float(step["size"]) == pytest.approx(15_000.0, rel=0.05)
    assert 0.0 < float(step["share"]) < 1.0


def test_it_detects_a_bot_purge_as_a_negative_step() -> None:
    dates, values = _noisy_series(noise=20.0)
    purge_at = len(values) - 40
    values = [v * (0.9 if i >= purge_at else 1.0) for i, v in enumerate(values)]

    step = _codes(forecast_goal(dates, values, values[-1], dates[-1] + timedelta(days=30)))["step_change"]

    assert step["date"] == dates[purge_at].isoformat()
    assert float(step["size"]) < 0


def test_it_reports_a_change_of_pace() -> None:
    dates = [_day(i) for i in range(400)]
    values = [100.0 * i if i < 340 else 100.0 * 340 + 10.0 * (i - 340) for i in range(400)]

    change = _codes(forecast_goal(dates, values, values[-1] + 1000, dates[-1] + timedelta(days=60)))[
        "pace_change"
    ]

    assert float(change["earlier"]) == pytest.approx(100.0, rel=0.05)
    assert float(change["recent"]) < 40.0


def test_it_says_when_the_target_is_already_reached() -> None:
    dates, values = _linear_series()

    result = forecast_goal(dates, values, values[-1] - 10, dates[-1] + timedelta(days=30))

    assert _codes(result)["already_reached"] == {"current": values[-1], "target": values[-1] - 10}


def test_it_backtests_a_long_series_on_its_own_past() -> None:
    dates, values = _noisy_series()

    result = forecast_goal(dates, values, values[-1] * 1.05, dates[-1] + timedelta(days=91))
    alone = series_backtest_quality(dates, values, horizon_weeks=13)

    assert isinstance(result.quality, ForecastQuality)
    assert result.quality == alone
    assert result.quality.horizon_weeks == 13
    assert 6 <= result.quality.cases <= 26
    assert result.quality.brier < result.quality.brier_pace
    assert 0.5 <= result.quality.coverage <= 1.0
    assert result.to_dict()["quality"]["cases"] == result.quality.cases


def test_it_reports_no_quality_without_enough_history() -> None:
    dates, values = _linear_series(days=120)

    assert forecast_goal(dates, values, values[-1], dates[-1] + timedelta(days=91)).quality is None
    assert series_backtest_quality(dates, values) is None
    assert series_backtest_quality([], []) is None
    assert series_backtest_quality([_day(0), _day(1)], [1.0]) is None


# 8. More odd inputs -------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6, 1e12, 1e300])
def test_it_handles_tiny_and_huge_magnitudes(scale: float) -> None:
    dates, values = _noisy_series(days=400)
    scaled = [v * scale for v in values]

    result = forecast_goal(dates, scaled, scaled[-1] * 1.01, dates[-1] + timedelta(days=60))

    _assert_valid(result)
    assert result.status == "ok"


def test_it_handles_a_deadline_far_ahead_and_a_non_date_deadline() -> None:
    dates, values = _linear_series()

    far = forecast_goal(dates, values, values[-1] * 2, dates[-1] + timedelta(days=3000))
    beyond = forecast_goal(dates, values, values[-1] * 2, dates[-1] + timedelta(days=4000))
    nonsense = forecast_goal(dates, values, 1.0, "2025-01-01")  # type: ignore[arg-type]

    for result in (far, beyond, nonsense):
        _assert_valid(result)
    assert far.status == "ok" and beyond.status == "insufficient_history"
    assert nonsense.status == "insufficient_history" and "date" in nonsense.reason


_shapes = st.sampled_from(["linear", "decline", "flat", "steps", "saturating", "noise"])


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=_shapes,
    length=st.integers(min_value=1, max_value=900),
    step=st.integers(min_value=1, max_value=45),
    magnitude=st.sampled_from([1.0, 100.0, 1e5, 1e8]),
    shuffle_seed=st.integers(min_value=0, max_value=2**16),
    duplicate=st.booleans(),
    target_factor=st.floats(min_value=-2.0, max_value=3.0),
    deadline_offset=st.integers(min_value=-100, max_value=800),
)
def test_it_never_raises_on_shaped_histories(
    shape: str,
    length: int,
    step: int,
    magnitude: float,
    shuffle_seed: int,
    duplicate: bool,
    target_factor: float,
    deadline_offset: int,
) -> None:
    import random

    rng = random.Random(shuffle_seed)
    days = list(range(0, length, step))
    values = []
    for i, d in enumerate(days):
        x = d / max(length, 1)
        base = {
            "linear": x,
            "decline": 1.0 - x,
            "flat": 0.5,
            "steps": x + (0.3 if i > len(days) // 2 else 0.0),
            "saturating": 1.0 - math.exp(-5 * x),
            "noise": rng.random(),
        }[shape]
        values.append(magnitude * (1.0 + base + 0.01 * rng.random()))
    dates = [_day(d) for d in days]
    if duplicate and dates:
        dates.append(dates[len(dates) // 2])
        values.append(values[0])
    order = list(range(len(dates)))
    rng.shuffle(order)
    dates = [dates[i] for i in order]
    values = [values[i] for i in order]
    last = _day(max(days)) if days else _day(0)
    target = magnitude * (1.0 + target_factor)

    result = forecast_goal(dates, values, target, last + timedelta(days=deadline_offset))

    _assert_valid(result)


# 9. Own calibration of the tails ------------------------------------------------------------------


def _random_walk_with_drift(weeks: int = 200, seed: int = 7) -> tuple[list[date], list[float]]:
    """Weekly observations of a steady account: constant pace plus normal weekly noise."""
    rng = random.Random(seed)
    value, dates, values = 10_000.0, [], []
    for week in range(weeks):
        value += 100.0 + rng.gauss(0.0, 30.0)
        dates.append(_day(7 * week))
        values.append(value)
    return dates, values


def test_it_keeps_the_reference_shape_when_both_own_factors_are_one() -> None:
    reference = forecast_module._reference(np.asarray([1.0, 13.0, 26.0]))

    shaped = forecast_module._shape(reference, forecast_module._Calibration(0.0, 1.0, 0))

    assert np.allclose(shaped, reference, rtol=1e-12, atol=1e-12)


@given(
    factor=st.floats(min_value=0.1, max_value=3.0),
    tail=st.floats(min_value=0.1, max_value=3.0),
    horizon=st.floats(min_value=1.0, max_value=52.0),
)
def test_it_keeps_quantiles_in_order_and_invertible_for_any_own_factors(
    factor: float, tail: float, horizon: float
) -> None:
    reference = forecast_module._reference(np.asarray([horizon]))
    calibration = forecast_module._Calibration(0.0, factor, 10, tail)

    shaped = forecast_module._shape(reference, calibration)[0]

    assert np.all(np.diff(shaped) >= 0)
    quartiles = [forecast_module.REFERENCE_LEVELS.index(p) for p in (0.25, 0.5, 0.75)]
    assert shaped[quartiles] == pytest.approx(factor * reference[0, quartiles])  # tails leave the middle
    back = [forecast_module._unshape(float(u), reference[0], calibration) for u in shaped]
    assert back == pytest.approx(list(reference[0]), rel=1e-9, abs=1e-9)


def test_it_shrinks_an_own_spread_ratio_towards_one_by_its_evidence() -> None:
    shrink = forecast_module._shrink

    assert shrink(0.5, 0.0, 3.0) == 1.0  # no evidence: the reference
    assert 0.5 < shrink(0.5, 4.0, 3.0) < shrink(0.5, 4.0, 10.0) < 1.0  # a stronger prior narrows less
    assert 1.0 < shrink(2.0, 4.0, 3.0) < 2.0
    assert shrink(1e-6, 1e6, 3.0) == forecast_module.OWN_FACTOR_BOUNDS[0]
    assert shrink(1e6, 1e6, 3.0) == forecast_module.OWN_FACTOR_BOUNDS[1]


def test_it_narrows_the_tails_of_a_series_whose_errors_are_about_normal() -> None:
    dates, values = _random_walk_with_drift()
    days, vals = forecast_module._clean(dates, values)
    model = forecast_module._model(days, forecast_module._weekly_grid(days, vals))

    calibration = model.calibrate(model.last, 13.0)
    wide = forecast_module._Calibration(calibration.blend, calibration.factor, calibration.own_origins)
    horizon = np.asarray([13.0])
    p10, p90 = forecast_module._Q[0.1], forecast_module._Q[0.9]
    narrow_row = model.quantiles(model.last, horizon, calibration)[0]
    wide_row = model.quantiles(model.last, horizon, wide)[0]

    assert calibration.tail < 1.0
    assert narrow_row[p90] - narrow_row[p10] < wide_row[p90] - wide_row[p10]
    result = forecast_goal(dates, values, values[-1] + 1300.0, dates[-1] + timedelta(days=91))
    assert result.p10 == pytest.approx(narrow_row[p10])
    assert result.p90 == pytest.approx(narrow_row[p90])


def test_it_covers_about_80_percent_of_a_steady_series_own_past() -> None:
    dates, values = _random_walk_with_drift(weeks=260)

    quality = series_backtest_quality(dates, values, horizon_weeks=13)

    assert quality is not None
    assert 0.6 <= quality.coverage <= 0.95


# 9. Levels that revert to a trend (round 3 of docs/decisions/0003) -------------------------------


def _weekly(values: np.ndarray) -> tuple[list[date], list[float]]:
    return [_day(7 * i) for i in range(values.size)], [float(v) for v in values]


def _mean_reverting(weeks: int = 200, keep: float = 0.3, sd: float = 100.0, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = np.zeros(weeks)
    for i in range(1, weeks):
        noise[i] = keep * noise[i - 1] + rng.normal(0.0, sd)
    return 5000.0 + noise


def _model_of(dates: list[date], values: list[float]) -> forecast_module._Model:
    days, vals = forecast_module._clean(dates, values)
    return forecast_module._model(days, forecast_module._weekly_grid(days, vals))


def test_it_recognises_a_level_that_reverts_to_its_trend() -> None:
    level = _mean_reverting()
    growing = 1000.0 + np.cumsum(np.abs(np.random.default_rng(4).normal(50.0, 20.0, 200)))

    assert forecast_module._level_like(level)
    assert not forecast_module._level_like(growing)  # a running total never moves both ways
    assert not forecast_module._level_like(level[:40])  # too short to judge


def test_it_does_not_take_a_level_with_a_wandering_pace_for_one_that_reverts() -> None:
    # Moves both ways, but its 26-week changes are much wider than its 4-week changes imply.
    rng = np.random.default_rng(6)
    pace = np.cumsum(rng.normal(0.0, 20.0, 200))
    wandering = 5000.0 + np.cumsum(pace + rng.normal(0.0, 5.0, 200))

    assert not forecast_module._level_like(wandering)


def test_it_gives_a_mean_reverting_level_a_narrower_26_week_interval_than_a_random_walk() -> None:
    weeks, sd = 200, 100.0
    level = _mean_reverting(weeks, keep=0.3, sd=sd)
    walk = 5000.0 + np.cumsum(np.random.default_rng(3).normal(20.0, sd, weeks))
    widths = []
    for series in (level, walk):
        dates, values = _weekly(series)
        result = forecast_goal(dates, values, float(series[-1]), dates[-1] + timedelta(weeks=26))
        assert result.p10 is not None and result.p90 is not None
        widths.append(result.p90 - result.p10)

    assert widths[0] < 0.8 * widths[1]


def test_a_level_that_reverts_keeps_only_part_of_its_recent_pace() -> None:
    dates, values = _weekly(_mean_reverting())
    model = _model_of(dates, values)
    stock = _model_of(*_linear_series(days=1400))

    assert model.level_like
    assert model.calibrate(model.last, 26.0).keep < 0.7
    assert not stock.level_like
    assert stock.calibrate(stock.last, 26.0).keep == 1.0


def test_a_level_uses_the_level_table_alone() -> None:
    horizons = np.asarray([1.0, 13.0, 26.0])

    level = forecast_module._reference(horizons, level=True)

    assert np.allclose(level, np.asarray(forecast_module.LEVEL_REFERENCE_QUANTILES)[[0, 4, 5]])
    assert np.all(np.diff(level, axis=1) >= 0)


# 10. The unit and centre of levels (round 4 of docs/decisions/0003) -------------------------------


def test_a_level_unit_stops_growing_with_the_horizon_where_its_changes_do() -> None:
    model = _model_of(*_weekly(_mean_reverting(keep=0.3)))
    origins = np.full(3, model.last)
    pace = np.zeros(3)

    unit_1, unit_4, unit_26 = model.unit(pace, origins, np.asarray([1.0, 4.0, 26.0]))

    assert model.changes_unit
    # A random walk's spread grows as sqrt(h) (26 / 4: about 2.5), the follower unit as h (6.5);
    # a level that forgets its swings within weeks has 26-week changes as wide as 4-week ones.
    assert unit_26 < 1.3 * unit_4
    assert unit_4 < 2.0 * unit_1


def test_a_follower_unit_still_grows_as_the_horizon() -> None:
    model = _model_of(*_random_walk_with_drift(weeks=200))
    origins = np.full(2, model.last)
    pace = np.full(2, float(model.pace[-1]))

    unit_4, unit_26 = model.unit(pace, origins, np.asarray([4.0, 26.0]))

    assert not model.changes_unit
    assert unit_26 == pytest.approx(6.5 * unit_4)


def test_a_sparsely_captured_history_is_not_taken_for_a_steadier_one() -> None:
    # Round 9 of docs/decisions/0003: between captures four weeks apart the grid is a straight line,
    # so its weekly changes spread a quarter as much noise over each week; the noise term is
    # measured on four-week changes instead, and a weekly history keeps the weekly changes.
    dates, values = _random_walk_with_drift(weeks=400)
    weekly = _model_of(dates, values)
    monthly = _model_of(dates[::4], values[::4])

    def recent(spreads: np.ndarray) -> float:
        return float(np.mean(spreads[-150:]))

    assert monthly.gap_weeks == 4.0
    assert weekly.noise is weekly.spread
    weekly_changes_ratio = recent(monthly.spread) / recent(weekly.spread)
    noise_ratio = recent(monthly.noise) / recent(weekly.noise)
    assert weekly_changes_ratio < 0.6  # what the grid's weekly changes make of the same walk
    # 4 ** 0.25 = 1.41 for changes from one capture to the next; a four-week change that straddles
    # a capture is itself partly interpolated (smoother by 0.82 on average over the four offsets).
    assert 1.1 * weekly_changes_ratio < noise_ratio < 1.3 * weekly_changes_ratio


def _rounded_subscriber_counts(weeks: int = 150) -> tuple[list[date], list[float], list[float]]:
    """Weekly counts of a channel gaining about 1,000 a week, published to three significant
    figures as YouTube does (1.23 million: steps of 10,000), and the exact counts behind them."""
    rng = np.random.default_rng(5)
    exact = 1_234_567.0 + np.cumsum(1000.0 + rng.normal(0.0, 150.0, weeks))
    rounded = np.floor(exact / 10_000.0) * 10_000.0
    dates = [_day(7 * i) for i in range(weeks)]
    return dates, [float(v) for v in rounded], [float(v) for v in exact]


def test_it_recognises_a_rounded_count_and_not_an_exact_one() -> None:
    dates, rounded, exact = _rounded_subscriber_counts()
    days = np.asarray([d.toordinal() for d in dates], dtype=np.int64)

    assert forecast_module._rounding_unit(days, np.asarray(rounded)) == 10_000
    assert forecast_module._rounding_unit(days, np.round(np.asarray(exact))) is None
    assert forecast_module._rounding_unit(days, np.asarray(exact) + 0.5) is None  # not whole numbers
    few_moves = np.asarray([1000.0] * 140 + [1010.0, 1020.0, 1030.0, 1040.0] + [1040.0] * 6)
    assert forecast_module._rounding_unit(days, few_moves) is None  # four moves could be chance
    steady = 5000.0 + 10.0 * np.arange(days.size)  # exact, +10 every week: never stands still
    assert forecast_module._rounding_unit(days, steady) is None


def test_a_rounded_count_is_read_at_its_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    # Round 12 of docs/decisions/0003: read as observed, a staircase of rounded counts swings by a
    # whole step from week to week; read where it moved, it is the channel's real pace.
    dates, rounded, _exact = _rounded_subscriber_counts()
    target, deadline = rounded[-1] + 13_000.0, dates[-1] + timedelta(weeks=13)
    answers = {}
    for at_steps in (False, True):
        monkeypatch.setattr(forecast_module, "READ_ROUNDED_AT_STEPS", at_steps)
        answers[at_steps] = forecast_goal(dates, rounded, target, deadline)
    for answer in answers.values():
        _assert_valid(answer)
        assert answer.status == "ok" and answer.last_value == rounded[-1]
    widths = {k: a.p90 - a.p10 for k, a in answers.items() if a.p90 is not None and a.p10 is not None}
    assert widths[True] < 0.75 * widths[False]
    volatility = {
        k: next(d for d in a.drivers if d.code == "volatility").params["weekly_sd"]
        for k, a in answers.items()
    }
    assert float(volatility[True]) < 0.5 * float(volatility[False])  # not the rounding's swing


def test_a_rounded_count_is_answered_in_whole_steps() -> None:
    dates, rounded, _exact = _rounded_subscriber_counts()
    last, deadline = rounded[-1], dates[-1] + timedelta(weeks=4)

    result = forecast_goal(dates, rounded, last + 4_000.0, deadline)

    _assert_valid(result)
    published = [result.p10, result.p50, result.p90, result.safe_target, result.ambitious_target]
    published += [v for point in result.fan for v in (point.p10, point.p50, point.p90)]
    assert all(v is not None and (v - last) % 10_000 == 0 for v in published)  # counts YouTube can show
    # Any target above the last count is reached only with the next published step, 10,000 up.
    assert result.probability == forecast_goal(dates, rounded, last + 10_000.0, deadline).probability
    assert next(d for d in result.drivers if d.code == "rounded").params["unit"] == 10_000.0


def test_a_rounded_count_that_has_not_moved_for_weeks_is_near_its_next_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Round 13 of docs/decisions/0003: about 1,000 a week underneath and steps of 10,000, so right
    # after a step the next one is about ten weeks away, eight weeks later about two.
    monkeypatch.setattr(forecast_module, "ROUNDED_POSITION", "grid")
    dates, rounded, _exact = _rounded_subscriber_counts()
    step = next(i for i in range(120, 140) if rounded[i] > rounded[i - 1])
    assert rounded[step + 7] == rounded[step]  # still on the same published value 7 weeks later

    def next_step_within_4_weeks(origin: int) -> float | None:
        history = dates[: origin + 1], rounded[: origin + 1]
        result = forecast_goal(*history, rounded[origin] + 10_000.0, dates[origin] + timedelta(weeks=4))
        _assert_valid(result)
        assert result.last_value == rounded[origin]  # the published count, not the one underneath
        assert all(v is not None and (v - rounded[origin]) % 10_000 == 0 for v in (result.p10, result.p90))
        return result.probability

    just_stepped, seven_weeks_on = next_step_within_4_weeks(step), next_step_within_4_weeks(step + 7)
    assert just_stepped is not None and seven_weeks_on is not None
    assert just_stepped < 0.3 < 0.6 < seven_weeks_on


def test_a_rounded_count_starts_where_it_has_grown_to_within_its_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Round 14 of docs/decisions/0003: the weeks since the count last moved say how far it has grown
    # underneath; the start moves up by that much (the pace stays that of the steps).
    dates, rounded, _exact = _rounded_subscriber_counts()
    step = next(i for i in range(120, 140) if rounded[i] > rounded[i - 1])

    def next_step_within_4_weeks(origin: int) -> float:
        result = forecast_goal(
            dates[: origin + 1],
            rounded[: origin + 1],
            rounded[origin] + 1.0,
            dates[origin] + timedelta(weeks=4),
        )
        _assert_valid(result)
        assert result.last_value == rounded[origin] and result.probability is not None
        return result.probability

    just_stepped, seven_weeks_on = next_step_within_4_weeks(step), next_step_within_4_weeks(step + 7)
    assert seven_weeks_on > just_stepped + 0.2
    monkeypatch.setattr(forecast_module, "ROUNDED_POSITION", None)  # round 12
    assert next_step_within_4_weeks(step + 7) < next_step_within_4_weeks(step)


def test_the_volatility_driver_names_the_noise_the_forecast_uses() -> None:
    dates, values = _random_walk_with_drift(weeks=400)
    dates, values = dates[::4], values[::4]  # captured every four weeks
    model = _model_of(dates, values)

    result = forecast_goal(dates, values, values[-1] + 2000.0, dates[-1] + timedelta(weeks=13))

    volatility = next(d for d in result.drivers if d.code == "volatility")
    assert volatility.params["weekly_sd"] == pytest.approx(float(model.noise[-1]) * math.sqrt(math.pi / 2))
    assert model.noise[-1] > 1.05 * model.spread[-1]  # not the interpolated weekly changes


def test_a_noisy_level_starts_from_the_mean_of_its_recent_weeks() -> None:
    rng = np.random.default_rng(11)
    level = 5000.0 + rng.normal(0.0, 200.0, 200)  # a week's views scatter around a steady level
    level[-1] = 5900.0  # an unusually good last week
    dates, values = _weekly(level)
    model = _model_of(dates, values)

    calibration = model.calibrate(model.last, 13.0)
    result = forecast_goal(dates, values, 5000.0, dates[-1] + timedelta(weeks=13))

    assert calibration.anchor_weeks > 1 and calibration.anchor_weight > 0.5
    assert result.p50 is not None and abs(result.p50 - 5000.0) < 300.0
    assert result.probability is not None and 0.3 < result.probability < 0.75
    level = next(d for d in result.drivers if d.code == "level")
    assert level.params["weeks"] > 1 and abs(float(level.params["start"]) - 5000.0) < 300.0
    assert 0.0 <= float(level.params["keep"]) <= 1.0


def test_a_stock_has_no_level_driver() -> None:
    result = forecast_goal(*_random_walk_with_drift(weeks=200), 40_000.0, _day(7 * 200 + 91))

    assert result.status == "ok"
    assert all(d.code != "level" for d in result.drivers)


def test_the_quality_of_a_young_level_leaves_out_origins_too_early_for_its_unit() -> None:
    dates, values = _weekly(_mean_reverting(weeks=60))
    model = _model_of(dates, values)

    quality = model.quality(4.0)

    # The 4-week backtest looks at origins 4 weeks apart back from week 55 to week 19; below week
    # 25 there are fewer than LEVEL_UNIT_MIN_CHANGES (26) weekly changes to measure the unit on.
    origins = list(range(model.last - 4, 18, -4))
    usable = [o for o in origins if o + 1 >= forecast_module.LEVEL_UNIT_MIN_CHANGES + 1]
    assert model.changes_unit
    assert quality is not None
    assert quality.cases == len(usable) < len(origins)
    assert math.isfinite(quality.brier) and 0.0 <= quality.coverage <= 1.0


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="shared follower data not available")
def test_a_follower_history_is_forecast_as_before_the_level_round(monkeypatch: pytest.MonkeyPatch) -> None:
    dates, values = _read_history("twitter.csv")
    deadline = dates[-1] + timedelta(days=182)
    target = values[-1] * 1.05
    with_levels = forecast_goal(dates, values, target, deadline)
    monkeypatch.setattr(forecast_module, "LEVEL_REFERENCE", False)
    without = forecast_goal(dates, values, target, deadline)

    assert with_levels.probability == without.probability
    assert (with_levels.p10, with_levels.p90) == (without.p10, without.p90)


# 11. A level's default start depends on the horizon (round 5 of docs/decisions/0003) -------------


def test_it_starts_a_level_from_the_mean_of_more_weeks_the_further_ahead_it_looks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forecast_module, "LEVEL_DEFAULT_ANCHOR_WEEKS", 1)
    monkeypatch.setattr(forecast_module, "LEVEL_DEFAULT_ANCHOR_SHARE", 0.5)

    weeks = [forecast_module._default_anchor_weeks(h) for h in (1.0, 4.0, 13.0, 26.0, 200.0)]

    assert weeks == [1, 2, 6, 13, max(forecast_module.LEVEL_ANCHOR_WEEKS)]


def test_without_a_share_the_default_start_is_the_same_at_every_horizon(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forecast_module, "LEVEL_DEFAULT_ANCHOR_SHARE", 0.0)
    monkeypatch.setattr(forecast_module, "LEVEL_DEFAULT_ANCHOR_WEEKS", 4)

    assert {forecast_module._default_anchor_weeks(h) for h in (0.0, 4.0, 26.0, 52.0)} == {4}


def _spiking_level() -> tuple[list[date], list[float]]:
    rng = np.random.default_rng(12)
    level = 5000.0 + rng.normal(0.0, 100.0, 200)
    level[-2:] = 6500.0  # two unusually good weeks at the end
    return _weekly(level)


def test_a_level_without_own_evidence_starts_from_its_horizons_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forecast_module, "LEVEL_DEFAULT_ANCHOR_SHARE", 0.5)
    model = _model_of(*_spiking_level())
    origins = np.full(1, model.last)
    starts = {}
    for h in (4.0, 26.0):
        no_evidence = forecast_module._Calibration(0.0, 1.0, 0, horizon=int(h), keep=0.0)
        centre, _ = model.centre_and_unit(model.last, np.asarray([h]), no_evidence)
        starts[h] = float(centre[0])

    assert model.changes_unit
    # 4 weeks ahead: the mean of the last 2 weeks (both 6500); 26 weeks: of the last 13.
    assert starts[4.0] == pytest.approx(6500.0)
    assert starts[26.0] == pytest.approx(float(model.grid[model.last] + model.anchor_shift(origins, 13)[0]))
    assert starts[26.0] < 5400.0


def test_the_level_driver_names_the_default_start_while_the_own_evidence_is_thin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forecast_module, "LEVEL_DEFAULT_ANCHOR_SHARE", 0.5)
    monkeypatch.setattr(forecast_module, "BLEND_PRIOR_STRENGTH", 1e6)  # own evidence weighs nothing
    dates, values = _spiking_level()

    result = forecast_goal(dates, values, 6000.0, dates[-1] + timedelta(weeks=26))

    level = next(d for d in result.drivers if d.code == "level")
    assert level.params["weeks"] == 13.0
    assert float(level.params["start"]) < 5400.0


def test_a_stock_starts_from_its_last_value_whatever_a_levels_default_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dates, values = _random_walk_with_drift(weeks=200)
    before = forecast_goal(dates, values, 40_000.0, dates[-1] + timedelta(weeks=26))
    monkeypatch.setattr(forecast_module, "LEVEL_DEFAULT_ANCHOR_SHARE", 1.0)
    monkeypatch.setattr(forecast_module, "LEVEL_DEFAULT_ANCHOR_WEEKS", 13)

    after = forecast_goal(dates, values, 40_000.0, dates[-1] + timedelta(weeks=26))

    assert after.p10 == before.p10 and after.p50 == before.p50 and after.p90 == before.p90
    assert after.probability == before.probability


def test_a_trend_start_is_the_least_squares_line_at_the_origin() -> None:
    rng = np.random.default_rng(21)
    dates, values = _weekly(5000.0 + 12.0 * np.arange(150) + rng.normal(0.0, 80.0, 150))
    model = _model_of(dates, values)
    origins = np.asarray([model.last, 90, 10])

    shifts = model.anchor_shift(origins, -26)

    for origin, shift in zip(origins.tolist(), shifts.tolist(), strict=True):
        weeks = np.arange(max(origin - 25, 0), origin + 1)
        line = np.polyfit(weeks, model.grid[weeks], 1)
        assert shift == pytest.approx(float(np.polyval(line, origin)) - float(model.grid[origin]))


@pytest.mark.parametrize("choice", ["horizon", "horizon-abs"])
def test_the_ets_chosen_for_a_horizon_is_the_one_that_erred_least_that_far_ahead(
    monkeypatch: pytest.MonkeyPatch, choice: str
) -> None:
    monkeypatch.setattr(forecast_module, "ETS_CHOICE", choice)
    rng = np.random.default_rng(5)
    grid = 20000.0 * (1.0 - np.exp(-np.arange(120) / 60.0)) + np.cumsum(rng.normal(0.0, 40.0, 120))
    model = forecast_module._Model(grid)
    weeks = 13

    chosen = model.ets_choice(weeks)

    damped = forecast_module._damped_sum(forecast_module._ETS_PHI, np.asarray(float(weeks)))
    for origin in (119, 80, 40):
        made = np.arange(forecast_module.ETS_FIRST_SCORED, origin - weeks + 1)
        errors = grid[made + weeks][:, None] - (model.level[made] + model.trend[made] * damped)
        loss = (errors**2 if choice == "horizon" else np.abs(errors)).sum(axis=0)
        assert chosen[origin] == int(np.argmin(loss))
    # Too few forecasts whose horizon had passed: the one-step choice.
    assert chosen[weeks + 5] == model.best[weeks + 5]


def test_the_ets_chosen_for_a_horizon_knows_nothing_after_its_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forecast_module, "ETS_CHOICE", "horizon")
    rng = np.random.default_rng(9)
    grid = np.cumsum(50.0 + rng.normal(0.0, 30.0, 160))
    whole = forecast_module._Model(grid)
    early = forecast_module._Model(grid[:100].copy())

    for weeks in (4, 13, 26):
        assert np.array_equal(early.ets_choice(weeks), whole.ets_choice(weeks)[:100])


def test_the_one_step_choice_is_the_method_before_round_15(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forecast_module, "ETS_CHOICE", "one-step")
    rng = np.random.default_rng(9)
    model = forecast_module._Model(np.cumsum(50.0 + rng.normal(0.0, 30.0, 160)))

    assert model.ets_choice(26) is model.best


def test_below_its_shortest_horizon_the_ets_stays_the_one_step_choice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forecast_module, "ETS_CHOICE", "horizon-abs")
    monkeypatch.setattr(forecast_module, "ETS_CHOICE_MIN_WEEKS", 13)
    rng = np.random.default_rng(9)
    model = forecast_module._Model(np.cumsum(50.0 + rng.normal(0.0, 30.0, 160)))

    assert model.ets_choice(4) is model.best
    assert model.ets_choice(13) is not model.best


def test_a_level_can_keep_the_one_step_ets_while_stocks_take_the_horizons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forecast_module, "ETS_CHOICE", "horizon-abs")
    monkeypatch.setattr(forecast_module, "ETS_CHOICE_LEVELS", False)
    level = forecast_module._Model(_mean_reverting())
    stock = forecast_module._Model(np.cumsum(50.0 + np.random.default_rng(9).normal(0.0, 30.0, 160)))

    assert level.level_like and level.ets_choice(26) is level.best
    assert not stock.level_like and stock.ets_choice(26) is not stock.best


def test_a_stronger_level_narrowing_prior_moves_a_levels_factors_towards_one_and_leaves_stocks_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    level = forecast_module._Model(_mean_reverting())
    stock = forecast_module._Model(np.cumsum(50.0 + np.random.default_rng(9).normal(0.0, 30.0, 160)))
    before = level.calibrate(level.last, 13.0), stock.calibrate(stock.last, 13.0)

    monkeypatch.setattr(forecast_module, "LEVEL_NARROWING_SCALE", 4.0)
    after = level.calibrate(level.last, 13.0), stock.calibrate(stock.last, 13.0)

    assert level.level_like and not stock.level_like
    assert before[0].tail < 1.0  # the level narrows its tails on its own errors...
    assert before[0].tail < after[0].tail <= 1.0  # ...less against the stronger prior
    assert after[1] == before[1]
