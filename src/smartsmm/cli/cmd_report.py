"""`smartsmm report monthly|weekly|audit`: a report as a PDF, XLSX, PPTX or HTML file."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from smartsmm.cli.base import CliError, Context, find_account

FORMATS = ("pdf", "xlsx", "pptx", "html")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = sub.add_parser("report", help="monthly client report, weekly internal report, account audit")
    kinds = report.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    # Scheduled delivery (`report deliver-due`, `report schedule …`) lives in its own module.
    from smartsmm.cli import cmd_report_delivery

    cmd_report_delivery.register_actions(kinds)

    monthly = kinds.add_parser(
        "monthly", help="a client's monthly report (the last complete month by default)"
    )
    monthly.add_argument("--client", required=True, metavar="SLUG")
    monthly.add_argument("--month", metavar="YYYY-MM", help="the month, in the client's time zone")
    _output_arguments(monthly)
    monthly.set_defaults(handler=run_client_report, kind="monthly", period_arg="month")

    weekly = kinds.add_parser(
        "weekly", help="a client's weekly internal report (the last complete week by default)"
    )
    weekly.add_argument("--client", required=True, metavar="SLUG")
    weekly.add_argument("--week", metavar="YYYY-Www", help="the ISO week, e.g. 2026-W47")
    _output_arguments(weekly)
    weekly.set_defaults(handler=run_client_report, kind="weekly", period_arg="week")

    audit = kinds.add_parser("audit", help="the express audit of one account")
    audit.add_argument("--account", required=True, metavar="REF", help="platform:handle, see `accounts list`")
    audit.add_argument(
        "--days", type=int, default=90, help="the window: the last N complete days (default 90)"
    )
    _output_arguments(audit)
    audit.set_defaults(handler=run_audit_report)


def _output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("--out", required=True, metavar="FILE", help="where to write the report")


def _client(context: Context, slug: str) -> Any:
    from smartsmm.clients.models import Client

    agency = context.agency()
    client = Client.objects.filter(agency=agency, slug=slug).select_related("agency").first()
    if client is None:
        raise CliError(f"--client {slug}: no such client in {agency.slug} (see `smartsmm clients list`)")
    return client


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, so a failure never leaves half a report."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"--out {path}: the folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CliError(f"--out {path}: cannot write: {error.strerror}") from None


def run_client_report(args: argparse.Namespace, context: Context) -> int:
    from django.utils.translation import get_language

    from smartsmm.reports.render import render
    from smartsmm.reports.service import ReportError, build_report

    client = _client(context, args.client)
    period = getattr(args, args.period_arg)
    try:
        report = build_report(client, args.kind, period=period, language=get_language() or "ru")
    except ReportError as error:
        raise CliError(f"--{args.period_arg} {period}: {error}" if period else str(error)) from None
    path = Path(args.out)
    _write(path, render(report, args.format))
    context.print(f"{path}: {report.title} — {report.client_name}, {report.period_label} ({args.format})")
    return 0


def run_audit_report(args: argparse.Namespace, context: Context) -> int:
    from django.utils.translation import get_language

    from smartsmm.reports.render import render
    from smartsmm.reports.service import ReportError, build_audit

    account = find_account(context, args.account)
    try:
        report = build_audit(account, days=args.days, language=get_language() or "ru")
    except ReportError as error:
        raise CliError(f"--days {args.days}: {error}") from None
    path = Path(args.out)
    _write(path, render(report, args.format))
    context.print(f"{path}: {report.title}, {report.period_label} ({args.format})")
    return 0
