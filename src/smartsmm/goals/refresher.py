"""The in-process worker of the embedded default: keeps goal evaluations fresh.

`smartsmm serve` and `smartsmm demo` start it as a daemon thread so that list pages, which only
read cached evaluations, never show yesterday's forecast for long. Deployments with a separate
worker run the same loop through `smartsmm goals refresh` on a schedule.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections

logger = logging.getLogger(__name__)

REFRESH_EVERY_SECONDS = 600


def refresh_stale_goals() -> int:
    from smartsmm.goals.evaluation import ScopeChanges, evaluate_goal, is_stale
    from smartsmm.goals.models import Goal

    count = 0
    changes = ScopeChanges()  # one query for every goal's scope, instead of two per goal
    for goal in Goal.objects.select_related("client", "objective", "account").iterator(chunk_size=200):
        if is_stale(goal, changes=changes):
            evaluate_goal(goal)
            count += 1
    return count


def _loop(stop: threading.Event) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            refreshed = refresh_stale_goals()
            if refreshed:
                logger.info("refreshed %d goal evaluations", refreshed)
        except Exception:
            logger.exception("goal refresh failed")
        finally:
            close_old_connections()
        stop.wait(REFRESH_EVERY_SECONDS)


def _delayed_loop(stop: threading.Event) -> None:
    # Give the server a moment to start answering before the first (possibly long) round.
    time.sleep(2.0)
    _loop(stop)


def start_refresher() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=_delayed_loop, args=(stop,), name="goal-refresher", daemon=True).start()
    return stop
