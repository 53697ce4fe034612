"""Importing daily metrics and posts from files into an account, all or nothing.

The file is read and validated completely first (`fileformats`); only a file without a single
problem is written, in one transaction, with upserts: rows already stored with the same values are
left alone, so re-importing a file changes nothing at all, not even the account's `data_changed_at`.

Writing goes through raw `executemany` upserts in batches because a million-row file through the ORM
would take minutes. Which rows are new or changed is decided in Python against the values already
stored (loaded batch by batch), and only those are sent. The cursor's rowcount is not used for the
counts: sqlite3 and psycopg 3 both sum it over an executemany (and the upsert's WHERE keeps unchanged
values out of it), but it counts stored values, not file rows, and early psycopg 3.0 releases got it
wrong (-1 after an executemany that matched nothing, psycopg issue #178).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from smartsmm.clients.models import SocialAccount
from smartsmm.measurements.fileformats import POST_COUNTERS, ImportFailed, read_daily, read_posts
from smartsmm.measurements.models import DailyMetric, Post

__all__ = ["BATCH_ROWS", "ImportFailed", "ImportResult", "import_daily", "import_posts"]

# Told (rows done, rows in all) as an import advances, e.g. to move a progress bar.
Progress = Callable[[int, int], None]

# File rows per round trip: large enough that per-statement overhead vanishes, small enough that a
# batch's parameters and the stored values loaded for comparison stay a few megabytes.
BATCH_ROWS = 5000
# Ids per `external_id IN (...)` lookup; far below SQLite's 32,766 bound parameters.
LOOKUP_CHUNK = 900


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


@dataclass(frozen=True)
class _Upsert:
    """How to send a batch of rows: one executemany statement, or COPY into a staging table.

    Attributes:
        sql: The statement run with executemany, or, with `copy`, the INSERT … SELECT from the stage.
        copy: A ``COPY stage (…) FROM STDIN`` statement (PostgreSQL only), or None for executemany.
        stage: The staging table, emptied after each batch.
    """

    sql: str
    copy: str | None = None
    stage: str | None = None


def _write_batch(cursor: Any, upsert: _Upsert, params: Sequence[Sequence[object]]) -> None:
    """Send one batch of upserts (a function of its own so tests can make a batch fail)."""
    if upsert.copy is None:
        cursor.executemany(upsert.sql, params)
        return
    with cursor.copy(upsert.copy) as copy:
        for row in params:
            copy.write_row(row)
    cursor.execute(upsert.sql)
    cursor.execute(f"TRUNCATE {upsert.stage}")


def _mark_changed(account: SocialAccount) -> None:
    now = timezone.now()
    SocialAccount.objects.filter(pk=account.pk).update(data_changed_at=now)
    account.data_changed_at = now


# ---------------------------------------------------------------------------------------------
# Daily metrics


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
    qn = connection.ops.quote_name
    name = qn(DailyMetric._meta.db_table)
    columns_sql = f"{qn('account_id')}, {qn('metric')}, {qn('day')}, {qn('value')}"
    conflict = (
        f"ON CONFLICT ({qn('account_id')}, {qn('metric')}, {qn('day')}) "
        f"DO UPDATE SET {qn('value')} = excluded.{qn('value')} "
        f"WHERE {name}.{qn('value')} <> excluded.{qn('value')}"
    )
    stage = qn("smartsmm_import_daily_stage")
    if connection.vendor == "postgresql":
        # Django's psycopg cursors bind parameters client-side, which makes executemany cost ~25 µs
        # a row (measured: 3M values in 130 s); COPY into a temporary table and one INSERT … SELECT
        # per batch does the same upsert about four times faster.
        upsert = _Upsert(
            sql=f"INSERT INTO {name} ({columns_sql}) SELECT {columns_sql} FROM {stage} {conflict}",
            copy=f"COPY {stage} ({columns_sql}) FROM STDIN",
            stage=stage,
        )
    else:
        upsert = _Upsert(sql=f"INSERT INTO {name} ({columns_sql}) VALUES (%s, %s, %s, %s) {conflict}")
    select = (
        f"SELECT {qn('metric')}, {qn('day')}, {qn('value')} FROM {name} "
        f"WHERE {qn('account_id')} = %s AND {qn('day')} >= %s AND {qn('day')} <= %s "
        f"AND {qn('metric')} IN ({', '.join(['%s'] * len(table.metrics))})"
    )
    days = table.days
    columns = [(metric, table.values[metric]) for metric in table.metrics]
    # Batches of consecutive days keep each batch's lookup of stored values a narrow index range;
    # exports and most platform reports are sorted already, so the sort is usually skipped.
    order: Iterable[int] = range(len(days))
    if any(days[i] > days[i + 1] for i in range(len(days) - 1)):
        order = sorted(order, key=days.__getitem__)
    order = list(order)
    adapt_day = connection.ops.adapt_datefield_value
    account_id = account.pk
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if upsert.copy is not None:
            # Dropped again below; a failed import's rollback removes it as well.
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ({qn('account_id')} bigint, "
                f"{qn('metric')} varchar(32), {qn('day')} date, {qn('value')} double precision)"
            )
        for start in range(0, len(order), BATCH_ROWS):
            indexes = order[start : start + BATCH_ROWS]
            cursor.execute(
                select,
                [account_id, adapt_day(days[indexes[0]]), adapt_day(days[indexes[-1]]), *table.metrics],
            )
            stored = _stored_daily(cursor.fetchall())
            params: list[tuple[object, ...]] = []
            for i in indexes:
                day = days[i]
                day_param = adapt_day(day)
                changed = False
                for metric, values in columns:
                    value = values[i]
                    if value is None:
                        continue
                    if stored and stored.get((metric, day)) == value:
                        continue
                    # A float: the column is double precision, and one type per parameter keeps
                    # psycopg from picking int2/int4/int8 value by value.
                    params.append((account_id, metric, day_param, float(value)))
                    changed = True
                written += changed
            if params:
                _write_batch(cursor, upsert, params)
            if progress is not None:
                progress(start + len(indexes), len(order))
        if upsert.copy is not None:
            cursor.execute(f"DROP TABLE {stage}")
        if written:
            _mark_changed(account)
    return ImportResult(rows_read=len(days), rows_written=written, rows_unchanged=len(days) - written)


def _stored_daily(rows: Iterable[tuple[str, Any, float]]) -> dict[tuple[str, date], float]:
    stored: dict[tuple[str, date], float] = {}
    for metric, day, value in rows:
        # Django registers a converter for SQLite's "date" columns, but guard against a plain string.
        stored[metric, date.fromisoformat(day) if isinstance(day, str) else day] = value
    return stored


# ---------------------------------------------------------------------------------------------
# Posts


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
    qn = connection.ops.quote_name
    name = qn(Post._meta.db_table)
    all_fields = ("external_id", "published_at", "post_type", "url", "text", *POST_COUNTERS)
    updated = [f for f in table.fields if f != "external_id"]
    # "Distinct" must treat NULL = NULL as equal; SQLite spells it IS NOT, PostgreSQL IS DISTINCT FROM.
    distinct = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"
    upsert_sql = (
        f"INSERT INTO {name} ({qn('account_id')}, {', '.join(qn(f) for f in all_fields)}) "
        f"VALUES ({', '.join(['%s'] * (len(all_fields) + 1))}) "
        f"ON CONFLICT ({qn('account_id')}, {qn('external_id')}) "
        f"DO UPDATE SET {', '.join(f'{qn(f)} = excluded.{qn(f)}' for f in updated)} "
        f"WHERE {' OR '.join(f'{name}.{qn(f)} {distinct} excluded.{qn(f)}' for f in updated)}"
    )
    adapt_moment = connection.ops.adapt_datetimefield_value
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(table.rows), BATCH_ROWS):
            batch = table.rows[start : start + BATCH_ROWS]
            stored = _stored_posts(account, [post.external_id for post in batch], updated)
            params = []
            for post in batch:
                values = [getattr(post, f) for f in updated]
                if stored.get(post.external_id) == values:
                    continue
                row = [getattr(post, f) for f in all_fields]
                row[1] = adapt_moment(post.published_at)
                params.append((account.pk, *row))
            written += len(params)
            if params:
                # Posts are few (thousands, not millions): executemany is fast enough on both databases.
                _write_batch(cursor, _Upsert(sql=upsert_sql), params)
            if progress is not None:
                progress(start + len(batch), len(table.rows))
        if written:
            _mark_changed(account)
    return ImportResult(
        rows_read=len(table.rows), rows_written=written, rows_unchanged=len(table.rows) - written
    )


def _stored_posts(
    account: SocialAccount, external_ids: list[str], fields: list[str]
) -> dict[str, list[object]]:
    """The stored values of `fields` for those of the posts that exist, by external_id."""
    stored: dict[str, list[object]] = {}
    for start in range(0, len(external_ids), LOOKUP_CHUNK):
        chunk = external_ids[start : start + LOOKUP_CHUNK]
        rows = Post.objects.filter(account=account, external_id__in=chunk).values_list("external_id", *fields)
        for external_id, *values in rows:
            stored[external_id] = values
    return stored
