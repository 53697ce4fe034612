"""Rendering a report document into a file format.

Each format is one module with a `render(report) -> bytes` function; all of them read the same
`Report` (see `document.py`) and format values through `formatting.py`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from smartsmm.reports.document import Report


@dataclass(frozen=True)
class Format:
    key: str
    extension: str
    content_type: str
    module: str


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("html", "html", "text/html; charset=utf-8", "smartsmm.reports.render.html"),
        Format("pdf", "pdf", "application/pdf", "smartsmm.reports.render.pdf"),
        Format(
            "xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "smartsmm.reports.render.xlsx",
        ),
        Format(
            "pptx",
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "smartsmm.reports.render.pptx",
        ),
    )
}


class UnknownFormat(ValueError):
    pass


def get_format(key: str) -> Format:
    try:
        return FORMATS[key]
    except KeyError:
        raise UnknownFormat(f"format: expected one of {', '.join(FORMATS)}, got {key!r}") from None


def render(report: Report, format_key: str) -> bytes:
    """The report as a file of the format (`html`, `pdf`, `xlsx`, `pptx`)."""
    fmt = get_format(format_key)
    # Imported on use: the PDF and PPTX libraries take a noticeable time to import, and the web
    # app's other pages never need them.
    module = importlib.import_module(fmt.module)
    data: bytes = module.render(report)
    return data


def file_name(report: Report, format_key: str) -> str:
    return f"{report.slug}.{get_format(format_key).extension}"
