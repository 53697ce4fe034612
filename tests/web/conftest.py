"""The fake VK on real time for the web app's connect and sync views (they use the default connector)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smartsmm.fakes.vk import FakeVK
from tests.vk_world import ADMIN, COFFEE, OUTSIDER, REVOKED, serving_live


@pytest.fixture
def live_vk(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeVK]:
    """The fake with the community coffee (admin: ADMIN), its own rate limit off, and the shared HTTP
    client's limiter on a manual clock, so nothing waits."""
    fake = FakeVK(rate_limits={"user": None, "group": None, "service": None}).with_community(
        COFFEE, "coffee", 20_000, posts=60, days=40, seed=5, admin_tokens=[ADMIN], name="Coffee"
    )
    fake.add_token(REVOKED, revoked=True).add_token(OUTSIDER)
    with serving_live(monkeypatch, fake):
        yield fake
