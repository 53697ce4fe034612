"""reconstruct_stock_backwards: past levels of a stock from one measured level and daily net changes."""

from __future__ import annotations

from datetime import date

from smartsmm.core.stocks import reconstruct_stock_backwards

JAN = [date(2026, 1, n) for n in range(1, 32)]


def test_it_walks_back_through_the_net_changes():
    # Hand-computed: 100 on the 5th; the 5th gained 5 → 95 on the 4th; the 4th lost 2 → 97 on the 3rd;
    # the 3rd gained 10 → 87 on the 2nd.
    net = {JAN[4]: 5, JAN[3]: -2, JAN[2]: 10}
    assert reconstruct_stock_backwards(JAN[4], 100, net) == {JAN[3]: 95, JAN[2]: 97, JAN[1]: 87}


def test_it_stops_at_the_first_day_without_a_net_change():
    net = {JAN[9]: 1, JAN[8]: 1, JAN[6]: 50}  # the 8th is unknown: nothing before it can be said
    assert reconstruct_stock_backwards(JAN[9], 10, net) == {JAN[8]: 9, JAN[7]: 8}


def test_it_ignores_days_after_the_anchor_and_leaves_the_anchor_out():
    net = {JAN[2]: 3, JAN[1]: 4, JAN[0]: 0}
    assert reconstruct_stock_backwards(JAN[1], 20, net) == {JAN[0]: 16, date(2025, 12, 31): 16}


def test_nothing_to_walk_without_the_anchor_days_change():
    assert reconstruct_stock_backwards(JAN[5], 20, {JAN[4]: 1}) == {}


def test_it_does_not_hide_drift_below_zero():
    assert reconstruct_stock_backwards(JAN[1], 3, {JAN[1]: 5}) == {JAN[0]: -2}


def test_it_crosses_month_and_year_ends():
    levels = reconstruct_stock_backwards(
        date(2026, 1, 1), 1_000, {date(2026, 1, 1): 7, date(2025, 12, 31): -3}
    )
    assert levels == {date(2025, 12, 31): 993, date(2025, 12, 30): 996}
