"""The fake VK API server reproduces the documented behaviour (platform-apis.md §1).

Every test talks to the WSGI app through a real loopback server (serve_in_thread) with urllib, as
the connector will. Rate limits run on a ManualClock, so nothing here sleeps.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

import smartsmm.fakes.vk
from smartsmm.fakes.vk import API_VERSION, GET_ALL_TEMPLATE, FakeVK, ManualClock, serve_in_thread

ADMIN = "vk1.a.test-admin"
OUTSIDER = "vk1.a.test-outsider"
NO_STATS_SCOPE = "vk1.a.test-no-stats-scope"
REVOKED = "vk1.a.test-revoked"
GROUP_TOKEN = "vk1.a.test-group-token"
SERVICE_TOKEN = "test-service-token"

ZERNO, PULS, PRIVATE = 101, 102, 103
MSK_MIDNIGHT_IN_UTC = 21 * 3600  # a Moscow day starts at 21:00 UTC the evening before


def build_fake(clock: ManualClock) -> FakeVK:
    fake = (
        FakeVK(clock=clock)
        .with_community(
            ZERNO,
            "zerno_coffee",
            27_400,
            posts=1_000,
            days=60,
            seed=3,
            admin_tokens=[ADMIN],
            group_token=GROUP_TOKEN,
        )
        .with_community(PULS, "puls_fitness", 15_200, posts=50, days=60, seed=3, admin_tokens=[ADMIN])
        .with_community(PRIVATE, "closed_club", 900, posts=10, days=5, seed=3, is_closed=2)
        .add_token(OUTSIDER)
        .add_token(NO_STATS_SCOPE, scopes=["wall", "groups"], admin_of=[ZERNO])
        .add_token(REVOKED, revoked=True)
        .add_token(SERVICE_TOKEN, "service")
    )
    return fake


class Client:
    """A tiny VK client over urllib; it advances the manual clock after each request, as a polite
    client pausing 0.34 s between calls would, unless told not to."""

    def __init__(self, base_url: str, clock: ManualClock, pause: float = 0.34) -> None:
        self.base_url = base_url
        self.clock = clock
        self.pause = pause

    def raw(
        self,
        method: str,
        token: str | None = ADMIN,
        *,
        header: bool = False,
        post: bool = False,
        v: str | None = API_VERSION,
        **params: Any,
    ) -> tuple[int, dict[str, str], bytes]:
        query = {k: str(value) for k, value in params.items()}
        if v is not None:
            query["v"] = v
        headers = {}
        if token is not None and header:
            headers["Authorization"] = f"Bearer {token}"
        elif token is not None:
            query["access_token"] = token
        url = f"{self.base_url}/{method}"
        data = None
        if post:
            data = urlencode(query).encode()
        else:
            url = f"{url}?{urlencode(query)}"
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                result = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            result = error.code, dict(error.headers), error.read()
        self.clock.advance(self.pause)
        return result

    def __call__(self, method: str, token: str | None = ADMIN, **params: Any) -> dict[str, Any]:
        status, _headers, body = self.raw(method, token, **params)
        assert status == 200  # ref §1.1: VK answers errors with HTTP 200 too
        return json.loads(body)

    def ok(self, method: str, token: str | None = ADMIN, **params: Any) -> Any:
        envelope = self(method, token, **params)
        assert set(envelope) == {"response"}, envelope
        return envelope["response"]

    def error(self, method: str, token: str | None = ADMIN, **params: Any) -> int:
        envelope = self(method, token, **params)
        assert set(envelope) == {"error"}, envelope
        return int(envelope["error"]["error_code"])


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeVK:
    return build_fake(clock)


@pytest.fixture
def base_url(fake: FakeVK) -> Iterator[str]:
    url, stop = serve_in_thread(fake)
    yield url
    stop()


@pytest.fixture
def vk(base_url: str, clock: ManualClock) -> Client:
    return Client(base_url, clock)


def wall_call(offset: int, owner: int = ZERNO, count: int = 100) -> str:
    return f'API.wall.get({{"owner_id":-{owner},"offset":{offset},"count":{count}}})'


# ---------------------------------------------------------------------- envelopes and shapes


def test_it_answers_both_envelopes_with_http_200_and_never_echoes_the_token(vk: Client) -> None:
    status, headers, body = vk.raw("wall.get", owner_id=-ZERNO, count=1)
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert set(json.loads(body)) == {"response"}

    status, _headers, body = vk.raw("stats.get", OUTSIDER, group_id=ZERNO)
    assert status == 200
    error = json.loads(body)["error"]
    assert set(error) == {"error_code", "error_msg", "request_params"}
    assert error["error_code"] == 15
    params = {p["key"]: p["value"] for p in error["request_params"]}
    assert params["method"] == "stats.get"
    assert params["v"] == API_VERSION
    assert params["group_id"] == str(ZERNO)
    assert OUTSIDER.encode() not in body  # the token is never echoed back


def test_it_returns_several_communities_from_groups_get_by_id_in_the_5199_object_shape(vk: Client) -> None:
    response = vk.ok(
        "groups.getById", group_ids=f"{ZERNO},puls_fitness,club{PRIVATE}", fields="members_count"
    )
    # ref §1.3: in 5.199 an object with `groups` and `profiles`, not a bare list.
    assert set(response) == {"groups", "profiles"}
    assert response["profiles"] == []
    groups = response["groups"]
    assert [g["id"] for g in groups] == [ZERNO, PULS, PRIVATE]
    assert [g["screen_name"] for g in groups] == ["zerno_coffee", "puls_fitness", "closed_club"]
    assert [g["members_count"] for g in groups] == [27_400, 15_200, 900]
    assert [g["is_admin"] for g in groups] == [1, 1, 0]
    assert [g["is_closed"] for g in groups] == [0, 0, 2]

    # members_count only when asked for; older versions answer a bare list.
    assert "members_count" not in vk.ok("groups.getById", group_ids=str(ZERNO))["groups"][0]
    older = vk.ok("groups.getById", group_ids=str(ZERNO), v="5.131")
    assert isinstance(older, list) and older[0]["id"] == ZERNO

    # A community token without ids gets its own community; service tokens may call it too.
    assert vk.ok("groups.getById", GROUP_TOKEN)["groups"][0]["id"] == ZERNO
    assert vk.ok("groups.getById", SERVICE_TOKEN, group_ids="puls_fitness")["groups"][0]["id"] == PULS
    assert vk.error("groups.getById", group_ids="no_such_community") == 100


def test_it_pages_a_1000_post_wall_with_offset_and_count(vk: Client) -> None:
    seen: list[int] = []
    for offset in range(0, 1_000, 100):
        page = vk.ok("wall.get", owner_id=-ZERNO, offset=offset, count=100)
        assert page["count"] == 1_000  # ref §1.5: response.count is the total
        assert len(page["items"]) == 100
        seen += [item["id"] for item in page["items"]]
    assert seen == list(range(1_000, 0, -1))  # newest first, no gaps, no repeats
    assert vk.ok("wall.get", owner_id=-ZERNO, offset=1_000, count=100) == {"count": 1_000, "items": []}
    assert vk.ok("wall.get", domain="zerno_coffee", count=3)["items"][0]["id"] == 1_000
    assert len(vk.ok("wall.get", owner_id=-ZERNO)["items"]) == 20  # default count

    post = vk.ok("wall.get", owner_id=-ZERNO, count=1)["items"][0]
    assert {
        "id",
        "owner_id",
        "from_id",
        "date",
        "post_type",
        "text",
        "likes",
        "reposts",
        "comments",
        "views",
    } <= set(post)
    assert post["owner_id"] == post["from_id"] == -ZERNO
    assert set(post["likes"]) >= {"count", "user_likes", "can_like", "can_publish"}
    assert set(post["reposts"]) >= {"count", "wall_count", "mail_count", "user_reposted"}
    assert post["reposts"]["count"] == post["reposts"]["wall_count"] + post["reposts"]["mail_count"]
    assert isinstance(post["views"]["count"], int)


def test_it_returns_daily_stats_get_periods_in_the_documented_shape(vk: Client, clock: ManualClock) -> None:
    periods = vk.ok("stats.get", group_id=ZERNO, interval="day", intervals_count=7)
    assert len(periods) == 7
    starts = [p["period_from"] for p in periods]
    assert starts == sorted(starts, reverse=True)  # newest first
    for period in periods:
        assert period["period_to"] - period["period_from"] == 86_399
        assert period["period_from"] % 86_400 == MSK_MIDNIGHT_IN_UTC
    full = periods[1]  # yesterday: a whole day, every object present
    assert set(full["visitors"]) >= {"views", "visitors", "mobile_views", "sex", "age"}
    assert set(full["reach"]) >= {"reach", "reach_subscribers", "mobile_reach", "sex", "age"}
    assert set(full["activity"]) == {"likes", "comments", "copies", "hidden", "subscribed", "unsubscribed"}
    assert sum(item["count"] for item in full["visitors"]["sex"]) == full["visitors"]["visitors"]

    # A timestamp range, only some stats groups, no demographics.
    now = int(clock())
    ranged = vk.ok(
        "stats.get",
        group_id=ZERNO,
        timestamp_from=now - 9 * 86_400,
        timestamp_to=now,
        stats_groups="reach",
        extended=0,
    )
    assert len(ranged) == 10
    assert all(set(p) == {"period_from", "period_to", "reach"} for p in ranged)
    assert "sex" not in ranged[0]["reach"]

    # Weeks sum their days; the older date_from/date_to parameters work too.
    [week] = vk.ok("stats.get", group_id=ZERNO, interval="week", intervals_count=1, extended=0)
    days_of_week = vk.ok("stats.get", group_id=ZERNO, timestamp_from=week["period_from"], timestamp_to=now)
    assert week["reach"]["reach"] == sum(d["reach"]["reach"] for d in days_of_week)
    by_dates = vk.ok("stats.get", group_id=PULS, date_from="2026-01-10", date_to="2026-01-12")
    assert len(by_dates) == 3


def test_it_returns_post_reach_for_at_most_30_recent_posts(vk: Client) -> None:
    ids = list(range(1_000, 970, -1))
    items = vk.ok("stats.getPostReach", owner_id=-ZERNO, post_ids=",".join(map(str, ids)))
    assert [item["post_id"] for item in items] == ids
    assert set(items[0]) >= {
        "post_id",
        "reach_total",
        "reach_subscribers",
        "reach_viral",
        "reach_ads",
        "links",
        "to_group",
        "join_group",
        "unsubscribe",
        "hide",
        "report",
    }
    assert vk.error("stats.getPostReach", owner_id=-ZERNO, post_ids=",".join(map(str, range(1, 32)))) == 100
    assert vk.error("stats.getPostReach", owner_id=-ZERNO, post_ids="1") == 210  # outside the latest 300
    assert vk.error("stats.getPostReach", OUTSIDER, owner_id=-ZERNO, post_ids="1000") == 15


# ---------------------------------------------------------------------- execute


def test_it_runs_25_wall_get_calls_in_one_execute_counted_as_one_request(vk: Client, fake: FakeVK) -> None:
    fake.reset_counters()
    code = "return [" + ",".join(wall_call(offset) for offset in range(0, 2_500, 100)) + "];"
    envelope = vk("execute", code=code, post=True)
    assert set(envelope) == {"response"}
    results = envelope["response"]
    assert len(results) == 25
    assert [len(r["items"]) for r in results] == [100] * 10 + [0] * 15
    assert len({item["id"] for r in results for item in r["items"]}) == 1_000
    assert fake.count() == 1
    assert fake.count("execute") == 1
    assert fake.count("wall.get", include_inner=True) == 25


def test_it_puts_false_and_execute_errors_for_failing_inner_calls(vk: Client, fake: FakeVK) -> None:
    fake.inject("wall.get", 15, times=1)
    code = f"return [{wall_call(0)},{wall_call(100)},API.wall.get({{owner_id: 5, count: 1}}),API.groups.getById({{}})];"
    envelope = vk("execute", code=code)
    first, second, third, fourth = envelope["response"]
    assert first is False and third is False and fourth is False
    assert len(second["items"]) == 100
    # ref §1.6: errors in the order of the failed calls, each with its method.
    assert [(e["method"], e["error_code"]) for e in envelope["execute_errors"]] == [
        ("wall.get", 15),
        ("wall.get", 113),
        ("groups.getById", 100),
    ]
    assert all(e["error_msg"] for e in envelope["execute_errors"])


def test_it_refuses_execute_code_it_cannot_run(vk: Client) -> None:
    too_many = "return [" + ",".join(wall_call(0, count=1) for _ in range(26)) + "];"
    assert vk.error("execute", code=too_many) == 13
    assert vk.error("execute", code="var i = 0; while (i < 3) { i = i + 1; }; return i;") == 12
    assert vk.error("execute", code="return [API.wall.get({owner_id: -1)];") == 12
    assert vk.error("execute") == 100
    assert vk.error("execute", SERVICE_TOKEN, code="return [];") == 28  # ref §1.2: user, group only
    # A community token may call execute, but not wall.get inside it (ref §1.2).
    envelope = vk("execute", GROUP_TOKEN, code=f"return [{wall_call(0)}];")
    assert envelope["response"] == [False]
    assert envelope["execute_errors"][0]["error_code"] == 27


def vk_api_get_all_code(
    method: str, key: str, values: dict[str, Any], count: int | None, offset: int, offset_mul: int = 1
) -> str:
    """The ``code`` vk_api's VkFunction sends: lines stripped and joined, ``values`` and ``count``
    JSON-encoded (compact, non-ASCII kept), the other arguments inserted as text."""
    minified = "".join(line.strip() for line in GET_ALL_TEMPLATE.splitlines())
    dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    return minified % {
        "method": method,
        "key": key,
        "values": dumps(values),
        "count": dumps(count),
        "offset": str(offset),
        "offset_mul": str(offset_mul),
    }


def get_all_like_vk_api(
    vk: Client, max_count: int, between: Callable[[], None] = lambda: None
) -> tuple[list[dict[str, Any]], int]:
    """vk_api's get_all_iter loop over the zerno wall; returns the items and the executes made."""
    values = {"owner_id": -ZERNO, "count": max_count}
    items: list[dict[str, Any]] = []
    count: int | None = None
    offset = 0
    requests = 0
    while True:
        code = vk_api_get_all_code("wall.get", "items", values, count, offset)
        response = vk.ok("execute", code=code, post=True)
        requests += 1
        items += response["items"]
        if not response["more"]:
            return items, requests
        count, offset = response["count"], response["offset"]
        between()


def test_the_reproduced_get_all_script_is_vk_apis() -> None:
    tools = pytest.importorskip("vk_api.tools")
    assert tools.vk_get_all_items.code == GET_ALL_TEMPLATE
    values = {"owner_id": -ZERNO, "count": 100, "filter": "всё"}
    assert tools.vk_get_all_items.compile(
        {"method": "wall.get", "key": "items", "values": values, "count": None, "offset": 0, "offset_mul": 1}
    ) == vk_api_get_all_code("wall.get", "items", values, None, 0)


def test_it_runs_the_vk_api_get_all_script_for_a_benchmark_baseline(vk: Client, fake: FakeVK) -> None:
    fake.reset_counters()
    items, requests = get_all_like_vk_api(vk, 100)
    assert [item["id"] for item in items] == list(range(1_000, 0, -1))
    assert requests == fake.count() == 1
    assert fake.count("wall.get", include_inner=True) == 10  # the 10th page reaches count: stop


def test_the_get_all_script_follows_a_wall_that_grows_as_the_script_says(vk: Client, fake: FakeVK) -> None:
    # 10 posts a page → 250 per execute → 4 executes; 3 posts published before each later one push
    # the wall down by 3. The script slices the 3 repeated items off the first page (no duplicates)
    # but also adds count_diff to the offset, so it then skips 3 unread posts: the fake computes
    # exactly that, as VK would run vk_api 11.10.1's script.
    items, requests = get_all_like_vk_api(vk, 10, between=lambda: [fake.add_post(ZERNO) for _ in range(3)])
    ids = [item["id"] for item in items]
    assert requests == 4
    assert len(ids) == len(set(ids)) and max(ids) == 1_000  # no repeats, no new posts
    missed = set(range(1, 1_001)) - set(ids)
    assert len(missed) == 9 and {743, 742, 741} <= missed  # old positions 257..259, after page 250..256


def test_it_answers_a_changed_get_all_script_with_error_12(vk: Client) -> None:
    code = vk_api_get_all_code("wall.get", "items", {"owner_id": -ZERNO, "count": 100}, None, 0)
    assert vk.error("execute", code=code.replace("calls < 25", "calls < 250"), post=True) == 12
    no_count = vk_api_get_all_code("wall.get", "items", {"owner_id": -ZERNO}, None, 0)
    assert vk.error("execute", code=no_count, post=True) == 12


# ---------------------------------------------------------------------- rate limits and errors


def test_it_returns_error_6_on_the_4th_request_within_a_second_and_recovers(
    base_url: str, clock: ManualClock
) -> None:
    vk = Client(base_url, clock, pause=0.0)
    start = clock()
    for _ in range(3):
        vk.ok("wall.get", owner_id=-ZERNO, count=1)
        clock.advance(0.1)
    assert vk.error("wall.get", owner_id=-ZERNO, count=1) == 6
    assert vk.ok("wall.get", OUTSIDER, owner_id=-ZERNO, count=1)  # the limit is per token
    clock.advance(0.6)  # 0.9 s after the first request: still inside its window
    assert vk.error("execute", code=f"return [{wall_call(0)}];") == 6
    clock.now = start + 1.0  # the first request leaves the window
    assert vk.ok("execute", code=f"return [{wall_call(0)}];")  # 1 request however many calls inside
    assert vk.error("wall.get", owner_id=-ZERNO, count=1) == 6


def test_it_answers_in_process_calls_like_http_ones(fake: FakeVK, clock: ManualClock) -> None:
    assert fake.call("wall.get", ADMIN, owner_id=-ZERNO, count=2)["response"]["count"] == 1_000
    clock.advance(1)
    assert fake.call("wall.get", ADMIN, owner_id=-ZERNO, v=None)["error"]["error_code"] == 100
    clock.advance(1)
    assert fake.call("wall.get", ADMIN, owner_id=-ZERNO, v="5.199")["response"]["count"] == 1_000
    assert fake.call("wall.get", owner_id=-ZERNO)["error"]["error_code"] == 5


def test_it_reports_the_densest_second_for_benchmarks(fake: FakeVK, clock: ManualClock) -> None:
    for _ in range(9):
        fake.call("wall.get", ADMIN, owner_id=-ZERNO, count=1)
        clock.advance(0.34)
    assert fake.max_requests_in_window(token=ADMIN) == 3
    assert fake.count(token=ADMIN) == 9
    fake.reset_counters()
    assert fake.count() == 0 and fake.max_requests_in_window() == 0


Setup = Callable[[FakeVK, ManualClock], None]


def _flood(fake: FakeVK, clock: ManualClock) -> None:
    fake.set_flood_control("wall.get", 2, per_seconds=60)
    for _ in range(2):
        assert "response" in fake.call("wall.get", ADMIN, owner_id=-ZERNO, count=1)
        clock.advance(0.5)


def _quota(fake: FakeVK, clock: ManualClock) -> None:
    fake.set_quota("stats.get", 1)
    assert "response" in fake.call("stats.get", ADMIN, group_id=ZERNO)
    clock.advance(1)


def _nothing(fake: FakeVK, clock: ManualClock) -> None:
    pass


ERROR_CASES: list[tuple[int, str, Setup, str, str | None, dict[str, Any]]] = [
    (3, "unknown method (names are case-sensitive)", _nothing, "Wall.get", ADMIN, {"owner_id": -ZERNO}),
    (5, "unknown token", _nothing, "wall.get", "vk1.a.nobody", {"owner_id": -ZERNO}),
    (5, "revoked token", _nothing, "wall.get", REVOKED, {"owner_id": -ZERNO}),
    (5, "no token", _nothing, "wall.get", None, {"owner_id": -ZERNO}),
    (7, "user token without the stats scope", _nothing, "stats.get", NO_STATS_SCOPE, {"group_id": ZERNO}),
    (9, "flood control", _flood, "wall.get", ADMIN, {"owner_id": -ZERNO}),
    (
        10,
        "injected internal error",
        lambda f, _: f.inject("stats.get", 10),
        "stats.get",
        ADMIN,
        {"group_id": ZERNO},
    ),
    (
        15,
        "statistics of a community one does not administer",
        _nothing,
        "stats.get",
        OUTSIDER,
        {"group_id": ZERNO},
    ),
    (27, "community token on wall.get", _nothing, "wall.get", GROUP_TOKEN, {"owner_id": -ZERNO}),
    (28, "service token on stats.get", _nothing, "stats.get", SERVICE_TOKEN, {"group_id": ZERNO}),
    (29, "daily quota spent", _quota, "stats.get", ADMIN, {"group_id": ZERNO}),
    (30, "private community's wall", _nothing, "wall.get", OUTSIDER, {"owner_id": -PRIVATE}),
    (30, "private community's statistics", _nothing, "stats.get", OUTSIDER, {"group_id": PRIVATE}),
    (100, "missing v", _nothing, "wall.get", ADMIN, {"owner_id": -ZERNO, "v": None}),
    (100, "owner_id not a number", _nothing, "wall.get", ADMIN, {"owner_id": "abc"}),
    (100, "unknown community", _nothing, "wall.get", ADMIN, {"owner_id": -999}),
    (100, "count over 100", _nothing, "wall.get", ADMIN, {"owner_id": -ZERNO, "count": 101}),
    (113, "a user's wall", _nothing, "wall.get", ADMIN, {"owner_id": 12345}),
    (113, "unknown domain", _nothing, "wall.get", ADMIN, {"domain": "nobody_here"}),
    (
        203,
        "banned community",
        lambda f, _: f.set_access(PULS, banned=True),
        "wall.get",
        ADMIN,
        {"owner_id": -PULS},
    ),
]


@pytest.mark.parametrize(
    ("code", "setup", "method", "token", "params"),
    [pytest.param(c, s, m, t, p, id=f"{c}-{why}") for c, why, s, m, t, p in ERROR_CASES],
)
def test_it_answers_each_documented_error(
    vk: Client,
    fake: FakeVK,
    clock: ManualClock,
    code: int,
    setup: Setup,
    method: str,
    token: str | None,
    params: dict[str, Any],
) -> None:
    setup(fake, clock)
    args = dict(params)
    version = args.pop("v", API_VERSION)
    assert vk.error(method, token, v=version, **args) == code


def test_it_recovers_from_injected_errors_and_spent_quotas(
    vk: Client, fake: FakeVK, clock: ManualClock
) -> None:
    fake.inject("wall.get", 10, times=2)
    assert vk.error("wall.get", owner_id=-ZERNO) == 10
    assert vk.error("wall.get", owner_id=-ZERNO) == 10
    assert vk.ok("wall.get", owner_id=-ZERNO)  # retried after the fault passed
    fake.set_quota("wall.get", 1)
    assert vk.ok("wall.get", owner_id=-ZERNO)
    assert vk.error("wall.get", owner_id=-ZERNO) == 29
    clock.advance(86_400)  # the next day the quota is fresh
    assert vk.ok("wall.get", owner_id=-ZERNO)


def test_it_injects_http_faults_with_retry_after(vk: Client, fake: FakeVK) -> None:
    fake.inject_http(503, retry_after=2)
    status, headers, _body = vk.raw("wall.get", owner_id=-ZERNO)
    assert status == 503
    assert headers["Retry-After"] == "2"
    assert vk.ok("wall.get", owner_id=-ZERNO)["count"] == 1_000
    assert [r.http_status for r in fake.requests] == [503, 200]


# ---------------------------------------------------------------------- transport


def test_it_takes_the_token_from_a_parameter_or_a_bearer_header_by_get_or_post(vk: Client) -> None:
    for header in (False, True):
        for post in (False, True):
            status, _headers, body = vk.raw("wall.get", header=header, post=post, owner_id=-ZERNO, count=2)
            assert status == 200
            assert len(json.loads(body)["response"]["items"]) == 2


def test_it_reads_multipart_forms_and_ignores_json_bodies(base_url: str, clock: ManualClock) -> None:
    boundary = "xYzBoundary"
    fields = {"access_token": ADMIN, "v": API_VERSION, "owner_id": str(-ZERNO), "count": "1"}
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    )
    body += f"--{boundary}--\r\n"
    request = urllib.request.Request(
        f"{base_url}/wall.get",
        data=body.encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert len(json.loads(response.read())["response"]["items"]) == 1
    clock.advance(1)
    # ref §1.1: JSON bodies are not accepted, so the version is missing.
    request = urllib.request.Request(
        f"{base_url}/wall.get", data=json.dumps(fields).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["error"]["error_code"] == 100


# ---------------------------------------------------------------------- data and controls


def test_it_seeds_deterministically_and_lets_numbers_change(
    vk: Client, fake: FakeVK, clock: ManualClock
) -> None:
    twin_clock = ManualClock(clock())
    twin = build_fake(twin_clock)
    assert twin.call("wall.get", ADMIN, owner_id=-ZERNO, count=100) == fake.call(
        "wall.get", ADMIN, owner_id=-ZERNO, count=100
    )
    clock.advance(1)
    twin_clock.advance(1)
    assert twin.call("stats.get", ADMIN, group_id=ZERNO, intervals_count=30) == fake.call(
        "stats.get", ADMIN, group_id=ZERNO, intervals_count=30
    )
    clock.advance(1)

    fake.set_members(ZERNO, 27_450)
    assert (
        vk.ok("groups.getById", group_ids=ZERNO, fields="members_count")["groups"][0]["members_count"]
        == 27_450
    )
    post = fake.add_post(ZERNO, "Fresh news", views=10, attachments=["video"])
    page = vk.ok("wall.get", owner_id=-ZERNO, count=1)
    assert page["count"] == 1_001
    assert page["items"][0]["id"] == post.id
    assert page["items"][0]["attachments"][0]["type"] == "video"
    fake.update_post(ZERNO, post.id, views=500)
    assert vk.ok("wall.get", owner_id=-ZERNO, count=1)["items"][0]["views"]["count"] == 500

    before = (fake.community(ZERNO).members_count, sum(p.views for p in fake.community(ZERNO).posts))
    fake.drift(steps=5)
    after = (fake.community(ZERNO).members_count, sum(p.views for p in fake.community(ZERNO).posts))
    assert after != before


def test_it_offers_demo_controls_without_showing_tokens(base_url: str, fake: FakeVK) -> None:
    root = base_url.removesuffix("/method")
    request = urllib.request.Request(
        f"{root}/_fake/members", data=urlencode({"group_id": ZERNO, "members_count": 30_000}).encode()
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read()) == {"ok": 1}
    with urllib.request.urlopen(f"{root}/_fake/state", timeout=5) as response:
        raw = response.read()
    state = json.loads(raw)
    assert {c["screen_name"]: c["members_count"] for c in state["communities"]}["zerno_coffee"] == 30_000
    assert ADMIN.encode() not in raw


def test_it_listens_on_loopback_only(fake: FakeVK) -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve_in_thread(fake, host="0.0.0.0")


def _env_for_this_checkout() -> dict[str, str]:
    src = Path(smartsmm.fakes.vk.__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))
    return env


def test_it_imports_without_django() -> None:
    probe = (
        "import sys, smartsmm.fakes.vk; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=_env_for_this_checkout(),
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_it_runs_as_a_process_for_the_demo() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "smartsmm.fakes.vk", "--port", "0", "--json", "--posts", "30", "--days", "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env_for_this_checkout(),
    )
    try:
        assert process.stdout is not None
        facts = json.loads(process.stdout.readline())
        query = urlencode(
            {
                "group_ids": "zerno_coffee,puls_fitness",
                "fields": "members_count",
                "access_token": facts["tokens"]["admin"],
                "v": API_VERSION,
            }
        )
        with urllib.request.urlopen(f"{facts['url']}/groups.getById?{query}", timeout=5) as response:
            groups = json.loads(response.read())["response"]["groups"]
        assert [g["screen_name"] for g in groups] == ["zerno_coffee", "puls_fitness"]
        assert all(g["is_admin"] == 1 and g["members_count"] > 0 for g in groups)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""


def test_it_keeps_days_in_moscow_time(fake: FakeVK, clock: ManualClock) -> None:
    # 2026-01-15 12:00 MSK: yesterday's period runs 2026-01-14 00:00 .. 23:59:59 MSK.
    clock.now = 1_768_467_600.0
    periods = fake.call("stats.get", ADMIN, group_id=ZERNO, intervals_count=2)["response"]
    assert periods[1]["period_from"] == 1_768_338_000
    assert periods[0]["period_from"] == periods[1]["period_from"] + 86_400
    assert date(2026, 1, 15) in fake.community(ZERNO).stats
