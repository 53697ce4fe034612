"""The collection worker's task queue: Huey, with periodic jobs that find due accounts and sync them.

Storage (see the README's settings table):

- embedded default: :class:`~huey.SqliteHuey` in ``DATA_DIR / "queue.sqlite3"`` — nothing to install;
- ``REDIS_URL`` set: :class:`~huey.RedisHuey` — for several worker machines;
- ``SMARTSMM_QUEUE_IMMEDIATE=true`` (or ``huey.immediate = True`` in a test): tasks run at once, in
  the calling thread, on an in-memory queue.

Delivery is *at most once* per enqueued message (Huey removes a message from the queue when a worker
takes it; a worker killed mid-task loses it), so correctness never rests on the queue:

- :func:`dispatch_due` claims each due account with a **conditional UPDATE** that moves
  ``next_*_at`` forward *before* any work (healthchecks' ``sendalerts`` pattern): of several
  dispatchers, exactly one sees its UPDATE change a row; a crash leaves the schedule advanced by a
  short lease (:data:`CLAIM_LEASE`), so the account is tried again later, never in a tight loop.
  A successful sync then sets the real next time (an hour for counters, a day for the rest).
- every write of a sync is an idempotent upsert (:mod:`smartsmm.collection.sync`), so a job run
  twice, or killed and redone, leaves exactly the rows of one uninterrupted run.
- a :class:`~smartsmm.collection.models.SyncRun` left ``running`` by a killed worker is closed as
  failed ("interrupted") by :func:`reap_interrupted_runs`, and its account is made due again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

__all__ = [
    "CLAIM_LEASE",
    "RUN_TIMEOUT",
    "claim_due",
    "deliver_reports_task",
    "dispatch_due",
    "dispatch_due_task",
    "huey",
    "make_huey",
    "reap_interrupted_runs",
    "refresh_goals_task",
    "sync_account_job",
    "sync_account_task",
]

logger = logging.getLogger(__name__)

#: How far a claim moves the schedule ahead; a sync that succeeds sets the real next time, one that
#: failed or whose worker died is tried again after this (no tight retry loop, no lost account).
CLAIM_LEASE = timedelta(hours=1)
#: A run still ``running`` after this long is taken for the leftover of a dead worker.
RUN_TIMEOUT = timedelta(hours=2)
#: Minutes of the hour at which the periodic dispatcher runs ("every few minutes").
DISPATCH_CRONTAB_MINUTES = "*"
#: Minutes at which stale goal evaluations are refreshed.
GOALS_CRONTAB_MINUTES = "*/10"
#: Minutes at which scheduled reports that are due are delivered (smartsmm.reports.delivery).
REPORTS_CRONTAB_MINUTES = "*/5"

INTERRUPTED = "interrupted: the worker stopped before this sync finished; it is redone automatically"


def make_huey() -> Huey:
    """The Huey instance the settings ask for (see the module docstring)."""
    name = "smartsmm"
    if getattr(settings, "SMARTSMM_QUEUE_IMMEDIATE", False):
        return MemoryHuey(name, immediate=True)
    redis_url = getattr(settings, "REDIS_URL", "")
    if redis_url:
        return RedisHuey(name, url=redis_url)
    # The queue is a separate SQLite file, not the app's database: Huey polls it constantly and
    # its writes must not compete with the app's write lock.
    return SqliteHuey(name, filename=str(settings.DATA_DIR / "queue.sqlite3"), timeout=20)


huey: Huey = make_huey()


def uses_local_queue() -> bool:
    """Whether the queue lives on this machine only (SQLite file): then one machine runs workers."""
    return isinstance(huey, SqliteHuey | MemoryHuey)


# ---------------------------------------------------------------------------------------------
# Plain functions (called by the tasks; tests call them directly)


def claim_due(now: datetime | None = None) -> list[tuple[int, tuple[str, ...]]]:
    """Claim every account whose collection is due; return ``(account_id, kinds)`` to sync.

    An account is due when it has a stored token, is active, its platform's quota is not spent
    (``blocked_until``), and ``next_counters_at`` (→ counters) or ``next_daily_at`` (→ daily
    statistics and posts) is unset or past. Each kind is claimed by an UPDATE filtered on the value
    just read; zero rows changed means another dispatcher won it, and it is skipped.
    """
    from smartsmm.clients.models import AccountStatus, SocialAccount
    from smartsmm.collection.models import SyncState

    moment = now or timezone.now()
    # A newly connected account has no schedule yet: create one, due now (the backfill on connect).
    connected = SocialAccount.objects.filter(credential__isnull=False, sync_state__isnull=True)
    for account_id in connected.values_list("pk", flat=True):
        SyncState.objects.get_or_create(account_id=account_id)

    due = (
        SyncState.objects.filter(
            account__credential__isnull=False,
            account__status=AccountStatus.ACTIVE,
        )
        .filter(Q(blocked_until__isnull=True) | Q(blocked_until__lte=moment))
        .filter(
            Q(next_counters_at__isnull=True)
            | Q(next_counters_at__lte=moment)
            | Q(next_daily_at__isnull=True)
            | Q(next_daily_at__lte=moment)
        )
        .order_by("pk")
    )
    lease = moment + CLAIM_LEASE
    claimed: list[tuple[int, tuple[str, ...]]] = []
    for state in due:
        kinds: list[str] = []
        for field, names in (("next_counters_at", ("counters",)), ("next_daily_at", ("daily", "posts"))):
            seen = getattr(state, field)
            if seen is not None and seen > moment:
                continue
            match = {field: seen} if seen is not None else {f"{field}__isnull": True}
            if SyncState.objects.filter(pk=state.pk, **match).update(**{field: lease}) == 1:
                kinds.extend(names)
        if kinds:
            claimed.append((state.account_id, tuple(kinds)))
    return claimed


def reap_interrupted_runs(*, all_running: bool = False, now: datetime | None = None) -> int:
    """Close runs left ``running`` by a dead worker as failed, and make their accounts due again.

    Args:
        all_running: Every running run is a leftover (true at the start of the only worker of a
            local queue); otherwise only those older than :data:`RUN_TIMEOUT` are.
        now: The current time (default: now).

    Returns:
        The number of runs closed.
    """
    from smartsmm.collection.models import SyncRun, SyncState, SyncStatus

    moment = now or timezone.now()
    stale = SyncRun.objects.filter(status=SyncStatus.RUNNING)
    if not all_running:
        stale = stale.filter(started_at__lt=moment - RUN_TIMEOUT)
    closed = 0
    for run in stale:
        # Conditional, like a claim: a run that finished meanwhile keeps its own status.
        changed = SyncRun.objects.filter(pk=run.pk, status=SyncStatus.RUNNING).update(
            status=SyncStatus.FAILED, error=INTERRUPTED, finished_at=moment
        )
        if not changed:
            continue
        closed += 1
        kinds = set(run.kind.split(","))
        fields: dict[str, Any] = {}
        if "counters" in kinds:
            fields["next_counters_at"] = moment
        if kinds & {"daily", "posts"}:
            fields["next_daily_at"] = moment
        if fields:
            SyncState.objects.filter(account_id=run.account_id).update(**fields)
        logger.warning("sync run %s of account %s was interrupted; redoing it", run.pk, run.account_id)
    return closed


def sync_account_job(account_id: int, kinds: Sequence[str]) -> str:
    """Sync one account (the body of :func:`sync_account_task`); returns the run's status.

    Safe to redo: the writes are upserts, and a deleted account or a token removed meanwhile is
    skipped, not an error worth retrying.
    """
    from smartsmm.clients.models import SocialAccount
    from smartsmm.collection.sync import SyncError, sync_account

    account = SocialAccount.objects.select_related("client").filter(pk=account_id).first()
    if account is None:
        return "gone"
    try:
        run = sync_account(account, kinds=kinds)
    except SyncError as error:
        logger.warning("sync of %s not started: %s", account.ref, error)
        return "not started"
    return str(run.status)


def dispatch_due(now: datetime | None = None) -> int:
    """Close runs of dead workers, claim the due accounts and enqueue one sync task each."""
    reap_interrupted_runs(now=now)
    claimed = claim_due(now)
    for account_id, kinds in claimed:
        sync_account_task(account_id, list(kinds))
    if claimed:
        logger.info("dispatched %d account syncs", len(claimed))
    return len(claimed)


# ---------------------------------------------------------------------------------------------
# Tasks


def _fresh_connections() -> None:
    # A worker thread lives for days: drop connections the database closed or that outlived
    # CONN_MAX_AGE, before and after each task (what Django does around each request). Never inside
    # a transaction (immediate mode in tests runs tasks inside the test's transaction): Django would
    # close a connection whose autocommit differs from the settings, i.e. any in a transaction.
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


@huey.task(retries=0)
def sync_account_task(account_id: int, kinds: list[str]) -> str:
    """Queue task: :func:`sync_account_job`. No Huey retries: the schedule retries (lease)."""
    _fresh_connections()
    try:
        return sync_account_job(account_id, kinds)
    finally:
        _fresh_connections()


@huey.periodic_task(crontab(minute=DISPATCH_CRONTAB_MINUTES))
def dispatch_due_task() -> int:
    """Periodic task: :func:`dispatch_due`."""
    _fresh_connections()
    try:
        return dispatch_due()
    finally:
        _fresh_connections()


@huey.periodic_task(crontab(minute=GOALS_CRONTAB_MINUTES))
def refresh_goals_task() -> int:
    """Periodic task: recompute goal evaluations made stale by new data or age."""
    from smartsmm.goals.refresher import refresh_stale_goals

    _fresh_connections()
    try:
        count = refresh_stale_goals()
        if count:
            logger.info("refreshed %d goal evaluations", count)
        return count
    finally:
        _fresh_connections()


@huey.periodic_task(crontab(minute=REPORTS_CRONTAB_MINUTES))
def deliver_reports_task() -> int:
    """Periodic task: deliver the scheduled reports that are due (by e-mail and Telegram).

    Safe with several workers: each (schedule, period, channel) is claimed once in the database.
    """
    from smartsmm.reports.delivery import deliver_due_reports

    _fresh_connections()
    try:
        return len(deliver_due_reports().deliveries)
    finally:
        _fresh_connections()
