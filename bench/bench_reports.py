"""Benchmark of the reports: one client's monthly PDF, and 100 clients' monthly reports.

Issue 5's budget: the monthly PDF of a client with 5 accounts and 3 years of data in ≤ 3 s, and
100 clients' monthly reports in ≤ 3 minutes on the 2-core reference machine.

    python bench/bench_reports.py                       # SQLite in a temporary folder
    python bench/bench_reports.py --database postgres   # a fresh database on 127.0.0.1:5432
    python bench/bench_reports.py --reuse DIR           # measure an already seeded data folder again

It seeds the benchmark agency (`bench/seed.py`: 5 accounts × 3 years of daily metrics and 300 posts
per account, goals per client) with `--clients` clients, then, in one process as a scheduled
delivery would run: builds and renders the last complete month's PDF of the first client `--repeat`
times (median and maximum, build and render apart), the same report as XLSX, PPTX and HTML, and then
the monthly PDF of every client one after the other (total wall time and the slowest client).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
PDF_BUDGET_S = 3.0
HUNDRED_BUDGET_S = 180.0


def seed(env: dict[str, str], clients: int) -> None:
    command = [sys.executable, str(BENCH_DIR / "seed.py"), "--migrate", "--clients", str(clients)]
    print("seeding:", " ".join(command[1:]), flush=True)
    subprocess.run(command, env=env, check=True)


def measure(clients: int, repeat: int) -> dict[str, float]:
    import django

    django.setup()
    from smartsmm.clients.models import Client
    from smartsmm.reports.render import render
    from smartsmm.reports.service import build_report

    everyone = list(Client.objects.filter(agency__slug="bench").select_related("agency").order_by("pk"))[
        :clients
    ]
    first = everyone[0]
    print(f"client {first.slug}: {first.accounts.count()} accounts, {first.goals.count()} goals", flush=True)
    build_times, render_times = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        report = build_report(first, "monthly", language="ru")
        built = time.perf_counter()
        pdf = render(report, "pdf")
        build_times.append(built - started)
        render_times.append(time.perf_counter() - built)
    totals = [b + r for b, r in zip(build_times, render_times, strict=True)]
    figures = {
        "pdf_median_s": statistics.median(totals),
        "pdf_max_s": max(totals),
        "build_median_s": statistics.median(build_times),
        "render_pdf_median_s": statistics.median(render_times),
        "pdf_bytes": float(len(pdf)),
    }
    for fmt in ("xlsx", "pptx", "html"):
        started = time.perf_counter()
        render(report, fmt)
        figures[f"render_{fmt}_s"] = time.perf_counter() - started
    slowest = 0.0
    started = time.perf_counter()
    for client in everyone:
        one = time.perf_counter()
        render(build_report(client, "monthly", language="ru"), "pdf")
        slowest = max(slowest, time.perf_counter() - one)
    figures["all_clients_s"] = time.perf_counter() - started
    figures["slowest_client_s"] = slowest
    figures["clients"] = float(len(everyone))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/smartsmm_bench_reports")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", metavar="DIR", help="a data folder seeded by an earlier run")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_only:
        figures = measure(args.clients, args.repeat)
        print_figures(figures, args.clients)
        return (
            0
            if figures["pdf_median_s"] <= PDF_BUDGET_S
            and figures["all_clients_s"] <= HUNDRED_BUDGET_S * args.clients / 100
            else 1
        )

    data_dir = args.reuse or tempfile.mkdtemp(prefix="smartsmm-bench-reports-")
    env = dict(os.environ, SMARTSMM_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="smartsmm.config.settings")
    env.pop("DATABASE_URL", None)
    if args.database == "postgres":
        env["DATABASE_URL"] = args.postgres_url
        if not args.reuse:
            name = urlsplit(args.postgres_url).path.lstrip("/")
            admin = args.postgres_url.rsplit("/", 1)[0] + "/postgres"
            import psycopg

            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
                connection.execute(f'CREATE DATABASE "{name}"')
    if not args.reuse:
        seed(env, args.clients)
    print(f"data folder: {data_dir} ({args.database})", flush=True)
    command = [
        sys.executable,
        __file__,
        "--measure-only",
        "--clients",
        str(args.clients),
        "--repeat",
        str(args.repeat),
    ]
    return subprocess.run(command, env=env).returncode


def print_figures(figures: dict[str, float], clients: int) -> None:
    pdf = figures["pdf_median_s"]
    total = figures["all_clients_s"]
    budget = HUNDRED_BUDGET_S * clients / 100
    print()
    print(
        f"monthly PDF, one client (5 accounts, 3 years): median {pdf:.2f} s, max {figures['pdf_max_s']:.2f} s "
        f"(build {figures['build_median_s']:.2f} s + render {figures['render_pdf_median_s']:.2f} s, "
        f"{figures['pdf_bytes'] / 1024:.0f} KB); budget {PDF_BUDGET_S:.0f} s → {pdf / PDF_BUDGET_S:.2f} of it"
    )
    print(
        f"same report as XLSX {figures['render_xlsx_s']:.2f} s, PPTX {figures['render_pptx_s']:.2f} s, "
        f"HTML {figures['render_html_s']:.2f} s (render only)"
    )
    print(
        f"{figures['clients']:.0f} clients' monthly PDFs: {total:.1f} s (slowest client {figures['slowest_client_s']:.2f} s); "
        f"budget {budget:.0f} s → {total / budget:.2f} of it"
    )


if __name__ == "__main__":
    sys.exit(main())
