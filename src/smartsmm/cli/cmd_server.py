"""`smartsmm demo` and `smartsmm serve`: the web app on the embedded default."""

from __future__ import annotations

import argparse
import os
import time
from datetime import date

from smartsmm.cli.base import CliError, Context


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = sub.add_parser("demo", help="seed the demo agency (idempotent) and serve it")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="seed and exit")
    demo.add_argument(
        "--reset", action="store_true", help="delete the demo agency and seed it anew for today"
    )
    demo.add_argument("--no-worker", action="store_true", help="do not run the collection worker inside")
    demo.add_argument(
        "--no-fake", action="store_true", help="do not start the fake VK server (collection then fails)"
    )
    demo.set_defaults(handler=run_demo)
    serve = sub.add_parser("serve", help="run the web app")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run the collection worker inside (run `smartsmm worker` separately)",
    )
    serve.set_defaults(handler=run_serve)
    migrate = sub.add_parser("migrate", help="create or upgrade the database")
    migrate.set_defaults(handler=run_migrate)


def _check_port(port: int) -> None:
    if not 1 <= port <= 65535:
        raise CliError(f"--port {port}: expected a port number from 1 to 65535")


def run_migrate(args: argparse.Namespace, context: Context) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    context.print("database is up to date")
    return 0


def run_demo(args: argparse.Namespace, context: Context) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from smartsmm.demo.seed import DEMO_PASSWORD, DEMO_USERNAME, VIEWER_USERNAME, demo_data_ends, seed_demo

    _check_port(args.port)
    context.print(f"data folder: {settings.DATA_DIR}")
    call_command("migrate", interactive=False, verbosity=0)
    started = time.monotonic()
    created = seed_demo(progress_to=context.err, rebuild=args.reset)
    took = time.monotonic() - started
    context.print(("demo agency seeded" if created else "demo agency already present") + f" ({took:.1f} s)")
    ends = demo_data_ends()
    if not created and ends is not None and (date.today() - ends).days > 2:
        context.print(f"the demo data ends on {ends}; `smartsmm demo --reset` seeds it anew for today")
    context.print(
        f"login: {DEMO_USERNAME} / {DEMO_PASSWORD}  (client viewer: {VIEWER_USERNAME} / {DEMO_PASSWORD})"
    )
    if args.no_serve:
        return 0
    stop_fake = None
    if not args.no_fake and not os.environ.get("SMARTSMM_VK_API_URL"):
        from smartsmm.demo.live import start_demo_fake

        # The demo's VK accounts are collected from a local fake VK whose numbers drift every few
        # seconds; the variable is what the HTTP module reads, so the worker threads see it too.
        url, stop_fake = start_demo_fake()
        os.environ["SMARTSMM_VK_API_URL"] = url
        context.print(f"fake VK API: {url}  (state: {url.removesuffix('/method')}/_fake/state)")
        # A demo is watched live: collect counters every minute and statistics every five (the real
        # defaults are hourly and daily), so an open page shows the fake's drift within a minute.
        settings.SMARTSMM_SYNC_COUNTERS_MINUTES = 1
        settings.SMARTSMM_SYNC_DAILY_MINUTES = 5
    try:
        return _serve("127.0.0.1", args.port, 8, context, worker=not args.no_worker)
    finally:
        if stop_fake is not None:
            stop_fake()


def run_serve(args: argparse.Namespace, context: Context) -> int:
    from django.core.management import call_command

    _check_port(args.port)
    call_command("migrate", interactive=False, verbosity=0)
    return _serve(args.host, args.port, args.threads, context, worker=not args.no_worker)


def _serve(host: str, port: int, threads: int, context: Context, *, worker: bool) -> int:
    import socket

    from waitress import serve

    from smartsmm.config.wsgi import application
    from smartsmm.goals.refresher import start_refresher

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if probe.connect_ex((host, port)) == 0:
            raise CliError(f"--port {port}: {host}:{port} is already in use; choose another with --port")
    stop_worker = None
    if worker:
        from smartsmm.collection.worker import start_embedded_worker

        # The worker's periodic tasks also refresh stale goal evaluations.
        stop_worker = start_embedded_worker()
        context.print("collection worker: running inside (--no-worker to run `smartsmm worker` apart)")
    else:
        # No worker here: keep goal evaluations fresh with the light in-process refresher.
        start_refresher()
    context.print(f"smartsmm is running at http://{host}:{port}/  (Ctrl+C to stop)")
    context.out.flush()
    try:
        serve(application, host=host, port=port, threads=threads, ident="smartsmm", _quiet=True)
    finally:
        if stop_worker is not None:
            stop_worker()
    return 0
