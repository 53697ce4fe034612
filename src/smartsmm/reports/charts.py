"""A document `Chart` as a reportlab vector drawing, for the PDF, and as inline SVG, for the web page.

Only layout happens here: the values come from the chart, and every number on an axis is written by
`formatting.format_value` with the chart's value kind, so an axis reads like the tables beside it.
Missing values (`None`) are gaps: a line breaks, a bar is absent. Colours follow the agency's
branding (primary, accent), then a fixed palette.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from xml.dom import minidom

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from smartsmm.reports import typefaces
from smartsmm.reports.document import NUMERIC_KINDS, Branding, Chart, ChartKind, ValueKind
from smartsmm.reports.formatting import format_value
from smartsmm.reports.labels import default_label

DEFAULT_WIDTH = 480.0
DEFAULT_HEIGHT = 210.0
NO_DATA_HEIGHT = 44.0
MAX_BAR = 34.0

# After the agency's two colours: distinct, print-safe, and none of them the red/green of a tone.
PALETTE = ("#5B8DB8", "#7E57C2", "#8D6E63", "#26A69A", "#EC407A", "#78909C", "#C0CA33")
TEXT = colors.HexColor("#333333")
MUTED = colors.HexColor("#6B6B6B")
GRID = colors.HexColor("#E3E3E3")
AXIS = colors.HexColor("#B5B5B5")

FONT_SIZE = 7.0
LEGEND_SIZE = 7.5
_HEX = re.compile(r"^#?[0-9a-fA-F]{6}$")


def parse_color(value: str, fallback: str) -> colors.Color:
    """A `#RRGGBB` colour; anything else (a typo in the agency settings) gives the fallback."""
    return colors.HexColor("#" + value.lstrip("#") if _HEX.match(value.strip()) else fallback)


def series_colors(branding: Branding, count: int) -> list[colors.Color]:
    base = [
        parse_color(branding.primary_color, "#1F4E79"),
        parse_color(branding.accent_color, "#F28C28"),
        *(colors.HexColor(c) for c in PALETTE),
    ]
    return [base[i % len(base)] for i in range(count)]


def _darkened(color: colors.Color) -> colors.Color:
    """A light colour made dark enough to read as a thin line; other colours as they are."""
    if 0.2126 * color.red + 0.7152 * color.green + 0.0722 * color.blue <= 0.7:
        return color
    return colors.Color(color.red * 0.7, color.green * 0.7, color.blue * 0.7)


# ---- the value axis -------------------------------------------------------------------------------


def _clean(x: float) -> float:
    """x without binary noise (0.30000000000000004 → 0.3)."""
    return float(f"{x:.12g}")


def value_scale(
    lo: float, hi: float, *, max_intervals: int = 5, integer: bool = False
) -> tuple[float, float, float]:
    """(axis minimum, axis maximum, step): the finest round step (1, 2, 2.5 or 5 × 10^k) whose
    ticks cover [lo, hi] in at most `max_intervals` intervals; whole steps only for counts."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    exponent = math.floor(math.log10((hi - lo) / max_intervals))
    if integer:
        exponent = max(exponent, 0)
    for power in range(exponent, exponent + 3):
        for mantissa in (1.0, 2.0, 2.5, 5.0):
            step = _clean(mantissa * 10.0**power)
            if integer and step != int(step):
                continue
            vmin = _clean(math.floor(lo / step + 1e-9) * step)
            vmax = _clean(math.ceil(hi / step - 1e-9) * step)
            if round((vmax - vmin) / step) <= max_intervals:
                return vmin, vmax, step
    raise AssertionError("unreachable: a step of 10^(e+2) always fits")  # pragma: no cover


def _axis_decimals(step: float, kind: ValueKind) -> int:
    shown = step * 100 if kind == ValueKind.PROBABILITY else step
    for places in range(5):
        scaled = shown * 10**places
        if abs(scaled - round(scaled)) < 1e-6:
            return places
    return 4


def _axis_formatter(kind: ValueKind, step: float, language: str) -> Callable[[float], str]:
    kind = kind if kind in NUMERIC_KINDS else ValueKind.NUMBER
    places = _axis_decimals(step, kind)

    def label(value: float) -> str:
        return format_value(value, kind, language, decimals=places)

    return label


# ---- the category axis ----------------------------------------------------------------------------


def _is_daily(categories: Sequence[date | str]) -> bool:
    if len(categories) < 2 or not all(isinstance(c, date) for c in categories):
        return False
    days = [c for c in categories if isinstance(c, date)]
    return all(b - a == timedelta(days=1) for a, b in itertools.pairwise(days))


def category_text(category: date | str, language: str) -> str:
    if isinstance(category, date):
        return category.strftime("%d.%m") if language == "ru" else category.strftime("%m-%d")
    return category


def category_labels(categories: Sequence[date | str], language: str, band: float) -> list[str]:
    """Axis labels, with '' for categories left unlabelled so that the labels never touch.

    A daily axis longer than two weeks is labelled once a week (from the first day); any other axis
    labels every category when there is room, else every n-th.
    """
    texts = [category_text(c, language) for c in categories]
    if not texts:
        return []
    widest = max(stringWidth(t, typefaces.REGULAR, FONT_SIZE) for t in texts) + 6
    every = max(1, math.ceil(widest / max(band, 0.1)))
    if _is_daily(categories) and len(categories) > 14:
        every = 7 * math.ceil(every / 7)
    if every == 1:
        return texts
    return [t if i % every == 0 else "" for i, t in enumerate(texts)]


def _shorten(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


# ---- the drawing ----------------------------------------------------------------------------------


def no_data_drawing(text: str, width: float = DEFAULT_WIDTH, height: float = NO_DATA_HEIGHT) -> Drawing:
    typefaces.register()
    drawing = Drawing(width, height, initialFontName=typefaces.REGULAR)
    drawing.add(
        Rect(
            0.5,
            0.5,
            width - 1,
            height - 1,
            rx=4,
            ry=4,
            fillColor=colors.HexColor("#F6F6F6"),
            strokeColor=GRID,
        )
    )
    drawing.add(
        String(
            width / 2,
            height / 2 - 3,
            text,
            fontName=typefaces.REGULAR,
            fontSize=8.5,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    return drawing


def _legend(
    drawing: Drawing,
    names: list[str],
    palette: list[colors.Color],
    kind: ChartKind,
    x: float,
    top: float,
    width: float,
) -> float:
    """Draw the legend in rows from (x, top) and return its height."""
    row_height = LEGEND_SIZE + 5
    cx, cy = x, top - row_height
    for name, color in zip(names, palette, strict=True):
        label = _shorten(name, 40)
        item = 14 + stringWidth(label, typefaces.REGULAR, LEGEND_SIZE) + 12
        if cx > x and cx + item > x + width:
            cx, cy = x, cy - row_height
        if kind == ChartKind.LINE:
            drawing.add(Line(cx, cy + 3, cx + 10, cy + 3, strokeColor=color, strokeWidth=2))
        else:
            drawing.add(Rect(cx, cy, 8, 7, fillColor=color, strokeColor=None))
        drawing.add(
            String(cx + 14, cy, label, fontName=typefaces.REGULAR, fontSize=LEGEND_SIZE, fillColor=TEXT)
        )
        cx += item
    return top - cy


def _runs(values: Sequence[float | None]) -> list[list[float | None]]:
    """The stretches of consecutive known values, each as a full-length row with None elsewhere."""
    runs: list[list[float | None]] = []
    current: list[float | None] | None = None
    for i, value in enumerate(values):
        if value is None:
            current = None
            continue
        if current is None:
            current = [None] * len(values)
            runs.append(current)
        current[i] = value
    return runs


def chart_drawing(
    chart: Chart,
    language: str,
    branding: Branding,
    *,
    width: float = DEFAULT_WIDTH,
    height: float = DEFAULT_HEIGHT,
    no_data_text: str | None = None,
) -> Drawing:
    """The chart (legend, axes and plot, without its title and note) as a vector drawing."""
    typefaces.register()
    if chart.is_empty or not chart.series:
        return no_data_drawing(no_data_text or default_label(language, "no_data"), width)

    values = [v for s in chart.series for v in s.values if v is not None]
    lo, hi = min(values), max(values)
    if chart.kind == ChartKind.BAR:
        lo, hi = min(lo, 0.0), max(hi, 0.0)  # a bar's length means something only from zero
    integer_kind = chart.value_kind in (ValueKind.INTEGER, ValueKind.SIGNED)
    vmin, vmax, step = value_scale(lo, hi, integer=integer_kind)
    fmt = _axis_formatter(chart.value_kind, step, language)
    tick_count = round((vmax - vmin) / step)
    tick_widths = [
        stringWidth(fmt(vmin + i * step), typefaces.REGULAR, FONT_SIZE) for i in range(tick_count + 1)
    ]

    drawing = Drawing(width, height, initialFontName=typefaces.REGULAR)
    palette = series_colors(branding, len(chart.series))
    if chart.kind == ChartKind.LINE:  # a thin line in a pale brand colour would vanish on white
        palette = [_darkened(c) for c in palette]
    top = height - _legend(drawing, [s.name for s in chart.series], palette, chart.kind, 0, height, width) - 4
    if chart.y_title:
        drawing.add(
            String(
                0,
                top - FONT_SIZE,
                _shorten(chart.y_title, 60),
                fontName=typefaces.REGULAR,
                fontSize=FONT_SIZE,
                fillColor=MUTED,
            )
        )
        top -= FONT_SIZE + 6

    plot_x = max(tick_widths) + 6
    plot_w = width - plot_x - 4
    band = plot_w / len(chart.categories)
    names = category_labels(chart.categories, language, band)
    names = [_shorten(n) for n in names]
    widest = max((stringWidth(n, typefaces.REGULAR, FONT_SIZE) for n in names if n), default=0.0)
    rotate = widest + 4 > band * max(1, _label_every(names))
    bottom = (widest * 0.5 + FONT_SIZE + 8) if rotate else FONT_SIZE + 10
    plot_h = max(20.0, top - bottom - 6)

    plot: HorizontalLineChart | VerticalBarChart
    if chart.kind == ChartKind.BAR:
        plot = VerticalBarChart()
        plot.data = [list(s.values) for s in chart.series]
        # In units of a bar's width: a thin gap inside a group, a wider one between groups, and
        # no bar wider than MAX_BAR however few the categories.
        bars = len(chart.series)
        plot.barWidth = 10
        plot.barSpacing = 1 if bars > 1 else 0
        plot.groupSpacing = 3 if len(chart.categories) > 12 else 6
        group = bars * 10 + (bars - 1) * plot.barSpacing + plot.groupSpacing
        if 10 * band / group > MAX_BAR:
            plot.groupSpacing = 10 * band / MAX_BAR - bars * 10 - (bars - 1) * plot.barSpacing
        plot.bars.strokeColor = None
        for i, color in enumerate(palette):
            plot.bars[i].fillColor = color
    else:
        plot = HorizontalLineChart()
        rows: list[list[float | None]] = []
        sparse = len(chart.categories) <= 16
        for i, s in enumerate(chart.series):
            for run in _runs(s.values):
                index = len(rows)
                rows.append(run)
                plot.lines[index].strokeColor = palette[i]
                plot.lines[index].strokeWidth = 1.8
                # A single day between gaps would be invisible as a line: mark it with a dot.
                if sparse or sum(v is not None for v in run) == 1:
                    plot.lines[index].symbol = makeMarker(
                        "FilledCircle", size=3.5, fillColor=palette[i], strokeColor=palette[i]
                    )
        plot.data = rows
        plot.joinedLines = 1

    plot.x, plot.y, plot.width, plot.height = plot_x, bottom, plot_w, plot_h
    value_axis = plot.valueAxis
    value_axis.valueMin, value_axis.valueMax, value_axis.valueStep = vmin, vmax, step
    value_axis.labelTextFormat = fmt
    value_axis.labels.fontName = typefaces.REGULAR
    value_axis.labels.fontSize = FONT_SIZE
    value_axis.labels.fillColor = MUTED
    value_axis.visibleAxis = 0
    value_axis.visibleTicks = 0
    value_axis.visibleGrid = 1
    value_axis.gridStrokeColor = GRID
    value_axis.gridStrokeWidth = 0.5
    value_axis.avoidBoundFrac = 0
    value_axis.rangeRound = "none"

    category_axis = plot.categoryAxis
    category_axis.categoryNames = names
    category_axis.labels.fontName = typefaces.REGULAR
    category_axis.labels.fontSize = FONT_SIZE
    category_axis.labels.fillColor = MUTED
    category_axis.strokeColor = AXIS
    category_axis.strokeWidth = 0.6
    category_axis.visibleTicks = 0
    category_axis.labels.dy = -3
    if rotate:
        category_axis.labels.angle = 30
        category_axis.labels.boxAnchor = "ne"
    else:
        category_axis.labels.boxAnchor = "n"
    if vmin < 0:  # keep the category axis at the bottom, and draw the zero line
        category_axis.joinAxisMode = "bottom"
    drawing.add(plot)
    if vmin < 0 < vmax:
        zero = bottom + plot_h * (0 - vmin) / (vmax - vmin)
        drawing.add(Line(plot_x, zero, plot_x + plot_w, zero, strokeColor=AXIS, strokeWidth=0.6))
    return drawing


def _label_every(names: list[str]) -> int:
    """How many categories one label spans (1 when every category is labelled)."""
    positions = [i for i, n in enumerate(names) if n]
    if len(positions) < 2:
        return max(1, len(names))
    return positions[1] - positions[0]


# ---- SVG ------------------------------------------------------------------------------------------

_FONT_HACKS = {
    typefaces.REGULAR: {"family": typefaces.CSS_FAMILY},
    typefaces.BOLD: {"family": typefaces.CSS_FAMILY, "weight": "bold"},
}


def drawing_svg(drawing: Drawing, title: str = "") -> str:
    """The drawing as an `<svg>` element to inline into HTML: no XML prolog or doctype, no ids (two
    charts on one page must not clash), a viewBox and a width of 100 % so that it scales."""
    raw = renderSVG.drawToString(
        drawing, useClip=True, fontHacks={k: dict(v) for k, v in _FONT_HACKS.items()}
    )
    document = minidom.parseString(raw.encode("utf-8"))
    svg = document.documentElement
    if svg is None:  # pragma: no cover - renderSVG always writes an <svg> root
        raise ValueError("renderSVG wrote no <svg> element")
    for element in svg.getElementsByTagName("*"):
        if element.hasAttribute("id"):
            element.removeAttribute("id")
    for name in ("title", "desc"):
        for node in list(svg.getElementsByTagName(name)):
            if node.parentNode is not None:
                node.parentNode.removeChild(node)
    svg.setAttribute("viewBox", f"0 0 {drawing.width:g} {drawing.height:g}")
    svg.setAttribute("width", "100%")
    svg.removeAttribute("height")
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet")
    svg.setAttribute("role", "img")
    if title:
        svg.setAttribute("aria-label", title)
        label = document.createElement("title")
        label.appendChild(document.createTextNode(title))
        svg.insertBefore(label, svg.firstChild)
    return svg.toxml()


def chart_svg(
    chart: Chart,
    language: str,
    branding: Branding,
    *,
    width: float = DEFAULT_WIDTH,
    height: float = DEFAULT_HEIGHT,
    no_data_text: str | None = None,
) -> str:
    """`chart_drawing` as an inline `<svg>` (see `drawing_svg`); the HTML shows the title and note."""
    drawing = chart_drawing(chart, language, branding, width=width, height=height, no_data_text=no_data_text)
    return drawing_svg(drawing, chart.title)
