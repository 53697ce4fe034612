"""The fake VK on real time for the web app's connect and sync views (they use the default connector)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smartsmm.fakes.vk import FakeVK, ManualClock, serve_in_thread
from smartsmm.lib import http
from tests.vk_world import ADMIN, COFFEE, OUTSIDER, REVOKED


@pytest.fixture
def live_vk(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeVK]:
    """The fake with the community coffee (admin: ADMIN), its own rate limit off, and the shared HTTP
    client's limiter on a manual clock, so nothing waits."""
    fake = FakeVK(rate_limits={"user": None, "group": None, "service": None}).with_community(
        COFFEE, "coffee", 20_000, posts=60, days=40, seed=5, admin_tokens=[ADMIN], name="Coffee"
    )
    fake.add_token(REVOKED, revoked=True).add_token(OUTSIDER)
    url, stop = serve_in_thread(fake)
    monkeypatch.setenv("SMARTSMM_VK_API_URL", url)
    clock = ManualClock()

    def sleep(seconds: float) -> None:
        clock.advance(seconds)

    client = http.HttpClient(clock=clock, sleep=sleep)
    monkeypatch.setattr(http, "_shared", client)
    try:
        yield fake
    finally:
        client.close()
        stop()
