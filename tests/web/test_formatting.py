"""Paces on the goal page: about two significant digits, so an ER pace is not shown as "0.0"."""

from __future__ import annotations

import math

import pytest
from django.utils import translation

from smartsmm.web.formatting import format_pace


@pytest.mark.parametrize(
    ("value", "english", "russian"),
    [
        (0.015, "+0.015", "+0,015"),
        (-0.031, "−0.031", "−0,031"),
        (-0.0004, "−0.0004", "−0,0004"),
        (12.46, "+12.5", "+12,5"),
        (1234.4, "+1,234", "+1 234"),
        (0.0, "0", "0"),
    ],
)
def test_it_shows_a_pace_to_two_significant_digits_with_its_sign(
    value: float, english: str, russian: str
) -> None:
    with translation.override("en"):
        assert format_pace(value) == english
    with translation.override("ru"):
        assert format_pace(value).replace("\xa0", " ") == russian


@pytest.mark.parametrize("value", [None, math.nan, math.inf, "fast"])
def test_it_shows_a_dash_for_a_pace_it_cannot_read(value: object) -> None:
    assert format_pace(value) == "—"
