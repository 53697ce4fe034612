"""The demo's live side: a fake VK serving the demo's VK communities, continuing their history.

`smartsmm demo` starts it in-process (unless ``SMARTSMM_VK_API_URL`` is set) and the embedded worker
collects from it. Each community starts where the seeded history ends — members at the last seeded
follower count, post ids after the last seeded post — so the first sync extends the history instead
of contradicting it; from then on the numbers drift every :data:`DRIFT_EVERY` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from smartsmm.fakes.vk import (
    DEMO_COMMUNITIES,
    FakeVK,
    Post,
    build_demo_fake,
    serve_in_thread,
    start_drift,
)

#: Days of statistics the fake holds: enough to cover a sync's overlap (the last 3 days re-read).
FAKE_DAYS = 7
#: Seconds between drifts of the fake's numbers: a dashboard sees changes within a minute.
DRIFT_EVERY = 10.0


def build_live_fake(seed: int = 7) -> FakeVK:
    """A fake VK whose demo communities continue the seeded demo agency's VK accounts."""
    from smartsmm.clients.models import SocialAccount
    from smartsmm.demo.seed import DEMO_AGENCY_SLUG
    from smartsmm.measurements.models import DailyMetric
    from smartsmm.measurements.models import Post as StoredPost

    continued: dict[int, int] = {}
    last_post_ids: dict[int, int] = {}
    for item in DEMO_COMMUNITIES:
        account = SocialAccount.objects.filter(
            agency__slug=DEMO_AGENCY_SLUG, platform="vk", external_id=str(item.group_id)
        ).first()
        if account is None:
            continue
        last = DailyMetric.objects.filter(account=account, metric="followers").order_by("-day").first()
        if last is not None:
            continued[item.group_id] = int(last.value)
        ids = StoredPost.objects.filter(account=account).values_list("external_id", flat=True)
        last_post_ids[item.group_id] = max((int(i) for i in ids if i.isdigit()), default=0)
    # The seeded history is in the database already: the fake holds only the last days and no wall.
    fake = build_demo_fake(seed, posts=0, days=FAKE_DAYS, members=continued)
    for item in DEMO_COMMUNITIES:
        members = continued.get(item.group_id, item.members)
        last_post_id = last_post_ids.get(item.group_id, 0)
        # Two posts of the last day, numbered after the seeded wall: drift adds more after them.
        now = int(time.time())
        community = fake.community(item.group_id)
        for offset, hours_ago in enumerate((20, 3), start=1):
            community.posts.append(
                Post(
                    id=last_post_id + offset,
                    date=now - hours_ago * 3600,
                    text=item.texts[offset % len(item.texts)],
                    views=members // 10,
                    likes=members // 300,
                    attachments=["photo"],
                )
            )
    return fake


def start_demo_fake() -> tuple[str, Callable[[], None]]:
    """Serve :func:`build_live_fake` on a free loopback port with drift; returns ``(url, stop)``."""
    fake = build_live_fake()
    url, stop_server = serve_in_thread(fake)
    stop_drift = start_drift(fake, DRIFT_EVERY)

    def stop() -> None:
        stop_drift()
        stop_server()

    return url, stop
