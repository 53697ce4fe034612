"""Tuning harness of rounds 4 to 7 (levels and flows) of docs/decisions/0003: the calibrated method only.

    python bench/tune_levels.py                                   # the current method
    python bench/tune_levels.py --set LEVEL_UNIT='"changes"' --level-table crossfit
    python bench/tune_levels.py --level-table normal --set LEVEL_TABLE_WEIGHT=1.0

Scores the calibrated forecast (no baselines: they do not change between candidates) on the
tuning sets of round 4 — ``level-tuning``, ``flow-tuning`` (peyton-manning), ``wiki-tuning`` and
``synthetic-tuning`` — and prints Brier and p10–p90 coverage per set and horizon, and the two
figures of round 4's decision rule: the level/flow Brier (mean over the three level/flow sets at
13 and 26 weeks) and the coverage objective (mean |coverage − 0.80| over the same pairs), and
round 5's (:func:`round5_rule`).

``--set NAME=VALUE`` overrides a constant of ``smartsmm.core.forecast`` (a Python literal) in
every worker. ``--level-table``: ``current`` keeps ``LEVEL_REFERENCE_QUANTILES``; ``crossfit`` fits
the level table the way ``backtest.py --fit-reference`` does (``bench.fit_table``) on the even level seeds
to score the odd ones and vice versa, and on all level seeds for the other sets, so that no level
series is scored against a table fitted on itself; ``normal`` uses the normal distribution's
quantiles in units of its mean absolute deviation at every horizon (nothing fitted).
Hold-out sets are never read here.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from multiprocessing import Pool
from pathlib import Path
from statistics import NormalDist
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import backtest as bench

from smartsmm.core import forecast
from smartsmm.core.backtest import (
    Series,
    forecast_goal_method,
    make_cases,
    run_series,
    summarise,
)
from smartsmm.core.forecast import REFERENCE_HORIZONS, REFERENCE_LEVELS
from smartsmm.core.synthetic import (
    LEVEL_FAMILIES,
    LEVEL_TUNING_SEEDS,
    TUNING_SEEDS,
    synthetic_set,
)

Table = tuple[tuple[float, ...], ...]
DECISION_SETS = ("level-tuning", "flow-tuning", "wiki-tuning")
DECISION_HORIZONS = (13, 26)


def normal_table() -> Table:
    """Normal quantiles in units of the mean absolute deviation (sd × sqrt(2/π))."""
    unit = math.sqrt(math.pi / 2)
    row = tuple(round(NormalDist().inv_cdf(p) * unit, 3) for p in REFERENCE_LEVELS)
    return tuple(row for _ in REFERENCE_HORIZONS)


def _score(args: tuple[Series, int, dict[str, Any], Table | None]) -> list[Any]:
    series, step, overrides, table = args
    bench.apply_overrides(overrides)
    if table is not None:
        forecast.LEVEL_REFERENCE_QUANTILES = table
    cases = make_cases(series, origin_step_days=step).cases
    return run_series(series, cases, [forecast_goal_method]) if cases else []


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--level-table", choices=("current", "crossfit", "normal"), default="current")
    parser.add_argument("--sets", default="level-tuning,flow-tuning,wiki-tuning,synthetic-tuning")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    try:
        overrides = bench.forecast_overrides(args.set)
    except ValueError as error:
        parser.error(str(error))

    wiki_tuning, _ = bench.wiki_sets()
    all_sets = {
        "level-tuning": synthetic_set(LEVEL_TUNING_SEEDS, LEVEL_FAMILIES),
        "flow-tuning": bench.datasets()["flow-tuning"],
        "wiki-tuning": wiki_tuning,
        "synthetic-tuning": synthetic_set(TUNING_SEEDS),
    }
    wanted = args.sets.split(",")
    figures: dict[tuple[str, int], dict[str, Any]] = {}
    with Pool(args.workers) as pool:
        tables: dict[str, Table | None] = {}
        if args.level_table == "crossfit":
            levels = all_sets["level-tuning"]
            even = [s for s in levels if int(s.name.rsplit("-", 1)[1]) % 2 == 0]
            odd = [s for s in levels if int(s.name.rsplit("-", 1)[1]) % 2 == 1]
            # Fitted as `backtest.py --fit-reference` fits the shipped table (its own worker pool,
            # forked after the overrides are set).
            tables["odd"] = bench.fit_table(even, args.workers, level=True)[0]
            tables["even"] = bench.fit_table(odd, args.workers, level=True)[0]
            tables["all"] = bench.fit_table(levels, args.workers, level=True)[0]
        elif args.level_table == "normal":
            tables["all"] = tables["odd"] = tables["even"] = normal_table()
        else:
            tables["all"] = tables["odd"] = tables["even"] = None
        for name in wanted:
            jobs = []
            for s in all_sets[name]:
                key = "all"
                if name == "level-tuning":
                    key = "odd" if int(s.name.rsplit("-", 1)[1]) % 2 else "even"
                jobs.append((s, bench.origin_step(name), overrides, tables[key]))
            parts = pool.map(_score, jobs, chunksize=1)
            summary = summarise([x for part in parts for x in part])
            for h in (4, 13, 26):
                row = summary.get(("calibrated", h), {})
                figures[(name, h)] = row
                print(
                    f"{name:<17} {h:>2} w  cases {row.get('cases', 0):>5}  Brier {row.get('brier', math.nan):.4f}"
                    f"  p10–p90 {row.get('coverage_p10_p90', math.nan):.3f}",
                    flush=True,
                )
    pairs = [(s, h) for s in DECISION_SETS for h in DECISION_HORIZONS if (s, h) in figures]
    if pairs:
        brier = sum(figures[p]["brier"] for p in pairs) / len(pairs)
        cov = sum(abs(figures[p]["coverage_p10_p90"] - 0.8) for p in pairs) / len(pairs)
        print(f"level/flow Brier {brier:.4f}   coverage objective {cov:.4f}")
    if "synthetic-tuning" in wanted:
        synth = sum(figures[("synthetic-tuning", h)]["brier"] for h in DECISION_HORIZONS) / 2
        print(f"synthetic Brier {synth:.4f}")
    if {"level-tuning", "flow-tuning", "wiki-tuning"} <= set(wanted):
        objective, coverage = round5_rule(figures)
        print(f"round 5: objective {objective:.4f}   coverage objective {coverage:.4f}")
    return 0


def round5_rule(figures: dict[tuple[str, int], dict[str, Any]]) -> tuple[float, float]:
    """Round 5's decision figures: per horizon ½ level + ½ real flows (peyton and wiki; peyton alone
    at 26 weeks, where wiki has one case per page), averaged over 4, 13 and 26 weeks; and the mean
    |coverage − 0.80| over the same set × horizon pairs."""
    terms, misses = [], []
    for h in (4, 13, 26):
        flows = ["flow-tuning"] + (["wiki-tuning"] if h < 26 else [])
        flow = sum(figures[(f, h)]["brier"] for f in flows) / len(flows)
        terms.append(0.5 * figures[("level-tuning", h)]["brier"] + 0.5 * flow)
        misses += [abs(figures[(name, h)]["coverage_p10_p90"] - 0.8) for name in ["level-tuning", *flows]]
    return sum(terms) / len(terms), sum(misses) / len(misses)


if __name__ == "__main__":
    sys.exit(main())
