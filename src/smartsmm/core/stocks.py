"""Stocks rebuilt from their flows: a level known today, walked back through daily net changes.

A platform may report a stock (followers) only as its value now, but its daily flows (subscribed,
unsubscribed) for the past. Since ``stock(d) = stock(d − 1) + net_change(d)``, the past levels follow
from one measured level and the net changes after it. The result is an *estimate*: whatever moves
the stock without being counted in the flows (VK: deleted or banned accounts leaving a community)
accumulates as drift the further back the walk goes. See docs/decisions/0005-follower-history.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

__all__ = ["reconstruct_stock_backwards"]

_DAY = timedelta(days=1)


def reconstruct_stock_backwards(
    anchor_day: date, anchor_value: float, net_changes: Mapping[date, float]
) -> dict[date, float]:
    """The end-of-day levels before ``anchor_day``, from the level on it and the daily net changes.

    Walking back from the anchor, ``level(d − 1) = level(d) − net_changes[d]``. The walk stops at the
    first day without a net change: across an unknown day every earlier level would be unknown too.
    Net changes after the anchor day are ignored. No clamping at zero: a negative level is drift
    made visible, not something to hide.

    Args:
        anchor_day: The day whose level was measured.
        anchor_value: The measured level on that day (the level the day's net change led to).
        net_changes: Inflow minus outflow of each day (VK: subscribed − unsubscribed).

    Returns:
        ``{day: level}`` for the consecutive days before ``anchor_day`` the net changes reach back to
        (the anchor day itself is not included); empty when ``anchor_day`` has no net change.

    Example:
        >>> reconstruct_stock_backwards(date(2026, 1, 3), 100, {date(2026, 1, 3): 5, date(2026, 1, 2): -2})
        {datetime.date(2026, 1, 2): 95.0, datetime.date(2026, 1, 1): 97.0}
    """
    levels: dict[date, float] = {}
    level = float(anchor_value)
    day = anchor_day
    while day in net_changes:
        level -= float(net_changes[day])
        day -= _DAY
        levels[day] = level
    return levels
