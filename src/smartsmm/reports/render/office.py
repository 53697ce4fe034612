"""What the two Office formats (XLSX, PPTX) share: colours and byte-for-byte repeatable files.

Both formats are ZIP archives whose libraries stamp the current time into every entry and into
the document properties; `repeatable_zip` rewrites them with the report's own time, so the same
report gives the same file (and a cached or compared file does not change for nothing).
"""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from io import BytesIO

from smartsmm.reports.document import Branding, Tone

# Readable on white in a table cell: darker than the web app's badge colours.
TONE_COLORS = {
    Tone.GOOD: "2E7D32",
    Tone.BAD: "C62828",
    Tone.WARN: "B26A00",
}
# Series after the agency's two colours: the PDF charts' palette (`charts.PALETTE`, not imported
# because it loads reportlab), none of them the red or green of a tone.
_EXTRA_SERIES_COLORS = ("5B8DB8", "7E57C2", "8D6E63", "26A69A", "EC407A", "78909C", "C0CA33")
_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")
_DEFAULT = Branding("")


def hex_color(value: str, fallback: str) -> str:
    """ "#1f4e79" as "1F4E79", the form both libraries take; a malformed colour gives `fallback`."""
    match = _HEX.fullmatch(value.strip())
    return (match.group(1) if match else fallback.lstrip("#")).upper()


def primary(branding: Branding) -> str:
    return hex_color(branding.primary_color, _DEFAULT.primary_color)


def accent(branding: Branding) -> str:
    return hex_color(branding.accent_color, _DEFAULT.accent_color)


def series_color(branding: Branding, index: int) -> str:
    colors = (primary(branding), accent(branding), *_EXTRA_SERIES_COLORS)
    return colors[index % len(colors)]


def tone_color(tone: Tone) -> str | None:
    return TONE_COLORS.get(tone)


def naive_utc(moment: datetime) -> datetime:
    """Document properties are UTC without a zone in both libraries."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def repeatable_zip(data: bytes, moment: datetime) -> bytes:
    """The archive with every entry dated `moment`, and embedded workbooks (chart data) likewise.

    The embedded workbooks are written by XlsxWriter (through python-pptx) with the current
    time in their document properties, which we cannot pass in; their times are replaced here.
    """
    stamp = naive_utc(moment)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            payload = source.read(entry.filename)
            if entry.filename.endswith(".xlsx"):
                payload = repeatable_zip(payload, moment)
            elif entry.filename == "docProps/core.xml":
                payload = _CORE_TIMES.sub(rb"\g<1>" + iso + rb"\g<2>", payload)
            info = zipfile.ZipInfo(entry.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, payload)
    return out.getvalue()
