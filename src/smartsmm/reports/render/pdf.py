"""A report as a PDF (A4, reportlab platypus), in the agency's colours, with DejaVu Sans embedded.

Layout only: every value's text comes from `formatting.format_cell`, every fixed word of the layout
from `labels.layout_label`. The first page carries the cover (logo, agency, title, client, period,
caveats) and the first section; every further section starts on a new page, in landscape when one of
its tables is too wide for portrait. Charts are vector drawings (`charts.py`); the only raster
image is the agency's logo. Output is byte-for-byte repeatable for the same report (`invariant`).
"""

from __future__ import annotations

import functools
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from smartsmm.reports import typefaces
from smartsmm.reports.charts import DEFAULT_HEIGHT, chart_drawing, parse_color
from smartsmm.reports.document import (
    NUMERIC_KINDS,
    Block,
    Chart,
    Figures,
    Paragraphs,
    Report,
    Section,
    Tone,
    ValueKind,
)
from smartsmm.reports.document import Table as TableBlock
from smartsmm.reports.formatting import format_cell, format_value
from smartsmm.reports.labels import layout_label

logger = logging.getLogger(__name__)
_BREAKS = re.compile(r"[ \t\r\n]+")

MARGIN_X = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 18 * mm
PORTRAIT = A4
LANDSCAPE = landscape(A4)

INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#6B6B6B")
RULE = colors.HexColor("#E2E2E2")
STRIPE = colors.HexColor("#F6F8FA")
TONE_COLORS = {
    Tone.GOOD: colors.HexColor("#2E7D32"),
    Tone.BAD: colors.HexColor("#C62828"),
    Tone.WARN: colors.HexColor("#B26A00"),
}
WARN_FILL = colors.HexColor("#FFF5E6")

CELL_SIZE = 8.0
HEADER_SIZE = 7.5
MIN_CELL_SIZE = 5.6
CELL_PAD_X = 4.0
FIGURES_PER_ROW = 4
SHORT_TEXT = 80.0  # a text cell narrower than this (in points) is a label, kept on one line
MAX_CELL_TEXT = 600  # characters of a text cell; a longer post text is cut (its link has all of it)
LONG_TEXT = 80  # characters: a cell this long is a text to read, not a label
NARROW_TEXT_COLUMN = 150.0  # points: a column of long texts narrower than this turns the page
KEEP_WITH_TITLE = 90.0  # points: a block's title starts a new page unless this much room is left


def _tint(color: colors.Color, share: float) -> colors.Color:
    """The colour mixed with white: `share` of the colour, the rest white."""
    return colors.Color(*(1 - share * (1 - c) for c in (color.red, color.green, color.blue)))


def _is_light(color: colors.Color) -> bool:
    return 0.2126 * color.red + 0.7152 * color.green + 0.0722 * color.blue > 0.6


def _hex(color: colors.Color) -> str:
    return "#" + color.hexval()[2:]


@dataclass(frozen=True)
class _Theme:
    """The report's colours and paragraph styles."""

    primary: colors.Color
    accent: colors.Color
    styles: dict[str, ParagraphStyle]

    def style(self, name: str, tone: Tone = Tone.NEUTRAL) -> ParagraphStyle:
        base = self.styles[name]
        if tone == Tone.NEUTRAL:
            return base
        return _toned(base, tone)


def _toned(base: ParagraphStyle, tone: Tone) -> ParagraphStyle:
    return ParagraphStyle(f"{base.name}-{tone}", parent=base, textColor=TONE_COLORS[tone])


def _theme(report: Report) -> _Theme:
    primary = parse_color(report.branding.primary_color, "#1F4E79")
    accent = parse_color(report.branding.accent_color, "#F28C28")
    heading_ink = INK if _is_light(primary) else primary
    regular, bold = typefaces.REGULAR, typefaces.BOLD

    def style(name: str, **kwargs: Any) -> ParagraphStyle:
        kwargs.setdefault("fontName", regular)
        kwargs.setdefault("textColor", INK)
        return ParagraphStyle(name, **kwargs)

    header_ink = INK if _is_light(primary) else colors.white
    styles = {
        "body": style("body", fontSize=9, leading=12.5),
        "bullet": style(
            "bullet",
            fontSize=9,
            leading=12.5,
            leftIndent=11,
            bulletIndent=1,
            spaceAfter=3,
            bulletFontName=regular,
        ),
        "agency": style("agency", fontName=bold, fontSize=10.5, leading=13, textColor=heading_ink),
        "title": style("title", fontName=bold, fontSize=21, leading=26, spaceAfter=6),
        "client": style("client", fontSize=13.5, leading=18, textColor=heading_ink, spaceAfter=8),
        "meta": style("meta", fontSize=8.5, leading=12, textColor=MUTED),
        "h1": style("h1", fontName=bold, fontSize=16, leading=20, textColor=heading_ink, spaceAfter=2),
        "h2": style("h2", fontName=bold, fontSize=10.5, leading=14, spaceBefore=12, spaceAfter=5),
        "note": style("note", fontSize=7.5, leading=10, textColor=MUTED, spaceBefore=3),
        "empty": style("empty", fontSize=8.5, leading=11, textColor=MUTED),
        "cell": style("cell", fontSize=CELL_SIZE, leading=10),
        "cell_right": style("cell_right", fontSize=CELL_SIZE, leading=10, alignment=TA_RIGHT),
        "head": style("head", fontName=bold, fontSize=HEADER_SIZE, leading=9.5, textColor=header_ink),
        "head_right": style(
            "head_right",
            fontName=bold,
            fontSize=HEADER_SIZE,
            leading=9.5,
            textColor=header_ink,
            alignment=TA_RIGHT,
        ),
        "fig_label": style("fig_label", fontSize=7.5, leading=9.5, textColor=MUTED),
        "fig_value": style("fig_value", fontName=bold, fontSize=17, leading=21, textColor=heading_ink),
        "fig_detail": style("fig_detail", fontSize=7.5, leading=9.5, textColor=MUTED),
        "caveat_title": style(
            "caveat_title", fontName=bold, fontSize=9, leading=12, textColor=TONE_COLORS[Tone.WARN]
        ),
    }
    return _Theme(primary, accent, styles)


def _text(value: str) -> str:
    """Plain text as Paragraph markup."""
    return escape(value).replace("\n", "<br/>")


def _glue_units(title: str) -> str:
    """A heading never breaks before its unit: "Change, %" must not leave "%" alone on a line."""
    return title.replace(" %", "\u00a0%")


def _table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A table style whose cells default to DejaVu (reportlab's default, Helvetica, has no Cyrillic)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), typefaces.REGULAR, CELL_SIZE, 10), *commands])


def _linked(markup: str, link: str, theme: _Theme) -> str:
    if not link:
        return markup
    href = escape(link, {'"': "&quot;"})
    return f'<a href="{href}" color="{_hex(theme.primary)}"><u>{markup}</u></a>'


# ---- tables ---------------------------------------------------------------------------------------


def _numeric_columns(table: TableBlock) -> list[bool]:
    return [
        any(row[i].kind in NUMERIC_KINDS for row in table.rows) if table.rows else False
        for i in range(len(table.columns))
    ]


def _fixed_columns(table: TableBlock) -> list[bool]:
    """Columns whose cells are never wrapped: numbers and dates (every non-text cell)."""
    return [
        bool(table.rows)
        and all(row[i].kind != ValueKind.TEXT and not isinstance(row[i].value, str) for row in table.rows)
        for i in range(len(table.columns))
    ]


def _longest_word(text: str, font: str, size: float) -> float:
    # Not str.split(): it splits at a no-break space too, where a Paragraph never breaks a line.
    return max((stringWidth(w, font, size) for w in _BREAKS.split(text)), default=0.0)


@dataclass(frozen=True)
class _Sizes:
    """Font sizes of a table: the standard ones, or smaller for a table too wide for the page."""

    cell: float = CELL_SIZE
    header: float = HEADER_SIZE

    def scaled(self, factor: float) -> _Sizes:
        return _Sizes(self.cell * factor, self.header * factor)


def _column_widths(
    table: TableBlock, language: str, available: float, sizes: _Sizes = _Sizes()
) -> tuple[list[float], float]:
    """(widths, width needed): number and date columns as wide as their longest value, text columns
    sharing the rest by their relative widths (and wrapping); the width needed is the least the
    table takes. A table of numbers only spreads them over the width by their relative widths."""
    fixed = _fixed_columns(table)
    pad = 2 * CELL_PAD_X + 1
    short_text = SHORT_TEXT * sizes.cell / CELL_SIZE
    needs: list[float] = []
    for i, column in enumerate(table.columns):
        header = _longest_word(_glue_units(column.title), typefaces.BOLD, sizes.header) + pad
        texts = [format_cell(row[i], language) for row in table.rows]
        widest = max(stringWidth(t, typefaces.REGULAR, sizes.cell) for t in texts)
        if fixed[i]:
            needs.append(max(header, widest + pad) + 4)
        else:
            # A short label ("On track") should not wrap; a long text wraps, but not inside a word.
            if widest > short_text:
                widest = min(short_text, max(_longest_word(t, typefaces.REGULAR, sizes.cell) for t in texts))
            needs.append(max(header, widest + pad, 48.0))
    needed = sum(needs)
    flexible = [i for i in range(len(needs)) if not fixed[i]] or list(range(len(needs)))
    widths = [0.0 if i in flexible else needs[i] for i in range(len(needs))]
    # Share what the fixed columns leave by relative width, never giving a column less than it needs.
    pool = flexible
    while pool:
        rest = available - sum(widths[i] for i in range(len(widths)) if i not in pool)
        weight = sum(table.columns[i].width for i in pool) or 1.0
        share = {i: rest * table.columns[i].width / weight for i in pool}
        short = [i for i in pool if share[i] < needs[i]]
        if not short:
            for i in pool:
                widths[i] = share[i]
            break
        for i in short:
            widths[i] = needs[i]
        pool = [i for i in pool if i not in short]
    return widths, needed


def _clamped(text: str) -> str:
    """A text cell cut to a length that cannot make a row taller than a page (the link keeps the rest)."""
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1].rstrip() + "…"


def _block_title(title: str, theme: _Theme) -> list[Flowable]:
    """A block title that never stays alone at the foot of a page (nor takes a long table along)."""
    if not title:
        return []
    return [CondPageBreak(KEEP_WITH_TITLE), Paragraph(_text(title), theme.styles["h2"])]


def _table(block: TableBlock, theme: _Theme, language: str, width: float, empty_text: str) -> list[Flowable]:
    flowables = _block_title(block.title, theme)
    if not block.rows:
        box = Table(
            [[Paragraph(_text(block.empty_text or empty_text), theme.styles["empty"])]],
            colWidths=[width],
            style=_table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), STRIPE),
                    ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 8),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ]
            ),
        )
        flowables.append(box)
    else:
        sizes = _Sizes()
        widths, needed = _column_widths(block, language, width, sizes)
        while needed > width and sizes.cell > MIN_CELL_SIZE:  # too wide even for its page: smaller type
            sizes = sizes.scaled(max(MIN_CELL_SIZE / sizes.cell, 0.92))
            widths, needed = _column_widths(block, language, width, sizes)
        numeric = _numeric_columns(block)
        fixed = _fixed_columns(block)
        cell_style = _cell_styles(theme, sizes)
        header = [
            Paragraph(_text(_glue_units(c.title)), cell_style["head_right" if numeric[i] else "head"])
            for i, c in enumerate(block.columns)
        ]
        data: list[list[str | Paragraph]] = [header]
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), typefaces.REGULAR, sizes.cell, sizes.cell * 1.25),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("BACKGROUND", (0, 0), (-1, 0), theme.primary),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("TOPPADDING", (0, 0), (-1, 0), 5),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 5),
        ]
        for i, is_numeric in enumerate(numeric):
            if is_numeric:
                commands.append(("ALIGN", (i, 1), (i, -1), "RIGHT"))
        for r, row in enumerate(block.rows, start=1):
            cells: list[str | Paragraph] = []
            for i, cell in enumerate(row):
                text = format_cell(cell, language)
                if fixed[i] and not cell.link:
                    cells.append(text)  # never wraps; colour and alignment come from the table style
                else:
                    style = cell_style["cell_right" if numeric[i] else "cell"]
                    if cell.tone != Tone.NEUTRAL:
                        style = _toned(style, cell.tone)
                    cells.append(Paragraph(_linked(_text(_clamped(text)), cell.link, theme), style))
                if cell.tone != Tone.NEUTRAL:
                    commands.append(("TEXTCOLOR", (i, r), (i, r), TONE_COLORS[cell.tone]))
            data.append(cells)
        flowables.append(
            Table(data, colWidths=widths, repeatRows=1, style=_table_style(commands), hAlign="LEFT")
        )
    if block.note:
        flowables.append(Paragraph(_text(block.note), theme.styles["note"]))
    return flowables


def _cell_styles(theme: _Theme, sizes: _Sizes) -> dict[str, ParagraphStyle]:
    names = ("cell", "cell_right", "head", "head_right")
    if sizes == _Sizes():
        return {name: theme.styles[name] for name in names}
    return {
        name: ParagraphStyle(
            f"{name}-{sizes.cell:.2f}",
            parent=theme.styles[name],
            fontSize=sizes.header if name.startswith("head") else sizes.cell,
            leading=(sizes.header if name.startswith("head") else sizes.cell) * 1.27,
        )
        for name in names
    }


# ---- other blocks ---------------------------------------------------------------------------------


def _figures(block: Figures, theme: _Theme, language: str, width: float) -> list[Flowable]:
    flowables = _block_title(block.title, theme)
    if not block.items:
        return flowables
    gap = 6.0
    per_row = min(FIGURES_PER_ROW, len(block.items))
    tile_width = (width - gap * (per_row - 1)) / per_row
    fill = _tint(theme.primary, 0.07)
    rows: list[list[Any]] = []
    for start in range(0, len(block.items), per_row):
        row: list[Any] = []
        for figure in block.items[start : start + per_row]:
            value_style = theme.style("fig_value", figure.value.tone)
            content = [
                Paragraph(_text(figure.label), theme.styles["fig_label"]),
                Paragraph(_text(format_cell(figure.value, language)), value_style),
                Paragraph(_text(figure.detail) if figure.detail else "&nbsp;", theme.styles["fig_detail"]),
            ]
            row.extend([content, ""])
        row = row[:-1]
        row.extend([""] * (2 * per_row - 1 - len(row)))
        rows.append(row)
    col_widths = [tile_width if i % 2 == 0 else gap for i in range(2 * per_row - 1)]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 9),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]
    for r, row in enumerate(rows):
        for c in range(0, len(row), 2):
            if row[c] != "":
                commands.append(("BACKGROUND", (c, r), (c, r), fill))
                commands.append(("LINEBEFORE", (c, r), (c, r), 2.5, theme.accent))
        if r:
            commands.append(("TOPPADDING", (0, r), (-1, r), 8 + gap))
    flowables.append(Table(rows, colWidths=col_widths, style=_table_style(commands), hAlign="LEFT"))
    return flowables


def _paragraphs(block: Paragraphs, theme: _Theme, width: float) -> list[Flowable]:
    flowables = _block_title(block.title, theme)
    style = theme.styles["bullet" if block.bullets else "body"]
    items: list[Flowable] = [
        Paragraph(_text(item), style, bulletText="•" if block.bullets else None) for item in block.items
    ]
    if block.tone == Tone.NEUTRAL or not items:
        return flowables + items
    color = TONE_COLORS[block.tone]
    box = Table(
        [[items]],
        colWidths=[width],
        style=_table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), _tint(color, 0.08)),
                ("LINEBEFORE", (0, 0), (0, -1), 2.5, color),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        ),
    )
    return [*flowables, box]


def _chart(block: Chart, report: Report, theme: _Theme, width: float) -> list[Flowable]:
    parts: list[Flowable] = []
    if block.title:
        parts.append(Paragraph(_text(block.title), theme.styles["h2"]))
    parts.append(
        chart_drawing(
            block,
            report.language,
            report.branding,
            width=width,
            height=DEFAULT_HEIGHT,
            no_data_text=layout_label(report, "no_data"),
        )
    )
    if block.note:
        parts.append(Paragraph(_text(block.note), theme.styles["note"]))
    return [KeepTogether(parts)]


def _block(block: Block, report: Report, theme: _Theme, width: float) -> list[Flowable]:
    if isinstance(block, TableBlock):
        return _table(block, theme, report.language, width, layout_label(report, "no_data"))
    if isinstance(block, Chart):
        return _chart(block, report, theme, width)
    if isinstance(block, Figures):
        return _figures(block, theme, report.language, width)
    return _paragraphs(block, theme, width)


# ---- cover, sections, page furniture --------------------------------------------------------------


class _SectionTitle(Paragraph):
    """A section heading that also becomes a PDF bookmark."""

    def __init__(self, text: str, style: ParagraphStyle, key: str, title: str) -> None:
        super().__init__(text, style)
        self.outline = (key, title)


class _Rule(Flowable):
    def __init__(self, color: colors.Color, thickness: float = 1.2, space_after: float = 10) -> None:
        super().__init__()
        self.color, self.thickness, self.space_after = color, thickness, space_after

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.thickness + self.space_after

    def draw(self) -> None:
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.thickness)
        y = self.space_after + self.thickness / 2
        self.canv.line(0, y, self.width, y)


def _logo(report: Report) -> Image | None:
    data = report.branding.logo
    if not data:
        return None
    try:
        reader = ImageReader(io.BytesIO(data))
        pixels_w, pixels_h = reader.getSize()
    except Exception:  # a broken upload must not cost the client the whole report
        logger.warning("report %s: the agency logo is not a readable image; left out", report.slug)
        return None
    box_w, box_h = 42 * mm, 15 * mm
    scale = min(box_w / pixels_w, box_h / pixels_h)
    image = Image(io.BytesIO(data), width=pixels_w * scale, height=pixels_h * scale)
    image.hAlign = "LEFT"
    return image


def _generated_at(report: Report) -> str:
    moment = report.generated_at
    text = format_value(moment, ValueKind.DATETIME, report.language)
    zone = moment.tzname() if moment.tzinfo is not None else None
    return f"{text} {zone}" if zone else text


def _cover(report: Report, theme: _Theme, width: float) -> list[Flowable]:
    flowables: list[Flowable] = []
    agency = Paragraph(_text(report.branding.agency_name), theme.styles["agency"])
    logo = _logo(report)
    if logo is not None:
        flowables.append(
            Table(
                [[logo, agency]],
                colWidths=[logo.drawWidth + 10, None],
                style=_table_style(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                        ("TOPPADDING", (0, 0), (-1, -1), 0),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                    ]
                ),
                hAlign="LEFT",
            )
        )
    else:
        flowables.append(agency)
    flowables += [
        Spacer(1, 12 * mm),
        Paragraph(_text(report.title), theme.styles["title"]),
        Paragraph(_text(report.client_name), theme.styles["client"]),
        Paragraph(
            f"{_text(layout_label(report, 'period'))}: {_text(report.period_label)}<br/>"
            f"{_text(layout_label(report, 'generated_at'))}: {_text(_generated_at(report))}",
            theme.styles["meta"],
        ),
        Spacer(1, 6 * mm),
    ]
    if report.caveats:
        items: list[Flowable] = [
            Paragraph(_text(layout_label(report, "caveats")), theme.styles["caveat_title"])
        ]
        items += [Paragraph(_text(c), theme.styles["bullet"], bulletText="•") for c in report.caveats]
        flowables.append(
            Table(
                [[items]],
                colWidths=[width],
                style=_table_style(
                    [
                        ("BACKGROUND", (0, 0), (-1, -1), WARN_FILL),
                        ("LINEBEFORE", (0, 0), (0, -1), 3, TONE_COLORS[Tone.WARN]),
                        ("LEFTPADDING", (0, 0), (-1, -1), 10),
                        ("TOPPADDING", (0, 0), (-1, -1), 7),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ]
                ),
            )
        )
        flowables.append(Spacer(1, 4 * mm))
    return flowables


def _frame_width(template: str) -> float:
    page = LANDSCAPE if template == "landscape" else PORTRAIT
    return float(page[0] - 2 * MARGIN_X)


def _template_for(section: Section, language: str) -> str:
    """Landscape when a table of the section cannot fit a portrait page without squeezing numbers,
    or would leave a column of long texts (posts) too narrow to read."""
    portrait = _frame_width("portrait")
    for block in section.blocks:
        if not isinstance(block, TableBlock) or not block.rows:
            continue
        widths, needed = _column_widths(block, language, portrait)
        if needed > portrait:
            return "landscape"
        fixed = _fixed_columns(block)
        for i, width in enumerate(widths):
            long_text = any(len(format_cell(row[i], language)) > LONG_TEXT for row in block.rows)
            if not fixed[i] and long_text and width < NARROW_TEXT_COLUMN:
                return "landscape"
    return "portrait"


def _section(section: Section, report: Report, theme: _Theme, width: float) -> list[Flowable]:
    flowables: list[Flowable] = [
        _SectionTitle(_text(section.title), theme.styles["h1"], section.key, section.title),
        _Rule(theme.accent, 1.2, 4),
    ]
    for block in section.blocks:
        flowables += _block(block, report, theme, width)
    return flowables


SECTION_ROOM = 110 * mm


def _first_template(report: Report) -> str:
    # The cover shares its page with the first section (the goals), so it takes that section's
    # orientation: a landscape goals table would otherwise leave the cover page empty.
    return _template_for(report.sections[0], report.language) if report.sections else "portrait"


def _story(report: Report, theme: _Theme) -> list[Flowable]:
    current = _first_template(report)
    story: list[Flowable] = _cover(report, theme, _frame_width(current))
    for index, section in enumerate(report.sections):
        template = _template_for(section, report.language)
        if current == "landscape":
            # Once landscape, stay so: turning back to portrait costs a half-empty page and makes
            # the reader turn the document on screen.
            template = "landscape"
        if template != current:
            story.append(NextPageTemplate(template))
            story.append(PageBreak())
            current = template
        elif index == 0:
            story.append(CondPageBreak(60 * mm))  # do not start the section at the foot of the cover
        else:
            # A short section (next month's goals, a glossary) follows the previous one on the same
            # page when a good part of the page is left, instead of leaving pages nearly empty.
            story += [CondPageBreak(SECTION_ROOM), Spacer(1, 8 * mm)]
        story += _section(section, report, theme, _frame_width(template))
    return story


class _Document(BaseDocTemplate):
    def afterFlowable(self, flowable: Flowable) -> None:
        outline = getattr(flowable, "outline", None)
        if outline:
            self.canv.outlines.append(outline)


class _NumberedCanvas(Canvas):
    """Holds pages back until the end so that each footer can say "page N of M"."""

    def __init__(self, *args: Any, report: Report, theme: _Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._report, self._theme = report, theme
        self._pages: list[dict[str, Any]] = []
        # Bookmarks of the page being drawn; added when the page is really written, because a
        # bookmark points at the document's current page and the pages are held back till then.
        self.outlines: list[tuple[str, str]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self.outlines = []
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._furniture(total)
            for key, title in self.outlines:
                self.bookmarkPage(key)
                self.addOutlineEntry(title, key, level=0)
            super().showPage()
        super().save()

    def _furniture(self, total: int) -> None:
        report, theme = self._report, self._theme
        width, height = self._pagesize
        left, right = MARGIN_X, width - MARGIN_X
        number = self.getPageNumber()
        self.saveState()
        if number == 1:
            self.setFillColor(theme.primary)
            self.rect(0, height - 6, width, 6, stroke=0, fill=1)
            self.setFillColor(theme.accent)
            self.rect(0, height - 8, width, 2, stroke=0, fill=1)
        else:
            self.setFont(typefaces.REGULAR, 7.5)
            self.setFillColor(MUTED)
            top = height - MARGIN_TOP + 18
            period = _fit(report.period_label, (right - left) * 0.45, 7.5)
            room = right - left - stringWidth(period, typefaces.REGULAR, 7.5) - 24
            self.drawString(left, top, _fit(f"{report.client_name} · {report.title}", room, 7.5))
            self.drawRightString(right, top, period)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(left, top - 5, right, top - 5)
        self.setStrokeColor(theme.primary)
        self.setLineWidth(1.2)
        base = MARGIN_BOTTOM - 16
        self.line(left, base + 11, right, base + 11)
        self.setFont(typefaces.REGULAR, 7.5)
        self.setFillColor(MUTED)
        page = layout_label(report, "page_of").format(page=number, pages=total)
        self.drawString(left, base, _fit(report.branding.agency_name, right - left - 120, 7.5))
        self.drawRightString(right, base, page)
        self.restoreState()


def _fit(text: str, width: float, size: float) -> str:
    """The text, cut with an ellipsis to fit the width."""
    if stringWidth(text, typefaces.REGULAR, size) <= width:
        return text
    while text and stringWidth(text + "…", typefaces.REGULAR, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _templates(first: str = "portrait") -> Sequence[PageTemplate]:
    templates = []
    sizes = {"portrait": PORTRAIT, "landscape": LANDSCAPE}
    # The document starts on the first template of the list.
    for name in sorted(sizes, key=lambda n: n != first):
        size = sizes[name]
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            size[0] - 2 * MARGIN_X,
            size[1] - MARGIN_TOP - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=name,
        )
        templates.append(PageTemplate(id=name, frames=[frame], pagesize=size))
    return templates


def render(report: Report) -> bytes:
    """The report as PDF bytes."""
    typefaces.register()
    theme = _theme(report)
    buffer = io.BytesIO()
    document = _Document(
        buffer,
        pagesize=LANDSCAPE if _first_template(report) == "landscape" else PORTRAIT,
        pageTemplates=_templates(_first_template(report)),
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=report.title,
        author=report.branding.agency_name,
        subject=f"{report.client_name}: {report.period_label}",
        creator="smartsmm",
        producer="smartsmm",
        lang=report.language,
        initialFontName=typefaces.REGULAR,
        invariant=1,
        displayDocTitle=1,
    )
    document.build(
        _story(report, theme),
        canvasmaker=functools.partial(_NumberedCanvas, report=report, theme=theme),
    )
    return buffer.getvalue()
