"""The report document: one data model that every format (HTML, PDF, XLSX, PPTX) renders.

Builders (`monthly.py`, `weekly.py`, `audit.py`) compute every number once and put it here as a
typed cell; renderers only lay cells out and format them with `formatting.format_cell`, so the
PDF, the slides and the web page show the same text, and the spreadsheet holds the same values as
real numbers and dates. Nothing in this module or in the renderers imports Django: a report can be
rendered (and tested) without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class ReportKind(StrEnum):
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    AUDIT = "audit"


class ValueKind(StrEnum):
    """How a cell's value is meant, which decides its text and its spreadsheet number format."""

    TEXT = "text"
    INTEGER = "integer"  # a count: followers, reach (shown without decimals)
    NUMBER = "number"  # a measured quantity with decimals: posts per week, pace per day
    PERCENT = "percent"  # already in percent units: 4.2 means 4.2 %
    CHANGE_PERCENT = "change_percent"  # a signed relative change in percent: +12.5 %
    CHANGE_POINTS = "change_points"  # a signed difference of two percentages: +0.17 pp
    SIGNED = "signed"  # a signed absolute change: +120
    PROBABILITY = "probability"  # a 0–1 fraction shown as a percentage
    DATE = "date"
    DATETIME = "datetime"


NUMERIC_KINDS = frozenset(
    {
        ValueKind.INTEGER,
        ValueKind.NUMBER,
        ValueKind.PERCENT,
        ValueKind.CHANGE_PERCENT,
        ValueKind.CHANGE_POINTS,
        ValueKind.SIGNED,
        ValueKind.PROBABILITY,
    }
)


class Tone(StrEnum):
    """Whether a value is good or bad news for the client (colours it in every format)."""

    NEUTRAL = ""
    GOOD = "good"
    BAD = "bad"
    WARN = "warn"


CellValue = str | int | float | date | datetime | None


@dataclass(frozen=True, slots=True)
class Cell:
    """One value with its meaning. `None` is "no data" (shown as a dash, an empty spreadsheet cell).

    `decimals` overrides the kind's default precision (see `formatting.default_decimals`);
    `link` is an address the value points to (a post), shown where the format allows.
    """

    value: CellValue
    kind: ValueKind = ValueKind.TEXT
    tone: Tone = Tone.NEUTRAL
    decimals: int | None = None
    link: str = ""

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS and isinstance(self.value, int | float)


def text(value: str, tone: Tone = Tone.NEUTRAL) -> Cell:
    return Cell(value, ValueKind.TEXT, tone)


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    # Relative width (1 = a number column); a text column holding names wants 2–4.
    width: float = 1.0


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    # Shown instead of the table when it has no rows ("No posts were published this month").
    empty_text: str = ""

    def __post_init__(self) -> None:
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.title!r}: row {index + 1} has {len(row)} cells for {len(self.columns)} columns"
                )


class ChartKind(StrEnum):
    LINE = "line"
    BAR = "bar"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A line or bar chart over categories (days, weeks, months or names); every format draws it as vectors."""

    title: str
    kind: ChartKind
    categories: tuple[date | str, ...]
    series: tuple[Series, ...]
    value_kind: ValueKind = ValueKind.INTEGER
    y_title: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(
                    f"chart {self.title!r}: series {s.name!r} has {len(s.values)} values "
                    f"for {len(self.categories)} categories"
                )

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(v is None for s in self.series for v in s.values)


@dataclass(frozen=True, slots=True)
class Figure:
    """A headline number ("Followers 30 685, +2.1 % vs October")."""

    label: str
    value: Cell
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Figures:
    items: tuple[Figure, ...]
    title: str = ""


@dataclass(frozen=True, slots=True)
class Paragraphs:
    """Sentences generated from the data; `bullets` shows them as a list."""

    items: tuple[str, ...]
    title: str = ""
    bullets: bool = True
    tone: Tone = Tone.NEUTRAL


Block = Table | Chart | Figures | Paragraphs

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the report: a page break in the PDF, a slide (or more) in PPTX, a sheet in XLSX."""

    key: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def sheet_name(self) -> str:
        """The title as an Excel sheet name (at most 31 characters, none of []:*?/\\)."""
        cleaned = " ".join(_SHEET_FORBIDDEN.sub(" ", self.title).split()) or self.key
        return cleaned[:31]


@dataclass(frozen=True, slots=True)
class Branding:
    """White label: the agency's name, logo and colours on every format."""

    agency_name: str
    primary_color: str = "#1F4E79"
    accent_color: str = "#F28C28"
    logo: bytes | None = None  # PNG or JPEG
    logo_type: str = ""  # "image/png" or "image/jpeg"


@dataclass(frozen=True, slots=True)
class Report:
    kind: ReportKind
    language: str  # "ru" or "en"
    title: str  # "Monthly report: November 2026"
    client_name: str
    period_label: str  # "1–30 November 2026 (Europe/Moscow)"
    generated_at: datetime
    branding: Branding
    sections: tuple[Section, ...]
    # Facts a reader must know before trusting the numbers ("3 days without data in November").
    caveats: tuple[str, ...] = ()
    # Stable parts of the file name: "monthly-zerno-2026-11".
    slug: str = "report"
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, key: str, default: str) -> str:
        """Fixed words of the layout (page, generated at…) in the report's language."""
        return self.labels.get(key, default)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)
