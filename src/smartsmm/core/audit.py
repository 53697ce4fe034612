"""Account audit: posting rhythm, best hours, top/bottom posts, anomalies, completeness, followers.

Everything here is a pure function of plain data (``PostRecord`` lists and ``DailySeries``) that
returns a frozen dataclass; ``to_dict()`` turns a result into JSON-friendly primitives (dates as
ISO strings, tuples as lists). Empty inputs give empty results and None values, never exceptions;
only programming errors (an inverted window, an unknown option) raise ``ValueError``.

Conventions shared by all functions:

* Windows are ``[start, end]`` inclusive calendar dates in the client's timezone.
* Post timestamps are converted to the client's timezone before taking the date, weekday or hour,
  because "posted on Monday at 9" only means something in the audience's local time.
* A counter or a daily value that is None (or NaN) is missing, never zero.
* Engagement rates are fractions (0.05 == 5 %), not percentages.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import pairwise
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from smartsmm.core.types import DailySeries, PostRecord

__all__ = [
    "Anomaly",
    "BestHours",
    "Completeness",
    "DayChange",
    "FollowerSummary",
    "HourCell",
    "MetricCompleteness",
    "PostingRhythm",
    "RankedPost",
    "RankedPosts",
    "RateBasis",
    "RateChoice",
    "best_hours",
    "choose_rate_basis",
    "data_completeness",
    "detect_anomalies",
    "follower_summary",
    "post_rate",
    "posting_rhythm",
    "top_and_bottom_posts",
]

RateBasis = Literal["views", "reach", "engagements"]
RateChoice = Literal["auto", "views", "reach", "engagements"]

_ONE_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)

# A basis is used for the whole account only when at least 80 % of posts carry its denominator:
# mixing rates over different denominators (views for some posts, reach for others) would rank
# posts by what the platform happened to report rather than by how well they did, and below ~80 %
# coverage too many posts would drop out of the comparison.
_BASIS_COVERAGE_NUM, _BASIS_COVERAGE_DEN = 4, 5

# Counters of a fresh post are still growing (most reach/views arrive over the first 24-48 h), so
# a post younger than this relative to the newest post would look like a flop only because it is
# young. It may still appear in the top: its counters can only grow, so a young top post is
# genuinely strong.
_YOUNG_POST_AGE = timedelta(days=2)

# 1.4826 * MAD estimates the standard deviation for normally distributed data, so the robust z
# below reads like an ordinary z-score while ignoring the outliers we are looking for.
_MAD_SCALE = 1.4826
# Fewer prior points than this make the median/MAD themselves too noisy to judge a day by.
_MIN_PRIOR_POINTS = 7
# Scale floors. A perfectly flat history has MAD == 0, which would turn any tiny wiggle into an
# "infinite" z. Deviations below 5 % of the typical level, below 0.1 % of the follower base (for
# stock metrics) or below one unit are not worth an analyst's attention, so the scale never drops
# below those: with threshold 4 a flagged flow day is >= 20 % off its median and a flagged
# follower day moves the base by >= 0.4 %.
_FLOOR_REL_MEDIAN = 0.05
_FLOOR_REL_LEVEL = 0.001
_FLOOR_ABS = 1.0
# A single-day loss above 1 % of the audience is larger than organic churn on any platform we
# support; in practice it is a platform bot purge or a mass unsubscribe after some event.
_PURGE_SHARE = 0.01
_LABEL_PURGE = "possible bot purge or mass unsubscribe"
_LABEL_GAIN = "campaign, giveaway or viral post"


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Recursively convert dataclasses, dates, mappings and tuples to JSON-friendly primitives."""
    if isinstance(value, date):  # datetime is a subclass of date
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {(k.isoformat() if isinstance(k, date) else str(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class _ToDict:
    """Mixin giving frozen result dataclasses a ``to_dict()`` for JSON responses and templates."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-friendly primitives (dates as ISO strings, tuples as lists)."""
        result: dict[str, Any] = _jsonable(self)
        return result


def _zone(tz: tzinfo | str) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _aware(dt: datetime) -> datetime:
    # Timestamps are stored in UTC. A naive value would otherwise be interpreted in the *server's*
    # local zone by astimezone() (and could not be compared with aware ones), so assume UTC.
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def _check_window(start: date, end: date) -> None:
    if end < start:
        raise ValueError(f"window end {end} is before its start {start}")


def _clean_series(series: Mapping[date, float | None]) -> list[tuple[date, float]]:
    """Return the (day, value) pairs of a series sorted by day, dropping None/NaN/inf values."""
    out: list[tuple[date, float]] = []
    for day, raw in series.items():
        if raw is None:
            continue
        value = float(raw)
        if math.isfinite(value):
            out.append((day, value))
    out.sort(key=lambda item: item[0])
    return out


def _week_start(day: date) -> date:
    """Monday of the ISO week containing ``day``."""
    return day - timedelta(days=day.weekday())


# --------------------------------------------------------------------------------------------
# 1. Posting rhythm
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostingRhythm(_ToDict):
    """How often and how regularly the account posted in a window.

    Attributes:
        start: First day of the window (inclusive).
        end: Last day of the window (inclusive).
        total_posts: Posts whose local publication date falls in the window.
        posts_per_week: ``total_posts / (window days / 7)``.
        weekly: ISO week start (Monday) -> posts, for every week the window touches, zeros included.
        by_weekday: Posts per local weekday, Monday first (7 values).
        longest_gap_days: Longest run of consecutive window days without a post (0 if none).
        longest_gap_start: First day of that run (None when there is no gap).
        longest_gap_end: Last day of that run (None when there is no gap).
        weeks_with_posts: Counted weeks with at least one post.
        weeks_counted: Weeks considered for regularity (see ``regularity``).
        regularity: ``weeks_with_posts / weeks_counted``: share of weeks with at least one post.
    """

    start: date
    end: date
    total_posts: int
    posts_per_week: float
    weekly: dict[date, int]
    by_weekday: tuple[int, ...]
    longest_gap_days: int
    longest_gap_start: date | None
    longest_gap_end: date | None
    weeks_with_posts: int
    weeks_counted: int
    regularity: float


def posting_rhythm(posts: Iterable[PostRecord], start: date, end: date, tz: tzinfo | str) -> PostingRhythm:
    """Summarise the posting cadence of an account over ``[start, end]``.

    Regularity only counts ISO weeks that lie entirely inside the window (falling back to every
    touched week when the window contains no full week): a 2-day stub week at the edge of the
    window says nothing about regularity, and counting it would punish an account that posts
    every Monday just because the window starts on a Wednesday.

    The longest gap includes the window's edges: silence from the start of the window until the
    first post (or from the last post until the end) is a gap the client cares about too.

    Args:
        posts: Posts of the account; those published outside the window (in local time) are ignored.
        start: First day of the window (inclusive, client's timezone).
        end: Last day of the window (inclusive, client's timezone).
        tz: The client's timezone (a ``tzinfo`` or an IANA name such as ``"Europe/Moscow"``).

    Returns:
        The posting rhythm; with no posts the whole window is one gap and regularity is 0.

    Raises:
        ValueError: If ``end`` is before ``start``.
    """
    _check_window(start, end)
    zone = _zone(tz)
    window_days = (end - start).days + 1

    per_day: Counter[date] = Counter()
    for post in posts:
        day = _aware(post.published_at).astimezone(zone).date()
        if start <= day <= end:
            per_day[day] += 1

    by_weekday = [0] * 7
    weekly: dict[date, int] = {}
    monday, last_monday = _week_start(start), _week_start(end)
    while monday <= last_monday:
        weekly[monday] = 0
        monday += _WEEK
    for day, count in per_day.items():
        by_weekday[day.weekday()] += count
        weekly[_week_start(day)] += count

    full_weeks = [m for m in weekly if m >= start and m + timedelta(days=6) <= end]
    counted = full_weeks or list(weekly)
    with_posts = sum(1 for m in counted if weekly[m] > 0)

    # Walk the post days with sentinels just outside the window so edge gaps are included.
    gap_days, gap_start, gap_end = 0, None, None
    bounds = [start - _ONE_DAY, *sorted(per_day), end + _ONE_DAY]
    for before, after in pairwise(bounds):
        run = (after - before).days - 1
        if run > gap_days:  # strict: the earliest of equally long gaps wins
            gap_days, gap_start, gap_end = run, before + _ONE_DAY, after - _ONE_DAY

    total = sum(per_day.values())
    return PostingRhythm(
        start=start,
        end=end,
        total_posts=total,
        posts_per_week=total * 7 / window_days,
        weekly=weekly,
        by_weekday=tuple(by_weekday),
        longest_gap_days=gap_days,
        longest_gap_start=gap_start,
        longest_gap_end=gap_end,
        weeks_with_posts=with_posts,
        weeks_counted=len(counted),
        regularity=with_posts / len(counted),
    )


# --------------------------------------------------------------------------------------------
# Per-post engagement rate (shared by best_hours and top_and_bottom_posts)
# --------------------------------------------------------------------------------------------


def _has_denominator(value: int | None) -> bool:
    # Zero views/reach with engagements is a platform glitch and would divide by zero: treat as absent.
    return value is not None and value > 0


def choose_rate_basis(posts: Iterable[PostRecord]) -> RateBasis:
    """Pick one rate basis for a whole set of posts.

    The first of views / reach that is present (and positive) for at least 80 % of the posts wins;
    otherwise raw engagements are compared. One basis for all posts keeps rates comparable.

    Args:
        posts: The posts that will be compared with each other.

    Returns:
        ``"views"``, ``"reach"`` or ``"engagements"`` (also for an empty list).
    """
    items = posts if isinstance(posts, list | tuple) else list(posts)
    n = len(items)
    if n:
        views = sum(1 for p in items if _has_denominator(p.views))
        if views * _BASIS_COVERAGE_DEN >= n * _BASIS_COVERAGE_NUM:
            return "views"
        reach = sum(1 for p in items if _has_denominator(p.reach))
        if reach * _BASIS_COVERAGE_DEN >= n * _BASIS_COVERAGE_NUM:
            return "reach"
    return "engagements"


def post_rate(post: PostRecord, basis: RateBasis) -> float | None:
    """Engagement rate of one post on a given basis.

    Args:
        post: The post.
        basis: ``"views"`` (engagements / views), ``"reach"`` (engagements / reach) or
            ``"engagements"`` (the raw count).

    Returns:
        The rate as a fraction (or the raw count), or None when the post lacks the denominator or
        reports no engagement counter at all (unknown is not zero).
    """
    if post.likes is None and post.comments is None and post.shares is None and post.saves is None:
        return None
    if basis == "engagements":
        return float(post.engagements)
    denominator = post.views if basis == "views" else post.reach
    if denominator is None or denominator <= 0:
        return None
    return post.engagements / denominator


def _resolve_basis(posts: list[PostRecord], rate: RateChoice) -> RateBasis:
    if rate == "auto":
        return choose_rate_basis(posts)
    if rate in ("views", "reach", "engagements"):
        return rate
    raise ValueError(f"unknown rate {rate!r}; expected 'auto', 'views', 'reach' or 'engagements'")


# --------------------------------------------------------------------------------------------
# 2. Best hours
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HourCell(_ToDict):
    """One weekday × hour cell of the best-hours grid.

    Attributes:
        weekday: 0 = Monday … 6 = Sunday (local time).
        hour: Local hour 0-23.
        mean: Mean per-post rate in the cell.
        count: Posts whose rate entered the mean.
    """

    weekday: int
    hour: int
    mean: float
    count: int


@dataclass(frozen=True, slots=True)
class BestHours(_ToDict):
    """Post counts and mean engagement rate by local weekday and hour.

    Attributes:
        rate_basis: ``"views"``, ``"reach"`` or ``"engagements"`` — the basis of every mean below.
        min_posts: Minimum rated posts for a mean to be reported.
        total_posts: Posts given.
        rated_posts: Posts that had a rate on ``rate_basis`` (the rest only count in ``counts``).
        counts: 7×24 post counts, ``counts[weekday][hour]``, Monday first.
        means: 7×24 mean per-post rate; None where fewer than ``min_posts`` rated posts.
        top_cells: Up to 3 best cells among those with a mean, best first.
        hour_counts: Post counts by hour (24 values), all weekdays together.
        hour_means: Mean rate by hour (24 values; None below ``min_posts``).
        weekday_counts: Post counts by weekday (7 values, Monday first).
        weekday_means: Mean rate by weekday (7 values; None below ``min_posts``).
    """

    rate_basis: RateBasis
    min_posts: int
    total_posts: int
    rated_posts: int
    counts: tuple[tuple[int, ...], ...]
    means: tuple[tuple[float | None, ...], ...]
    top_cells: tuple[HourCell, ...]
    hour_counts: tuple[int, ...]
    hour_means: tuple[float | None, ...]
    weekday_counts: tuple[int, ...]
    weekday_means: tuple[float | None, ...]


def best_hours(
    posts: Iterable[PostRecord],
    tz: tzinfo | str,
    *,
    rate: RateChoice = "auto",
    min_posts: int = 2,
) -> BestHours:
    """Grid of post counts and mean engagement rate by local weekday × hour.

    The mean is the plain mean of per-post rates (each post is one "experiment" of publishing at
    that time), not total engagements over total views, which would let one viral post dominate
    its cell even more. Posts without the chosen denominator still count in ``counts`` (they were
    published then) but not in the means.

    Args:
        posts: Posts to analyse (the caller filters them to the audit window).
        tz: The client's timezone (``tzinfo`` or IANA name).
        rate: ``"auto"`` applies :func:`choose_rate_basis`; or force a basis.
        min_posts: Cells (and hour/weekday aggregates) with fewer rated posts get None: one post
            at a given hour is an anecdote, not a pattern. Values below 1 are treated as 1.

    Returns:
        The grid, its hour-only and weekday-only aggregates, and the top 3 cells.

    Raises:
        ValueError: If ``rate`` is not one of the known choices.
    """
    items = list(posts)
    zone = _zone(tz)
    basis = _resolve_basis(items, rate)
    need = max(1, min_posts)

    counts = [[0] * 24 for _ in range(7)]
    sums = [[0.0] * 24 for _ in range(7)]
    rated = [[0] * 24 for _ in range(7)]
    for post in items:
        local = _aware(post.published_at).astimezone(zone)
        wd, hour = local.weekday(), local.hour
        counts[wd][hour] += 1
        value = post_rate(post, basis)
        if value is not None:
            sums[wd][hour] += value
            rated[wd][hour] += 1

    def mean(total: float, n: int) -> float | None:
        return total / n if n >= need else None

    means = tuple(tuple(mean(sums[w][h], rated[w][h]) for h in range(24)) for w in range(7))
    cells = [
        HourCell(weekday=w, hour=h, mean=m, count=rated[w][h])
        for w in range(7)
        for h in range(24)
        if (m := means[w][h]) is not None
    ]
    # Best mean first; on ties prefer the better-evidenced cell, then the earlier slot (stable UI).
    cells.sort(key=lambda c: (-c.mean, -c.count, c.weekday, c.hour))

    hour_counts = tuple(sum(counts[w][h] for w in range(7)) for h in range(24))
    hour_means = tuple(
        mean(sum(sums[w][h] for w in range(7)), sum(rated[w][h] for w in range(7))) for h in range(24)
    )
    weekday_counts = tuple(sum(row) for row in counts)
    weekday_means = tuple(mean(sum(sums[w]), sum(rated[w])) for w in range(7))

    return BestHours(
        rate_basis=basis,
        min_posts=need,
        total_posts=len(items),
        rated_posts=sum(sum(row) for row in rated),
        counts=tuple(tuple(row) for row in counts),
        means=means,
        top_cells=tuple(cells[:3]),
        hour_counts=hour_counts,
        hour_means=hour_means,
        weekday_counts=weekday_counts,
        weekday_means=weekday_means,
    )


# --------------------------------------------------------------------------------------------
# 3. Top and bottom posts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RankedPost(_ToDict):
    """A post with the rate it was ranked by.

    Attributes:
        post: The post itself.
        rate: Its rate on the result's ``rate_basis``.
        engagements: Its engagements (the first tie-breaker).
    """

    post: PostRecord
    rate: float
    engagements: int


@dataclass(frozen=True, slots=True)
class RankedPosts(_ToDict):
    """Best and worst posts of a window.

    Attributes:
        rate_basis: Basis of every ``rate`` (see :func:`choose_rate_basis`).
        top: Best posts, best first.
        bottom: Worst mature posts, worst first; never overlaps ``top``.
        total_posts: Posts given.
        unrated_posts: Posts left out because they lack the basis' denominator or any counter.
        young_excluded: Posts kept out of ``bottom`` because they were under 2 days old relative
            to the newest post.
    """

    rate_basis: RateBasis
    top: tuple[RankedPost, ...]
    bottom: tuple[RankedPost, ...]
    total_posts: int
    unrated_posts: int
    young_excluded: int


def _rank_key(item: RankedPost) -> tuple[float, int, datetime, str]:
    # A total order so results are deterministic: rate, then engagements (more absolute response
    # wins an exact tie), then recency (the newer post is more relevant to today's strategy),
    # then the platform id.
    return (item.rate, item.engagements, _aware(item.post.published_at), item.post.external_id)


def top_and_bottom_posts(
    posts: Iterable[PostRecord], n: int = 5, *, rate: RateChoice = "auto"
) -> RankedPosts:
    """Rank posts by engagement rate and return the best and the worst ones.

    With fewer than ``2 * n`` ranked posts the list is split in half (top gets the odd one), so
    that top and bottom never share a post and each holds at most ``n``.

    Args:
        posts: Posts to rank (the caller filters them to the audit window).
        n: Maximum posts in each of top and bottom.
        rate: ``"auto"`` applies the same basis rule as :func:`best_hours`; or force a basis.

    Returns:
        The ranked posts; empty tuples for an empty input.

    Raises:
        ValueError: If ``rate`` is not one of the known choices.
    """
    items = list(posts)
    basis = _resolve_basis(items, rate)
    ranked: list[RankedPost] = []
    for post in items:
        value = post_rate(post, basis)
        if value is not None:
            ranked.append(RankedPost(post=post, rate=value, engagements=post.engagements))
    ranked.sort(key=_rank_key, reverse=True)

    limit = max(0, n)
    top_size = min(limit, (len(ranked) + 1) // 2)
    top = ranked[:top_size]
    rest = ranked[top_size:]

    mature = rest
    if items:
        # Age is measured against the newest post rather than "now" to keep this a pure function
        # of the data snapshot (the newest post approximates when the counters were collected).
        cutoff = max(_aware(p.published_at) for p in items) - _YOUNG_POST_AGE
        mature = [r for r in rest if _aware(r.post.published_at) <= cutoff]
    bottom = mature[::-1][:limit]

    return RankedPosts(
        rate_basis=basis,
        top=tuple(top),
        bottom=tuple(bottom),
        total_posts=len(items),
        unrated_posts=len(items) - len(ranked),
        young_excluded=len(rest) - len(mature),
    )


# --------------------------------------------------------------------------------------------
# 4. Anomalies
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Anomaly(_ToDict):
    """A day whose value is far from its recent history.

    Attributes:
        date: The day.
        metric: Metric name, as given.
        kind: ``"stock"`` (value is the net change vs the previous day) or ``"flow"`` (the value).
        value: The examined value (net change for stock, the daily value for flow).
        expected: Rolling median of the examined value over the previous ``window`` days.
        direction: ``"spike"`` (above expected) or ``"drop"`` (below).
        severity: Absolute robust z: ``|value - expected| / scale``; the sign is in ``direction``.
        label: For stock metrics, a hint at the likely cause; None otherwise.
    """

    date: date
    metric: str
    kind: Literal["stock", "flow"]
    value: float
    expected: float
    direction: Literal["spike", "drop"]
    severity: float
    label: str | None


def detect_anomalies(
    series: DailySeries,
    *,
    metric: str,
    kind: Literal["stock", "flow"],
    window: int = 28,
    threshold: float = 4.0,
) -> list[Anomaly]:
    """Flag days that deviate strongly from the rolling median of the previous days.

    For a stock metric (followers) the daily net change is examined, computed only between
    consecutive calendar days: across a missing day the change covers several days and would look
    like a spike. For a flow metric (reach, views) the daily value itself is examined.

    A day is flagged when ``|value - median| > threshold * scale`` where median and MAD come from
    the values of the previous ``window`` calendar days (at least 7 of them present) and
    ``scale = max(1.4826 * MAD, floors)``. Median/MAD rather than mean/SD because the history
    itself contains the spikes we hunt for, and a 28-day window covers four full weekly cycles.
    The default threshold 4 keeps false alarms rare (an audit shows a handful of real events,
    not every busy day).

    Args:
        series: Daily values; missing days and None/NaN values are allowed.
        metric: Metric name copied into each anomaly.
        kind: ``"stock"`` or ``"flow"``.
        window: Calendar days of history behind each judged day (at least 7).
        threshold: Robust z above which a day is flagged.

    Returns:
        Anomalies sorted by date; empty for an empty or short series.

    Raises:
        ValueError: If ``kind`` is unknown, ``window`` < 7 or ``threshold`` <= 0.
    """
    if kind not in ("stock", "flow"):
        raise ValueError(f"unknown kind {kind!r}; expected 'stock' or 'flow'")
    if window < _MIN_PRIOR_POINTS:
        raise ValueError(f"window must be at least {_MIN_PRIOR_POINTS} days, got {window}")
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, got {threshold}")

    points = _clean_series(series)
    if not points:
        return []
    first = points[0][0]
    n_days = (points[-1][0] - first).days + 1
    # Dense calendar array with NaN for missing days: NaN propagates through the difference, which
    # is exactly "a missing day breaks the stock difference", and keeps the window calendar-based.
    level = np.full(n_days, np.nan)
    for day, value in points:
        level[(day - first).days] = value
    if kind == "stock":
        examined = np.full(n_days, np.nan)
        examined[1:] = np.diff(level)
        previous_level = np.concatenate(([np.nan], level[:-1]))
    else:
        examined = level
        previous_level = np.full(n_days, np.nan)

    padded = np.concatenate((np.full(window, np.nan), examined))
    history = sliding_window_view(padded, window)[:n_days]  # row i = the `window` days before i
    present = np.count_nonzero(~np.isnan(history), axis=1)
    candidates = np.flatnonzero((present >= _MIN_PRIOR_POINTS) & ~np.isnan(examined))
    if candidates.size == 0:
        return []

    rows = history[candidates]
    median = np.nanmedian(rows, axis=1)
    mad = np.nanmedian(np.abs(rows - median[:, None]), axis=1)
    floor = np.maximum(_FLOOR_REL_MEDIAN * np.abs(median), _FLOOR_ABS)
    if kind == "stock":
        floor = np.maximum(floor, _FLOOR_REL_LEVEL * np.nan_to_num(np.abs(previous_level[candidates])))
    scale = np.maximum(_MAD_SCALE * mad, floor)
    values = examined[candidates]
    z = (values - median) / scale

    anomalies: list[Anomaly] = []
    for k in np.flatnonzero(np.abs(z) > threshold):
        idx = int(candidates[k])
        value = float(values[k])
        direction: Literal["spike", "drop"] = "spike" if z[k] > 0 else "drop"
        label: str | None = None
        if kind == "stock":
            if direction == "spike":
                label = _LABEL_GAIN
            elif value < 0 and -value > _PURGE_SHARE * float(previous_level[idx]):
                label = _LABEL_PURGE
        anomalies.append(
            Anomaly(
                date=first + timedelta(days=idx),
                metric=metric,
                kind=kind,
                value=value,
                expected=float(median[k]),
                direction=direction,
                severity=float(abs(z[k])),
                label=label,
            )
        )
    return anomalies  # candidates are in calendar order, so already sorted by date


# --------------------------------------------------------------------------------------------
# 5. Data completeness
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricCompleteness(_ToDict):
    """Coverage of one metric over the window.

    Attributes:
        metric: Metric name.
        days_total: Days in the window.
        days_with_data: Window days with a value.
        share: ``days_with_data / days_total``.
        missing_ranges: Runs of missing days as ``(first_missing, last_missing)``, inclusive.
        first_day: First window day with data (None if none).
        last_day: Last window day with data (None if none).
    """

    metric: str
    days_total: int
    days_with_data: int
    share: float
    missing_ranges: tuple[tuple[date, date], ...]
    first_day: date | None
    last_day: date | None


@dataclass(frozen=True, slots=True)
class Completeness(_ToDict):
    """Coverage of all metrics over the window.

    Attributes:
        start: First day of the window.
        end: Last day of the window.
        days_total: Days in the window.
        metrics: Metric name -> its coverage, in the order given.
        overall: Mean ``share`` over the metrics given (None when no metric was given).
    """

    start: date
    end: date
    days_total: int
    metrics: dict[str, MetricCompleteness]
    overall: float | None


def data_completeness(daily: Mapping[str, DailySeries], start: date, end: date) -> Completeness:
    """Measure which days of ``[start, end]`` have data, per metric.

    Args:
        daily: Metric name -> daily series. None/NaN values count as missing.
        start: First day of the window (inclusive).
        end: Last day of the window (inclusive).

    Returns:
        Per-metric coverage with merged missing ranges, and the overall mean share.

    Raises:
        ValueError: If ``end`` is before ``start``.
    """
    _check_window(start, end)
    days_total = (end - start).days + 1
    metrics: dict[str, MetricCompleteness] = {}
    for name, series in daily.items():
        days = [d for d, _ in _clean_series(series) if start <= d <= end]
        ranges: list[tuple[date, date]] = []
        # Sentinels just outside the window turn leading/trailing holes into ordinary ranges.
        bounds = [start - _ONE_DAY, *days, end + _ONE_DAY]
        for before, after in pairwise(bounds):
            if (after - before).days > 1:
                ranges.append((before + _ONE_DAY, after - _ONE_DAY))
        metrics[name] = MetricCompleteness(
            metric=name,
            days_total=days_total,
            days_with_data=len(days),
            share=len(days) / days_total,
            missing_ranges=tuple(ranges),
            first_day=days[0] if days else None,
            last_day=days[-1] if days else None,
        )
    overall = sum(m.share for m in metrics.values()) / len(metrics) if metrics else None
    return Completeness(start=start, end=end, days_total=days_total, metrics=metrics, overall=overall)


# --------------------------------------------------------------------------------------------
# 6. Follower summary
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayChange(_ToDict):
    """Net change of a stock metric on one day versus the previous day.

    Attributes:
        date: The day.
        change: Value on ``date`` minus value on the day before.
    """

    date: date
    change: float


@dataclass(frozen=True, slots=True)
class FollowerSummary(_ToDict):
    """Follower growth over the window.

    Attributes:
        start: First day of the window.
        end: Last day of the window.
        start_date: Day the start value was taken from (on/before ``start``, or the first in-window day).
        start_value: Followers at the start (None without data).
        end_date: Day the end value was taken from (last day with data on/before ``end``).
        end_value: Followers at the end (None without data).
        growth_abs: ``end_value - start_value``.
        growth_pct: Growth in percent of ``start_value`` (None when it is 0 or missing).
        mean_daily_net_adds: ``growth_abs`` per elapsed day between ``start_date`` and ``end_date``.
        best_day: Largest single-day net change in the window (None without two consecutive days).
        worst_day: Smallest single-day net change in the window.
    """

    start: date
    end: date
    start_date: date | None
    start_value: float | None
    end_date: date | None
    end_value: float | None
    growth_abs: float | None
    growth_pct: float | None
    mean_daily_net_adds: float | None
    best_day: DayChange | None
    worst_day: DayChange | None


def follower_summary(followers: DailySeries, start: date, end: date) -> FollowerSummary:
    """Summarise follower growth over ``[start, end]``.

    The start value is the last value before ``start`` (the base the window grows from),
    falling back to the first value inside the window when the series starts later. Mean daily net
    adds divide the growth by the elapsed calendar days, so a missing day spreads its change
    instead of silently dropping it. Best/worst days use only consecutive-day differences ending
    in ``(start, end]``: those are exactly the changes that add up to the growth.

    Args:
        followers: Daily follower counts; missing days and None/NaN values are allowed.
        start: First day of the window (inclusive).
        end: Last day of the window (inclusive).

    Returns:
        The summary; every field is None when there is no usable data.

    Raises:
        ValueError: If ``end`` is before ``start``.
    """
    _check_window(start, end)
    points = _clean_series(followers)
    days = [d for d, _ in points]

    # The base is the last value *before* the window, as in the catalogue's net follower growth
    # ("followers the day before the period started"), so the audit and the KPI table agree.
    start_idx = bisect_left(days, start) - 1
    if start_idx < 0:
        start_idx = bisect_left(days, start)
        if start_idx >= len(days) or days[start_idx] > end:
            start_idx = -1
    end_idx = bisect_right(days, end) - 1
    if start_idx < 0 or end_idx < 0:
        return FollowerSummary(start, end, None, None, None, None, None, None, None, None, None)

    start_date, start_value = points[start_idx]
    end_date, end_value = points[end_idx]
    growth = end_value - start_value
    elapsed = (end_date - start_date).days

    best: DayChange | None = None
    worst: DayChange | None = None
    for i in range(start_idx + 1, end_idx + 1):
        (prev_day, prev_value), (day, value) = points[i - 1], points[i]
        if (day - prev_day).days != 1 or prev_day < start - timedelta(days=1):
            continue
        change = DayChange(date=day, change=value - prev_value)
        if best is None or change.change > best.change:  # strict: earliest of equal days wins
            best = change
        if worst is None or change.change < worst.change:
            worst = change

    return FollowerSummary(
        start=start,
        end=end,
        start_date=start_date,
        start_value=start_value,
        end_date=end_date,
        end_value=end_value,
        growth_abs=growth,
        growth_pct=growth / start_value * 100 if start_value != 0 else None,
        mean_daily_net_adds=growth / elapsed if elapsed > 0 else None,
        best_day=best,
        worst_day=worst,
    )
