"""Number formatting shared by the web app, the CLI and reports."""

from __future__ import annotations

import math
from typing import Any

from django.utils.formats import number_format


def format_number(value: Any, decimals: int = 0) -> str:
    """A number with the locale's grouping ("12 345" in Russian, "12,345" in English)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    # number_format cuts extra digits off instead of rounding (2.96 → "2.9"): round first.
    number = round(number, decimals) if decimals else round(number)
    return number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_percent(fraction: Any, decimals: int = 1) -> str:
    """A 0–1 fraction as a percentage."""
    if fraction is None:
        return "—"
    return f"{format_number(float(fraction) * 100, decimals)} %"


def format_signed(value: Any, decimals: int = 0) -> str:
    if value is None:
        return "—"
    text = format_number(abs(float(value)), decimals)
    if float(value) > 0:
        return f"+{text}"
    if float(value) < 0:
        return f"−{text}"
    return text


def significant_decimals(value: float) -> int:
    """Decimals that show a pace or a swing to about two significant digits: ER moves by
    hundredths of a percentage point a day, followers by tens, and one fixed number of decimals
    shows either as "0.0" or as false precision."""
    size = abs(value)
    if size >= 100 or size == 0 or not math.isfinite(size):
        return 0
    if size >= 1:
        return 1
    return min(4, 1 - math.floor(math.log10(size)))


def format_pace(value: Any) -> str:
    """A signed pace to about two significant digits ("+12.5", "−0.031", "0")."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "—"
    decimals = significant_decimals(float(value))
    return format_signed(round(float(value), decimals), decimals)
