"""Chart drawings: the same vector chart in the PDF and, as inline SVG, in the web page.

Axes speak the report's number format, a daily axis is labelled once a week, a missing value is a
gap (a line breaks, a bar is absent), and the SVG can be inlined into HTML as is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.graphics.widgetbase import Widget
from reportlab.lib import colors

from smartsmm.reports.charts import category_labels, chart_drawing, chart_svg, series_colors, value_scale
from smartsmm.reports.document import Branding, Chart, ChartKind, Series, ValueKind
from tests.reports.sample import sample_report

SVG = "{http://www.w3.org/2000/svg}"
BRANDING = Branding("Агентство", "#0B5394", "#E69138")
DAYS = tuple(date(2026, 10, 1) + timedelta(days=i) for i in range(31))


def _charts(language: str) -> list[Chart]:
    report = sample_report(language)
    return [block for section in report.sections for block in section.blocks if isinstance(block, Chart)]


def _plot(drawing: Drawing) -> HorizontalLineChart | VerticalBarChart:
    return next(node for node in drawing.contents if isinstance(node, HorizontalLineChart | VerticalBarChart))


def _shapes(node: object) -> Iterator[object]:
    """Every primitive shape of a drawing, with its chart widgets expanded into shapes."""
    if isinstance(node, Widget):
        yield from _shapes(node.provideNode())
    elif isinstance(node, Group):
        for child in node.contents:
            yield from _shapes(child)
    else:
        yield node


def _flat_strings(drawing: Drawing) -> list[str]:
    return [shape.text for shape in _shapes(drawing) if isinstance(shape, String)]


def _rects(drawing: Drawing, fill: colors.Color) -> list[Rect]:
    return [shape for shape in _shapes(drawing) if isinstance(shape, Rect) and shape.fillColor == fill]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_it_makes_an_inline_svg_with_a_viewbox_and_the_series_names(language):
    for chart in _charts(language)[:3]:
        svg = chart_svg(chart, language, BRANDING)
        assert svg.startswith("<svg") and "<?xml" not in svg and "DOCTYPE" not in svg
        root = ElementTree.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("viewBox") == "0 0 480 210"
        assert root.get("width") == "100%" and root.get("height") is None
        texts = [node.text for node in root.iter(f"{SVG}text")]
        for series in chart.series:
            assert series.name in texts
        assert root.find(f"{SVG}title").text == chart.title


def test_it_leaves_no_ids_that_would_clash_when_two_charts_share_a_page():
    svg = chart_svg(_charts("ru")[0], "ru", BRANDING)
    assert " id=" not in svg


def test_it_asks_the_browser_for_dejavu_or_a_sans_serif_fallback():
    svg = chart_svg(_charts("ru")[0], "ru", BRANDING)
    assert "font-family: 'DejaVu Sans'" in svg and "sans-serif" in svg


def test_it_writes_axis_numbers_in_the_reports_format():
    followers = _charts("ru")[0]
    assert "35\u00a0000" in _flat_strings(chart_drawing(followers, "ru", BRANDING))
    assert "35,000" in _flat_strings(chart_drawing(_charts("en")[0], "en", BRANDING))
    share = Chart(
        "ER", ChartKind.LINE, ("a", "b"), (Series("ER", (1.25, 2.5)),), value_kind=ValueKind.PERCENT
    )
    labels = _flat_strings(chart_drawing(share, "ru", BRANDING))
    assert "1,25 %" in labels and "2,50 %" in labels  # one precision for the whole axis


def test_it_labels_a_month_of_days_once_a_week():
    assert [label for label in category_labels(DAYS, "ru", 15.0) if label] == [
        "01.10",
        "08.10",
        "15.10",
        "22.10",
        "29.10",
    ]
    assert [label for label in category_labels(DAYS, "en", 15.0) if label][:2] == ["10-01", "10-08"]


def test_it_labels_every_named_category_when_there_is_room():
    assert category_labels(("ВКонтакте", "Telegram", "YouTube"), "ru", 150.0) == [
        "ВКонтакте",
        "Telegram",
        "YouTube",
    ]


def test_it_breaks_a_line_where_values_are_missing():
    chart = Chart(
        "Охват",
        ChartKind.LINE,
        DAYS,
        (Series("Охват", tuple(None if i in (12, 13) else 1.0 * i for i in range(31))),),
    )
    plot = _plot(chart_drawing(chart, "ru", BRANDING))
    assert len(plot.data) == 2  # two stretches of the one series, drawn in the same colour
    assert plot.lines[0].strokeColor == plot.lines[1].strokeColor == colors.HexColor("#0B5394")


def test_it_leaves_out_the_bars_of_missing_values():
    reach = _charts("ru")[1]
    bars = _rects(chart_drawing(reach, "ru", BRANDING), colors.HexColor("#0B5394"))
    assert len(bars) == (31 - 2) + 1  # the bars of the days with data, and the legend's swatch


def test_it_colours_series_with_the_agencys_colours_first():
    palette = series_colors(BRANDING, 9)
    assert palette[0] == colors.HexColor("#0B5394") and palette[1] == colors.HexColor("#E69138")
    assert len(set(map(str, palette[:9]))) == 9
    broken = series_colors(Branding("x", "blue", "#12345"), 2)
    assert broken == [colors.HexColor("#1F4E79"), colors.HexColor("#F28C28")]


def test_it_starts_bars_at_zero_but_fits_lines_to_their_values():
    bars = _plot(chart_drawing(_charts("ru")[1], "ru", BRANDING))
    line = _plot(chart_drawing(_charts("ru")[0], "ru", BRANDING))
    assert bars.valueAxis.valueMin == 0
    assert line.valueAxis.valueMin == 10000


def test_it_draws_negative_bars_below_a_zero_line():
    chart = Chart(
        "Прирост",
        ChartKind.BAR,
        ("a", "b", "c"),
        (Series("Прирост", (-40.0, 25.0, None)),),
        value_kind=ValueKind.SIGNED,
    )
    drawing = chart_drawing(chart, "ru", BRANDING)
    assert _plot(drawing).valueAxis.valueMin < 0
    assert (
        "−40" in _flat_strings(drawing) and "+20" in _flat_strings(drawing) and "0" in _flat_strings(drawing)
    )


@pytest.mark.parametrize("language, words", [("ru", "Нет данных"), ("en", "No data")])
def test_it_draws_a_small_no_data_box_for_an_empty_chart(language, words):
    empty = _charts(language)[3]
    drawing = chart_drawing(empty, language, BRANDING)
    assert drawing.height < 60
    assert words in _flat_strings(drawing)
    assert words in chart_svg(empty, language, BRANDING)
    only_gaps = Chart("x", ChartKind.BAR, ("a",), (Series("s", (None,)),))
    assert words in _flat_strings(chart_drawing(only_gaps, language, BRANDING))


def test_it_picks_round_ticks_around_the_values():
    assert value_scale(30000, 30650) == (30000, 30800, 200)
    assert value_scale(0, 1234567) == (0, 1250000, 250000)
    assert value_scale(-40, 25) == (-40, 40, 20)
    assert value_scale(0, 0.734) == (0, 0.8, 0.2)  # a probability: 0 %, 20 %, … 80 %
    assert value_scale(5, 5, integer=True) == (4, 6, 1)
    assert value_scale(0, 0.004, integer=True) == (0, 1, 1)  # never a fraction of a follower
