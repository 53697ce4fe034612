"""How a report cell reads in Russian and English, and what a spreadsheet cell holds for it."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from smartsmm.reports.document import Cell, ValueKind
from smartsmm.reports.formatting import excel_number_format, excel_value, format_cell, format_value

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "kind", "ru", "en"),
    [
        (1234567, ValueKind.INTEGER, f"1{NBSP}234{NBSP}567", "1,234,567"),
        (2.96, ValueKind.NUMBER, "3,0", "3.0"),  # rounded, never cut
        (1.2345, ValueKind.PERCENT, "1,23 %", "1.23 %"),
        (-17.66, ValueKind.CHANGE_PERCENT, "−17,7 %", "−17.7 %"),
        (12.5, ValueKind.CHANGE_PERCENT, "+12,5 %", "+12.5 %"),
        (-0.2734, ValueKind.CHANGE_POINTS, "−0,27 п.п.", "−0.27 pp"),
        (0.0001, ValueKind.CHANGE_POINTS, "0,00 п.п.", "0.00 pp"),  # no "+0,00" or "−0,00"
        (648, ValueKind.SIGNED, "+648", "+648"),
        (0.734, ValueKind.PROBABILITY, "73 %", "73 %"),
        (date(2026, 10, 31), ValueKind.DATE, "31.10.2026", "2026-10-31"),
        (datetime(2026, 10, 31, 23, 30), ValueKind.DATETIME, "31.10.2026 23:30", "2026-10-31 23:30"),
        (None, ValueKind.INTEGER, "—", "—"),
        (math.nan, ValueKind.PERCENT, "—", "—"),
    ],
)
def test_it_writes_each_kind_in_each_language(value, kind, ru, en):
    assert format_value(value, kind, "ru") == ru
    assert format_value(value, kind, "en") == en


def test_it_stores_percentages_as_fractions_and_points_as_points_in_the_spreadsheet():
    percent = Cell(1.2345, ValueKind.PERCENT)
    assert excel_value(percent) == pytest.approx(0.012345)
    assert excel_number_format(percent, "ru") == "0.00%"
    points = Cell(-0.27, ValueKind.CHANGE_POINTS)
    assert excel_value(points) == -0.27
    assert excel_number_format(points, "ru") == '+0.00" п.п.";-0.00" п.п.";0.00" п.п."'
    assert excel_number_format(points, "en").endswith('0.00" pp"')
    probability = Cell(0.734, ValueKind.PROBABILITY)
    assert excel_value(probability) == 0.734 and excel_number_format(probability, "en") == "0%"


def test_it_keeps_dates_as_dates_and_drops_the_time_zone_of_datetimes():
    from datetime import UTC

    moment = Cell(datetime(2026, 11, 1, 6, 0, tzinfo=UTC), ValueKind.DATETIME)
    assert excel_value(moment) == datetime(2026, 11, 1, 6, 0)
    assert excel_number_format(moment, "ru") == "dd.mm.yyyy hh:mm"
    assert excel_value(Cell(None, ValueKind.INTEGER)) is None


def test_it_honours_a_cells_own_precision():
    assert format_cell(Cell(0.5584, ValueKind.NUMBER, decimals=3), "ru") == "0,558"
    assert excel_number_format(Cell(0.5584, ValueKind.NUMBER, decimals=3), "en") == "#,##0.000"
