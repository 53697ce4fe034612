"""The XLSX renderer: a cover and a sheet per section, numbers and dates as real cell values."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

import smartsmm
from smartsmm.reports.document import (
    Cell,
    Chart,
    ChartKind,
    Column,
    Paragraphs,
    Report,
    Section,
    Series,
    Table,
    ValueKind,
    text,
)
from smartsmm.reports.formatting import excel_number_format
from smartsmm.reports.render import render as render_any
from smartsmm.reports.render.xlsx import render
from tests.reports.sample import sample_report


def _open(report: Report) -> Workbook:
    return load_workbook(BytesIO(render(report)))


def _find(sheet: Worksheet, value: object):  # type: ignore[no-untyped-def]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell
    raise AssertionError(f"{value!r} not on sheet {sheet.title!r}")


def _with_sections(*sections: Section, language: str = "en") -> Report:
    return dataclasses.replace(sample_report(language), sections=sections)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_it_writes_a_cover_and_a_sheet_per_section(language):
    report = sample_report(language)
    workbook = _open(report)
    cover = "Обложка" if language == "ru" else "Cover"
    assert workbook.sheetnames == [cover, *(section.sheet_name for section in report.sections)]
    if language == "ru":
        assert workbook.sheetnames[-1] == "Глоссарий формулы v2026.11.2"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_it_puts_agency_title_client_period_and_caveats_on_the_cover(language):
    report = sample_report(language)
    cover = _open(report).worksheets[0]
    values = {cell.value for row in cover.iter_rows() for cell in row}
    assert {report.branding.agency_name, report.title, report.client_name, report.period_label} <= values
    assert set(report.caveats) <= values
    generated = _find(cover, datetime(2026, 11, 1, 6, 0))
    assert generated.is_date


def test_it_writes_cover_labels_in_the_reports_language():
    cover = _open(sample_report("ru")).worksheets[0]
    assert cover.title == "Обложка"
    assert _find(cover, "Клиент").column == 1
    assert _find(cover, "Обратите внимание").column == 1


def test_it_prefers_the_builders_labels():
    report = dataclasses.replace(sample_report("ru"), labels={"cover": "Титул", "client": "Заказчик"})
    cover = _open(report).worksheets[0]
    assert cover.title == "Титул"
    assert _find(cover, "Заказчик").column == 1


def test_it_embeds_the_logo_when_given():
    assert len(_open(sample_report("en"))["Cover"]._images) == 1
    assert len(_open(sample_report("en", logo=None))["Cover"]._images) == 0


def test_it_still_renders_with_a_broken_logo():
    cover = _open(sample_report("en", logo=b"not an image"))["Cover"]
    assert cover._images == []
    assert _find(cover, "Example agency")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_it_writes_numbers_as_numbers_with_their_number_formats(language):
    report = sample_report(language)
    kpis = _open(report)[report.section("kpis").sheet_name]
    followers, er, reach = (4 + i for i in range(3))  # rows under the title and header
    assert (kpis.cell(followers - 1, 2).value, kpis.cell(followers - 1, 2).number_format) == (30649, "#,##0")
    percent = kpis.cell(er - 1, 2)
    assert percent.value == pytest.approx(0.012345)
    assert percent.number_format == "0.00%"
    change = kpis.cell(followers - 1, 4)
    assert change.value == pytest.approx(0.0216)
    assert change.number_format == "+0.0%;-0.0%;0.0%"
    assert kpis.cell(reach - 1, 2).value == 1234567
    assert kpis.cell(reach - 1, 2).data_type == "n"


def test_it_uses_the_formatting_modules_number_format_for_every_value():
    report = sample_report("en")
    goals_table = report.section("goals").blocks[0]
    assert isinstance(goals_table, Table)
    sheet = _open(report)[report.section("goals").sheet_name]
    for row_index, row in enumerate(goals_table.rows, start=3):
        for column_index, cell in enumerate(row, start=1):
            assert sheet.cell(row_index, column_index).number_format == excel_number_format(cell, "en")
    probability = sheet.cell(3, 6)
    assert probability.value == pytest.approx(0.734)
    assert probability.number_format == "0%"


def test_it_writes_dates_and_datetimes_as_date_cells():
    report = sample_report("ru")
    workbook = _open(report)
    deadline = workbook[report.section("goals").sheet_name].cell(3, 9)
    assert deadline.is_date
    assert deadline.value == datetime(2027, 3, 31)
    assert deadline.number_format == "dd.mm.yyyy"
    published = workbook[report.section("posts").sheet_name].cell(3, 1)
    assert published.is_date
    assert published.value == datetime(2026, 10, 3, 9, 30)
    assert published.number_format == "dd.mm.yyyy hh:mm"


def test_it_leaves_a_missing_value_empty():
    report = sample_report("en")
    kpis = _open(report)[report.section("kpis").sheet_name]
    assert kpis.cell(4, 5).value is None  # ER a year ago: no data


def test_it_styles_the_header_row_with_the_brand_colour():
    report = sample_report("en")
    header = _open(report)[report.section("goals").sheet_name].cell(2, 1)
    assert header.value == "Goal"
    assert header.fill.fgColor.rgb == "000B5394"
    assert header.font.color.rgb == "00FFFFFF"
    assert header.font.bold


def test_it_colours_values_by_tone():
    report = sample_report("en")
    sheet = _open(report)[report.section("goals").sheet_name]
    assert sheet.cell(3, 5).font.color.rgb == "002E7D32"  # "On track": good
    assert sheet.cell(4, 5).font.color.rgb == "00C62828"  # "At risk": bad


def test_it_links_posts():
    report = sample_report("en")
    post = _open(report)[report.section("posts").sheet_name].cell(3, 2)
    assert post.hyperlink.target == "https://vk.com/wall-1_101"


def test_it_sizes_columns_from_their_relative_widths():
    report = sample_report("en")
    sheet = _open(report)[report.section("goals").sheet_name]
    assert sheet.column_dimensions["A"].width == pytest.approx(3 * sheet.column_dimensions["B"].width)


def test_it_freezes_the_header_when_a_sheet_holds_one_table():
    report = sample_report("en")
    workbook = _open(report)
    assert workbook[report.section("goals").sheet_name].freeze_panes == "A3"
    assert workbook[report.section("posts").sheet_name].freeze_panes is None  # two tables
    assert workbook[report.section("kpis").sheet_name].freeze_panes is None  # a table and charts


def test_it_writes_the_empty_text_of_a_table_without_rows():
    report = sample_report("en")
    sheet = _open(report)[report.section("posts").sheet_name]
    assert _find(sheet, "No posts older than two days.").font.italic


def test_it_writes_the_note_under_a_table():
    report = sample_report("en")
    sheet = _open(report)[report.section("goals").sheet_name]
    note = _find(sheet, "Probability: the share of forecast paths that reach the target by the deadline.")
    assert note.row == 5


def test_it_writes_figures_as_label_and_value_rows():
    report = sample_report("en")
    sheet = _open(report)[report.section("summary").sheet_name]
    er = _find(sheet, "ER")
    value = sheet.cell(er.row, 2)
    assert value.value == pytest.approx(0.012345)
    assert value.number_format == "0.00%"
    assert value.font.color.rgb == "00C62828"


def test_it_writes_paragraphs_as_wrapped_text_rows():
    report = sample_report("en")
    sheet = _open(report)[report.section("summary").sheet_name]
    row = _find(sheet, "• On 20 October the account lost 400 followers in a day: a likely bot purge.")
    assert row.alignment.wrap_text


def test_it_draws_native_charts_over_the_chart_data():
    report = sample_report("en")
    sheet = _open(report)[report.section("kpis").sheet_name]
    charts = sheet._charts
    assert [len(chart.series) for chart in charts] == [2, 1, 2]
    assert [chart.tagname for chart in charts] == ["lineChart", "barChart", "barChart"]
    first_day = _find(sheet, datetime(2026, 10, 1))
    assert first_day.is_date
    assert sheet.cell(first_day.row - 1, 2).value == "VK"
    assert sheet.cell(first_day.row, 2).value == 30000


def test_it_leaves_days_without_data_empty_in_chart_data():
    report = sample_report("en")
    sheet = _open(report)[report.section("kpis").sheet_name]
    header = _find(sheet, "Reach per day").row + 1
    assert sheet.cell(header, 2).value == "Reach"
    assert sheet.cell(header + 13, 1).value == datetime(2026, 10, 13)
    assert sheet.cell(header + 13, 2).value is None


def test_it_writes_no_data_for_an_empty_chart():
    report = sample_report("en")
    sheet = _open(report)[report.section("kpis").sheet_name]
    title = _find(sheet, "Empty chart")
    assert sheet.cell(title.row + 1, 1).value == "No data"


def test_it_writes_percent_chart_data_as_fractions():
    chart = Chart(
        "ER",
        ChartKind.LINE,
        (date(2026, 10, 1), date(2026, 10, 2)),
        (Series("ER", (1.5, None)),),
        ValueKind.PERCENT,
    )
    sheet = _open(_with_sections(Section("er", "ER", (chart,))))["ER"]
    value = _find(sheet, 0.015)
    assert value.number_format == "0.00%"


def test_it_makes_colliding_sheet_names_unique():
    table = Table("T", (Column("A"),), ((text("x"),),))
    long_title = "A very long section title that Excel would cut"
    report = _with_sections(
        Section("a", "Posts", (table,)),
        Section("b", "posts", (table,)),
        Section("c", long_title, (table,)),
        Section("d", long_title, (table,)),
        Section("e", "Cover", (table,)),
        Section("f", "History", (table,)),
    )
    names = _open(report).sheetnames
    assert names == [
        "Cover",
        "Posts",
        "posts (2)",
        long_title[:31].rstrip(),
        long_title[:27] + " (2)",
        "Cover (2)",
        "History (2)",
    ]
    assert all(len(name) <= 31 for name in names)


def test_it_keeps_text_that_looks_like_a_formula_as_text():
    table = Table("T", (Column("Post"),), ((text('=HYPERLINK("http://evil")'),), (text("-1+2"),)))
    sheet = _open(_with_sections(Section("a", "Posts", (table,))))["Posts"]
    assert sheet.cell(3, 1).value == '=HYPERLINK("http://evil")'
    assert sheet.cell(3, 1).data_type == "s"
    assert sheet.cell(4, 1).data_type == "s"


def test_it_drops_control_characters_that_excel_refuses():
    table = Table("T\x0b", (Column("Post"),), ((text("line\x01one"),),))
    sheet = _open(_with_sections(Section("a", "Posts", (table,))))["Posts"]
    assert sheet.cell(3, 1).value == "lineone"


def test_it_links_only_web_addresses():
    table = Table("T", (Column("Post"),), ((Cell("x", link="javascript:alert(1)"),),))
    sheet = _open(_with_sections(Section("a", "Posts", (table,))))["Posts"]
    assert sheet.cell(3, 1).hyperlink is None


def test_it_handles_a_section_without_blocks_and_paragraphs_without_title():
    report = _with_sections(
        Section("empty", "Empty", ()), Section("p", "Notes", (Paragraphs(("One.",), bullets=False),))
    )
    workbook = _open(report)
    assert workbook.sheetnames == ["Cover", "Empty", "Notes"]
    assert workbook["Notes"].cell(1, 1).value == "One."


def test_it_sets_the_workbook_properties():
    report = sample_report("ru")
    properties = _open(report).properties
    assert properties.title == report.title
    assert properties.creator == report.branding.agency_name
    assert properties.created == datetime(2026, 11, 1, 6, 0)
    assert properties.modified == datetime(2026, 11, 1, 6, 0)


def test_it_is_repeatable():
    report = sample_report("ru")
    assert render(report) == render(report)


def test_it_is_reached_through_the_format_registry():
    data = render_any(sample_report("en"), "xlsx")
    assert data[:2] == b"PK"


def test_it_renders_without_loading_django():
    probe = (
        "import sys; from smartsmm.reports.render import xlsx; "
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
