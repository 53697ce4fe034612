"""Speed of the goal forecast (issue 3, acceptance 3): a benchmark, not a test.

    python bench/bench_forecast.py [--goals 1000] [--repeat 200] [--json]

1. **One forecast**: median (and p95) milliseconds of ``forecast_goal`` on a history of about 80
   weekly points — 80 weekly observations, and 560 daily ones — and on a level-like series (an
   ER-like rate over 28 days, 1,200 daily points: the level unit and centre of round 4), with a
   13-week deadline, after warm-up. Target: median ≤ 50 ms.
2. **Recomputing 1,000 goals**: 1,000 ``forecast_goal`` calls in one process on varied series, as
   a proxy for the refresher recomputing every goal (the proxy leaves out the database reads and
   the SMART checks around each forecast). The series cycle through the synthetic families of
   ``smartsmm.core.synthetic`` (daily, weekly and archive-like sampling, 1 to 4 years of history)
   with deadlines 2 to 52 weeks ahead and targets between the p10 and p90 of a probe. Target: ≤ 60 s.

``forecast_goal`` includes the series' own backtest (``quality``) in every call, so both figures
include it. Results are printed and, with ``--json``, written to ``bench/out/forecast_speed.json``.
Exit status 0 when both targets are met.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from smartsmm.core.forecast import forecast_goal
from smartsmm.core.synthetic import FAMILIES, generate

OUT_DIR = Path(__file__).resolve().parent / "out"
TARGET_MEDIAN_MS = 50.0
TARGET_GOALS_S = 60.0


def _series(points: int, step_days: int, seed: int = 1) -> tuple[list[date], list[float]]:
    rng = np.random.default_rng(seed)
    start = date(2024, 1, 1)
    dates = [start + timedelta(days=step_days * i) for i in range(points)]
    values = np.cumsum(25.0 * step_days + rng.normal(0.0, 10.0 * step_days, points)) + 5000.0
    return dates, values.tolist()


def _level_series() -> tuple[list[date], list[float]]:
    series = generate("level-rate", 7)
    return list(series.dates[-1200:]), list(series.values[-1200:])


def one_forecast(repeat: int) -> dict[str, dict[str, float]]:
    """Median and p95 ms per forecast on ~80 weekly points."""
    out = {}
    for name, (dates, values) in {
        "80 weekly points": _series(80, 7),
        "560 daily points (80 weeks)": _series(560, 1),
        "level-like, 1,200 daily points": _level_series(),
    }.items():
        deadline = dates[-1] + timedelta(days=91)
        target = values[-1] * 1.05
        for _ in range(5):
            forecast_goal(dates, values, target, deadline)
        times = []
        for i in range(repeat):
            t0 = time.perf_counter()
            forecast_goal(dates, values, target, deadline, seed=i)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        out[name] = {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))]}
    return out


def goals(n: int) -> dict[str, float]:
    """Seconds for ``n`` forecasts on varied series (built before the clock starts)."""
    rng = np.random.default_rng(7)
    jobs = []
    for i in range(n):
        series = generate(FAMILIES[i % len(FAMILIES)], 5000 + i // len(FAMILIES))
        keep_days = int(rng.integers(365, 1460))
        first = series.dates[-1] - timedelta(days=keep_days)
        idx = [k for k, d in enumerate(series.dates) if d >= first]
        dates = [series.dates[k] for k in idx]
        values = [series.values[k] for k in idx]
        deadline = dates[-1] + timedelta(weeks=int(rng.integers(2, 53)))
        probe = forecast_goal(dates, values, values[-1], deadline)
        lo, hi = probe.p10 or values[-1], probe.p90 or values[-1]
        jobs.append((dates, values, float(rng.uniform(lo, hi)), deadline))
    t0 = time.perf_counter()
    statuses: dict[str, int] = {}
    for dates, values, target, deadline in jobs:
        result = forecast_goal(dates, values, target, deadline)
        statuses[result.status] = statuses.get(result.status, 0) + 1
    seconds = time.perf_counter() - t0
    return {
        "goals": n,
        "seconds": seconds,
        "mean_ms": seconds / n * 1000,
        **{f"status_{k}": v for k, v in statuses.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--goals", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    single = one_forecast(args.repeat)
    many = goals(args.goals)
    load_after = os.getloadavg()
    for name, row in single.items():
        print(f"one forecast, {name}: median {row['median_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms")
    print(
        f"{many['goals']} goals recomputed (forecast_goal only): {many['seconds']:.1f} s "
        f"({many['mean_ms']:.1f} ms each)"
    )
    print(
        f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f}; {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    )
    ok = (
        all(r["median_ms"] <= TARGET_MEDIAN_MS for r in single.values()) and many["seconds"] <= TARGET_GOALS_S
    )
    print(
        f"targets (median ≤ {TARGET_MEDIAN_MS:.0f} ms, {args.goals} goals ≤ {TARGET_GOALS_S:.0f} s): {'met' if ok else 'NOT met'}"
    )
    if args.json:
        OUT_DIR.mkdir(exist_ok=True)
        payload = {
            "one_forecast": single,
            "goals": many,
            "load_average": [load_before[0], load_after[0]],
            "ok": ok,
        }
        (OUT_DIR / "forecast_speed.json").write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
