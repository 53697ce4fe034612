"""Text of a report cell in the report's language, and its spreadsheet value and number format.

Every renderer formats through here, so a number reads the same in the PDF, the slides and the
web page ("12 345,6" in Russian, "12,345.6" in English), and the XLSX holds the same value as a
real number with the matching Excel number format. Pure: no Django.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from smartsmm.reports.document import Cell, CellValue, ValueKind

NO_DATA = "—"
MINUS = "−"  # U+2212: a typographic minus, as in the web app
_GROUP = {"ru": "\u00a0", "en": ","}  # Russian groups thousands with a no-break space
_DECIMAL = {"ru": ",", "en": "."}
# Percentage points, as the web app writes them (goals.messages, the client page's KPI table).
_POINTS = {"ru": "п.п.", "en": "pp"}

_DEFAULT_DECIMALS = {
    ValueKind.INTEGER: 0,
    ValueKind.NUMBER: 1,
    ValueKind.PERCENT: 2,
    ValueKind.CHANGE_PERCENT: 1,
    ValueKind.CHANGE_POINTS: 2,
    ValueKind.SIGNED: 0,
    ValueKind.PROBABILITY: 0,
}


def default_decimals(kind: ValueKind) -> int:
    return _DEFAULT_DECIMALS.get(kind, 0)


def _decimals(cell: Cell) -> int:
    return cell.decimals if cell.decimals is not None else default_decimals(cell.kind)


def format_number(value: float, decimals: int, language: str) -> str:
    """An unsigned-looking grouped number; negative numbers get a typographic minus."""
    if not math.isfinite(value):
        return NO_DATA
    rounded = round(value, decimals)
    if rounded == 0:
        rounded = 0.0  # no "−0"
    body = f"{abs(rounded):,.{decimals}f}"
    group, point = _GROUP.get(language, ","), _DECIMAL.get(language, ".")
    body = body.replace(",", "\x00").replace(".", point).replace("\x00", group)
    return f"{MINUS}{body}" if rounded < 0 else body


def _signed(value: float, decimals: int, language: str) -> str:
    body = format_number(value, decimals, language)
    if body != NO_DATA and round(value, decimals) > 0:
        return f"+{body}"
    return body


def format_date(value: date, language: str) -> str:
    return value.strftime("%d.%m.%Y") if language == "ru" else value.isoformat()


def format_datetime(value: datetime, language: str) -> str:
    return f"{format_date(value.date(), language)} {value:%H:%M}"


def format_value(value: CellValue, kind: ValueKind, language: str, decimals: int | None = None) -> str:
    """The text of a value of a kind, e.g. `format_value(4.237, ValueKind.PERCENT, "ru") == "4,24 %"`."""
    return format_cell(Cell(value, kind, decimals=decimals), language)


def format_cell(cell: Cell, language: str) -> str:
    value = cell.value
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NO_DATA
    if cell.kind == ValueKind.TEXT or isinstance(value, str):
        return str(value)
    if isinstance(value, datetime):
        return format_datetime(value, language)
    if isinstance(value, date):
        return format_date(value, language)
    number = float(value)
    places = _decimals(cell)
    if cell.kind == ValueKind.PERCENT:
        return f"{format_number(number, places, language)} %"
    if cell.kind == ValueKind.CHANGE_PERCENT:
        return f"{_signed(number, places, language)} %"
    if cell.kind == ValueKind.CHANGE_POINTS:
        return f"{_signed(number, places, language)} {_POINTS.get(language, 'pp')}"
    if cell.kind == ValueKind.PROBABILITY:
        return f"{format_number(number * 100, places, language)} %"
    if cell.kind == ValueKind.SIGNED:
        return _signed(number, places, language)
    return format_number(number, places, language)


def excel_value(cell: Cell) -> CellValue:
    """The value a spreadsheet cell holds: percentages as fractions (Excel's own convention),
    dates as dates, datetimes without a time zone (Excel has none; report times are local)."""
    value = cell.value
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if cell.kind in (ValueKind.PERCENT, ValueKind.CHANGE_PERCENT) and isinstance(value, int | float):
        return float(value) / 100.0
    return value


def excel_number_format(cell: Cell, language: str) -> str:
    """Excel's number format for the cell; Excel localises separators itself."""
    places = _decimals(cell)
    fraction = "." + "0" * places if places else ""
    kind = cell.kind
    if isinstance(cell.value, datetime):
        return "dd.mm.yyyy hh:mm" if language == "ru" else "yyyy-mm-dd hh:mm"
    if isinstance(cell.value, date):
        return "dd.mm.yyyy" if language == "ru" else "yyyy-mm-dd"
    if kind == ValueKind.PERCENT or kind == ValueKind.PROBABILITY:
        return f"0{fraction}%"
    if kind == ValueKind.CHANGE_PERCENT:
        return f"+0{fraction}%;-0{fraction}%;0{fraction}%"
    if kind == ValueKind.CHANGE_POINTS:
        unit = _POINTS.get(language, "pp")
        return f'+0{fraction}" {unit}";-0{fraction}" {unit}";0{fraction}" {unit}"'
    if kind == ValueKind.SIGNED:
        return f"+#,##0{fraction};-#,##0{fraction};0{fraction}"
    if kind in (ValueKind.INTEGER, ValueKind.NUMBER):
        return f"#,##0{fraction}"
    return "General"
