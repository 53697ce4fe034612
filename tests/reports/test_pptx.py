"""The PPTX renderer: a title slide, then a slide (or more) per section, native tables and charts."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches

import smartsmm
from smartsmm.reports.document import (
    Cell,
    Chart,
    ChartKind,
    Column,
    Figure,
    Figures,
    Paragraphs,
    Report,
    Section,
    Series,
    Table,
    Tone,
    ValueKind,
    text,
)
from smartsmm.reports.formatting import format_cell
from smartsmm.reports.render import render as render_any
from smartsmm.reports.render.pptx import CONTENT_BOTTOM, FOOTER_TOP, render
from tests.reports.sample import sample_report


def _open(report: Report):  # type: ignore[no-untyped-def]
    return Presentation(BytesIO(render(report)))


def _title(slide) -> str:  # type: ignore[no-untyped-def]
    return next(shape.text_frame.text for shape in slide.shapes if shape.name == "Title")


def _titles(deck) -> list[str]:  # type: ignore[no-untyped-def]
    return [_title(slide) for slide in list(deck.slides)[1:]]


def _shapes(deck, name: str) -> list:  # type: ignore[no-untyped-def]
    return [shape for slide in deck.slides for shape in slide.shapes if shape.name == name]


def _texts(slide) -> list[str]:  # type: ignore[no-untyped-def]
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def _with_sections(*sections: Section, language: str = "en", **changes) -> Report:  # type: ignore[no-untyped-def]
    return dataclasses.replace(sample_report(language), sections=sections, **changes)


def _stress_report(language: str) -> Report:
    """Everything at once that could push a shape off a slide."""
    long = "Очень длинный текст публикации с хэштегами #кофе #осень " * 12
    days = tuple(date(2026, 1, 1) + timedelta(days=i) for i in range(120))
    many_rows = Table(
        "Публикации",
        (Column("Дата", 1.4), Column("Публикация", 4), Column("Охват"), Column("ERR", 0.8)),
        tuple(
            (
                Cell(days[i], ValueKind.DATE),
                text(long),
                Cell(123456789, ValueKind.INTEGER),
                Cell(3.97, ValueKind.PERCENT),
            )
            for i in range(31)
        ),
        note=long,
    )
    wide = Table(
        "Wide",
        tuple(Column(f"Заголовок столбца номер {i}") for i in range(14)),
        ((*(Cell(-1234567.891, ValueKind.SIGNED) for _ in range(13)), text(long)),) * 5,
    )
    figures = Figures(
        tuple(
            Figure(f"Показатель с длинным названием {i}", Cell(-123456789.5, ValueKind.SIGNED), long)
            for i in range(11)
        ),
        title="Цифры",
    )
    paragraphs = Paragraphs(tuple(long * (i % 3 + 1) for i in range(9)), title="Выводы")
    chart = Chart(
        "Много рядов",
        ChartKind.LINE,
        days,
        tuple(Series(f"Ряд {i}", tuple(float(i * d) for d in range(120))) for i in range(9)),
        note=long,
    )
    sections = (
        Section(
            "a",
            "Очень длинное название раздела, которое не помещается в одну строку заголовка слайда",
            (figures, paragraphs),
        ),
        Section("b", "Таблицы", (many_rows, wide, chart, chart)),
    )
    return _with_sections(*sections, language=language, title=long, client_name=long, caveats=(long,) * 5)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_it_makes_16_9_slides(language):
    deck = _open(sample_report(language))
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, abs=0.001)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_it_starts_with_a_title_slide(language):
    report = sample_report(language)
    texts = " ".join(_texts(_open(report).slides[0]))
    for value in (report.branding.agency_name, report.title, report.client_name, report.period_label):
        assert value in texts
    assert report.caveats[0] in texts


def test_it_puts_the_logo_on_the_title_slide_when_given():
    pictures = [
        s for s in _open(sample_report("en")).slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert len(pictures) == 1
    assert pictures[0].height == Inches(1.0)
    without = _open(sample_report("en", logo=None)).slides[0].shapes
    assert not [s for s in without if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_it_still_renders_with_a_broken_logo():
    deck = _open(sample_report("en", logo=b"not an image"))
    assert "Example agency" in " ".join(_texts(deck.slides[0]))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_it_gives_every_section_a_slide_in_order(language):
    report = sample_report(language)
    titles = _titles(_open(report))
    firsts = [title for title in titles if not title.endswith(("(cont.)", "(продолжение)"))]
    assert firsts == [section.title for section in report.sections]


def test_it_continues_a_long_section_on_slides_titled_cont():
    titles = _titles(_open(sample_report("en")))
    assert titles.count("KPIs (cont.)") >= 1
    assert titles.index("KPIs (cont.)") == titles.index("KPIs") + 1


def test_it_titles_continuation_slides_in_the_reports_language():
    assert "Показатели (продолжение)" in _titles(_open(sample_report("ru")))
    report = dataclasses.replace(sample_report("ru"), labels={"continued": "(далее)"})
    assert "Показатели (далее)" in _titles(_open(report))


def test_it_shows_table_cells_as_formatted_by_format_cell():
    report = sample_report("ru")
    goals = report.section("goals").blocks[0]
    assert isinstance(goals, Table)
    table = _shapes(_open(report), "Table")[0].table
    assert [table.cell(0, i).text for i in range(len(goals.columns))] == [c.title for c in goals.columns]
    for row_index, row in enumerate(goals.rows, start=1):
        for column_index, cell in enumerate(row):
            assert table.cell(row_index, column_index).text == format_cell(cell, "ru")
    assert table.cell(2, 7).text == "—"
    assert table.cell(1, 5).text == "73 %"


def test_it_right_aligns_numbers_and_left_aligns_text():
    table = _shapes(_open(sample_report("en")), "Table")[0].table
    assert table.cell(1, 0).text_frame.paragraphs[0].alignment == PP_ALIGN.LEFT
    assert table.cell(1, 1).text_frame.paragraphs[0].alignment == PP_ALIGN.RIGHT
    assert table.cell(0, 1).text_frame.paragraphs[0].alignment == PP_ALIGN.RIGHT


def test_it_colours_the_header_with_the_brand_and_values_by_tone():
    table = _shapes(_open(sample_report("en")), "Table")[0].table
    assert str(table.cell(0, 0).fill.fore_color.rgb) == "0B5394"
    assert str(table.cell(1, 4).text_frame.paragraphs[0].runs[0].font.color.rgb) == "2E7D32"  # on track
    assert str(table.cell(2, 4).text_frame.paragraphs[0].runs[0].font.color.rgb) == "C62828"  # at risk


def test_it_puts_a_brand_colour_bar_on_every_slide():
    deck = _open(sample_report("en"))
    bars = _shapes(deck, "Brand bar")
    assert len(bars) == len(deck.slides)
    assert {str(bar.fill.fore_color.rgb) for bar in bars} == {"0B5394"}


def test_it_links_posts_in_tables():
    deck = _open(sample_report("en"))
    posts = next(s.table for s in _shapes(deck, "Table") if s.table.cell(0, 1).text == "Post")
    assert posts.cell(1, 1).text_frame.paragraphs[0].runs[0].hyperlink.address == "https://vk.com/wall-1_101"


def test_it_splits_a_long_table_across_slides_repeating_the_header():
    rows = tuple((text(f"Row {i}"), Cell(i, ValueKind.INTEGER)) for i in range(30))
    table = Table("Many", (Column("Name", 3), Column("Value")), rows)
    deck = _open(_with_sections(Section("t", "Tables", (table,))))
    chunks = [shape.table for shape in _shapes(deck, "Table")]
    assert [len(chunk.rows) - 1 for chunk in chunks] == [12, 12, 6]
    assert all(chunk.cell(0, 0).text == "Name" for chunk in chunks)
    assert [chunk.cell(1, 0).text for chunk in chunks] == ["Row 0", "Row 12", "Row 24"]
    assert _titles(deck) == ["Tables", "Tables (cont.)", "Tables (cont.)"]


def test_it_cuts_long_texts_with_an_ellipsis_in_slides_only():
    long = "word " * 200
    table = Table("T", (Column("Text", 2), Column("N")), ((text(long), Cell(1, ValueKind.INTEGER)),))
    deck = _open(_with_sections(Section("t", "T", (table,))))
    shown = _shapes(deck, "Table")[0].table.cell(1, 0).text
    assert shown.endswith("…")
    assert len(shown) < len(long) / 2


def test_it_shows_an_empty_tables_text():
    deck = _open(sample_report("en"))
    assert any("No posts older than two days." in _texts(slide) for slide in deck.slides)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_it_draws_native_charts_with_a_series_per_document_series(language):
    deck = _open(sample_report(language))
    charts = [shape.chart for shape in _shapes(deck, "Chart")]
    assert [len(list(chart.plots[0].series)) for chart in charts] == [2, 1, 2]
    assert [chart.chart_type for chart in charts] == [
        XL_CHART_TYPE.LINE,
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        XL_CHART_TYPE.COLUMN_CLUSTERED,
    ]


def test_it_leaves_gaps_for_missing_chart_values_and_colours_series_by_brand():
    charts = [shape.chart for shape in _shapes(_open(sample_report("en")), "Chart")]
    reach = charts[1].plots[0].series[0]
    assert reach.values[12] is None
    assert reach.values[11] == 4000 + 150 * (11 % 7)
    assert str(reach.format.fill.fore_color.rgb) == "0B5394"
    followers = charts[0].plots[0].series
    assert [str(s.format.line.color.rgb) for s in followers] == ["0B5394", "E69138"]


def test_it_formats_chart_values_with_the_value_kinds_number_format():
    chart = Chart(
        "ER",
        ChartKind.LINE,
        (date(2026, 10, 1), date(2026, 10, 2)),
        (Series("ER", (1.5, 2.0)),),
        ValueKind.PERCENT,
    )
    native = _shapes(_open(_with_sections(Section("er", "ER", (chart,)))), "Chart")[0].chart
    assert native.value_axis.tick_labels.number_format == "0.00%"
    assert list(native.plots[0].series[0].values) == [pytest.approx(0.015), pytest.approx(0.02)]


def test_it_says_no_data_for_an_empty_chart():
    deck = _open(sample_report("en"))
    slide = next(slide for slide in deck.slides if "Empty chart" in _texts(slide))
    assert "No data" in _texts(slide)


def test_it_shows_figures_as_number_tiles():
    report = sample_report("ru")
    tiles = _shapes(_open(report), "Figure")
    assert len(tiles) == 4
    er = tiles[2].text_frame.paragraphs
    assert er[1].text == "1,23 %"
    assert str(er[1].runs[0].font.color.rgb) == "C62828"


def test_it_shows_paragraphs_as_bullets():
    deck = _open(sample_report("en"))
    box = _shapes(deck, "Text")[0]
    paragraphs = box.text_frame.paragraphs
    assert paragraphs[0].text == "Followers grew by 2.2 % (+648) against September 2026."
    assert len(paragraphs) == 3
    assert (
        paragraphs[0]._p.pPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}buChar") is not None
    )


def test_it_numbers_slides_and_puts_the_agency_in_the_footer():
    deck = _open(sample_report("en"))
    total = len(deck.slides)
    assert [shape.text_frame.text for shape in _shapes(deck, "Slide number")] == [
        f"{n} / {total}" for n in range(2, total + 1)
    ]
    assert {shape.text_frame.text for shape in _shapes(deck, "Footer")} == {"Example agency"}


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("build", [sample_report, _stress_report], ids=["sample", "stress"])
def test_it_keeps_every_shape_on_the_slide_and_content_above_the_footer(build, language):
    deck = _open(build(language))
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            where = f"slide {number}, {shape.name}"
            assert shape.left >= 0 and shape.top >= 0, where
            assert shape.left + shape.width <= deck.slide_width, where
            assert shape.top + shape.height <= deck.slide_height, where
            if shape.name not in ("Footer", "Slide number", "Brand bar"):
                assert shape.top + shape.height <= Inches(CONTENT_BOTTOM) + 1, where
                assert shape.top + shape.height <= Inches(FOOTER_TOP), where


def test_it_handles_the_stress_report_without_losing_sections():
    deck = _open(_stress_report("ru"))
    titles = _titles(deck)
    assert titles[0].endswith("…")
    assert "Таблицы" in titles
    assert len(_shapes(deck, "Chart")) == 2
    # 31 rows of two-line posts never exceed 12 rows per slide.
    assert all(len(shape.table.rows) - 1 <= 12 for shape in _shapes(deck, "Table"))


def test_it_handles_a_section_without_blocks():
    deck = _open(_with_sections(Section("empty", "Empty", ())))
    assert _titles(deck) == ["Empty"]


def test_it_colours_a_toned_paragraph():
    deck = _open(_with_sections(Section("p", "P", (Paragraphs(("Bad news.",), tone=Tone.BAD),))))
    run = _shapes(deck, "Text")[0].text_frame.paragraphs[0].runs[0]
    assert str(run.font.color.rgb) == "C62828"


def test_it_sets_the_document_properties():
    report = sample_report("ru")
    properties = _open(report).core_properties
    assert properties.title == report.title
    assert properties.author == report.branding.agency_name


def test_it_is_repeatable():
    report = sample_report("ru")
    assert render(report) == render(report)


def test_it_is_reached_through_the_format_registry():
    assert render_any(sample_report("en"), "pptx")[:2] == b"PK"


def test_it_renders_without_loading_django():
    probe = (
        "import sys; from smartsmm.reports.render import pptx; "
        "print(sorted(n for n in sys.modules if n == 'django' or n.startswith('django.')))"
    )
    src = Path(smartsmm.__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(src)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
