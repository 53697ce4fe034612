"""The VK client against the fake VK on a loopback server: transport, execute batching, rate limit."""

from __future__ import annotations

import logging
import random
from typing import Any

import pytest

from smartsmm.connectors.base import PermanentError, TemporaryError
from smartsmm.connectors.vk.client import API_VERSION, MAX_EXECUTE_CALLS, VkClient, execute_code
from smartsmm.fakes.vk import ManualClock, serve_in_thread
from smartsmm.lib.http import HttpClient
from tests.vk_world import ADMIN, COFFEE, GYM, VkWorld, build_fake


def client_for(world: VkWorld, token: str = ADMIN, **kwargs: Any) -> VkClient:
    return VkClient(
        token, http_client=world.http, sleep=world.sleep, clock=world.clock, rng=random.Random(3), **kwargs
    )


class Recorder:
    """Serves the fake and remembers how each request arrived (verb, query string, content type)."""

    def __init__(self, fake: Any) -> None:
        self.fake = fake
        self.seen: list[tuple[str, str, str, str]] = []

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.seen.append(
            (
                environ["REQUEST_METHOD"],
                environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
                environ.get("CONTENT_TYPE", ""),
            )
        )
        return self.fake.wsgi_app(environ, start_response)


def test_it_posts_the_token_and_version_in_a_form_body_never_in_the_url(monkeypatch):
    clock = ManualClock()
    fake = build_fake(clock)
    recorder = Recorder(fake)
    url, stop = serve_in_thread(recorder)  # type: ignore[arg-type]
    monkeypatch.setenv("SMARTSMM_VK_API_URL", url)
    try:
        with HttpClient(clock=clock, sleep=clock.advance) as http_client:
            response = VkClient(ADMIN, http_client=http_client).call(
                "groups.getById", group_ids=[COFFEE, GYM]
            )
    finally:
        stop()

    assert [g["id"] for g in response["groups"]] == [COFFEE, GYM]  # lists are comma-joined
    ((verb, path, query, content_type),) = recorder.seen
    assert (verb, path, query) == ("POST", "/method/groups.getById", "")
    assert content_type.startswith("application/x-www-form-urlencoded")
    (record,) = fake.requests
    assert record.token == ADMIN  # it arrived, in the body


def test_it_builds_execute_code_as_a_literal_list_of_calls():
    code = execute_code(
        [
            ("wall.get", {"owner_id": -1, "offset": 0, "count": 100, "extended": False}),
            ("stats.getPostReach", {"owner_id": -1, "post_ids": [3, 2, 1], "skipped": None}),
        ]
    )

    assert code == (
        'return [API.wall.get({"owner_id":-1,"offset":0,"count":100,"extended":0}),'
        'API.stats.getPostReach({"owner_id":-1,"post_ids":"3,2,1"})];'
    )
    assert "while" not in code and "var" not in code  # not a VKScript loop


def test_it_refuses_more_than_25_calls_or_a_strange_method_in_one_execute_code():
    with pytest.raises(ValueError, match="at most 25"):
        execute_code([("wall.get", {})] * 26)
    with pytest.raises(ValueError, match="not a VK method"):
        execute_code([("wall.get});API.secret.call({", {})])


def test_it_escapes_strings_inside_execute_code(vk):
    # A quote in a value stays data: VK (the fake) reads the call, no compile error 12.
    (answer,) = client_for(vk).execute([("wall.get", {"domain": 'x"]);return [1', "count": 1})])

    assert isinstance(answer, PermanentError) and answer.code == 113


def test_it_splits_more_than_25_calls_into_requests_and_keeps_the_order(vk):
    calls = [("wall.get", {"owner_id": -COFFEE, "offset": i, "count": 1}) for i in range(30)]

    results = client_for(vk).execute(calls)

    assert vk.fake.count("execute") == 2
    assert vk.fake.count("wall.get", include_inner=True) == 30
    ids = [r["items"][0]["id"] for r in results]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 30


def test_it_returns_a_failed_call_in_its_place_and_the_others_as_answered(vk):
    vk.fake.inject("wall.get", 15, times=1)
    calls = [("wall.get", {"owner_id": -COFFEE, "offset": i, "count": 1}) for i in range(3)]

    first, second, third = client_for(vk).execute(calls)

    assert isinstance(first, PermanentError) and first.code == 15
    assert second["items"] and third["items"]
    assert vk.fake.count("execute") == 1  # a permanent error is not retried


def test_it_retries_only_the_failed_calls_of_an_execute(vk):
    vk.fake.inject("wall.get", 10, times=1)
    calls = [("wall.get", {"owner_id": -COFFEE, "offset": i, "count": 1}) for i in range(5)]

    results = client_for(vk).execute(calls)

    assert all(isinstance(r, dict) for r in results)
    assert vk.fake.count("execute") == 2
    assert vk.fake.count("wall.get", include_inner=True) == 6  # 5, then the failed one again
    assert len(vk.waits) == 1


def test_it_never_sends_more_than_three_requests_a_second(vk):
    client = client_for(vk)

    for _ in range(12):
        client.call("groups.getById", group_ids=COFFEE)

    assert vk.fake.max_requests_in_window(token=ADMIN) <= 3
    assert all(r.error_code is None for r in vk.fake.requests)  # VK never had to say 6
    assert vk.waits == []  # the limiter spaced them; no error, no backoff
    assert client.requests == 12


def test_it_speaks_version_5_199():
    assert API_VERSION == "5.199" and MAX_EXECUTE_CALLS == 25


def test_it_reports_a_gateway_failing_after_the_http_retries_as_temporary(vk):
    vk.fake.inject_http(502, times=10)

    with pytest.raises(TemporaryError, match="HTTP 502"):
        client_for(vk).call("groups.getById", group_ids=COFFEE)

    # lib.http retried (1 + SMARTSMM_HTTP_RETRIES attempts); VK-level retries do not add to that.
    assert vk.fake.count() == 1 + vk.http.retries


def test_it_keeps_the_token_out_of_logs_and_errors(vk, caplog):
    caplog.set_level(logging.DEBUG)
    vk.fake.inject(
        "groups.getById",
        100,
        error_msg=f"One of the parameters specified was missing or invalid: echo {ADMIN}",
    )

    with pytest.raises(PermanentError) as raised:
        client_for(vk).call("groups.getById", group_ids=COFFEE)

    assert ADMIN not in str(raised.value)
    assert ADMIN not in caplog.text
