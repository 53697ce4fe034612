"""The HTML report: a standalone file that needs nothing else, with the PDF's charts as inline SVG."""

from __future__ import annotations

import dataclasses
import re

from smartsmm.reports.formatting import format_cell
from smartsmm.reports.render import render
from tests.reports.sample import sample_report


def _html(language: str = "ru", **kwargs) -> str:
    return render(sample_report(language, **kwargs), "html").decode("utf-8")


def test_it_is_a_standalone_page_with_every_section_and_the_logo_inline():
    html = _html()
    assert html.startswith("<!doctype html>")
    assert '<html lang="ru">' in html
    for section in sample_report("ru").sections:
        assert f'id="report-{section.key}"' in html
    assert 'src="data:image/png;base64,' in html
    assert "<link" not in html and "<script" not in html  # nothing to fetch, nothing to run


def test_it_draws_every_chart_as_inline_svg():
    html = _html()
    charts = [b for s in sample_report("ru").sections for b in s.blocks if type(b).__name__ == "Chart"]
    assert html.count("<svg") == len(charts)
    assert "Нет данных" in html  # the empty chart says so


def test_it_shows_numbers_as_format_cell_does_and_aligns_missing_ones_like_numbers():
    html = _html()
    kpis = sample_report("ru").section("kpis").blocks[0]
    for row in kpis.rows:  # type: ignore[union-attr]
        for cell in row[1:]:
            assert format_cell(cell, "ru") in html
    # ER a year ago is missing: its dash is right-aligned in the number column.
    assert re.search(r'<td class="num tone-none">—</td>', html)


def test_it_escapes_text_and_colours_by_tone():
    report = dataclasses.replace(sample_report("en"), client_name="<script>alert(1)</script>")
    html = render(report, "html").decode("utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "tone-good" in html and "tone-bad" in html
    assert "--brand: #0B5394" in html


def test_it_renders_without_a_logo():
    assert "data:image" not in _html(logo=None)
