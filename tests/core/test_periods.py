"""Periods, month comparisons (whole months and month to date) and changes between values."""

from __future__ import annotations

from datetime import date

import pytest

from smartsmm.core.periods import Change, MonthComparison, Period, add_months, month_comparison, month_period


def _p(start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end))


# --- Period ---------------------------------------------------------------------------------------


def test_it_rejects_a_period_that_ends_before_it_starts():
    with pytest.raises(ValueError):
        _p("2024-03-02", "2024-03-01")


def test_it_counts_days_inclusively():
    assert _p("2024-03-01", "2024-03-01").days == 1
    assert _p("2024-01-01", "2024-01-31").days == 31
    assert _p("2024-02-01", "2024-02-29").days == 29  # leap year
    assert _p("2023-01-01", "2023-12-31").days == 365
    assert _p("2024-02-27", "2024-03-02").iter_days() == [
        date(2024, 2, 27),
        date(2024, 2, 28),
        date(2024, 2, 29),
        date(2024, 3, 1),
        date(2024, 3, 2),
    ]


def test_it_contains_both_ends_and_nothing_outside():
    period = _p("2024-03-01", "2024-03-31")
    assert date(2024, 3, 1) in period
    assert date(2024, 3, 15) in period
    assert date(2024, 3, 31) in period
    assert date(2024, 2, 29) not in period
    assert date(2024, 4, 1) not in period
    assert "2024-03-15" not in period


def test_it_shifts_a_period_to_the_equal_one_right_before_it():
    # March 2024 has 31 days; the 31 days ending on 29 February start on 30 January.
    assert _p("2024-03-01", "2024-03-31").shifted_before() == _p("2024-01-30", "2024-02-29")
    assert _p("2024-03-01", "2024-03-01").shifted_before() == _p("2024-02-29", "2024-02-29")
    # 7 days ending on 4 January 2025 → the 7 days ending on 28 December 2024.
    assert _p("2024-12-29", "2025-01-04").shifted_before() == _p("2024-12-22", "2024-12-28")


def test_it_builds_calendar_months_and_steps_across_years():
    assert month_period(2024, 2) == _p("2024-02-01", "2024-02-29")
    assert month_period(2025, 2) == _p("2025-02-01", "2025-02-28")
    assert month_period(2024, 12) == _p("2024-12-01", "2024-12-31")
    assert add_months(2025, 1, -1) == (2024, 12)
    assert add_months(2024, 12, 1) == (2025, 1)
    assert add_months(2024, 3, -14) == (2023, 1)


# --- Month comparison -----------------------------------------------------------------------------


def test_it_compares_a_complete_month_with_whole_earlier_months():
    # Today 10 June: May is complete (data is complete up to yesterday).
    assert month_comparison(2024, 5, date(2024, 6, 10)) == MonthComparison(
        current=_p("2024-05-01", "2024-05-31"),
        previous_month=_p("2024-04-01", "2024-04-30"),
        same_month_last_year=_p("2023-05-01", "2023-05-31"),
        is_partial=False,
    )


def test_it_treats_a_month_as_complete_from_the_first_day_of_the_next_month():
    # Today 1 June: data is complete up to 31 May, the month's last day.
    assert month_comparison(2024, 5, date(2024, 6, 1)).is_partial is False
    # Today 31 May: data is complete only up to 30 May.
    comparison = month_comparison(2024, 5, date(2024, 5, 31))
    assert comparison.is_partial is True
    assert comparison.current == _p("2024-05-01", "2024-05-30")


def test_it_compares_a_running_month_to_date_with_earlier_months_cut_to_the_same_day():
    # Today 16 May: complete up to 15 May, so every period is the 1st to the 15th.
    assert month_comparison(2024, 5, date(2024, 5, 16)) == MonthComparison(
        current=_p("2024-05-01", "2024-05-15"),
        previous_month=_p("2024-04-01", "2024-04-15"),
        same_month_last_year=_p("2023-05-01", "2023-05-15"),
        is_partial=True,
    )


def test_it_compares_only_the_first_day_when_nothing_of_the_month_is_complete_yet():
    # Today 1 May: no day of May is complete; the comparison covers 1 May only.
    comparison = month_comparison(2024, 5, date(2024, 5, 1))
    assert comparison.is_partial is True
    assert comparison.current == _p("2024-05-01", "2024-05-01")
    assert comparison.previous_month == _p("2024-04-01", "2024-04-01")
    assert comparison.same_month_last_year == _p("2023-05-01", "2023-05-01")


def test_it_compares_a_complete_february_with_the_whole_31_day_january():
    comparison = month_comparison(2025, 2, date(2025, 3, 1))
    assert comparison.current == _p("2025-02-01", "2025-02-28")
    assert comparison.previous_month == _p("2025-01-01", "2025-01-31")
    # The same month a year before is the leap February 2024, with its 29th day.
    assert comparison.same_month_last_year == _p("2024-02-01", "2024-02-29")


def test_it_compares_the_leap_february_with_the_28_day_february_of_the_year_before():
    comparison = month_comparison(2024, 2, date(2024, 3, 1))
    assert comparison.current == _p("2024-02-01", "2024-02-29")
    assert comparison.same_month_last_year == _p("2023-02-01", "2023-02-28")


def test_it_cuts_a_shorter_previous_month_at_its_last_day():
    # Today 31 March: complete up to 30 March; February has no 30th, so it is whole.
    comparison = month_comparison(2025, 3, date(2025, 3, 31))
    assert comparison.current == _p("2025-03-01", "2025-03-30")
    assert comparison.previous_month == _p("2025-02-01", "2025-02-28")
    assert comparison.same_month_last_year == _p("2024-03-01", "2024-03-30")
    # In a leap year the cut February ends on the 29th.
    assert month_comparison(2024, 3, date(2024, 3, 31)).previous_month == _p("2024-02-01", "2024-02-29")


def test_it_cuts_a_running_february_to_date_in_the_leap_year_before():
    # Today 28 February 2025: complete up to the 27th, so the leap February 2024 is cut at its 27th.
    comparison = month_comparison(2025, 2, date(2025, 2, 28))
    assert comparison.current == _p("2025-02-01", "2025-02-27")
    assert comparison.previous_month == _p("2025-01-01", "2025-01-27")
    assert comparison.same_month_last_year == _p("2024-02-01", "2024-02-27")


def test_it_takes_januarys_previous_month_from_the_previous_year():
    complete = month_comparison(2025, 1, date(2025, 2, 5))
    assert complete.previous_month == _p("2024-12-01", "2024-12-31")
    assert complete.same_month_last_year == _p("2024-01-01", "2024-01-31")
    running = month_comparison(2025, 1, date(2025, 1, 10))
    assert running.current == _p("2025-01-01", "2025-01-09")
    assert running.previous_month == _p("2024-12-01", "2024-12-09")
    assert running.same_month_last_year == _p("2024-01-01", "2024-01-09")


# --- Change ---------------------------------------------------------------------------------------


def test_it_computes_absolute_and_percent_change():
    change = Change(current=90, reference=120)
    assert change.absolute == -30  # 90 − 120
    assert change.percent == pytest.approx(-25.0)  # −30 ÷ 120 × 100
    assert Change(150, 100).percent == pytest.approx(50.0)
    assert Change(100, 100).percent == 0


def test_it_leaves_the_percent_undefined_when_the_reference_is_zero():
    change = Change(current=5, reference=0)
    assert change.absolute == 5
    assert change.percent is None
    assert Change(0, 0).percent is None


def test_it_measures_a_change_from_a_negative_reference_against_its_size():
    # Net growth −10 → −5 is an improvement: (−5 − (−10)) ÷ |−10| × 100 = +50 %.
    assert Change(current=-5, reference=-10).absolute == 5
    assert Change(current=-5, reference=-10).percent == pytest.approx(50.0)
    # −10 → 10: (10 − (−10)) ÷ 10 × 100 = +200 %.
    assert Change(current=10, reference=-10).percent == pytest.approx(200.0)
    # −10 → −20: a fall of 100 %.
    assert Change(current=-20, reference=-10).percent == pytest.approx(-100.0)


def test_it_leaves_a_change_undefined_when_a_value_is_missing():
    for change in (Change(None, 10), Change(10, None), Change(None, None)):
        assert change.absolute is None
        assert change.percent is None


def test_it_reads_and_writes_period_keys():
    from smartsmm.core.periods import month_key, parse_month_key, parse_week_key, week_key

    assert month_key(2026, 3) == "2026-03" and parse_month_key("2026-03") == (2026, 3)
    assert week_key(date(2027, 1, 1)) == "2026-W53"  # the ISO year differs near New Year
    assert parse_week_key("2026-W53") == date(2026, 12, 28)
    for bad in ("2026-13", "26-03", "2026-3", "March"):
        with pytest.raises(ValueError, match="expected YYYY-MM"):
            parse_month_key(bad)
    for bad in ("2025-W53", "2026-W00", "2026W47", "2026-47"):  # 2025 has 52 ISO weeks
        with pytest.raises(ValueError, match="expected an ISO week"):
            parse_week_key(bad)
