"""Forecast whether a stock metric (e.g. followers) reaches a target by a deadline.

The model follows §4.3 of ``shared/reference/metrics-and-forecasting.md``: damped-trend ETS on
weekly-aggregated cumulative counts, with the probability read off simulated sample paths.

* Observations are put on a weekly grid that ends at the last observation; each grid value is a
  linear interpolation between the surrounding observations, never extrapolated before the first.
  Weekly (not daily) steps matter: the damping parameter is per step, and on daily data the usual
  bound φ ≤ 0.98 caps the remaining trend at ~49 days of the current pace (reference §4.2.3).
* ``ETSModel(error="add", trend="add", damped_trend=True)`` is fitted on the grid and
  ``n_paths`` sample paths are simulated to the first grid week on/after the deadline, then
  interpolated to the exact deadline day.
* The spread of the paths around their median is widened by :data:`DEFAULT_SPREAD_WIDENING`, because
  nominal ETS intervals under-cover on real follower series (reference §4.2.2). A later issue
  replaces this constant with a per-account calibration from rolling-origin backtests.
* If the fit fails or gives non-finite paths, a bootstrap of recent weekly increments is used
  instead; the function never raises.

Nothing here imports Django.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

#: A model forecast needs at least this many weekly grid points (reference §4.3 step 1).
MIN_WEEKLY_POINTS = 6

#: ...and at least this many real observations: two points interpolated onto a weekly grid form a
#: perfect line that says nothing about how much the weekly net adds vary.
MIN_OBSERVATIONS = 3

#: "Recent" means the last 8 weeks (56 days), for the recent pace and the bootstrap fallback.
RECENT_WEEKS = 8

#: Default factor by which the simulated spread around the median is widened. The exploratory
#: backtest in the reference (§4.2.2, §4.3 step 4) found nominal ETS intervals too narrow by
#: roughly 1.5–2× on real follower series; 1.75 is the middle of that range. Calibrated later.
DEFAULT_SPREAD_WIDENING = 1.75

#: Floor on the weekly innovation spread: this fraction of the recent weekly net adds...
SPREAD_FLOOR_FRACTION = 0.10

#: ...plus this absolute amount (metric units per week), so a constant series is not certain either.
SPREAD_FLOOR_ABSOLUTE = 1.0

#: Bounds for the weekly damping parameter φ. statsmodels' default (0.8, 0.98) comes from
#: monthly/quarterly practice: per *week*, φ = 0.8 would keep only ~4 weeks of the current pace
#: (φ/(1−φ)) and φ = 0.98 ~49 weeks. A lower bound of 0.9 (~9 weeks) stops a poorly identified fit
#: from flattening a steady trend within a quarter; an upper bound of 0.995 (~199 weeks) lets a
#: clean straight line stay essentially undamped over any realistic goal horizon. On noise-free
#: lines the likelihood increases towards φ → 1, so such fits land on the upper bound rather than
#: needing a separate undamped refit.
DAMPING_BOUNDS = (0.9, 0.995)

#: Deadlines further than this after the last observation are not forecast (10 years of weekly
#: steps × paths already costs ~8 MB; a far-future deadline is almost certainly a data-entry error).
MAX_HORIZON_DAYS = 3660

METHOD_ETS = "ets-damped-weekly"
METHOD_BOOTSTRAP = "bootstrap-weekly-increments"
METHOD_OBSERVED = "observed"
METHOD_NONE = "none"

STATUS_OK = "ok"
STATUS_INSUFFICIENT = "insufficient_history"

_FloatArray = NDArray[np.float64]
_IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class FanPoint:
    """Percentiles of the simulated value on one day, for a fan chart.

    Attributes:
        date: The day.
        p10: 10th percentile of the simulated value on that day.
        p50: Median of the simulated value on that day.
        p90: 90th percentile of the simulated value on that day.
    """

    date: date
    p10: float
    p50: float
    p90: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (ISO date, rounded values)."""
        return {
            "date": self.date.isoformat(),
            "p10": _round(self.p10, 2),
            "p50": _round(self.p50, 2),
            "p90": _round(self.p90, 2),
        }


@dataclass(frozen=True, slots=True)
class GoalForecast:
    """The answer to "will the metric reach ``target`` by ``deadline``?".

    Attributes:
        status: ``"ok"`` or ``"insufficient_history"``.
        reason: Empty when ok, otherwise a short English explanation.
        method: How the numbers were produced: ``"ets-damped-weekly"``,
            ``"bootstrap-weekly-increments"`` (fallback when the ETS fit fails), ``"observed"``
            (deadline on/before the last observation) or ``"none"``.
        target: The target value.
        deadline: The deadline.
        last_date: Date of the last usable observation (the forecast origin), None without data.
        last_value: Value of the last usable observation.
        horizon_days: ``deadline - last_date`` in days (negative when the deadline has passed).
        weekly_points: Number of points on the weekly grid the model was (or would be) fitted on.
        probability: P(value at the deadline ≥ target), in [0, 1].
        p10: 10th percentile of the value at the deadline.
        p50: Median of the value at the deadline.
        p90: 90th percentile of the value at the deadline.
        projected_date: First day the median path reaches the target (the last observed date if
            already reached), None if the median does not reach it by the deadline.
        required_daily_pace: ``(target - last_value) / days left``; None when no days are left.
            Negative when the target is already exceeded.
        recent_daily_pace: Typical daily change over the last ~8 weeks (median weekly increment / 7).
        safe_target: Value at the deadline reached with probability 0.9 (10th percentile).
        realistic_target: Value reached with probability 0.5 (median).
        ambitious_target: Value reached with probability 0.2 (80th percentile).
        fan: Weekly percentiles from the first week after the last observation to the deadline.
    """

    status: str
    reason: str
    method: str
    target: float
    deadline: date
    last_date: date | None
    last_value: float | None
    horizon_days: int | None
    weekly_points: int
    probability: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    projected_date: date | None
    required_daily_pace: float | None
    recent_daily_pace: float | None
    safe_target: float | None
    realistic_target: float | None
    ambitious_target: float | None
    fan: tuple[FanPoint, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict: ISO dates, rounded floats, fan as a list of dicts."""
        return {
            "status": self.status,
            "reason": self.reason,
            "method": self.method,
            "target": _round(self.target, 2),
            "deadline": self.deadline.isoformat(),
            "last_date": _iso(self.last_date),
            "last_value": _round(self.last_value, 2),
            "horizon_days": self.horizon_days,
            "weekly_points": self.weekly_points,
            "probability": _round(self.probability, 4),
            "p10": _round(self.p10, 2),
            "p50": _round(self.p50, 2),
            "p90": _round(self.p90, 2),
            "projected_date": _iso(self.projected_date),
            "required_daily_pace": _round(self.required_daily_pace, 3),
            "recent_daily_pace": _round(self.recent_daily_pace, 3),
            "safe_target": _round(self.safe_target, 2),
            "realistic_target": _round(self.realistic_target, 2),
            "ambitious_target": _round(self.ambitious_target, 2),
            "fan": [point.to_dict() for point in self.fan],
        }


def forecast_goal(
    dates: Sequence[date],
    values: Sequence[float],
    target: float,
    deadline: date,
    *,
    n_paths: int = 2000,
    seed: int = 0,
) -> GoalForecast:
    """Estimate the probability that a stock metric reaches ``target`` by ``deadline``.

    Args:
        dates: Observation days; may be irregular, unsorted and duplicated (after a stable sort
            by date the last occurrence of a day wins). ``datetime`` values are cut to their date.
        values: Observed values, one per date; NaN/inf (or non-numeric) points are dropped.
        target: The value to reach.
        deadline: The day by which the value should be ≥ ``target``.
        n_paths: Number of simulated sample paths (at least 1 is used).
        seed: Seed of the numpy Generator, so results are reproducible.

    Returns:
        A :class:`GoalForecast`. It never raises: unusable input gives
        ``status="insufficient_history"`` with a reason, and model failures fall back to a
        bootstrap of recent weekly increments.
    """
    deadline = _as_date(deadline) or deadline
    target_f = _as_float(target)

    if len(dates) != len(values):
        reason = f"dates and values differ in length ({len(dates)} vs {len(values)})"
        return _insufficient(target_f, deadline, None, None, 0, None, reason)
    days, vals = _clean(dates, values)
    if days.size == 0:
        return _insufficient(target_f, deadline, None, None, 0, None, "no usable observations")

    last_day = int(days[-1])
    last_date = date.fromordinal(last_day)
    last_value = float(vals[-1])
    horizon = deadline.toordinal() - last_day
    grid = _weekly_grid(days, vals)
    recent_weekly = _recent_weekly_pace(grid, days, vals)
    recent_daily = None if recent_weekly is None else recent_weekly / 7.0

    if not math.isfinite(target_f):
        reason = "target is not a finite number"
        return _insufficient(target_f, deadline, last_date, last_value, grid.size, recent_daily, reason)

    if horizon <= 0:
        # The deadline is on/before the forecast origin: nothing to simulate, the answer is the
        # last observation (per the v1 contract, not the value observed on the deadline day).
        reached = last_value >= target_f
        return GoalForecast(
            status=STATUS_OK,
            reason="",
            method=METHOD_OBSERVED,
            target=target_f,
            deadline=deadline,
            last_date=last_date,
            last_value=last_value,
            horizon_days=horizon,
            weekly_points=int(grid.size),
            probability=1.0 if reached else 0.0,
            p10=last_value,
            p50=last_value,
            p90=last_value,
            projected_date=last_date if reached else None,
            required_daily_pace=None,
            recent_daily_pace=recent_daily,
            safe_target=last_value,
            realistic_target=last_value,
            ambitious_target=last_value,
        )

    required_daily = (target_f - last_value) / horizon
    if days.size < MIN_OBSERVATIONS:
        reason = f"need at least {MIN_OBSERVATIONS} observations, got {days.size}"
    elif grid.size < MIN_WEEKLY_POINTS:
        reason = f"need at least {MIN_WEEKLY_POINTS} weekly points, got {grid.size}"
    elif horizon > MAX_HORIZON_DAYS:
        reason = f"deadline is {horizon} days ahead; forecasts stop at {MAX_HORIZON_DAYS} days"
    else:
        reason = ""
    if reason:
        return _insufficient(
            target_f, deadline, last_date, last_value, grid.size, recent_daily, reason, required_daily
        )

    rng = np.random.default_rng(seed)
    n = max(1, int(n_paths))
    weeks = math.ceil(horizon / 7)
    # Floor on the weekly innovation spread: a perfectly linear history fits with ~zero residuals,
    # which would give a zero-width distribution and probabilities of exactly 0 or 1.
    floor = SPREAD_FLOOR_FRACTION * abs(recent_weekly or 0.0) + SPREAD_FLOOR_ABSOLUTE

    method = METHOD_ETS
    paths = _simulate_ets(grid, weeks, n, rng, floor)
    if paths is None:
        method = METHOD_BOOTSTRAP
        paths = _simulate_bootstrap(grid, weeks, n, rng, floor)
    rows = None if paths is None else _rows_to_deadline(paths, last_value, horizon)
    if rows is None:
        reason = "the model could not produce a finite forecast"
        return _insufficient(
            target_f, deadline, last_date, last_value, grid.size, recent_daily, reason, required_daily
        )

    offsets = [0, *range(7, 7 * weeks, 7), horizon]
    final = rows[-1]
    quantiles = np.quantile(rows, [0.1, 0.5, 0.8, 0.9], axis=1)
    q10, q50, q80, q90 = (float(q) for q in quantiles[:, -1])

    fan = tuple(
        FanPoint(
            date=last_date + timedelta(days=offset),
            p10=float(quantiles[0, i]),
            p50=float(quantiles[1, i]),
            p90=float(quantiles[3, i]),
        )
        for i, offset in enumerate(offsets)
        if i > 0
    )
    return GoalForecast(
        status=STATUS_OK,
        reason="",
        method=method,
        target=target_f,
        deadline=deadline,
        last_date=last_date,
        last_value=last_value,
        horizon_days=horizon,
        weekly_points=int(grid.size),
        probability=float(np.mean(final >= target_f)),
        p10=q10,
        p50=q50,
        p90=q90,
        projected_date=_projected_date(last_date, offsets, quantiles[1], target_f),
        required_daily_pace=required_daily,
        recent_daily_pace=recent_daily,
        safe_target=q10,
        realistic_target=q50,
        ambitious_target=q80,
        fan=fan,
    )


def _clean(dates: Sequence[date], values: Sequence[float]) -> tuple[_IntArray, _FloatArray]:
    """Return (day ordinals, values) sorted by day, one point per day, finite values only.

    Non-finite values are dropped *before* de-duplication, so a NaN re-reading of a day does not
    erase an earlier valid value; among the remaining points the last occurrence of a day wins.
    """
    by_day: dict[int, float] = {}
    points = []
    for position, (raw_day, raw_value) in enumerate(zip(dates, values, strict=True)):
        day = _as_date(raw_day)
        value = _as_float(raw_value)
        if day is not None and math.isfinite(value):
            points.append((day.toordinal(), position, value))
    points.sort()  # by day, then input position: a stable sort by date
    for day_ordinal, _, value in points:
        by_day[day_ordinal] = value
    ordered = sorted(by_day)
    return (
        np.asarray(ordered, dtype=np.int64),
        np.asarray([by_day[d] for d in ordered], dtype=np.float64),
    )


def _weekly_grid(days: _IntArray, vals: _FloatArray) -> _FloatArray:
    """Interpolate the observations onto weekly days ending at the last observation.

    Grid days are ``last - 7k`` for every k that does not go before the first observation, so the
    grid never extrapolates; interpolation (rather than "last value in the week") keeps the grid
    unbiased when snapshots are irregular or weeks are missing.
    """
    if days.size == 0:
        return np.empty(0, dtype=np.float64)
    n_weeks = int(days[-1] - days[0]) // 7
    grid_days = days[-1] - 7 * np.arange(n_weeks, -1, -1, dtype=np.int64)
    return np.interp(grid_days.astype(np.float64), days.astype(np.float64), vals)


def _recent_weekly_pace(grid: _FloatArray, days: _IntArray, vals: _FloatArray) -> float | None:
    """Typical weekly change over the last :data:`RECENT_WEEKS` weeks, or None without a trend.

    The median of the weekly grid increments is used instead of a least-squares slope because it
    ignores one-off steps (a giveaway, a bot purge) that would otherwise dominate an 8-week pace.
    With less than a week of history, the least-squares slope of the raw observations is used.
    """
    if grid.size >= 2:
        return float(np.median(np.diff(grid)[-RECENT_WEEKS:]))
    if days.size >= 2 and days[-1] > days[0]:
        slope = np.polyfit(days.astype(np.float64) - days[-1], vals, 1)[0]
        return float(slope) * 7.0 if math.isfinite(slope) else None
    return None


def _simulate_ets(
    grid: _FloatArray, weeks: int, n: int, rng: np.random.Generator, floor: float
) -> _FloatArray | None:
    """Simulate ``n`` weekly paths (shape ``(weeks, n)``) from a damped-trend ETS fit, or None.

    The series is standardised before fitting (same model, affine-equivariant) because L-BFGS
    with numerical gradients conditions badly when the level is 10⁸ and the steps are 10⁴.
    """
    last = float(grid[-1])
    scale = float(np.ptp(grid)) or max(abs(last), 1.0)
    z = (grid - last) / scale
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # Convergence and numerical warnings are expected on short or perfectly smooth series;
            # the result is checked for finiteness below instead.
            warnings.simplefilter("ignore")
            model = ETSModel(
                z,
                error="add",
                trend="add",
                damped_trend=True,
                # A fresh dict on every call: statsmodels adds keys to the one it is given.
                bounds={"damping_trend": DAMPING_BOUNDS},
            )
            result = model.fit(disp=False)
            sigma = math.sqrt(float(result.scale))
            errors = rng.standard_normal((weeks, n)) * sigma
            simulated = result.simulate(weeks, anchor="end", repetitions=n, random_errors=errors)
            paths = np.asarray(simulated, dtype=np.float64).reshape(weeks, n) * scale + last
            # Spread floor as an extra random-walk term, only for the part of the floor the fitted
            # σ does not already cover. It is not fed through the ETS recursion because when the
            # fit has (almost) no residuals its smoothing parameters are unidentified — typically
            # α = β = 1 — and floor noise pushed through them would make the trend itself random
            # (variance ∝ h³), turning "no evidence of noise" into a very wide fan.
            extra = math.sqrt(max(floor**2 - (sigma * scale) ** 2, 0.0))
            if extra > 0.0:
                paths = paths + np.cumsum(rng.standard_normal((weeks, n)) * extra, axis=0)
    except Exception:  # any fitting failure means "use the fallback": this function never raises
        return None
    return paths if np.all(np.isfinite(paths)) else None


def _simulate_bootstrap(
    grid: _FloatArray, weeks: int, n: int, rng: np.random.Generator, floor: float
) -> _FloatArray | None:
    """Simulate paths by resampling the last :data:`RECENT_WEEKS` weekly increments (iid).

    This is the reference's "if the recent pace continues" scenario (§4.3 step 5): no damping,
    no model to fail. Gaussian noise tops the spread up to the floor when the increments are
    (nearly) identical.
    """
    try:
        with np.errstate(all="ignore"):
            increments = np.diff(grid)[-RECENT_WEEKS:]
            if increments.size == 0:
                increments = np.zeros(1)
            draws = rng.choice(increments, size=(weeks, n), replace=True)
            extra = math.sqrt(max(floor**2 - float(np.var(increments)), 0.0))
            if extra > 0.0:
                draws = draws + rng.standard_normal((weeks, n)) * extra
            paths = float(grid[-1]) + np.cumsum(draws, axis=0)
    except (ArithmeticError, ValueError):  # overflow on absurd magnitudes: report, never raise
        return None
    return paths if np.all(np.isfinite(paths)) else None


def _rows_to_deadline(paths: _FloatArray, last_value: float, horizon: int) -> _FloatArray | None:
    """Widen the weekly paths and lay them out on the fan's days; None if anything is non-finite.

    Returns an array of shape ``(weeks + 1, n)`` whose rows are the day offsets 0 (the last
    observation, shared by every path), 7, …, 7·(weeks−1) and finally ``horizon``. The deadline row
    interpolates each path linearly between the two simulated weeks around the deadline.
    """
    weeks, n = paths.shape
    with np.errstate(all="ignore"):
        # Widen around the per-week median: for additive ETS the paths are linear in the
        # innovations, so this equals scaling σ by the factor; it also suits the skewed bootstrap.
        median = np.median(paths, axis=1, keepdims=True)
        paths = median + DEFAULT_SPREAD_WIDENING * (paths - median)
        before = paths[-2] if weeks > 1 else np.full(n, last_value)
        weight = (horizon - 7 * (weeks - 1)) / 7.0
        final = before + weight * (paths[-1] - before)
        rows = np.vstack([np.full((1, n), last_value), paths[:-1], final[np.newaxis, :]])
    return rows if np.all(np.isfinite(rows)) else None


def _projected_date(
    last_date: date, offsets: Sequence[int], medians: _FloatArray, target: float
) -> date | None:
    """First day on which the median path (linear between its points) reaches ``target``."""
    if medians[0] >= target:
        return last_date
    for i in range(1, len(offsets)):
        if medians[i] >= target:
            lo, hi = float(medians[i - 1]), float(medians[i])
            fraction = (target - lo) / (hi - lo) if hi > lo else 1.0
            day = offsets[i - 1] + fraction * (offsets[i] - offsets[i - 1])
            # Round up: the first whole day on which the interpolated median is ≥ target.
            return last_date + timedelta(days=min(math.ceil(day - 1e-9), offsets[i]))
    return None


def _insufficient(
    target: float,
    deadline: date,
    last_date: date | None,
    last_value: float | None,
    weekly_points: int,
    recent_daily: float | None,
    reason: str,
    required_daily: float | None = None,
) -> GoalForecast:
    """Build an ``insufficient_history`` answer, keeping whatever paces could be computed."""
    horizon = None if last_date is None else deadline.toordinal() - last_date.toordinal()
    return GoalForecast(
        status=STATUS_INSUFFICIENT,
        reason=reason,
        method=METHOD_NONE,
        target=target,
        deadline=deadline,
        last_date=last_date,
        last_value=last_value,
        horizon_days=horizon,
        weekly_points=int(weekly_points),
        probability=None,
        p10=None,
        p50=None,
        p90=None,
        projected_date=None,
        required_daily_pace=required_daily,
        recent_daily_pace=recent_daily,
        safe_target=None,
        realistic_target=None,
        ambitious_target=None,
    )


def _as_date(value: object) -> date | None:
    """Return ``value`` as a plain date (datetimes are cut to their date), None if not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _as_float(value: object) -> float:
    """Return ``value`` as a float, NaN when it is not a number."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return float("nan")


def _round(value: float | None, digits: int) -> float | None:
    """Round for JSON; None for missing or non-finite values (JSON has no NaN)."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _iso(value: date | None) -> str | None:
    """Return the ISO form of a date, or None."""
    return None if value is None else value.isoformat()
