"""`smartsmm demo` and `smartsmm serve`: the web app on the embedded default."""

from __future__ import annotations

import argparse
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
    demo.set_defaults(handler=run_demo)
    serve = sub.add_parser("serve", help="run the web app")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--threads", type=int, default=8)
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
    return _serve("127.0.0.1", args.port, 8, context)


def run_serve(args: argparse.Namespace, context: Context) -> int:
    from django.core.management import call_command

    _check_port(args.port)
    call_command("migrate", interactive=False, verbosity=0)
    return _serve(args.host, args.port, args.threads, context)


def _serve(host: str, port: int, threads: int, context: Context) -> int:
    import socket

    from waitress import serve

    from smartsmm.config.wsgi import application
    from smartsmm.goals.refresher import start_refresher

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if probe.connect_ex((host, port)) == 0:
            raise CliError(f"--port {port}: {host}:{port} is already in use; choose another with --port")
    start_refresher()
    context.print(f"smartsmm is running at http://{host}:{port}/  (Ctrl+C to stop)")
    context.out.flush()
    serve(application, host=host, port=port, threads=threads, ident="smartsmm", _quiet=True)
    return 0
