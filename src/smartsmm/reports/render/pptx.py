"""The report as a 16:9 slide deck for client meetings: a title slide, then a slide per section.

A section whose blocks do not fit one slide flows onto continuation slides ("Goals (cont.)").
Tables and charts are native PowerPoint objects (a client can restyle or copy them); headline
figures become number tiles, paragraphs bullets. Text is formatted by `formatting.format_cell`,
so a number reads as in the PDF; only the slides truncate long texts ("…") to keep them on the
slide. Layout works in inches with a rough text-width estimate, because nothing here can measure
rendered text: each box is sized for the lines its text is expected to take.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any, cast

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.shapes.autoshape import Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.table import _Cell
from pptx.text.text import _Paragraph
from pptx.util import Emu, Inches, Pt

from smartsmm.reports.document import (
    Cell,
    Chart,
    ChartKind,
    Figure,
    Figures,
    Paragraphs,
    Report,
    Section,
    Table,
    Tone,
    ValueKind,
)
from smartsmm.reports.formatting import excel_number_format, excel_value, format_cell
from smartsmm.reports.labels import layout_label
from smartsmm.reports.render.office import (
    accent,
    naive_utc,
    primary,
    repeatable_zip,
    series_color,
    tone_color,
)

# Geometry of a 16:9 slide, in inches.
SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5
MARGIN = 0.5
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
BAR_HEIGHT = 0.12
TITLE_TOP, TITLE_HEIGHT = 0.3, 0.75
CONTENT_TOP, CONTENT_BOTTOM = 1.2, 6.85
FOOTER_TOP, FOOTER_HEIGHT = 6.97, 0.35
GAP = 0.15  # between blocks

# Text sizes in points.
TITLE_SIZE, HEADING_SIZE, BODY_SIZE, TABLE_SIZE, SMALL_SIZE = 28, 16, 18, 12, 11
HEADING_HEIGHT = 0.45
MAX_TABLE_ROWS = 12
CHART_MIN, CHART_MAX_GROWTH = 2.6, 1.9  # plot height: the least a chart gets, and how much it may grow
TILES_PER_ROW, TILE_HEIGHT = 4, 1.45

GREY = "595959"
LIGHT_GREY = "D9D9D9"
ROW_FILLS = ("FFFFFF", "F2F2F2")
_ELLIPSIS = "…"
_SAFE_LINK = re.compile(r"(https?|mailto):", re.IGNORECASE)
_CELL_PADDING, _CELL_PADDING_VERTICAL = Inches(0.07), Inches(0.04)


def render(report: Report) -> bytes:
    deck = _Deck(report)
    deck.title_slide()
    for section in report.sections:
        deck.section(section)
    deck.footers()
    return deck.save()


# Text measurement: an average glyph of Calibri/Arial is about half an em wide (Cyrillic a bit
# wider); a little over that keeps estimates on the safe side.
_EM, _EM_BOLD = 0.6, 0.64


def _per_line(width: float, size: float, bold: bool = False) -> int:
    """How many characters of a text of `size` points fit on a line `width` inches wide."""
    em = _EM_BOLD if bold else _EM
    return max(int(width * 72 / (size * em)), 1)


def _wrap(value: str, per_line: int) -> list[str]:
    """The text broken into lines of at most `per_line` characters at ordinary spaces.

    No-break spaces (thousands in Russian numbers) do not break, as in PowerPoint.
    """
    lines: list[str] = []
    for part in value.split("\n"):
        line = ""
        for word in part.split(" "):
            while len(word) > per_line:  # a URL or a long hashtag breaks anywhere
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:per_line])
                word = word[per_line:]
            candidate = f"{line} {word}" if line else word
            if len(candidate) <= per_line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _fit(value: str, per_line: int, max_lines: int) -> tuple[str, int]:
    """The text cut with "…" to `max_lines` lines, and the number of lines it takes."""
    lines = _wrap(value, per_line)
    if len(lines) <= max_lines:
        return value, len(lines)
    kept = " ".join(lines[:max_lines])
    room = per_line * max_lines - 1
    while len(_wrap(kept + _ELLIPSIS, per_line)) > max_lines and kept:
        kept = kept[: min(len(kept) - 1, room)].rstrip()
    return kept.rstrip(" ,;:—–-") + _ELLIPSIS, max_lines


def _line_height(size: float) -> float:
    return size * 1.2 / 72


def _rgb(hex_value: str) -> RGBColor:
    return RGBColor.from_string(hex_value)


@dataclass
class _Piece:
    """Something placed on a slide: its height in inches and how to draw it at a position.

    `grows` pieces (charts) take a share of the space a slide has left, up to `CHART_MAX_GROWTH`.
    """

    height: float
    draw: Callable[[Slide, float, float], None]
    grows: bool = False


class _Deck:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.language = report.language
        self.brand = primary(report.branding)
        self.accent = accent(report.branding)
        self.prs = Presentation()
        self.prs.slide_width = Inches(SLIDE_WIDTH)
        self.prs.slide_height = Inches(SLIDE_HEIGHT)
        self.blank = self.prs.slide_layouts[6]
        self.numbered: list[Slide] = []

    def save(self) -> bytes:
        props = self.prs.core_properties
        # python-pptx refuses properties over 255 characters.
        props.title = self.report.title[:255]
        props.subject = self.report.client_name[:255]
        props.author = props.last_modified_by = self.report.branding.agency_name[:255]
        props.language = self.report.language
        props.revision = 1
        props.created = props.modified = naive_utc(self.report.generated_at)
        buffer = BytesIO()
        self.prs.save(buffer)
        return repeatable_zip(buffer.getvalue(), self.report.generated_at)

    # Slides

    def _slide(self, title: str | None) -> Slide:
        slide = self.prs.slides.add_slide(self.blank)
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, self.prs.slide_width, Inches(BAR_HEIGHT))
        bar.fill.solid()
        bar.fill.fore_color.rgb = _rgb(self.brand)
        bar.line.fill.background()
        bar.name = "Brand bar"
        if title is not None:
            self.numbered.append(slide)
            box = self._text_box(
                slide, MARGIN, TITLE_TOP, CONTENT_WIDTH, TITLE_HEIGHT, anchor=MSO_ANCHOR.MIDDLE
            )
            box.name = "Title"
            self._run(box.text_frame.paragraphs[0], title, TITLE_SIZE, bold=True, color=self.brand)
        return slide

    def title_slide(self) -> None:
        report = self.report
        slide = self._slide(None)
        top = 0.8
        if report.branding.logo:
            top = self._logo(slide, report.branding.logo, top)
        rows: list[tuple[str, float, bool, str | None, int]] = [
            (report.branding.agency_name, 20, True, self.brand, 1),
            (report.title, 40, True, None, 2),
            (report.client_name, 24, False, None, 1),
            (report.period_label, 18, False, GREY, 1),
            (
                f"{layout_label(report, 'generated_at')}: "
                f"{format_cell(Cell(report.generated_at, ValueKind.DATETIME), self.language)}",
                14,
                False,
                GREY,
                1,
            ),
        ]
        for value, size, bold, color, max_lines in rows:
            top = (
                self._text_block(slide, value, top, size, bold=bold, color=color, max_lines=max_lines) + 0.12
            )
        caveat_height = 2 * _line_height(SMALL_SIZE + 1) + 0.1
        if (
            report.caveats
            and top + 0.2 + _line_height(SMALL_SIZE + 1) + 0.1 + caveat_height <= CONTENT_BOTTOM
        ):
            warn = tone_color(Tone.WARN)
            top = self._text_block(
                slide, layout_label(report, "caveats"), top + 0.2, SMALL_SIZE + 1, bold=True, color=warn
            )
            for caveat in report.caveats:
                if top + caveat_height > CONTENT_BOTTOM:
                    break
                top = self._text_block(slide, caveat, top, SMALL_SIZE + 1, color=warn, max_lines=2)

    def _logo(self, slide: Slide, data: bytes, top: float) -> float:
        """The logo at most 1 × 3 inches at the top left; returns the top of what comes below."""
        try:
            picture = slide.shapes.add_picture(BytesIO(data), Inches(MARGIN), Inches(top), height=Inches(1.0))
        except Exception:  # a broken upload must not cost the agency its report
            return top
        picture.name = "Logo"
        if picture.width > Inches(3.0):
            scale = Inches(3.0) / picture.width
            picture.width, picture.height = Inches(3.0), Emu(int(picture.height * scale))
        return top + picture.height / Inches(1) + 0.3

    def footers(self) -> None:
        total = len(self.prs.slides)
        offset = total - len(self.numbered)
        for number, slide in enumerate(self.numbered, start=offset + 1):
            left = self._text_box(slide, MARGIN, FOOTER_TOP, CONTENT_WIDTH * 0.7, FOOTER_HEIGHT)
            left.name = "Footer"
            self._run(left.text_frame.paragraphs[0], self.report.branding.agency_name, 10, color=GREY)
            width = CONTENT_WIDTH * 0.2
            right = self._text_box(slide, SLIDE_WIDTH - MARGIN - width, FOOTER_TOP, width, FOOTER_HEIGHT)
            right.name = "Slide number"
            paragraph = right.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT
            self._run(paragraph, f"{number} / {total}", 10, color=GREY)

    def section(self, section: Section) -> None:
        flow = _Flow()
        for block in section.blocks:
            heading = "" if block.title == section.title else block.title
            if isinstance(block, Table):
                self._table(flow, block, heading)
            elif isinstance(block, Chart):
                self._chart(flow, block, heading)
            elif isinstance(block, Figures):
                self._figures(flow, block, heading)
            else:
                self._paragraphs(flow, block, heading)
        continued = layout_label(self.report, "continued")
        for number, page in enumerate(flow.pages):
            title = section.title if number == 0 else f"{section.title} {continued}"
            per_line = _per_line(CONTENT_WIDTH - 0.2, TITLE_SIZE, bold=True)
            if len(title) > per_line:  # keep "(cont.)" visible when cutting a long title
                suffix = "" if number == 0 else f" {continued}"
                title = section.title[: per_line - len(suffix) - 1].rstrip() + _ELLIPSIS + suffix
            slide = self._slide(title)
            used = sum(piece.height for piece in page) + GAP * (len(page) - 1)
            growers = [piece for piece in page if piece.grows]
            extra = (CONTENT_BOTTOM - CONTENT_TOP - used) / len(growers) if growers else 0.0
            top = CONTENT_TOP
            for piece in page:
                height = piece.height + (min(max(extra, 0.0), CHART_MAX_GROWTH) if piece.grows else 0.0)
                piece.draw(slide, top, height)
                top += height + GAP

    # Text primitives

    def _text_box(
        self,
        slide: Slide,
        left: float,
        top: float,
        width: float,
        height: float,
        anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    ) -> Shape:
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE  # the box is sized here; PowerPoint must not grow it
        frame.vertical_anchor = anchor
        frame.margin_left = frame.margin_right = Inches(0.05)
        frame.margin_top = frame.margin_bottom = Inches(0.03)
        return box

    def _run(
        self,
        paragraph: _Paragraph,
        value: str,
        size: float,
        *,
        bold: bool = False,
        italic: bool = False,
        color: str | None = None,
        link: str = "",
    ) -> None:
        run = paragraph.add_run()
        run.text = value
        font = run.font
        font.size = Pt(size)
        font.bold = bold or None
        font.italic = italic or None
        if link and _SAFE_LINK.match(link):
            run.hyperlink.address = link
        if color:
            font.color.rgb = _rgb(color)

    def _text_block(
        self,
        slide: Slide,
        value: str,
        top: float,
        size: float,
        *,
        bold: bool = False,
        italic: bool = False,
        color: str | None = None,
        max_lines: int = 1,
    ) -> float:
        """A full-width text of at most `max_lines` lines at `top`; returns its bottom."""
        value, lines = _fit(value, _per_line(CONTENT_WIDTH - 0.1, size, bold), max_lines)
        height = lines * _line_height(size) + 0.1
        box = self._text_box(slide, MARGIN, top, CONTENT_WIDTH, height)
        self._run(box.text_frame.paragraphs[0], value, size, bold=bold, italic=italic, color=color)
        return top + height

    def _heading(self, slide: Slide, heading: str, top: float) -> float:
        if not heading:
            return top
        self._text_block(slide, heading, top, HEADING_SIZE, bold=True, color=self.brand)
        return top + HEADING_HEIGHT

    def _quiet(self, value: str, size: float = SMALL_SIZE, max_lines: int = 2) -> tuple[str, float]:
        value, lines = _fit(value, _per_line(CONTENT_WIDTH - 0.1, size), max_lines)
        return value, lines * _line_height(size) + 0.1

    # Blocks

    def _table(self, flow: _Flow, table: Table, heading: str) -> None:
        heading_height = HEADING_HEIGHT if heading else 0.0
        note, note_height = self._quiet(table.note) if table.note else ("", 0.0)
        if not table.rows:
            empty, empty_height = self._quiet(table.empty_text or layout_label(self.report, "no_data"), 14)

            def draw_empty(slide: Slide, top: float, height: float) -> None:
                top = self._heading(slide, heading, top)
                top = self._text_block(slide, empty, top, 14, italic=True, color=GREY, max_lines=2)
                if note:
                    self._text_block(slide, note, top, SMALL_SIZE, italic=True, color=GREY, max_lines=2)

            flow.add(_Piece(heading_height + empty_height + note_height, draw_empty))
            return
        layout = _TableLayout(table, self.language)
        rows = list(range(len(table.rows)))
        while rows:
            last_chunk_note = note_height if len(rows) <= MAX_TABLE_ROWS else 0.0
            fixed = heading_height + layout.header_height + last_chunk_note
            count = layout.rows_fitting(rows, flow.space() - fixed)
            if count < min(3, len(rows)) and not flow.empty:
                flow.new_page()
                count = layout.rows_fitting(rows, flow.space() - fixed)
            count = max(count, 1)  # a row taller than a slide is still shown (its text is cut)
            chunk, rows = rows[:count], rows[count:]
            chunk_note = note if not rows else ""
            height = fixed + sum(layout.heights[index] for index in chunk)
            if rows:
                height -= last_chunk_note

            def draw(
                slide: Slide,
                top: float,
                _height: float,
                chunk: list[int] = chunk,
                chunk_note: str = chunk_note,
            ) -> None:
                top = self._heading(slide, heading, top)
                top = self._draw_table(slide, layout, chunk, top)
                if chunk_note:
                    self._text_block(
                        slide, chunk_note, top + 0.05, SMALL_SIZE, italic=True, color=GREY, max_lines=2
                    )

            flow.add(_Piece(height + (0.05 if chunk_note else 0.0), draw))

    def _draw_table(self, slide: Slide, layout: _TableLayout, chunk: list[int], top: float) -> float:
        heights = [layout.header_height, *(layout.heights[index] for index in chunk)]
        frame = slide.shapes.add_table(
            len(heights),
            len(layout.widths),
            Inches(MARGIN),
            Inches(top),
            Inches(CONTENT_WIDTH),
            Inches(sum(heights)),
        )
        frame.name = "Table"
        shape = frame.table
        shape.first_row = True
        shape.horz_banding = False
        for index, width in enumerate(layout.widths):
            shape.columns[index].width = Inches(width)
        for position, height in enumerate(heights):
            shape.rows[position].height = Inches(height)
        for column, title in enumerate(layout.header):
            self._cell(
                shape.cell(0, column),
                self.brand,
                title,
                layout.size,
                column in layout.right,
                bold=True,
                color="FFFFFF",
            )
        for position, index in enumerate(chunk, start=1):
            fill = ROW_FILLS[(position - 1) % 2]
            for column, cell in enumerate(layout.table.rows[index]):
                self._cell(
                    shape.cell(position, column),
                    fill,
                    layout.texts[index][column],
                    layout.size,
                    cell.kind != ValueKind.TEXT,
                    color=tone_color(cell.tone),
                    link=cell.link,
                )
        return top + sum(heights)

    def _cell(
        self,
        target: _Cell,
        fill: str,
        value: str,
        size: float,
        right: bool,
        *,
        bold: bool = False,
        color: str | None = None,
        link: str = "",
    ) -> None:
        target.fill.solid()
        target.fill.fore_color.rgb = _rgb(fill)
        target.vertical_anchor = MSO_ANCHOR.MIDDLE
        target.margin_left = target.margin_right = _CELL_PADDING
        target.margin_top = target.margin_bottom = _CELL_PADDING_VERTICAL
        frame = target.text_frame
        frame.word_wrap = True
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT
        self._run(paragraph, value, size, bold=bold, color=color, link=link)

    def _chart(self, flow: _Flow, chart: Chart, heading: str) -> None:
        heading_height = HEADING_HEIGHT if heading else 0.0
        note, note_height = self._quiet(chart.note) if chart.note else ("", 0.0)
        if chart.is_empty:
            no_data = layout_label(self.report, "no_data")

            def draw_empty(slide: Slide, top: float, height: float) -> None:
                top = self._heading(slide, heading, top)
                top = self._text_block(slide, no_data, top, 14, italic=True, color=GREY)
                if note:
                    self._text_block(slide, note, top, SMALL_SIZE, italic=True, color=GREY, max_lines=2)

            flow.add(_Piece(heading_height + _line_height(14) + 0.1 + note_height, draw_empty))
            return

        def draw(slide: Slide, top: float, height: float) -> None:
            top = self._heading(slide, heading, top)
            plot = height - heading_height - note_height
            self._native_chart(slide, chart, top, plot)
            if note:
                self._text_block(slide, note, top + plot, SMALL_SIZE, italic=True, color=GREY, max_lines=2)

        flow.add(_Piece(heading_height + CHART_MIN + note_height, draw, grows=True))

    def _native_chart(self, slide: Slide, chart: Chart, top: float, height: float) -> None:
        number_format = excel_number_format(Cell(0.0, chart.value_kind), self.language)
        data = CategoryChartData(number_format=number_format)
        data.categories = chart.categories
        dated = all(isinstance(c, date) for c in chart.categories)
        for series in chart.series:
            # The chart's own workbook holds spreadsheet values (a percentage as a fraction).
            data.add_series(series.name, [excel_value(Cell(v, chart.value_kind)) for v in series.values])
        kind = XL_CHART_TYPE.LINE if chart.kind == ChartKind.LINE else XL_CHART_TYPE.COLUMN_CLUSTERED
        # python-pptx 1.0.2 annotates add_chart as taking the old ChartData and returning the
        # Chart; it takes any chart data and returns the graphic frame holding the chart.
        frame = cast(
            GraphicFrame,
            slide.shapes.add_chart(
                kind, Inches(MARGIN), Inches(top), Inches(CONTENT_WIDTH), Inches(height), cast(Any, data)
            ),
        )
        frame.name = "Chart"
        native = frame.chart
        native.has_title = False  # the heading above it is the title
        native.font.size = Pt(12)
        native.has_legend = len(chart.series) > 1
        if native.has_legend:
            native.legend.position = XL_LEGEND_POSITION.BOTTOM
            native.legend.include_in_layout = False
        values = native.value_axis
        values.tick_labels.number_format = number_format
        values.tick_labels.number_format_is_linked = False
        values.has_major_gridlines = True
        values.major_gridlines.format.line.color.rgb = _rgb(LIGHT_GREY)
        values.format.line.fill.background()
        if chart.y_title:
            values.has_title = True
            values.axis_title.text_frame.text = chart.y_title
        categories = native.category_axis
        categories.format.line.color.rgb = _rgb(LIGHT_GREY)
        if dated:
            categories.tick_labels.number_format = "dd.mm" if self.language == "ru" else "d mmm"
            categories.tick_labels.number_format_is_linked = False
        plot = native.plots[0]
        if chart.kind == ChartKind.BAR:
            plot.gap_width = 60
        for index, series in enumerate(plot.series):
            color = _rgb(series_color(self.report.branding, index))
            if chart.kind == ChartKind.BAR:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = color
            else:
                series.format.line.color.rgb = color
                series.format.line.width = Pt(2.25)
                series.smooth = False
                series.marker.style = XL_MARKER_STYLE.NONE

    def _figures(self, flow: _Flow, figures: Figures, heading: str) -> None:
        items = list(figures.items)
        first = True
        while items:
            chunk, items = items[: TILES_PER_ROW * 2], items[TILES_PER_ROW * 2 :]
            rows = math.ceil(len(chunk) / TILES_PER_ROW)
            title = heading if first else ""
            height = (HEADING_HEIGHT if title else 0.0) + rows * TILE_HEIGHT + (rows - 1) * GAP

            def draw(
                slide: Slide, top: float, _height: float, chunk: list[Figure] = chunk, title: str = title
            ) -> None:
                top = self._heading(slide, title, top)
                per_row = min(len(chunk), TILES_PER_ROW)
                width = (CONTENT_WIDTH - GAP * (per_row - 1)) / per_row
                for index, figure in enumerate(chunk):
                    row, column = divmod(index, TILES_PER_ROW)
                    self._tile(
                        slide, figure, MARGIN + column * (width + GAP), top + row * (TILE_HEIGHT + GAP), width
                    )

            flow.add(_Piece(height, draw))
            first = False

    def _tile(self, slide: Slide, figure: Figure, left: float, top: float, width: float) -> None:
        tile = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(TILE_HEIGHT)
        )
        tile.name = "Figure"
        tile.fill.solid()
        tile.fill.fore_color.rgb = _rgb("F3F5F8")
        tile.line.fill.background()
        tile.shadow.inherit = False
        strip = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(0.08), Inches(TILE_HEIGHT)
        )
        strip.fill.solid()
        strip.fill.fore_color.rgb = _rgb(self.accent)
        strip.line.fill.background()
        strip.shadow.inherit = False
        inner = width - 0.35
        frame = tile.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left, frame.margin_right = Inches(0.22), Inches(0.1)
        frame.margin_top = frame.margin_bottom = Inches(0.1)
        value = format_cell(figure.value, self.language)
        # The number is the point of the tile: as big as fits on one line, at most 36 pt, never cut.
        size = max(min(36, math.floor(inner * 72 / (_EM_BOLD * max(len(value), 1)))), 10)
        parts = [
            (_fit(figure.label, _per_line(inner, 14), 1)[0], 14.0, False, GREY),
            (value, float(size), True, tone_color(figure.value.tone) or self.brand),
        ]
        if figure.detail:
            parts.append((_fit(figure.detail, _per_line(inner, 12), 1)[0], 12.0, False, GREY))
        for index, (content, part_size, bold, color) in enumerate(parts):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.LEFT
            self._run(paragraph, content, part_size, bold=bold, color=color)

    def _paragraphs(self, flow: _Flow, paragraphs: Paragraphs, heading: str) -> None:
        per_line = _per_line(CONTENT_WIDTH - 0.45, BODY_SIZE)
        max_lines = int((CONTENT_BOTTOM - CONTENT_TOP - HEADING_HEIGHT) / _line_height(BODY_SIZE)) - 2
        items = [_fit(item, per_line, max_lines) for item in paragraphs.items]
        color = tone_color(paragraphs.tone)
        spacing = 6 / 72  # points after each paragraph
        first = True
        while items:
            title = heading if first else ""
            fixed = (HEADING_HEIGHT if title else 0.0) + 0.1
            chunk: list[tuple[str, int]] = []
            used = fixed
            space = flow.space()
            for item in items:
                height = item[1] * _line_height(BODY_SIZE) + spacing
                if chunk and used + height > space:
                    break
                chunk.append(item)
                used += height
            if used > space and not flow.empty:
                flow.new_page()
                continue
            items = items[len(chunk) :]

            def draw(
                slide: Slide,
                top: float,
                height: float,
                chunk: list[tuple[str, int]] = chunk,
                title: str = title,
            ) -> None:
                top = self._heading(slide, title, top)
                box = self._text_box(
                    slide, MARGIN, top, CONTENT_WIDTH, height - (HEADING_HEIGHT if title else 0.0)
                )
                box.name = "Text"
                for index, (content, _lines) in enumerate(chunk):
                    paragraph = box.text_frame.paragraphs[0] if index == 0 else box.text_frame.add_paragraph()
                    paragraph.space_after = Pt(6)
                    if paragraphs.bullets:
                        _bullet(paragraph)
                    self._run(paragraph, content, BODY_SIZE, color=color)

            flow.add(_Piece(used, draw))
            first = False


def _bullet(paragraph: _Paragraph) -> None:
    """A real bullet with a hanging indent (python-pptx has no API for it)."""
    properties = paragraph._p.get_or_add_pPr()
    properties.set("marL", str(Inches(0.3)))
    properties.set("indent", str(-Inches(0.3)))
    font = properties.makeelement(qn("a:buFont"), {"typeface": "Arial"})
    char = properties.makeelement(qn("a:buChar"), {"char": "•"})
    properties.append(font)
    properties.append(char)


class _Flow:
    """Pieces of one section distributed over slides, top to bottom."""

    def __init__(self) -> None:
        self.pages: list[list[_Piece]] = [[]]
        self.used = 0.0

    @property
    def empty(self) -> bool:
        return not self.pages[-1]

    def space(self) -> float:
        return CONTENT_BOTTOM - CONTENT_TOP - self.used - (GAP if self.pages[-1] else 0.0)

    def new_page(self) -> None:
        if self.pages[-1]:
            self.pages.append([])
            self.used = 0.0

    def add(self, piece: _Piece) -> None:
        if piece.height > self.space() and not self.empty:
            self.new_page()
        self.used += piece.height + (GAP if self.pages[-1] else 0.0)
        self.pages[-1].append(piece)


class _TableLayout:
    """Column widths, cell texts (cut to two lines) and row heights of a table on a slide."""

    PADDING = 0.14  # left + right cell margins, inches

    def __init__(self, table: Table, language: str) -> None:
        self.table = table
        total = sum(column.width for column in table.columns) or 1.0
        self.widths = [CONTENT_WIDTH * column.width / total for column in table.columns]
        self.size = TABLE_SIZE if min(self.widths) >= 0.85 else 10
        self._widen_value_columns(language)
        self.right = {
            index
            for index in range(len(table.columns))
            if any(row[index].kind != ValueKind.TEXT for row in table.rows)
        }
        per_line = [_per_line(width - self.PADDING, self.size) for width in self.widths]
        header_per_line = [_per_line(width - self.PADDING, self.size, bold=True) for width in self.widths]
        fitted = [_fit(column.title, header_per_line[i], 3) for i, column in enumerate(table.columns)]
        self.header = [value for value, _ in fitted]
        self.header_height = self._height(max(lines for _, lines in fitted))
        self.texts: list[list[str]] = []
        self.heights: list[float] = []
        for row in table.rows:
            cells = [
                _fit(format_cell(cell, language), per_line[i], 2)
                if cell.kind == ValueKind.TEXT
                # A number is never cut: it wraps (at no-break spaces, if it must) and the row grows.
                else (format_cell(cell, language), math.ceil(len(format_cell(cell, language)) / per_line[i]))
                for i, cell in enumerate(row)
            ]
            self.texts.append([value for value, _ in cells])
            self.heights.append(self._height(max(lines for _, lines in cells)))

    def _widen_value_columns(self, language: str) -> None:
        """Give number and date columns the width of their longest value and header word.

        Relative widths are a guess made without the data; a date broken over two lines
        ("25.01.202" / "7") is unreadable, so the text columns give up the room, down to an inch.
        """
        table = self.table
        need = [0.0] * len(table.columns)
        for index, column in enumerate(table.columns):
            values = [
                format_cell(row[index], language) for row in table.rows if row[index].kind != ValueKind.TEXT
            ]
            if not values:
                continue
            longest = max(len(value) for value in values)
            word = max((len(part) for part in column.title.split()), default=0)
            # Header words get a wider estimate: a bold word broken mid-way reads worst of all.
            need[index] = max(longest * _EM, word * 0.72) * self.size / 72 + self.PADDING
        short = sum(max(need[i] - self.widths[i], 0.0) for i in range(len(need)))
        text_columns = [i for i in range(len(need)) if need[i] == 0.0 and self.widths[i] > 1.0]
        spare = sum(self.widths[i] - 1.0 for i in text_columns)
        if short <= 0 or spare <= 0:
            return
        taken = min(short, spare)
        for i in range(len(need)):
            if need[i] > self.widths[i]:
                self.widths[i] += (need[i] - self.widths[i]) * taken / short
        for i in text_columns:
            self.widths[i] -= (self.widths[i] - 1.0) * taken / spare

    def _height(self, lines: int) -> float:
        return max(lines * _line_height(self.size) + 0.1, 0.34)

    def rows_fitting(self, rows: list[int], space: float) -> int:
        count, used = 0, 0.0
        for index in rows[:MAX_TABLE_ROWS]:
            used += self.heights[index]
            if used > space:
                break
            count += 1
        return count
