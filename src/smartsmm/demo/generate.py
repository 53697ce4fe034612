"""Deterministic generator of realistic social-media account histories.

The demo, the screenshots and the benchmark all need believable data: follower curves with
campaigns, plateaus and bot purges, posts whose engagement is heavy-tailed and depends on the hour
and weekday, and daily reach/views that agree with the posts. Everything here is pure Python plus
numpy (no Django) so the core, the CLI and the benchmark can use it alike.

The generator is vectorised over days with numpy; the only Python loop is the one that builds the
``PostRecord`` objects. One random generator (``numpy.random.default_rng``) is drawn from in a fixed
order, so the same inputs and seed always give the same history.
"""

from __future__ import annotations

import calendar
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from smartsmm.core.types import PostRecord

EventKind = Literal["campaign", "plateau", "bot_purge", "viral_post", "posting_pause"]
Platform = Literal["vk", "telegram", "youtube", "instagram", "ok", "threads"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# --------------------------------------------------------------------------------------------------
# Public data shapes
# --------------------------------------------------------------------------------------------------

# Relative audience activity Monday..Sunday for a typical business account: people scroll feeds in
# workday breaks, a little less at weekends. Profiles override it (a coffee chain is busier at
# weekends, a gym on Mondays).
DEFAULT_WEEKDAY_PROFILE: tuple[float, ...] = (1.04, 1.06, 1.05, 1.03, 0.99, 0.90, 0.93)

# Generic Russian post texts used when a profile brings none of its own.
DEFAULT_POST_TEXTS: tuple[str, ...] = (
    "Рассказываем, как проходит один день нашей команды — заглядывайте за кулисы.",
    "Новинка недели: делимся подробностями и ждём ваших отзывов в комментариях.",
    "Собрали ответы на самые частые вопросы подписчиков в одном посте.",
    "Розыгрыш! Подпишитесь, поставьте лайк и отметьте друга — итоги в пятницу.",
    "Подборка полезных советов: сохраняйте, чтобы не потерять.",
    "Опрос: что нам сделать следующим? Голосуйте и пишите идеи.",
    "Отзыв клиента, которым мы очень гордимся. Спасибо за доверие!",
    "Анонс: в эти выходные ждём вас на особенном событии.",
    "Итоги месяца: цифры, планы и большое спасибо вам.",
    "Мы обновили расписание и цены — все подробности по ссылке.",
)


@dataclass(frozen=True)
class Event:
    """Something that happened to the account and bends its curves.

    Attributes:
        kind: What happened.
        start: First day affected.
        days: How many days it lasts (``bot_purge`` happens on ``start`` only).
        magnitude: Meaning depends on ``kind``: campaign — multiplier on daily net growth (e.g. 6.0);
            plateau — multiplier on daily net growth (e.g. 0.05); bot_purge — fraction of followers
            removed on ``start`` (e.g. 0.04); viral_post — multiplier of that day's post engagement
            and reach (e.g. 15); posting_pause — unused.
    """

    kind: EventKind
    start: date
    days: int
    magnitude: float = 1.0

    def __post_init__(self) -> None:
        if self.days < 0:
            raise ValueError("Event.days must be >= 0")
        if self.magnitude < 0:
            raise ValueError("Event.magnitude must be >= 0")
        if self.kind == "bot_purge" and not self.magnitude < 1:
            raise ValueError("bot_purge magnitude is a fraction of followers and must be < 1")


@dataclass(frozen=True)
class AccountProfile:
    """Parameters of one synthetic account.

    Attributes:
        platform: Social network.
        handle: Account handle (used in URLs and to decorrelate accounts sharing a seed).
        initial_followers: Followers on the day before the history starts.
        daily_growth: Mean net new followers per day at the start (negative = declining).
        growth_trend: Relative change of ``daily_growth`` per year (-0.3 = slowing by 30 %/yr).
        posts_per_week: Mean number of posts per week.
        er_followers: Mean engagements per post ÷ followers (e.g. 0.012).
        reach_rate: Mean post reach ÷ followers (e.g. 0.18); ignored where the platform has no reach.
        site_clicks_per_1k_reach: Site clicks per 1,000 daily reach (views where there is no reach);
            0 means the account does not track site clicks.
        lead_rate: Leads ÷ site clicks; 0 means leads are not tracked.
        events: Things that happened to the account.
        weekday_profile: Relative audience activity Monday..Sunday (7 positive numbers, rescaled to
            mean 1); drives engagement, reach and, mildly, follower growth.
        post_texts: Texts posts are drawn from; empty means ``DEFAULT_POST_TEXTS``.
    """

    platform: Platform
    handle: str
    initial_followers: int
    daily_growth: float
    growth_trend: float
    posts_per_week: float
    er_followers: float
    reach_rate: float
    site_clicks_per_1k_reach: float = 0.0
    lead_rate: float = 0.0
    events: tuple[Event, ...] = ()
    weekday_profile: tuple[float, ...] = DEFAULT_WEEKDAY_PROFILE
    post_texts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.platform not in _PLATFORMS:
            raise ValueError(f"unknown platform {self.platform!r}")
        if self.initial_followers < 0:
            raise ValueError("initial_followers must be >= 0")
        if self.posts_per_week < 0 or self.er_followers < 0 or self.reach_rate < 0:
            raise ValueError("posts_per_week, er_followers and reach_rate must be >= 0")
        if self.site_clicks_per_1k_reach < 0 or not 0 <= self.lead_rate <= 1:
            raise ValueError("site_clicks_per_1k_reach must be >= 0 and lead_rate within [0, 1]")
        if len(self.weekday_profile) != 7 or min(self.weekday_profile) <= 0:
            raise ValueError("weekday_profile must hold 7 positive numbers (Monday..Sunday)")


@dataclass
class AccountHistory:
    """A generated history.

    Attributes:
        daily: Metric key -> day -> value (non-negative integers stored as floats). Keys present are
            those the platform provides: ``followers``, ``views`` always; ``subscribed`` and
            ``unsubscribed`` on vk/ok; ``reach`` on vk/ok/instagram/threads; ``site_clicks`` and
            ``leads`` when the profile tracks them.
        posts: Posts in publication order.
    """

    daily: dict[str, dict[date, float]]
    posts: list[PostRecord]


# --------------------------------------------------------------------------------------------------
# Platform behaviour
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PlatformSpec:
    """How one platform behaves and what it reports."""

    gross_flows: bool  # reports daily subscribed/unsubscribed
    has_reach: bool  # reports unique reach (daily and per post)
    has_saves: bool  # reports saves per post
    post_types: tuple[str, ...]
    type_probs: tuple[float, ...]
    type_audience: tuple[float, ...]  # relative audience (reach or views) by post type
    type_rate: tuple[float, ...]  # relative engagements per audience member by post type
    p_comments: float  # mean share of engagements that are comments
    p_shares: float  # ... shares / reposts / forwards
    p_saves: float  # ... saves (only where has_saves)
    hour_on_audience: float  # share (as an exponent) of the hour effect carried by audience size
    audience_sigma: float  # lognormal sigma of a post's audience
    rate_sigma: float  # lognormal sigma of a post's engagements per audience member
    audience_tail: tuple[float, ...]  # how a post's lifetime audience spreads over the following days
    # Daily audience not tied to new posts (profile visits, old posts, search), as a share of the mean
    # audience of one post (reach_rate or the platform's views rate) times followers.
    baseline_audience: float
    churn: float  # daily share of followers who leave in normal times
    fixed_view_rate: float = 0.0  # views per follower per post where the platform has no reach
    like_share_of_views: float = 0.0  # engagements per view (YouTube), sets the views level from ER


def _geometric_tail(ratio: float, days: int, first: float) -> tuple[float, ...]:
    """A decaying day-by-day share of a post's lifetime audience, summing to 1."""
    raw = [first] + [(1 - first) * (1 - ratio) * ratio**i for i in range(days - 1)]
    total = sum(raw)
    return tuple(v / total for v in raw)


_PLATFORMS: dict[str, _PlatformSpec] = {
    "vk": _PlatformSpec(
        gross_flows=True,
        has_reach=True,
        has_saves=False,
        post_types=("post", "photo", "video", "clip", "poll"),
        type_probs=(0.22, 0.43, 0.12, 0.15, 0.08),
        type_audience=(1.0, 1.0, 1.2, 1.6, 0.85),  # VK pushes clips and video in recommendations
        type_rate=(0.85, 1.0, 1.25, 1.1, 0.9),
        p_comments=0.07,
        p_shares=0.09,
        p_saves=0.0,
        hour_on_audience=0.6,
        audience_sigma=0.6,
        rate_sigma=0.45,
        audience_tail=(0.70, 0.18, 0.07, 0.05),
        baseline_audience=0.35,
        churn=0.0008,
    ),
    "ok": _PlatformSpec(
        gross_flows=True,
        has_reach=True,
        has_saves=False,
        post_types=("post", "photo", "video"),
        type_probs=(0.35, 0.45, 0.20),
        type_audience=(1.0, 1.05, 1.3),
        type_rate=(0.9, 1.0, 1.2),
        p_comments=0.10,
        p_shares=0.10,
        p_saves=0.0,
        hour_on_audience=0.6,
        audience_sigma=0.6,
        rate_sigma=0.45,
        audience_tail=(0.65, 0.2, 0.1, 0.05),
        baseline_audience=0.3,
        churn=0.0006,
    ),
    "instagram": _PlatformSpec(
        gross_flows=False,
        has_reach=True,
        has_saves=True,
        post_types=("photo", "carousel", "reel"),
        type_probs=(0.35, 0.30, 0.35),
        type_audience=(0.9, 1.0, 1.8),  # reels reach non-followers
        type_rate=(1.0, 1.15, 0.85),
        p_comments=0.05,
        p_shares=0.06,
        p_saves=0.09,
        hour_on_audience=0.6,
        audience_sigma=0.65,
        rate_sigma=0.45,
        audience_tail=(0.6, 0.22, 0.1, 0.05, 0.03),
        baseline_audience=0.4,
        churn=0.0009,
    ),
    "threads": _PlatformSpec(
        gross_flows=False,
        has_reach=True,
        has_saves=False,
        post_types=("post", "photo", "video"),
        type_probs=(0.55, 0.30, 0.15),
        type_audience=(1.0, 1.05, 1.2),
        type_rate=(1.0, 1.0, 1.1),
        p_comments=0.12,
        p_shares=0.06,
        p_saves=0.0,
        hour_on_audience=0.6,
        audience_sigma=0.7,
        rate_sigma=0.45,
        audience_tail=(0.75, 0.17, 0.08),
        baseline_audience=0.3,
        churn=0.001,
    ),
    "telegram": _PlatformSpec(
        gross_flows=False,
        has_reach=False,
        has_saves=False,
        post_types=("post", "photo", "video"),
        type_probs=(0.45, 0.40, 0.15),
        type_audience=(1.0, 1.03, 1.08),
        type_rate=(0.85, 1.0, 1.3),
        p_comments=0.07,
        p_shares=0.12,  # forwards
        p_saves=0.0,
        # A channel post is read by roughly the same share of subscribers whenever it is sent
        # (views accrue over days), so the hour mostly shows in reactions, not in views.
        hour_on_audience=0.3,
        audience_sigma=0.2,
        rate_sigma=0.75,
        audience_tail=(0.55, 0.22, 0.10, 0.07, 0.06),
        baseline_audience=0.1,
        churn=0.0012,
        fixed_view_rate=0.28,  # views per post ≈ 20–40 % of subscribers
    ),
    "youtube": _PlatformSpec(
        gross_flows=False,
        has_reach=False,
        has_saves=False,
        post_types=("video", "short"),
        type_probs=(0.6, 0.4),
        type_audience=(1.0, 2.2),  # shorts are shown far beyond subscribers
        type_rate=(1.0, 0.7),
        p_comments=0.07,
        p_shares=0.03,
        p_saves=0.0,
        hour_on_audience=0.2,
        audience_sigma=0.7,  # a few videos take off in search/recommendations
        rate_sigma=0.25,
        audience_tail=_geometric_tail(0.82, 28, 0.3),  # videos keep collecting views for weeks
        baseline_audience=0.06,  # the back catalogue keeps being watched
        churn=0.0005,
        like_share_of_views=0.034,  # likes ≈ 3 % of views once comments/shares are split off
    ),
}

# Posting-hour distribution (local time): mostly 8–22 with peaks at 9, 13 and 19–21.
_HOUR_POST_WEIGHTS = np.array(
    [0.3, 0.15, 0.05, 0.03, 0.03, 0.05, 0.3, 1.0, 2.5, 5.0, 3.5, 3.0,
     3.5, 5.0, 3.0, 2.8, 2.8, 3.2, 4.0, 5.5, 5.5, 5.0, 2.0, 0.8],
)  # fmt: skip
_HOUR_POST_P = _HOUR_POST_WEIGHTS / _HOUR_POST_WEIGHTS.sum()

# How many followers are online at each hour, relative; evenings are best, nights worst. Rescaled so
# a post at a typical posting hour has factor 1, which keeps er_followers the mean ER.
_HOUR_EFFECT_RAW = np.array(
    [0.70, 0.55, 0.45, 0.40, 0.40, 0.45, 0.60, 0.80, 0.90, 1.00, 0.95, 0.95,
     1.05, 1.10, 0.95, 0.90, 0.95, 1.00, 1.10, 1.25, 1.30, 1.25, 1.05, 0.85],
)  # fmt: skip
_HOUR_EFFECT = _HOUR_EFFECT_RAW / float(_HOUR_POST_P @ _HOUR_EFFECT_RAW)

# Agencies schedule fewer posts at weekends (Monday..Sunday); rescaled to mean 1.
_POST_WEEKDAY_RAW = np.array([1.08, 1.08, 1.06, 1.06, 1.04, 0.86, 0.82])
_POST_WEEKDAY = _POST_WEEKDAY_RAW / _POST_WEEKDAY_RAW.mean()

# Alphabet of YouTube/Instagram-style ids in ASCII order, so that sorting the strings sorts the ids.
_ID_ALPHABET = np.array(list("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"))
# The 11th character of a YouTube id only carries 4 bits, so it is one of these 16 (ASCII order).
_YOUTUBE_LAST_CHAR = np.array(list("048AEIMQUYcgkosw"))


# --------------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------------


def generate_account_history(
    profile: AccountProfile, start: date, end: date, *, seed: int, tz: ZoneInfo
) -> AccountHistory:
    """Generate a believable daily history and post list for one account.

    Args:
        profile: The account's parameters and events.
        start: First day of the history (local calendar day in ``tz``).
        end: Last day of the history, inclusive.
        seed: Random seed; the same profile, dates, seed and tz always give the same history. It is
            mixed with the platform and handle so accounts sharing a seed still differ.
        tz: Time zone in which days are counted and posts are published.

    Returns:
        The daily metrics and the posts.

    Raises:
        ValueError: If ``end`` is before ``start``.
    """
    if end < start:
        raise ValueError("end must not be before start")
    spec = _PLATFORMS[profile.platform]
    n = (end - start).days + 1
    rng = np.random.default_rng([seed % 2**64, zlib.crc32(f"{profile.platform}:{profile.handle}".encode())])

    days = np.arange(n)
    epoch_days = (np.datetime64(start, "D") + days).astype(np.int64)
    weekday = (epoch_days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    day64 = np.datetime64(start, "D") + days
    day_of_year = (day64 - day64.astype("datetime64[Y]")).astype(np.int64) + 1
    season = _yearly_season(day_of_year)
    wd_profile = np.asarray(profile.weekday_profile, dtype=np.float64)
    wd_activity = (wd_profile / wd_profile.mean())[weekday]

    windows = _event_windows(profile.events, start, n)

    # ---------------- followers ----------------
    joins, leaves, real_share = _follower_flows(profile, spec, rng, n, days, wd_activity, season, windows)
    followers = profile.initial_followers + np.cumsum(joins - leaves)
    # Engagement and reach come from real people: bots removed by a later purge never engaged.
    real_followers = followers * real_share

    # ---------------- audience level ----------------
    if spec.has_reach:
        audience_rate = profile.reach_rate
    elif spec.like_share_of_views > 0:
        # YouTube: set views so that likes ≈ 3 % of views *and* the mean ER on followers holds.
        audience_rate = profile.er_followers / spec.like_share_of_views
    else:
        audience_rate = spec.fixed_view_rate
    # Slow "algorithm mood" drift shared by posts and the baseline: some weeks simply reach more.
    audience_drift = _ar1_multiplier(rng, n, phi=0.93, sd=0.12)
    campaign_boost = np.ones(n)
    for kind, lo, hi, magnitude in windows:
        if kind == "campaign":
            # Paid promotion also buys impressions, not only followers.
            campaign_boost[lo:hi] *= 1 + 0.25 * (magnitude - 1)

    # ---------------- posts ----------------
    post_arrays = _draw_posts(profile, spec, rng, n, weekday, windows)
    post_day, hours, minutes, type_idx = post_arrays
    counters = _post_counters(
        profile,
        spec,
        rng,
        post_day,
        hours,
        type_idx,
        real_followers,
        audience_rate,
        wd_activity * season * audience_drift,
        windows,
    )
    post_audience, post_reach, post_views, likes, comments, shares, saves = counters

    # ---------------- daily audience ----------------
    tail = np.asarray(spec.audience_tail)
    per_day = np.bincount(post_day, weights=post_audience, minlength=n).astype(np.float64)
    spread = np.convolve(per_day, tail)[:n]
    # Posts published before `start` still collect views in the first days: add their expected tail.
    warm = min(len(tail) - 1, n)
    if warm > 0:
        before = per_day[: min(n, 28)].mean() if n else 0.0
        spread[:warm] += before * (1 - np.cumsum(tail))[:warm]
    baseline_mean = (
        (real_followers * audience_rate * spec.baseline_audience * wd_activity * season)
        * audience_drift
        * campaign_boost
        * rng.gamma(25.0, 1 / 25.0, n)
    )
    baseline = rng.poisson(np.maximum(baseline_mean, 0.0))

    daily: dict[str, FloatArray] = {"followers": followers.astype(np.float64)}
    if spec.gross_flows:
        daily["subscribed"] = joins.astype(np.float64)
        daily["unsubscribed"] = leaves.astype(np.float64)
    if spec.has_reach:
        # Several posts a day reach partly the same people, so unique daily reach is below the sum.
        reach = baseline + np.rint(spread * 0.85)
        views_per_day = np.bincount(post_day, weights=post_views, minlength=n).astype(np.float64)
        view_spread = np.convolve(views_per_day, tail)[:n]
        if warm > 0:
            view_spread[:warm] += views_per_day[: min(n, 28)].mean() * (1 - np.cumsum(tail))[:warm]
        # Views count repeat impressions, so they are never below reach.
        views = np.rint(baseline * rng.uniform(1.2, 1.5, n)) + np.rint(view_spread)
        daily["reach"] = reach.astype(np.float64)
        daily["views"] = np.maximum(views, reach).astype(np.float64)
        click_base = daily["reach"]
    else:
        daily["views"] = (baseline + np.rint(spread)).astype(np.float64)
        click_base = daily["views"]
    if profile.site_clicks_per_1k_reach > 0:
        clicks_mean = click_base / 1000 * profile.site_clicks_per_1k_reach * rng.gamma(6.0, 1 / 6.0, n)
        clicks = rng.poisson(clicks_mean)
        daily["site_clicks"] = clicks.astype(np.float64)
        if profile.lead_rate > 0:
            daily["leads"] = rng.poisson(clicks * profile.lead_rate).astype(np.float64)

    dates = [start + timedelta(days=i) for i in range(n)]
    daily_dicts = {key: dict(zip(dates, values.tolist(), strict=True)) for key, values in daily.items()}

    posts = _build_posts(
        profile,
        spec,
        rng,
        tz,
        dates,
        post_day,
        hours,
        minutes,
        type_idx,
        (post_reach, post_views, likes, comments, shares, saves),
    )
    return AccountHistory(daily=daily_dicts, posts=posts)


# --------------------------------------------------------------------------------------------------
# Pieces
# --------------------------------------------------------------------------------------------------

_Window = tuple[str, int, int, float]  # kind, first index, end index (exclusive), magnitude


def _event_windows(events: Sequence[Event], start: date, n: int) -> list[_Window]:
    """Clip events to the history as index ranges; events wholly outside it are dropped."""
    windows: list[_Window] = []
    for event in events:
        lo = (event.start - start).days
        span = 1 if event.kind == "bot_purge" else event.days
        hi = min(n, lo + span)
        lo = max(0, lo)
        if lo < hi:
            windows.append((event.kind, lo, hi, float(event.magnitude)))
    return windows


def _yearly_season(day_of_year: IntArray) -> FloatArray:
    """Mild yearly seasonality: a summer dip, quiet New Year holidays, a pre-holiday December lift."""
    doy = day_of_year.astype(np.float64)
    summer = 0.10 * np.exp(-0.5 * ((doy - 200.0) / 25.0) ** 2)
    holidays = np.where(doy <= 8, 0.12, 0.0)  # Russian New Year holidays, 1–8 January
    december = np.where((doy >= 335) & (doy <= 358), 0.04, 0.0)
    return 1.0 - summer - holidays + december


def _ar1_multiplier(rng: np.random.Generator, n: int, *, phi: float, sd: float) -> FloatArray:
    """A slowly wandering positive multiplier with mean ≈ 1 (exp of a stationary AR(1)).

    Computed as a truncated convolution instead of a Python loop, and with a burn-in of the kernel
    length so the first days are as variable as the rest.
    """
    k = math.ceil(math.log(1e-3) / math.log(phi))
    eps = rng.normal(0.0, sd * math.sqrt(1 - phi * phi), n + k - 1)
    x = np.convolve(eps, phi ** np.arange(k), mode="valid")
    return np.exp(x - sd * sd / 2)


def _follower_flows(
    profile: AccountProfile,
    spec: _PlatformSpec,
    rng: np.random.Generator,
    n: int,
    days: IntArray,
    wd_activity: FloatArray,
    season: FloatArray,
    windows: list[_Window],
) -> tuple[IntArray, IntArray, FloatArray]:
    """Daily gross joins and leaves (purges included) and the share of followers who are real people.

    Net growth mu(t) = daily_growth · (1 + growth_trend)^years · weekday · season · drift · events;
    gross flows add a churn baseline on both sides, so the account keeps both joining and leaving
    people even on a plateau, as real communities do.
    """
    years = days / 365.25
    trend = max(1.0 + profile.growth_trend, 0.01) ** years
    # Growth follows audience activity only weakly (the sqrt), it is mostly driven by content/ads.
    drift = _ar1_multiplier(rng, n, phi=0.97, sd=0.15)
    mu = profile.daily_growth * trend * np.sqrt(wd_activity) * season * drift
    scale = max(abs(profile.daily_growth), 1.0)
    purges: list[tuple[int, float]] = []
    for kind, lo, hi, magnitude in windows:
        seg = mu[lo:hi]
        if kind == "campaign":
            # A campaign multiplies growth; on a declining account it adds the same absolute push.
            mu[lo:hi] = np.where(seg > 0, seg * magnitude, seg + (magnitude - 1) * np.abs(seg))
        elif kind == "plateau":
            mu[lo:hi] = seg * magnitude
        elif kind == "posting_pause":
            # Without new posts fewer people find the account, and leavers are not replaced.
            mu[lo:hi] = np.where(seg > 0, seg * 0.5, seg * 1.2)
        elif kind == "viral_post":
            # A viral post brings a burst of followers over the next few days.
            bump = scale * magnitude * 0.4 * np.array([1.0, 0.5, 0.25])
            stop = min(n, lo + 3)
            mu[lo:stop] += bump[: stop - lo]
        elif kind == "bot_purge":
            purges.append((lo, magnitude))
    purges.sort()

    # Expected followers (without noise) only sets the size of the churn; precision is not needed.
    expected = profile.initial_followers + np.cumsum(mu)
    purge_factor = np.ones(n)
    real_share = np.ones(n)
    for idx, fraction in purges:
        purge_factor[idx:] *= 1 - fraction
        real_share[:idx] *= 1 - fraction  # before the purge, that fraction were bots
    expected = np.maximum(expected * purge_factor, 0.0)
    base_leave = spec.churn * expected
    joins_mean = (np.maximum(mu, 0.0) + base_leave) * rng.gamma(20.0, 1 / 20.0, n)
    leaves_mean = (np.maximum(-mu, 0.0) + base_leave) * rng.gamma(20.0, 1 / 20.0, n)
    joins = rng.poisson(joins_mean).astype(np.int64)
    leaves = rng.poisson(leaves_mean).astype(np.int64)

    # Purges depend on the realised follower count the day before, so apply them in date order.
    for idx, fraction in purges:
        before = profile.initial_followers + (int(np.sum(joins[:idx] - leaves[:idx])) if idx else 0)
        leaves[idx] += round(max(before, 0) * fraction)

    followers = profile.initial_followers + np.cumsum(joins - leaves)
    if n and followers.min() < 0:
        # Rare (a steeply declining small account): nobody can leave an empty account. A plain loop
        # is fine here because it only runs in this corner case.
        count = profile.initial_followers
        for i in range(n):
            leaves[i] = min(int(leaves[i]), count + int(joins[i]))
            count += int(joins[i]) - int(leaves[i])
    return joins, leaves, real_share


def _draw_posts(
    profile: AccountProfile,
    spec: _PlatformSpec,
    rng: np.random.Generator,
    n: int,
    weekday: IntArray,
    windows: list[_Window],
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Draw post days, local hours, minutes and types, sorted by publication time."""
    lam = profile.posts_per_week / 7.0 * _POST_WEEKDAY[weekday]
    paused = np.zeros(n, dtype=bool)
    viral_start = np.zeros(n, dtype=bool)
    for kind, lo, hi, _ in windows:
        if kind == "posting_pause":
            paused[lo:hi] = True
        elif kind == "viral_post":
            viral_start[lo] = True
    lam = np.where(paused, 0.0, lam)
    # A binomial with a few trials is a slightly under-dispersed Poisson: content plans are more
    # regular than pure chance, but weeks still differ.
    trials = np.ceil(2 * lam).astype(np.int64) + 1
    counts = rng.binomial(trials, lam / trials)
    counts[viral_start & ~paused & (counts == 0)] = 1  # a viral day needs a post to go viral
    post_day = np.repeat(np.arange(n), counts)
    m = post_day.size
    hours = rng.choice(24, size=m, p=_HOUR_POST_P)
    # Scheduled posts cluster on round minutes.
    u = rng.random(m)
    minutes = np.select(
        [u < 0.35, u < 0.55, u < 0.63, u < 0.70],
        [0, 30, 15, 45],
        default=rng.integers(0, 60, m),
    )
    type_idx = rng.choice(len(spec.post_types), size=m, p=np.asarray(spec.type_probs))
    order = np.lexsort((minutes, hours, post_day))
    return post_day[order], hours[order], minutes[order], type_idx[order]


def _post_counters(
    profile: AccountProfile,
    spec: _PlatformSpec,
    rng: np.random.Generator,
    post_day: IntArray,
    hours: IntArray,
    type_idx: IntArray,
    real_followers: FloatArray,
    audience_rate: float,
    day_activity: FloatArray,
    windows: list[_Window],
) -> tuple[FloatArray, IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Per-post audience, reach, views and the split of engagements.

    A post's audience (reach, or views where there is no reach) and its engagements per audience
    member are both lognormal; their product gives engagements with a coefficient of variation of
    about 0.8–1.2 and keeps engagements ≤ reach ≤ views by construction.

    Returns:
        Audience (float, for daily aggregation), reach, views, likes, comments, shares, saves.
    """
    m = post_day.size
    probs = np.asarray(spec.type_probs)
    t_aud = np.asarray(spec.type_audience)
    t_rate = np.asarray(spec.type_rate)
    # Rescale type effects so the mix averages to 1 and er_followers stays the mean ER.
    t_aud = t_aud / float(probs @ t_aud)
    t_rate = t_rate / float(probs @ (t_aud * t_rate))

    viral = np.ones(real_followers.size)
    for kind, lo, hi, magnitude in windows:
        if kind == "viral_post":
            viral[lo:hi] *= magnitude

    hour_f = _HOUR_EFFECT[hours]
    alpha = spec.hour_on_audience
    base = real_followers[post_day] * day_activity[post_day]
    sa, se = spec.audience_sigma, spec.rate_sigma
    audience_noise = rng.lognormal(-sa * sa / 2, sa, m)
    rate_noise = rng.lognormal(-se * se / 2, se, m)
    post_viral = viral[post_day]
    # A post that went viral did so by definition: don't let an unlucky draw hide the spike.
    audience_noise = np.where(post_viral > 1, np.maximum(audience_noise, 1.0), audience_noise)
    rate_noise = np.where(post_viral > 1, np.maximum(rate_noise, 1.0), rate_noise)
    audience_mean = base * audience_rate * hour_f**alpha * t_aud[type_idx] * post_viral * audience_noise
    rate_mean = (profile.er_followers / audience_rate) if audience_rate > 0 else 0.0
    rate = rate_mean * hour_f ** (1 - alpha) * t_rate[type_idx] * rate_noise
    audience = rng.poisson(np.maximum(audience_mean, 0.0)).astype(np.int64)
    # Engagements can't exceed the people reached; 0.6 caps absurd draws on tiny audiences.
    engagements = rng.poisson(np.minimum(audience_mean * rate, audience_mean * 0.6)).astype(np.int64)
    engagements = np.minimum(engagements, audience)

    # Split engagements: likes dominate; per-post jitter so ratios differ believably.
    p_c = np.clip(spec.p_comments * rng.lognormal(-0.045, 0.3, m), 0.0, 0.5)
    comments = rng.binomial(engagements, p_c)
    rest = engagements - comments
    p_s = np.clip(spec.p_shares / (1 - spec.p_comments) * rng.lognormal(-0.045, 0.3, m), 0.0, 0.5)
    shares = rng.binomial(rest, p_s)
    rest = rest - shares
    if spec.has_saves:
        p_sv = spec.p_saves / (1 - spec.p_comments - spec.p_shares)
        saves = rng.binomial(rest, np.clip(p_sv * rng.lognormal(-0.045, 0.3, m), 0.0, 0.5))
        rest = rest - saves
    else:
        saves = np.zeros(m, dtype=np.int64)
    likes = rest

    if spec.has_reach:
        reach = audience
        # Views count repeat impressions of the same people.
        views = reach + rng.poisson(reach * rng.uniform(0.15, 0.6, m))
    else:
        reach = np.zeros(m, dtype=np.int64)
        views = audience
    return audience.astype(np.float64), reach, views, likes, comments, shares, saves


def _sortable_sequence(rng: np.random.Generator, count: int, *, max_gap: int) -> list[int]:
    """Increasing message/wall ids with small gaps, all with the same number of digits.

    Equal digit counts make string order equal numeric order, so ``external_id`` sorts correctly
    both as a string and as a number.
    """
    base = 10 ** max(4, len(str(max(count, 1))))
    first = int(rng.integers(base, 4 * base))
    # Gaps: deleted posts, ads and service messages also consume ids. Mean gap ≤ ~1 + max_gap/10,
    # and base ≥ count keeps the last id below 10 · base even in the worst case.
    gaps = 1 + (rng.random(count) < 0.1) * rng.integers(0, max_gap, count)
    return (first + np.cumsum(gaps) - gaps[0]).tolist() if count else []


def _sortable_codes(rng: np.random.Generator, count: int, *, youtube: bool) -> list[str]:
    """Unique 11-character codes (YouTube/Instagram-like) sorted to follow publication order."""
    while True:
        idx = rng.integers(0, len(_ID_ALPHABET), (count, 11))
        chars = _ID_ALPHABET[idx]
        if youtube:
            chars[:, 10] = _YOUTUBE_LAST_CHAR[rng.integers(0, len(_YOUTUBE_LAST_CHAR), count)]
        codes = sorted("".join(row) for row in chars.tolist())
        if len(set(codes)) == count:  # a collision is astronomically rare, but ids must be unique
            return codes


def _ids_and_urls(
    profile: AccountProfile, rng: np.random.Generator, post_types: list[str]
) -> tuple[list[str], list[str]]:
    """Platform-shaped external ids and URLs for posts in publication order."""
    count = len(post_types)
    handle = profile.handle.lstrip("@")
    crc = zlib.crc32(handle.encode())  # stable across runs, unlike hash()
    platform = profile.platform
    if platform == "vk":
        group_id = 10_000_000 + crc % 200_000_000
        seq = _sortable_sequence(rng, count, max_gap=4)
        return [str(s) for s in seq], [f"https://vk.com/wall-{group_id}_{s}" for s in seq]
    if platform == "telegram":
        seq = _sortable_sequence(rng, count, max_gap=3)
        return [str(s) for s in seq], [f"https://t.me/{handle}/{s}" for s in seq]
    if platform == "ok":
        group_id = 50_000_000_000_000 + crc % 9_000_000_000_000
        # OK topic ids are 15-digit numbers growing with time; steps keep them 15 digits long.
        first = 150_000_000_000_000 + int(rng.integers(0, 10**13))
        steps = rng.integers(10**6, 10**9, count)
        seq = (first + np.cumsum(steps)).tolist() if count else []
        return [str(s) for s in seq], [f"https://ok.ru/group/{group_id}/topic/{s}" for s in seq]
    codes = _sortable_codes(rng, count, youtube=platform == "youtube")
    if platform == "youtube":
        return codes, [f"https://youtu.be/{c}" for c in codes]
    if platform == "instagram":
        paths = ["reel" if t == "reel" else "p" for t in post_types]
        return codes, [f"https://www.instagram.com/{p}/{c}/" for p, c in zip(paths, codes, strict=True)]
    return codes, [f"https://www.threads.net/@{handle}/post/{c}" for c in codes]


def _build_posts(
    profile: AccountProfile,
    spec: _PlatformSpec,
    rng: np.random.Generator,
    tz: ZoneInfo,
    dates: list[date],
    post_day: IntArray,
    hours: IntArray,
    minutes: IntArray,
    type_idx: IntArray,
    counters: tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray],
) -> list[PostRecord]:
    """Turn the per-post arrays into ``PostRecord`` objects (the one Python loop of the generator)."""
    reach, views, likes, comments, shares, saves = (c.tolist() for c in counters)
    types = [spec.post_types[i] for i in type_idx.tolist()]
    texts = profile.post_texts or DEFAULT_POST_TEXTS
    text_idx = rng.integers(0, len(texts), post_day.size).tolist()
    ids, urls = _ids_and_urls(profile, rng, types)
    posts: list[PostRecord] = []
    for i, (d, h, mi) in enumerate(zip(post_day.tolist(), hours.tolist(), minutes.tolist(), strict=True)):
        day = dates[d]
        posts.append(
            PostRecord(
                published_at=datetime(day.year, day.month, day.day, h, mi, tzinfo=tz),
                likes=likes[i],
                comments=comments[i],
                shares=shares[i],
                saves=saves[i] if spec.has_saves else None,
                views=views[i],
                reach=reach[i] if spec.has_reach else None,
                external_id=ids[i],
                post_type=types[i],
                url=urls[i],
                text=texts[text_idx[i]],
            )
        )
    return posts


# --------------------------------------------------------------------------------------------------
# Demo data
# --------------------------------------------------------------------------------------------------

# Client slug -> display name of the demo agency's two clients.
DEMO_CLIENTS: dict[str, str] = {
    "coffee-chain": "Кофейня «Зерно»",
    "fitness-studio": "Фитнес-студия «Пульс»",
}

DEMO_HISTORY_MONTHS = 18

# A coffee chain is busiest on Friday–Sunday; a gym on Monday (new-week resolutions).
_COFFEE_WEEKDAYS: tuple[float, ...] = (0.92, 0.93, 0.95, 0.98, 1.05, 1.13, 1.06)
_FITNESS_WEEKDAYS: tuple[float, ...] = (1.14, 1.07, 1.03, 1.00, 0.94, 0.88, 0.94)

_COFFEE_TEXTS: tuple[str, ...] = (
    "Новый сезонный раф с корицей уже во всех кофейнях «Зерно» ☕",
    "Доброе утро! Первый капучино до 9:00 — со скидкой 20 %.",
    "Знакомьтесь с нашими бариста: сегодня рассказывает Аня с Покровки.",
    "Открыли новую точку на Тверской — ждём вас на дегустацию в субботу.",
    "Как мы обжариваем зерно: от зелёного кофе до вашей чашки.",
    "Опрос: какой десерт вернуть в меню — чизкейк или морковный торт?",
    "Выходные — время бранчей. Сырники, авокадо-тост и флэт уайт.",
    "Приложение «Зерно»: каждая шестая чашка в подарок.",
    "Летнее меню: колд брю, эспрессо-тоник и лимонады.",
    "Спасибо за 5 лет с нами! Дарим промокод на десерт.",
)
_FITNESS_TEXTS: tuple[str, ...] = (
    "Новое расписание групповых тренировок на неделю — сохраняйте.",
    "5 упражнений для спины, которые можно сделать дома за 10 минут.",
    "Пробная тренировка в «Пульсе» бесплатно — записывайтесь по ссылке.",
    "История клиента: минус 12 кг за полгода без жёстких диет.",
    "Знакомьтесь с тренером: Дмитрий, функциональный тренинг и бокс.",
    "Опрос: какое направление добавить — пилатес или стретчинг?",
    "Понедельник — лучший день начать. Утренние группы в 7:00.",
    "Разбираем мифы о питании перед тренировкой.",
    "Марафон «30 дней в движении»: старт в понедельник, присоединяйтесь!",
    "Клубные карты со скидкой до конца месяца.",
)


def demo_history_range(today: date) -> tuple[date, date]:
    """The demo's history window: 18 calendar months ending yesterday.

    Args:
        today: The current local date.

    Returns:
        ``(start, end)`` with ``end = today - 1 day``, both inclusive.
    """
    end = today - timedelta(days=1)
    months = end.year * 12 + end.month - 1 - DEMO_HISTORY_MONTHS
    year, month = divmod(months, 12)
    month += 1
    day = min(end.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=1), end


def demo_profiles(today: date) -> list[tuple[str, AccountProfile]]:
    """Six demo accounts of two clients, with events dated relative to ``today``.

    Follower counts are the counts at the start of the history (see ``demo_history_range``); the
    accounts then grow (or decline) from there, so the demo always looks current.

    Args:
        today: The current local date.

    Returns:
        ``(client slug, profile)`` pairs; slugs are keys of ``DEMO_CLIENTS``.
    """

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    coffee = "coffee-chain"
    fitness = "fitness-studio"
    return [
        (
            coffee,
            AccountProfile(
                platform="vk",
                handle="zerno_coffee",
                initial_followers=18_000,
                daily_growth=25.0,
                growth_trend=-0.15,
                posts_per_week=5.0,
                er_followers=0.012,
                reach_rate=0.18,
                site_clicks_per_1k_reach=4.0,
                lead_rate=0.03,
                events=(
                    Event("campaign", ago(152), 14, 6.0),  # ≈ 5 months ago: targeted ads
                    Event("viral_post", ago(275), 1, 12.0),  # a giveaway that went viral
                ),
                weekday_profile=_COFFEE_WEEKDAYS,
                post_texts=_COFFEE_TEXTS,
            ),
        ),
        (
            coffee,
            AccountProfile(
                platform="telegram",
                handle="zerno_coffee",
                initial_followers=6_000,
                daily_growth=12.0,
                growth_trend=0.0,
                posts_per_week=7.0,
                er_followers=0.02,
                reach_rate=0.0,
                events=(Event("plateau", ago(60), 60, 0.08),),  # stalled for the last ~2 months
                weekday_profile=_COFFEE_WEEKDAYS,
                post_texts=_COFFEE_TEXTS,
            ),
        ),
        (
            coffee,
            AccountProfile(
                platform="youtube",
                handle="zernocoffee",
                initial_followers=2_500,
                daily_growth=1.5,
                growth_trend=-0.1,
                posts_per_week=0.7,
                er_followers=0.05,
                reach_rate=0.0,
                weekday_profile=_COFFEE_WEEKDAYS,
                post_texts=_COFFEE_TEXTS,
            ),
        ),
        (
            fitness,
            AccountProfile(
                platform="vk",
                handle="puls_fitness",
                initial_followers=9_000,
                daily_growth=15.0,
                growth_trend=0.0,
                posts_per_week=6.0,
                er_followers=0.015,
                reach_rate=0.2,
                events=(
                    Event("bot_purge", ago(243), 1, 0.06),  # ≈ 8 months ago
                    Event("posting_pause", ago(400), 12, 0.0),  # the studio closed for renovation
                ),
                weekday_profile=_FITNESS_WEEKDAYS,
                post_texts=_FITNESS_TEXTS,
            ),
        ),
        (
            fitness,
            AccountProfile(
                platform="telegram",
                handle="puls_fit",
                initial_followers=3_500,
                daily_growth=20.0,
                growth_trend=0.1,
                posts_per_week=10.0,
                er_followers=0.025,
                reach_rate=0.0,
                site_clicks_per_1k_reach=6.0,
                lead_rate=0.06,
                weekday_profile=_FITNESS_WEEKDAYS,
                post_texts=_FITNESS_TEXTS,
            ),
        ),
        (
            fitness,
            AccountProfile(
                platform="youtube",
                handle="pulsfitness",
                initial_followers=1_200,
                daily_growth=-0.4,
                growth_trend=0.0,
                posts_per_week=1.0,
                er_followers=0.04,
                reach_rate=0.0,
                weekday_profile=_FITNESS_WEEKDAYS,
                post_texts=_FITNESS_TEXTS,
            ),
        ),
    ]
