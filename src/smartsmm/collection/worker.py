"""Running the collection worker: the Huey consumer, alone (`smartsmm worker`) or inside the server.

Both start the same way: close the runs a killed worker left ``running`` (all of them when the queue
is the local SQLite file, since only this machine runs workers; otherwise only those past
:data:`~smartsmm.collection.tasks.RUN_TIMEOUT`), then dispatch what is due at once instead of waiting
for the next periodic tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from huey.consumer import Consumer

logger = logging.getLogger(__name__)

#: Seconds a graceful stop waits for running syncs before giving up on them (they are redone).
SHUTDOWN_TIMEOUT = 30.0


class _QuietConsumer(Consumer):
    """A consumer that leaves signal handling to its host (waitress, or our own handlers)."""

    def _set_signal_handlers(self) -> None:
        pass


def prepare() -> None:
    """Reap interrupted runs and enqueue a first dispatch (see the module docstring)."""
    from django.db import close_old_connections

    from smartsmm.collection.tasks import dispatch_due_task, reap_interrupted_runs, uses_local_queue

    closed = reap_interrupted_runs(all_running=uses_local_queue())
    if closed:
        logger.warning("closed %d sync runs interrupted by a previous worker", closed)
    close_old_connections()
    dispatch_due_task()  # calling a task enqueues it


def build_consumer(workers: int, *, quiet: bool) -> Consumer:
    """A thread-based consumer with periodic tasks, stopping gracefully on SIGTERM (and SIGINT)."""
    from smartsmm.collection.tasks import huey

    cls = _QuietConsumer if quiet else Consumer
    return cls(
        huey,
        workers=workers,
        periodic=True,
        worker_type="thread",
        # Huey's default treats SIGTERM as "stop now"; ours lets running syncs finish (they are
        # idempotent either way, but a finished sync saves redoing its requests).
        graceful_signal="TERM",
        shutdown_timeout=SHUTDOWN_TIMEOUT,
        max_delay=2.0,
    )


def run_worker(workers: int) -> None:
    """Run the consumer in the foreground until SIGTERM or SIGINT (`smartsmm worker`)."""
    prepare()
    consumer = build_consumer(workers, quiet=False)
    consumer.run()


def start_embedded_worker(workers: int = 2) -> Callable[[], None]:
    """Start the consumer's threads inside this process (serve/demo); returns a graceful ``stop``."""
    prepare()
    consumer = build_consumer(workers, quiet=True)
    consumer.start()

    def stop() -> None:
        consumer.stop(graceful=True)

    return stop
