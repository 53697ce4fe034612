"""VK payloads → normalized rows. Pure functions: no I/O, no Django, testable with JSON fixtures.

Shapes follow platform-apis.md §1.3–§1.5 (API 5.199):

- ``groups.getById`` answers ``{"groups": [...], "profiles": [...]}`` (older versions: a bare list);
- ``stats.get`` answers a list of periods, one per day with ``interval=day``; the list may come
  newest first, and an object (``visitors``, ``reach``, ``activity``) that would be all zeros may be
  left out — so periods are sorted here and a missing object counts as zeros for that day;
- ``wall.get`` items carry ``likes``/``comments``/``reposts``/``views`` objects and ``attachments``;
- ``stats.getPostReach`` items carry ``post_id`` and ``reach_total``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from smartsmm.connectors.base import AccountInfo
from smartsmm.core.types import PostRecord

MSK = ZoneInfo("Europe/Moscow")

#: stats.get field → our daily metric: (object, field, metric).
STATS_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("reach", "reach", "reach"),
    ("visitors", "views", "views"),
    ("activity", "subscribed", "subscribed"),
    ("activity", "unsubscribed", "unsubscribed"),
)
DAILY_METRICS: tuple[str, ...] = tuple(metric for _obj, _field, metric in STATS_FIELDS)

# A post's type from its attachments, most specific first: a clip with a photo is a clip.
_TYPE_PRIORITY: tuple[tuple[str, str], ...] = (
    ("clip", "clip"),
    ("video", "video"),
    ("poll", "poll"),
    ("photo", "photo"),
    ("link", "link"),
)


def groups_of(response: Any) -> list[dict[str, Any]]:
    """The community objects of a ``groups.getById`` response, in either of its shapes."""
    if isinstance(response, dict):
        items = response.get("groups") or []
    elif isinstance(response, list):
        items = response  # before ~5.194 the response was a bare array (§1.3)
    else:
        items = []
    return [item for item in items if isinstance(item, dict)]


def community_url(group: Mapping[str, Any]) -> str:
    """The community's public address."""
    screen_name = group.get("screen_name") or f"club{group['id']}"
    return f"https://vk.com/{screen_name}"


def account_info(group: Mapping[str, Any]) -> AccountInfo:
    """An :class:`AccountInfo` from a ``groups.getById`` community object."""
    members = group.get("members_count")
    is_admin = group.get("is_admin")
    return AccountInfo(
        external_id=str(group["id"]),
        handle=str(group.get("screen_name") or f"club{group['id']}"),
        name=str(group.get("name") or ""),
        url=community_url(group),
        followers=int(members) if members is not None else None,
        is_admin=bool(is_admin) if is_admin is not None else None,
    )


def followers_rows(group: Mapping[str, Any], day: date) -> list[tuple[str, date, float]]:
    """``followers`` on ``day`` from a community's ``members_count`` (none if VK did not give it)."""
    members = group.get("members_count")
    if members is None:
        return []
    return [("followers", day, float(members))]


def period_day(period: Mapping[str, Any], tz: ZoneInfo = MSK) -> date:
    """The local day a ``stats.get`` day period starts on."""
    return datetime.fromtimestamp(int(period["period_from"]), tz).date()


def daily_rows(periods: Iterable[Mapping[str, Any]], tz: ZoneInfo = MSK) -> list[tuple[str, date, float]]:
    """Daily reach, views, subscribed and unsubscribed from ``stats.get`` day periods.

    Args:
        periods: The periods of one or more responses, in any order (VK lists newest first).
        tz: The zone of VK's days (Moscow).

    Returns:
        ``(metric, day, value)`` for every period, oldest day first. A period without one of its
        objects gets zeros for that object's metrics: VK leaves out objects that would be all zeros.
        A day listed twice (overlapping requests) keeps the last listing.
    """
    by_day: dict[date, Mapping[str, Any]] = {}
    for period in periods:
        if isinstance(period, Mapping) and "period_from" in period:
            by_day[period_day(period, tz)] = period
    rows: list[tuple[str, date, float]] = []
    for day in sorted(by_day):
        period = by_day[day]
        for obj, name, metric in STATS_FIELDS:
            section = period.get(obj)
            value = section.get(name, 0) if isinstance(section, Mapping) else 0
            rows.append((metric, day, float(value or 0)))
    return rows


def post_type(item: Mapping[str, Any]) -> str:
    """The content type of a wall post: clip, video, poll, photo, link, repost or post (text)."""
    kinds = {a.get("type") for a in item.get("attachments") or [] if isinstance(a, Mapping)}
    for attachment, label in _TYPE_PRIORITY:
        if attachment in kinds:
            return label
    if item.get("copy_history"):
        return "repost"
    return "post"


def _count(item: Mapping[str, Any], name: str) -> int | None:
    section = item.get(name)
    if isinstance(section, Mapping) and section.get("count") is not None:
        return int(section["count"])
    return None  # e.g. views are missing on posts older than VK's view counter


def post_record(item: Mapping[str, Any], reach: int | None = None) -> PostRecord:
    """A :class:`PostRecord` from a ``wall.get`` item; ``reach`` from ``stats.getPostReach``.

    VK has no saves counter (None, not zero); reposts are our ``shares``.
    """
    owner_id = int(item["owner_id"])
    post_id = int(item["id"])
    return PostRecord(
        published_at=datetime.fromtimestamp(int(item["date"]), UTC),
        likes=_count(item, "likes"),
        comments=_count(item, "comments"),
        shares=_count(item, "reposts"),
        saves=None,
        views=_count(item, "views"),
        reach=reach,
        external_id=str(post_id),
        post_type=post_type(item),
        url=f"https://vk.com/wall{owner_id}_{post_id}",
        text=str(item.get("text") or ""),
    )


def reach_by_post(items: Iterable[Mapping[str, Any]]) -> dict[int, int]:
    """Post id → ``reach_total`` from ``stats.getPostReach`` items."""
    return {
        int(item["post_id"]): int(item["reach_total"])
        for item in items
        if isinstance(item, Mapping) and item.get("reach_total") is not None
    }


def wall_page(response: Any) -> tuple[int, list[dict[str, Any]]]:
    """``(count, items)`` of a ``wall.get`` response."""
    if not isinstance(response, Mapping):
        return 0, []
    items = [item for item in response.get("items") or [] if isinstance(item, dict)]
    return int(response.get("count") or 0), items


def day_bounds(first: date, last: date, tz: ZoneInfo = MSK) -> tuple[int, int]:
    """``(timestamp_from, timestamp_to)`` covering the local days ``first``..``last``."""
    start = datetime(first.year, first.month, first.day, tzinfo=tz)
    end = datetime(last.year, last.month, last.day, tzinfo=tz) + timedelta(days=1)
    return int(start.timestamp()), int(end.timestamp()) - 1
