"""The VK connector against the fake VK: connecting, counters, history backfill, the whole wall."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from smartsmm.connectors.base import PermanentError, TokenInfo
from smartsmm.connectors.vk.client import MSK
from smartsmm.connectors.vk.connector import VkConnector, normalize_ref
from smartsmm.fakes.vk import FakeVK, ManualClock
from tests.vk_world import (
    ADMIN,
    CLOSED,
    COFFEE,
    COFFEE_DAYS,
    COFFEE_POSTS,
    GROUP_TOKEN,
    GYM,
    OUTSIDER,
    REVOKED,
    SERVICE_TOKEN,
    start_world,
)

COFFEE_REF = SimpleNamespace(external_id=str(COFFEE), handle="coffee")
GYM_REF = SimpleNamespace(external_id=str(GYM), handle="gym")


def today(world) -> date:
    return datetime.fromtimestamp(world.clock(), MSK).date()


# -- connecting -------------------------------------------------------------------------------------


def test_it_tells_token_kinds_apart(vk):
    connector = vk.connector()

    assert connector.check_token(ADMIN) == TokenInfo("user", True)
    group = connector.check_token(GROUP_TOKEN)
    service = connector.check_token(SERVICE_TOKEN)

    assert (group.kind, group.can_read_stats) == ("group", False) and "user token" in group.detail
    assert (service.kind, service.can_read_stats) == ("service", False) and "user token" in service.detail
    assert vk.fake.count() == 3  # one request each


def test_it_refuses_a_revoked_token_with_vks_reason(vk):
    with pytest.raises(PermanentError) as raised:
        vk.connector().check_token(REVOKED)

    assert raised.value.code == 5
    assert "User authorization failed" in raised.value.message
    assert "revoked" in raised.value.message


@pytest.mark.parametrize(
    "ref", ["coffee", "@coffee", "https://vk.com/coffee", "vk.com/coffee/", "club123456", "123456", "-123456"]
)
def test_it_resolves_a_community_however_it_is_written(vk, ref):
    info = vk.connector().resolve(ref, ADMIN)

    assert (info.external_id, info.handle, info.url) == ("123456", "coffee", "https://vk.com/coffee")
    assert info.followers == 20_000 and info.is_admin is True


def test_it_says_whether_the_tokens_user_administers_the_community(vk):
    assert vk.connector().resolve("coffee", OUTSIDER).is_admin is False


def test_it_refuses_an_unknown_or_banned_community(vk):
    vk.fake.set_access(GYM, banned=True)

    with pytest.raises(PermanentError, match="VK has no community 'nobody_here'"):
        vk.connector().resolve("nobody_here", ADMIN)
    with pytest.raises(PermanentError, match="banned"):
        vk.connector().resolve("gym", ADMIN)


def test_it_normalizes_references():
    assert normalize_ref(" https://m.vk.com/zerno_coffee?w=wall-1_2 ") == "zerno_coffee"
    assert normalize_ref("public218453201") == "218453201"
    with pytest.raises(ValueError):
        normalize_ref(" @ ")


# -- counters ---------------------------------------------------------------------------------------


def test_it_collects_members_as_todays_followers_in_moscow_days(vk):
    collected = vk.connector().collect_counters(COFFEE_REF, ADMIN)

    assert collected.daily == [("followers", today(vk), 20_000.0)]
    assert collected.requests == 1


def test_it_collects_many_communities_in_one_request(vk):
    vk.fake.set_members(GYM, 8_123)
    closed = SimpleNamespace(external_id=str(CLOSED), handle="closed_club")
    vk.fake.set_access(CLOSED, banned=True)

    results = vk.connector().collect_counters_many([COFFEE_REF, GYM_REF, closed], ADMIN)

    assert vk.fake.count() == 1
    assert results[str(COFFEE)].daily == [("followers", today(vk), 20_000.0)]
    assert results[str(GYM)].daily == [("followers", today(vk), 8_123.0)]
    assert isinstance(results[str(CLOSED)], PermanentError)
    assert sum(getattr(r, "requests", 0) for r in results.values()) == 1


# -- daily statistics -------------------------------------------------------------------------------


def test_it_backfills_all_the_history_vk_has_in_one_request(vk):
    connector = vk.connector()

    collected = connector.collect_daily(COFFEE_REF, ADMIN, connector.history_floor, today(vk))

    stats = vk.fake.community(COFFEE).stats
    days = sorted({day for _m, day, _v in collected.daily})
    assert days == sorted(stats) and len(days) == COFFEE_DAYS
    values = {(m, d): v for m, d, v in collected.daily}
    assert all(values["reach", d] == s.reach and values["views", d] == s.views for d, s in stats.items())
    # 25 windows of 30 days reach back two years; the oldest came back empty, so VK has nothing older.
    assert collected.requests == 1 == vk.fake.count("execute")


def test_it_walks_further_back_until_the_history_ends(monkeypatch):
    clock = ManualClock()
    fake = FakeVK(clock=clock).with_community(
        COFFEE, "coffee", 5_000, days=1_000, seed=2, admin_tokens=[ADMIN]
    )
    world, stop = start_world(monkeypatch, fake, clock)
    try:
        connector = world.connector()
        collected = connector.collect_daily(COFFEE_REF, ADMIN, connector.history_floor, today(world))
    finally:
        stop()

    assert len({day for _m, day, _v in collected.daily}) == 1_000
    assert collected.requests == 2  # 750 days, then the rest and an empty oldest window


def test_it_fetches_only_the_days_asked(vk):
    last = today(vk)
    seen: list[tuple[int, int]] = []

    collected = vk.connector().collect_daily(
        COFFEE_REF, ADMIN, last - timedelta(days=2), last, progress=lambda d, t: seen.append((d, t))
    )

    assert sorted({day for _m, day, _v in collected.daily}) == [last - timedelta(days=n) for n in (2, 1, 0)]
    assert seen == [(1, 1)]


def test_it_fails_permanently_without_rights_to_statistics(vk):
    with pytest.raises(PermanentError) as raised:
        vk.connector().collect_daily(COFFEE_REF, OUTSIDER, today(vk), today(vk))

    assert raised.value.code == 15 and "administrator" in raised.value.message


# -- posts ------------------------------------------------------------------------------------------


def test_it_reads_a_wall_of_10000_posts_in_four_requests_within_the_rate_limit(monkeypatch):
    clock = ManualClock()
    fake = FakeVK(clock=clock).with_community(
        COFFEE, "coffee", 30_000, posts=10_000, seed=4, admin_tokens=[ADMIN]
    )
    world, stop = start_world(monkeypatch, fake, clock)
    try:
        collected = world.connector().collect_posts(COFFEE_REF, ADMIN, None)
    finally:
        stop()

    assert len(collected.posts) == 10_000
    assert {p.external_id for p in collected.posts} == {str(i) for i in range(1, 10_001)}
    # 10,000 / (25 × 100) = 4 execute requests for the wall (one wall.get per 100 posts would be 100),
    # and one more for the reach of the newest 300 posts.
    assert fake.count("execute") == 5 == collected.requests
    assert fake.count("wall.get", include_inner=True) == 100
    assert fake.max_requests_in_window(token=ADMIN) <= 3
    with_reach = [p for p in collected.posts if p.reach is not None]
    assert {p.external_id for p in with_reach} == {str(i) for i in range(9_701, 10_001)}


def test_it_collects_counters_and_reach_as_vk_reports_them(vk):
    collected = vk.connector().collect_posts(COFFEE_REF, ADMIN, None)

    posts = {p.id: p for p in vk.fake.community(COFFEE).posts}
    assert len(collected.posts) == COFFEE_POSTS
    for record in collected.posts:
        post = posts[int(record.external_id)]
        assert (record.likes, record.comments, record.shares, record.views) == (
            post.likes,
            post.comments,
            post.reposts,
            post.views,
        )
        expected_reach = post.reach(-COFFEE)["reach_total"] if post.id > COFFEE_POSTS - 300 else None
        assert record.reach == expected_reach


def test_it_reads_only_recent_posts_after_a_date_in_few_requests(vk):
    pinned_old = vk.fake.community(COFFEE).posts[0]
    pinned_old.is_pinned = True  # the pinned post comes first whatever its age: it must not stop paging
    since = vk.now() - timedelta(days=30)

    collected = vk.connector().collect_posts(COFFEE_REF, ADMIN, since)

    expected = {str(p.id) for p in vk.fake.community(COFFEE).posts if p.date >= since.timestamp()}
    assert {p.external_id for p in collected.posts} == expected
    assert 20 < len(expected) < 200
    assert vk.fake.count("execute") == 2  # one page batch (2 calls) and the reach


def test_it_skips_post_reach_silently_without_rights_to_it(vk):
    vk.fake.inject("stats.getPostReach", 15, times=100)

    collected = vk.connector().collect_posts(COFFEE_REF, ADMIN, None)

    assert len(collected.posts) == COFFEE_POSTS
    assert all(p.reach is None for p in collected.posts)
    assert collected.notes and "post reach skipped" in collected.notes[0]


def test_it_reads_an_empty_wall_in_one_request(vk):
    vk.fake.community(GYM).posts.clear()

    collected = vk.connector().collect_posts(GYM_REF, ADMIN, None)

    assert collected.posts == [] and collected.requests == 1


def test_it_refuses_an_account_without_a_numeric_id(vk):
    with pytest.raises(PermanentError, match="numeric community id"):
        VkConnector().collect_counters(SimpleNamespace(external_id="coffee", handle="coffee"), ADMIN)
