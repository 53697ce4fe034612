"""The report as HTML: a standalone file (CLI, share links, e-mail) or the body of a web-app page.

Charts are inline SVG drawn by the same code as the PDF's (`reports.charts`), so the web page, the
file and the PDF show the same chart; the logo is a data URI, so the file needs nothing else.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from smartsmm.reports import charts
from smartsmm.reports.document import NUMERIC_KINDS, Cell, Chart, Figures, Paragraphs, Report, Table
from smartsmm.reports.formatting import format_cell, format_datetime
from smartsmm.reports.labels import layout_label


@dataclass(frozen=True)
class HtmlCell:
    text: str
    tone: str
    numeric: bool
    link: str


def _cell(cell: Cell, language: str) -> HtmlCell:
    # Aligned by kind, not by value: a "—" for no data sits where the number would.
    return HtmlCell(format_cell(cell, language), str(cell.tone), cell.kind in NUMERIC_KINDS, cell.link)


def _block(block: Table | Chart | Figures | Paragraphs, report: Report) -> dict[str, Any]:
    language = report.language
    if isinstance(block, Table):
        return {
            "type": "table",
            "title": block.title,
            "columns": block.columns,
            "rows": [[_cell(c, language) for c in row] for row in block.rows],
            "note": block.note,
            "empty_text": block.empty_text or layout_label(report, "no_data"),
        }
    if isinstance(block, Chart):
        # Our own data drawn by reportlab; minidom re-serialises it, so text nodes are escaped.
        svg: SafeString = mark_safe(
            charts.chart_svg(block, language, report.branding, no_data_text=layout_label(report, "no_data"))
        )
        return {"type": "chart", "title": block.title, "svg": svg, "note": block.note}
    if isinstance(block, Figures):
        return {
            "type": "figures",
            "title": block.title,
            "items": [
                {"label": f.label, "value": _cell(f.value, language), "detail": f.detail} for f in block.items
            ],
        }
    return {"type": "paragraphs", "title": block.title, "items": block.items, "bullets": block.bullets}


def context(report: Report) -> dict[str, Any]:
    """What `reports/body.html` needs: every value already formatted."""
    logo = ""
    if report.branding.logo and report.branding.logo_type in ("image/png", "image/jpeg"):
        logo = f"data:{report.branding.logo_type};base64,{base64.b64encode(report.branding.logo).decode()}"
    return {
        "report": report,
        "branding": report.branding,
        "logo": logo,
        "generated": format_datetime(report.generated_at, report.language),
        "labels": {key: layout_label(report, key) for key in ("generated_at", "period", "client", "caveats")},
        "sections": [
            {"key": s.key, "title": s.title, "blocks": [_block(b, report) for b in s.blocks]}
            for s in report.sections
        ],
    }


def render_body(report: Report) -> str:
    return render_to_string("reports/body.html", context(report))


def render(report: Report, *, downloads: Sequence[tuple[str, str]] = ()) -> bytes:
    """The standalone page; `downloads` are (relative address, label) links shown above the report
    (the share link's page offers the same report as files)."""
    page = context(report)
    page["downloads"] = downloads
    page["download_label"] = layout_label(report, "download")
    return render_to_string("reports/standalone.html", page).encode("utf-8")
