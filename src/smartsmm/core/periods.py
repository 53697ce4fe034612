"""Period arithmetic: months, comparable periods and changes between them.

All dates are local calendar dates of the client (its timezone is applied before data reaches the
core), and every period is inclusive at both ends.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Period:
    """An inclusive range of calendar days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def iter_days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def shifted_before(self) -> Period:
        """The period of equal length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last))


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _clamp_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class MonthComparison:
    """A month (or month to date) with the periods it is compared against.

    When the month is still running, comparing it with whole months would make every sum look
    like a fall, so the earlier periods are cut to the same number of days ("month to date").
    """

    current: Period
    previous_month: Period
    same_month_last_year: Period
    is_partial: bool


def month_comparison(year: int, month: int, today: date) -> MonthComparison:
    """Compare a month with the previous month and the same month a year before.

    Args:
        year: the month's year.
        month: the month (1–12).
        today: the client's current local date; data is complete up to the day before.
    """
    whole = month_period(year, month)
    prev_y, prev_m = add_months(year, month, -1)
    last_year = year - 1
    last_complete_day = today - timedelta(days=1)
    if whole.end <= last_complete_day:
        return MonthComparison(whole, month_period(prev_y, prev_m), month_period(last_year, month), False)
    if last_complete_day < whole.start:
        # Nothing of this month is complete yet: compare its first day only, which is empty.
        last_complete_day = whole.start
    day = last_complete_day.day
    current = Period(whole.start, last_complete_day)
    previous = Period(date(prev_y, prev_m, 1), _clamp_day(prev_y, prev_m, day))
    year_ago = Period(date(last_year, month, 1), _clamp_day(last_year, month, day))
    return MonthComparison(current, previous, year_ago, True)


@dataclass(frozen=True, slots=True)
class Change:
    """How a value changed against a reference value."""

    current: float | None
    reference: float | None

    @property
    def absolute(self) -> float | None:
        if self.current is None or self.reference is None:
            return None
        return self.current - self.reference

    @property
    def percent(self) -> float | None:
        """Relative change in percent; None when the reference is missing or zero (undefined)."""
        if self.current is None or self.reference is None or self.reference == 0:
            return None
        return (self.current - self.reference) / abs(self.reference) * 100.0


def iso_week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# Period keys: "2026-10" for a month, "2026-W44" for an ISO week (reports, schedules, share links).


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def week_key(day: date) -> str:
    """The ISO week of ``day`` as ``YYYY-Www`` (the ISO year, which differs near New Year)."""
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def parse_month_key(value: str) -> tuple[int, int]:
    """``YYYY-MM`` → (year, month); ValueError saying what was expected otherwise."""
    text = value.strip()
    year_text, _, month_text = text.partition("-")
    if len(year_text) == 4 and len(month_text) == 2 and year_text.isdigit() and month_text.isdigit():
        year, month = int(year_text), int(month_text)
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    raise ValueError(f"month: expected YYYY-MM (e.g. 2026-10), got {value!r}")


def parse_week_key(value: str) -> date:
    """``YYYY-Www`` (an ISO week) → its Monday; ValueError saying what was expected otherwise."""
    text = value.strip()
    year_text, _, week_text = text.partition("-W")
    if len(year_text) == 4 and len(week_text) == 2 and year_text.isdigit() and week_text.isdigit():
        try:
            return date.fromisocalendar(int(year_text), int(week_text), 1)
        except ValueError:
            pass
    raise ValueError(f"week: expected an ISO week YYYY-Www (e.g. 2026-W47), got {value!r}")
