"""`smartsmm import` and `smartsmm export` of daily metrics and posts."""

from __future__ import annotations

import argparse
from pathlib import Path

from smartsmm.cli.base import CliError, Context, existing_file, find_account, parse_date_arg


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    imp = sub.add_parser("import", help="import daily metrics or posts from CSV or XLSX")
    imp.add_argument("kind", choices=["daily", "posts"])
    imp.add_argument("file")
    imp.add_argument("--account", required=True, metavar="REF", help="platform:handle, see `accounts list`")
    imp.set_defaults(handler=import_file)
    exp = sub.add_parser("export", help="export daily metrics or posts as CSV in the import format")
    exp.add_argument("kind", choices=["daily", "posts"])
    exp.add_argument("--account", required=True, metavar="REF")
    exp.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD")
    exp.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD")
    exp.add_argument("--out", required=True, metavar="FILE")
    exp.set_defaults(handler=export_file)


def import_file(args: argparse.Namespace, context: Context) -> int:
    from tqdm import tqdm

    from smartsmm.measurements.importing import ImportFailed, import_daily, import_posts

    path = existing_file(args.file, "FILE")
    account = find_account(context, args.account)
    run = import_daily if args.kind == "daily" else import_posts
    # The file is read and checked first (no bar: it cannot say how far it is), then the bar follows
    # the writing batch by batch.
    with tqdm(
        desc=f"import {args.kind}", unit="row", unit_scale=True, file=context.err, disable=None, leave=False
    ) as bar:

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            result = run(path, account, progress=advance)
        except ImportFailed as failed:
            bar.close()
            for line in failed.errors:
                print(line, file=context.err)
            raise CliError(
                f"{path}: {failed.total_errors} problem(s) found, nothing was imported", exit_code=1
            ) from None
    context.print(
        f"{path}: {result.rows_read} rows read, {result.rows_written} written, "
        f"{result.rows_unchanged} unchanged ({account.ref})"
    )
    return 0


def export_file(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.measurements.exporting import export_daily, export_posts

    account = find_account(context, args.account)
    start = parse_date_arg(args.start, "--from") if args.start else None
    end = parse_date_arg(args.end, "--to") if args.end else None
    if start and end and end < start:
        raise CliError(f"--to {end} is before --from {start}")
    out = Path(args.out)
    if out.exists() and out.is_dir():
        raise CliError(f"--out {out}: is a folder, expected a file name")
    if not out.parent.exists():
        raise CliError(f"--out {out}: the folder {out.parent} does not exist")
    run = export_daily if args.kind == "daily" else export_posts
    count = run(account, out, start, end)
    context.print(f"{out}: {count} rows exported from {account.ref}")
    return 0
