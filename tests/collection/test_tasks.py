"""The worker's periodic jobs: claiming due accounts, reaping interrupted runs, dispatching syncs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from smartsmm.clients.models import AccountStatus, SocialAccount
from smartsmm.collection import tasks
from smartsmm.collection.models import Credential, SyncRun, SyncState, SyncStatus
from smartsmm.fakes.vk import FakeVK
from tests.vk_world import ADMIN, COFFEE, serving_live

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected(account: SocialAccount) -> SocialAccount:
    Credential.objects.create(account=account, token=ADMIN)
    return account


@pytest.fixture
def immediate():
    """Tasks run inline on an in-memory queue (never the data folder's SQLite queue)."""
    tasks.huey.immediate = True
    try:
        yield tasks.huey
    finally:
        tasks.huey.immediate = False


def test_a_newly_connected_account_is_due_for_everything(connected):
    assert tasks.claim_due() == [(connected.pk, ("counters", "daily", "posts"))]
    state = SyncState.objects.get(account=connected)
    assert state.next_counters_at is not None and state.next_daily_at is not None


def test_a_claim_advances_the_schedule_first_so_a_second_dispatcher_gets_nothing(connected):
    now = timezone.now()
    assert tasks.claim_due(now) != []
    assert tasks.claim_due(now) == []
    state = SyncState.objects.get(account=connected)
    assert state.next_counters_at == now + tasks.CLAIM_LEASE
    # After the lease (a failed or lost sync), the account is claimed again.
    assert tasks.claim_due(now + tasks.CLAIM_LEASE) == [(connected.pk, ("counters", "daily", "posts"))]


def test_a_claim_loses_when_another_dispatcher_moved_the_schedule(connected, monkeypatch):
    now = timezone.now()
    SyncState.objects.create(
        account=connected, next_counters_at=now - timedelta(minutes=1), next_daily_at=now + timedelta(hours=5)
    )
    # Simulate the race: another worker claims between our read and our UPDATE.
    from django.db.models.query import QuerySet

    original = QuerySet.update

    def racing_update(self, **kwargs):
        if "next_counters_at" in kwargs and self.model is SyncState:
            original(SyncState.objects.filter(account=connected), next_counters_at=now + timedelta(hours=1))
        return original(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", racing_update)
    assert tasks.claim_due(now) == []


def test_only_due_active_unblocked_accounts_with_a_token_are_claimed(connected, client_obj, awareness):
    now = timezone.now()
    SyncState.objects.create(
        account=connected, next_counters_at=now - timedelta(seconds=1), next_daily_at=now + timedelta(hours=3)
    )
    assert tasks.claim_due(now) == [(connected.pk, ("counters",))]

    no_token = SocialAccount.objects.create(
        agency=client_obj.agency, client=client_obj, platform="vk", external_id="9", handle="notoken"
    )
    SyncState.objects.create(account=no_token)
    later = now + timedelta(hours=4)
    SyncState.objects.filter(account=connected).update(blocked_until=later + timedelta(hours=1))
    assert tasks.claim_due(later) == []
    SyncState.objects.filter(account=connected).update(blocked_until=None)
    SocialAccount.objects.filter(pk=connected.pk).update(status=AccountStatus.NEEDS_ATTENTION)
    assert tasks.claim_due(later) == []
    SocialAccount.objects.filter(pk=connected.pk).update(status=AccountStatus.ACTIVE)
    assert tasks.claim_due(later) == [(connected.pk, ("counters", "daily", "posts"))]


def test_runs_left_running_are_closed_and_their_account_made_due(connected):
    now = timezone.now()
    SyncState.objects.create(
        account=connected, next_counters_at=now + timedelta(hours=1), next_daily_at=now + timedelta(hours=1)
    )
    old = SyncRun.objects.create(account=connected, kind="daily,posts", started_at=now - timedelta(hours=3))
    recent = SyncRun.objects.create(account=connected, kind="counters", started_at=now - timedelta(minutes=5))

    assert tasks.reap_interrupted_runs(now=now) == 1
    old.refresh_from_db()
    assert old.status == SyncStatus.FAILED and old.error.startswith("interrupted")
    state = SyncState.objects.get(account=connected)
    assert state.next_daily_at == now and state.next_counters_at == now + timedelta(hours=1)
    assert SyncRun.objects.get(pk=recent.pk).status == SyncStatus.RUNNING

    # At the start of the only worker of a local queue, every running run is a leftover.
    assert tasks.reap_interrupted_runs(all_running=True, now=now) == 1
    assert SyncRun.objects.get(pk=recent.pk).status == SyncStatus.FAILED


@pytest.fixture
def live_vk(monkeypatch):
    """The fake on real time, its rate limit off, the shared HTTP client's limiter on a manual clock."""
    fake = FakeVK(rate_limits={"user": None}).with_community(
        COFFEE, "coffee", 20_000, posts=120, days=30, seed=5, admin_tokens=[ADMIN]
    )
    with serving_live(monkeypatch, fake):
        yield fake


def test_dispatch_syncs_the_due_accounts_through_the_queue(live_vk, connected, immediate):
    assert tasks.dispatch_due() == 1
    run = SyncRun.objects.get(account=connected)
    assert run.status == SyncStatus.OK and run.kind == "counters,daily,posts"
    state = SyncState.objects.get(account=connected)
    assert state.next_daily_at is not None and state.next_daily_at > timezone.now() + timedelta(hours=20)
    # Nothing is due any more: a second tick does nothing.
    assert tasks.dispatch_due() == 0
    assert SyncRun.objects.count() == 1


def test_a_task_for_a_deleted_account_is_a_no_op(immediate):
    assert tasks.sync_account_job(999_999, ["counters"]) == "gone"


def test_the_queue_lives_in_the_data_folder_by_default(settings):
    settings.REDIS_URL = ""
    settings.SMARTSMM_QUEUE_IMMEDIATE = False
    queue = tasks.make_huey()
    assert queue.storage.filename == str(settings.DATA_DIR / "queue.sqlite3")
    settings.REDIS_URL = "redis://127.0.0.1:6399/0"
    assert type(tasks.make_huey()).__name__ == "RedisHuey"
    settings.SMARTSMM_QUEUE_IMMEDIATE = True
    assert tasks.make_huey().immediate
