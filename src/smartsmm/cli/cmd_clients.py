"""`smartsmm clients add|list`."""

from __future__ import annotations

import argparse

from django.core.exceptions import ValidationError

from smartsmm.cli.base import CliError, Context, print_table
from smartsmm.clients.slugs import RESERVED_SLUGS, make_slug


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    clients = sub.add_parser("clients", help="the agency's clients")
    actions = clients.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a client")
    add.add_argument("name")
    add.add_argument("--slug", help="short name used in URLs and commands (default: from the name)")
    add.add_argument("--timezone", default="Europe/Moscow", help="IANA time zone (default: Europe/Moscow)")
    add.set_defaults(handler=add_client)
    listing = actions.add_parser("list", help="list clients")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_clients)


def add_client(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.clients.models import Client

    agency = context.agency()
    name = args.name.strip()
    if not name:
        raise CliError("NAME: expected a non-empty client name")
    slug = args.slug or make_slug(name)
    if not slug or make_slug(slug) != slug:
        raise CliError(f"--slug {slug!r}: expected lowercase latin letters, digits and hyphens")
    if slug in RESERVED_SLUGS:
        raise CliError(f"--slug {slug}: the word is reserved by the web app, choose another")
    if Client.objects.filter(agency=agency, slug=slug).exists():
        raise CliError(f"--slug {slug}: a client with this slug already exists in {agency.slug}")
    client = Client(agency=agency, name=name, slug=slug, timezone=args.timezone)
    try:
        client.full_clean()
    except ValidationError as exc:
        problems = "; ".join(f"--{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        raise CliError(problems) from None
    client.save()
    context.print(f"added client {client.slug} ({client.name}, {client.timezone})")
    return 0


def list_clients(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.clients.models import Client

    agency = context.agency()
    clients = list(Client.objects.filter(agency=agency).order_by("slug"))
    data = [
        {
            "slug": c.slug,
            "name": c.name,
            "timezone": c.timezone,
            "accounts": c.accounts.count(),
            "goals": c.goals.count(),
        }
        for c in clients
    ]
    if args.json:
        context.print_json(data)
        return 0
    print_table(
        context,
        ["SLUG", "NAME", "TIMEZONE", "ACCOUNTS", "GOALS"],
        [
            [str(d["slug"]), str(d["name"]), str(d["timezone"]), str(d["accounts"]), str(d["goals"])]
            for d in data
        ],
    )
    return 0
