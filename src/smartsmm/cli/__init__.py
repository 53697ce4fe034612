"""The `smartsmm` console command: the scripting interface documented in the README.

Every sub-command lives in its own module under smartsmm.cli and registers itself in `COMMANDS`.
A user never sees a traceback: expected problems raise `CliError` (printed, exit 2); anything
unexpected is logged with its traceback to the data folder and summarised in one line (exit 1).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from smartsmm.cli.base import CliError, Context

logger = logging.getLogger("smartsmm.cli")


def build_parser() -> argparse.ArgumentParser:
    from smartsmm.cli import commands

    parser = argparse.ArgumentParser(
        prog="smartsmm",
        description="Goal-driven SMM: objectives, audits, KPIs, SMART goals, measurement and reports.",
    )
    parser.add_argument(
        "--agency", metavar="SLUG", help="the agency to work in (needed when there are several)"
    )
    parser.add_argument(
        "--lang", choices=["ru", "en"], help="language of messages (default: SMARTSMM_LANGUAGE or ru)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.register_all(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartsmm.config.settings")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.utils import translation

        translation.activate(args.lang or settings.LANGUAGE_CODE)
        context = Context(agency_slug=args.agency, out=sys.stdout, err=sys.stderr)
        result = args.handler(args, context)
        return int(result or 0)
    except CliError as exc:
        print(f"smartsmm: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("smartsmm: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        logger.exception("unexpected error in %s", args.command)
        if os.environ.get("SMARTSMM_DEBUG", "").lower() in {"1", "true", "yes"}:
            raise
        print(
            f"smartsmm: internal error: {type(exc).__name__}: {exc} (the full report is in the log file)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
