"""The typeface of the PDF and the chart drawings: DejaVu Sans, shipped in `fonts/` (see its licence there).

reportlab's built-in fonts have no Cyrillic, so every text in a PDF or a chart uses these two TrueType
fonts; reportlab embeds a subset of the glyphs a document uses. Reading a font file takes tens of
milliseconds, so `register()` does it once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
# What an SVG asks the browser for: the same face where it is installed, else a close sans-serif.
CSS_FAMILY = "'DejaVu Sans', 'Segoe UI', Arial, sans-serif"

FONTS_DIR = Path(__file__).resolve().parent / "fonts"


@functools.cache
def register() -> None:
    """Make `REGULAR` and `BOLD` known to reportlab (idempotent, cached per process)."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    # <b> in a Paragraph picks the bold face; there is no italic face, so italic maps to upright.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
