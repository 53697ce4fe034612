"""Acceptance 1 of the reports issue: for a demo client every format comes out of the CLI and the
web app, in Russian and English, and a bad request gets a clear answer instead of a traceback."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest
import time_machine

from smartsmm.cli import main
from smartsmm.clients.models import Client

TODAY = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
MAGIC = {
    "pdf": b"%PDF-",
    "xlsx": b"PK",
    "pptx": b"PK",
    "html": b"<!doctype html>",
}


@pytest.fixture
def demo(db):
    from smartsmm.demo.seed import seed_demo

    with time_machine.travel(TODAY, tick=False):
        seed_demo(today=date(2026, 11, 26))
        yield Client.objects.get(slug="coffee-chain")


def _looks_like(fmt: str, data: bytes) -> None:
    assert data.startswith(MAGIC[fmt]), data[:20]
    if fmt in ("xlsx", "pptx"):
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert ("xl/workbook.xml" if fmt == "xlsx" else "ppt/presentation.xml") in names


def test_it_writes_every_format_of_the_monthly_report_from_the_cli(demo, tmp_path, capsys):
    for fmt in MAGIC:
        _cli_writes(fmt, tmp_path, capsys)


def _cli_writes(fmt, tmp_path, capsys):
    out = tmp_path / f"report.{fmt}"
    code = main(
        [
            "report",
            "monthly",
            "--client",
            "coffee-chain",
            "--month",
            "2026-10",
            "--format",
            fmt,
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    _looks_like(fmt, out.read_bytes())
    assert str(out) in capsys.readouterr().out


def test_it_writes_the_weekly_report_and_the_account_audit_from_the_cli(demo, tmp_path, capsys):
    weekly = tmp_path / "weekly.pdf"
    assert (
        main(["report", "weekly", "--client", "coffee-chain", "--format", "pdf", "--out", str(weekly)]) == 0
    )
    _looks_like("pdf", weekly.read_bytes())
    audit = tmp_path / "audit.pptx"
    assert (
        main(["report", "audit", "--account", "vk:zerno_coffee", "--format", "pptx", "--out", str(audit)])
        == 0
    )
    _looks_like("pptx", audit.read_bytes())
    assert "2026-W47" in capsys.readouterr().out  # the last complete week on 26 November


def test_it_explains_a_bad_report_request_in_one_line_and_writes_nothing(demo, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    assert (
        main(
            [
                "report",
                "monthly",
                "--client",
                "coffee-chain",
                "--month",
                "2026-13",
                "--format",
                "pdf",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert main(["report", "monthly", "--client", "nobody", "--format", "pdf", "--out", str(out)]) == 2
    assert (
        main(
            [
                "report",
                "monthly",
                "--client",
                "coffee-chain",
                "--format",
                "pdf",
                "--out",
                str(tmp_path / "no" / "r.pdf"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "--month 2026-13: month: expected YYYY-MM" in err
    assert "--client nobody: no such client" in err
    assert "does not exist" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def _login(client, username: str) -> None:
    assert client.login(username=username, password="demo")  # the demo's personas


def test_it_serves_every_format_from_the_web_app(demo, client):
    _login(client, "demo")
    for fmt in MAGIC:
        with time_machine.travel(TODAY, tick=False):
            response = client.get(f"/clients/coffee-chain/reports/file.{fmt}?kind=monthly&period=2026-10")
        assert response.status_code == 200
        _looks_like(fmt, response.content)
        assert f"monthly-coffee-chain-2026-10.{fmt}" in response["Content-Disposition"]


def test_it_shows_the_report_page_with_download_buttons(demo, client):
    _login(client, "demo")
    with time_machine.travel(TODAY, tick=False):
        page = client.get(
            "/clients/coffee-chain/reports/?kind=monthly&period=2026-10", HTTP_ACCEPT_LANGUAGE="en"
        )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Monthly report: October 2026" in html
    for fmt in ("pdf", "xlsx", "pptx", "html"):
        assert f"/clients/coffee-chain/reports/file.{fmt}?kind=monthly&amp;period=2026-10" in html
    assert "<svg" in html  # charts are drawn on the server, the same as in the PDF


def test_it_answers_a_bad_period_or_format_with_400_and_a_reason(demo, client):
    _login(client, "demo")
    with time_machine.travel(TODAY, tick=False):
        page = client.get("/clients/coffee-chain/reports/?kind=weekly&period=2026-W99")
        download = client.get("/clients/coffee-chain/reports/file.doc?kind=monthly")
        audit = client.get(f"/accounts/{demo.accounts.first().pk}/audit.pdf?days=abc")
    assert page.status_code == 400 and "YYYY-Www" in page.content.decode()
    assert download.status_code == 400
    assert audit.status_code == 400


def test_it_lets_the_client_viewer_download_its_own_report(demo, client):
    _login(client, "client")
    with time_machine.travel(TODAY, tick=False):
        own = client.get("/clients/coffee-chain/reports/file.pdf?kind=monthly")
        other = client.get("/clients/fitness-studio/reports/file.pdf?kind=monthly")
    assert own.status_code == 200
    assert other.status_code == 404


_NUMBER = re.compile(r"[−-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?")


def _first_number(line: str) -> tuple[float, int]:
    """The first Russian-formatted number of a line ("45 086", "−1,52") and its decimal places."""
    match = _NUMBER.search(line)
    assert match, line
    token = match.group().replace("−", "-")
    for space in (" ", "\u00a0", "\u202f"):
        token = token.replace(space, "")
    decimals = len(token.split(",")[1]) if "," in token else 0
    return float(token.replace(",", ".")), decimals


def test_it_prints_the_same_kpis_in_the_pdf_as_in_the_xlsx_in_russian(demo):
    """The PDF's text carries the Russian KPI names with the numbers the spreadsheet holds."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from smartsmm.reports.render import render
    from smartsmm.reports.service import build_report

    with time_machine.travel(TODAY, tick=False):
        report = build_report(demo, "monthly", period="2026-10", language="ru")
    section = report.section("kpis")
    workbook = load_workbook(io.BytesIO(render(report, "xlsx")))
    sheet = workbook[section.sheet_name]
    # Every KPI row of the first table ("Все платформы"): its name in column A, then the month's value.
    names = {r[0].value for r in section.blocks[0].rows}  # type: ignore[union-attr]
    xlsx_values: dict[str, tuple[float, str]] = {}
    for row in sheet.iter_rows():
        first = row[0].value
        if first in names and first not in xlsx_values:
            cell = next(c for c in row[1:] if isinstance(c.value, int | float))
            xlsx_values[first] = (float(cell.value), cell.number_format)
    assert len(xlsx_values) == len(names) >= 10

    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render(report, "pdf"))).pages)
    # pypdf gives each table cell a line of its own: a KPI's name, then its values in column order.
    lines = [" ".join(line.split()) for line in pdf_text.splitlines()]
    assert "Подписчики" in pdf_text and "Охват" in pdf_text
    checked = 0
    for name, (value, number_format) in xlsx_values.items():
        index = next(
            (i for i, ln in enumerate(lines[:-1]) if ln == name and _NUMBER.match(lines[i + 1])), None
        )
        assert index is not None, f"{name!r} is not in the PDF with a number after it"
        line = lines[index + 1]
        shown, decimals = _first_number(line)
        expected = value * 100 if "%" in number_format else value
        assert abs(shown - expected) <= 0.5 * 10**-decimals + 1e-9, (name, shown, expected)
        checked += 1
    assert checked == len(names)
