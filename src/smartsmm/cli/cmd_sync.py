"""`smartsmm sync`: collect one account's data from its platform now, with a progress bar."""

from __future__ import annotations

import argparse

from smartsmm.cli.base import CliError, Context, find_account

# The same as smartsmm.collection.sync.KINDS (a test checks): importing that module here would load
# Django models before django.setup(), which runs after the parser is built.
KINDS = ("counters", "daily", "posts")

# Exit status when the account needs a human (token revoked, rights missing): distinct from a usage
# error (2) so that scripts can tell "fix the account" from "fix the command".
EXIT_NEEDS_ATTENTION = 3
EXIT_FAILED = 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sync = sub.add_parser(
        "sync",
        help="collect an account's data from its platform now",
        description=(
            "Collect followers, daily statistics and posts of one account now and log the run. The "
            "first sync backfills the history as far back as the platform allows. Exit status: 0 done, "
            f"{EXIT_FAILED} failed (try again later), {EXIT_NEEDS_ATTENTION} the account needs attention "
            "(the reason is printed), 2 a usage problem."
        ),
    )
    sync.add_argument("--account", required=True, metavar="REF", help="platform:handle, see `accounts list`")
    sync.add_argument(
        "--kind",
        choices=KINDS,
        action="append",
        help="collect only this (repeatable; default: counters, daily and posts)",
    )
    sync.add_argument(
        "--force", action="store_true", help="try even while the platform's daily quota is spent"
    )
    sync.add_argument("--json", action="store_true", help="print the run as JSON")
    sync.set_defaults(handler=sync_command)


def sync_command(args: argparse.Namespace, context: Context) -> int:
    from tqdm import tqdm

    from smartsmm.collection.models import SyncStatus
    from smartsmm.collection.sync import SyncError, sync_account

    account = find_account(context, args.account)
    kinds = tuple(args.kind) if args.kind else KINDS
    bars: dict[str, tqdm] = {}  # type: ignore[type-arg]

    def progress(kind: str, done: int, total: int) -> None:
        bar = bars.get(kind)
        if bar is None:
            for other in bars.values():
                other.close()
            bar = bars[kind] = tqdm(
                desc=f"sync {kind}", unit="req", file=context.err, disable=None, leave=False
            )
        bar.total = max(total, done)
        bar.update(done - bar.n)

    try:
        run = sync_account(account, kinds=kinds, progress=progress, force=args.force)
    except SyncError as exc:
        raise CliError(str(exc)) from None
    finally:
        for bar in bars.values():
            bar.close()
    if args.json:
        context.print_json(
            {
                "account": account.ref,
                "kind": run.kind,
                "status": run.status,
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "requests": run.requests,
                "rows_written": run.rows_written,
                "error": run.error,
                "account_status": account.status,
            }
        )
    else:
        context.print(
            f"{account.ref}: {run.status}, {run.requests} requests, {run.rows_written} rows written ({run.kind})"
        )
    if run.status == SyncStatus.NEEDS_ATTENTION:
        print(f"smartsmm: {account.ref} needs attention: {run.error}", file=context.err)
        return EXIT_NEEDS_ATTENTION
    if run.status != SyncStatus.OK:
        print(f"smartsmm: sync of {account.ref} failed: {run.error}", file=context.err)
        return EXIT_FAILED
    return 0
