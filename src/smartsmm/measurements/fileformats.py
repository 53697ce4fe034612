"""Reading daily-metric and post files (CSV or XLSX) into validated, typed rows. No database here.

File formats
============

Both kinds of file are tables with a header on row 1 and one record per row below it. Rows are
numbered as a spreadsheet shows them: the header is row 1, the first record row 2.

Files
-----
- ``.csv`` or ``.txt``: CSV text. The delimiter is a comma, or a semicolon when the header row holds
  more semicolons than commas (Russian Excel saves "CSV" with semicolons). Cells may be quoted with
  ``"``; a quoted cell may contain delimiters, quotes (doubled) and line breaks.
  Encoding: UTF-8 with or without a byte order mark; a file that is not valid UTF-8 is read as
  Windows-1251 (cp1251, what Russian Windows and Excel write). UTF-16 (Excel's "Unicode text") and
  anything else is refused.
- ``.xlsx``: the first worksheet of an Excel workbook; header on row 1. Real date and date-time cells
  are accepted as well as text. Completely empty rows (e.g. trailing ones Excel keeps) are skipped.
- Any other extension (``.xls`` included: save it as ``.xlsx``) is refused, and so is a file whose
  content does not match its extension (a workbook named ``.csv``, a text file named ``.xlsx``).

Completely empty rows are skipped in CSV files too, but still counted in row numbers. A row may have
fewer cells than the header (the missing ones are empty); a value beyond the header's last column,
or under a header cell left empty, is an error.

Header names are matched ignoring case and surrounding spaces. Each column may appear once.

Daily metrics ("wide" layout)
-----------------------------
``date,<metric>,<metric>,…`` where the metrics are any non-empty subset, in any order, of:
followers, subscribed, unsubscribed, reach, views, site_clicks, leads. Example::

    date,followers,reach,views
    2026-05-01,1520,3400,5100
    2026-05-02,1523,,4800

- ``date``: one local day of the account, ``YYYY-MM-DD``, or ``DD.MM.YYYY`` (Russian Excel), or an
  XLSX date cell. Each date at most once per file.
- metric cells: whole numbers ≥ 0 (every daily metric is a count), at most 9007199254740991.
  Spaces, non-breaking spaces and narrow non-breaking spaces are accepted as thousands separators
  (``12 345``), and so is a zero fraction Excel adds (``1520.0``, ``1520,00``). ``1,000`` and
  ``1.000`` are refused: they mean a thousand in one locale and one in another. An empty cell means
  "no value that day": nothing is written and nothing is deleted.

Importing writes one value per (account, metric, day), replacing a different stored value.

Posts
-----
Columns (any order): ``external_id`` and ``published_at`` are required; ``type``, ``url``, ``text``,
``likes``, ``comments``, ``shares``, ``saves``, ``views``, ``reach`` are optional. Example::

    external_id,published_at,type,url,text,likes,comments,shares,saves,views,reach
    1001,2026-05-01T19:00:00+03:00,post,https://vk.com/wall-1_1001,"Hello, world",120,4,3,,5400,3900

- ``external_id``: the platform's post id, 1–100 characters, each at most once per file.
- ``published_at``: ISO 8601 date and time with an offset (``2026-05-01T19:00:00+03:00``,
  ``…Z``) or without one, or ``DD.MM.YYYY HH:MM[:SS]``, or an XLSX date-time cell. A time without
  an offset is in the client's time zone.
- ``type``: up to 20 characters, ``post`` when empty. ``url``: empty or an http(s) link of at most
  500 characters. ``text``: any text, kept exactly (line breaks included).
- counters: whole numbers ≥ 0 as for daily metrics, or empty for "not provided" (stored as no value,
  which is not the same as 0).

Importing adds new posts and updates existing ones (matched by external_id within the account). An
optional column that is absent from the file leaves that field of existing posts as it is; a column
that is present overwrites it, an empty counter cell included.

Export
------
``smartsmm export`` writes CSV in exactly this format (UTF-8 without BOM, comma, ``\\n`` line ends):
daily files have ``date`` and the metrics present in the exported range, in the order listed above,
one row per day with any value, sorted by date; post files have all eleven columns in the order of the
example, sorted by publication time, ``published_at`` in the client's time zone with its offset.
Importing an export and exporting again gives an identical file.

Errors
------
A file with any problem is refused as a whole and nothing is written. Every problem is reported as
``file:row:column: what was expected`` (``file:row: …`` when no single column is at fault,
``file: …`` for the file as a whole), e.g.::

    daily.csv:1:foo: unknown column "foo": expected date or one of followers, subscribed, unsubscribed, reach, views, site_clicks, leads
    daily.csv:5:date: expected a date as YYYY-MM-DD or DD.MM.YYYY, got "31/02/2025"
    daily.csv:8:followers: expected a whole number ≥ 0, got "-5"
    daily.csv:9:date: duplicate of row 7: expected each date once, got "2026-05-01" again
    daily.csv:1: the file is empty: expected a header row such as "date,followers,reach"
    daily.csv:2: no data rows
    daily.csv: unsupported encoding: expected UTF-8 or Windows-1251 (cp1251)

All problems are collected, each row's from left to right; the first 50 are listed, followed by
``… and N more errors`` when there are more.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

from smartsmm.core.metrics import DAILY_METRICS

MAX_LISTED_ERRORS = 50
# Daily values are stored as double precision floats: integers above 2**53 would silently change.
MAX_COUNT = 2**53 - 1
MAX_EXTERNAL_ID = 100
MAX_POST_TYPE = 20
MAX_URL = 500

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx",)

DATE_COLUMN = "date"
POST_COLUMNS: tuple[str, ...] = (
    "external_id",
    "published_at",
    "type",
    "url",
    "text",
    "likes",
    "comments",
    "shares",
    "saves",
    "views",
    "reach",
)
POST_REQUIRED: tuple[str, ...] = ("external_id", "published_at")
POST_COUNTERS: tuple[str, ...] = ("likes", "comments", "shares", "saves", "views", "reach")
# The file's column name -> the Post model's field name, where they differ.
POST_FIELD_OF_COLUMN: dict[str, str] = {"type": "post_type"}

DAILY_EXAMPLE_HEADER = "date,followers,reach"
POSTS_EXAMPLE_HEADER = "external_id,published_at,likes,views"

UNSUPPORTED_ENCODING = "unsupported encoding: expected UTF-8 or Windows-1251 (cp1251)"
EXPECTED_DATE = "expected a date as YYYY-MM-DD or DD.MM.YYYY"
EXPECTED_MOMENT = "expected a date and time as ISO 8601 (2026-05-01T19:00:00+03:00) or DD.MM.YYYY HH:MM"
EXPECTED_COUNT = "expected a whole number ≥ 0"

_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_DMY_HM = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?", re.ASCII)
# Digits, optionally grouped by thousands with (narrow) non-breaking or plain spaces as Excel and
# Russian locales print them, optionally followed by the zero fraction of a number formatted with
# decimals. "1,000" and "1.000" stay errors: they are thousands in one locale and one in another.
_COUNT = re.compile(r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]0{1,2})?", re.ASCII)
_GROUP_SEPARATORS = str.maketrans("", "", " \u00a0\u202f")
# C0 control characters other than tab and line breaks never occur in a text export; finding one
# means the "CSV" is a binary file.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportFailed(Exception):
    """The file cannot be imported; nothing was written.

    Attributes:
        errors: Ready-to-print lines ``file:row:column: message``, at most 50, followed by a line
            ``… and N more errors`` when there were more.
        total_errors: How many problems were found in all.
    """

    def __init__(self, errors: list[str], total_errors: int) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors
        self.total_errors = total_errors


class ErrorLog:
    """Collects a file's problems in the order they are found, keeping only the first few lines."""

    def __init__(self, name: str, limit: int = MAX_LISTED_ERRORS) -> None:
        self.name = name
        self.limit = limit
        self.lines: list[str] = []
        self.total = 0

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.total += 1
        if len(self.lines) >= self.limit:
            return
        if row is None:
            self.lines.append(f"{self.name}: {message}")
        elif column is None:
            self.lines.append(f"{self.name}:{row}: {message}")
        else:
            self.lines.append(f"{self.name}:{row}:{column}: {message}")

    def failure(self) -> ImportFailed:
        lines = list(self.lines)
        more = self.total - len(lines)
        if more > 0:
            lines.append(f"… and {more} more error{'s' if more != 1 else ''}")
        return ImportFailed(lines, self.total)

    def raise_if_any(self) -> None:
        if self.total:
            raise self.failure()


def _fail(name: str, message: str, row: int | None = None, column: str | None = None) -> ImportFailed:
    log = ErrorLog(name)
    log.add(message, row, column)
    return log.failure()


@dataclass
class DailyTable:
    """A validated daily file.

    Attributes:
        metrics: The file's metric columns, in DAILY_METRICS order.
        days: One local day per data row, in file order (all distinct).
        values: metric -> one value per entry of `days` (None for an empty cell).
    """

    metrics: tuple[str, ...]
    days: list[date] = field(default_factory=list)
    values: dict[str, list[int | None]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.days)


@dataclass(slots=True)
class PostRow:
    """One validated post record; fields are named as on the Post model."""

    external_id: str
    published_at: datetime
    post_type: str = "post"
    url: str = ""
    text: str = ""
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    views: int | None = None
    reach: int | None = None


@dataclass
class PostTable:
    """A validated posts file.

    Attributes:
        fields: The Post model fields the file provides (always external_id and published_at), in
            canonical order; fields outside this tuple hold defaults in `rows`.
        rows: The records in file order.
    """

    fields: tuple[str, ...]
    rows: list[PostRow] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Cells


class _Bad(ValueError):
    """A cell that does not hold what its column expects."""


def _shown(cell: object) -> str:
    if cell is None or cell == "":
        return "an empty cell"
    text = cell if isinstance(cell, str) else str(cell)
    if len(text) > 60:
        text = text[:57] + "…"
    return f'"{text}"'


def _is_empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _round_to_second(value: datetime) -> datetime:
    # Excel stores date-times as fractions of a day; openpyxl turns e.g. 19:00 into 18:59:59.999999.
    rounded = value.replace(microsecond=0)
    return rounded + timedelta(seconds=1) if value.microsecond >= 500_000 else rounded


def parse_day(cell: object) -> date | None:
    """A day from a text cell (YYYY-MM-DD, DD.MM.YYYY) or an XLSX date cell; None if not a day."""
    if isinstance(cell, datetime):
        moment = _round_to_second(cell)
        return moment.date() if moment.time() == time(0) and moment.tzinfo is None else None
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    match = _DMY.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_count(cell: object) -> int | None:
    """A whole number ≥ 0 from a cell, or None for an empty cell.

    Raises:
        _Bad: The cell holds something else (negative, fractional, text, too large).
    """
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise _Bad(f"{EXPECTED_COUNT}, got {_shown(cell)}")
    if isinstance(cell, int):
        value = cell
    elif isinstance(cell, float):
        if not cell.is_integer():
            raise _Bad(f"{EXPECTED_COUNT}, got {_shown(cell)}")
        value = int(cell)
    elif isinstance(cell, str):
        text = cell.strip()  # also strips non-breaking spaces around the number
        if not text:
            return None
        match = _COUNT.fullmatch(text)
        if match is None:
            raise _Bad(f"{EXPECTED_COUNT}, got {_shown(cell)}")
        value = int(match.group(1).translate(_GROUP_SEPARATORS))
    else:
        raise _Bad(f"{EXPECTED_COUNT}, got {_shown(cell)}")
    if value < 0:
        raise _Bad(f"{EXPECTED_COUNT}, got {_shown(cell)}")
    if value > MAX_COUNT:
        raise _Bad(f"{EXPECTED_COUNT} and at most {MAX_COUNT}, got {_shown(cell)}")
    return value


def parse_moment(cell: object, tz: tzinfo) -> datetime | None:
    """An aware date-time from a cell; a time without an offset is taken in `tz`. None if invalid."""
    moment: datetime
    if isinstance(cell, datetime):
        moment = _round_to_second(cell)
    elif isinstance(cell, date):
        moment = datetime.combine(cell, time(0))
    elif isinstance(cell, str):
        text = cell.strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            match = _DMY_HM.fullmatch(text)
            if match is None:
                return None
            day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
            try:
                moment = datetime(year, month, day, hour, minute, second)
            except ValueError:
                return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    try:
        # Reject moments that cannot be stored (they overflow when converted to UTC).
        moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment


def _text_cell(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        # Excel keeps ids typed into a cell as numbers: 12345 comes back as 12345.0.
        return str(int(cell))
    return cell if isinstance(cell, str) else str(cell)


# ---------------------------------------------------------------------------------------------
# Tables


Row = Sequence[object]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise _fail(name, "this is an Excel workbook (XLSX), not CSV text: expected the .xlsx extension")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(name, "this is an old Excel .xls workbook: expected CSV or .xlsx (save it as .xlsx)")
    # UTF-16/32 text starts with a byte order mark or is full of NUL bytes; neither is UTF-8 or cp1251.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise _fail(name, UNSUPPORTED_ENCODING)
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            raise _fail(name, UNSUPPORTED_ENCODING) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Valid UTF-8 with Cyrillic is practically never valid-looking cp1251 text and vice versa,
        # so trying UTF-8 first and cp1251 second tells the two apart.
        return data.decode("cp1251")
    except UnicodeDecodeError:  # 0x98 is the one byte undefined in cp1251
        raise _fail(name, UNSUPPORTED_ENCODING) from None


def _csv_rows(reader: Iterator[list[str]], log: ErrorLog) -> Iterator[tuple[int, Row]]:
    number = 1
    try:
        for row in reader:
            number += 1
            if any(row):
                yield number, row
    except csv.Error as exc:
        log.add(f"cannot read this CSV row ({exc}): expected properly quoted cells", number + 1)


@contextlib.contextmanager
def _open_csv(
    path: Path, name: str, example: str, log: ErrorLog
) -> Iterator[tuple[Row, Iterator[tuple[int, Row]]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _fail(name, f"cannot read the file ({exc.strerror or exc}): expected a readable file") from None
    text = _decode(data, name)
    if not text.strip():
        raise _fail(name, f'the file is empty: expected a header row such as "{example}"', 1)
    if _BINARY.search(text):
        raise _fail(name, "this is not a text file: expected CSV text (comma- or semicolon-separated)")
    end_of_header = text.find("\n")
    first_line = text if end_of_header < 0 else text[:end_of_header]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # newline="" keeps line breaks inside quoted cells exactly as written.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header: Row = next(reader)
    except csv.Error as exc:
        raise _fail(name, f"cannot read the header row ({exc}): expected properly quoted cells", 1) from None
    yield header, _csv_rows(reader, log)


def _xlsx_rows(rows: Iterator[tuple[object, ...]], name: str, log: ErrorLog) -> Iterator[tuple[int, Row]]:
    number = 1
    try:
        for row in rows:
            number += 1
            if not all(_is_empty(cell) for cell in row):
                yield number, row
    except Exception as exc:  # openpyxl raises assorted errors on damaged sheet XML
        log.add(f"cannot read this row of the workbook ({exc}): expected an undamaged .xlsx file", number + 1)


@contextlib.contextmanager
def _open_xlsx(
    path: Path, name: str, example: str, log: ErrorLog
) -> Iterator[tuple[Row, Iterator[tuple[int, Row]]]]:
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise _fail(name, f"cannot read the file ({exc.strerror or exc}): expected a readable file") from None
    if not magic:
        raise _fail(name, f'the file is empty: expected a header row such as "{example}"', 1)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(name, "this is an old Excel .xls workbook: expected .xlsx (save it as .xlsx)")
    if not magic.startswith(b"PK\x03\x04"):
        raise _fail(
            name, "this is not an Excel workbook: expected an .xlsx file (or CSV with the .csv extension)"
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike mean a damaged workbook
        raise _fail(name, f"cannot open the workbook ({exc}): expected an undamaged .xlsx file") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header: Row = next(rows, ())
        if all(_is_empty(cell) for cell in header) and next(rows, None) is None:
            raise _fail(name, f'the file is empty: expected a header row such as "{example}"', 1)
        yield header, _xlsx_rows(rows, name, log)
    finally:
        workbook.close()


def _open_table(
    path: Path, log: ErrorLog, example: str
) -> contextlib.AbstractContextManager[tuple[Row, Iterator[tuple[int, Row]]]]:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _open_csv(path, log.name, example, log)
    if suffix in XLSX_SUFFIXES:
        return _open_xlsx(path, log.name, example, log)
    shown = f'"{path.suffix}"' if path.suffix else "none"
    raise _fail(log.name, f"unsupported file type (extension {shown}): expected .csv, .txt or .xlsx")


@dataclass
class _Header:
    """The header row resolved: column key -> (index, name as written)."""

    columns: dict[str, tuple[int, str]]
    unnamed: list[int]
    width: int


def _read_header(header: Row, known: Sequence[str], log: ErrorLog, expected: str) -> _Header:
    columns: dict[str, tuple[int, str]] = {}
    unnamed: list[int] = []
    for index, cell in enumerate(header):
        name = _text_cell(cell).strip().lstrip("\ufeff")
        if not name:
            unnamed.append(index)
            continue
        key = name.lower()
        if key in columns:
            log.add(f'column "{name}" appears twice: expected each column once', 1, name)
        elif key in known:
            columns[key] = (index, name)
        else:
            log.add(f'unknown column "{name}": {expected}', 1, name)
    return _Header(columns, unnamed, len(header))


Problem = tuple[int, str, str]  # (column index, column name, message): sorted to report a row left to right


def _extra_cells(row: Row, head: _Header) -> list[Problem]:
    """Values in columns without a header (unnamed header cells or beyond the header)."""
    problems: list[Problem] = []
    for index in head.unnamed:
        if index < len(row) and not _is_empty(row[index]):
            message = (
                f"value {_shown(row[index])} in a column without a name: expected a column name in row 1"
            )
            problems.append((index, _column_letter(index), message))
    for index in range(head.width, len(row)):
        if not _is_empty(row[index]):
            message = (
                f"value {_shown(row[index])} beyond the last column: expected at most {head.width} cells"
            )
            problems.append((index, _column_letter(index), message))
    return problems


def _report(log: ErrorLog, number: int, problems: list[Problem]) -> None:
    for _index, name, message in sorted(problems):
        log.add(message, number, name)


# ---------------------------------------------------------------------------------------------
# Daily files


def read_daily(path: Path) -> DailyTable:
    """Read and validate a daily-metrics file (see the module docstring for the format).

    Args:
        path: A .csv, .txt or .xlsx file; its name as given appears in error messages.

    Returns:
        The validated table.

    Raises:
        ImportFailed: Anything is wrong with the file; lists every problem found.
    """
    log = ErrorLog(str(path))
    with _open_table(path, log, DAILY_EXAMPLE_HEADER) as (header, rows):
        head = _read_header(
            header,
            (DATE_COLUMN, *DAILY_METRICS),
            log,
            f"expected {DATE_COLUMN} or one of {', '.join(DAILY_METRICS)}",
        )
        if DATE_COLUMN not in head.columns:
            log.add(f'missing column "{DATE_COLUMN}": expected a header such as "{DAILY_EXAMPLE_HEADER}"', 1)
        metrics = tuple(m for m in DAILY_METRICS if m in head.columns)
        if not metrics:
            log.add(f"no metric column: expected at least one of {', '.join(DAILY_METRICS)}", 1)
        if DATE_COLUMN not in head.columns or not metrics:
            raise log.failure()
        table = _read_daily_rows(rows, head, metrics, log)
    if not table.days and not log.total:
        log.add("no data rows", 2)
    log.raise_if_any()
    return table


def _read_daily_rows(
    rows: Iterator[tuple[int, Row]], head: _Header, metrics: tuple[str, ...], log: ErrorLog
) -> DailyTable:
    date_index, date_name = head.columns[DATE_COLUMN]
    table = DailyTable(metrics=metrics, values={m: [] for m in metrics})
    targets = [(head.columns[m][0], head.columns[m][1], table.values[m]) for m in metrics]
    days = table.days
    first_row: dict[date, int] = {}
    width = head.width
    check_extra = bool(head.unnamed)
    # The loop below runs once per row of files with a million rows: the common shapes of cells
    # (an ISO date, plain digits, an empty cell) are handled inline and everything else goes to the
    # general parse_* functions.
    for number, row in rows:
        problems: list[Problem] = []
        if len(row) != width or check_extra:
            problems = _extra_cells(row, head)
            if len(row) < width:
                row = [*row, *([""] * (width - len(row)))]
        cell = row[date_index]
        day: date | None = None
        if cell.__class__ is str and len(cell) == 10 and cell[4] == "-":
            try:
                day = date.fromisoformat(cell)
            except ValueError:
                day = None
        if day is None:
            day = parse_day(cell)
        if day is None:
            problems.append((date_index, date_name, f"{EXPECTED_DATE}, got {_shown(cell)}"))
        else:
            first = first_row.setdefault(day, number)
            if first != number:
                message = f'duplicate of row {first}: expected each date once, got "{day.isoformat()}" again'
                problems.append((date_index, date_name, message))
        days.append(day)  # type: ignore[arg-type]  # a None only ever goes with a reported problem
        for index, name, column in targets:
            cell = row[index]
            if cell.__class__ is str:
                if not cell:
                    column.append(None)
                    continue
                if cell.isascii() and cell.isdigit():
                    value = int(cell)
                    if value <= MAX_COUNT:
                        column.append(value)
                        continue
            try:
                column.append(parse_count(cell))
            except _Bad as bad:
                problems.append((index, name, str(bad)))
                column.append(None)
        if problems:
            _report(log, number, problems)
    return table


# ---------------------------------------------------------------------------------------------
# Post files


def read_posts(path: Path, tz: tzinfo) -> PostTable:
    """Read and validate a posts file (see the module docstring for the format).

    Args:
        path: A .csv, .txt or .xlsx file; its name as given appears in error messages.
        tz: The client's time zone, for publication times without an offset.

    Returns:
        The validated table.

    Raises:
        ImportFailed: Anything is wrong with the file; lists every problem found.
    """
    log = ErrorLog(str(path))
    with _open_table(path, log, POSTS_EXAMPLE_HEADER) as (header, rows):
        head = _read_header(header, POST_COLUMNS, log, f"expected one of {', '.join(POST_COLUMNS)}")
        missing = [c for c in POST_REQUIRED if c not in head.columns]
        for column in missing:
            log.add(f'missing column "{column}": expected a header such as "{POSTS_EXAMPLE_HEADER}"', 1)
        if missing:
            raise log.failure()
        table = _read_post_rows(rows, head, tz, log)
    if not table.rows and not log.total:
        log.add("no data rows", 2)
    log.raise_if_any()
    return table


def _read_post_rows(rows: Iterator[tuple[int, Row]], head: _Header, tz: tzinfo, log: ErrorLog) -> PostTable:
    present = [c for c in POST_COLUMNS if c in head.columns]
    table = PostTable(fields=tuple(POST_FIELD_OF_COLUMN.get(c, c) for c in present))
    id_index, id_name = head.columns["external_id"]
    at_index, at_name = head.columns["published_at"]
    optional = [
        (c, POST_FIELD_OF_COLUMN.get(c, c), *head.columns[c]) for c in present if c not in POST_REQUIRED
    ]
    first_row: dict[str, int] = {}
    for number, row in rows:
        problems: list[Problem] = []
        if len(row) != head.width or head.unnamed:
            problems = _extra_cells(row, head)
            if len(row) < head.width:
                row = [*row, *([None] * (head.width - len(row)))]
        external_id = _text_cell(row[id_index]).strip()
        if not external_id:
            problems.append((id_index, id_name, "expected the post's id on the platform, got an empty cell"))
        elif len(external_id) > MAX_EXTERNAL_ID:
            message = f"expected at most {MAX_EXTERNAL_ID} characters, got {len(external_id)}"
            problems.append((id_index, id_name, message))
        else:
            first = first_row.setdefault(external_id, number)
            if first != number:
                message = (
                    f'duplicate of row {first}: expected each external_id once, got "{external_id}" again'
                )
                problems.append((id_index, id_name, message))
        moment = parse_moment(row[at_index], tz)
        if moment is None:
            problems.append((at_index, at_name, f"{EXPECTED_MOMENT}, got {_shown(row[at_index])}"))
        post = PostRow(external_id=external_id, published_at=moment)  # type: ignore[arg-type]
        for column, attribute, index, name in optional:
            try:
                setattr(post, attribute, _post_value(column, row[index]))
            except _Bad as bad:
                problems.append((index, name, str(bad)))
        if problems:
            _report(log, number, problems)
        table.rows.append(post)
    return table


def _post_value(column: str, cell: object) -> object:
    if column in POST_COUNTERS:
        return parse_count(cell)
    if column == "text":
        return _text_cell(cell)
    text = _text_cell(cell).strip()
    if column == "type":
        if len(text) > MAX_POST_TYPE:
            raise _Bad(f"expected a post type of at most {MAX_POST_TYPE} characters, got {_shown(text)}")
        return text or "post"
    # url
    if not text:
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(ch.isspace() for ch in text)
    ):
        raise _Bad(f"expected a link starting with http:// or https://, got {_shown(text)}")
    if len(text) > MAX_URL:
        raise _Bad(f"expected a link of at most {MAX_URL} characters, got {len(text)}")
    return text
