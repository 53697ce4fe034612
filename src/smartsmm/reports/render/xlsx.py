"""The report as an Excel workbook: a cover sheet, then one sheet per section.

Numbers and dates are real cell values with Excel number formats (both from `formatting`), so
the client can sort, sum and chart them; tones become font colours and links hyperlinks. A chart
is written as its data (a small table) with a native Excel chart drawn from it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import DateAxis
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from smartsmm.reports.document import (
    Block,
    Cell,
    Chart,
    ChartKind,
    Figures,
    Paragraphs,
    Report,
    Section,
    Table,
    Tone,
    ValueKind,
)
from smartsmm.reports.formatting import excel_number_format, excel_value
from smartsmm.reports.labels import layout_label
from smartsmm.reports.render.office import naive_utc, primary, repeatable_zip, series_color, tone_color

GREY = "666666"
LINK = "0563C1"
# Excel's column width unit is about one digit; a `Column.width` of 1 holds "1,234,567.89 %".
_WIDTH_UNIT = 14
_MIN_WIDTH, _MAX_WIDTH = 8, 70
_PARAGRAPH_WIDTH = 100  # paragraphs span columns until about this many characters wide
_LINE_HEIGHT = 15  # points per line of 11 pt text
_CHART_WIDTH_CM, _CHART_HEIGHT_CM = 18, 7.5
_CHART_ROWS = math.ceil(_CHART_HEIGHT_CM / 2.54 * 72 / _LINE_HEIGHT) + 1
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SAFE_LINK = re.compile(r"(https?|mailto):", re.IGNORECASE)

_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)


def render(report: Report) -> bytes:
    workbook = Workbook()
    names = _SheetNames()
    cover = workbook.active
    assert cover is not None  # a new workbook always has one sheet
    cover.title = names.claim(layout_label(report, "cover"))
    sheets = [(names.claim(section.sheet_name), section) for section in report.sections]
    for name, section in sheets:
        _SectionSheet(workbook.create_sheet(name), report).write(section)
    _write_cover(cover, report, [name for name, _ in sheets])

    props = workbook.properties
    props.title = _clean(report.title)
    props.subject = _clean(report.client_name)
    props.creator = props.lastModifiedBy = _clean(report.branding.agency_name)
    props.language = report.language
    props.created = props.modified = naive_utc(report.generated_at)
    buffer = BytesIO()
    workbook.save(buffer)
    # openpyxl stamps "now" into the archive and `modified`; the report's own time replaces it.
    return repeatable_zip(buffer.getvalue(), report.generated_at)


class _SheetNames:
    """Unique sheet names; Excel compares them ignoring case and reserves "History"."""

    def __init__(self) -> None:
        self._taken = {"history"}

    def claim(self, wanted: str) -> str:
        base = " ".join(_SHEET_FORBIDDEN.sub(" ", _clean(wanted)).split()).strip("'") or "Sheet"
        name, number = base[:31], 2
        while name.casefold() in self._taken:
            suffix = f" ({number})"
            name, number = base[: 31 - len(suffix)].rstrip() + suffix, number + 1
        self._taken.add(name.casefold())
        return name


def _clean(value: str) -> str:
    """Text without the control characters Excel refuses (posts do contain them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _put(
    sheet: Worksheet,
    row: int,
    column: int,
    cell: Cell,
    language: str,
    *,
    size: float | None = None,
    bold: bool = False,
) -> None:
    """One document cell as a spreadsheet cell: its value, number format, tone and link."""
    value = excel_value(cell)
    target = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        target.value = _clean(value)
        # Text stays text even when it starts with "=" (a post could otherwise run as a formula).
        target.data_type = "s"
    else:
        target.value = value
    target.number_format = excel_number_format(cell, language)
    color = tone_color(cell.tone)
    underline = None
    if cell.link and _SAFE_LINK.match(cell.link):
        target.hyperlink = cell.link
        color, underline = color or LINK, "single"
    if color or size or bold or underline:
        target.font = Font(color=color, size=size, bold=bold, underline=underline)
    target.alignment = _WRAP if isinstance(value, str) else _TOP


def _excel_width(relative: float) -> float:
    return max(_MIN_WIDTH, min(_MAX_WIDTH, round(relative * _WIDTH_UNIT, 1)))


def _lines(value: str, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` characters wide."""
    per_line = max(int(width) - 1, 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))


class _SectionSheet:
    """Writes a section's blocks top to bottom, one empty row between blocks."""

    def __init__(self, sheet: Worksheet, report: Report) -> None:
        self.sheet = sheet
        self.report = report
        self.language = report.language
        self.brand = primary(report.branding)
        self.row = 1
        self.widths: dict[int, float] = {}
        self.title_font = Font(bold=True, size=12, color=self.brand)
        self.header_font = Font(bold=True, color="FFFFFF")
        self.header_fill = PatternFill("solid", fgColor=self.brand)
        self.quiet_font = Font(italic=True, color=GREY)

    def write(self, section: Section) -> None:
        for block in section.blocks:
            self._plan_widths(block)
        for index, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        header_rows = []
        for block in section.blocks:
            if isinstance(block, Table):
                header_rows.append(self._table(block))
            elif isinstance(block, Chart):
                header_rows.append(self._chart(block))
            elif isinstance(block, Figures):
                self._figures(block)
            else:
                self._paragraphs(block)
            self.row += 1
        tables = [row for row in header_rows if row]
        if len(tables) == 1 and len(header_rows) == 1:
            # One table on the sheet: its header stays in view while scrolling.
            self.sheet.freeze_panes = f"A{tables[0] + 1}"
        _print_setup(self.sheet)

    # Layout helpers

    def _plan_widths(self, block: Block) -> None:
        widths: list[float] = []
        if isinstance(block, Table):
            widths = [_excel_width(column.width) for column in block.columns]
        elif isinstance(block, Chart) and not block.is_empty:
            dated = all(isinstance(c, date) for c in block.categories)
            first = (
                12.0
                if dated
                else _excel_width(max(len(str(c)) for c in block.categories) / _WIDTH_UNIT + 0.2)
            )
            widths = [first, *(_excel_width(max(1.0, (len(s.name) + 2) / _WIDTH_UNIT)) for s in block.series)]
        elif isinstance(block, Figures) and block.items:
            widths = [_excel_width(2), _excel_width(1.2), _excel_width(2.5)]
        for index, width in enumerate(widths, start=1):
            self.widths[index] = max(width, self.widths.get(index, 0))

    def _width(self, column: int) -> float:
        return self.widths.get(column, 9.0)  # Excel's default column is about 8.43 + padding

    def _block_title(self, title: str) -> None:
        if title:
            cell = self.sheet.cell(row=self.row, column=1, value=_clean(title))
            cell.font = self.title_font
            self.row += 1

    def _wide_text(self, value: str, font: Font | None = None) -> None:
        """A text row merged across enough columns to read as a paragraph."""
        span, width = 1, self._width(1)
        while width < _PARAGRAPH_WIDTH and span < 26:
            span += 1
            width += self._width(span)
        cell = self.sheet.cell(row=self.row, column=1, value=_clean(value))
        cell.data_type = "s"
        cell.alignment = _WRAP
        if font is not None:
            cell.font = font
        if span > 1:
            self.sheet.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=span)
        lines = _lines(value, width)
        if lines > 1:
            # Excel does not fit a merged row's height to its text by itself.
            self.sheet.row_dimensions[self.row].height = lines * _LINE_HEIGHT
        self.row += 1

    def _header(self, titles: Iterable[str], right: set[int]) -> int:
        header_row, lines = self.row, 1
        for index, title in enumerate(titles, start=1):
            cell = self.sheet.cell(row=header_row, column=index, value=_clean(title))
            cell.data_type = "s"
            cell.font = self.header_font
            cell.fill = self.header_fill
            cell.alignment = Alignment(
                horizontal="right" if index in right else "left", vertical="center", wrap_text=True
            )
            lines = max(lines, _lines(title, self._width(index)))
        if lines > 1:
            self.sheet.row_dimensions[header_row].height = lines * _LINE_HEIGHT + 2
        self.row += 1
        return header_row

    # Blocks

    def _table(self, table: Table) -> int:
        """Writes the table; returns its header row (0 when only the empty text was written)."""
        self._block_title(table.title)
        header_row = 0
        if table.rows:
            right = {
                index
                for index in range(1, len(table.columns) + 1)
                if any(row[index - 1].kind != ValueKind.TEXT for row in table.rows)
            }
            header_row = self._header((column.title for column in table.columns), right)
            for row in table.rows:
                for index, cell in enumerate(row, start=1):
                    _put(self.sheet, self.row, index, cell, self.language)
                self.row += 1
        elif table.empty_text:
            self._wide_text(table.empty_text, self.quiet_font)
        if table.note:
            self._wide_text(table.note, self.quiet_font)
        return header_row

    def _chart(self, chart: Chart) -> int:
        """Writes the chart's data and a native chart beside it; returns the data's header row."""
        self._block_title(chart.title)
        if chart.is_empty:
            self._wide_text(layout_label(self.report, "no_data"), self.quiet_font)
            if chart.note:
                self._wide_text(chart.note, self.quiet_font)
            return 0
        dated = all(isinstance(c, date) for c in chart.categories)
        first_title = layout_label(self.report, "date") if dated else layout_label(self.report, "category")
        columns = range(2, len(chart.series) + 2)
        header_row = self._header([first_title, *(s.name for s in chart.series)], set(columns))
        for position, category in enumerate(chart.categories):
            kind = (
                ValueKind.DATETIME
                if isinstance(category, datetime)
                else (ValueKind.DATE if isinstance(category, date) else ValueKind.TEXT)
            )
            _put(self.sheet, self.row, 1, Cell(category, kind), self.language)
            for series, column in zip(chart.series, columns, strict=True):
                _put(
                    self.sheet,
                    self.row,
                    column,
                    Cell(series.values[position], chart.value_kind),
                    self.language,
                )
            self.row += 1
        last_row = self.row - 1
        self.sheet.add_chart(
            self._native_chart(chart, header_row, last_row, dated),
            f"{get_column_letter(len(columns) + 3)}{header_row}",
        )
        # The chart is taller than a short data table: the next block starts below both.
        self.row = max(self.row, header_row + _CHART_ROWS)
        if chart.note:
            self._wide_text(chart.note, self.quiet_font)
        return header_row

    def _native_chart(
        self, chart: Chart, header_row: int, last_row: int, dated: bool
    ) -> LineChart | BarChart:
        native: LineChart | BarChart
        if chart.kind == ChartKind.BAR:
            native = BarChart()
            native.type = "col"
            native.grouping = "clustered"
        else:
            native = LineChart()
        native.title = _clean(chart.title) or None
        native.width, native.height = _CHART_WIDTH_CM, _CHART_HEIGHT_CM
        native.display_blanks = "gap"  # a day without data is a gap, not a zero
        data = Reference(
            self.sheet, min_col=2, max_col=len(chart.series) + 1, min_row=header_row, max_row=last_row
        )
        native.add_data(data, titles_from_data=True)
        native.set_categories(Reference(self.sheet, min_col=1, min_row=header_row + 1, max_row=last_row))
        if dated:
            native.y_axis.crossAx = 500
            native.x_axis = DateAxis(crossAx=100)
            native.x_axis.number_format = "dd.mm" if self.language == "ru" else "d mmm"
            native.x_axis.majorTimeUnit = "days"
        native.y_axis.number_format = excel_number_format(Cell(0.0, chart.value_kind), self.language)
        if chart.y_title:
            native.y_axis.title = _clean(chart.y_title)
        # openpyxl 3.1 marks both axes deleted by default, which hides them in Excel.
        native.x_axis.delete = False
        native.y_axis.delete = False
        if len(chart.series) == 1:
            native.legend = None
        else:
            native.legend.position = "b"
        for index, series in enumerate(native.series):
            color = series_color(self.report.branding, index)
            if chart.kind == ChartKind.BAR:
                series.graphicalProperties.solidFill = color
                series.graphicalProperties.line.solidFill = color
            else:
                series.graphicalProperties.line.solidFill = color
                series.graphicalProperties.line.width = 28575  # 2.25 pt in EMU
                series.marker.symbol = "none"
                series.smooth = False
        return native

    def _figures(self, figures: Figures) -> None:
        self._block_title(figures.title)
        for figure in figures.items:
            label = self.sheet.cell(row=self.row, column=1, value=_clean(figure.label))
            label.data_type = "s"
            label.font = Font(bold=True)
            label.alignment = _WRAP
            _put(self.sheet, self.row, 2, figure.value, self.language, size=14, bold=True)
            if figure.detail:
                detail = self.sheet.cell(row=self.row, column=3, value=_clean(figure.detail))
                detail.data_type = "s"
                detail.font = Font(color=GREY)
                detail.alignment = _WRAP
            self.sheet.row_dimensions[self.row].height = 20
            self.row += 1

    def _paragraphs(self, paragraphs: Paragraphs) -> None:
        self._block_title(paragraphs.title)
        color = tone_color(paragraphs.tone)
        font = Font(color=color) if color else None
        for item in paragraphs.items:
            self._wide_text(f"• {item}" if paragraphs.bullets else item, font)


def _print_setup(sheet: Worksheet) -> None:
    """Printed (or converted to PDF) sheets fit the page width in landscape."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write_cover(sheet: Worksheet, report: Report, sheet_names: list[str]) -> None:
    brand = primary(report.branding)
    sheet.sheet_view.showGridLines = False
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 80
    row = 1
    logo = _logo(report.branding.logo)
    if logo is not None:
        sheet.add_image(logo, "A1")
        sheet.row_dimensions[1].height = logo.height * 0.75 + 6  # pixels to points, with a margin
        row = 2
    sheet.cell(row=row, column=1, value=_clean(report.branding.agency_name)).font = Font(
        bold=True, size=14, color=brand
    )
    row += 1
    sheet.cell(row=row, column=1, value=_clean(report.title)).font = Font(bold=True, size=18)
    sheet.row_dimensions[row].height = 26
    row += 2
    facts: list[tuple[str, Cell]] = [
        (layout_label(report, "client"), Cell(report.client_name)),
        (layout_label(report, "period"), Cell(report.period_label)),
        (layout_label(report, "generated_at"), Cell(report.generated_at, ValueKind.DATETIME)),
    ]
    for label, cell in facts:
        sheet.cell(row=row, column=1, value=_clean(label)).font = Font(bold=True)
        _put(sheet, row, 2, cell, report.language)
        sheet.cell(row=row, column=2).alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        row += 1
    if report.caveats:
        row += 1
        sheet.cell(row=row, column=1, value=_clean(layout_label(report, "caveats"))).font = Font(
            bold=True, color=tone_color(Tone.WARN)
        )
        for caveat in report.caveats:
            cell = sheet.cell(row=row, column=2, value=_clean(caveat))
            cell.data_type = "s"
            cell.alignment = _WRAP
            if _lines(caveat, 80) > 1:
                sheet.row_dimensions[row].height = _lines(caveat, 80) * _LINE_HEIGHT
            row += 1
    row += 1
    sheet.cell(row=row, column=1, value=_clean(layout_label(report, "contents"))).font = Font(bold=True)
    for name in sheet_names:
        cell = sheet.cell(row=row, column=2, value=name)
        cell.data_type = "s"
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1")
        cell.font = Font(color=LINK, underline="single")
        row += 1
    _print_setup(sheet)


def _logo(data: bytes | None) -> Image | None:
    """The logo at most 48 × 240 px, or None without Pillow (openpyxl needs it to embed) or for a bad file."""
    if not data:
        return None
    try:
        image = Image(BytesIO(data))
    except (ImportError, OSError, ValueError):
        return None
    if not image.height or not image.width:
        return None
    scale = min(48 / image.height, 240 / image.width)
    image.width, image.height = max(round(image.width * scale), 1), max(round(image.height * scale), 1)
    return image
