"""Loading stored measurements into the plain shapes the core computes on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Max

from smartsmm.clients.models import SocialAccount
from smartsmm.core.metrics import DAILY_METRICS, STOCK_METRICS, merge_account_series
from smartsmm.core.objectives import Platform
from smartsmm.core.types import PostRecord
from smartsmm.measurements.models import DailyMetric, Post
from smartsmm.measurements.writes import POST_FIELDS


@dataclass(frozen=True)
class ScopeData:
    """Daily metrics added up over a scope's accounts, and their posts in local time."""

    daily: dict[str, dict[date, float]]
    posts: list[PostRecord]
    platforms: frozenset[Platform]
    last_data_date: date | None


def load_daily(
    account_ids: Sequence[int],
    *,
    metrics: Iterable[str] = DAILY_METRICS,
    start: date | None = None,
    end: date | None = None,
) -> dict[int, dict[str, dict[date, float]]]:
    """account id -> metric -> day -> value."""
    qs = DailyMetric.objects.filter(account_id__in=account_ids, metric__in=list(metrics))
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    result: dict[int, dict[str, dict[date, float]]] = {pk: {} for pk in account_ids}
    for account_id, metric, day, value in qs.values_list("account_id", "metric", "day", "value").iterator(
        chunk_size=20000
    ):
        result[account_id].setdefault(metric, {})[day] = value
    return result


def _local_bounds(
    tz: ZoneInfo, start: date | None, end: date | None
) -> tuple[datetime | None, datetime | None]:
    lower = datetime.combine(start, time.min, tzinfo=tz) if start else None
    upper = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz) if end else None
    return lower, upper


# Every stored field of a post, by the names the model and PostRecord share.
_POST_FIELDS = ("external_id", *POST_FIELDS)


def _post_query(account_ids: Sequence[int], tz: ZoneInfo, start: date | None, end: date | None) -> Any:
    qs = Post.objects.filter(account_id__in=account_ids)
    lower, upper = _local_bounds(tz, start, end)
    if lower is not None:
        qs = qs.filter(published_at__gte=lower)
    if upper is not None:
        qs = qs.filter(published_at__lt=upper)
    return qs.order_by("published_at")


def _post_record(row: Sequence[Any], tz: ZoneInfo) -> PostRecord:
    fields = dict(zip(_POST_FIELDS, row, strict=True))
    fields["published_at"] = fields["published_at"].astimezone(tz)
    return PostRecord(**fields)


def load_posts(
    account_ids: Sequence[int], tz: ZoneInfo, *, start: date | None = None, end: date | None = None
) -> list[PostRecord]:
    """Posts published within [start, end] (local days of `tz`), with local publication times."""
    rows = _post_query(account_ids, tz, start, end).values_list(*_POST_FIELDS)
    return [_post_record(row, tz) for row in rows.iterator(chunk_size=5000)]


def load_posts_by_account(
    account_ids: Sequence[int], tz: ZoneInfo, *, start: date | None = None, end: date | None = None
) -> dict[int, list[PostRecord]]:
    """As :func:`load_posts`, in one query, kept apart per account (account id -> posts)."""
    result: dict[int, list[PostRecord]] = {pk: [] for pk in account_ids}
    rows = _post_query(account_ids, tz, start, end).values_list("account_id", *_POST_FIELDS)
    for row in rows.iterator(chunk_size=5000):
        result[row[0]].append(_post_record(row[1:], tz))
    return result


def last_data_date(account_ids: Sequence[int]) -> date | None:
    found = DailyMetric.objects.filter(account_id__in=account_ids).aggregate(last=Max("day"))["last"]
    return found if isinstance(found, date) else None


def scope_data(
    accounts: Sequence[SocialAccount], tz: ZoneInfo, *, start: date | None = None, end: date | None = None
) -> ScopeData:
    """Everything measured for a set of accounts, merged into one scope."""
    ids = [a.pk for a in accounts]
    return merge_scope(
        accounts, load_daily(ids, start=start, end=end), load_posts(ids, tz, start=start, end=end)
    )


def merge_scope(
    accounts: Sequence[SocialAccount],
    daily_by_account: Mapping[int, Mapping[str, Mapping[date, float]]],
    posts: Sequence[PostRecord],
) -> ScopeData:
    """The scope of `accounts` from their loaded series (account id -> metric -> day -> value) and posts."""
    merged: dict[str, dict[date, float]] = {}
    for metric in DAILY_METRICS:
        series = [
            daily_by_account[a.pk][metric] for a in accounts if metric in daily_by_account.get(a.pk, {})
        ]
        if series:
            merged[metric] = merge_account_series(series, stock=metric in STOCK_METRICS)
    last = max((max(s) for s in merged.values() if s), default=None)
    return ScopeData(
        daily=merged,
        posts=list(posts),
        platforms=frozenset(Platform(a.platform) for a in accounts),
        last_data_date=last,
    )
