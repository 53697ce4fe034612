"""Loading stored measurements into the plain shapes the core computes on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max

from smartsmm.clients.models import SocialAccount
from smartsmm.core.metrics import DAILY_METRICS, STOCK_METRICS, merge_account_series
from smartsmm.core.objectives import Platform
from smartsmm.core.types import PostRecord
from smartsmm.measurements.models import DailyMetric, Post


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


def load_posts(
    account_ids: Sequence[int], tz: ZoneInfo, *, start: date | None = None, end: date | None = None
) -> list[PostRecord]:
    """Posts published within [start, end] (local days of `tz`), with local publication times."""
    qs = Post.objects.filter(account_id__in=account_ids)
    lower, upper = _local_bounds(tz, start, end)
    if lower is not None:
        qs = qs.filter(published_at__gte=lower)
    if upper is not None:
        qs = qs.filter(published_at__lt=upper)
    fields = (
        "published_at",
        "likes",
        "comments",
        "shares",
        "saves",
        "views",
        "reach",
        "external_id",
        "post_type",
        "url",
        "text",
    )
    return [
        PostRecord(
            published_at=row[0].astimezone(tz),
            likes=row[1],
            comments=row[2],
            shares=row[3],
            saves=row[4],
            views=row[5],
            reach=row[6],
            external_id=row[7],
            post_type=row[8],
            url=row[9],
            text=row[10],
        )
        for row in qs.order_by("published_at").values_list(*fields).iterator(chunk_size=5000)
    ]


def last_data_date(account_ids: Sequence[int]) -> date | None:
    found = DailyMetric.objects.filter(account_id__in=account_ids).aggregate(last=Max("day"))["last"]
    return found if isinstance(found, date) else None


def scope_data(
    accounts: Sequence[SocialAccount], tz: ZoneInfo, *, start: date | None = None, end: date | None = None
) -> ScopeData:
    """Everything measured for a set of accounts, merged into one scope."""
    ids = [a.pk for a in accounts]
    per_account = load_daily(ids, start=start, end=end)
    merged: dict[str, dict[date, float]] = {}
    for metric in DAILY_METRICS:
        series = [data[metric] for data in per_account.values() if metric in data]
        if series:
            merged[metric] = merge_account_series(series, stock=metric in STOCK_METRICS)
    last = max((max(s) for s in merged.values() if s), default=None)
    return ScopeData(
        daily=merged,
        posts=load_posts(ids, tz, start=start, end=end),
        platforms=frozenset(Platform(a.platform) for a in accounts),
        last_data_date=last,
    )
