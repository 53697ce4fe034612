"""One sync of one account: read its token, run its connector, write the rows, log the run.

:func:`sync_account` is what the CLI's ``smartsmm sync`` and the periodic worker call. Steps:

1. Find the connector (registry) and the stored token (:class:`~smartsmm.collection.models.Credential`);
   without either there is nothing to run: :class:`SyncError`, nothing recorded.
2. Open a :class:`~smartsmm.collection.models.SyncRun` (the sync log line) — unless the platform's
   quota is spent (``SyncState.blocked_until``), in which case the run is logged as skipped.
3. For each kind asked (counters, daily, posts): decide the range (below), collect over the network
   **outside** any transaction (no database lock is held while waiting for VK), then write the rows
   and advance the schedule **in one transaction per kind**: a failure writes nothing half-way for
   that kind, and every write is an idempotent upsert (:mod:`smartsmm.measurements.writes`), so a sync
   killed at any point and run again leaves exactly the rows of an uninterrupted one.
4. React to errors as the connector classifies them: :class:`PermanentError` marks the account as
   needing attention with the reason in words and stops; :class:`QuotaExhausted` blocks the account
   until the quota resets and stops; any other :class:`ConnectorError` fails the run (the next run
   tries again). Error texts are scrubbed of the token before they are stored or logged.

Ranges:

- **daily** — the first sync backfills from the connector's ``history_floor`` (the connector stops
  where the platform's history ends) and records where that history starts; later syncs fetch from
  the last stored day minus :data:`DAILY_OVERLAP_DAYS` (yesterday's partial numbers get final), or
  from the first missing day of the last :data:`GAP_WINDOW_DAYS` days if there is a gap (a failed
  day, a day VK answered late) — gaps are refilled wherever the platform still has the data.
  The backfill also estimates the follower history the platform does not keep: walking back from
  the latest measured count through subscribed − unsubscribed
  (:func:`~smartsmm.core.stocks.reconstruct_stock_backwards`), written only on days without a
  measured count (docs/decisions/0005-follower-history.md).
- **posts** — the first sync reads the whole wall; later ones re-read the posts of the last
  :data:`POSTS_REFRESH` (their counters still grow) and everything newer than the latest stored post.
- **counters** — followers now, written as today's value (point-in-time counters cannot be
  backfilled from the platform — only estimated once from the flows, see **daily** — and a missing
  day after that stays missing, it is never interpolated).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from smartsmm.clients.models import AccountStatus, SocialAccount
from smartsmm.collection.models import Credential, SyncRun, SyncState, SyncStatus
from smartsmm.connectors.base import (
    Connector,
    ConnectorError,
    PermanentError,
    QuotaExhausted,
)
from smartsmm.connectors.registry import UnknownPlatform, get_connector
from smartsmm.core.stocks import reconstruct_stock_backwards
from smartsmm.lib.crypto import TokenDecryptError
from smartsmm.lib.http import scrub
from smartsmm.measurements.models import DailyMetric, Post
from smartsmm.measurements.writes import upsert_daily, upsert_posts

__all__ = [
    "COUNTERS_EVERY",
    "DAILY_EVERY",
    "DAILY_OVERLAP_DAYS",
    "GAP_WINDOW_DAYS",
    "KINDS",
    "POSTS_REFRESH",
    "SyncError",
    "SyncProgress",
    "sync_account",
]

logger = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("counters", "daily", "posts")
#: How often counters (followers now) are due, and statistics and posts.
COUNTERS_EVERY = timedelta(hours=1)
DAILY_EVERY = timedelta(days=1)


def counters_every() -> timedelta:
    """How often counters are collected: SMARTSMM_SYNC_COUNTERS_MINUTES, else hourly."""
    minutes = getattr(settings, "SMARTSMM_SYNC_COUNTERS_MINUTES", None)
    return timedelta(minutes=minutes) if minutes else COUNTERS_EVERY


def daily_every() -> timedelta:
    """How often statistics and posts are collected: SMARTSMM_SYNC_DAILY_MINUTES, else daily."""
    minutes = getattr(settings, "SMARTSMM_SYNC_DAILY_MINUTES", None)
    return timedelta(minutes=minutes) if minutes else DAILY_EVERY


#: Days re-fetched before the last stored day: the platform's numbers for the last days still move.
DAILY_OVERLAP_DAYS = 3
#: How far back stored daily statistics are checked for missing days on each sync.
GAP_WINDOW_DAYS = 90
#: Posts whose counters are re-read on every daily sync.
POSTS_REFRESH = timedelta(days=30)

#: The daily flows of followers and their sign in the net change (followers are a stock).
_FOLLOWER_FLOWS: dict[str, float] = {"subscribed": 1.0, "unsubscribed": -1.0}

# Told (kind, steps done, steps expected) as a sync advances, e.g. to move a progress bar.
SyncProgress = Callable[[str, int, int], None]


class SyncError(Exception):
    """A sync cannot start: no connector for the platform, or no usable stored token."""


def sync_account(
    account: SocialAccount,
    *,
    kinds: Sequence[str] = KINDS,
    progress: SyncProgress | None = None,
    now: datetime | None = None,
    connector: Connector | None = None,
    force: bool = False,
) -> SyncRun:
    """Collect an account's data now and write it; return the run as logged.

    Args:
        account: The account to sync.
        kinds: Any of ``counters``, ``daily``, ``posts``, run in that order.
        progress: Called with (kind, steps done, steps expected) as collection advances.
        now: The current time (default: now); tests pass a fixed one.
        connector: The connector to use (default: the registry's for the account's platform).
        force: Try even while ``SyncState.blocked_until`` says the platform's quota is spent.

    Returns:
        The saved SyncRun: status ``ok``, ``failed`` or ``needs_attention``, requests made, rows
        written and the error (never containing the token).

    Raises:
        SyncError: no connector for the platform, no stored token, or a token that cannot be
            decrypted; nothing was recorded.
        ValueError: an unknown kind.
    """
    wanted = [kind for kind in KINDS if kind in kinds]
    unknown = set(kinds) - set(KINDS)
    if unknown or not wanted:
        raise ValueError(
            f"unknown sync kind(s) {sorted(unknown) or list(kinds)}; expected {', '.join(KINDS)}"
        )
    if connector is None:
        try:
            connector = get_connector(account.platform)
        except UnknownPlatform as exc:
            raise SyncError(f"{account.ref}: {exc}") from None
    token = _token(account)
    moment = now or timezone.now()
    state, _ = SyncState.objects.get_or_create(account=account)
    run = SyncRun.objects.create(account=account, kind=",".join(wanted), started_at=moment)

    if state.blocked_until is not None and state.blocked_until > moment and not force:
        run.status = SyncStatus.FAILED
        run.error = (
            f"skipped: the platform's daily quota is spent; collection resumes at "
            f"{timezone.localtime(state.blocked_until):%Y-%m-%d %H:%M %Z}"
        )
        return _finish(run, now)

    requests_before = connector.requests_made
    try:
        for kind in wanted:
            step = _progress_for(progress, kind)
            if kind == "counters":
                written, notes = _sync_counters(account, token, connector, state, moment, step)
            elif kind == "daily":
                written, notes = _sync_daily(account, token, connector, state, moment, step)
            else:
                written, notes = _sync_posts(account, token, connector, state, moment, step)
            run.rows_written += written
            for note in notes:
                logger.info("%s: %s", account.ref, scrub(note, [token]))
    except PermanentError as error:
        message = scrub(error.message, [token])
        run.status = SyncStatus.NEEDS_ATTENTION
        run.error = message
        account.status = AccountStatus.NEEDS_ATTENTION
        account.last_error = message
        account.save(update_fields=["status", "last_error"])
        logger.warning("sync of %s needs attention: %s", account.ref, message)
    except QuotaExhausted as error:
        run.status = SyncStatus.FAILED
        run.error = scrub(error.message, [token])
        state.blocked_until = error.stop_until
        state.save(update_fields=["blocked_until"])
        logger.warning("sync of %s stopped until %s: %s", account.ref, error.stop_until, run.error)
    except ConnectorError as error:
        run.status = SyncStatus.FAILED
        run.error = scrub(error.message, [token])
        logger.warning("sync of %s failed: %s", account.ref, run.error)
    except Exception as error:
        # A bug or a database failure: logged as a failed run (so the log shows it), then raised.
        run.status = SyncStatus.FAILED
        run.error = scrub(f"internal error: {type(error).__name__}: {error}", [token])
        run.requests = connector.requests_made - requests_before
        _finish(run, now)
        raise
    else:
        run.status = SyncStatus.OK
        if account.status == AccountStatus.NEEDS_ATTENTION:
            account.status = AccountStatus.ACTIVE
        account.last_error = ""
        account.last_synced_at = moment
        account.save(update_fields=["status", "last_error", "last_synced_at"])
        if state.blocked_until is not None:
            state.blocked_until = None
            state.save(update_fields=["blocked_until"])
    run.requests = connector.requests_made - requests_before
    _finish(run, now)
    logger.info(
        "sync of %s (%s): %s, %d requests, %d rows written",
        account.ref,
        run.kind,
        run.status,
        run.requests,
        run.rows_written,
    )
    return run


# ---------------------------------------------------------------------------------------------
# Kinds


Step = Callable[[int, int], None]


def _sync_counters(
    account: SocialAccount,
    token: str,
    connector: Connector,
    state: SyncState,
    moment: datetime,
    step: Step | None,
) -> tuple[int, list[str]]:
    collected = connector.collect_counters(account, token)
    with transaction.atomic():
        written = upsert_daily(account, collected.daily)
        state.next_counters_at = moment + counters_every()
        state.save(update_fields=["next_counters_at"])
    if step is not None:
        step(1, 1)
    return written, collected.notes


def _sync_daily(
    account: SocialAccount,
    token: str,
    connector: Connector,
    state: SyncState,
    moment: datetime,
    step: Step | None,
) -> tuple[int, list[str]]:
    today = moment.astimezone(connector.day_tz).date()
    backfill = state.history_starts is None
    since = connector.history_floor if backfill else _daily_since(account, connector, state, today)
    collected = connector.collect_daily(account, token, since, today, progress=step)
    anchor_rows: list[tuple[str, date, float]] = []
    if backfill and _has_flows(collected.daily) and _followers_anchor(account, today) is None:
        # The follower history needs one measured count to walk back from; a sync that ran the
        # counters kind first has stored it, otherwise measure it now (one request).
        anchor_rows = connector.collect_counters(account, token).daily
    with transaction.atomic():
        written = upsert_daily(account, [*collected.daily, *anchor_rows])
        if backfill:
            estimated = _follower_history(account, collected.daily, today)
            written += upsert_daily(account, estimated)
            if estimated:
                collected.notes.append(
                    f"followers estimated for {len(estimated)} earlier days from subscribed/unsubscribed"
                )
        fields = ["next_daily_at"]
        state.next_daily_at = moment + daily_every()
        if backfill:
            # Where the platform's history starts; today when it has none (nothing to backfill later).
            state.history_starts = min((day for _m, day, _v in collected.daily), default=today)
            fields.append("history_starts")
        state.save(update_fields=fields)
    return written, collected.notes


def _has_flows(daily: Sequence[tuple[str, date, float]]) -> bool:
    return any(metric in _FOLLOWER_FLOWS for metric, _day, _value in daily)


def _followers_anchor(account: SocialAccount, today: date) -> tuple[date, float] | None:
    """The latest stored follower count up to today, as (day, value): where the walk back starts."""
    row = (
        DailyMetric.objects.filter(account=account, metric="followers", day__lte=today)
        .order_by("-day")
        .values_list("day", "value")
        .first()
    )
    return None if row is None else (row[0], row[1])


def _follower_history(
    account: SocialAccount, daily: Sequence[tuple[str, date, float]], today: date
) -> list[tuple[str, date, float]]:
    """Followers of the days before the stored count, walked back through subscribed − unsubscribed.

    Platforms give followers only as the count now, but their daily flows for the past, so without
    this a newly connected account has no growth history (docs/decisions/0005-follower-history.md).
    Only days without a stored follower count get the estimate: a measured count always wins, and a
    second run writes nothing new (so a killed-and-rerun backfill leaves the same rows).
    """
    anchor = _followers_anchor(account, today)
    if anchor is None:
        return []
    net: dict[date, float] = {}
    for metric, day, value in daily:
        if metric in _FOLLOWER_FLOWS:
            net[day] = net.get(day, 0.0) + _FOLLOWER_FLOWS[metric] * value
    # Only the days the statistics cover: the level on the eve of the first one is derivable too,
    # but it would sit before the account's recorded history start.
    estimated = {
        day: value
        for day, value in reconstruct_stock_backwards(anchor[0], anchor[1], net).items()
        if day in net
    }
    if not estimated:
        return []
    measured = set(
        DailyMetric.objects.filter(
            account=account, metric="followers", day__gte=min(estimated), day__lte=max(estimated)
        ).values_list("day", flat=True)
    )
    return [("followers", day, value) for day, value in sorted(estimated.items()) if day not in measured]


def _daily_since(account: SocialAccount, connector: Connector, state: SyncState, today: date) -> date:
    """The first day to fetch on a later sync: the overlap before the last day, or the first gap."""
    stored = DailyMetric.objects.filter(account=account, metric__in=connector.daily_metrics)
    last = stored.aggregate(last=Max("day"))["last"]
    history_starts = state.history_starts or connector.history_floor
    if last is None:
        return history_starts
    since = max(last - timedelta(days=DAILY_OVERLAP_DAYS), history_starts)
    window_start = max(today - timedelta(days=GAP_WINDOW_DAYS), history_starts)
    if window_start < since:
        present = set(stored.filter(day__gte=window_start, day__lt=since).values_list("day", flat=True))
        day = window_start
        while day < since:
            if day not in present:
                logger.info("%s: daily statistics missing from %s, fetching again", account.ref, day)
                return day
            day += timedelta(days=1)
    return since


def _sync_posts(
    account: SocialAccount,
    token: str,
    connector: Connector,
    state: SyncState,
    moment: datetime,
    step: Step | None,
) -> tuple[int, list[str]]:
    since: datetime | None = None
    if state.backfilled_at is not None:
        latest = Post.objects.filter(account=account).aggregate(latest=Max("published_at"))["latest"]
        since = moment - POSTS_REFRESH
        if latest is not None and latest - timedelta(days=1) < since:
            since = latest - timedelta(days=1)
    collected = connector.collect_posts(account, token, since, progress=step)
    with transaction.atomic():
        written = upsert_posts(account, collected.posts)
        fields = ["next_daily_at"]
        state.next_daily_at = moment + daily_every()
        if since is None:
            state.backfilled_at = moment
            fields.append("backfilled_at")
        state.save(update_fields=fields)
    return written, collected.notes


# ---------------------------------------------------------------------------------------------
# Helpers


def _token(account: SocialAccount) -> str:
    hint = (
        f"connect it with `smartsmm accounts add {account.platform} {account.handle or account.external_id} "
        f"--client {account.client.slug} --token-file FILE`"
    )
    try:
        credential = Credential.objects.filter(account=account).first()
    except TokenDecryptError:
        raise SyncError(
            f"{account.ref}: the stored token cannot be decrypted with the configured encryption keys "
            f"(were SMARTSMM_ENCRYPTION_KEYS changed?); restore the key or {hint}"
        ) from None
    if credential is None or not credential.token:
        raise SyncError(f"{account.ref} has no stored token: {hint}")
    return str(credential.token)


def _progress_for(progress: SyncProgress | None, kind: str) -> Step | None:
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(kind, done, total)

    return report


def _finish(run: SyncRun, now: datetime | None) -> SyncRun:
    run.finished_at = now or timezone.now()
    run.save()
    return run
