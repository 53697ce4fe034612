"""VK payloads → rows: pure functions fed with JSON-shaped payloads (literal ones from the reference,
and ones the fake VK answers directly, without HTTP)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from smartsmm.connectors.vk import collect
from smartsmm.fakes.vk import FakeVK, ManualClock
from tests.vk_world import ADMIN, COFFEE, COFFEE_DAYS, build_fake

# platform-apis.md §1.4's example, as VK sends it: one day period starting at 21:00 UTC.
STATS_EXAMPLE = json.loads(
    """{"response": [
  {"period_from": 1735678800, "period_to": 1735765199,
   "visitors": {"views": 812, "visitors": 430, "mobile_views": 601},
   "reach": {"reach": 5120, "reach_subscribers": 3900, "mobile_reach": 4100},
   "activity": {"likes": 96, "comments": 12, "copies": 7, "hidden": 1,
                "subscribed": 18, "unsubscribed": 4}}
]}"""
)
# §1.5's example post.
WALL_EXAMPLE = json.loads(
    """{"response": {"count": 2, "items": [
  {"id": 501, "owner_id": -123456, "from_id": -123456, "date": 1735722000,
   "post_type": "post", "text": "New croissants",
   "likes": {"count": 54, "user_likes": 0, "can_like": 1, "can_publish": 1},
   "reposts": {"count": 6, "wall_count": 5, "mail_count": 1, "user_reposted": 0},
   "comments": {"count": 9, "can_post": 1},
   "views": {"count": 3120}}
]}}"""
)


@pytest.fixture
def fake() -> FakeVK:
    return build_fake(ManualClock())


def test_it_reads_a_stats_period_as_a_moscow_day():
    rows = collect.daily_rows(STATS_EXAMPLE["response"])

    # 1735678800 is 2024-12-31 21:00 UTC: midnight of 1 January in Moscow.
    assert rows == [
        ("reach", date(2025, 1, 1), 5120.0),
        ("views", date(2025, 1, 1), 812.0),
        ("subscribed", date(2025, 1, 1), 18.0),
        ("unsubscribed", date(2025, 1, 1), 4.0),
    ]


def test_it_sorts_newest_first_periods_and_reads_every_day_from_the_fake(fake):
    community = fake.community(COFFEE)
    periods = fake.call(
        "stats.get", ADMIN, group_id=COFFEE, timestamp_from=0, timestamp_to=int(fake.clock()), extended=0
    )["response"]
    assert periods[0]["period_from"] > periods[-1]["period_from"]  # the fake lists newest first

    rows = collect.daily_rows(periods)

    days = [day for metric, day, _ in rows if metric == "reach"]
    assert days == sorted(community.stats) and len(days) == COFFEE_DAYS
    values = {(metric, day): value for metric, day, value in rows}
    for day, stats in community.stats.items():
        assert values["reach", day] == stats.reach
        assert values["views", day] == stats.views
        assert values["subscribed", day] == stats.subscribed
        assert values["unsubscribed", day] == stats.unsubscribed


def test_it_counts_an_object_left_out_for_an_all_zero_day_as_zeros(fake):
    day = min(fake.community(COFFEE).stats)
    fake.set_day_stats(COFFEE, day, reach=0, reach_subscribers=0, mobile_reach=0)
    fake.set_day_stats(COFFEE, day, likes=0, comments=0, copies=0, hidden=0, subscribed=0, unsubscribed=0)
    start, end = collect.day_bounds(day, day)
    (period,) = fake.call("stats.get", ADMIN, group_id=COFFEE, timestamp_from=start, timestamp_to=end)[
        "response"
    ]
    assert "reach" not in period and "activity" not in period

    rows = collect.daily_rows([period])

    assert dict(((m, v) for m, _d, v in rows)) == {
        "reach": 0.0,
        "views": float(fake.community(COFFEE).stats[day].views),
        "subscribed": 0.0,
        "unsubscribed": 0.0,
    }


def test_it_keeps_the_last_listing_of_a_day_seen_twice():
    first = dict(STATS_EXAMPLE["response"][0])
    second = {**first, "reach": {"reach": 6000}}

    rows = collect.daily_rows([first, second])

    assert ("reach", date(2025, 1, 1), 6000.0) in rows and len(rows) == 4


def test_it_bounds_requests_by_moscow_days():
    start, end = collect.day_bounds(date(2025, 1, 1), date(2025, 1, 2))

    assert start == 1735678800
    assert end == 1735678800 + 2 * 86_400 - 1


def test_it_reads_both_shapes_of_groups_get_by_id(fake):
    new = fake.call("groups.getById", ADMIN, group_ids=COFFEE, fields="members_count")["response"]
    old = fake.call("groups.getById", ADMIN, group_ids=COFFEE, fields="members_count", v="5.131")["response"]
    assert isinstance(new, dict) and isinstance(old, list)

    assert collect.groups_of(new) == collect.groups_of(old)
    info = collect.account_info(collect.groups_of(new)[0])
    assert info.external_id == str(COFFEE)
    assert info.handle == "coffee"
    assert info.url == "https://vk.com/coffee"
    assert info.followers == 20_000
    assert info.is_admin is True
    assert collect.followers_rows(collect.groups_of(new)[0], date(2026, 1, 15)) == [
        ("followers", date(2026, 1, 15), 20_000.0)
    ]


def test_it_names_a_community_without_screen_name_by_its_club_address():
    info = collect.account_info({"id": 42, "name": "Nameless"})

    assert info.handle == "club42" and info.url == "https://vk.com/club42"
    assert info.followers is None and info.is_admin is None


def test_it_turns_a_wall_item_into_a_post_record():
    count, items = collect.wall_page(WALL_EXAMPLE["response"])

    record = collect.post_record(items[0], reach=2900)

    assert count == 2
    assert record.external_id == "501"
    assert record.published_at == datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    assert (record.likes, record.comments, record.shares, record.views, record.reach) == (
        54,
        9,
        6,
        3120,
        2900,
    )
    assert record.saves is None  # VK has no saves counter: unknown, not zero
    assert record.post_type == "post"
    assert record.url == "https://vk.com/wall-123456_501"
    assert record.text == "New croissants"


def test_it_leaves_views_unknown_on_a_post_without_a_view_counter():
    item = {**WALL_EXAMPLE["response"]["items"][0]}
    del item["views"]

    assert collect.post_record(item).views is None


@pytest.mark.parametrize(
    ("attachments", "expected"),
    [
        ([], "post"),
        (["photo"], "photo"),
        (["photo", "photo", "photo"], "photo"),
        (["video"], "video"),
        (["clip", "photo"], "clip"),
        (["photo", "poll"], "poll"),
        (["link"], "link"),
    ],
)
def test_it_derives_the_post_type_from_attachments(attachments, expected):
    item = {"attachments": [{"type": kind} for kind in attachments]}

    assert collect.post_type(item) == expected


def test_it_calls_a_shared_post_without_attachments_a_repost():
    assert collect.post_type({"copy_history": [{"id": 1}]}) == "repost"


def test_it_matches_the_fakes_wall_and_post_reach(fake):
    page = fake.call("wall.get", ADMIN, owner_id=-COFFEE, count=100)["response"]
    _count, items = collect.wall_page(page)
    ids = [item["id"] for item in items[:30]]
    reach = collect.reach_by_post(
        fake.call("stats.getPostReach", ADMIN, owner_id=-COFFEE, post_ids=ids)["response"]
    )

    records = [collect.post_record(item, reach.get(item["id"])) for item in items]

    by_id = {p.id: p for p in fake.community(COFFEE).posts}
    for record in records:
        post = by_id[int(record.external_id)]
        assert (record.likes, record.comments, record.shares, record.views) == (
            post.likes,
            post.comments,
            post.reposts,
            post.views,
        )
        assert record.post_type == collect.post_type({"attachments": [{"type": a} for a in post.attachments]})
    assert {r.external_id for r in records if r.reach is not None} == {str(i) for i in ids}
    assert all(reach[i] == by_id[i].reach(-COFFEE)["reach_total"] for i in ids)
