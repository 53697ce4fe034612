"""Rolling-origin backtests of goal forecasts: cases, baselines and scores.

A *case* is one forecast origin and one horizon on one series: the history up to the origin,
a deadline ``origin + 7·h`` days, a few targets and, for each target, whether the realised value
on the deadline reached it. Methods answer a case with a probability per target and the p10/p50/p90
of the value at the deadline; the scores are

* the **Brier score** of the probabilities (mean squared difference to the 0/1 outcome),
* the **coverage** of the p10–p90 interval (share of realised values inside; 0.8 is calibrated),
* the **MASE** of p50: |realised − p50| divided by the in-sample mean absolute weekly change of the
  history (Hyndman & Koehler 2006, one-step naive on the weekly grid),
* the **failure share**: cases the method did not answer (``insufficient_history`` or an error).

Targets (see :func:`make_cases`): for a stock (followers, total views) the value at the origin plus
0.5, 1.0 and 1.5 times the recent pace (last 8 weeks) over the horizon, plus "hold" (no net loss)
when the recent pace is negative; for a level of a flow (views per week) 0.75, 1.0 and 1.25 times
the recent level. Baselines: the recent pace continues (certain either way), plain damped-trend ETS
with simulated paths (statsmodels, nominal spread), the previous default of this project (the same
ETS with its spread widened ×1.75), and climatology (the base rate of each target kind and horizon
in the tuning set).

Nothing here imports Django or reads files; ``bench/backtest.py`` is the command that runs it.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from smartsmm.core.forecast import (
    REFERENCE_HORIZONS,
    REFERENCE_LEVELS,
    STATUS_OK,
    _model,
    _observations,
    _reference,
    _unshape,
    _weekly_grid,
    forecast_goal,
)

#: A stock: a running total that is forecast as such (followers, total views).
KIND_STOCK = "stock"
#: A level of a flow: the value of a rolling window (views per week), which moves both ways.
KIND_LEVEL = "level"

#: Horizons of the cases, in weeks.
HORIZONS = (4, 13, 26)
#: Targets of a stock: the origin's value plus these multiples of the recent pace over the horizon.
STOCK_MULTIPLIERS = (0.5, 1.0, 1.5)
#: Targets of a level: these multiples of the recent level.
LEVEL_MULTIPLIERS = (0.75, 1.0, 1.25)
#: An origin needs this much history before it (the issue: "every origin with ≥ 1 year").
MIN_HISTORY_DAYS = 365
#: Consecutive origins are at least this far apart, so that densely sampled series do not dominate.
ORIGIN_STEP_DAYS = 28
#: The realised value on the deadline is interpolated between the two observations around it only
#: when they are at most this far apart; otherwise the case is skipped (and counted as skipped).
MAX_BRACKET_GAP_DAYS = 62
#: The recent pace (stock) is the change over the last 8 weeks; the recent level the mean of 4 weeks.
RECENT_PACE_DAYS = 56
RECENT_LEVEL_DAYS = 28

LABEL_HOLD = "hold"


@dataclass(frozen=True)
class Series:
    """A metric's history, and optionally its daily truth (synthetic data).

    Attributes:
        name: Identifier used in tables.
        dates: Observation days, ascending and unique.
        values: Observed values.
        kind: :data:`KIND_STOCK` or :data:`KIND_LEVEL`.
        truth_dates: Every day of the simulated truth (synthetic series only), ascending.
        truth_values: The true value on each of those days; realised values are read from it.
    """

    name: str
    dates: tuple[date, ...]
    values: tuple[float, ...]
    kind: str = KIND_STOCK
    truth_dates: tuple[date, ...] = ()
    truth_values: tuple[float, ...] = ()


@dataclass(frozen=True)
class Case:
    """One origin × horizon of one series, with its targets and outcomes.

    ``history_len`` is the number of observations (from the start of the series) a method may see.
    """

    series: str
    kind: str
    history_len: int
    origin: date
    horizon_weeks: int
    deadline: date
    last_value: float
    recent: float
    targets: tuple[float, ...]
    labels: tuple[str, ...]
    realised: float
    mase_scale: float | None

    @property
    def outcomes(self) -> tuple[bool, ...]:
        """Whether the realised value reached each target."""
        return tuple(self.realised >= t for t in self.targets)


@dataclass(frozen=True)
class Prediction:
    """A method's answer to a case: a probability per target and the p10/p50/p90 at the deadline."""

    ok: bool
    probabilities: tuple[float, ...] = ()
    p10: float | None = None
    p50: float | None = None
    p90: float | None = None


#: A method answers a case (given the history it may see) under one or more names.
Method = Callable[[Case, Sequence[date], Sequence[float]], Mapping[str, Prediction]]


@dataclass(frozen=True)
class Scored:
    """A case answered by one method."""

    case: Case
    method: str
    prediction: Prediction


@dataclass
class CaseSet:
    """The cases of some series, and how many origin × horizon pairs were skipped and why."""

    cases: list[Case] = field(default_factory=list)
    skipped_unbracketed: int = 0
    skipped_beyond_data: int = 0


# Case generation ---------------------------------------------------------------------------------


def make_cases(
    series: Series,
    *,
    horizons: Sequence[int] = HORIZONS,
    min_history_days: int = MIN_HISTORY_DAYS,
    origin_step_days: int = ORIGIN_STEP_DAYS,
    max_origins: int | None = None,
) -> CaseSet:
    """Rolling-origin cases of one series.

    Origins are observation days with at least ``min_history_days`` of history before them, at
    least ``origin_step_days`` apart. For each horizon the deadline is ``origin + 7·h`` days; the
    realised value there comes from the truth when the series has one, otherwise from linear
    interpolation between the observations around the deadline when they are at most
    :data:`MAX_BRACKET_GAP_DAYS` apart (the case is skipped otherwise). Deadlines after the data
    are counted as ``skipped_beyond_data``.
    """
    out = CaseSet()
    days = np.asarray([d.toordinal() for d in series.dates], dtype=np.int64)
    vals = np.asarray(series.values, dtype=np.float64)
    if days.size < 2:
        return out
    truth: dict[int, float] = {
        d.toordinal(): v for d, v in zip(series.truth_dates, series.truth_values, strict=True)
    }
    origins: list[int] = []
    for i in range(days.size):
        if days[i] - days[0] < min_history_days:
            continue
        if origins and days[i] - days[origins[-1]] < origin_step_days:
            continue
        origins.append(i)
    if max_origins is not None and len(origins) > max_origins:
        keep = np.linspace(0, len(origins) - 1, max_origins).round().astype(int)
        origins = [origins[k] for k in sorted(set(keep.tolist()))]
    for i in origins:
        hist_days, hist_vals = days[: i + 1], vals[: i + 1]
        last_value = float(hist_vals[-1])
        scale = _mase_scale(hist_days, hist_vals)
        if series.kind == KIND_LEVEL:
            window = hist_days >= hist_days[-1] - RECENT_LEVEL_DAYS + 1
            recent = float(np.mean(hist_vals[window]))
        else:
            then = float(np.interp(float(hist_days[-1] - RECENT_PACE_DAYS), hist_days, hist_vals))
            recent = (last_value - then) / RECENT_PACE_DAYS
        for h in horizons:
            deadline = int(days[i]) + 7 * h
            realised = _realised(days, vals, truth, deadline)
            if realised is None:
                if deadline > (max(truth) if truth else int(days[-1])):
                    out.skipped_beyond_data += 1
                else:
                    out.skipped_unbracketed += 1
                continue
            targets, labels = _targets(series.kind, last_value, recent, 7 * h)
            out.cases.append(
                Case(
                    series=series.name,
                    kind=series.kind,
                    history_len=i + 1,
                    origin=date.fromordinal(int(days[i])),
                    horizon_weeks=h,
                    deadline=date.fromordinal(deadline),
                    last_value=last_value,
                    recent=recent,
                    targets=targets,
                    labels=labels,
                    realised=realised,
                    mase_scale=scale,
                )
            )
    return out


def _targets(
    kind: str, last_value: float, recent: float, horizon_days: int
) -> tuple[tuple[float, ...], tuple[str, ...]]:
    if kind == KIND_LEVEL:
        pairs = [(m * recent, f"{m:g}x") for m in LEVEL_MULTIPLIERS]
    else:
        pairs = [(last_value + m * recent * horizon_days, f"{m:g}x") for m in STOCK_MULTIPLIERS]
        if recent < 0:
            pairs.append((last_value, LABEL_HOLD))
    seen: set[float] = set()
    targets, labels = [], []
    for target, label in pairs:
        if target not in seen:
            seen.add(target)
            targets.append(float(target))
            labels.append(label)
    return tuple(targets), tuple(labels)


def _realised(days: np.ndarray, vals: np.ndarray, truth: Mapping[int, float], day: int) -> float | None:
    if truth:
        return truth.get(day)
    j = int(np.searchsorted(days, day))
    if j < days.size and days[j] == day:
        return float(vals[j])
    if j == 0 or j >= days.size or days[j] - days[j - 1] > MAX_BRACKET_GAP_DAYS:
        return None
    w = (day - days[j - 1]) / (days[j] - days[j - 1])
    return float(vals[j - 1] + w * (vals[j] - vals[j - 1]))


def _mase_scale(days: np.ndarray, vals: np.ndarray) -> float | None:
    """In-sample mean absolute change per week (one-step naive on the weekly grid)."""
    n_weeks = int(days[-1] - days[0]) // 7
    if n_weeks < 1:
        return None
    grid_days = days[-1] - 7 * np.arange(n_weeks, -1, -1)
    grid = np.interp(grid_days.astype(np.float64), days.astype(np.float64), vals)
    scale = float(np.mean(np.abs(np.diff(grid))))
    return scale if scale > 0 and math.isfinite(scale) else None


def flow_series(name: str, dates: Sequence[date], daily: Sequence[float]) -> tuple[Series, Series]:
    """Two views of a daily flow (e.g. page views): the running total, and views per 7 days.

    Missing days are filled by linear interpolation of the daily values before summing, so that a
    gap in the data is not read as a week without views.
    """
    days = np.asarray([d.toordinal() for d in dates], dtype=np.int64)
    vals = np.asarray(daily, dtype=np.float64)
    order = np.argsort(days, kind="stable")
    days, vals = days[order], vals[order]
    every = np.arange(days[0], days[-1] + 1, dtype=np.int64)
    filled = np.interp(every.astype(np.float64), days.astype(np.float64), vals)
    total = np.cumsum(filled)
    weekly = np.convolve(filled, np.ones(7), mode="full")[: filled.size]
    all_dates = tuple(date.fromordinal(int(d)) for d in every)
    return (
        Series(f"{name}-total", all_dates, tuple(float(v) for v in total), KIND_STOCK),
        Series(f"{name}-weekly", all_dates[6:], tuple(float(v) for v in weekly[6:]), KIND_LEVEL),
    )


# Methods ---------------------------------------------------------------------------------------


def forecast_goal_method(case: Case, dates: Sequence[date], values: Sequence[float]) -> dict[str, Prediction]:
    """The calibrated ``forecast_goal``, one call per target (as the app calls it)."""
    results = [forecast_goal(dates, values, t, case.deadline) for t in case.targets]
    first = results[0]
    if first.status != STATUS_OK or any(r.probability is None for r in results):
        return {"calibrated": Prediction(ok=False)}
    probs = tuple(float(r.probability) for r in results if r.probability is not None)
    return {"calibrated": Prediction(True, probs, first.p10, first.p50, first.p90)}


def pace_method(case: Case, dates: Sequence[date], values: Sequence[float]) -> dict[str, Prediction]:
    """The recent pace (stock) or level (flow) continues: certain either way."""
    point = case.recent if case.kind == KIND_LEVEL else case.last_value + case.recent * 7 * case.horizon_weeks
    probs = tuple(1.0 if point >= t else 0.0 for t in case.targets)
    return {"pace": Prediction(True, probs, point, point, point)}


class Climatology:
    """The base rate of each target kind (label) at each horizon, learnt from some cases."""

    def __init__(self, cases: Iterable[Case]) -> None:
        hits: dict[tuple[int, str], list[bool]] = defaultdict(list)
        for case in cases:
            for label, outcome in zip(case.labels, case.outcomes, strict=True):
                hits[(case.horizon_weeks, label)].append(outcome)
        self.rates = {key: float(np.mean(v)) for key, v in hits.items()}

    def __call__(self, case: Case, dates: Sequence[date], values: Sequence[float]) -> dict[str, Prediction]:
        probs = tuple(self.rates.get((case.horizon_weeks, label), 0.5) for label in case.labels)
        return {"climatology": Prediction(True, probs)}


#: Weekly damping bounds of the plain ETS baseline (the v1 default of this project).
PLAIN_DAMPING_BOUNDS = (0.9, 0.995)
#: The v1 widening of the simulated spread around its median.
V1_WIDENING = 1.75


def ets_plain_method(
    case: Case, dates: Sequence[date], values: Sequence[float], *, n_paths: int = 1000, seed: int = 0
) -> dict[str, Prediction]:
    """Plain damped-trend ETS (statsmodels) with simulated paths, nominal and ×1.75 ("v1").

    The v1 forecast of this project: weekly grid ending at the last observation, standardised
    series, ``ETSModel(error="add", trend="add", damped_trend=True)`` with φ in
    :data:`PLAIN_DAMPING_BOUNDS`, ``n_paths`` simulated paths to the deadline.
    """
    days = np.asarray([d.toordinal() for d in dates], dtype=np.int64)
    vals = np.asarray(values, dtype=np.float64)
    n_weeks = int(days[-1] - days[0]) // 7
    failed = {"ets-plain": Prediction(ok=False), "ets-v1": Prediction(ok=False)}
    if n_weeks < 5:
        return failed
    grid_days = days[-1] - 7 * np.arange(n_weeks, -1, -1)
    grid = np.interp(grid_days.astype(np.float64), days.astype(np.float64), vals)
    horizon = case.deadline.toordinal() - int(days[-1])
    weeks = math.ceil(horizon / 7)
    last = float(grid[-1])
    scale = float(np.ptp(grid)) or max(abs(last), 1.0)
    rng = np.random.default_rng(seed)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            model = ETSModel(
                (grid - last) / scale,
                error="add",
                trend="add",
                damped_trend=True,
                bounds={"damping_trend": PLAIN_DAMPING_BOUNDS},
            )
            fit = model.fit(disp=False)
            sigma = math.sqrt(float(fit.scale))
            errors = rng.standard_normal((weeks, n_paths)) * sigma
            sim = fit.simulate(weeks, anchor="end", repetitions=n_paths, random_errors=errors)
            paths = np.asarray(sim, dtype=np.float64).reshape(weeks, n_paths) * scale + last
    except Exception:
        return failed
    # v1 also floored the weekly spread at 10 % of the recent weekly pace + 1 (a random-walk term).
    floor = 0.1 * abs(float(np.median(np.diff(grid)[-8:]))) + 1.0
    extra = math.sqrt(max(floor**2 - (sigma * scale) ** 2, 0.0))
    floored = paths + np.cumsum(rng.standard_normal((weeks, n_paths)) * extra, axis=0)
    out = {}
    for name, widen, p in (("ets-plain", 1.0, paths), ("ets-v1", V1_WIDENING, floored)):
        median_path = np.median(p, axis=1, keepdims=True)
        p = median_path + widen * (p - median_path)
        before = p[-2] if weeks > 1 else np.full(n_paths, last)
        final = before + (horizon - 7 * (weeks - 1)) / 7.0 * (p[-1] - before)
        if not np.all(np.isfinite(final)):
            return failed
        q10, q50, q90 = (float(q) for q in np.quantile(final, [0.1, 0.5, 0.9]))
        probs = tuple(float(np.mean(final >= t)) for t in case.targets)
        out[name] = Prediction(True, probs, q10, q50, q90)
    return out


# Running and scoring ---------------------------------------------------------------------------


def run_series(series: Series, cases: Sequence[Case], methods: Sequence[Method]) -> list[Scored]:
    """Answer every case of one series with every method; a method that raises counts as failed."""
    scored: list[Scored] = []
    for case in cases:
        dates = series.dates[: case.history_len]
        values = series.values[: case.history_len]
        for method in methods:
            try:
                answers = method(case, dates, values)
            except Exception:  # a failure is a score, not a crash of the whole backtest
                answers = {getattr(method, "__name__", type(method).__name__): Prediction(ok=False)}
            for name, prediction in answers.items():
                scored.append(Scored(case, name, prediction))
    return scored


def brier(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Mean of (p − outcome)²; NaN for no cases."""
    if not probabilities:
        return math.nan
    p = np.asarray(probabilities, dtype=np.float64)
    o = np.asarray(outcomes, dtype=np.float64)
    return float(np.mean((p - o) ** 2))


def coverage(lows: Sequence[float], highs: Sequence[float], realised: Sequence[float]) -> float:
    """Share of realised values within [low, high]; NaN for no cases."""
    if not realised:
        return math.nan
    lo, hi, y = (np.asarray(a, dtype=np.float64) for a in (lows, highs, realised))
    return float(np.mean((lo <= y) & (y <= hi)))


def mase(
    forecasts: Sequence[float], realised: Sequence[float], scales: Sequence[float]
) -> tuple[float, float]:
    """Mean and median of |realised − forecast| / scale; NaN for no cases."""
    if not realised:
        return math.nan, math.nan
    f, y, s = (np.asarray(a, dtype=np.float64) for a in (forecasts, realised, scales))
    errors = np.abs(y - f) / s
    return float(np.mean(errors)), float(np.median(errors))


def reliability(
    probabilities: Sequence[float], outcomes: Sequence[bool], bins: int = 5
) -> list[dict[str, Any]]:
    """Calibration table: per probability bin, the number of targets, mean probability and hit rate."""
    p = np.asarray(probabilities, dtype=np.float64)
    o = np.asarray(outcomes, dtype=np.float64)
    rows = []
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        inside = (p >= lo) & ((p < hi) if k < bins - 1 else (p <= hi))
        if inside.any():
            rows.append(
                {
                    "bin": f"{lo:.1f}–{hi:.1f}",
                    "n": int(inside.sum()),
                    "mean_probability": float(p[inside].mean()),
                    "hit_rate": float(o[inside].mean()),
                }
            )
    return rows


def summarise(scored: Iterable[Scored], by_label: bool = False) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Scores per (method, horizon) — or (method, horizon, label) — over the given answers.

    Brier counts each target of each answered case; coverage and MASE each answered case with a
    p10/p90 (p50); the failure share is over all cases of the group.
    """
    groups: dict[tuple[Any, ...], list[Scored]] = defaultdict(list)
    for s in scored:
        groups[(s.method, s.case.horizon_weeks)].append(s)
        groups[(s.method, "all")].append(s)
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for key, items in groups.items():
        probs: list[float] = []
        hits: list[bool] = []
        per_label: dict[str, tuple[list[float], list[bool]]] = defaultdict(lambda: ([], []))
        lo, hi, y_cov = [], [], []
        p50, y_mase, scales = [], [], []
        failed = 0
        for s in items:
            pred = s.prediction
            if not pred.ok:
                failed += 1
                continue
            for label, p, o in zip(s.case.labels, pred.probabilities, s.case.outcomes, strict=True):
                probs.append(p)
                hits.append(o)
                per_label[label][0].append(p)
                per_label[label][1].append(o)
            if pred.p10 is not None and pred.p90 is not None:
                lo.append(pred.p10)
                hi.append(pred.p90)
                y_cov.append(s.case.realised)
            if pred.p50 is not None and s.case.mase_scale:
                p50.append(pred.p50)
                y_mase.append(s.case.realised)
                scales.append(s.case.mase_scale)
        mase_mean, mase_median = mase(p50, y_mase, scales)
        row: dict[str, Any] = {
            "cases": len(items),
            "targets": len(probs),
            "brier": brier(probs, hits),
            "coverage_p10_p90": coverage(lo, hi, y_cov) if y_cov else None,
            "mase_mean": mase_mean if p50 else None,
            "mase_median": mase_median if p50 else None,
            "failure_share": failed / len(items) if items else math.nan,
            "base_rate": float(np.mean(hits)) if hits else math.nan,
        }
        if by_label:
            row["brier_by_label"] = {k: brier(v[0], v[1]) for k, v in sorted(per_label.items())}
        out[key] = row
    return out


def common_cases(scored: Sequence[Scored], methods: Sequence[str]) -> list[Scored]:
    """Keep only the cases every one of ``methods`` answered, so that scores compare like with like."""
    answered: dict[tuple[str, date, int], set[str]] = defaultdict(set)
    for s in scored:
        if s.prediction.ok:
            answered[(s.case.series, s.case.origin, s.case.horizon_weeks)].add(s.method)
    need = set(methods)
    return [
        s
        for s in scored
        if need <= answered[(s.case.series, s.case.origin, s.case.horizon_weeks)] and s.method in need
    ]


@dataclass(frozen=True)
class SeriesBootstrap:
    """How far two methods' Brier scores and one method's coverage can be trusted on one data set.

    ``brier_difference`` is the method's Brier minus the baseline's on the targets both answered
    (negative: the method is better) with its ``low`` / ``high`` bounds; ``better_share`` the
    share of resamples in which the method's Brier was lower; ``coverage`` the method's p10–p90
    coverage with its bounds. ``series`` counts the series the resamples draw from.
    """

    series: int
    brier_difference: float
    brier_low: float
    brier_high: float
    better_share: float
    coverage: float | None
    coverage_low: float | None
    coverage_high: float | None


def series_bootstrap(
    scored: Sequence[Scored],
    method: str,
    baseline: str,
    horizon: int,
    *,
    draws: int = 2000,
    level: float = 0.9,
    seed: int = 0,
) -> SeriesBootstrap | None:
    """A bootstrap over whole series of ``method`` against ``baseline`` at ``horizon`` weeks.

    The cases of one series are not independent — they share its regime, and with an origin on
    every observation day a daily series gives hundreds of near copies — so resampling cases would
    make a difference carried by one or two series look certain. Whole series are drawn with
    replacement instead; each resample's Brier is its targets' mean, as for the set itself.
    None when either method answered no case of the set at that horizon.
    """
    # Per series: squared errors of the method and of the baseline, targets, cases inside the
    # method's p10-p90 and cases with one. Sums over any resample give its Brier and coverage.
    method_sq, baseline_sq, targets, inside, intervals = range(5)
    per_series: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(5))
    at_horizon = [answer for answer in scored if answer.case.horizon_weeks == horizon]
    for answer in common_cases(at_horizon, [method, baseline]):
        case, prediction = answer.case, answer.prediction
        row = per_series[case.series]
        errors = sum((p - o) ** 2 for p, o in zip(prediction.probabilities, case.outcomes, strict=True))
        if answer.method == baseline:
            row[baseline_sq] += errors
            continue
        row[method_sq] += errors
        row[targets] += len(case.targets)
        if prediction.p10 is not None and prediction.p90 is not None:
            row[inside] += float(prediction.p10 <= case.realised <= prediction.p90)
            row[intervals] += 1.0
    if not per_series:
        return None
    table = np.asarray(list(per_series.values()))
    n = table.shape[0]
    # Row 0 is the set itself (every series once); the others draw n series with replacement.
    counts = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=draws)
    totals = np.vstack([np.ones(n), counts]) @ table
    differences = (totals[:, method_sq] - totals[:, baseline_sq]) / np.maximum(totals[:, targets], 1.0)
    tail = (1.0 - level) / 2.0
    low, high = (float(v) for v in np.quantile(differences[1:], [tail, 1.0 - tail]))
    coverage_point = coverage_low = coverage_high = None
    if totals[0, intervals] > 0:
        with_intervals = totals[totals[:, intervals] > 0]
        shares = with_intervals[:, inside] / with_intervals[:, intervals]
        coverage_point = float(shares[0])
        coverage_low, coverage_high = (float(v) for v in np.quantile(shares[1:], [tail, 1.0 - tail]))
    return SeriesBootstrap(
        series=n,
        brier_difference=float(differences[0]),
        brier_low=low,
        brier_high=high,
        better_share=float(np.mean(differences[1:] < 0)),
        coverage=coverage_point,
        coverage_low=coverage_low,
        coverage_high=coverage_high,
    )


def day_range(start: date, days: int) -> list[date]:
    """``days`` consecutive days from ``start`` (a helper for tests and synthetic data)."""
    return [start + timedelta(days=i) for i in range(days)]


# Reference calibration -------------------------------------------------------------------------

#: The reference quantiles are shifted by this share of their median towards a zero median. The
#: real follower histories (Twitter, 2008–2017) grew faster than their recent pace more often than
#: not — an era in which the platform itself was growing — and the tuning backtest preferred keeping
#: half of that lean (see docs/decisions/0003-calibrated-forecast.md).
REFERENCE_RECENTRING = 0.5
#: The same for the level table (fitted on synthetic level families, which have no lean of their
#: own); kept apart so that a change to the follower table's share leaves levels as they are.
LEVEL_REFERENCE_RECENTRING = 0.5
#: Passes of the level table's fit (``bench/backtest.py --fit-reference``): the first measures the
#: standardised errors without the series' own spread factors, each further one with the factors the
#: previous pass's table gives. A wider table makes the own factors narrower, so the fit reaches the
#: table that covers its own cases only after several passes (round 18 of docs/decisions/0003).
LEVEL_TABLE_PASSES = 4


def reference_table(
    errors: Mapping[int, Sequence[float]], level: bool = False
) -> tuple[tuple[float, ...], ...]:
    """Quantiles at ``REFERENCE_LEVELS`` of the standardised errors per ``REFERENCE_HORIZONS``
    (``level``: for the level table, re-centred by :data:`LEVEL_REFERENCE_RECENTRING`)."""
    share = LEVEL_REFERENCE_RECENTRING if level else REFERENCE_RECENTRING
    rows = []
    for h in REFERENCE_HORIZONS:
        q = np.quantile(np.asarray(errors[h], dtype=np.float64), REFERENCE_LEVELS)
        q = q - share * q[REFERENCE_LEVELS.index(0.5)]
        rows.append(tuple(round(float(v), 3) for v in q))
    return tuple(rows)


def standardised_error(
    case: Case,
    dates: Sequence[date],
    values: Sequence[float],
    *,
    own_factor: bool = True,
    level: bool | None = None,
) -> float | None:
    """``(realised − centre) / unit`` of the calibrated model at this case.

    The reference quantiles of ``forecast.py`` are quantiles of these errors over the tuning set.
    With ``own_factor`` the series' own calibration (its spread and tail factors, computed with the
    current reference) is undone from the error, so that the reference describes what is left once
    the own calibration is applied and the calibrated forecast as a whole — not the reference
    alone — covers 80 % on the tuning set. With ``level`` given, only a case whose history is
    (True) or is not (False) level-like gives an error (None otherwise), so each reference table
    is fitted on the series it is used for.
    """
    observed = _observations(dates, values)
    days, vals = observed.days, observed.vals
    if days.size < 3:
        return None
    grid = _weekly_grid(days, vals)
    if grid.size < 6:
        return None
    horizon = (case.deadline.toordinal() - int(days[-1])) / 7.0
    with np.errstate(all="ignore"):
        model = _model(days, grid, observed.rounding)
        if level is not None and model.level_like != level:
            return None
        calibration = model.calibrate(model.last, horizon)
        if not own_factor:
            calibration = replace(calibration, factor=1.0, tail=1.0)  # the centre (blend, keep) stays
        centre, unit = model.centre_and_unit(model.last, np.asarray([horizon]), calibration)
        u = (case.realised - float(centre[0])) / float(unit[0])
        z = _unshape(u, _reference(np.asarray([horizon]), model.level_like)[0], calibration)
    return z if math.isfinite(z) else None
