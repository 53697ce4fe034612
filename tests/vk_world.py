"""A fake VK on a real loopback server, with a manual clock shared by everyone involved.

The fake (its rate limits and days), the HTTP client's rate limiter and the connector's retry waits
all run on one ManualClock: a wait advances the clock instead of sleeping, so a test exercises the
real 3-requests-a-second spacing and the backoff after error 6 without waiting for either.

Registered as a plugin in tests/conftest.py: every test can ask for the ``vk`` fixture.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from smartsmm.connectors.vk.connector import VkConnector
from smartsmm.fakes.vk import FakeVK, ManualClock, serve_in_thread
from smartsmm.lib import http
from smartsmm.lib.http import HttpClient

# The admin token doubles as the canary: it must never show up in plain text anywhere.
ADMIN = "vk1.a.CANARY-admin-5b1f0e77-never-show-me"
OUTSIDER = "vk1.a.test-outsider"
REVOKED = "vk1.a.test-revoked"
NO_STATS_SCOPE = "vk1.a.test-no-stats-scope"
GROUP_TOKEN = "vk1.a.test-group-token"
SERVICE_TOKEN = "test-service-token"

COFFEE, GYM, CLOSED = 123456, 654321, 777
COFFEE_POSTS, COFFEE_DAYS = 450, 120


@dataclass
class VkWorld:
    """The fake, its clock and URL, and the HTTP client that talks to it."""

    fake: FakeVK
    clock: ManualClock
    url: str
    http: HttpClient
    waits: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        """The connector's retry sleep: recorded, then the clock moves on."""
        self.waits.append(seconds)
        self.clock.advance(seconds)

    def connector(self) -> VkConnector:
        return VkConnector(http_client=self.http, sleep=self.sleep, clock=self.clock, rng=random.Random(1))

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)


def build_fake(clock: ManualClock) -> FakeVK:
    return (
        FakeVK(clock=clock)
        .with_community(
            COFFEE,
            "coffee",
            20_000,
            posts=COFFEE_POSTS,
            days=COFFEE_DAYS,
            seed=5,
            admin_tokens=[ADMIN],
            group_token=GROUP_TOKEN,
        )
        .with_community(GYM, "gym", 8_000, posts=30, days=30, seed=5, admin_tokens=[ADMIN])
        .with_community(CLOSED, "closed_club", 900, posts=5, days=5, seed=5, is_closed=2)
        .add_token(OUTSIDER)
        .add_token(REVOKED, revoked=True)
        .add_token(NO_STATS_SCOPE, scopes=["wall", "groups"], admin_of=[COFFEE])
        .add_token(SERVICE_TOKEN, "service")
    )


def start_world(
    monkeypatch: pytest.MonkeyPatch, fake: FakeVK, clock: ManualClock
) -> tuple[VkWorld, Callable[[], None]]:
    url, stop = serve_in_thread(fake)
    monkeypatch.setenv("SMARTSMM_VK_API_URL", url)
    client = HttpClient(clock=clock, sleep=clock.sleep, wall_clock=clock, rng=random.Random(2))
    return VkWorld(fake=fake, clock=clock, url=url, http=client), stop


@pytest.fixture
def vk(monkeypatch: pytest.MonkeyPatch) -> Iterator[VkWorld]:
    """The fake VK with the communities coffee (admin: ADMIN), gym and a private closed_club."""
    clock = ManualClock()
    world, stop = start_world(monkeypatch, build_fake(clock), clock)
    try:
        yield world
    finally:
        world.http.close()
        stop()


@contextmanager
def serving_live(monkeypatch: pytest.MonkeyPatch, fake: FakeVK) -> Iterator[FakeVK]:
    """Serve `fake` on loopback as SMARTSMM_VK_API_URL, with the shared HTTP client's limiter on a
    manual clock so nothing waits (the fake itself runs on real time)."""
    url, stop = serve_in_thread(fake)
    monkeypatch.setenv("SMARTSMM_VK_API_URL", url)
    clock = ManualClock()
    client = HttpClient(clock=clock, sleep=clock.sleep)
    monkeypatch.setattr(http, "_shared", client)
    try:
        yield fake
    finally:
        client.close()
        stop()
