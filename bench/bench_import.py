"""Benchmark: importing a daily-metrics CSV against a plain bulk insert of the same rows.

The issue's target: `import_daily` on a 1,000,000-row file runs at no less than half the speed of a
plain bulk insert of the same (account, metric, day, value) rows into an empty table, i.e.
baseline_time / import_time ≥ 0.5. The baseline is a plain `executemany` INSERT; on PostgreSQL also a
plain COPY, and the faster of the two is the one the target is judged against. The import's time includes reading, decoding, validating the
file and comparing with stored values; the baseline gets its rows ready-made in memory.

Usage::

    python bench/bench_import.py [--rows N] [--database-url URL] [--data-dir DIR] [--reimport]

Without --database-url it runs on SQLite in a temporary data folder (a DATABASE_URL in the
environment is ignored so the benchmark never writes into a real database by accident). With
--database-url, point it at a scratch database: it migrates it, creates an agency "bench-…" with two
accounts, and deletes them again at the end. Exit status 0 when the target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TARGET_RATIO = 0.5
METRICS = ("followers", "reach", "views")
START = date(1900, 1, 1)


def _values(i: int) -> tuple[int, int, int]:
    """Deterministic, realistically sized counts for day number i."""
    return 1000 + i, (i * 7919) % 100_000, (i * 104_729) % 1_000_000


def write_csv(path: Path, rows: int) -> None:
    """Write `rows` consecutive days from 1900-01-01 with followers, reach and views."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("date," + ",".join(METRICS) + "\n")
        day = START
        one = timedelta(days=1)
        chunk: list[str] = []
        for i in range(rows):
            followers, reach, views = _values(i)
            chunk.append(f"{day.isoformat()},{followers},{reach},{views}\n")
            day += one
            if len(chunk) >= 50_000:
                fh.write("".join(chunk))
                chunk.clear()
        fh.write("".join(chunk))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="data rows in the file (default 1,000,000)"
    )
    parser.add_argument(
        "--database-url", help="a scratch database, e.g. postgres://postgres@127.0.0.1:5432/bench"
    )
    parser.add_argument("--data-dir", help="SMARTSMM_DATA_DIR to use (default: a temporary folder)")
    parser.add_argument("--reimport", action="store_true", help="also time importing the same file again")
    parser.add_argument(
        "--baseline-first",
        action="store_true",
        help="run the bulk insert before the import (both still start from an emptied table)",
    )
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="smartsmm-bench-"))
    os.environ["SMARTSMM_DATA_DIR"] = args.data_dir or str(scratch / "data")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartsmm.config.settings")
    try:
        return _run(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run(args: argparse.Namespace, scratch: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from smartsmm.clients.models import Client, SocialAccount
    from smartsmm.measurements.importing import import_daily
    from smartsmm.measurements.models import DailyMetric
    from smartsmm.tenancy.models import Agency

    call_command("migrate", verbosity=0, interactive=False)
    slug = f"bench-{os.getpid()}"
    agency = Agency.objects.create(name=slug, slug=slug)
    client = Client.objects.create(agency=agency, name="Bench", slug="bench", timezone="Europe/Moscow")
    accounts = [
        SocialAccount.objects.create(
            agency=agency, client=client, platform="vk", external_id=str(n), handle=f"b{n}"
        )
        for n in (1, 2)
    ]
    table = connection.ops.quote_name(DailyMetric._meta.db_table)
    try:
        path = scratch / "daily.csv"
        started = time.perf_counter()
        write_csv(path, args.rows)
        order = "bulk insert first" if args.baseline_first else "import first"
        print(f"database         {connection.vendor} ({connection.settings_dict['NAME']}), {order}")
        print(
            f"file             {args.rows:,} rows × {len(METRICS)} metrics, {path.stat().st_size / 1e6:.1f} MB "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )
        other = DailyMetric.objects.exclude(account__in=accounts).count()
        if other:
            print(f"note             the table holds {other:,} rows of other accounts")

        # The baseline's rows are built before timing: it measures the insert alone.
        adapt_day = connection.ops.adapt_datefield_value
        rows = []
        day = START
        for i in range(args.rows):
            day_param = adapt_day(day)
            for metric, value in zip(METRICS, _values(i), strict=True):
                rows.append((accounts[1].pk, metric, day_param, float(value)))
            day += timedelta(days=1)
        sql = f"INSERT INTO {table} (account_id, metric, day, value) VALUES (%s, %s, %s, %s)"

        def empty_table() -> None:
            DailyMetric.objects.filter(account__in=accounts).delete()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # clear the deleted rows' dead tuples out of the way
                    cursor.execute(f"VACUUM ANALYZE {table}")

        def plain_insert() -> float:
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            return time.perf_counter() - started

        def plain_copy() -> float:
            # PostgreSQL's fastest plain bulk load: COPY straight into the table, no conflict handling.
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY {table} (account_id, metric, day, value) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return time.perf_counter() - started

        def baseline() -> float:
            """The plain bulk insert; on PostgreSQL the faster of executemany and COPY."""
            seconds = plain_insert()
            baselines["executemany"] = seconds
            if connection.vendor == "postgresql":
                empty_table()
                baselines["copy"] = plain_copy()
                seconds = min(seconds, baselines["copy"])
            return seconds

        baselines: dict[str, float] = {}

        if args.baseline_first:
            baseline_seconds = baseline()
            empty_table()
        started = time.perf_counter()
        result = import_daily(path, accounts[0])
        import_seconds = time.perf_counter() - started
        assert result.rows_written == args.rows, result
        if args.reimport:
            started = time.perf_counter()
            again = import_daily(path, accounts[0])
            reimport_seconds = time.perf_counter() - started
            assert again.rows_written == 0, again
        if not args.baseline_first:
            empty_table()
            baseline_seconds = baseline()

        ratio = baseline_seconds / import_seconds
        values = len(rows)
        print(
            f"import_daily     {import_seconds:8.2f} s  {args.rows / import_seconds:12,.0f} rows/s"
            f"  {values / import_seconds:12,.0f} values/s"
        )
        if args.reimport:
            print(
                f"re-import        {reimport_seconds:8.2f} s  {args.rows / reimport_seconds:12,.0f} rows/s"
                f"  (nothing changed)"
            )
        for name, seconds in baselines.items():
            print(
                f"bulk {name:<11} {seconds:8.2f} s  {args.rows / seconds:12,.0f} rows/s"
                f"  {values / seconds:12,.0f} values/s  (ratio {seconds / import_seconds:.2f})"
            )
        verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
        print(
            f"ratio            {ratio:.2f} (fastest plain bulk insert's time / import time; "
            f"target ≥ {TARGET_RATIO}: {verdict})"
        )
        return 0 if ratio >= TARGET_RATIO else 1
    finally:
        DailyMetric.objects.filter(account__in=accounts).delete()
        agency.delete()


if __name__ == "__main__":
    sys.exit(main())
