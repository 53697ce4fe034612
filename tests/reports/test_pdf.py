"""The PDF report: it opens, says what the document says in the same words as every other format,
embeds its Cyrillic fonts, draws charts as vectors, and survives the awkward cases.

Text is read back with pypdf. pypdf returns a no-break space (which Russian uses to group thousands,
"30 649") as a plain space, so both sides are normalised with `_plain` before comparing.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from smartsmm.reports.document import Cell, Column, Report, Section, Table, ValueKind, text
from smartsmm.reports.formatting import format_cell
from smartsmm.reports.render import file_name, render
from smartsmm.reports.render import pdf as pdf_renderer
from tests.reports.sample import sample_report


def _plain(value: str) -> str:
    return value.replace("\u00a0", " ")


def _reader(report: Report) -> PdfReader:
    return PdfReader(io.BytesIO(render(report, "pdf")))


def _page_texts(reader: PdfReader) -> list[str]:
    return [_plain(page.extract_text()) for page in reader.pages]


def _all_text(reader: PdfReader) -> str:
    return "\n".join(_page_texts(reader))


def _images(page: DictionaryObject) -> list[DictionaryObject]:
    """The image XObjects a page draws (through forms too)."""
    found: list[DictionaryObject] = []
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources else None
    for ref in (xobjects or {}).values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            found.append(obj)
        elif obj.get("/Subtype") == "/Form":
            found += _images(obj)
    return found


def _fonts(reader: PdfReader) -> dict[str, DictionaryObject]:
    fonts: dict[str, DictionaryObject] = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def _page_with(reader: PdfReader, needle: str) -> int:
    return next(i for i, t in enumerate(_page_texts(reader)) if needle in t)


@pytest.fixture(scope="module")
def russian() -> PdfReader:
    return _reader(sample_report("ru"))


def test_it_renders_a_pdf_that_pypdf_opens(russian):
    assert len(russian.pages) >= 4
    assert file_name(sample_report("ru"), "pdf") == "monthly-zerno-2026-10.pdf"


def test_it_is_byte_for_byte_repeatable():
    report = sample_report("ru")
    assert render(report, "pdf") == render(report, "pdf")


def test_it_shows_the_cover_in_the_reports_language(russian):
    first = _page_texts(russian)[0]
    for expected in (
        "Агентство «Пример»",
        "Ежемесячный отчёт: октябрь 2026",
        "Кофейня «Зерно»",
        "Период: 1–31 октября 2026 (Europe/Moscow)",
        "Сформирован: 01.11.2026 06:00 UTC",
        "Обратите внимание",
        "Нет данных за 2 дня октября (12–13 октября): охват за месяц занижен.",
    ):
        assert expected in first


def test_it_keeps_sections_in_order_and_lets_a_short_one_share_a_page(russian):
    report = sample_report("ru")
    pages = [_page_with(russian, section.title) for section in report.sections]
    assert pages[0] == 0  # the first section follows the cover
    assert pages == sorted(pages)
    # The goals table is short: it follows the summary on the cover page rather than filling a page alone.
    assert pages[1] == pages[0]


def test_it_writes_every_kpi_and_number_exactly_as_format_cell_does(russian):
    text = _all_text(russian)
    kpis = sample_report("ru").section("kpis").blocks[0]
    assert isinstance(kpis, Table)
    for row in kpis.rows:
        for cell in row:
            assert _plain(format_cell(cell, "ru")) in text
    assert "30 649" in text and "1 234 567" in text and "−17,7 %" in text and "+43,6 %" in text


def test_it_shows_headline_figures_and_bullets(russian):
    first = _page_texts(russian)[0]
    assert "1 234 567" in first and "73 %" in first
    assert "• 20 октября аккаунт потерял 400 подписчиков за день — похоже на чистку ботов." in first


def test_it_shows_the_empty_text_of_a_table_without_rows(russian):
    assert "Нет публикаций старше двух дней." in _all_text(russian)


def test_it_shows_a_no_data_box_for_an_empty_chart(russian):
    page = _page_texts(russian)[_page_with(russian, "Пустой график")]
    assert "Нет данных" in page


def test_it_puts_the_table_note_under_the_table(russian):
    text = _all_text(russian)
    assert text.index("Вероятность — доля сценариев") > text.index("31.12.2026")


def test_it_makes_post_links_clickable(russian):
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in russian.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert "https://vk.com/wall-1_101" in uris and "https://vk.com/wall-1_117" in uris


def test_it_embeds_its_fonts_as_truetype_subsets(russian):
    fonts = _fonts(russian)
    assert fonts, "no fonts"
    for name, font in fonts.items():
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(-Bold)?", name), name
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
        assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000


def test_it_numbers_pages_in_the_footer(russian):
    texts = _page_texts(russian)
    total = len(texts)
    for number, page in enumerate(texts, start=1):
        assert f"Страница {number} из {total}" in page
        assert "Агентство «Пример»" in page


def test_it_sets_the_documents_title_and_author(russian):
    assert russian.metadata is not None
    assert russian.metadata.title == "Ежемесячный отчёт: октябрь 2026"
    assert russian.metadata.author == "Агентство «Пример»"


def test_it_bookmarks_every_section_at_its_page(russian):
    outline = {item.title: russian.get_destination_page_number(item) for item in russian.outline}
    for section in sample_report("ru").sections:
        assert outline[section.title] == _page_with(russian, section.title)


def test_it_draws_the_logo_on_the_cover_only(russian):
    assert len(_images(russian.pages[0])) == 1
    assert all(not _images(page) for page in russian.pages[1:])


def test_it_leaves_the_logo_out_when_there_is_none():
    reader = _reader(sample_report("ru", logo=None))
    assert all(not _images(page) for page in reader.pages)
    assert "Агентство «Пример»" in _page_texts(reader)[0]


def test_it_leaves_out_a_logo_that_is_not_an_image(caplog):
    report = sample_report("ru", logo=b"not a picture")
    reader = _reader(report)
    assert all(not _images(page) for page in reader.pages)
    assert "logo" in caplog.text


def test_it_draws_charts_as_vectors(russian):
    page = russian.pages[_page_with(russian, "Охват по дням")]
    content = page.get_contents().get_data()
    assert b" re" in content and b" l" in content and b" m" in content  # rectangles and line paths
    assert not _images(page)


def test_it_renders_the_english_report_with_english_numbers_and_layout_words():
    reader = _reader(sample_report("en"))
    texts = _page_texts(reader)
    text = "\n".join(texts)
    for expected in (
        "Monthly report: October 2026",
        "Generated: 2026-11-01 06:00 UTC",
        "Please note",
        "Goals",
        "KPIs",
    ):
        assert expected in text
    assert "30,649" in text and "1,234,567" in text and "−17.7 %" in text
    assert f"Page 1 of {len(texts)}" in texts[0]
    assert "No posts older than two days." in text


def test_it_lets_the_builders_labels_win_over_its_own_words():
    report = dataclasses.replace(
        sample_report("ru"), labels={"page_of": "Лист {page} / {pages}", "caveats": "Оговорки"}
    )
    texts = _page_texts(_reader(report))
    assert "Лист 1 / " in texts[0] and "Оговорки" in texts[0]
    assert "Страница" not in "\n".join(texts)


def test_it_renders_a_report_without_sections():
    reader = _reader(dataclasses.replace(sample_report("ru"), sections=(), caveats=()))
    assert len(reader.pages) == 1
    assert "Ежемесячный отчёт: октябрь 2026" in _page_texts(reader)[0]


def _long_table(rows: int, text_length: int = 40) -> Table:
    return Table(
        title="Все публикации",
        columns=(Column("Дата"), Column("Публикация", 4), Column("Охват")),
        rows=tuple(
            (
                Cell(date(2026, 10, 1) + timedelta(days=i % 31), ValueKind.DATE),
                text(("Текст публикации " * 400)[: text_length + i % 7]),
                Cell(1000 + i, ValueKind.INTEGER),
            )
            for i in range(rows)
        ),
    )


def test_it_repeats_the_header_row_on_every_page_of_a_long_table():
    report = dataclasses.replace(
        sample_report("ru"), sections=(Section("posts", "Публикации", (_long_table(150),)),)
    )
    texts = _page_texts(_reader(report))
    pages_with_rows = [t for t in texts if "1 149" in t or "01.10.2026" in t]
    assert len(pages_with_rows) >= 3
    for page in pages_with_rows:
        assert "Дата" in page and "Публикация" in page and "Охват" in page


def test_it_wraps_and_shortens_a_post_too_long_for_one_page():
    report = dataclasses.replace(
        sample_report("ru"), sections=(Section("posts", "Публикации", (_long_table(3, text_length=6000),)),)
    )
    text = _all_text(_reader(report))
    assert "Текст публикации" in text and "…" in text


def test_it_turns_the_page_for_a_table_too_wide_for_portrait():
    wide = Table(
        title="Сравнение аккаунтов",
        columns=(Column("Аккаунт", 2), *(Column(f"Показатель {j}") for j in range(12))),
        rows=((text("ВКонтакте"), *(Cell(1234567.891 * (j + 1), ValueKind.NUMBER) for j in range(12))),),
    )
    report = dataclasses.replace(
        sample_report("ru"), sections=(Section("s", "Цели", ()), Section("w", "Широкая", (wide,)))
    )
    reader = _reader(report)
    page = reader.pages[_page_with(reader, "Широкая")]
    assert page.mediabox.width > page.mediabox.height
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height
    assert "14 814 814,7" in _plain(page.extract_text())  # the widest number is there, whole


def test_it_reads_the_font_files_once_per_process_not_per_report(monkeypatch):
    # Speed itself is measured by bench/bench_reports.py (no timed unit tests); what keeps a report
    # fast is that the fonts are read once, which this checks without a clock.
    from smartsmm.reports import typefaces

    report = sample_report("ru")
    render(report, "pdf")

    def read_again(*args, **kwargs):
        raise AssertionError("a font file was read again")

    monkeypatch.setattr(typefaces, "TTFont", read_again)
    assert pdf_renderer.render(report).startswith(b"%PDF")


def test_it_renders_without_loading_django():
    probe = (
        "import sys, json\n"
        "from smartsmm.reports.render import pdf\n"
        "from tests.reports.sample import sample_report\n"
        "pdf.render(sample_report('ru'))\n"
        "print(json.dumps(sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))))\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(root / "src"), str(root), env.get("PYTHONPATH", "")])
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
