"""Tuning harness for follower (stock) series, docs/decisions/0003: the calibrated method only.

    python bench/tune_followers.py                                  # the current method
    python bench/tune_followers.py --set OWN_NARROWING_STRENGTH=5.0
    python bench/tune_followers.py --weekly-gains DIR               # also score your own stocks
    python bench/tune_followers.py --origin-step 1                  # every origin, as issue 3 words it

Scores ``real-tuning`` **leave one series out**: for each follower history the reference table
(``REFERENCE_QUANTILES``) is fitted the way ``backtest.py --fit-reference`` fits it (two passes),
on the other tuning histories, and the left-out history is scored with it, so that no real series
is scored against a table fitted on itself. ``synthetic-tuning`` and the files of
``--stocks DIR`` / ``--weekly-gains DIR`` (``date,value`` CSVs; weekly gains are summed into a
running total, as for YouTube subscriber counts) are scored with the table fitted on all of
``real-tuning``. Prints Brier and p10–p90 coverage per set and horizon, then per sampling
(``dense``: observations a median of at most 8 days apart; ``sparse``: further apart) for the
real-tuning and synthetic-tuning stocks, and round 9's objective (docs/decisions/0003): the mean
|coverage − 0.80| over those four groups at 13 and 26 weeks. ``--set NAME=VALUE``
overrides a constant of ``smartsmm.core.forecast`` (``backtest.NAME``: of ``smartsmm.core.backtest``)
with a Python literal before the table is fitted.
Hold-out sets are never read here.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import statistics
import sys
from multiprocessing import Pool
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import backtest as bench

from smartsmm.core import forecast
from smartsmm.core.backtest import (
    KIND_STOCK,
    Scored,
    Series,
    forecast_goal_method,
    make_cases,
    run_series,
    summarise,
)
from smartsmm.core.synthetic import TUNING_SEEDS, synthetic_set

Table = tuple[tuple[float, ...], ...]

#: A history whose observations are a median of at most this many days apart counts as dense.
DENSE_GAP_DAYS = 8


def _score(args: tuple[Series, int, Table]) -> list[Any]:
    series, step, table = args
    forecast.REFERENCE_QUANTILES = table
    cases = make_cases(series, origin_step_days=step).cases
    return run_series(series, cases, [forecast_goal_method]) if cases else []


def _print(name: str, scored: list[Any]) -> dict[int, float]:
    """Print Brier and coverage per horizon; return the coverage per horizon."""
    summary = summarise(scored)
    coverage = {}
    for h in (4, 13, 26):
        row = summary.get(("calibrated", h), {})
        coverage[h] = row.get("coverage_p10_p90") or math.nan
        print(
            f"{name:<25} {h:>2} w  cases {row.get('cases', 0):>5}  Brier {row.get('brier', math.nan):.4f}"
            f"  p10–p90 {coverage[h]:.3f}",
            flush=True,
        )
    return coverage


def _median_gap_days(series: Series) -> float:
    days = [d.toordinal() for d in series.dates]
    return statistics.median(b - a for a, b in itertools.pairwise(days))


def _by_sampling(name: str, series: list[Series], scored: list[Scored]) -> list[float]:
    """Print the stocks' figures per sampling; return |coverage − 0.80| per group at 13 and 26 weeks."""
    dense = {s.name for s in series if len(s.dates) > 1 and _median_gap_days(s) <= DENSE_GAP_DAYS}
    stocks = {s.name for s in series if s.kind == KIND_STOCK}
    gaps = []
    for group, members in (("dense", stocks & dense), ("sparse", stocks - dense)):
        coverage = _print(f"{name} {group}", [x for x in scored if x.case.series in members])
        gaps += [abs(coverage[h] - 0.80) for h in (13, 26)]
    return gaps


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--stocks", type=Path, help="a folder of date,value CSVs of running totals")
    parser.add_argument("--weekly-gains", type=Path, help="a folder of date,value CSVs of gains per week")
    parser.add_argument(
        "--origin-step", type=int, default=None, help="days between origins (default 28; 7 for the folders)"
    )
    parser.add_argument("--no-synthetic", action="store_true", help="leave synthetic-tuning out")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    try:
        bench.forecast_overrides(args.set)  # before the pools fork
    except ValueError as error:
        parser.error(str(error))

    real = [s for s in bench.datasets()["real-tuning"] if make_cases(s).cases]
    step = args.origin_step or bench.ORIGIN_STEP_DAYS
    loso_jobs = []
    for left_out in real:
        others = [s for s in real if s.name != left_out.name]
        table, _ = bench.fit_table(others, args.workers, level=False)
        loso_jobs.append((left_out, step, table))
    full_table, _ = bench.fit_table(real, args.workers, level=False)
    with Pool(args.workers) as pool:
        loso = [x for part in pool.map(_score, loso_jobs, chunksize=1) for x in part]
        _print("real-tuning LOSO", loso)
        gaps = _by_sampling("real-tuning LOSO", real, loso)
        extra: dict[str, list[Series]] = {}
        if not args.no_synthetic:
            extra["synthetic-tuning"] = synthetic_set(TUNING_SEEDS)
        if args.stocks:
            extra["stocks"] = [bench.stock(p) for p in sorted(args.stocks.glob("*.csv"))]
        if args.weekly_gains:
            # Gains per week summed into a running total: the stock half of a weekly flow.
            extra["weekly-gains"] = [bench.weekly_flow(p)[1] for p in sorted(args.weekly_gains.glob("*.csv"))]
        for name, series in extra.items():
            set_step = args.origin_step or (
                7 if name in ("stocks", "weekly-gains") else bench.ORIGIN_STEP_DAYS
            )
            jobs = [(s, set_step, full_table) for s in series]
            scored = [x for part in pool.map(_score, jobs, chunksize=1) for x in part]
            _print(name, scored)
            if name == "synthetic-tuning":
                gaps += _by_sampling(name, series, scored)
    if len(gaps) == 8:
        print(f"round 9 objective (mean |coverage - 0.80|, 4 groups x 13/26 w): {statistics.fmean(gaps):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
