"""`smartsmm accounts list`."""

from __future__ import annotations

import argparse

from smartsmm.cli.base import CliError, Context, print_table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    accounts = sub.add_parser("accounts", help="the clients' social accounts")
    actions = accounts.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list accounts")
    listing.add_argument("--client", metavar="SLUG", help="only this client's accounts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_accounts)


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
