"""The HTTP choke point: allow-list, retries, backoff, Retry-After, rate limits, redaction.

Every test runs on httpx.MockTransport with an injected clock and sleep, so nothing touches the
network and nothing really waits.
"""

from __future__ import annotations

import logging
import random
import threading
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from smartsmm.lib import http
from smartsmm.lib.http import (
    HostNotAllowed,
    HttpClient,
    PermanentHttpError,
    RateLimiter,
    TemporaryHttpError,
    backoff_delay,
    base_url,
    endpoint,
    parse_retry_after,
    redact,
)

CANARY = "vk1.a.CANARY-7f3e9b2d-never-log-me"
VK = "https://api.vk.com/method"


class FakeTime:
    """A monotonic clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Server:
    """A scripted server: answers with the given responses in turn, recording every request."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture(autouse=True)
def _default_base_urls(monkeypatch):
    for name in http.BASE_URLS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SMARTSMM_HTTP_TIMEOUT", raising=False)
    monkeypatch.delenv("SMARTSMM_HTTP_RETRIES", raising=False)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def make_client(server: Server, fake_time: FakeTime, **kwargs) -> HttpClient:
    return HttpClient(
        transport=httpx.MockTransport(server),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        wall_clock=lambda: 1_700_000_000.0 + fake_time.now,
        rng=random.Random(7),
        **kwargs,
    )


# -- settings and allow-list ---------------------------------------------------------------------


def test_it_uses_the_default_vk_base_url():
    assert base_url("SMARTSMM_VK_API_URL") == VK
    assert endpoint("SMARTSMM_VK_API_URL", "wall.get") == f"{VK}/wall.get"


def test_it_reads_the_base_url_from_the_environment_at_call_time(monkeypatch):
    monkeypatch.setenv("SMARTSMM_VK_API_URL", "http://127.0.0.1:8765/method/")
    assert base_url("SMARTSMM_VK_API_URL") == "http://127.0.0.1:8765/method"
    assert endpoint("SMARTSMM_VK_API_URL", "/groups.getById") == "http://127.0.0.1:8765/method/groups.getById"


def test_it_reads_the_base_url_from_django_settings(settings):
    settings.SMARTSMM_VK_API_URL = "http://localhost:9000/vk"
    assert base_url("SMARTSMM_VK_API_URL") == "http://localhost:9000/vk"


def test_it_refuses_a_base_url_that_is_not_http_or_carries_a_query(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("SMARTSMM_VK_API_URL", f"https://api.vk.com/method?access_token={CANARY}")
    with pytest.raises(ImproperlyConfigured) as info:
        base_url("SMARTSMM_VK_API_URL")
    assert CANARY not in str(info.value)
    monkeypatch.setenv("SMARTSMM_VK_API_URL", "ftp://api.vk.com/method")
    with pytest.raises(ImproperlyConfigured):
        base_url("SMARTSMM_VK_API_URL")
    with pytest.raises(KeyError):
        base_url("SMARTSMM_NOT_REGISTERED_URL")


def test_it_refuses_other_hosts_before_sending_anything(fake_time):
    server = Server(httpx.Response(200, json={}))
    client = make_client(server, fake_time)
    for url in (
        f"https://evil.example/steal?access_token={CANARY}",
        f"http://api.vk.com/method/wall.get?access_token={CANARY}",  # scheme downgrade
        f"https://api.vk.com:8443/method/wall.get?access_token={CANARY}",  # other port
        f"https://api.vk.com.evil.example/method?access_token={CANARY}",
    ):
        with pytest.raises(HostNotAllowed) as info:
            client.get(url)
        assert info.value.permanent is True
        assert CANARY not in str(info.value)
        assert "?" not in str(info.value)
    assert server.requests == []
    client.get(f"{VK}/users.get")
    assert len(server.requests) == 1


def test_it_follows_the_allow_list_when_the_base_url_points_at_a_fake(monkeypatch, fake_time):
    server = Server(httpx.Response(200, json={"response": []}))
    client = make_client(server, fake_time)
    monkeypatch.setenv("SMARTSMM_VK_API_URL", "http://127.0.0.1:8765/method")
    client.get(endpoint("SMARTSMM_VK_API_URL", "wall.get"))
    assert server.requests[0].url.host == "127.0.0.1"
    # With the fake configured, the real API is no longer reachable: a test cannot call it by accident.
    with pytest.raises(HostNotAllowed):
        client.get(f"{VK}/wall.get")


def test_it_reads_timeout_and_retries_from_the_environment(monkeypatch):
    monkeypatch.setenv("SMARTSMM_HTTP_TIMEOUT", "7.5")
    monkeypatch.setenv("SMARTSMM_HTTP_RETRIES", "2")
    with HttpClient(transport=httpx.MockTransport(Server(httpx.Response(200)))) as client:
        assert (client.timeout, client.retries) == (7.5, 2)
    monkeypatch.delenv("SMARTSMM_HTTP_TIMEOUT")
    monkeypatch.delenv("SMARTSMM_HTTP_RETRIES")
    with HttpClient(transport=httpx.MockTransport(Server(httpx.Response(200)))) as client:
        assert (client.timeout, client.retries) == (20.0, 4)


def test_it_shares_one_client_per_process():
    http.reset_client()
    try:
        assert http.get_client() is http.get_client()
    finally:
        http.reset_client()


# -- retries --------------------------------------------------------------------------------------


def test_it_retries_a_server_error_then_succeeds(fake_time):
    server = Server(httpx.Response(503), httpx.ConnectError("refused"), httpx.Response(200, json={"ok": 1}))
    client = make_client(server, fake_time)
    response = client.get(f"{VK}/wall.get", params={"owner_id": "-1"})
    assert response.json() == {"ok": 1}
    assert len(server.requests) == 3
    assert len(fake_time.sleeps) == 2
    assert 0 <= fake_time.sleeps[0] <= 0.5
    assert 0 <= fake_time.sleeps[1] <= 1.0


def test_it_honours_retry_after_in_seconds(fake_time):
    server = Server(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200))
    client = make_client(server, fake_time)
    client.get(f"{VK}/wall.get")
    assert len(fake_time.sleeps) == 1
    # The server's wait plus at most 10% (≤ 1 s) of jitter, never less than asked.
    assert 7.0 <= fake_time.sleeps[0] <= 7.7


def test_it_honours_retry_after_as_an_http_date(fake_time):
    wall_now = 1_700_000_000.0 + fake_time.now
    when = format_datetime(datetime.fromtimestamp(wall_now + 12, tz=UTC), usegmt=True)
    server = Server(httpx.Response(503, headers={"Retry-After": when}), httpx.Response(200))
    client = make_client(server, fake_time)
    client.get(f"{VK}/wall.get")
    assert 12.0 <= fake_time.sleeps[0] <= 13.0


def test_it_gives_up_at_once_when_retry_after_is_too_long(fake_time):
    server = Server(httpx.Response(429, headers={"Retry-After": "3600"}))
    client = make_client(server, fake_time)
    with pytest.raises(TemporaryHttpError) as info:
        client.get(f"{VK}/wall.get")
    assert info.value.retry_after == 3600
    assert info.value.status == 429
    assert len(server.requests) == 1
    assert fake_time.sleeps == []


def test_it_parses_retry_after():
    now = 1_700_000_000.0
    assert parse_retry_after(None, now=now) is None
    assert parse_retry_after("", now=now) is None
    assert parse_retry_after("5", now=now) == 5.0
    assert parse_retry_after("-3", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    past = format_datetime(datetime.fromtimestamp(now - 50, tz=UTC), usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0


def test_it_keeps_jittered_backoff_within_its_bounds():
    rng = random.Random(1)
    for retry in range(1, 12):
        ceiling = min(30.0, 0.5 * 2 ** (retry - 1))
        delays = [backoff_delay(retry, rng=rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        # Full jitter really spreads the waits across the range (not a fixed exponential wait).
        assert max(delays) - min(delays) > ceiling / 2
    assert max(backoff_delay(50, rng=rng) for _ in range(200)) <= 30.0


def test_it_backs_off_within_bounds_across_attempts_and_gives_up(fake_time):
    server = Server(httpx.Response(502))
    client = make_client(server, fake_time, retries=4)
    with pytest.raises(TemporaryHttpError) as info:
        client.get(f"{VK}/wall.get")
    assert info.value.permanent is False
    assert info.value.status == 502
    assert info.value.url_host == "api.vk.com"
    assert len(server.requests) == 5  # the first attempt and 4 retries
    assert len(fake_time.sleeps) == 4
    for retry, slept in enumerate(fake_time.sleeps, start=1):
        assert 0.0 <= slept <= 0.5 * 2 ** (retry - 1)


def test_it_gives_up_on_repeated_timeouts_with_a_temporary_error(fake_time):
    server = Server(httpx.ReadTimeout("timed out"))
    client = make_client(server, fake_time, retries=2)
    with pytest.raises(TemporaryHttpError) as info:
        client.get(f"{VK}/wall.get")
    assert info.value.status is None
    assert "ReadTimeout" in str(info.value)
    assert len(server.requests) == 3


def test_it_fails_permanently_on_a_client_error_without_retrying(fake_time):
    server = Server(httpx.Response(400, json={"error": "bad"}))
    client = make_client(server, fake_time)
    with pytest.raises(PermanentHttpError) as info:
        client.get(f"{VK}/wall.get", params={"access_token": CANARY})
    assert info.value.permanent is True
    assert info.value.status == 400
    assert info.value.response is not None and info.value.response.json() == {"error": "bad"}
    assert len(server.requests) == 1
    assert fake_time.sleeps == []


def test_it_does_not_follow_redirects(fake_time):
    server = Server(httpx.Response(302, headers={"Location": "https://evil.example/"}))
    client = make_client(server, fake_time)
    with pytest.raises(PermanentHttpError):
        client.get(f"{VK}/wall.get")
    assert len(server.requests) == 1


def test_it_only_retries_the_statuses_asked_for(fake_time):
    server = Server(httpx.Response(503))
    client = make_client(server, fake_time)
    with pytest.raises(TemporaryHttpError):
        client.get(f"{VK}/wall.get", retry_on=())
    assert len(server.requests) == 1


# -- rate limiting --------------------------------------------------------------------------------


def test_it_spaces_requests_of_one_token_to_three_per_second(fake_time):
    server = Server(httpx.Response(200))
    client = make_client(server, fake_time)
    started = fake_time.now
    for _ in range(4):
        client.get(f"{VK}/users.get", rate_key=CANARY, rate=(3, 1.0))
    assert fake_time.now - started >= 1.0
    # Another token has its own budget: its first requests do not wait.
    before = fake_time.now
    client.get(f"{VK}/users.get", rate_key="another-token")
    assert fake_time.now == before


def test_it_never_lets_more_than_the_limit_into_any_window():
    fake = FakeTime()
    limiter = RateLimiter(clock=fake.clock, sleep=fake.sleep)
    starts = []
    for _ in range(20):
        limiter.acquire("token", 3, 1.0)
        starts.append(fake.now)
    for i in range(len(starts) - 3):
        assert starts[i + 3] - starts[i] >= 1.0


def test_it_queues_concurrent_threads_fairly():
    fake = FakeTime()
    limiter = RateLimiter(clock=fake.clock, sleep=fake.sleep)
    delays: list[float] = []
    lock = threading.Lock()

    def book() -> None:
        delay = limiter.reserve("token", 3, 1.0)
        with lock:
            delays.append(delay)

    threads = [threading.Thread(target=book) for _ in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(delays) == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_it_keys_the_limiter_by_a_hash_of_the_token():
    limiter = RateLimiter(clock=lambda: 0.0, sleep=lambda _s: None)
    limiter.acquire(CANARY)
    assert CANARY not in repr(limiter.__dict__)
    assert RateLimiter.key_for(CANARY) != CANARY


# -- redaction ------------------------------------------------------------------------------------


def test_it_redacts_tokens_in_urls():
    url = f"https://api.vk.com/method/wall.get?owner_id=-1&access_token={CANARY}&v=5.199"
    assert redact(url) == "https://api.vk.com/method/wall.get?owner_id=-1&access_token=***&v=5.199"
    assert redact(httpx.URL(f"https://x.example/a?token={CANARY}&key={CANARY}")) == (
        "https://x.example/a?token=***&key=***"
    )
    assert CANARY not in redact(f"https://user:{CANARY}@x.example/")
    assert CANARY not in redact(f"https://api.telegram.org/bot123456:{CANARY}/getMe")
    assert redact("https://x.example/a?owner_id=1") == "https://x.example/a?owner_id=1"


def test_it_redacts_secrets_in_parameters_and_headers():
    assert redact({"access_token": CANARY, "owner_id": -1}) == {"access_token": "***", "owner_id": -1}
    assert redact(httpx.Headers({"Authorization": f"Bearer {CANARY}", "Accept": "x"})) == {
        "authorization": "***",
        "accept": "x",
    }
    assert redact([("client_secret", CANARY), ("refresh_token", CANARY), ("v", "5.199")]) == {
        "client_secret": "***",
        "refresh_token": "***",
        "v": "5.199",
    }
    assert redact(None) == {}


def test_it_scrubs_tokens_from_free_text():
    text = f"failed GET https://h/x?access_token={CANARY} with header Authorization: Bearer {CANARY}"
    assert CANARY not in http.scrub(text)
    assert http.scrub(f"echo {CANARY}", secrets=[CANARY]) == "echo ***"


def test_it_keeps_the_canary_out_of_errors_and_logs(fake_time, caplog):
    caplog.set_level(logging.DEBUG)

    def echo(request: httpx.Request) -> httpx.Response:
        # A transport error whose message quotes the full URL, as some libraries do.
        raise httpx.ConnectError(f"cannot reach {request.url}")

    answers = [
        Server(httpx.Response(200, json={"response": 1})),
        Server(httpx.Response(503)),
        Server(httpx.Response(401)),
        echo,
    ]
    errors: list[str] = []
    for handler in answers:
        client = HttpClient(
            transport=httpx.MockTransport(handler),
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            rng=random.Random(3),
            retries=1,
        )
        try:
            client.post(
                f"{VK}/wall.get?access_token={CANARY}",
                params={"token": CANARY},
                data={"access_token": CANARY, "owner_id": "-1"},
                headers={"Authorization": f"Bearer {CANARY}"},
                rate_key=CANARY,
            )
        except http.HttpError as exc:
            errors.append(str(exc))
            errors.append(repr(exc))
    assert len(errors) == 6
    for message in errors:
        assert CANARY not in message
        assert "?" not in message
    assert caplog.records, "expected attempt logs"
    assert any(r.name == "httpx" for r in caplog.records), "httpx's own request log should be captured"
    assert any(r.name == "smartsmm.lib.http" and r.levelno == logging.DEBUG for r in caplog.records)
    for record in caplog.records:
        assert CANARY not in record.getMessage()
        assert CANARY not in repr(record.__dict__)
    assert CANARY not in caplog.text


def test_it_logs_method_host_path_status_and_attempt(fake_time, caplog):
    caplog.set_level(logging.DEBUG, logger="smartsmm.lib.http")
    server = Server(httpx.Response(500), httpx.Response(200))
    client = make_client(server, fake_time)
    client.get(f"{VK}/wall.get", params={"access_token": CANARY})
    ours = [r for r in caplog.records if r.name == "smartsmm.lib.http"]
    assert [r.levelno for r in ours] == [logging.INFO, logging.DEBUG]
    assert ours[0].http_status == 500 and ours[0].http_attempt == 1
    assert ours[1].http_status == 200 and ours[1].http_attempt == 2
    assert "GET api.vk.com/method/wall.get" in ours[1].getMessage()
