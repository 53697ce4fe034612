"""The shared write path: idempotent upserts of daily values and posts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from smartsmm.core.types import PostRecord
from smartsmm.measurements.models import DailyMetric, Post
from smartsmm.measurements.writes import upsert_daily, upsert_posts

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 1)
MOMENT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _values(n: int = 5) -> list[tuple[str, date, float]]:
    return [(m, DAY + timedelta(days=i), 100.0 + i) for i in range(n) for m in ("reach", "views")]


def _post(external_id: str, **counters: int | None) -> PostRecord:
    return PostRecord(
        published_at=MOMENT,
        external_id=external_id,
        post_type="photo",
        url="https://vk.com/wall-1_1",
        **counters,
    )


def _changed_at(account):
    account.refresh_from_db()
    return account.data_changed_at


def test_it_writes_daily_values_once_and_then_nothing(account):
    assert upsert_daily(account, _values()) == 10
    first = _changed_at(account)
    assert first is not None

    assert upsert_daily(account, _values()) == 0
    assert _changed_at(account) == first  # an unchanged write does not make goals stale
    assert DailyMetric.objects.filter(account=account).count() == 10


def test_it_counts_only_the_values_that_changed(account):
    upsert_daily(account, _values())

    written = upsert_daily(
        account, [("reach", DAY, 100.0), ("reach", DAY + timedelta(days=1), 5.0), ("followers", DAY, 7)]
    )

    assert written == 2
    assert DailyMetric.objects.get(account=account, metric="reach", day=DAY + timedelta(days=1)).value == 5.0
    assert DailyMetric.objects.get(account=account, metric="followers", day=DAY).value == 7.0


def test_the_last_value_of_a_day_given_twice_wins(account):
    assert upsert_daily(account, [("reach", DAY, 1.0), ("reach", DAY, 2.0)]) == 1

    assert DailyMetric.objects.get(account=account).value == 2.0


def test_it_refuses_unknown_metrics_and_non_numbers_without_writing(account):
    with pytest.raises(ValueError, match="unknown daily metric 'likes'"):
        upsert_daily(account, [("reach", DAY, 1.0), ("likes", DAY, 3.0)])
    with pytest.raises(ValueError, match="not a finite number"):
        upsert_daily(account, [("reach", DAY, float("nan"))])

    assert not DailyMetric.objects.exists()
    assert upsert_daily(account, []) == 0


def test_it_writes_posts_once_and_then_nothing(account):
    posts = [_post("1", likes=3, views=10, reach=8), _post("2", likes=None, views=4)]

    assert upsert_posts(account, posts) == 2
    first = _changed_at(account)
    assert upsert_posts(account, posts) == 0
    assert _changed_at(account) == first

    stored = Post.objects.get(account=account, external_id="1")
    assert (stored.likes, stored.views, stored.reach, stored.saves, stored.post_type) == (
        3,
        10,
        8,
        None,
        "photo",
    )


def test_a_post_measured_without_reach_keeps_the_reach_measured_before(account):
    upsert_posts(account, [_post("1", likes=3, reach=80)])

    assert upsert_posts(account, [_post("1", likes=3)]) == 0
    assert upsert_posts(account, [_post("1", likes=4)]) == 1

    stored = Post.objects.get(account=account, external_id="1")
    assert (stored.likes, stored.reach) == (4, 80)


def test_it_updates_only_the_fields_asked(account):
    upsert_posts(account, [_post("1", likes=3, views=10)])

    assert upsert_posts(account, [_post("1", likes=9, views=99)], fields=["views"]) == 1

    stored = Post.objects.get(account=account, external_id="1")
    assert (stored.likes, stored.views) == (3, 99)


def test_it_refuses_posts_without_id_or_time_zone(account):
    with pytest.raises(ValueError, match="no external_id"):
        upsert_posts(account, [_post("")])
    with pytest.raises(ValueError, match="no time zone"):
        upsert_posts(account, [PostRecord(published_at=datetime(2026, 3, 1, 9, 30), external_id="1")])
    assert not Post.objects.exists()
