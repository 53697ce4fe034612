"""`smartsmm accounts list` and `smartsmm accounts add`."""

from __future__ import annotations

import argparse
import sys

from smartsmm.cli.base import CliError, Context, print_table
from smartsmm.connectors.registry import supported_platforms
from smartsmm.core.objectives import Objective


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    accounts = sub.add_parser("accounts", help="the clients' social accounts")
    actions = accounts.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list accounts")
    listing.add_argument("--client", metavar="SLUG", help="only this client's accounts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_accounts)
    add = actions.add_parser(
        "add",
        help="connect an account: the token is checked with the platform, then stored encrypted",
        description=(
            "Connect a community for automatic collection. The token is read from a file (never from "
            "the command line, where it would end up in the shell history and the process list), "
            "checked with the platform, stored encrypted and never printed. Adding an account that "
            "is already connected replaces its token."
        ),
    )
    add.add_argument("platform", choices=supported_platforms())
    add.add_argument("ref", metavar="SCREEN_NAME_OR_ID", help="e.g. zerno_coffee, 218453201 or a link")
    add.add_argument("--client", required=True, metavar="SLUG", help="the client the account belongs to")
    add.add_argument(
        "--token-file", required=True, metavar="FILE", help="file holding the token (-: standard input)"
    )
    add.add_argument(
        "--objective", choices=[o.value for o in Objective], help="the client's objective it serves"
    )
    add.add_argument("--rationale", default="", metavar="TEXT", help="why the client is on this platform")
    add.add_argument("--json", action="store_true", help="print JSON")
    add.set_defaults(handler=add_account)


def list_accounts(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.clients.models import Client, SocialAccount

    agency = context.agency()
    qs = SocialAccount.objects.filter(agency=agency).select_related("client", "objective")
    if args.client:
        if not Client.objects.filter(agency=agency, slug=args.client).exists():
            raise CliError(
                f"--client {args.client}: no such client in {agency.slug} (see `smartsmm clients list`)"
            )
        qs = qs.filter(client__slug=args.client)
    data = [
        {
            "ref": a.ref,
            "platform": a.platform,
            "client": a.client.slug,
            "external_id": a.external_id,
            "handle": a.handle,
            "url": a.url,
            "objective": a.objective.objective if a.objective else None,
            "rationale": a.rationale,
            "status": a.status,
            "last_error": a.last_error,
            "last_synced_at": a.last_synced_at.isoformat() if a.last_synced_at else None,
        }
        for a in qs.order_by("client__slug", "platform", "ref_key")
    ]
    if args.json:
        context.print_json(data)
        return 0
    print_table(
        context,
        ["REF", "CLIENT", "STATUS", "LAST SYNC", "OBJECTIVE"],
        [
            [
                str(d["ref"]),
                str(d["client"]),
                str(d["status"]),
                str(d["last_synced_at"] or "—"),
                str(d["objective"] or "—"),
            ]
            for d in data
        ],
    )
    return 0


def _read_token(name: str) -> str:
    if name == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(name, encoding="utf-8") as handle:
                text = handle.read()
        except FileNotFoundError:
            raise CliError(f"--token-file {name}: no such file") from None
        except IsADirectoryError:
            raise CliError(f"--token-file {name}: not a file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"--token-file {name}: cannot read it ({type(exc).__name__})") from None
    token = text.strip()
    if not token:
        raise CliError(f"--token-file {name}: the file is empty")
    return token


def add_account(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.clients.models import BusinessObjective, Client
    from smartsmm.connectors.registry import connect_form_class

    agency = context.agency()
    client = Client.objects.filter(agency=agency, slug=args.client).first()
    if client is None:
        raise CliError(
            f"--client {args.client}: no such client in {agency.slug} (see `smartsmm clients list`)"
        )
    token = _read_token(args.token_file)
    form = connect_form_class(args.platform)(data={"account": args.ref, "token": token})
    if not form.is_valid():
        reasons = [str(message) for messages in form.errors.values() for message in messages]
        raise CliError(f"{args.platform} {args.ref}: not connected: " + " ".join(reasons))
    objective = None
    if args.objective:
        objective, _ = BusinessObjective.objects.get_or_create(client=client, objective=args.objective)
    try:
        account, created = form.save(client, objective=objective, rationale=args.rationale)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    info = form.account_info
    if args.json:
        context.print_json(
            {
                "ref": account.ref,
                "created": created,
                "client": client.slug,
                "external_id": account.external_id,
                "name": account.name,
                "url": account.url,
                "followers": info.followers,
                "token_kind": form.token_info.kind,
                "status": account.status,
            }
        )
        return 0
    members = ""
    if info.followers is not None:
        members = ", " + f"{info.followers:,}".replace(",", " ") + " members"
    verb = "connected" if created else "reconnected (token replaced)"
    context.print(f"{account.ref} {verb}: {account.name}{members}, client {client.slug}.")
    context.print(f"The token is stored encrypted. Collect now with: smartsmm sync --account {account.ref}")
    return 0
