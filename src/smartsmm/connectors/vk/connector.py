"""The VK connector: communities' members, daily statistics and wall posts (platform-apis.md §1).

Request economy — VK allows a user token 3 requests a second (§1.8), and every ``execute`` carries up
to 25 calls in one request (§1.6), so everything that can be batched is:

- **counters**: ``groups.getById`` takes many communities at once (:meth:`collect_counters_many`);
- **history**: ``stats.get`` in windows of 30 days, 25 windows (about two years) per ``execute``,
  newest first, until a batch's oldest window comes back empty: that is as far back as VK keeps the
  community's statistics — the first sync backfills everything there is in a request or a few;
- **posts**: the whole wall as ``execute`` batches of 25 ``wall.get`` calls of 100 posts — 2,500
  posts a request, 10,000 posts in 4 requests instead of 100;
- **post reach**: ``stats.getPostReach`` for the newest 300 posts (VK keeps reach for about that
  many, §1.4) in calls of 30 ids, all in one ``execute``.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from smartsmm.connectors.base import (
    AccountInfo,
    AccountRef,
    Collected,
    Connector,
    ConnectorError,
    PermanentError,
    Progress,
    TokenInfo,
)
from smartsmm.connectors.vk import collect
from smartsmm.connectors.vk.client import MAX_EXECUTE_CALLS, MSK, VkClient
from smartsmm.lib import http

#: Days per ``stats.get`` call when fetching history (VK does not document a maximum range; a month
#: keeps each answer small and a failure cheap).
STATS_WINDOW_DAYS = 30
#: ``wall.get`` returns at most 100 posts per call (§1.5).
WALL_PAGE = 100
#: Calls in the first request of an incremental posts fetch: most communities publish fewer than
#: 200 posts in the refresh period, so a full batch of 25 would mostly fetch posts not needed.
INCREMENTAL_WALL_CALLS = 2
#: ``stats.getPostReach`` takes at most 30 post ids (§1.4) and knows only the latest ~300 posts.
POST_REACH_IDS = 30
POST_REACH_WINDOW = 300
#: ``groups.getById`` takes up to 500 ids per call. [U: the limit of older docs]
GROUPS_PER_CALL = 500
#: Errors that mean "no rights to post reach": skipped silently, since reach is an extra.
_REACH_DENIED = frozenset({7, 15, 27, 28, 30, 203})
#: "Access to the post denied": the post is older than VK's reach window.
_REACH_UNKNOWN_POST = 210

_LINK_RE = re.compile(r"^(?:https?://)?(?:m\.)?vk\.(?:com|ru)/", re.IGNORECASE)
_CLUB_RE = re.compile(r"^(?:club|public|event)(\d+)$", re.IGNORECASE)


def normalize_ref(ref_or_id: str) -> str:
    """A community reference as ``groups.getById`` takes it: a screen name or a positive id.

    Accepts ``zerno_coffee``, ``@zerno_coffee``, ``https://vk.com/zerno_coffee``, ``club123``,
    ``public123``, ``123`` and ``-123`` (a wall's owner id).

    Raises:
        ValueError: an empty reference.
    """
    text = ref_or_id.strip()
    if _LINK_RE.match(text):
        text = urlsplit(text if "://" in text else f"https://{text}").path.strip("/").split("/")[0]
    text = text.lstrip("@").strip()
    if not text:
        raise ValueError("expected a community's screen name, id or link")
    match = _CLUB_RE.match(text)
    if match:
        return match.group(1)
    if re.fullmatch(r"-?\d+", text):
        return text.lstrip("-")
    return text


def _group_id(account: AccountRef) -> int:
    try:
        group_id = int(account.external_id)
    except (TypeError, ValueError):
        raise PermanentError(
            f"VK account {account.handle or account.external_id!r} has no numeric community id: "
            "connect it again with `smartsmm accounts add vk …`"
        ) from None
    return abs(group_id)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _raise_first_error(results: Iterable[Any]) -> None:
    for result in results:
        if isinstance(result, ConnectorError):
            raise result


class VkConnector(Connector):
    """Collects VK communities through a user token of one of their administrators.

    Args:
        http_client: The outbound HTTP client (default: the process-wide one).
        sleep: Waits between retries (tests pass a fake clock's ``advance``).
        clock: Unix time now: today's date for counters, the end of a spent quota.
        rng: Randomness for the backoff jitter.
    """

    platform: ClassVar[str] = "vk"
    day_tz = MSK
    daily_metrics: ClassVar[tuple[str, ...]] = collect.DAILY_METRICS
    # VK opened in October 2006: no community's statistics can start earlier.
    history_floor: ClassVar[date] = date(2006, 10, 1)

    def __init__(
        self,
        *,
        http_client: http.HttpClient | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.http_client = http_client
        self.sleep = sleep
        self.clock = clock
        self.rng = rng

    def client(self, token: str) -> VkClient:
        """A client for ``token`` sharing this connector's HTTP client, sleep and clock."""
        return VkClient(
            token,
            http_client=self.http_client,
            sleep=self.sleep,
            clock=self.clock,
            rng=self.rng,
            on_request=self._count_request,
        )

    def _count_request(self) -> None:
        self.requests_made += 1

    def today(self) -> date:
        """Today in VK's days (Moscow)."""
        return datetime.fromtimestamp(self.clock(), MSK).date()

    # -- connecting --------------------------------------------------------------------------------

    def check_token(self, token: str) -> TokenInfo:
        """Tell a user token from a community or an application token, in one request.

        ``groups.getById`` without ids answers a community token with its own community and a user
        token with error 100 (it needs ids); an application (service) token may not call ``execute``
        at all (error 28, §1.2). A dead token fails the request with error 5 → PermanentError.
        """
        client = self.client(token)
        try:
            (result,) = client.execute([("groups.getById", {})])
        except PermanentError as error:
            if error.code == 28:
                return TokenInfo(
                    "service",
                    False,
                    "this is an application (service) token: community statistics need a user token "
                    "of a community administrator",
                )
            raise
        if isinstance(result, ConnectorError):
            if result.code == 100:
                return TokenInfo("user", True)
            raise result
        return TokenInfo(
            "group",
            False,
            "this is a community token: VK gives walls and statistics to user tokens only; "
            "create a user token of a community administrator",
        )

    def resolve(self, ref_or_id: str, token: str) -> AccountInfo:
        """The community a screen name, id or link points to, with its members now."""
        try:
            key = normalize_ref(ref_or_id)
        except ValueError as exc:
            raise PermanentError(str(exc)) from None
        try:
            response = self.client(token).call("groups.getById", group_ids=key, fields="members_count")
        except PermanentError as error:
            if error.code == 100:
                raise PermanentError(f"VK has no community {ref_or_id!r}", code=100) from None
            raise
        groups = collect.groups_of(response)
        if not groups:
            raise PermanentError(f"VK has no community {ref_or_id!r}")
        group = groups[0]
        if group.get("deactivated"):
            raise PermanentError(f"the VK community {ref_or_id!r} is {group['deactivated']}", code=203)
        return collect.account_info(group)

    # -- counters ----------------------------------------------------------------------------------

    def collect_counters(self, account: AccountRef, token: str) -> Collected:
        """Members now, as today's ``followers`` (one ``groups.getById`` call)."""
        result = self.collect_counters_many([account], token)[account.external_id]
        if isinstance(result, ConnectorError):
            raise result
        return result

    def collect_counters_many(
        self, accounts: Iterable[AccountRef], token: str
    ) -> dict[str, Collected | ConnectorError]:
        """Members of many communities, up to 500 per request.

        The request count of each call is put on the first account of its chunk, so the counts
        over all results add up to the requests made.
        """
        accounts = list(accounts)
        today = self.today()
        client = self.client(token)
        results: dict[str, Collected | ConnectorError] = {}
        valid: list[tuple[AccountRef, int]] = []
        for account in accounts:
            try:
                valid.append((account, _group_id(account)))
            except PermanentError as error:
                results[account.external_id] = error
        for chunk in _chunks(valid, GROUPS_PER_CALL):
            before = client.requests
            response = client.call(
                "groups.getById", group_ids=[gid for _a, gid in chunk], fields="members_count"
            )
            groups = {int(g["id"]): g for g in collect.groups_of(response) if "id" in g}
            for n, (account, group_id) in enumerate(chunk):
                group = groups.get(group_id)
                if group is None:
                    results[account.external_id] = PermanentError(f"VK did not return community {group_id}")
                elif group.get("deactivated"):
                    results[account.external_id] = PermanentError(
                        f"the VK community {group_id} is {group['deactivated']}", code=203
                    )
                else:
                    collected = Collected(daily=collect.followers_rows(group, today))
                    if n == 0:
                        collected.requests = client.requests - before
                    results[account.external_id] = collected
        return results

    # -- daily statistics --------------------------------------------------------------------------

    def collect_daily(
        self,
        account: AccountRef,
        token: str,
        since: date,
        until: date,
        *,
        progress: Progress | None = None,
    ) -> Collected:
        """Daily reach, views, subscribed and unsubscribed for ``since``..``until`` (Moscow days).

        Windows of 30 days go newest first, 25 to an ``execute``; fetching stops after a batch whose
        oldest window is empty, since VK has nothing older. ``since`` may thus be
        :attr:`history_floor` to backfill as far as VK allows.

        Raises:
            PermanentError: no rights to the statistics (15, 30, 7…), revoked token (5).
        """
        group_id = _group_id(account)
        windows: list[tuple[date, date]] = []
        end = until
        while end >= since:
            start = max(since, end - timedelta(days=STATS_WINDOW_DAYS - 1))
            windows.append((start, end))
            end = start - timedelta(days=1)
        client = self.client(token)
        batches = list(_chunks(windows, MAX_EXECUTE_CALLS))
        periods: list[Mapping[str, Any]] = []
        for n, batch in enumerate(batches, start=1):
            calls = []
            for first, last in batch:
                timestamp_from, timestamp_to = collect.day_bounds(first, last)
                calls.append(
                    (
                        "stats.get",
                        {
                            "group_id": group_id,
                            "timestamp_from": timestamp_from,
                            "timestamp_to": timestamp_to,
                            "interval": "day",
                            "stats_groups": "visitors,reach,activity",
                            # Without the sex/age/geo arrays: not used, and most of the payload.
                            "extended": 0,
                        },
                    )
                )
            results = client.execute(calls)
            _raise_first_error(results)
            for result in results:
                periods.extend(p for p in result or [] if isinstance(p, Mapping))
            if progress is not None:
                progress(n, len(batches))
            if not results[-1]:
                if progress is not None and n < len(batches):
                    progress(len(batches), len(batches))
                break
        rows = [row for row in collect.daily_rows(periods) if since <= row[1] <= until]
        return Collected(daily=rows, requests=client.requests)

    # -- posts -------------------------------------------------------------------------------------

    def collect_posts(
        self,
        account: AccountRef,
        token: str,
        since: datetime | None,
        *,
        progress: Progress | None = None,
    ) -> Collected:
        """Posts published at or after ``since`` (None: the whole wall) with likes, comments,
        reposts, views, and reach for the newest 300 where the token's rights allow.

        Offsets can shift while a wall is read, between two requests a second apart: a post
        published meanwhile pushes the others down (one is read twice; posts are keyed by id, so
        the duplicate is dropped), a post deleted meanwhile pulls them up (one may be skipped; if
        it is within the refresh period of later syncs, they pick it up). Never a wrong number.
        """
        group_id = _group_id(account)
        owner_id = -group_id
        client = self.client(token)
        items: dict[int, dict[str, Any]] = {}
        offset = 0
        total: int | None = None
        calls_now = MAX_EXECUTE_CALLS if since is None else INCREMENTAL_WALL_CALLS
        since_ts = since.timestamp() if since is not None else None
        done = 0
        while True:
            if total is not None:
                calls_now = min(MAX_EXECUTE_CALLS, math.ceil((total - offset) / WALL_PAGE))
            if calls_now <= 0:
                break
            calls = [
                (
                    "wall.get",
                    {
                        "owner_id": owner_id,
                        "offset": offset + k * WALL_PAGE,
                        "count": WALL_PAGE,
                        "filter": "owner",
                    },
                )
                for k in range(calls_now)
            ]
            results = client.execute(calls)
            _raise_first_error(results)
            oldest: float | None = None
            for result in results:
                count, page = collect.wall_page(result)
                total = count
                for item in page:
                    items[int(item["id"])] = item
                    if not item.get("is_pinned"):  # the pinned post comes first whatever its age
                        moment = float(item.get("date") or 0)
                        oldest = moment if oldest is None else min(oldest, moment)
            offset += calls_now * WALL_PAGE
            done += 1
            if progress is not None:
                remaining = math.ceil(max((total or 0) - offset, 0) / (WALL_PAGE * MAX_EXECUTE_CALLS))
                progress(done, done + remaining)
            if total is None or offset >= total:
                break
            if since_ts is not None and oldest is not None and oldest < since_ts:
                break
            calls_now = MAX_EXECUTE_CALLS
        if since_ts is not None:
            items = {k: v for k, v in items.items() if float(v.get("date") or 0) >= since_ts}
        collected = Collected()
        reach = self._post_reach(client, owner_id, sorted(items, reverse=True)[:POST_REACH_WINDOW], collected)
        collected.posts = [collect.post_record(items[k], reach.get(k)) for k in sorted(items)]
        collected.requests = client.requests
        return collected

    def _post_reach(
        self, client: VkClient, owner_id: int, post_ids: list[int], collected: Collected
    ) -> dict[int, int]:
        """Reach of the given posts, or of none when the token may not see it (noted, not raised)."""
        if not post_ids:
            return {}
        calls = [
            ("stats.getPostReach", {"owner_id": owner_id, "post_ids": chunk})
            for chunk in _chunks(post_ids, POST_REACH_IDS)
        ]
        try:
            results = client.execute(calls)
        except ConnectorError as error:
            # Reach is an extra: a spent quota or no rights for it must not lose the posts themselves.
            if error.permanent and error.code not in _REACH_DENIED:
                raise
            collected.notes.append(f"post reach skipped: {error.message}")
            return {}
        reach: dict[int, int] = {}
        for result in results:
            if isinstance(result, ConnectorError):
                if result.code == _REACH_UNKNOWN_POST:
                    continue  # some of these posts are older than VK's reach window
                if result.code in _REACH_DENIED or not result.permanent:
                    collected.notes.append(f"post reach skipped: {result.message}")
                    break
                raise result
            reach.update(collect.reach_by_post(result or []))
        return reach
