"""Importing daily metrics and posts from files into an account, all or nothing.

The file is read and validated completely first (`fileformats`); only a file without a single
problem is written, in one transaction, through the shared write path of
:mod:`smartsmm.measurements.writes` (the one the platform collectors use too): upserts that send
only new or changed rows, so re-importing a file changes nothing at all, not even the account's
`data_changed_at`. See that module for how the upserts are made fast on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from smartsmm.clients.models import SocialAccount
from smartsmm.measurements import writes
from smartsmm.measurements.fileformats import ImportFailed, read_daily, read_posts

__all__ = ["BATCH_ROWS", "ImportFailed", "ImportResult", "import_daily", "import_posts"]

# Told (rows done, rows in all) as an import advances, e.g. to move a progress bar.
Progress = Callable[[int, int], None]

# File rows per round trip (see writes.BATCH_ROWS); a module setting here so an import can be tuned
# (and tested) on its own.
BATCH_ROWS = writes.BATCH_ROWS

# Sends one batch of upserts; looked up at call time so a test can make a batch fail.
_write_batch = writes.write_batch


@dataclass(frozen=True)
class ImportResult:
    """What an import did, counted in file rows (a daily row is one day with all its metrics).

    Attributes:
        rows_read: Data rows in the file (completely empty rows are not counted).
        rows_written: Rows that inserted or changed at least one stored value.
        rows_unchanged: Rows whose values were all stored already (or that had no value at all).
    """

    rows_read: int
    rows_written: int
    rows_unchanged: int


def import_daily(path: Path, account: SocialAccount, *, progress: Progress | None = None) -> ImportResult:
    """Import a daily-metrics file into an account (format: `smartsmm.measurements.fileformats`).

    Args:
        path: The .csv, .txt or .xlsx file; error messages name it as given.
        account: The account the values belong to.
        progress: Called after each written batch with (rows done, rows in the file).

    Returns:
        The counts of rows read, written and unchanged.

    Raises:
        ImportFailed: The file has problems; nothing was written.
    """
    table = read_daily(path)
    result = writes.write_daily_columns(
        account,
        table.days,
        [(metric, table.values[metric]) for metric in table.metrics],
        progress=progress,
        batch_rows=BATCH_ROWS,
        write=_write_batch,
    )
    days = len(table.days)
    return ImportResult(rows_read=days, rows_written=result.rows, rows_unchanged=days - result.rows)


def import_posts(path: Path, account: SocialAccount, *, progress: Progress | None = None) -> ImportResult:
    """Import a posts file into an account (format: `smartsmm.measurements.fileformats`).

    Posts are matched by external_id within the account: new ones are added, existing ones get the
    values of the columns present in the file; columns absent from the file are left as stored.

    Args:
        path: The .csv, .txt or .xlsx file; error messages name it as given.
        account: The account the posts belong to; times without an offset are in its client's zone.
        progress: Called after each written batch with (rows done, rows in the file).

    Returns:
        The counts of rows read, written and unchanged.

    Raises:
        ImportFailed: The file has problems; nothing was written.
    """
    table = read_posts(path, account.client.tz)
    written = writes.write_post_rows(
        account,
        table.rows,
        [f for f in table.fields if f != "external_id"],
        progress=progress,
        batch_rows=BATCH_ROWS,
        write=_write_batch,
    )
    rows = len(table.rows)
    return ImportResult(rows_read=rows, rows_written=written, rows_unchanged=rows - written)
