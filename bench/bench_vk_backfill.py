"""Acceptance 1: backfilling a 10,000-post VK wall against the fake server, ours vs vk_api.

Run: ``python bench/bench_vk_backfill.py [--posts 10000]`` (vk_api comes with the ``dev`` extra).

Both clients read the same community of a :class:`~smartsmm.fakes.vk.FakeVK` served on loopback on
real time, with VK's 3 requests/s limit of a user token enforced by the fake (error 6 beyond it).
Figures: HTTP requests made, the most requests in any 1-second window, wall time, posts read.
Targets: requests ≤ (posts / 100) / 20 — a twentieth of one ``wall.get`` per 100 posts — and
never more than 3 requests in a second.

vk_api has no setting for its API address (``VkApi.method`` posts to the hard-coded
``https://api.vk.ru/method/<name>``), so the benchmark mounts a requests transport adapter on the
``VkApi`` session that rewrites that prefix to the fake's URL (:class:`_ToFake`); nothing else of
vk_api is changed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from smartsmm.fakes.vk import FakeVK, serve_in_thread

TOKEN = "vk1.a.bench-admin-token"
GROUP_ID = 123456
VK_API_PREFIX = "https://api.vk.ru/method/"


class _ToFake(HTTPAdapter):
    """Sends vk_api's requests for ``https://api.vk.ru/method/…`` to the fake server instead."""

    def __init__(self, fake_url: str) -> None:
        super().__init__()
        self.fake_url = fake_url.rstrip("/") + "/"

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        assert request.url is not None
        request.url = self.fake_url + request.url.removeprefix(VK_API_PREFIX)
        return super().send(request, *args, **kwargs)


def _fake(posts: int) -> FakeVK:
    return FakeVK().with_community(
        GROUP_ID, "bench_wall", 50_000, posts=posts, days=30, seed=3, admin_tokens=[TOKEN]
    )


def bench_ours(fake: FakeVK) -> dict[str, Any]:
    from smartsmm.connectors.vk.connector import VkConnector

    class Account:
        external_id = str(GROUP_ID)
        handle = "bench_wall"

    fake.reset_counters()
    started = time.monotonic()
    collected = VkConnector().collect_posts(Account(), TOKEN, None)
    return _figures(fake, started, len(collected.posts))


def bench_vk_api(fake: FakeVK, url: str) -> dict[str, Any]:
    import vk_api
    from vk_api.tools import VkTools

    session = vk_api.VkApi(token=TOKEN, api_version="5.199")
    session.http.mount(VK_API_PREFIX, _ToFake(url))
    fake.reset_counters()
    started = time.monotonic()
    items = VkTools(session).get_all("wall.get", 100, {"owner_id": -GROUP_ID})["items"]
    return _figures(fake, started, len(items))


def _figures(fake: FakeVK, started: float, posts: int) -> dict[str, Any]:
    return {
        "posts": posts,
        "requests": fake.count(),
        "inner_calls": fake.count(include_inner=True) - fake.count(),
        "max_per_second": fake.max_requests_in_window(token=TOKEN, window=1.0),
        "seconds": round(time.monotonic() - started, 2),
        "errors": sum(1 for r in fake.requests if r.error_code is not None),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args(argv)

    os.environ.setdefault("SMARTSMM_DATA_DIR", tempfile.mkdtemp(prefix="smartsmm-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartsmm.config.settings")
    fake = _fake(args.posts)
    url, stop = serve_in_thread(fake)
    os.environ["SMARTSMM_VK_API_URL"] = url
    import django

    django.setup()
    try:
        ours = bench_ours(fake)
        try:
            theirs: dict[str, Any] | None = bench_vk_api(fake, url)
        except Exception as exc:  # e.g. a VKScript the fake does not interpret
            print(f"vk_api run failed: {type(exc).__name__}: {exc}")
            theirs = None
    finally:
        stop()
    budget = (args.posts / 100) / 20
    print(f"wall of {args.posts} posts; budget: ≤ {budget:g} requests, ≤ 3 requests in any second")
    print(
        f"{'client':<22}{'posts':>8}{'requests':>10}{'calls inside':>14}{'max/s':>7}{'seconds':>9}{'errors':>8}"
    )
    for name, figures in (("smartsmm VkConnector", ours), ("vk_api VkTools.get_all", theirs)):
        if figures is None:
            continue
        print(
            f"{name:<22}{figures['posts']:>8}{figures['requests']:>10}{figures['inner_calls']:>14}"
            f"{figures['max_per_second']:>7}{figures['seconds']:>9}{figures['errors']:>8}"
        )
    ok = ours["posts"] == args.posts and ours["requests"] <= budget and ours["max_per_second"] <= 3
    print("acceptance 1:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
