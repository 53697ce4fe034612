"""Tests for the rolling-origin backtest and the synthetic families (pure core)."""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta

import numpy as np
import pytest

from smartsmm.core.backtest import (
    KIND_LEVEL,
    KIND_STOCK,
    LABEL_HOLD,
    Case,
    Climatology,
    Prediction,
    Scored,
    Series,
    brier,
    common_cases,
    coverage,
    flow_series,
    forecast_goal_method,
    make_cases,
    mase,
    pace_method,
    reference_table,
    reliability,
    run_series,
    series_bootstrap,
    standardised_error,
    summarise,
)
from smartsmm.core.forecast import REFERENCE_HORIZONS, REFERENCE_LEVELS, _reference, forecast_goal
from smartsmm.core.synthetic import (
    FAMILIES,
    HOLDOUT2_SEEDS,
    HOLDOUT3_SEEDS,
    HOLDOUT4_SEEDS,
    HOLDOUT5_SEEDS,
    HOLDOUT6_SEEDS,
    HOLDOUT_SEEDS,
    LEVEL_FAMILIES,
    LEVEL_HOLDOUT2_SEEDS,
    LEVEL_HOLDOUT3_SEEDS,
    LEVEL_HOLDOUT4_SEEDS,
    LEVEL_HOLDOUT5_SEEDS,
    LEVEL_HOLDOUT6_SEEDS,
    LEVEL_HOLDOUT7_SEEDS,
    LEVEL_HOLDOUT_SEEDS,
    LEVEL_TUNING_SEEDS,
    TUNING_SEEDS,
    generate,
    synthetic_set,
)

START = date(2020, 1, 1)


def _days(n: int, step: int = 1) -> tuple[date, ...]:
    return tuple(START + timedelta(days=step * i) for i in range(n))


def _linear(n: int = 730, per_day: float = 25.0) -> Series:
    return Series("line", _days(n), tuple(1000.0 + per_day * i for i in range(n)))


def _case(**overrides: object) -> Case:
    fields: dict[str, object] = {
        "series": "s",
        "kind": KIND_STOCK,
        "history_len": 10,
        "origin": START,
        "horizon_weeks": 13,
        "deadline": START + timedelta(weeks=13),
        "last_value": 100.0,
        "recent": 1.0,
        "targets": (150.0, 200.0),
        "labels": ("0.5x", "1x"),
        "realised": 180.0,
        "mase_scale": 10.0,
    }
    fields.update(overrides)
    return Case(**fields)  # type: ignore[arg-type]


# 1. Scores, checkable by hand --------------------------------------------------------------------


def test_brier_is_the_mean_squared_gap_to_the_outcome() -> None:
    # (1 − 1)², (0 − 1)², (0.5 − 0)² → (0 + 1 + 0.25) / 3
    assert brier([1.0, 0.0, 0.5], [True, True, False]) == pytest.approx(1.25 / 3)
    assert math.isnan(brier([], []))


def test_coverage_counts_realised_values_inside_the_interval_inclusive() -> None:
    assert coverage([0, 0, 0, 0], [1, 2, 3, 4], [0.5, 2.5, 3.0, -1.0]) == pytest.approx(0.5)


def test_mase_scales_absolute_errors_and_reports_mean_and_median() -> None:
    # |12 − 10| / 2 = 1, |14 − 20| / 3 = 2, |5 − 5| / 1 = 0
    mean, median = mase([10.0, 20.0, 5.0], [12.0, 14.0, 5.0], [2.0, 3.0, 1.0])
    assert mean == pytest.approx(1.0)
    assert median == pytest.approx(1.0)


def test_reliability_bins_probabilities_and_reports_hit_rates() -> None:
    rows = reliability([0.05, 0.15, 0.95, 0.9, 1.0], [False, True, True, False, True], bins=2)

    assert rows == [
        {"bin": "0.0–0.5", "n": 2, "mean_probability": pytest.approx(0.1), "hit_rate": 0.5},
        {"bin": "0.5–1.0", "n": 3, "mean_probability": pytest.approx(0.95), "hit_rate": pytest.approx(2 / 3)},
    ]


def test_summarise_scores_answered_cases_and_counts_failures() -> None:
    a = _case(realised=180.0)  # outcomes: reached 150, missed 200
    b = _case(origin=START + timedelta(days=28), realised=120.0)  # missed both
    scored = [
        Scored(a, "m", Prediction(True, (1.0, 0.5), p10=150.0, p50=170.0, p90=190.0)),
        Scored(b, "m", Prediction(True, (0.5, 0.0), p10=130.0, p50=140.0, p90=150.0)),
        Scored(_case(origin=START + timedelta(days=56)), "m", Prediction(ok=False)),
    ]

    row = summarise(scored)[("m", 13)]

    # Brier over four targets: (1−1)², (0.5−0)², (0.5−0)², (0−0)² → 0.5 / 4
    assert row["brier"] == pytest.approx(0.125)
    assert row["coverage_p10_p90"] == pytest.approx(0.5)  # 180 in [150, 190]; 120 not in [130, 150]
    # MASE: |180 − 170| / 10 = 1 and |120 − 140| / 10 = 2
    assert row["mase_mean"] == pytest.approx(1.5)
    assert row["failure_share"] == pytest.approx(1 / 3)
    assert row["cases"] == 3 and row["targets"] == 4


def _answered_by_both(series: str, cases: int, method_right: bool) -> list[Scored]:
    """``cases`` cases of one series (each reaching its first target, missing its second); the
    method is sure and right when ``method_right``, else sure and wrong; the baseline says 0.5."""
    out: list[Scored] = []
    for i in range(cases):
        case = _case(series=series, origin=START + timedelta(days=i))
        sure = (1.0, 0.0) if method_right else (0.0, 1.0)
        out.append(Scored(case, "m", Prediction(True, sure, p10=170.0, p50=180.0, p90=190.0)))
        out.append(Scored(case, "b", Prediction(True, (0.5, 0.5))))
    return out


def test_the_series_bootstrap_gives_the_brier_difference_and_coverage_of_the_set() -> None:
    scored = _answered_by_both("a", 3, True) + _answered_by_both("b", 1, False)

    result = series_bootstrap(scored, "m", "b", 13, draws=500)

    assert result is not None and result.series == 2
    # Method: 0 on series a's six targets, 1 on b's two → 2 / 8; baseline 0.25 everywhere.
    assert result.brier_difference == pytest.approx(2 / 8 - 0.25)
    assert result.coverage == pytest.approx(1.0)
    assert result.brier_low <= result.brier_difference <= result.brier_high
    assert series_bootstrap(scored, "m", "b", 26) is None


def test_the_series_bootstrap_does_not_take_one_long_series_for_many_independent_ones() -> None:
    # One daily series holds almost every case and favours the method; four others disagree.
    scored = _answered_by_both("daily", 400, True)
    for name in ("w", "x", "y", "z"):
        scored += _answered_by_both(name, 10, False)

    result = series_bootstrap(scored, "m", "b", 13)

    assert result is not None
    assert result.brier_difference < 0  # the pooled cases favour the method...
    assert result.brier_low < 0 < result.brier_high  # ...but one series cannot make that sure
    assert 0.2 < result.better_share < 0.9


def test_the_series_bootstrap_is_sure_when_every_series_agrees() -> None:
    scored = [s for name in "abcdefgh" for s in _answered_by_both(name, 5, True)]

    result = series_bootstrap(scored, "m", "b", 13)

    assert result is not None
    assert result.brier_high < 0 and result.better_share == 1.0


def test_common_cases_keeps_only_cases_every_method_answered() -> None:
    a, b = _case(), _case(origin=START + timedelta(days=28))
    scored = [
        Scored(a, "x", Prediction(True, (0.5, 0.5))),
        Scored(a, "y", Prediction(True, (0.5, 0.5))),
        Scored(b, "x", Prediction(True, (0.5, 0.5))),
        Scored(b, "y", Prediction(ok=False)),
    ]

    kept = common_cases(scored, ["x", "y"])

    assert {(s.case.origin, s.method) for s in kept} == {(a.origin, "x"), (a.origin, "y")}


# 2. Cases --------------------------------------------------------------------------------------


def test_cases_start_after_a_year_and_reach_targets_around_the_recent_pace() -> None:
    found = make_cases(_linear())

    assert found.cases
    first = min(c.origin for c in found.cases)
    assert (first - START).days >= 365
    origins = sorted({c.origin for c in found.cases})
    assert all((b - a).days >= 28 for a, b in itertools.pairwise(origins))
    for case in found.cases:
        assert case.recent == pytest.approx(25.0)
        h_days = 7 * case.horizon_weeks
        assert case.targets == pytest.approx(
            tuple(case.last_value + m * 25.0 * h_days for m in (0.5, 1.0, 1.5))
        )
        assert case.outcomes == (True, True, False)  # a straight line reaches exactly its pace
        assert case.mase_scale == pytest.approx(175.0)
    assert {c.horizon_weeks for c in found.cases} == {4, 13, 26}
    assert found.skipped_beyond_data > 0  # the last origins' deadlines fall after the data


def test_cases_interpolate_the_realised_value_and_skip_deadlines_inside_long_gaps() -> None:
    # Monthly observations of a 10/day line, with a 120-day hole in the second year.
    days = [d for d in range(0, 900, 30) if not 500 < d < 620]
    series = Series("gappy", tuple(START + timedelta(days=d) for d in days), tuple(10.0 * d for d in days))

    found = make_cases(series)

    assert found.skipped_unbracketed > 0
    for case in found.cases:
        deadline_day = (case.deadline - START).days
        assert not 500 < deadline_day < 620
        assert case.realised == pytest.approx(10.0 * deadline_day)


def test_a_declining_series_gets_a_hold_target() -> None:
    series = Series("down", _days(600), tuple(50_000.0 - 20 * i for i in range(600)))

    case = make_cases(series, horizons=(13,)).cases[0]

    assert case.labels == ("0.5x", "1x", "1.5x", LABEL_HOLD)
    assert case.targets[-1] == case.last_value
    assert case.outcomes == (False, True, True, False)


def test_a_level_gets_targets_around_its_recent_mean() -> None:
    series = Series("views", _days(600), tuple(700.0 for _ in range(600)), kind=KIND_LEVEL)

    case = make_cases(series, horizons=(4,)).cases[0]

    assert case.targets == pytest.approx((525.0, 700.0, 875.0))
    assert case.outcomes == (True, True, False)


def test_flow_series_fills_gaps_and_builds_a_total_and_a_weekly_level() -> None:
    dates = [START + timedelta(days=d) for d in (0, 1, 2, 4, 5, 6, 7, 8)]  # day 3 is missing
    total, weekly = flow_series("pv", dates, [10.0, 10, 10, 30, 10, 10, 10, 10])

    assert total.kind == KIND_STOCK and weekly.kind == KIND_LEVEL
    assert len(total.dates) == 9  # every day, the gap filled by interpolation (20)
    assert total.values[3] == pytest.approx(50.0)
    assert total.values[-1] == pytest.approx(120.0)
    assert weekly.dates[0] == START + timedelta(days=6)
    assert weekly.values[0] == pytest.approx(100.0)  # 10+10+10+20+30+10+10


# 3. Methods and a small backtest ------------------------------------------------------------


def test_the_pace_baseline_is_certain_either_way() -> None:
    case = _case(last_value=100.0, recent=1.0, targets=(145.0, 191.0, 192.0), labels=("a", "b", "c"))

    prediction = pace_method(case, [], [])["pace"]

    assert prediction.probabilities == (1.0, 1.0, 0.0)  # 100 + 1 × 91 = 191
    assert prediction.p10 == prediction.p50 == prediction.p90 == pytest.approx(191.0)


def test_climatology_answers_the_base_rate_of_each_target_kind() -> None:
    cases = [_case(realised=180.0), _case(realised=120.0), _case(realised=250.0)]

    climatology = Climatology(cases)
    prediction = climatology(_case(), [], [])["climatology"]

    assert prediction.probabilities == pytest.approx((2 / 3, 1 / 3))
    assert prediction.p50 is None


def test_a_small_synthetic_backtest_beats_the_pace_baseline() -> None:
    # Its speed is measured by bench/backtest.py and bench/bench_forecast.py, not by a clock here.
    series = [generate("drifting", seed) for seed in (0, 1)]
    scored = []
    for s in series:
        cases = make_cases(s, horizons=(13,), max_origins=8).cases
        scored += run_series(s, cases, [forecast_goal_method, pace_method])

    table = summarise(common_cases(scored, ["calibrated", "pace"]))

    calibrated, pace = table[("calibrated", 13)], table[("pace", 13)]
    assert calibrated["failure_share"] == 0.0
    assert calibrated["cases"] >= 12
    assert calibrated["brier"] < pace["brier"]
    assert 0.5 <= calibrated["coverage_p10_p90"] <= 1.0


def test_a_failing_method_is_scored_as_failed_not_raised() -> None:
    def broken(case: Case, dates: object, values: object) -> dict[str, Prediction]:
        raise RuntimeError("boom")

    series = _linear()
    cases = make_cases(series, horizons=(4,), max_origins=2).cases

    scored = run_series(series, cases, [broken])

    assert cases
    assert [s.prediction.ok for s in scored] == [False] * len(cases)
    assert {s.method for s in scored} == {"broken"}


def test_standardised_errors_and_the_reference_table() -> None:
    series = generate("steady", 0)
    case = make_cases(series, horizons=(13,), max_origins=1).cases[0]

    z = standardised_error(case, series.dates[: case.history_len], series.values[: case.history_len])

    assert z is not None and math.isfinite(z)
    errors = {h: [float(v) for v in range(-50, 51)] for h in REFERENCE_HORIZONS}
    table = reference_table(errors)
    assert len(table) == len(REFERENCE_HORIZONS)
    assert all(len(row) == len(REFERENCE_LEVELS) for row in table)
    assert list(table[0]) == sorted(table[0])
    assert table[0][REFERENCE_LEVELS.index(0.5)] == pytest.approx(0.0)  # symmetric: nothing to re-centre


def test_the_follower_and_level_tables_remove_their_own_share_of_the_median(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from smartsmm.core import backtest as core_backtest

    errors = {h: [float(v) + 10.0 for v in range(-50, 51)] for h in REFERENCE_HORIZONS}  # median 10
    middle = REFERENCE_LEVELS.index(0.5)
    monkeypatch.setattr(core_backtest, "REFERENCE_RECENTRING", 1.0)
    monkeypatch.setattr(core_backtest, "LEVEL_REFERENCE_RECENTRING", 0.5)

    assert reference_table(errors)[4][middle] == pytest.approx(0.0)
    assert reference_table(errors, level=True)[4][middle] == pytest.approx(5.0)


# 4. Synthetic families ---------------------------------------------------------------------------


def test_synthetic_families_are_reproducible_and_the_hold_out_is_disjoint() -> None:
    assert set(TUNING_SEEDS).isdisjoint(HOLDOUT_SEEDS)
    assert generate("steps", 3) == generate("steps", 3)
    assert generate("steps", 3) != generate("steps", 4)
    tuning = synthetic_set(TUNING_SEEDS[:1])
    assert [s.name for s in tuning] == [f"{family}-{TUNING_SEEDS[0]}" for family in FAMILIES]
    for s in tuning:
        assert len(s.truth_dates) == len(s.truth_values) > 1000
        assert all(math.isfinite(v) for v in s.values)
        assert list(s.dates) == sorted(set(s.dates))
        truth = dict(zip(s.truth_dates, s.truth_values, strict=True))
        assert s.dates[0] in truth
    assert {s.kind for s in tuning} == {KIND_STOCK, KIND_LEVEL}


def test_an_unknown_family_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown family"):
        generate("viral", 0)


def test_it_measures_the_standardised_error_in_the_reference_s_units() -> None:
    # The reference is fitted on these errors, so the realised value's level in the calibrated
    # forecast must be the error's level in the reference, whatever the own factors are.
    series = generate("drifting", 1)
    case = make_cases(series, horizons=(13,), max_origins=3).cases[-1]
    dates, values = series.dates[: case.history_len], series.values[: case.history_len]

    z = standardised_error(case, dates, values)
    result = forecast_goal(dates, values, case.realised, case.deadline)

    assert z is not None and result.probability is not None
    reference = _reference(np.asarray([13.0]))[0]
    level_in_reference = float(np.interp(z, reference, REFERENCE_LEVELS))
    assert result.probability == pytest.approx(1.0 - level_in_reference, abs=1e-6)


def test_the_synthetic_hold_outs_are_disjoint_from_the_tuning_seeds_and_each_other() -> None:
    seeds = (
        TUNING_SEEDS,
        HOLDOUT_SEEDS,
        HOLDOUT2_SEEDS,
        HOLDOUT3_SEEDS,
        HOLDOUT4_SEEDS,
        HOLDOUT5_SEEDS,
        HOLDOUT6_SEEDS,
    )
    assert len(set().union(*seeds)) == 42


def test_the_level_hold_outs_are_disjoint_from_the_tuning_seeds_and_each_other() -> None:
    seeds = (
        LEVEL_TUNING_SEEDS,
        LEVEL_HOLDOUT_SEEDS,
        LEVEL_HOLDOUT2_SEEDS,
        LEVEL_HOLDOUT3_SEEDS,
        LEVEL_HOLDOUT4_SEEDS,
        LEVEL_HOLDOUT5_SEEDS,
        LEVEL_HOLDOUT6_SEEDS,
        LEVEL_HOLDOUT7_SEEDS,
    )
    assert len(set().union(*seeds)) == sum(len(s) for s in seeds) == 144


def test_the_level_families_are_levels_with_a_daily_truth_and_a_fresh_hold_out() -> None:
    assert not set(LEVEL_TUNING_SEEDS) & set(LEVEL_HOLDOUT_SEEDS)
    assert not set(LEVEL_FAMILIES) & set(FAMILIES)
    for family in LEVEL_FAMILIES:
        series = generate(family, LEVEL_TUNING_SEEDS[0])
        assert series.kind == KIND_LEVEL
        assert len(series.truth_values) == len(series.truth_dates)
        truth = np.asarray(series.truth_values)
        assert np.all(truth >= 0)
        assert np.mean(np.diff(truth) < 0) > 0.2  # moves both ways
    rate = np.asarray(generate("level-rate", LEVEL_TUNING_SEEDS[1]).truth_values)
    assert 0.3 < float(np.median(rate)) < 20.0  # per cent, like ER


def test_it_fits_each_reference_table_only_on_the_cases_it_is_used_for() -> None:
    stock = generate("drifting", 1)
    level = generate("level-views-large", 1)
    stock_case = make_cases(stock, horizons=(13,), max_origins=3).cases[-1]
    level_case = make_cases(level, horizons=(13,), max_origins=3).cases[-1]

    def error(series: Series, case: Case, level_flag: bool | None) -> float | None:
        n = case.history_len
        return standardised_error(case, series.dates[:n], series.values[:n], level=level_flag)

    assert error(stock, stock_case, True) is None
    assert error(stock, stock_case, False) is not None
    assert error(level, level_case, False) is None
    assert error(level, level_case, True) is not None
