"""Exporting an account's daily metrics and posts as CSV in exactly the import format.

The output is deterministic (fixed column order, rows sorted in Python rather than by the database's
collation), so importing an export into another account and exporting that again gives a
byte-identical file. See `smartsmm.measurements.fileformats` for the format.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO

from smartsmm.clients.models import SocialAccount
from smartsmm.core.metrics import DAILY_METRICS
from smartsmm.measurements.fileformats import DATE_COLUMN, POST_COLUMNS, POST_FIELD_OF_COLUMN
from smartsmm.measurements.models import DailyMetric, Post

__all__ = ["export_daily", "export_posts", "format_value"]


def format_value(value: float | int | None) -> str:
    """A stored value as written in a file: whole numbers without ".0", nothing for None."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Daily values are counts, so a fraction only comes from another writer; repr keeps it exact
    # (the import will then point at it instead of silently rounding).
    return repr(value) if isinstance(value, float) else str(value)


def _open(out: Path) -> IO[str]:
    # newline="" writes line feeds untranslated on Windows too.
    return out.open("w", encoding="utf-8", newline="")


_SPECIAL = frozenset(',"\r\n')


def csv_line(cells: list[str]) -> str:
    """One CSV record ending in a line feed, cells quoted only where needed (RFC 4180).

    Not csv.writer: with a line-feed lineterminator it leaves a lone carriage return in a cell
    unquoted (CPython 3.11),
    and a reader then splits the record there, which would break the round trip of post texts.
    """
    return ",".join(_quoted(cell) for cell in cells) + "\n"


def _quoted(cell: str) -> str:
    if _SPECIAL.isdisjoint(cell):
        return cell
    return '"' + cell.replace('"', '""') + '"'


def export_daily(
    account: SocialAccount, out: Path, start: date | None = None, end: date | None = None
) -> int:
    """Write an account's daily metrics to a CSV file.

    Columns are ``date`` and the metrics that have any value in the range, in DAILY_METRICS order;
    one row per day with any value, sorted by date.

    Args:
        account: Whose metrics.
        out: The file to create or overwrite.
        start: The first day to export, or None for the earliest.
        end: The last day to export, or None for the latest.

    Returns:
        The number of data rows written (days).
    """
    rows = DailyMetric.objects.filter(account=account, metric__in=DAILY_METRICS)
    if start is not None:
        rows = rows.filter(day__gte=start)
    if end is not None:
        rows = rows.filter(day__lte=end)
    present = set(rows.values_list("metric", flat=True).distinct())
    metrics = [m for m in DAILY_METRICS if m in present]
    position = {metric: i for i, metric in enumerate(metrics, start=1)}
    count = 0
    with _open(out) as fh:
        fh.write(csv_line([DATE_COLUMN, *metrics]))
        current: date | None = None
        cells: list[str] = []
        for day, metric, value in (
            rows.order_by("day", "metric").values_list("day", "metric", "value").iterator(chunk_size=10_000)
        ):
            index = position.get(metric)
            if index is None:  # a metric written after the column list was read
                continue
            if day != current:
                if current is not None:
                    fh.write(csv_line(cells))
                    count += 1
                current = day
                cells = [day.isoformat(), *([""] * len(metrics))]
            cells[index] = format_value(value)
        if current is not None:
            fh.write(csv_line(cells))
            count += 1
    return count


def export_posts(
    account: SocialAccount, out: Path, start: date | None = None, end: date | None = None
) -> int:
    """Write an account's posts to a CSV file.

    All columns in canonical order (external_id, published_at, type, url, text, likes, comments,
    shares, saves, views, reach), sorted by publication time then external_id; ``published_at`` in the
    client's time zone with its offset; empty cells for counters the platform did not provide.

    Args:
        account: Whose posts.
        out: The file to create or overwrite.
        start: The first local day (client's time zone) of publication, or None for the earliest.
        end: The last local day of publication, or None for the latest.

    Returns:
        The number of posts written.
    """
    tz = account.client.tz
    posts = Post.objects.filter(account=account)
    if start is not None:
        posts = posts.filter(published_at__gte=datetime.combine(start, time(0), tzinfo=tz))
    if end is not None:
        posts = posts.filter(published_at__lt=datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz))
    fields = [POST_FIELD_OF_COLUMN.get(c, c) for c in POST_COLUMNS]
    # Sorted here, not with ORDER BY: PostgreSQL's collation orders text ids differently from SQLite's
    # byte order, and the same data must give the same file on both.
    records = sorted(posts.values_list(*fields), key=lambda r: (r[1], r[0]))
    with _open(out) as fh:
        fh.write(csv_line(list(POST_COLUMNS)))
        for external_id, published_at, post_type, url, text, *counters in records:
            fh.write(
                csv_line(
                    [
                        external_id,
                        published_at.astimezone(tz).isoformat(),
                        post_type,
                        url,
                        text,
                        *(format_value(v) for v in counters),
                    ]
                )
            )
    return len(records)
