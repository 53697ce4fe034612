"""Each documented VK error (platform-apis.md §1.7) and its reaction, shown against the fake VK:

- 6, 9, 10: retried with backoff (6 waits at least a second), bounded: eventual success, or a
  TemporaryError after MAX_ATTEMPTS requests — never a retry storm;
- 5, 15, 30, 113, 203: the account is marked as needing attention with VK's reason, nothing retried;
- 29: collection stops until the next Moscow midnight;
- 100: a permanent error naming the parameter.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from smartsmm.clients.models import AccountStatus
from smartsmm.collection.models import Credential, SyncState, SyncStatus
from smartsmm.collection.sync import sync_account
from smartsmm.connectors.base import PermanentError, QuotaExhausted, TemporaryError
from smartsmm.connectors.vk.client import MAX_ATTEMPTS, MSK, REACTIONS, Reaction
from tests.vk_world import ADMIN, CLOSED, COFFEE, OUTSIDER, REVOKED

COFFEE_REF = SimpleNamespace(external_id=str(COFFEE), handle="coffee")

RETRIED = {6: 1.0, 9: 2.0, 10: 0.5}  # code → the least a retry waits


def test_the_table_covers_every_code_the_issue_names():
    reactions = {code: REACTIONS[code].reaction for code in (5, 6, 9, 10, 15, 29, 30, 100, 113, 203)}

    assert {c for c, r in reactions.items() if r is Reaction.RETRY} == {6, 9, 10}
    assert {c for c, r in reactions.items() if r is Reaction.PERMANENT} == {5, 15, 30, 100, 113, 203}
    assert reactions[29] is Reaction.QUOTA


# -- 6, 9, 10: retry with backoff -----------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(RETRIED))
def test_it_retries_with_backoff_and_succeeds(vk, code):
    vk.fake.inject("groups.getById", code, times=2)

    collected = vk.connector().collect_counters(COFFEE_REF, ADMIN)

    assert collected.daily[0][2] == 20_000.0
    assert vk.fake.count("groups.getById") == 3  # two failures, then the answer
    assert collected.requests == 3
    assert len(vk.waits) == 2
    assert all(wait >= RETRIED[code] for wait in vk.waits)
    assert vk.waits[1] <= RETRIED[code] + 2 * 2.0  # exponential, capped: no runaway waits


@pytest.mark.parametrize("code", sorted(RETRIED))
def test_it_gives_up_after_bounded_tries_with_a_temporary_error(vk, code):
    vk.fake.inject("groups.getById", code, times=1_000)

    with pytest.raises(TemporaryError) as raised:
        vk.connector().collect_counters(COFFEE_REF, ADMIN)

    assert not raised.value.permanent and raised.value.code == code
    assert raised.value.retry_after is not None and raised.value.retry_after >= RETRIED[code]
    assert f"gave up after {MAX_ATTEMPTS} attempts" in raised.value.message
    # No retry storm: exactly MAX_ATTEMPTS requests, and the waits between them add up to seconds.
    assert vk.fake.count() == MAX_ATTEMPTS
    assert len(vk.waits) == MAX_ATTEMPTS - 1 and sum(vk.waits) < 30


def test_it_retries_a_failing_call_inside_execute_without_repeating_the_others(vk):
    vk.fake.inject("wall.get", 10, times=2)

    collected = vk.connector().collect_posts(COFFEE_REF, ADMIN, None)

    assert len(collected.posts) == 450
    assert vk.fake.count("wall.get", include_inner=True) == 25 + 2  # 25 calls, the failed one twice more


def test_it_backs_off_when_vk_counts_requests_stricter_than_we_do(vk):
    # VK answers 6 beyond one request a second for this token; ours spaces at three: every fourth
    # or so is refused, waited for (≥ 1 s, the window moves on) and then gets through.
    vk.fake.add_token(ADMIN, admin_of=[COFFEE], rate_limit=1)
    connector = vk.connector()

    for _ in range(6):
        connector.collect_counters(COFFEE_REF, ADMIN)

    refused = [r for r in vk.fake.requests if r.error_code == 6]
    assert refused and all(wait >= 1.0 for wait in vk.waits)
    assert vk.fake.count() == 6 + len(refused)
    assert len(refused) <= 6  # at most one refusal per call: the ≥ 1 s wait clears the window


# -- 5, 15, 30, 113, 203: the account needs attention --------------------------------------------


def _connected(account, token: str = ADMIN):
    Credential.objects.create(account=account, token=token)
    return account


@pytest.mark.django_db
def test_5_a_revoked_token_marks_the_account(vk, account):
    _connected(account, REVOKED)

    run = sync_account(account, connector=vk.connector(), now=vk.now())

    account.refresh_from_db()
    assert run.status == SyncStatus.NEEDS_ATTENTION
    assert account.status == AccountStatus.NEEDS_ATTENTION
    assert "VK error 5" in account.last_error and "User authorization failed" in account.last_error
    assert "new token" in account.last_error
    assert vk.fake.count() == 1  # not retried, and the other kinds were not tried


@pytest.mark.django_db
def test_15_no_rights_to_statistics_marks_the_account(vk, account):
    _connected(account, OUTSIDER)

    run = sync_account(account, connector=vk.connector(), now=vk.now())

    account.refresh_from_db()
    assert run.status == SyncStatus.NEEDS_ATTENTION
    assert "VK error 15 in stats.get" in account.last_error and "administrator" in account.last_error
    assert vk.fake.count("execute") == 1


@pytest.mark.django_db
def test_30_a_private_community_marks_the_account(vk, account):
    account.external_id = str(CLOSED)
    account.save()
    _connected(account)

    sync_account(account, kinds=["posts"], connector=vk.connector(), now=vk.now())

    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_ATTENTION
    assert "VK error 30 in wall.get" in account.last_error and "private" in account.last_error


@pytest.mark.django_db
def test_113_an_unknown_id_marks_the_account(vk, account):
    _connected(account)
    vk.fake.inject("wall.get", 113, times=25)

    sync_account(account, kinds=["posts"], connector=vk.connector(), now=vk.now())

    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_ATTENTION
    assert "VK error 113" in account.last_error and "Invalid user id" in account.last_error


@pytest.mark.django_db
def test_203_a_banned_community_marks_the_account(vk, account):
    _connected(account)
    vk.fake.set_access(COFFEE, banned=True)

    run = sync_account(account, kinds=["daily"], connector=vk.connector(), now=vk.now())

    account.refresh_from_db()
    assert run.status == SyncStatus.NEEDS_ATTENTION
    assert "VK error 203" in account.last_error and "Access to group denied" in account.last_error


def test_100_names_the_parameter(vk):
    with pytest.raises(PermanentError) as raised:
        vk.connector().client(ADMIN).call("wall.get", count=1)

    assert raised.value.code == 100
    assert "parameter owner_id is missing or invalid" in raised.value.message


# -- 29: stop until tomorrow -----------------------------------------------------------------------


def test_29_raises_quota_exhausted_until_the_next_moscow_midnight(vk):
    vk.fake.set_quota("groups.getById", 0)

    with pytest.raises(QuotaExhausted) as raised:
        vk.connector().collect_counters(COFFEE_REF, ADMIN)

    local = datetime.fromtimestamp(vk.clock(), MSK)
    assert raised.value.stop_until == datetime.combine(
        local.date() + timedelta(days=1), datetime.min.time(), MSK
    )
    assert vk.fake.count() == 1  # never retried


@pytest.mark.django_db
def test_29_blocks_the_account_until_tomorrow_then_collection_resumes(vk, account):
    _connected(account)
    vk.fake.set_quota("stats.get", 0)

    run = sync_account(account, connector=vk.connector(), now=vk.now())

    state = SyncState.objects.get(account=account)
    account.refresh_from_db()
    midnight = datetime.combine(
        datetime.fromtimestamp(vk.clock(), MSK).date() + timedelta(days=1), datetime.min.time(), MSK
    )
    assert run.status == SyncStatus.FAILED and "VK error 29" in run.error
    assert state.blocked_until == midnight
    assert account.status == AccountStatus.ACTIVE  # a spent quota is not the account's fault

    requests = vk.fake.count()
    skipped = sync_account(account, connector=vk.connector(), now=vk.now() + timedelta(hours=1))
    assert skipped.status == SyncStatus.FAILED and "skipped" in skipped.error
    assert vk.fake.count() == requests and skipped.requests == 0

    vk.fake.set_quota("stats.get", None)
    vk.clock.advance((midnight - vk.now()).total_seconds() + 60)
    resumed = sync_account(account, connector=vk.connector(), now=vk.now())
    assert resumed.status == SyncStatus.OK
    assert SyncState.objects.get(account=account).blocked_until is None
