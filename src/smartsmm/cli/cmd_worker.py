"""`smartsmm worker`: run the collection worker alone (for set-ups with separate machines)."""

from __future__ import annotations

import argparse

from smartsmm.cli.base import CliError, Context


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    worker = sub.add_parser(
        "worker",
        help="run the collection worker (periodic syncs, goal refresh) until stopped",
        description=(
            "Run the task queue's consumer: every few minutes it claims the accounts whose counters "
            "(hourly) or statistics and posts (daily) are due and syncs them; it also refreshes stale "
            "goal evaluations. `smartsmm serve` and `smartsmm demo` run one inside the web process "
            "unless --no-worker. SIGTERM or Ctrl+C stops it gracefully."
        ),
    )
    worker.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")
    worker.set_defaults(handler=run_worker_command)


def run_worker_command(args: argparse.Namespace, context: Context) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from smartsmm.collection.worker import run_worker

    if not 1 <= args.workers <= 64:
        raise CliError(f"--workers {args.workers}: expected 1 to 64")
    call_command("migrate", interactive=False, verbosity=0)
    queue = "Redis" if settings.REDIS_URL else f"{settings.DATA_DIR / 'queue.sqlite3'}"
    context.print(f"smartsmm worker: {args.workers} threads, queue {queue}  (Ctrl+C to stop)")
    context.out.flush()
    run_worker(args.workers)
    context.print("smartsmm worker stopped")
    return 0
