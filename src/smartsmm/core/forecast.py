"""Forecast whether a metric reaches a target by a deadline, with a calibrated probability.

The method (chosen by the rolling-origin backtest in ``bench/backtest.py``; the figures and what was
tried are in ``docs/decisions/0003-calibrated-forecast.md``):

1. **Weekly grid.** Observations are put on a weekly grid that ends at the last observation; each
   grid value interpolates linearly between the observations around it, never before the first.
   Irregular sampling and gaps therefore need no special case. Only the last
   :data:`MAX_GRID_WEEKS` weeks are used.
2. **Centre: the recent pace, blended with damped-trend ETS.** The central forecast of the change
   over ``h`` weeks is ``h × c`` where ``c`` blends the recent pace (the mean of the 4- and 8-week
   paces, with weekly changes clipped at 2 ``q`` around their median so that one campaign or purge
   does not set the pace) with a damped-trend exponential smoothing forecast (additive error and
   trend; α, β, φ chosen by least squares over a fixed grid, which gives the fit at *every* past
   origin in one pass). The blend weight starts at 0 (the pace alone) and moves towards whichever
   mix forecast this series best at its own past origins, in proportion to its own evidence.
3. **Scale.** The uncertainty unit is ``h × S`` with ``S = sqrt((0.25 c)² + q²)``: the pace (future
   growth is a multiple of today's, so a fast-growing account's outcome is wide in absolute terms)
   and ``q``, the mean absolute deviation of the last 26 weekly changes (noise and past pace
   swings; all that is left when the pace is about zero, as for a flow's level or a plateau). When
   observations are ``g`` weeks apart, the grid's weekly changes are one observed change spread
   over ``g`` weeks and understate the noise, so ``q`` comes from the ``g``-week changes divided by
   ``g ** 0.75`` (:data:`SCALE_GAP_EXPONENT`).
   A count published rounded (YouTube's subscribers, to three significant figures) is read only
   where it moved (a staircase read as observed swings by a whole step from week to week), its
   unit includes the rounding, and its answer is for the published count: quantiles in whole
   steps from the last count (:data:`READ_ROUNDED_AT_STEPS`, round 12); a count that has not
   moved for weeks has grown underneath, so its start is moved up by that growth, and its answer
   counts whole steps up (:data:`ROUNDED_POSITION`, round 14).
4. **Calibrated shape.** The standardised error ``(realised − centre) / unit`` has the empirical
   quantiles :data:`REFERENCE_QUANTILES`, per horizon, interpolated in log-horizon — measured on
   the tuning part of the real follower histories (never the hold-out), after the own calibration
   below, and re-centred halfway towards a zero median. They are heavy-tailed and skewed: real
   accounts have campaigns, plateaus and purges.
5. **Own calibration.** The same standardised errors at the series' own past origins (up to two
   years of them) say whether this series is wilder or steadier than the reference; the ratio of
   their interquartile ranges widens or narrows the distribution, weighted by the own evidence
   (``origins / h``) against a prior that resists narrowing more than widening. The tails (beyond
   the quartiles) get their own factor the same way, from the quartile-to-decile distances: one
   series' errors are closer to normal than the pooled reference, so a regular series would
   otherwise keep the reference's wide deciles. Errors are taken
   over at least two typical gaps between observations and only over windows holding an
   observation, since between two observations the grid is a straight line. A history too short
   for the goal's horizon is calibrated at the longest horizon it allows.
6. **Levels.** A series that moves both ways and whose 26-week changes are no wider than its 4-week
   changes imply for a random walk (:func:`_level_like`: a rolling window such as views per week or
   ER over 28 days, which reverts to a trend) is forecast as a level: its centre keeps only part of
   the recent pace and may start from the mean of its last 4, 13, 26 or 52 weeks instead of the
   last value (the combination that forecast it best at its own past origins, moved by its
   evidence like the blend weight from the default: ``h`` weeks ahead, the mean of its last
   ``h / 2`` weeks and half the pace — the further ahead, the less the last readings say); its unit is the spread of its own
   ``h``-week changes over the last three years (with the pace term), which stops growing with
   ``h`` where the level's changes do, instead of ``h × S``; and its shape is
   :data:`LEVEL_REFERENCE_QUANTILES`, fitted the same way on the synthetic level families' tuning
   seeds. A running total, or any history that does not revert, is forecast exactly as before.
7. **Answer.** The probability is one minus the predictive distribution function at the target;
   p10/p50/p90, the fan and the safe / realistic / ambitious targets (reached with 90 / 50 / 20 %
   probability) are quantiles of the same distribution, so they always agree. A series that never
   decreased (a running total such as cumulative views) is not forecast below its last value.

If the numbers are not finite (absurd magnitudes), a bootstrap of recent weekly increments is used
instead; the function never raises. Alongside the numbers it reports :class:`Driver` records (what
drives the probability, for the goal page's explanation) and, with enough history, the series' own
backtest :class:`ForecastQuality`.

Nothing here imports Django.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

#: A model forecast needs at least this many weekly grid points.
MIN_WEEKLY_POINTS = 6

#: ...and at least this many real observations: two points interpolated onto a weekly grid form a
#: perfect line that says nothing about how much the weekly net adds vary.
MIN_OBSERVATIONS = 3

#: "Recent" means the last 8 weeks: ``recent_daily_pace`` is the median weekly change over them / 7.
RECENT_WEEKS = 8

#: Deadlines further than this after the last observation are not forecast (a far-future deadline
#: is almost certainly a data-entry error).
MAX_HORIZON_DAYS = 3660

#: Only the last six years of the weekly grid are used (older history says little about next
#: quarter, and the fit's cost grows with the length).
MAX_GRID_WEEKS = 312

#: The centre's pace: the mean of the paces over these last numbers of weeks.
PACE_WINDOWS = (4, 8)

#: Weekly changes further than this many spreads ``q`` from their median are clipped before the
#: pace is computed (None: not clipped).
PACE_CLIP_DEVIATIONS: float | None = 2.0

#: The noise term ``q`` of the scale is the mean absolute deviation of this many last weekly changes.
SPREAD_WINDOW_WEEKS = 26

#: Round 9 of docs/decisions/0003: with observations ``g`` weeks apart (``g`` = the median gap,
#: rounded, at least 1) the weekly changes of the grid are one interpolated change spread over
#: ``g`` weeks, so their spread understates the series' noise (by about ``sqrt(g)`` for a random
#: walk) and a monthly-captured history looks steadier than a daily one. With an exponent ``e``,
#: ``q`` is the spread of the ``g``-week changes divided by ``g ** e`` (0.5: what a random walk
#: implies); None keeps the weekly changes' spread for every sampling. 0.75 was chosen by round
#: 9's rule on the tuning sets; 0.5 and 0.25 fitted the coverage better but cost the monthly real
#: histories more Brier than the rule allowed.
SCALE_GAP_EXPONENT: float | None = 0.75
#: Round 11 (docs/decisions/0003; rejected, kept off so its table can be reproduced): measure a
#: sparse history's ``g``-week changes over ``g`` times :data:`SPREAD_WINDOW_WEEKS` weeks, so that the
#: spread rests on as many independent changes as a weekly history's instead of about ``26 / g``.
SCALE_GAP_LONG_WINDOW = False

#: Round 12 of docs/decisions/0003: a count published rounded (YouTube's subscriber counts, to three
#: significant figures; a count typed in from an app's "12.4K") stays put for weeks and then jumps by
#: a whole rounding unit, so read as observed its weekly changes swing by that unit and its 4- and
#: 8-week paces jump with each step. Such a history is read only where the rounded count moved (the
#: first observation of each run of equal values, and the last observation as the origin): an
#: irregularly sampled history, which the rest of the method already handles.
READ_ROUNDED_AT_STEPS = True
#: A history counts as rounded when, over its last :data:`ROUNDED_WINDOW_WEEKS` weeks of
#: observations, at least :data:`ROUNDED_MIN_CHANGES` changes are non-zero and at least one is zero,
#: every value is a whole number and the non-zero changes share a divisor of at least
#: :data:`ROUNDED_MIN_UNIT` (exact counts almost never do: five exact changes are all multiples of
#: 10 about once in 100,000).
ROUNDED_WINDOW_WEEKS = 52
ROUNDED_MIN_CHANGES = 5
ROUNDED_MIN_UNIT = 10
#: A rounded count's own rounding in the unit of its change, ``hypot(h × S, share × U)`` with ``U``
#: its rounding unit: the count at the origin lies somewhere in its step and the count at the
#: deadline is rounded again (0: left out).
ROUNDED_UNIT_SHARE = 0.5
#: Answer for the published count of a rounded history: its quantiles a whole number of steps from
#: the last count, its probability that of reaching the first published count at or above the
#: target (the smooth forecast beyond the midpoint below it).
ROUNDED_ANSWER_IN_STEPS = True
#: Rounds 13 and 14 of docs/decisions/0003: a rounded count that has not moved for τ weeks has still
#: grown underneath, by about the pace between its recent steps × τ (at most a step), so the next
#: step is that much nearer whichever way the platform rounds. Where a growing count's position goes:
#: ``"start"`` (round 14, adopted) — added to the forecast's start only, the grid keeping its flat
#: tail so the pace is round 12's; ``"grid"`` (round 13, rejected: it lifts the pace and costs 26
#: weeks) — the origin is read at that position, so the grid's tail follows the steps; None (round
#: 12) — not used. With a position, the answer counts whole steps up from the last published count.
ROUNDED_POSITION: Literal["start", "grid"] | None = "start"
#: The pace between the steps is measured over the kept points of this many weeks before the last step.
ROUNDED_POSITION_WEEKS = 26

#: Weight of the pace in the scale ``S = sqrt((w·c)² + q²)``.
SCALE_PACE_WEIGHT = 0.25

#: The scale never falls below this fraction of the last value per week (a constant series is not
#: certain either), nor below this absolute amount.
SCALE_FLOOR_RELATIVE = 1e-3
SCALE_FLOOR_ABSOLUTE = 1e-9

#: Grid of damped-trend ETS parameters: α, β as a fraction of α, and the weekly damping φ. With
#: φ = 1 the trend is not damped at all; φ = 0.9 keeps about nine weeks of the current trend.
ETS_ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0)
ETS_BETA_FRACTIONS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0)
ETS_DAMPINGS = (0.9, 0.95, 0.98, 0.99, 0.995, 1.0)
#: How the combination is chosen at each origin (round 15 of docs/decisions/0003): by its squared
#: one-step errors up to the origin (``"one-step"``), or by its squared (``"horizon"``) or absolute
#: (``"horizon-abs"``) errors over the goal's horizon — the forecasts it made that many weeks before
#: each earlier origin. One-step errors reward following the last weeks; a goal 26 weeks away
#: needs the combination that was right 26 weeks ahead (damped for a slowing account, a long-run
#: pace for one that switches between busy and quiet months).
ETS_CHOICE: Literal["one-step", "horizon", "horizon-abs"] = "one-step"
#: With fewer past forecasts over the horizon than this, the one-step choice stays...
ETS_CHOICE_MIN_ORIGINS = 8
#: ...and for horizons shorter than this many weeks (round 16: a month ahead the one-step errors,
#: many more of them, chose as well on the real sets and better on the synthetic levels).
ETS_CHOICE_MIN_WEEKS = 1
#: Whether a level-like series (views per week, ER) gets that choice too (round 17: the synthetic
#: levels lost by it where the real follower counts gained).
ETS_CHOICE_LEVELS = True
#: The first weeks mostly measure the initial trend guess: their errors do not count.
ETS_FIRST_SCORED = 4

#: Own calibration: past origins start at this grid index, at most this many of the latest are
#: used, and at least this many are needed.
OWN_FIRST_ORIGIN = 8
OWN_WINDOW = 104
OWN_MIN_ORIGINS = 8
#: Own evidence counts as ``n_origins / h`` independent errors, weighed against a prior worth this
#: many (for the blend weight of the centre, and for widening the spread)...
BLEND_PRIOR_STRENGTH = 3.0
OWN_PRIOR_STRENGTH = 3.0
#: ...and this many for narrowing it: a calm spell in one series understates its future regime
#: changes, yet a history much steadier than any in the reference set is believed in the end.
OWN_NARROWING_STRENGTH = 10.0
#: The tails' own factor (see :func:`_shape`) narrows against a weaker prior: a series whose errors
#: are closer to normal than the pooled reference keeps that shape from one regime to the next.
OWN_TAIL_NARROWING_STRENGTH = 3.0
#: For a level-like series both narrowing priors above are multiplied by this. Round 19 of
#: docs/decisions/0003 adopted 2 (the priors were chosen on follower histories, and a level's own
#: factors took back most of the widening of its table in round 18); round 20 reverted it to 1 on
#: 180 fresh level series, where 2 covered less well.
LEVEL_NARROWING_SCALE = 1.0
#: The own spread factors stay within these bounds.
OWN_FACTOR_BOUNDS = (0.1, 3.0)
#: Own errors are measured over at least this many typical gaps between observations...
OWN_MIN_GAPS = 2.0
#: ...and at horizons up to this many weeks.
OWN_MAX_HORIZON = 52

#: Quality (the series' own backtest) looks at origins this many weeks apart, at most this many,
#: and needs at least this many.
QUALITY_STEP_WEEKS = 4
QUALITY_MAX_ORIGINS = 26
QUALITY_MIN_ORIGINS = 6
QUALITY_MAX_HORIZON = 26
#: Targets of the quality backtest: the value plus these multiples of the 8-week pace.
QUALITY_MULTIPLIERS = (0.5, 1.0, 1.5)

#: Explanations: history shorter than this is "short"...
SHORT_HISTORY_WEEKS = 52
#: ...a pace change is reported when the last 8 weeks' pace and the 18 weeks before differ by this
#: factor...
PACE_CHANGE_FACTOR = 2.0
#: ...and a step change is a change between two observations this many robust deviations away from
#: the typical pace, and at least this share of the level and this many days of the typical pace.
STEP_DEVIATIONS = 6.0
STEP_MIN_SHARE = 0.01
STEP_MIN_PACE_DAYS = 14.0

#: Horizons (weeks) and levels of the reference quantiles of the standardised error.
REFERENCE_HORIZONS = (1, 2, 4, 8, 13, 26, 52)
REFERENCE_LEVELS = (
    0.001, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
    0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99, 0.999,
)  # fmt: skip
#: Quantiles of the standardised error per reference horizon (rows) and level (columns),
#: generated by ``python bench/backtest.py --fit-reference`` from the tuning set.
REFERENCE_QUANTILES: tuple[tuple[float, ...], ...] = (
    # 1 weeks, 507 cases
    (-5.273, -3.369, -2.491, -1.630, -1.084, -0.772, -0.533, -0.389, -0.261, -0.185, -0.101, -0.044, 0.037, 0.149, 0.235, 0.326, 0.447, 0.605, 0.765, 1.168, 1.678, 3.337, 5.937, 8.725, 350.678),
    # 2 weeks, 505 cases
    (-5.285, -3.368, -2.456, -1.610, -1.089, -0.764, -0.525, -0.369, -0.265, -0.189, -0.098, -0.033, 0.043, 0.147, 0.231, 0.305, 0.444, 0.612, 0.790, 1.184, 1.697, 3.415, 6.003, 9.827, 351.659),
    # 4 weeks, 500 cases
    (-4.538, -2.727, -2.014, -1.391, -1.039, -0.761, -0.512, -0.358, -0.264, -0.182, -0.094, -0.021, 0.048, 0.140, 0.229, 0.312, 0.428, 0.589, 0.756, 1.182, 1.614, 3.464, 5.493, 9.968, 283.227),
    # 8 weeks, 484 cases
    (-4.806, -2.855, -2.093, -1.600, -1.038, -0.685, -0.499, -0.327, -0.236, -0.154, -0.106, -0.031, 0.068, 0.163, 0.267, 0.392, 0.570, 0.753, 0.905, 1.343, 1.944, 3.743, 6.808, 11.451, 181.779),
    # 13 weeks, 472 cases
    (-3.677, -2.437, -1.832, -1.481, -0.909, -0.635, -0.470, -0.383, -0.287, -0.185, -0.080, 0.002, 0.102, 0.193, 0.304, 0.434, 0.595, 0.751, 1.072, 1.432, 2.084, 3.617, 6.011, 14.921, 140.445),
    # 26 weeks, 437 cases
    (-4.084, -2.967, -2.048, -1.369, -0.991, -0.683, -0.488, -0.387, -0.240, -0.160, -0.040, 0.081, 0.162, 0.269, 0.398, 0.538, 0.688, 0.925, 1.217, 1.639, 2.516, 4.928, 6.466, 38.702, 140.722),
    # 52 weeks, 397 cases
    (-4.197, -2.821, -2.478, -1.817, -1.292, -0.931, -0.594, -0.377, -0.302, -0.187, -0.082, 0.091, 0.256, 0.441, 0.660, 0.882, 1.204, 1.456, 1.968, 2.361, 3.214, 4.799, 7.444, 10.021, 83.323),
)  # fmt: skip

#: A series is *level-like* (the value of a rolling window, such as views per week or ER over 28
#: days, which reverts to a trend) when, over its last :data:`LEVEL_WINDOW_WEEKS` weeks, it moves
#: both ways — at least this share of the non-zero weekly changes in each direction...
LEVEL_BALANCE = 0.35
#: ...and its 26-week changes vary less than a random walk's would given its 4-week changes: the
#: variance ratio Var(26-week change) / (6.5 · Var(4-week change)) is below this.
LEVEL_MAX_VARIANCE_RATIO = 1.25
LEVEL_WINDOW_WEEKS = 156
#: Fewer weekly points than this are never judged level-like.
LEVEL_MIN_WEEKS = 52
#: Level-like series use their own reference quantiles, fitted the same way on the synthetic level
#: families' tuning seeds (``python bench/backtest.py --fit-reference``); False: never.
LEVEL_REFERENCE = True
#: The quantiles a level-like series uses are this share of the level table and the rest of the
#: follower table (round 3 chose 0.65 when both tables were in the follower unit; since round 4
#: a level's errors are measured in its own unit, so only the level table fits them).
LEVEL_TABLE_WEIGHT = 1.0
#: Shares of the recent pace a level-like series may keep (chosen by its own past errors).
LEVEL_KEEP_STEPS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
#: The uncertainty unit of a level-like series: ``"pace"`` — ``h × S`` as for any series — or
#: ``"changes"`` — the spread (mean absolute deviation from the median) of the series' own
#: ``h``-week changes over the last :data:`LEVEL_UNIT_WINDOW` weeks, which stops growing with ``h``
#: where the level's own changes do.
LEVEL_UNIT = "changes"
#: A level-like series' centre may start from the mean of its last k weekly values instead of the
#: last one (a week's views or one 28-day window is a noisy reading of the level): the k of these
#: that, together with the kept share of the pace, forecast it best at its own past origins.
LEVEL_ANCHOR_WEEKS: tuple[int, ...] = (1, 4, 13, 26, 52)
#: Where a level's centre starts without evidence of its own: the mean of this many last weeks (1:
#: the last value) and this share of the recent pace; its own past errors move it from there.
#: Round 5 chose half the pace (round 4: 1.0, the whole pace).
LEVEL_DEFAULT_ANCHOR_WEEKS = 1
LEVEL_DEFAULT_KEEP = 0.5
#: ... and, for a forecast ``h`` weeks ahead, at least the mean of the last ``round(share × h)``
#: weeks: the further ahead, the less the last readings say about where the level will be — 26
#: weeks ahead the mean of the last 13, 4 weeks ahead of the last 2 (round 5; 0, round 4's
#: method: the default start does not depend on the horizon).
LEVEL_DEFAULT_ANCHOR_SHARE = 0.5
#: ``"mean"``: the default start above; ``"ets"``: the level of the series' ETS fit at the origin;
#: ``"trend"``: the value at the origin of a least-squares line through the last
#: ``round(LEVEL_DEFAULT_TREND_SHARE × h)`` weeks (rounds 6 and 7 of docs/decisions/0003).
LEVEL_DEFAULT_START = "mean"
LEVEL_DEFAULT_TREND_SHARE = 1.0
#: The anchor "weeks" that stands for the ETS fit's level instead of a mean of last weeks (may be
#: one of :data:`LEVEL_ANCHOR_WEEKS`).
ETS_LEVEL_ANCHOR = 0
#: Weight of the pace term in a level's ``changes`` unit: ``hypot(spread of changes, w·h·pace)``.
LEVEL_UNIT_PACE_WEIGHT = 0.25
#: Weeks of changes the level unit is measured over (three years: round 4 found 104 noisier).
LEVEL_UNIT_WINDOW = 156
#: The spread of ``h``-week changes needs at least this many of them; at longer horizons it is
#: carried on from the longest horizon that has them, growing as ``sqrt(h)``.
LEVEL_UNIT_MIN_CHANGES = 26
LEVEL_UNIT_MAX_HORIZON = 52
#: Quantiles of the standardised error of level-like cases, per reference horizon and level,
#: generated by ``python bench/backtest.py --fit-reference`` from the synthetic level families'
#: tuning seeds (``smartsmm.core.synthetic.LEVEL_TUNING_SEEDS``).
LEVEL_REFERENCE_QUANTILES: tuple[tuple[float, ...], ...] = (
    # 1 weeks, 1409 cases
    (-5.543, -3.385, -2.796, -2.135, -1.632, -1.259, -1.007, -0.749, -0.572, -0.401, -0.283, -0.138, -0.016, 0.125, 0.242, 0.382, 0.546, 0.737, 1.003, 1.298, 1.681, 2.445, 3.228, 4.049, 8.239),
    # 2 weeks, 1407 cases
    (-5.198, -3.226, -2.695, -2.140, -1.673, -1.283, -0.997, -0.801, -0.618, -0.499, -0.296, -0.169, -0.041, 0.110, 0.251, 0.426, 0.569, 0.730, 0.945, 1.227, 1.634, 2.452, 3.415, 4.854, 8.216),
    # 4 weeks, 1382 cases
    (-5.605, -4.097, -3.172, -2.561, -1.951, -1.509, -1.175, -0.866, -0.625, -0.449, -0.305, -0.196, -0.043, 0.080, 0.225, 0.383, 0.571, 0.769, 1.065, 1.490, 2.163, 3.113, 4.756, 6.554, 9.667),
    # 8 weeks, 1346 cases
    (-4.540, -3.542, -2.723, -2.175, -1.599, -1.251, -0.961, -0.751, -0.596, -0.440, -0.307, -0.186, -0.073, 0.035, 0.180, 0.338, 0.492, 0.681, 0.963, 1.413, 1.939, 3.184, 4.778, 6.601, 9.542),
    # 13 weeks, 1301 cases
    (-5.550, -3.569, -2.805, -2.403, -1.661, -1.232, -0.958, -0.771, -0.572, -0.460, -0.328, -0.208, -0.073, 0.076, 0.182, 0.332, 0.468, 0.668, 0.993, 1.444, 2.178, 3.994, 4.964, 7.199, 9.873),
    # 26 weeks, 1194 cases
    (-6.314, -4.555, -3.842, -3.000, -2.208, -1.652, -1.283, -0.983, -0.738, -0.580, -0.422, -0.247, -0.105, 0.022, 0.199, 0.398, 0.622, 0.879, 1.267, 1.911, 2.842, 4.566, 6.393, 9.267, 12.620),
    # 52 weeks, 958 cases
    (-5.728, -4.848, -4.322, -3.952, -3.426, -2.972, -2.606, -2.130, -1.662, -1.252, -0.771, -0.478, -0.119, 0.180, 0.539, 1.030, 1.506, 2.183, 2.777, 3.433, 4.193, 6.098, 8.299, 9.921, 15.121),
)  # fmt: skip

METHOD_CALIBRATED = "calibrated-pace-ets-weekly"
METHOD_ETS = "ets-damped-weekly"  # the v1 method, kept for old cached evaluations
METHOD_BOOTSTRAP = "bootstrap-weekly-increments"
METHOD_OBSERVED = "observed"
METHOD_NONE = "none"

STATUS_OK = "ok"
STATUS_INSUFFICIENT = "insufficient_history"

_FloatArray = NDArray[np.float64]
_IntArray = NDArray[np.int64]

_LEVELS = np.asarray(REFERENCE_LEVELS, dtype=np.float64)
_LOG_REF_H = np.log(np.asarray(REFERENCE_HORIZONS, dtype=np.float64))
_IQR = (REFERENCE_LEVELS.index(0.25), REFERENCE_LEVELS.index(0.75))
_Q = {p: REFERENCE_LEVELS.index(p) for p in (0.1, 0.25, 0.5, 0.75, 0.8, 0.9)}
_alpha, _beta, _phi = np.meshgrid(ETS_ALPHAS, ETS_BETA_FRACTIONS, ETS_DAMPINGS, indexing="ij")
_ETS_A = _alpha.ravel()
_ETS_B = (_alpha * _beta).ravel()
_ETS_PHI = _phi.ravel()
_BLEND_STEPS = np.linspace(0.0, 1.0, 11)


@dataclass(frozen=True, slots=True)
class FanPoint:
    """Percentiles of the forecast value on one day, for a fan chart.

    Attributes:
        date: The day.
        p10: 10th percentile of the value on that day.
        p50: Median of the value on that day.
        p90: 90th percentile of the value on that day.
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
class Driver:
    """One thing that drives the probability, for the goal page to put into words.

    Codes and their params (paces are per day, in the metric's units; dates are ISO strings):

    * ``pace_gap`` — ``required`` (pace needed from now to the deadline), ``recent`` (typical pace
      of the last 8 weeks) and, when ``recent`` is not zero, ``ratio`` = required / recent.
    * ``already_reached`` — ``current`` value is already ≥ ``target``.
    * ``volatility`` — ``weekly_sd``: typical size of the weekly swings around the trend (the
      unit's noise term: for a sparse history measured across its captures);
      ``relative``: that swing per week as a share of the weekly pace (absent when the pace is 0);
      ``factor``: how much wider (> 1) or narrower (< 1) this series' own past errors make the
      forecast than the reference set's.
    * ``short_history`` — ``weeks`` of usable history, ``recommended`` weeks for a forecast
      calibrated on the series' own past.
    * ``pace_change`` — the ``recent`` pace (last 8 weeks) differs from the ``earlier`` one (the 18
      weeks before) by a factor of 2 or more, or has the other sign.
    * ``step_change`` — a jump (campaign, giveaway) or drop (bot purge) of ``size`` (``share`` of
      the level before it) within the last year, observed on ``date``.
    * ``rounded`` — the counts are published rounded to ``unit`` (YouTube's subscriber counts), so
      the history is read only where the rounded count moved (round 12 of docs/decisions/0003).
    * ``level`` — the series moves around a level (views per week, ER over 28 days) and is forecast
      as one: it starts from ``start``, drawn towards the mean of its last ``weeks`` weekly values
      (``weeks`` = 1: the last value), keeps the share ``keep`` of the recent pace, and its range
      is the spread of its own past changes over the horizon.
    """

    code: str
    params: dict[str, float | str] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict: the code and rounded params."""
        return {
            "code": self.code,
            "params": {k: (_round(v, 4) if isinstance(v, float) else v) for k, v in self.params.items()},
        }


@dataclass(frozen=True, slots=True)
class ForecastQuality:
    """How the forecast did on the series' own past (a rolling-origin backtest).

    Attributes:
        horizon_weeks: The horizon backtested (the goal's, capped at 26 weeks).
        cases: Number of past origins scored.
        brier: Brier score of the probabilities for targets at 0.5, 1 and 1.5 times the pace of
            the 8 weeks before each origin (0 is perfect; always saying 50 % scores 0.25).
        coverage: Share of the realised values that fell within the p10–p90 interval (0.8 is
            calibrated).
        brier_pace: Brier score of assuming the recent pace continues (certain either way), for
            comparison.
    """

    horizon_weeks: int
    cases: int
    brier: float
    coverage: float
    brier_pace: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict with rounded scores."""
        return {
            "horizon_weeks": self.horizon_weeks,
            "cases": self.cases,
            "brier": _round(self.brier, 4),
            "coverage": _round(self.coverage, 4),
            "brier_pace": _round(self.brier_pace, 4),
        }


@dataclass(frozen=True, slots=True)
class GoalForecast:
    """The answer to "will the metric reach ``target`` by ``deadline``?".

    Attributes:
        status: ``"ok"`` or ``"insufficient_history"``.
        reason: Empty when ok, otherwise a short English explanation.
        method: How the numbers were produced: ``"calibrated-pace-ets-weekly"`` (the model),
            ``"bootstrap-weekly-increments"`` (fallback when the model gives non-finite numbers),
            ``"observed"`` (deadline on/before the last observation) or ``"none"``.
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
        drivers: What drives the probability (see :class:`Driver`), most important first.
        quality: The series' own backtest at this horizon, None without enough history.
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
    drivers: tuple[Driver, ...] = ()
    quality: ForecastQuality | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict: ISO dates, rounded floats, lists of dicts."""
        return {
            "status": self.status,
            "reason": self.reason,
            "method": self.method,
            "target": _round(self.target, 2),
            "deadline": self.deadline.isoformat() if isinstance(self.deadline, date) else None,
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
            "drivers": [driver.to_dict() for driver in self.drivers],
            "quality": None if self.quality is None else self.quality.to_dict(),
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
    """Estimate the probability that a metric reaches ``target`` by ``deadline``.

    Args:
        dates: Observation days; may be irregular, unsorted and duplicated (after a stable sort
            by date the last occurrence of a day wins). ``datetime`` values are cut to their date.
        values: Observed values, one per date; NaN/inf (or non-numeric) points are dropped.
        target: The value to reach.
        deadline: The day by which the value should be ≥ ``target``.
        n_paths: Number of sample paths of the bootstrap fallback (at least 1 is used); the
            calibrated model computes its quantiles exactly and does not simulate.
        seed: Seed of the fallback's numpy Generator, so results are reproducible.

    Returns:
        A :class:`GoalForecast`. It never raises: unusable input gives
        ``status="insufficient_history"`` with a reason.
    """
    deadline = _as_date(deadline) or deadline
    target_f = _as_float(target)

    try:
        n_dates, n_values = len(dates), len(values)
    except TypeError:
        return _insufficient(target_f, deadline, None, None, 0, None, "dates and values must be sequences")
    if n_dates != n_values:
        reason = f"dates and values differ in length ({n_dates} vs {n_values})"
        return _insufficient(target_f, deadline, None, None, 0, None, reason)
    if not isinstance(deadline, date):
        return _insufficient(target_f, deadline, None, None, 0, None, "deadline is not a date")
    observed = _observations(dates, values)
    days, vals, rounding = observed.days, observed.vals, observed.rounding
    if days.size == 0:
        return _insufficient(target_f, deadline, None, None, 0, None, "no usable observations")

    last_day = int(days[-1])
    last_date = date.fromordinal(last_day)
    last_value = observed.published
    horizon = deadline.toordinal() - last_day
    grid = _weekly_grid(days, vals)
    recent_weekly = _recent_weekly_pace(grid, days, vals)
    recent_daily = None if recent_weekly is None else recent_weekly / 7.0

    if not math.isfinite(target_f):
        reason = "target is not a finite number"
        return _insufficient(target_f, deadline, last_date, last_value, grid.size, recent_daily, reason)

    if horizon <= 0:
        # The deadline is on/before the forecast origin: nothing to forecast, the answer is the
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
            drivers=(Driver("already_reached", {"current": last_value, "target": target_f}),)
            if reached
            else (),
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

    weeks = math.ceil(horizon / 7)
    offsets = [0, *range(7, 7 * weeks, 7), horizon]
    model: _Model | None = None
    calibration: _Calibration | None = None
    rows: _FloatArray | None = None
    try:
        with np.errstate(all="ignore"):
            model = _model(days, grid, rounding)
            calibration = model.calibrate(model.last, horizon / 7.0)
            rows = model.quantiles(model.last, np.asarray(offsets[1:], dtype=np.float64) / 7.0, calibration)
    except Exception:  # absurd magnitudes or a bug: use the fallback below, never raise
        rows = None
    method = METHOD_CALIBRATED
    if rows is None or not np.all(np.isfinite(rows)):
        method = METHOD_BOOTSTRAP
        rows = _bootstrap_quantiles(grid, weeks, horizon, max(1, int(n_paths)), np.random.default_rng(seed))
        model = None
        calibration = None
        if rows is None:
            reason = "the model could not produce a finite forecast"
            return _insufficient(
                target_f, deadline, last_date, last_value, grid.size, recent_daily, reason, required_daily
            )

    if model is not None and observed.start_shift:
        rows = rows + observed.start_shift
    probability = _exceedance(rows[-1], target_f)
    if model is not None and model.rounding and ROUNDED_ANSWER_IN_STEPS:
        rows, probability = _in_steps(rows, last_value, model.rounding, target_f, up=observed.steps_up)
    final = rows[-1]
    q10, q50, q80, q90 = (float(final[_Q[p]]) for p in (0.1, 0.5, 0.8, 0.9))
    medians = np.concatenate([[last_value], rows[:, _Q[0.5]]])
    fan = tuple(
        FanPoint(
            date=last_date + timedelta(days=offset),
            p10=float(rows[i, _Q[0.1]]),
            p50=float(rows[i, _Q[0.5]]),
            p90=float(rows[i, _Q[0.9]]),
        )
        for i, offset in enumerate(offsets[1:])
    )
    drivers = _drivers(
        days, vals, grid, target_f, last_value, required_daily, recent_daily, model, calibration
    )
    quality = None
    if model is not None:
        try:
            with np.errstate(all="ignore"):
                quality = model.quality(horizon / 7.0)
        except Exception:  # the quality is an extra: never let it break the forecast
            quality = None
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
        probability=probability,
        p10=q10,
        p50=q50,
        p90=q90,
        projected_date=_projected_date(last_date, offsets, medians, target_f),
        required_daily_pace=required_daily,
        recent_daily_pace=recent_daily,
        safe_target=q10,
        realistic_target=q50,
        ambitious_target=q80,
        fan=fan,
        drivers=drivers,
        quality=quality,
    )


def series_backtest_quality(
    dates: Sequence[date], values: Sequence[float], horizon_weeks: int = 13
) -> ForecastQuality | None:
    """The series' own rolling-origin backtest at ``horizon_weeks``, or None without enough history.

    The same figures as ``forecast_goal(...).quality`` (which uses the goal's horizon), for callers
    that want them without a goal, e.g. to cache per account.
    """
    try:
        observed = _observations(dates, values)
    except (TypeError, ValueError):
        return None
    days, vals = observed.days, observed.vals
    if days.size < MIN_OBSERVATIONS:
        return None
    grid = _weekly_grid(days, vals)
    if grid.size < MIN_WEEKLY_POINTS:
        return None
    try:
        with np.errstate(all="ignore"):
            return _model(days, grid, observed.rounding).quality(float(horizon_weeks))
    except Exception:  # documented as returning None when it cannot answer
        return None


# The model -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Calibration:
    """What a series' own past says: the ETS weight of the centre and the spread factor."""

    blend: float
    factor: float
    own_origins: int
    #: Spread factor of the tails: scales the distance of the quantiles beyond the quartiles from
    #: the quartiles (see :func:`_shape`); 1 keeps the reference's tails.
    tail: float = 1.0
    #: Own interquartile range of the standardised errors against the reference's (1: no evidence),
    #: the evidence it rests on (origins / horizon) and the horizon it was measured at (without
    #: evidence: the horizon asked for, which sets a level's default start).
    ratio: float = 1.0
    evidence: float = 0.0
    horizon: int = 0
    #: Share of the centre's pace kept (level-like series only; 1 otherwise).
    keep: float = 1.0
    #: Level-like series: the centre starts this share of the way from the last value towards the
    #: mean of the last ``anchor_weeks`` weekly values.
    anchor_weeks: int = 1
    anchor_weight: float = 0.0


class _OwnErrors(NamedTuple):
    """What a series' own past errors at one horizon say (see :meth:`_Model.calibrate`)."""

    blend: float
    origins: int
    #: Interquartile range and quartile-to-decile distances (both sides) of the standardised errors.
    inner: float
    outer: float
    keep: float
    anchor_weeks: int
    anchor_weight: float


class _Model:
    """Everything computed once per weekly grid: paces, spreads and the ETS fit at every origin."""

    def __init__(
        self, grid: _FloatArray, gap_weeks: float = 1.0, seen: _IntArray | None = None, rounding: float = 0.0
    ) -> None:
        self.grid = grid
        self.gap_weeks = gap_weeks
        # The unit the counts are rounded to when read at their steps (READ_ROUNDED_AT_STEPS), else 0.
        self.rounding = rounding
        # Observations made up to each grid day (all of them when unknown).
        self.seen = np.arange(grid.size) if seen is None else seen
        self.last = grid.size - 1
        n = grid.size
        changes = np.diff(grid, prepend=np.nan)
        self.spread, middle = _rolling_spread(changes, SPREAD_WINDOW_WEEKS)
        self.noise = self.spread
        span = max(round(gap_weeks), 1)
        if SCALE_GAP_EXPONENT is not None and span > 1:
            spanned = np.full(n, np.nan)
            spanned[span:] = grid[span:] - grid[:-span]
            weeks = SPREAD_WINDOW_WEEKS * (span if SCALE_GAP_LONG_WINDOW else 1)
            self.noise = _rolling_spread(spanned, weeks)[0] / span**SCALE_GAP_EXPONENT
        index = np.arange(n)
        self.pace = np.zeros(n)
        for k in PACE_WINDOWS:
            start = np.maximum(index - k, 0)
            if PACE_CLIP_DEVIATIONS is None:
                total = grid - grid[start]
            else:
                # Weekly changes far outside the usual swing (a campaign, a purge) count as the
                # usual bound, so that one step does not set the pace for the weeks ahead; the
                # bounds of each origin apply to the changes before it.
                width = PACE_CLIP_DEVIATIONS * self.spread
                padded = np.concatenate([np.zeros(k - 1), np.diff(grid, prepend=grid[0])])
                window = sliding_window_view(padded, k)
                lo = (middle - width)[:, None]
                hi = (middle + width)[:, None]
                total = np.clip(window, lo, hi).sum(axis=1)
            self.pace += total / np.maximum(index - start, 1)
        self.pace /= len(PACE_WINDOWS)
        self.never_decreased = bool(np.all(np.diff(grid) >= 0))
        self.level_like = LEVEL_REFERENCE and _level_like(grid)
        self.changes_unit = self.level_like and LEVEL_UNIT == "changes"
        self._cumulative: _FloatArray | None = None
        self._cumulative_t: _FloatArray | None = None
        self._whole_horizon_spreads: dict[int, _FloatArray] = {}
        self._ets_choices: dict[int, _IntArray] = {}
        self.level, self.trend, self.best = _fit_ets(grid)

    def ets_pace(self, origins: _IntArray, horizons: _FloatArray, choice_weeks: int = 0) -> _FloatArray:
        """Per-week pace that the ETS fit chosen at each origin forecasts over ``horizons`` weeks
        (chosen for a horizon of ``choice_weeks``, see :data:`ETS_CHOICE`; 0: the one-step choice)."""
        k = self.ets_choice(choice_weeks)[origins]
        phi = _ETS_PHI[k]
        total = self.level[origins, k] + self.trend[origins, k] * _damped_sum(phi, horizons)
        return (total - self.grid[origins]) / horizons

    def ets_choice(self, weeks: int) -> _IntArray:
        """Per origin, the ETS combination whose ``weeks``-ahead forecasts made at the earlier
        origins (those whose ``weeks`` had passed by then) erred least; the one-step choice where
        there are fewer than :data:`ETS_CHOICE_MIN_ORIGINS` of them, or with ``"one-step"``."""
        if ETS_CHOICE == "one-step" or weeks < max(ETS_CHOICE_MIN_WEEKS, 1):
            return self.best
        if self.level_like and not ETS_CHOICE_LEVELS:
            return self.best
        cached = self._ets_choices.get(weeks)
        if cached is not None:
            return cached
        choice = self.best
        made = np.arange(ETS_FIRST_SCORED, self.grid.size - weeks)
        if made.size >= ETS_CHOICE_MIN_ORIGINS:
            ahead = self.level[made] + self.trend[made] * _damped_sum(_ETS_PHI, np.asarray(float(weeks)))
            errors = self.grid[made + weeks][:, None] - ahead
            losses = np.cumsum(errors * errors if ETS_CHOICE == "horizon" else np.abs(errors), axis=0)
            # At origin t the forecasts made up to t - weeks are judged: rows 0 .. t - weeks - first.
            known = np.arange(self.grid.size) - weeks - ETS_FIRST_SCORED + 1
            enough = known >= ETS_CHOICE_MIN_ORIGINS
            choice = self.best.copy()
            choice[enough] = np.argmin(losses[known[enough] - 1], axis=1)
        self._ets_choices[weeks] = choice
        return choice

    def scale(self, centre: _FloatArray, origins: _IntArray) -> _FloatArray:
        """The per-week uncertainty unit ``sqrt((w·c)² + q²)`` (``w`` = :data:`SCALE_PACE_WEIGHT`;
        ``q`` see :data:`SCALE_GAP_EXPONENT`), floored."""
        floor = SCALE_FLOOR_RELATIVE * np.abs(self.grid[origins]) + SCALE_FLOOR_ABSOLUTE
        return np.maximum(np.hypot(SCALE_PACE_WEIGHT * centre, self.noise[origins]), floor)

    def unit(self, pace: _FloatArray, origins: _IntArray, horizons: _FloatArray) -> _FloatArray:
        """The uncertainty unit of the change over ``horizons`` weeks after ``origins``."""
        if not self.changes_unit:
            out = horizons * self.scale(pace, origins)
            if self.rounding and ROUNDED_UNIT_SHARE:
                out = np.hypot(out, ROUNDED_UNIT_SHARE * self.rounding)
            return out
        floor = horizons * (SCALE_FLOOR_RELATIVE * np.abs(self.grid[origins]) + SCALE_FLOOR_ABSOLUTE)
        h = float(horizons[0]) if horizons.size else 0.0
        if h >= 1.0 and h.is_integer() and np.all(horizons == h):
            # The own calibration and the quality backtest ask for one whole horizon at many
            # origins, again at every origin of the backtest: compute it for all origins once.
            whole = self._whole_horizon_spreads.get(int(h))
            if whole is None:
                every = np.arange(self.grid.size)
                whole = self._change_spreads(every, np.full(every.size, h))
                self._whole_horizon_spreads[int(h)] = whole
            out = whole[origins]
        else:
            out = self._change_spreads(origins, horizons)
        if LEVEL_UNIT_PACE_WEIGHT:
            out = np.hypot(out, LEVEL_UNIT_PACE_WEIGHT * horizons * pace)
        return np.maximum(out, floor)

    def anchor_shift(self, origins: _IntArray, weeks: int) -> _FloatArray:
        """Mean of the ``weeks`` weekly values up to each origin, minus the value at the origin
        (``weeks`` = :data:`ETS_LEVEL_ANCHOR`: the level of the ETS fit chosen at each origin)."""
        if weeks == ETS_LEVEL_ANCHOR:
            return self.level[origins, self.best[origins]] - self.grid[origins]
        if weeks < 0:  # a trend line through the last -weeks values
            return self._trend_shift(origins, -weeks)
        if weeks <= 1:
            return np.zeros(origins.size)
        cumulative, _ = self._prefix_sums()
        start = np.maximum(origins + 1 - weeks, 0)
        mean = (cumulative[origins + 1] - cumulative[start]) / (origins + 1 - start)
        return mean - self.grid[origins]

    def _prefix_sums(self) -> tuple[_FloatArray, _FloatArray]:
        """Running sums of the grid and of week index × grid (from 0), computed once: any window's
        mean and least-squares line follow from two differences."""
        if self._cumulative is None or self._cumulative_t is None:
            weeks = np.arange(self.grid.size)
            self._cumulative = np.concatenate([[0.0], np.cumsum(self.grid)])
            self._cumulative_t = np.concatenate([[0.0], np.cumsum(weeks * self.grid)])
        return self._cumulative, self._cumulative_t

    def _trend_shift(self, origins: _IntArray, weeks: int) -> _FloatArray:
        """Value at each origin of the least-squares line through the ``weeks`` weekly values up to
        it, minus the value at the origin (a shorter history: through what there is)."""
        cumulative, cumulative_t = self._prefix_sums()
        start = np.maximum(origins + 1 - weeks, 0)
        n = (origins + 1 - start).astype(np.float64)
        total = cumulative[origins + 1] - cumulative[start]
        weighted = cumulative_t[origins + 1] - cumulative_t[start]
        middle = (start + origins) / 2.0
        spread = n * (n * n - 1.0) / 12.0  # sum of (t - middle)² over the window
        slope = np.where(spread > 0, (weighted - middle * total) / np.maximum(spread, 1e-12), 0.0)
        value = total / n + slope * (origins - middle)
        return value - self.grid[origins]

    def _change_spreads(self, origins: _IntArray, horizons: _FloatArray) -> _FloatArray:
        """Spread of the ``horizons``-week changes seen before ``origins`` (fractional horizons
        interpolate; below one week it shrinks in proportion; beyond the longest horizon with
        enough changes it grows as ``sqrt(h)``); NaN where the history has too few changes."""
        out = np.full(origins.size, np.nan)
        longest = np.minimum(origins + 1 - LEVEL_UNIT_MIN_CHANGES, LEVEL_UNIT_MAX_HORIZON)
        usable = longest >= 1
        short = usable & (horizons <= 1.0)
        far = usable & ~short & (horizons > longest)
        middle = usable & ~short & ~far
        if short.any():
            out[short] = horizons[short] * self._spreads_of(
                np.ones(int(short.sum()), np.int64), origins[short]
            )
        if far.any():
            k = longest[far]
            out[far] = self._spreads_of(k, origins[far]) * np.sqrt(horizons[far] / k)
        if middle.any():
            x, o = horizons[middle], origins[middle]
            lower = np.floor(x).astype(np.int64)
            upper = np.minimum(lower + 1, longest[middle])
            low = self._spreads_of(lower, o)
            high = self._spreads_of(upper, o)
            fraction = x - lower
            out[middle] = np.where((upper == lower) | (fraction == 0), low, low + fraction * (high - low))
        return out

    def _spreads_of(self, weeks: _IntArray, origins: _IntArray) -> _FloatArray:
        """Per pair: the spread of the last :data:`LEVEL_UNIT_WINDOW` ``weeks``-week changes up to
        the origin (the same windows as :func:`_rolling_spread` of those changes, built only for
        the pairs asked for)."""
        ends = origins[:, None] - (LEVEL_UNIT_WINDOW - 1) + np.arange(LEVEL_UNIT_WINDOW)[None, :]
        span = weeks[:, None]
        known = ends >= span
        changes = self.grid[np.where(known, ends, 0)] - self.grid[np.where(known, ends - span, 0)]
        return _window_spread(np.where(known, changes, np.nan))[0]

    def calibrate(self, origin: int, horizon: float) -> _Calibration:
        """The blend weight and spread factors from the series' errors before ``origin``."""
        # Between two observations the grid is a straight line, so errors over less than about two
        # observation gaps would look steadier than the series is: measure over at least that long.
        # With too short a history for that, calibrate at the longest horizon with enough past
        # origins: a steady series shows it at any horizon.
        wanted = max(round(horizon), math.ceil(OWN_MIN_GAPS * self.gap_weeks), 1)
        h = int(min(wanted, OWN_MAX_HORIZON, origin + 1 - OWN_FIRST_ORIGIN - OWN_MIN_ORIGINS))
        if h < 1:
            return _Calibration(0.0, 1.0, 0, horizon=wanted)
        own = self._own_spreads(origin, h)
        if own is None:
            return _Calibration(0.0, 1.0, 0, horizon=wanted)
        ref = _reference(np.asarray([float(h)]), self.level_like)[0]
        r10, r25, r75, r90 = (float(ref[_Q[p]]) for p in (0.1, 0.25, 0.75, 0.9))
        ref_inner, ref_outer = r75 - r25, (r90 - r75) + (r25 - r10)
        evidence = own.origins / h
        ratio = max(own.inner, 1e-9) / max(ref_inner, 1e-9)
        tail_ratio = max(own.outer, 1e-9) / max(ref_outer, 1e-9)
        scale = LEVEL_NARROWING_SCALE if self.level_like else 1.0
        factor = _shrink(ratio, evidence, scale * OWN_NARROWING_STRENGTH)
        # The tails (quartile to decile, both sides) are calibrated on their own: one series' errors
        # are about normal (deciles 1.9 interquartile ranges apart), the reference pools many
        # series and regimes (2.3-2.9 apart), so matching the quartiles alone leaves the p10-p90
        # interval of a regular series too wide.
        tail = _shrink(tail_ratio, evidence, scale * OWN_TAIL_NARROWING_STRENGTH)
        return _Calibration(
            own.blend,
            factor,
            own.origins,
            tail,
            ratio,
            evidence,
            h,
            own.keep,
            own.anchor_weeks,
            own.anchor_weight,
        )

    def _own_spreads(self, origin: int, h: int) -> _OwnErrors | None:
        """What the series' own errors at horizon ``h`` before ``origin`` say; None if too few."""
        if origin + 1 - OWN_FIRST_ORIGIN - OWN_MIN_ORIGINS < h:
            return None
        past = np.arange(OWN_FIRST_ORIGIN, origin - h + 1)[-OWN_WINDOW:]
        # A window without an observation inside lies within one gap, where the grid is a straight
        # line: its error says nothing about the series.
        past = past[self.seen[past + h] > self.seen[past]]
        if past.size < OWN_MIN_ORIGINS:
            return None
        hs = np.full(past.size, float(h))
        actual = (self.grid[past + h] - self.grid[past]) / h
        by_pace = self.pace[past]
        by_ets = self.ets_pace(past, hs, h)
        evidence = past.size / h
        mixes = _BLEND_STEPS[:, None] * by_ets + (1 - _BLEND_STEPS[:, None]) * by_pace
        best = float(_BLEND_STEPS[int(np.argmin(np.abs(actual - mixes).mean(axis=1)))])
        blend = best * evidence / (evidence + BLEND_PRIOR_STRENGTH)
        centre = blend * by_ets + (1 - blend) * by_pace
        keep, anchor_weeks, anchor_weight = 1.0, 1, 0.0
        shift = np.zeros(past.size)
        if self.level_like and LEVEL_KEEP_STEPS:
            keep, anchor_weeks, anchor_weight = self._level_centre(past, h, actual, centre, evidence)
            shift = self._start_shift(past, anchor_weeks, anchor_weight, h) / h
            centre = keep * centre
        if self.changes_unit or self.rounding:
            z = (actual - centre - shift) * h / self.unit(centre, past, hs)
        else:
            z = (actual - centre - shift) / self.scale(centre, past)
        z = z[np.isfinite(z)]  # early origins of a level have too few changes for its unit
        if z.size < OWN_MIN_ORIGINS:
            return None
        q10, q25, q75, q90 = (float(v) for v in np.quantile(z, [0.1, 0.25, 0.75, 0.9]))
        return _OwnErrors(
            blend=blend,
            origins=int(past.size),
            inner=q75 - q25,
            outer=(q90 - q75) + (q25 - q10),
            keep=keep,
            anchor_weeks=anchor_weeks,
            anchor_weight=anchor_weight,
        )

    def _start_shift(self, origins: _IntArray, weeks: int, weight: float, horizon: float) -> _FloatArray:
        """Where a level's centre starts, relative to the value at each origin: ``weight`` of the
        way from the default anchor (:func:`_default_anchor_weeks` of ``horizon``) to the chosen one."""
        shift = weight * self.anchor_shift(origins, weeks)
        default = _default_anchor_weeks(horizon)
        if default != 1 and self.level_like:  # a stock's centre starts from its last value
            shift = shift + (1.0 - weight) * self.anchor_shift(origins, default)
        return shift

    def _level_centre(
        self, past: _IntArray, h: int, actual: _FloatArray, centre: _FloatArray, evidence: float
    ) -> tuple[float, int, float]:
        """Kept share of the pace, anchor weeks and anchor weight of a level-like series.

        A level that reverts to its trend keeps only part of its recent pace, and may start from the
        mean of its last weeks (one week's views is a noisy reading of the level): the combination
        that forecast it best at its own past origins, moved in proportion to the evidence from the
        default (:data:`LEVEL_DEFAULT_KEEP` of the pace, :func:`_default_anchor_weeks` of ``h``).
        """
        shares = np.asarray(LEVEL_KEEP_STEPS)
        best_error, share, anchor_weeks = math.inf, 1.0, 1
        for weeks in LEVEL_ANCHOR_WEEKS:
            moved = self.anchor_shift(past, weeks) / h
            errors = np.abs(actual - moved - shares[:, None] * centre).mean(axis=1)
            i = int(np.argmin(errors))
            if errors[i] < best_error:
                best_error, share, anchor_weeks = float(errors[i]), float(shares[i]), weeks
        weight = evidence / (evidence + BLEND_PRIOR_STRENGTH)
        keep = LEVEL_DEFAULT_KEEP + (share - LEVEL_DEFAULT_KEEP) * weight
        return keep, anchor_weeks, weight if anchor_weeks != 1 or _default_anchor_weeks(h) != 1 else 0.0

    def centre_and_unit(
        self, origin: int, horizons: _FloatArray, calibration: _Calibration
    ) -> tuple[_FloatArray, _FloatArray]:
        """Central value and uncertainty unit ``horizons`` weeks after ``origin``."""
        origins = np.full(horizons.size, origin)
        # The ETS the own errors weighed is the one chosen for their horizon (ETS_CHOICE).
        chosen_for = int(calibration.horizon) if calibration.blend else 0
        pace = calibration.blend * self.ets_pace(origins, horizons, chosen_for)
        pace += (1 - calibration.blend) * self.pace[origin]
        pace = calibration.keep * pace
        start = self.grid[origin] + self._start_shift(
            origins, calibration.anchor_weeks, calibration.anchor_weight, calibration.horizon
        )
        return start + horizons * pace, self.unit(pace, origins, horizons)

    def quantiles(self, origin: int, horizons: _FloatArray, calibration: _Calibration) -> _FloatArray:
        """Values at :data:`REFERENCE_LEVELS` (columns) ``horizons`` weeks after ``origin`` (rows)."""
        centre, unit = self.centre_and_unit(origin, horizons, calibration)
        rows = centre[:, None] + unit[:, None] * _shape(_reference(horizons, self.level_like), calibration)
        if self.never_decreased:
            rows = np.maximum(rows, self.grid[origin])
        return rows

    def quality(self, horizon: float) -> ForecastQuality | None:
        """Rolling-origin backtest of this model on its own grid, or None without enough history."""
        h = int(min(max(round(horizon), 1), QUALITY_MAX_HORIZON))
        first = OWN_FIRST_ORIGIN + OWN_MIN_ORIGINS + h - 1
        origins = np.arange(self.last - h, first - 1, -QUALITY_STEP_WEEKS)[:QUALITY_MAX_ORIGINS]
        if origins.size < QUALITY_MIN_ORIGINS:
            return None
        probs, pace_probs, hits, covered = [], [], [], []
        horizons = np.asarray([float(h)])
        for o in origins.tolist():
            start = max(o - RECENT_WEEKS, 0)
            pace8 = (self.grid[o] - self.grid[start]) / max(o - start, 1)
            realised = float(self.grid[o + h])
            row = self.quantiles(o, horizons, self.calibrate(o, h))[0]
            if not np.all(np.isfinite(row)):  # a level's early origins: too few changes for its unit
                continue
            covered.append(row[_Q[0.1]] <= realised <= row[_Q[0.9]])
            for m in QUALITY_MULTIPLIERS:
                target = float(self.grid[o] + m * pace8 * h)
                probs.append(_exceedance(row, target))
                pace_probs.append(1.0 if self.grid[o] + pace8 * h >= target else 0.0)
                hits.append(1.0 if realised >= target else 0.0)
        if len(covered) < QUALITY_MIN_ORIGINS:
            return None
        outcome = np.asarray(hits)
        return ForecastQuality(
            horizon_weeks=h,
            cases=len(covered),
            brier=float(np.mean((np.asarray(probs) - outcome) ** 2)),
            coverage=float(np.mean(covered)),
            brier_pace=float(np.mean((np.asarray(pace_probs) - outcome) ** 2)),
        )


def _model(days: _IntArray, grid: _FloatArray, rounding: float = 0.0) -> _Model:
    """The model of the last :data:`MAX_GRID_WEEKS` weeks of a grid built from ``days``
    (``rounding``: the unit of a rounded count read at its steps, see :func:`_observations`)."""
    grid = grid[-MAX_GRID_WEEKS:]
    grid_days = days[-1] - 7 * np.arange(grid.size - 1, -1, -1, dtype=np.int64)
    seen = np.searchsorted(days, grid_days, side="right").astype(np.int64)
    return _Model(grid, _gap_weeks(days), seen, rounding)


def _level_like(grid: _FloatArray) -> bool:
    """Whether the grid's last :data:`LEVEL_WINDOW_WEEKS` weeks look like a level that reverts to a
    trend rather than a running total: moves both ways and 26-week changes no wider than 4-week
    ones imply for a random walk (see :data:`LEVEL_BALANCE`, :data:`LEVEL_MAX_VARIANCE_RATIO`)."""
    recent = grid[-LEVEL_WINDOW_WEEKS:]
    if recent.size < LEVEL_MIN_WEEKS:
        return False
    changes = np.diff(recent)
    moves = changes[changes != 0]
    if moves.size < LEVEL_MIN_WEEKS // 2:
        return False
    down = float(np.mean(moves < 0))
    if min(down, 1.0 - down) < LEVEL_BALANCE:
        return False
    short = float(np.var(recent[4:] - recent[:-4]))
    long = float(np.var(recent[26:] - recent[:-26]))
    return short > 0 and long < LEVEL_MAX_VARIANCE_RATIO * 6.5 * short


def _gap_weeks(days: _IntArray) -> float:
    """Median gap between the observations of the last :data:`MAX_GRID_WEEKS` weeks, in weeks."""
    recent = days[days >= days[-1] - 7 * MAX_GRID_WEEKS]
    return float(np.median(np.diff(recent))) / 7.0 if recent.size >= 2 else 1.0


def _fit_ets(grid: _FloatArray) -> tuple[_FloatArray, _FloatArray, _IntArray]:
    """Damped-trend ETS for every parameter combination at once; the least-squares choice per origin.

    Returns the level and trend after each week for every combination (shape ``(n, K)``) and, per
    origin, the combination with the smallest sum of squared one-step errors up to that origin
    (so a backtest at a past origin uses only what was known then).
    """
    n, k = grid.size, _ETS_A.size
    level = np.empty((n, k))
    trend = np.empty((n, k))
    sse = np.zeros((n, k))
    first_steps = np.diff(grid[:6])
    current_level = np.full(k, grid[0])
    current_trend = np.full(k, float(np.median(first_steps)) if first_steps.size else 0.0)
    level[0], trend[0] = current_level, current_trend
    total = np.zeros(k)
    for t in range(1, n):
        forecast = current_level + _ETS_PHI * current_trend
        error = grid[t] - forecast
        if t > 3:  # the first steps mostly measure the initial trend guess
            total = total + error * error
        sse[t] = total
        current_level = forecast + _ETS_A * error
        current_trend = _ETS_PHI * current_trend + _ETS_B * error
        level[t], trend[t] = current_level, current_trend
    best = np.argmin(sse, axis=1).astype(np.int64)
    return level, trend, best


def _damped_sum(phi: _FloatArray, horizons: _FloatArray) -> _FloatArray:
    """φ + φ² + … + φ^h (h may be fractional); h when φ = 1."""
    undamped = phi >= 1.0
    safe = np.where(undamped, 0.5, phi)
    return np.where(undamped, horizons, safe * (1 - safe**horizons) / (1 - safe))


def _rolling_spread(changes: _FloatArray, window: int) -> tuple[_FloatArray, _FloatArray]:
    """Mean absolute deviation from the median of the last ``window`` changes, and that median.

    NaN changes (the first, which has no week before it) are left out; 0 where none is left.
    """
    padded = np.concatenate([np.full(window - 1, np.nan), changes])
    return _window_spread(sliding_window_view(padded, window))


def _window_spread(windows: _FloatArray) -> tuple[_FloatArray, _FloatArray]:
    """Per row of ``windows``: mean absolute deviation from the median of its non-NaN values, and
    that median (0 for a row of NaNs)."""
    valid = np.sum(~np.isnan(windows), axis=1)
    # Sorting puts the NaNs last, so the median is read off the valid part of each row.
    ordered = np.sort(windows, axis=1)
    rows = np.arange(windows.shape[0])
    lo = ordered[rows, np.maximum(valid - 1, 0) // 2]
    hi = ordered[rows, np.maximum(valid, 1) // 2 - (valid == 0)]
    median = (lo + hi) / 2
    deviation = np.where(np.isnan(windows), 0.0, np.abs(windows - median[:, None]))
    spread = np.where(valid > 0, deviation.sum(axis=1) / np.maximum(valid, 1), 0.0)
    return spread, np.where(valid > 0, median, 0.0)


def _default_anchor_weeks(horizon: float) -> int:
    """How many last weekly values a level's centre starts from, ``horizon`` weeks ahead, without
    evidence of its own (:data:`LEVEL_DEFAULT_ANCHOR_WEEKS`, :data:`LEVEL_DEFAULT_ANCHOR_SHARE`)."""
    if LEVEL_DEFAULT_START == "ets":
        return ETS_LEVEL_ANCHOR
    if LEVEL_DEFAULT_START == "trend":  # negative: a trend line through that many weeks
        return -int(min(max(2, round(LEVEL_DEFAULT_TREND_SHARE * horizon)), max(LEVEL_ANCHOR_WEEKS)))
    by_horizon = round(LEVEL_DEFAULT_ANCHOR_SHARE * horizon)
    return int(min(max(LEVEL_DEFAULT_ANCHOR_WEEKS, by_horizon, 1), max(LEVEL_ANCHOR_WEEKS)))


def _reference(horizons: _FloatArray, level: bool = False) -> _FloatArray:
    """Reference quantiles of the standardised error (rows: horizons, columns: levels).

    ``level``: the table of level-like series (:data:`LEVEL_REFERENCE_QUANTILES`).
    """
    table = np.asarray(REFERENCE_QUANTILES, dtype=np.float64)
    if level:
        w = LEVEL_TABLE_WEIGHT
        table = w * np.asarray(LEVEL_REFERENCE_QUANTILES, dtype=np.float64) + (1 - w) * table
    x = np.clip(np.log(np.maximum(horizons, 1e-9)), _LOG_REF_H[0], _LOG_REF_H[-1])
    upper = np.clip(np.searchsorted(_LOG_REF_H, x, side="left"), 1, _LOG_REF_H.size - 1)
    lower = upper - 1
    weight = (x - _LOG_REF_H[lower]) / (_LOG_REF_H[upper] - _LOG_REF_H[lower])
    return table[lower] + weight[:, None] * (table[upper] - table[lower])


def _shape(reference: _FloatArray, calibration: _Calibration) -> _FloatArray:
    """The reference quantiles (rows) scaled by the own calibration.

    Between the quartiles every quantile is multiplied by ``factor``; beyond them the distance from
    the quartile is multiplied by ``tail`` instead, so the shape stays monotone for any positive
    factors and the median is untouched by the tails.
    """
    q25 = reference[:, _IQR[0] : _IQR[0] + 1]
    q75 = reference[:, _IQR[1] : _IQR[1] + 1]
    factor, tail = calibration.factor, calibration.tail
    inner = factor * reference
    upper = factor * q75 + tail * (reference - q75)
    lower = factor * q25 + tail * (reference - q25)
    return np.where(reference > q75, upper, np.where(reference < q25, lower, inner))


def _unshape(u: float, reference: _FloatArray, calibration: _Calibration) -> float:
    """The inverse of :func:`_shape` for one value ``u`` (in units) and one reference row."""
    q25, q75 = float(reference[_IQR[0]]), float(reference[_IQR[1]])
    factor, tail = calibration.factor, calibration.tail
    if u > factor * q75:
        return q75 + (u - factor * q75) / tail
    if u < factor * q25:
        return q25 + (u - factor * q25) / tail
    return u / factor


def _shrink(ratio: float, evidence: float, narrowing_strength: float) -> float:
    """An own spread ratio shrunk towards 1 by its evidence, within :data:`OWN_FACTOR_BOUNDS`."""
    strength = OWN_PRIOR_STRENGTH if ratio >= 1.0 else narrowing_strength
    factor = ratio ** (evidence / (evidence + strength))
    return min(max(factor, OWN_FACTOR_BOUNDS[0]), OWN_FACTOR_BOUNDS[1])


def _exceedance(quantiles: _FloatArray, target: float) -> float:
    """P(value ≥ target) from values at :data:`REFERENCE_LEVELS` (linear between them)."""
    if target <= quantiles[0]:
        return 1.0
    if target > quantiles[-1]:
        return 0.0
    # Equal quantiles (a floor at the last value) form a jump of the distribution function: the
    # right-most level at which the value is still below the target is the probability below it.
    below = float(np.interp(target, quantiles, _LEVELS))
    ties = quantiles == target
    if ties.any():
        below = float(_LEVELS[np.argmax(ties)])  # P(value < target) = the first level at the target
    return min(max(1.0 - below, 0.0), 1.0)


def _bootstrap_quantiles(
    grid: _FloatArray, weeks: int, horizon: int, n: int, rng: np.random.Generator
) -> _FloatArray | None:
    """Fallback: resample the last :data:`RECENT_WEEKS` weekly increments; quantiles per fan day."""
    try:
        with np.errstate(all="ignore"):
            increments = np.diff(grid)[-RECENT_WEEKS:]
            if increments.size == 0:
                increments = np.zeros(1)
            draws = rng.choice(increments, size=(weeks, n), replace=True)
            floor = SCALE_FLOOR_RELATIVE * abs(float(grid[-1])) + SCALE_FLOOR_ABSOLUTE
            extra = math.sqrt(max(floor**2 - float(np.var(increments)), 0.0))
            if extra > 0.0:
                draws = draws + rng.standard_normal((weeks, n)) * extra
            paths = float(grid[-1]) + np.cumsum(draws, axis=0)
            before = paths[-2] if weeks > 1 else np.full(n, float(grid[-1]))
            final = before + (horizon - 7 * (weeks - 1)) / 7.0 * (paths[-1] - before)
            rows = np.vstack([paths[:-1], final[np.newaxis, :]])
            quantiles = np.quantile(rows, _LEVELS, axis=1).T
    except (ArithmeticError, ValueError):  # overflow on absurd magnitudes: report, never raise
        return None
    return quantiles if np.all(np.isfinite(quantiles)) else None


# Explanations ------------------------------------------------------------------------------------


def _drivers(
    days: _IntArray,
    vals: _FloatArray,
    grid: _FloatArray,
    target: float,
    last_value: float,
    required_daily: float | None,
    recent_daily: float | None,
    model: _Model | None,
    calibration: _Calibration | None,
) -> tuple[Driver, ...]:
    """What drives the probability, most decisive first."""
    drivers: list[Driver] = []
    if target <= last_value:
        drivers.append(Driver("already_reached", {"current": last_value, "target": target}))
    if required_daily is not None and recent_daily is not None:
        params: dict[str, float | str] = {"required": required_daily, "recent": recent_daily}
        if recent_daily != 0:
            params["ratio"] = required_daily / recent_daily
        drivers.append(Driver("pace_gap", params))
    if model is not None and calibration is not None:
        # The noise the unit uses (for a sparse history measured across its captures, round 9),
        # so that the figure the page shows is the one behind the probability; mean abs dev → sd.
        weekly_sd = float(model.noise[-1]) * math.sqrt(math.pi / 2)
        params = {"weekly_sd": weekly_sd, "factor": calibration.factor}
        pace = float(model.pace[-1])
        if pace != 0:
            params["relative"] = weekly_sd / abs(pace)
        drivers.append(Driver("volatility", params))
        if model.rounding:
            drivers.append(Driver("rounded", {"unit": model.rounding}))
        if model.changes_unit:
            last = np.asarray([model.last])
            shift = model._start_shift(
                last, calibration.anchor_weeks, calibration.anchor_weight, calibration.horizon
            )[0]
            start = float(model.grid[model.last] + shift)
            # Name the anchor that weighs most in the start: the series' own choice, or the
            # horizon's default when the own evidence is still thin.
            weeks = calibration.anchor_weeks
            default = _default_anchor_weeks(calibration.horizon)
            if default != 1 and calibration.anchor_weight < 0.5:
                weeks = default
            drivers.append(Driver("level", {"weeks": float(weeks), "start": start, "keep": calibration.keep}))
    if grid.size < SHORT_HISTORY_WEEKS or (
        calibration is not None and calibration.own_origins < OWN_MIN_ORIGINS
    ):
        drivers.append(
            Driver(
                "short_history", {"weeks": float(grid.size - 1), "recommended": float(SHORT_HISTORY_WEEKS)}
            )
        )
    change = _pace_change(grid)
    if change is not None:
        drivers.append(change)
    step = _step_change(days, vals)
    if step is not None:
        drivers.append(step)
    return tuple(drivers)


def _pace_change(grid: _FloatArray) -> Driver | None:
    """The last 8 weeks' pace against the 18 weeks before, when they differ by a factor of 2+."""
    if grid.size < 27:
        return None
    recent = (grid[-1] - grid[-9]) / 8
    earlier = (grid[-9] - grid[-27]) / 18
    if recent == earlier:
        return None
    opposite = np.sign(recent) != np.sign(earlier)
    big, small = max(abs(recent), abs(earlier)), min(abs(recent), abs(earlier))
    if opposite or big >= PACE_CHANGE_FACTOR * small:
        return Driver("pace_change", {"recent": float(recent) / 7, "earlier": float(earlier) / 7})
    return None


def _step_change(days: _IntArray, vals: _FloatArray) -> Driver | None:
    """The largest abnormal jump or drop between two observations within the last year, if any.

    A change is abnormal when its pace is :data:`STEP_DEVIATIONS` robust deviations away from the
    median pace of the year's observation pairs, and material: at least :data:`STEP_MIN_SHARE` of
    the level and :data:`STEP_MIN_PACE_DAYS` days of the typical pace.
    """
    first = int(np.searchsorted(days, days[-1] - 365))
    first = max(first - 1, 0)
    d, v = days[first:], vals[first:]
    if d.size < 4:
        return None
    gaps = np.diff(d).astype(np.float64)
    changes = np.diff(v)
    rates = changes / gaps
    typical = float(np.median(rates))
    deviation = 1.4826 * float(np.median(np.abs(rates - typical)))
    excess = changes - typical * gaps
    i = int(np.argmax(np.abs(excess)))
    level = abs(float(v[i]))
    noise = max(deviation, 0.05 * abs(typical), 1e-12)
    material = abs(excess[i]) >= max(STEP_MIN_SHARE * level, STEP_MIN_PACE_DAYS * abs(typical))
    if abs(rates[i] - typical) >= STEP_DEVIATIONS * noise and material and abs(excess[i]) > 0:
        size = float(excess[i])
        params: dict[str, float | str] = {"date": date.fromordinal(int(d[i + 1])).isoformat(), "size": size}
        if level > 0:
            params["share"] = size / level
        return Driver("step_change", params)
    return None


# Input handling and helpers --------------------------------------------------------------------


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


class _Observed(NamedTuple):
    """The observations the model reads, and how the last one was published."""

    days: _IntArray
    vals: _FloatArray
    #: The unit a rounded count is rounded to when it is read at its steps, else 0.
    rounding: float = 0.0
    #: The last published value (``vals[-1]`` unless the origin is read within its step).
    published: float = math.nan
    #: The answer counts whole steps up from ``published`` (the origin read within its step)
    #: rather than to the nearest step.
    steps_up: bool = False
    #: How far the count has grown underneath its last published value (added to the start).
    start_shift: float = 0.0


def _observations(dates: Sequence[date], values: Sequence[float]) -> _Observed:
    """:func:`_clean` observations; a rounded count read at its steps (:data:`READ_ROUNDED_AT_STEPS`)."""
    days, vals = _clean(dates, values)
    unit = _rounding_unit(days, vals) if READ_ROUNDED_AT_STEPS else None
    last = float(vals[-1]) if vals.size else math.nan
    if unit is None:
        return _Observed(days, vals, 0.0, last)
    moved = np.concatenate([[True], np.diff(vals) != 0])
    moved[-1] = True  # the origin: the count has not reached its next step since
    days, vals = days[moved], vals[moved].copy()
    position = _position_in_step(days, vals, float(unit)) if ROUNDED_POSITION else None
    if position is None:
        return _Observed(days, vals, float(unit), last)
    if ROUNDED_POSITION == "grid":
        vals[-1] = last + position
        return _Observed(days, vals, float(unit), last, steps_up=True)
    return _Observed(days, vals, float(unit), last, steps_up=True, start_shift=position)


def _position_in_step(days: _IntArray, vals: _FloatArray, unit: float) -> float | None:
    """How far a growing rounded count, read at its steps, has grown underneath since it reached its
    last published value: the pace between its recent steps times the days since, at most a step
    (None when it has not grown over :data:`ROUNDED_POSITION_WEEKS` weeks before that step)."""
    if vals.size < 2:
        return None
    # The origin repeats the last step's value when the count has not moved since.
    step = vals.size - 2 if vals[-2] == vals[-1] else vals.size - 1
    step_day = int(days[step])
    before = (days < step_day) & (days >= step_day - 7 * ROUNDED_POSITION_WEEKS)
    if not np.any(before):
        return None
    first = int(np.argmax(before))
    pace = (float(vals[step]) - float(vals[first])) / (step_day - int(days[first]))
    if pace <= 0:
        return None
    return min(pace * (int(days[-1]) - step_day), unit)


def _in_steps(
    rows: _FloatArray, last: float, unit: float, target: float, *, up: bool = False
) -> tuple[_FloatArray, float]:
    """Quantile rows and the probability of reaching ``target`` for the published count of a history
    rounded to ``unit``: it can only move by whole steps from ``last``, so each quantile goes to
    the nearest step (``up``: to the step it has passed, the smooth forecast being of the count
    underneath, which publishes a step each time it grows by one), and reaching ``target`` means
    reaching the first step at or above it."""
    steps = math.ceil((target - last) / unit)
    if up:
        return last + np.floor((rows - last) / unit) * unit, _exceedance(rows[-1], last + steps * unit)
    first_step = last + (steps - 0.5) * unit
    return last + np.round((rows - last) / unit) * unit, _exceedance(rows[-1], first_step)


def _rounding_unit(days: _IntArray, vals: _FloatArray) -> int | None:
    """The unit a count is rounded to (the common divisor of its recent non-zero changes), or None
    when its recent values do not look rounded (see :data:`ROUNDED_MIN_UNIT`)."""
    recent = vals[days >= days[-1] - 7 * ROUNDED_WINDOW_WEEKS] if days.size else vals
    # Beyond 2**53 floats are not whole-number exact; such a count is not read as rounded.
    if recent.size <= ROUNDED_MIN_CHANGES or not np.all(np.abs(recent) < 2.0**53):
        return None
    if not np.all(recent == np.round(recent)):
        return None
    changes = np.diff(recent)
    moves = np.abs(changes[changes != 0]).astype(np.int64)
    # A rounded count stands still between its steps; one that moves at every observation (an
    # exact count growing by exactly 10 a day) is read as observed, rounded or not.
    if moves.size < ROUNDED_MIN_CHANGES or moves.size == changes.size:
        return None
    unit = int(np.gcd.reduce(moves))
    return unit if unit >= ROUNDED_MIN_UNIT else None


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
        with np.errstate(all="ignore"):
            slope = np.polyfit(days.astype(np.float64) - days[-1], vals, 1)[0]
        return float(slope) * 7.0 if math.isfinite(slope) else None
    return None


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
    horizon = None
    if last_date is not None and isinstance(deadline, date):
        horizon = deadline.toordinal() - last_date.toordinal()
    drivers: list[Driver] = []
    if required_daily is not None and recent_daily is not None:
        params: dict[str, float | str] = {"required": required_daily, "recent": recent_daily}
        if recent_daily != 0:
            params["ratio"] = required_daily / recent_daily
        drivers.append(Driver("pace_gap", params))
    if last_date is not None and weekly_points < MIN_WEEKLY_POINTS:
        drivers.append(
            Driver(
                "short_history",
                {"weeks": float(max(weekly_points - 1, 0)), "recommended": float(SHORT_HISTORY_WEEKS)},
            )
        )
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
        drivers=tuple(drivers),
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
