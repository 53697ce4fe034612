"""When a scheduled report is due, and which period it covers.

Everything is computed in the client's time zone:

- **monthly** on day *D* at hour *H*: from local day *D* of a month at *H*:00 the previous (complete)
  month is due, e.g. on 3 November 09:00 the report for October (period key ``"2026-10"``);
- **weekly** on weekday *W* at hour *H*: from weekday *W* of an ISO week at *H*:00 the previous ISO
  week is due, e.g. on Monday 2 November 2026 09:00 the report for week 44 (``"2026-W44"``).

A period stays due until the next one starts (so a worker that was down catches up), but only if the
schedule already existed at the due moment: a schedule created after it starts with the next period,
instead of surprising the client with an immediate report. Pure functions: no database access.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol

from smartsmm.core.periods import add_months, month_key, parse_month_key, parse_week_key, week_key

MONTHLY, WEEKLY = "monthly", "weekly"


class ScheduleLike(Protocol):
    kind: str
    day_of_month: int | None
    weekday: int | None
    hour: int
    created_at: datetime


def is_period_key(kind: str, value: str) -> bool:
    """Whether ``value`` is a period key of the kind (``2026-10`` / ``2026-W44``, week 53 only if real)."""
    parse = {MONTHLY: parse_month_key, WEEKLY: parse_week_key}.get(kind)
    if parse is None or value != value.strip():
        return False
    try:
        parse(value)
    except ValueError:
        return False
    return True


def _local_moment(day: date, hour: int, tz: tzinfo) -> datetime:
    # zoneinfo resolves a wall time skipped or repeated by a DST change to one instant (fold=0).
    return datetime.combine(day, time(hour), tzinfo=tz)


def occurrence(schedule: ScheduleLike, local_now: datetime) -> tuple[str, datetime]:
    """The due moment in the month/week of ``local_now`` and the period key it delivers."""
    tz = local_now.tzinfo
    assert tz is not None, "local_now must be aware"
    if schedule.kind == MONTHLY:
        due_at = _local_moment(
            date(local_now.year, local_now.month, schedule.day_of_month or 1), schedule.hour, tz
        )
        return month_key(*add_months(local_now.year, local_now.month, -1)), due_at
    monday = local_now.date() - timedelta(days=local_now.weekday())
    due_at = _local_moment(monday + timedelta(days=schedule.weekday or 0), schedule.hour, tz)
    return week_key(monday - timedelta(days=7)), due_at


def due_period(schedule: ScheduleLike, now: datetime, tz: tzinfo) -> str | None:
    """The period key due at ``now`` (aware) for a client in ``tz``, or None when nothing is due."""
    local_now = now.astimezone(tz)
    period, due_at = occurrence(schedule, local_now)
    if local_now < due_at or schedule.created_at > due_at:
        return None
    return period


def next_due_at(schedule: ScheduleLike, now: datetime, tz: tzinfo) -> datetime:
    """The next due moment strictly after the schedule was created and not before ``now``'s period."""
    local_now = now.astimezone(tz)
    _period, due_at = occurrence(schedule, local_now)
    if due_at >= local_now and due_at >= schedule.created_at:
        return due_at
    if schedule.kind == MONTHLY:
        year, month = (
            (local_now.year + 1, 1) if local_now.month == 12 else (local_now.year, local_now.month + 1)
        )
        nxt = datetime(year, month, 1, 12, tzinfo=tz)
    else:
        nxt = local_now + timedelta(days=7)
    return occurrence(schedule, nxt)[1]
