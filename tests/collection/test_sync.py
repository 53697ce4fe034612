"""sync_account against the fake VK: backfill, idempotence, gaps, failures, and the canary token."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from smartsmm.clients.models import AccountStatus, SocialAccount
from smartsmm.collection.models import Credential, SyncRun, SyncState, SyncStatus
from smartsmm.collection.sync import DAILY_OVERLAP_DAYS, SyncError, sync_account
from smartsmm.connectors.vk.client import MSK
from smartsmm.measurements import writes
from smartsmm.measurements.models import DailyMetric, Post
from tests.vk_world import ADMIN, COFFEE, COFFEE_DAYS, COFFEE_POSTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected(account: SocialAccount) -> SocialAccount:
    Credential.objects.create(account=account, token=ADMIN)
    return account


def today(world) -> date:
    return datetime.fromtimestamp(world.clock(), MSK).date()


def stored_daily(account: SocialAccount) -> dict[tuple[str, date], float]:
    return {
        (m, d): v
        for m, d, v in DailyMetric.objects.filter(account=account).values_list("metric", "day", "value")
    }


def test_a_first_sync_fills_followers_history_and_the_whole_wall(vk, connected):
    steps: list[tuple[str, int, int]] = []
    now = vk.now()

    run = sync_account(connected, connector=vk.connector(), now=now, progress=lambda *a: steps.append(a))

    community = vk.fake.community(COFFEE)
    daily = stored_daily(connected)
    assert daily["followers", today(vk)] == 20_000
    for day, stats in community.stats.items():
        assert daily["reach", day] == stats.reach
        assert daily["views", day] == stats.views
        assert daily["subscribed", day] == stats.subscribed
        assert daily["unsubscribed", day] == stats.unsubscribed
    # Followers measured today, estimated for the other stats days (test_follower_history_… below).
    assert len(daily) == 1 + 4 * COFFEE_DAYS + (COFFEE_DAYS - 1)
    assert Post.objects.filter(account=connected).count() == COFFEE_POSTS
    assert Post.objects.filter(account=connected, reach__isnull=False).count() == 300

    assert run.status == SyncStatus.OK and run.error == ""
    assert run.kind == "counters,daily,posts"
    assert run.requests == vk.fake.count() == 4  # counters, history, wall, post reach
    assert run.rows_written == len(daily) + COFFEE_POSTS
    assert run.finished_at is not None
    assert {kind for kind, _d, _t in steps} == {"counters", "daily", "posts"}

    connected.refresh_from_db()
    assert connected.status == AccountStatus.ACTIVE and connected.last_synced_at == now
    state = SyncState.objects.get(account=connected)
    assert state.history_starts == min(community.stats)
    assert state.backfilled_at == now
    assert state.next_counters_at == now + timedelta(hours=1)
    assert state.next_daily_at == now + timedelta(days=1)


def test_a_first_sync_estimates_follower_history_from_the_flows_and_keeps_measured_counts(vk, connected):
    community = vk.fake.community(COFFEE)
    measured_day = today(vk) - timedelta(days=10)
    writes.upsert_daily(connected, [("followers", measured_day, 12_345.0)])  # e.g. imported earlier

    sync_account(connected, connector=vk.connector(), now=vk.now())

    followers = {d: v for (m, d), v in stored_daily(connected).items() if m == "followers"}
    assert set(followers) == set(community.stats)  # every stats day, nothing before the first
    assert followers[today(vk)] == 20_000  # measured now
    assert followers[measured_day] == 12_345  # measured earlier: never overwritten
    # Walking back from today's count: F(d − 1) = F(d) − subscribed(d) + unsubscribed(d).
    level, day = 20_000, today(vk)
    while day > min(community.stats):
        level += community.stats[day].unsubscribed - community.stats[day].subscribed
        day -= timedelta(days=1)
        if day != measured_day:
            assert followers[day] == level, day


def test_the_follower_estimate_is_written_once_and_later_measurements_replace_it(vk, connected):
    sync_account(connected, connector=vk.connector(), now=vk.now())
    yesterday = today(vk) - timedelta(days=1)
    estimate = stored_daily(connected)["followers", yesterday]

    vk.clock.advance(86_400)  # a day later: yesterday's estimate is now the day before
    vk.fake.set_members(COFFEE, 25_000)
    sync_account(connected, connector=vk.connector(), now=vk.now())

    daily = stored_daily(connected)
    assert daily["followers", today(vk)] == 25_000  # measured
    assert daily["followers", yesterday] == estimate  # not re-estimated from the new count
    writes.upsert_daily(connected, [("followers", yesterday, 19_999.0)])  # a measured value wins
    sync_account(connected, connector=vk.connector(), now=vk.now())
    assert stored_daily(connected)["followers", yesterday] == 19_999


def test_a_daily_only_first_sync_measures_the_count_it_walks_back_from(vk, connected):
    run = sync_account(connected, kinds=["daily"], connector=vk.connector(), now=vk.now())

    followers = {d: v for (m, d), v in stored_daily(connected).items() if m == "followers"}
    assert followers[today(vk)] == 20_000
    assert len(followers) == COFFEE_DAYS
    assert run.requests == 2  # the statistics, then groups.getById for the count


def test_a_second_sync_changes_nothing(vk, connected):
    sync_account(connected, connector=vk.connector(), now=vk.now())
    connected.refresh_from_db()
    changed_at = connected.data_changed_at
    before = stored_daily(connected)
    requests = vk.fake.count()

    vk.clock.advance(60)
    run = sync_account(connected, connector=vk.connector(), now=vk.now())

    connected.refresh_from_db()
    assert run.status == SyncStatus.OK
    assert run.rows_written == 0
    assert connected.data_changed_at == changed_at
    assert stored_daily(connected) == before
    assert vk.fake.count() - requests == run.requests <= 4  # and only the recent part was asked for


def test_a_later_sync_writes_what_changed(vk, connected):
    sync_account(connected, connector=vk.connector(), now=vk.now())
    newest = vk.fake.community(COFFEE).posts[-1]
    vk.fake.set_members(COFFEE, 20_050)
    vk.fake.update_post(COFFEE, newest.id, likes=newest.likes + 7)
    post = vk.fake.add_post(COFFEE, "fresh", views=10, attachments=["video"])

    vk.clock.advance(3600)
    run = sync_account(connected, connector=vk.connector(), now=vk.now())

    assert stored_daily(connected)["followers", today(vk)] == 20_050
    assert (
        stored_daily(connected)["subscribed", today(vk)]
        == vk.fake.community(COFFEE).stats[today(vk)].subscribed
    )
    assert Post.objects.get(account=connected, external_id=str(newest.id)).likes == newest.likes
    assert Post.objects.get(account=connected, external_id=str(post.id)).post_type == "video"
    # followers and subscribed of today, the changed post, the new one, and reach that shifted.
    assert 4 <= run.rows_written <= 10


def test_missing_days_are_found_and_filled_again(vk, connected):
    sync_account(connected, connector=vk.connector(), now=vk.now())
    complete = stored_daily(connected)
    hole = [today(vk) - timedelta(days=n) for n in (40, 41, 20)]
    DailyMetric.objects.filter(account=connected, day__in=hole).exclude(metric="followers").delete()

    vk.clock.advance(3600)
    run = sync_account(connected, kinds=["daily"], connector=vk.connector(), now=vk.now())

    assert stored_daily(connected) == complete
    assert run.rows_written == 4 * len(hole)


def test_a_later_sync_refetches_only_the_last_days(vk, connected):
    sync_account(connected, connector=vk.connector(), now=vk.now())
    vk.fake.set_day_stats(COFFEE, today(vk) - timedelta(days=DAILY_OVERLAP_DAYS), reach=1)
    vk.fake.set_day_stats(COFFEE, today(vk) - timedelta(days=DAILY_OVERLAP_DAYS + 1), reach=1)

    run = sync_account(connected, kinds=["daily"], connector=vk.connector(), now=vk.now())

    daily = stored_daily(connected)
    assert daily["reach", today(vk) - timedelta(days=DAILY_OVERLAP_DAYS)] == 1  # inside the overlap
    assert daily["reach", today(vk) - timedelta(days=DAILY_OVERLAP_DAYS + 1)] != 1  # before it: not asked
    assert run.rows_written == 1 and run.requests == 1


def test_a_revoked_token_marks_the_account_with_the_reason_and_a_new_token_recovers(vk, connected):
    sync_account(connected, connector=vk.connector(), now=vk.now())
    vk.fake.revoke(ADMIN)

    run = sync_account(connected, connector=vk.connector(), now=vk.now())

    connected.refresh_from_db()
    assert run.status == SyncStatus.NEEDS_ATTENTION
    assert connected.status == AccountStatus.NEEDS_ATTENTION
    assert "User authorization failed" in connected.last_error
    assert run.error == connected.last_error

    vk.fake.add_token("vk1.a.fresh-token", admin_of=[COFFEE])
    Credential.objects.filter(account=connected).update(token="vk1.a.fresh-token")
    run = sync_account(connected, connector=vk.connector(), now=vk.now())
    connected.refresh_from_db()
    assert run.status == SyncStatus.OK
    assert (connected.status, connected.last_error) == (AccountStatus.ACTIVE, "")


def test_without_a_token_it_says_how_to_connect_and_records_nothing(vk, account):
    with pytest.raises(
        SyncError, match=r"vk:coffee has no stored token: connect it with `smartsmm accounts add vk coffee"
    ):
        sync_account(account, connector=vk.connector(), now=vk.now())

    assert not SyncRun.objects.exists()
    assert vk.fake.count() == 0


def test_a_platform_without_connector_is_a_clear_error(account):
    account.platform = "threads"
    account.save()

    with pytest.raises(SyncError, match="no connector for platform 'threads'"):
        sync_account(account)


def test_an_unknown_kind_is_refused(vk, connected):
    with pytest.raises(ValueError, match="unknown sync kind"):
        sync_account(connected, kinds=["followers"], connector=vk.connector())


def test_a_failure_while_writing_posts_writes_no_post_and_keeps_the_other_kinds(vk, connected, monkeypatch):
    real = writes.write_post_rows
    calls = []

    def fail_second_group(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(writes, "write_post_rows", fail_second_group)

    with pytest.raises(RuntimeError, match="disk full"):
        sync_account(connected, connector=vk.connector(), now=vk.now())

    assert len(calls) == 2  # posts with reach were written, then those without failed: all rolled back
    assert not Post.objects.filter(account=connected).exists()
    assert DailyMetric.objects.filter(account=connected).count() == 1 + 4 * COFFEE_DAYS + (COFFEE_DAYS - 1)
    (run,) = SyncRun.objects.all()
    assert run.status == SyncStatus.FAILED and "internal error: RuntimeError: disk full" in run.error
    assert run.requests == 4
    assert SyncState.objects.get(account=connected).backfilled_at is None  # the wall is read again next time


def test_the_canary_token_never_appears_in_plain_text(vk, connected, caplog):
    caplog.set_level(logging.DEBUG)
    # A VK message quoting the token (an echo a proxy or a VK quirk could produce) must be scrubbed.
    vk.fake.inject("stats.get", 15, error_msg=f"Access denied: token {ADMIN} has no rights", times=1)

    run = sync_account(connected, connector=vk.connector(), now=vk.now())

    connected.refresh_from_db()
    assert run.status == SyncStatus.NEEDS_ATTENTION
    assert "Access denied" in run.error and "***" in run.error
    for text in (run.error, connected.last_error, caplog.text):
        assert ADMIN not in text
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM collection_credential")
        ((raw,),) = cursor.fetchall()
        assert raw.startswith("fernet1:") and ADMIN not in raw
        for table, column in (("collection_syncrun", "error"), ("clients_socialaccount", "last_error")):
            cursor.execute(f"SELECT {column} FROM {table}")
            assert all(ADMIN not in (value or "") for (value,) in cursor.fetchall())
