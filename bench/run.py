"""The benchmark of the issue's acceptance point 7, on SQLite and on PostgreSQL.

    python bench/run.py [--database sqlite|postgres|both] [--requests 50] [--import-rows 1000000]
                        [--skip-import] [--clients 200] [--postgres-url URL] [--keep]

For each database:

1. a fresh database: a new temporary `SMARTSMM_DATA_DIR` for SQLite, or the PostgreSQL database
   `smartsmm_bench` dropped and created again (`--postgres-url`, default
   postgres://postgres@127.0.0.1:5432/smartsmm_bench, or `SMARTSMM_BENCH_POSTGRES_URL`);
2. migrate, then seed 200 clients × 5 accounts × 3 years of daily metrics and 300 posts per account
   (`bench/seed.py`) and evaluate every goal once, as the refresher does;
3. server time of 50 requests each of the agency overview and the client page of the middle client,
   as the agency owner, after 3 warm-up requests (`bench/pages.py`): median and p95, target
   p95 ≤ 200 ms;
4. `bench/bench_import.py --rows N` against the same (seeded) database: a 1,000,000-row daily file
   imported through the app, as a ratio to a plain bulk insert of the same rows, target ≥ 0.5.

Each database runs in its own Python process because settings are read from the environment once.
The figures are printed as a table at the end and written to `bench/out/results.json`.
Exit status: 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/smartsmm_bench"
TARGET_P95_MS = 200.0
TARGET_IMPORT_RATIO = 0.5
RATIO_PATTERN = re.compile(r"ratio[^0-9\n]*([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)


def _banner(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def recreate_postgres_database(url: str) -> None:
    """Drop and create the database named in `url`, connected to the server's `postgres` database."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"--postgres-url needs a database name: {url}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _run_streaming(cmd: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run a command, echoing its output as it comes, and return (status, output)."""
    lines = []
    with subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print("    " + line, end="", flush=True)
            lines.append(line)
        status = proc.wait()
    return status, "".join(lines)


def run_import(env: dict[str, str], rows: int, database_url: str | None, data_dir: str) -> dict[str, Any]:
    """`bench/bench_import.py` in the benchmark's own database (its agency is removed afterwards)."""
    script = BENCH_DIR / "bench_import.py"
    if not script.exists():
        print(f"    {script} not found: import benchmark skipped", flush=True)
        return {"status": "missing", "ratio": None, "pass": None}
    cmd = [sys.executable, str(script), "--rows", str(rows)]
    cmd += ["--database-url", database_url] if database_url else ["--data-dir", data_dir]
    t0 = time.perf_counter()
    status, output = _run_streaming(cmd, env)
    found = RATIO_PATTERN.findall(output)
    ratio = float(found[-1]) if found else None
    return {
        "command": " ".join(cmd[1:]),
        "status": status,
        "seconds": round(time.perf_counter() - t0, 1),
        "ratio": ratio,
        "target_ratio": TARGET_IMPORT_RATIO,
        "pass": ratio is not None and ratio >= TARGET_IMPORT_RATIO and status == 0,
        "output": output.strip().splitlines()[-40:],
    }


def run_database(database: str, args: argparse.Namespace) -> dict[str, Any]:
    _banner(f"{database}: fresh database, migrate, seed, evaluate, measure")
    data_dir = tempfile.mkdtemp(prefix=f"smartsmm-bench-{database}-")
    env = dict(os.environ)
    env.update(
        SMARTSMM_DATA_DIR=data_dir,
        SMARTSMM_DEBUG="0",
        SMARTSMM_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="smartsmm.config.settings",
        PYTHONUNBUFFERED="1",
    )
    database_url: str | None = None
    if database == "postgres":
        database_url = args.postgres_url
        recreate_postgres_database(database_url)
        env["DATABASE_URL"] = database_url
        print(f"    database {urlsplit(database_url).path.lstrip('/')} dropped and created", flush=True)
    else:
        env.pop("DATABASE_URL", None)
        print(f"    SQLite in {data_dir}", flush=True)
    result: dict[str, Any] = {"database": database}
    seed_json = Path(data_dir) / "seed.json"
    pages_json = Path(data_dir) / "pages.json"
    seed_cmd = [
        sys.executable,
        str(BENCH_DIR / "seed.py"),
        "--migrate",
        "--clients",
        str(args.clients),
        "--output",
        str(seed_json),
    ]
    status, _output = _run_streaming(seed_cmd, env)
    if status != 0 or not seed_json.exists():
        result["error"] = f"seed.py exited with {status}"
        shutil.rmtree(data_dir, ignore_errors=True)
        return result
    result["seed"] = json.loads(seed_json.read_text())
    # The pages are measured in a process of their own, started like a server: nothing of the
    # seeding is left in its memory.
    pages_cmd = [
        sys.executable,
        str(BENCH_DIR / "pages.py"),
        "--requests",
        str(args.requests),
        "--output",
        str(pages_json),
    ]
    status, _output = _run_streaming(pages_cmd, env)
    if pages_json.exists():
        result.update(json.loads(pages_json.read_text()))
    else:
        result["error"] = f"pages.py exited with {status} and wrote no figures"
    if not args.skip_import:
        _banner(f"{database}: import of a {args.import_rows:,}-row daily file")
        result["import"] = run_import(env, args.import_rows, database_url, data_dir)
    if args.keep:
        result["data_dir"] = data_dir
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    return result


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}" if unit != "×" else f"{value:.2f}"
    return f"{value}{unit}"


def summary(results: dict[str, dict[str, Any]]) -> str:
    dbs = list(results)
    rows: list[tuple[str, ...]] = [("", *dbs)]

    def row(label: str, getter: Any, unit: str = "") -> None:
        values = []
        for db in dbs:
            try:
                values.append(_fmt(getter(results[db]), unit))
            except (KeyError, TypeError):
                values.append("—")
        rows.append((label, *values))

    def verdict(ok: bool | None) -> str:
        return "—" if ok is None else ("PASS" if ok else "FAIL")

    row("seed (s)", lambda r: r["seed"]["seed_seconds"])
    row("  daily values", lambda r: f"{r['seed']['daily_rows']:,}")
    row("  posts", lambda r: f"{r['seed']['posts']:,}")
    row("goal evaluation (s)", lambda r: r["seed"]["evaluate_seconds"])
    row("  goals", lambda r: r["seed"]["goals"])
    row("  per goal, median (ms)", lambda r: r["seed"]["evaluate_goal_median_ms"])
    for page, label in (("overview", "overview"), ("client", "client page")):
        row(f"{label} median (ms)", lambda r, p=page: r["pages"][p]["median_ms"])
        row(f"{label} p95 (ms)", lambda r, p=page: r["pages"][p]["p95_ms"])
        row(f"  p95 ≤ {TARGET_P95_MS:.0f} ms", lambda r, p=page: verdict(r["pages"][p]["pass"]))
        row("  queries", lambda r, p=page: r["pages"][p]["queries"])
    row("import ratio", lambda r: r["import"]["ratio"], "×")
    row(f"  ratio ≥ {TARGET_IMPORT_RATIO}", lambda r: verdict(r["import"]["pass"]))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        lines.append(
            "  ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(r))
        )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _all_pass(results: dict[str, dict[str, Any]], skip_import: bool) -> bool:
    for r in results.values():
        pages = r.get("pages")
        if not pages or not all(p["pass"] for p in pages.values()):
            return False
        if not skip_import and not (r.get("import") or {}).get("pass"):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark: page server time and import speed on SQLite and PostgreSQL."
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument("--import-rows", type=int, default=1_000_000, help="rows of the daily file to import")
    parser.add_argument("--skip-import", action="store_true", help="measure the pages only")
    parser.add_argument("--clients", type=int, default=200, help="clients to seed (default 200)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("SMARTSMM_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL database to drop, create and use (default %(default)s)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folders")
    args = parser.parse_args(argv)

    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    started = datetime.now(UTC)
    results = {db: run_database(db, args) for db in databases}
    ok = _all_pass(results, args.skip_import)
    _banner("summary")
    table = summary(results)
    print(table)
    print(f"\nall targets met: {'yes' if ok else 'NO'}")

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    document = {
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "config": {
            "clients": args.clients,
            "accounts_per_client": 5,
            "years": 3,
            "posts_per_account": 300,
            "requests": args.requests,
            "import_rows": None if args.skip_import else args.import_rows,
            "target_p95_ms": TARGET_P95_MS,
            "target_import_ratio": TARGET_IMPORT_RATIO,
        },
        "results": results,
        "all_targets_met": ok,
        "summary": table.splitlines(),
    }
    out = OUT_DIR / "results.json"
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    print(f"figures written to {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
