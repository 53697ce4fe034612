"""Tests of the deterministic demo-history generator (pure numpy, no Django)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from smartsmm.demo.generate import (
    DEMO_CLIENTS,
    AccountHistory,
    AccountProfile,
    Event,
    demo_history_range,
    demo_profiles,
    generate_account_history,
)

TZ = ZoneInfo("Europe/Moscow")
START = date(2023, 1, 2)  # a Monday
END = date(2025, 12, 31)  # three years
ALL_PLATFORMS = ("vk", "telegram", "youtube", "instagram", "ok", "threads")


def _profile(platform: str = "vk", **overrides: Any) -> AccountProfile:
    fields: dict[str, Any] = {
        "platform": platform,
        "handle": "acme",
        "initial_followers": 20_000,
        "daily_growth": 20.0,
        "growth_trend": 0.0,
        "posts_per_week": 7.0,
        "er_followers": 0.012,
        "reach_rate": 0.18,
    }
    fields.update(overrides)
    return AccountProfile(**fields)


def _generate(profile: AccountProfile, seed: int = 1, start: date = START, end: date = END) -> AccountHistory:
    return generate_account_history(profile, start, end, seed=seed, tz=TZ)


def _series(history: AccountHistory, key: str) -> np.ndarray:
    return np.array(list(history.daily[key].values()))


def _followers_on(history: AccountHistory) -> dict[date, float]:
    return history.daily["followers"]


def test_it_is_deterministic() -> None:
    profile = _profile(site_clicks_per_1k_reach=3.0, lead_rate=0.05)
    first, second = _generate(profile, seed=42), _generate(profile, seed=42)
    assert first.daily == second.daily
    assert first.posts == second.posts
    other = _generate(profile, seed=43)
    assert other.daily["followers"] != first.daily["followers"]


@pytest.mark.parametrize("platform", ["vk", "ok"])
def test_it_keeps_followers_identity_with_gross_flows(platform: str) -> None:
    profile = _profile(platform, events=(Event("bot_purge", date(2024, 3, 1), 1, 0.05),))
    history = _generate(profile)
    followers = _series(history, "followers")
    net = _series(history, "subscribed") - _series(history, "unsubscribed")
    assert np.array_equal(np.diff(followers), net[1:])
    assert followers[0] - profile.initial_followers == net[0]


def test_it_keeps_identity_and_non_negative_followers_when_declining_to_zero() -> None:
    history = _generate(_profile("vk", initial_followers=400, daily_growth=-30.0))
    followers = _series(history, "followers")
    net = _series(history, "subscribed") - _series(history, "unsubscribed")
    assert followers.min() == 0
    assert np.array_equal(np.diff(followers), net[1:])


@pytest.mark.parametrize("platform", ALL_PLATFORMS)
def test_it_produces_non_negative_integers(platform: str) -> None:
    history = _generate(_profile(platform, site_clicks_per_1k_reach=5.0, lead_rate=0.1))
    for key, series in history.daily.items():
        values = np.array(list(series.values()))
        assert all(isinstance(v, float) for v in series.values()), key
        assert (values >= 0).all(), key
        assert (values == np.rint(values)).all(), key
    for post in history.posts:
        for counter in (post.likes, post.comments, post.shares, post.saves, post.views, post.reach):
            assert counter is None or (isinstance(counter, int) and counter >= 0)


def test_it_shows_bot_purge_as_drop_of_about_the_fraction() -> None:
    purge_day = date(2024, 6, 10)
    history = _generate(_profile("vk", events=(Event("bot_purge", purge_day, 1, 0.06),)))
    followers = _followers_on(history)
    before, after = followers[purge_day - timedelta(days=1)], followers[purge_day]
    drop = (before - after) / before
    assert 0.05 <= drop <= 0.065
    unsubscribed = _series(history, "unsubscribed")
    assert history.daily["unsubscribed"][purge_day] > 10 * np.median(unsubscribed)


def test_it_lifts_growth_during_campaign() -> None:
    campaign_start = date(2024, 4, 1)
    history = _generate(_profile("vk", events=(Event("campaign", campaign_start, 14, 6.0),)))
    net = np.diff(_series(history, "followers"))
    i = (campaign_start - START).days - 1  # index into the diffs
    during = net[i : i + 14].mean()
    around = np.concatenate([net[i - 28 : i], net[i + 14 : i + 42]]).mean()
    assert during > 3 * around


@pytest.mark.parametrize("posts_per_week", [2.0, 7.0, 14.0])
def test_it_posts_about_posts_per_week(posts_per_week: float) -> None:
    history = _generate(_profile("telegram", posts_per_week=posts_per_week))
    weeks = ((END - START).days + 1) / 7
    # ~300–2,200 posts: a 15 % band is a few standard deviations of the binomial posting noise.
    assert len(history.posts) / weeks == pytest.approx(posts_per_week, rel=0.15)


def test_it_does_not_post_during_posting_pause() -> None:
    pause = Event("posting_pause", date(2024, 5, 1), 21, 0.0)
    history = _generate(_profile("vk", posts_per_week=14.0, events=(pause,)))
    pause_days = {pause.start + timedelta(days=i) for i in range(pause.days)}
    assert not [p for p in history.posts if p.published_at.date() in pause_days]


def test_it_gives_viral_post_an_outlier() -> None:
    viral_day = date(2024, 9, 12)
    history = _generate(_profile("vk", events=(Event("viral_post", viral_day, 1, 15.0),)))
    viral = [p for p in history.posts if p.published_at.date() == viral_day]
    assert viral
    median = np.median([p.engagements for p in history.posts])
    assert max(p.engagements for p in viral) > 4 * median


@pytest.mark.parametrize("platform", ALL_PLATFORMS)
def test_it_orders_views_reach_engagements_per_post(platform: str) -> None:
    history = _generate(_profile(platform))
    assert history.posts
    for post in history.posts:
        assert post.views is not None
        ceiling = post.reach if post.reach is not None else post.views
        assert post.views >= ceiling >= post.engagements
        assert post.likes is not None and post.comments is not None and post.shares is not None
        if post.engagements >= 200:
            assert post.likes > post.comments and post.likes > post.shares


@pytest.mark.parametrize(
    ("platform", "daily_keys", "has_reach", "has_saves"),
    [
        ("vk", {"followers", "subscribed", "unsubscribed", "reach", "views"}, True, False),
        ("ok", {"followers", "subscribed", "unsubscribed", "reach", "views"}, True, False),
        ("instagram", {"followers", "reach", "views"}, True, True),
        ("threads", {"followers", "reach", "views"}, True, False),
        ("telegram", {"followers", "views"}, False, False),
        ("youtube", {"followers", "views"}, False, False),
    ],
)
def test_it_leaves_out_what_the_platform_does_not_provide(
    platform: str, daily_keys: set[str], has_reach: bool, has_saves: bool
) -> None:
    history = _generate(_profile(platform))
    assert set(history.daily) == daily_keys
    assert all((p.reach is not None) == has_reach for p in history.posts)
    assert all((p.saves is not None) == has_saves for p in history.posts)
    tracked = _generate(_profile(platform, site_clicks_per_1k_reach=4.0, lead_rate=0.05))
    assert set(tracked.daily) == daily_keys | {"site_clicks", "leads"}
    clicks_only = _generate(_profile(platform, site_clicks_per_1k_reach=4.0))
    assert set(clicks_only.daily) == daily_keys | {"site_clicks"}


def test_it_tracks_leads_as_a_share_of_clicks() -> None:
    history = _generate(_profile("vk", site_clicks_per_1k_reach=5.0, lead_rate=0.05))
    clicks, leads = _series(history, "site_clicks"), _series(history, "leads")
    assert clicks.mean() > 5
    assert leads.sum() / clicks.sum() == pytest.approx(0.05, rel=0.2)


def test_it_covers_platforms_and_clients_in_demo_profiles() -> None:
    today = date(2026, 5, 20)
    start, end = demo_history_range(today)
    assert end == today - timedelta(days=1)
    assert 540 <= (end - start).days + 1 <= 552  # 18 calendar months
    profiles = demo_profiles(today)
    assert len(profiles) == 6
    assert {slug for slug, _ in profiles} == set(DEMO_CLIENTS) == {"coffee-chain", "fitness-studio"}
    assert len({p.platform for _, p in profiles}) >= 3
    for _, profile in profiles:
        for event in profile.events:
            assert start <= event.start <= end
        history = generate_account_history(profile, start, end, seed=7, tz=TZ)
        assert history.posts
        assert len(history.daily["followers"]) == (end - start).days + 1
    by_key = {(slug, p.platform): p for slug, p in profiles}
    assert by_key[("coffee-chain", "vk")].site_clicks_per_1k_reach > 0
    assert by_key[("fitness-studio", "telegram")].lead_rate > 0
    assert by_key[("fitness-studio", "youtube")].daily_growth < 0


def test_it_shows_hour_of_day_effect() -> None:
    history = _generate(_profile("vk", posts_per_week=21.0))
    followers = _followers_on(history)
    er_by_hour: dict[int, list[float]] = {}
    for post in history.posts:
        er = post.engagements / followers[post.published_at.date()]
        er_by_hour.setdefault(post.published_at.hour, []).append(er)
    peak = [er for h in (19, 20, 21) for er in er_by_hour.get(h, [])]
    off_peak = [er for h in (*range(0, 8), 23) for er in er_by_hour.get(h, [])]
    assert len(off_peak) >= 30
    assert np.mean(peak) > 1.3 * np.mean(off_peak)


def test_it_shows_weekday_profile_in_engagement() -> None:
    weekend_lovers = (0.92, 0.93, 0.95, 0.98, 1.05, 1.13, 1.06)
    history = _generate(_profile("vk", posts_per_week=14.0, weekday_profile=weekend_lovers))
    followers = _followers_on(history)
    by_weekday: dict[int, list[float]] = {}
    for post in history.posts:
        er = post.engagements / followers[post.published_at.date()]
        by_weekday.setdefault(post.published_at.weekday(), []).append(er)
    weekend = np.mean(by_weekday[5] + by_weekday[6])
    monday_tuesday = np.mean(by_weekday[0] + by_weekday[1])
    assert weekend > monday_tuesday


@pytest.mark.parametrize("platform", ["vk", "telegram", "youtube"])
def test_it_makes_engagement_heavy_tailed(platform: str) -> None:
    history = _generate(_profile(platform, posts_per_week=10.0, er_followers=0.03))
    followers = _followers_on(history)
    er = np.array([p.engagements / followers[p.published_at.date()] for p in history.posts])
    assert 0.75 <= er.std() / er.mean() <= 1.3
    assert er.mean() == pytest.approx(0.03, rel=0.15)


def test_it_matches_platform_view_levels() -> None:
    telegram = _generate(_profile("telegram"))
    followers = _followers_on(telegram)
    shares = np.array([p.views / followers[p.published_at.date()] for p in telegram.posts])
    assert 0.2 <= np.median(shares) <= 0.4

    youtube = _generate(_profile("youtube", er_followers=0.05, posts_per_week=2.0))
    followers = _followers_on(youtube)
    views = np.array([p.views for p in youtube.posts], dtype=float)
    likes = np.array([p.likes for p in youtube.posts], dtype=float)
    per_follower = views / np.array([followers[p.published_at.date()] for p in youtube.posts])
    assert per_follower.mean() > 1.0
    assert likes.sum() / views.sum() == pytest.approx(0.03, abs=0.008)


@pytest.mark.parametrize("platform", ["vk", "telegram", "youtube"])
def test_it_puts_more_daily_views_on_days_with_posts(platform: str) -> None:
    history = _generate(_profile(platform, posts_per_week=3.0))
    post_days = {p.published_at.date() for p in history.posts}
    views = history.daily["views"]
    with_posts = np.mean([v for d, v in views.items() if d in post_days])
    without = np.mean([v for d, v in views.items() if d not in post_days])
    assert with_posts > 1.15 * without
    if "reach" in history.daily:
        assert all(views[d] >= r for d, r in history.daily["reach"].items())


@pytest.mark.parametrize(
    ("platform", "url_pattern"),
    [
        ("vk", r"https://vk\.com/wall-\d+_\d+"),
        ("telegram", r"https://t\.me/acme/\d+"),
        ("youtube", r"https://youtu\.be/[A-Za-z0-9_-]{11}"),
        ("ok", r"https://ok\.ru/group/\d+/topic/\d+"),
        ("instagram", r"https://www\.instagram\.com/(p|reel)/[A-Za-z0-9_-]{11}/"),
        ("threads", r"https://www\.threads\.net/@acme/post/[A-Za-z0-9_-]{11}"),
    ],
)
def test_it_publishes_platform_shaped_posts(platform: str, url_pattern: str) -> None:
    history = _generate(_profile(platform, posts_per_week=10.0))
    posts = history.posts
    ids = [p.external_id for p in posts]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)  # string order is publication order
    times = [p.published_at for p in posts]
    assert times == sorted(times)
    assert all(p.published_at.tzinfo is TZ for p in posts)
    assert all(re.fullmatch(url_pattern, p.url) for p in posts)
    assert all(p.text for p in posts)
    daytime = sum(8 <= p.published_at.hour <= 22 for p in posts) / len(posts)
    assert daytime > 0.9
    types = {p.post_type for p in posts}
    expected = {
        "vk": {"post", "photo", "video", "clip", "poll"},
        "telegram": {"post", "photo", "video"},
        "youtube": {"video", "short"},
    }
    if platform in expected:
        assert types == expected[platform]


def test_it_rejects_invalid_input() -> None:
    with pytest.raises(ValueError):
        _generate(_profile(), start=END, end=START)
    with pytest.raises(ValueError):
        _profile(weekday_profile=(1.0, 1.0))
    with pytest.raises(ValueError):
        Event("bot_purge", START, 1, 1.5)
