"""`smartsmm forecast`: the forecast of a target from a history file."""

from __future__ import annotations

import argparse
import csv
import math
from datetime import date
from pathlib import Path

from smartsmm.cli.base import CliError, Context, existing_file, parse_date_arg

MAX_ERRORS_SHOWN = 20


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    fc = sub.add_parser("forecast", help="probability of reaching a target by a deadline, from a history CSV")
    fc.add_argument("--history", required=True, metavar="FILE", help="CSV: header, then date,value rows")
    fc.add_argument("--target", required=True, metavar="N", help="the target value")
    fc.add_argument("--deadline", required=True, metavar="YYYY-MM-DD")
    fc.add_argument("--json", action="store_true", help="print JSON with the forecast's fields")
    fc.set_defaults(handler=run_forecast)


def read_history(path: Path) -> tuple[list[date], list[float]]:
    """Read a two-column history: a header, then a date and a number per row."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1251")
        except UnicodeDecodeError:
            raise CliError(f"{path}: unsupported encoding: expected UTF-8 or Windows-1251 (cp1251)") from None
    rows = list(csv.reader(text.splitlines(), delimiter=";" if text.split("\n", 1)[0].count(";") else ","))
    if not rows:
        raise CliError(f'{path}:1: the file is empty: expected a header row such as "date,value"')
    if len(rows) == 1:
        raise CliError(f"{path}:2: no data rows")
    header = rows[0]
    date_col = header[0] if header else "date"
    value_col = header[1] if len(header) > 1 else "value"
    dates: list[date] = []
    values: list[float] = []
    errors: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) < 2:
            errors.append(f"{path}:{number}:{value_col}: expected a number in the second column")
            continue
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError:
            errors.append(f"{path}:{number}:{date_col}: expected a date as YYYY-MM-DD, got {row[0]!r}")
            continue
        try:
            value = float(row[1].strip().replace(" ", "").replace("\u00a0", "").replace(",", "."))
        except ValueError:
            errors.append(f"{path}:{number}:{value_col}: expected a number, got {row[1]!r}")
            continue
        if not math.isfinite(value):
            errors.append(f"{path}:{number}:{value_col}: expected a finite number, got {row[1]!r}")
            continue
        dates.append(day)
        values.append(value)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(f"… and {len(errors) - MAX_ERRORS_SHOWN} more errors")
        raise CliError("\n".join(shown))
    return dates, values


def run_forecast(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.core.forecast import forecast_goal

    path = existing_file(args.history, "--history")
    try:
        target = float(args.target)
    except ValueError:
        raise CliError(f"--target {args.target!r}: expected a number") from None
    if not math.isfinite(target):
        raise CliError(f"--target {args.target!r}: expected a finite number")
    deadline = parse_date_arg(args.deadline, "--deadline")
    dates, values = read_history(path)
    result = forecast_goal(dates, values, target, deadline)
    data = result.to_dict()
    if args.json:
        context.print_json(data)
        return 0
    if result.status != "ok":
        context.print(f"insufficient history: {result.reason}")
    for key in (
        "probability",
        "p10",
        "p50",
        "p90",
        "projected_date",
        "required_daily_pace",
        "recent_daily_pace",
        "safe_target",
        "realistic_target",
        "ambitious_target",
        "method",
        "status",
    ):
        value = data.get(key)
        if isinstance(value, float):
            value = f"{value:.3f}" if key == "probability" else f"{value:,.1f}"
        context.print(f"{key:<20} {value if value is not None else '—'}")
    return 0
