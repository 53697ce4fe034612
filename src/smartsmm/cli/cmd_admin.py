"""`smartsmm agencies add` and `smartsmm users add`: setting up real use without the admin."""

from __future__ import annotations

import argparse
import getpass

from smartsmm.cli.base import CliError, Context, existing_file
from smartsmm.clients.slugs import make_slug


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    agencies = sub.add_parser("agencies", help="agencies (tenants)")
    actions = agencies.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an agency")
    add.add_argument("name")
    add.add_argument("--slug")
    add.set_defaults(handler=add_agency)

    users = sub.add_parser("users", help="people who log in")
    user_actions = users.add_subparsers(dest="action", metavar="ACTION", required=True)
    add_user = user_actions.add_parser("add", help="add a user to the agency with a role")
    add_user.add_argument("username")
    add_user.add_argument("--role", required=True, choices=["owner", "manager", "analyst", "client_viewer"])
    add_user.add_argument("--client", metavar="SLUG", help="for client_viewer: the client they may see")
    add_user.add_argument(
        "--password-file", metavar="FILE", help="read the password from a file (else asked)"
    )
    add_user.add_argument("--staff", action="store_true", help="may also use the Django admin")
    add_user.set_defaults(handler=add_user_cmd)


def add_agency(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.tenancy.models import Agency

    slug = args.slug or make_slug(args.name)
    if not slug:
        raise CliError("--slug: expected lowercase latin letters, digits and hyphens")
    if Agency.objects.filter(slug=slug).exists():
        raise CliError(f"--slug {slug}: an agency with this slug already exists")
    Agency.objects.create(name=args.name.strip(), slug=slug)
    context.print(f"added agency {slug}")
    return 0


def add_user_cmd(args: argparse.Namespace, context: Context) -> int:
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from smartsmm.clients.models import Client
    from smartsmm.tenancy.models import Membership

    agency = context.agency()
    client = None
    if args.role == "client_viewer":
        if not args.client:
            raise CliError("--client: a client viewer must be bound to one client")
        client = Client.objects.filter(agency=agency, slug=args.client).first()
        if client is None:
            raise CliError(f"--client {args.client}: no such client in {agency.slug}")
    elif args.client:
        raise CliError("--client is only for --role client_viewer")
    if args.password_file:
        password = existing_file(args.password_file, "--password-file").read_text().strip()
    else:
        password = getpass.getpass("password: ")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise CliError("password: " + " ".join(exc.messages)) from None
    user = User.objects.filter(username=args.username).first()
    if user and Membership.objects.filter(user=user, agency=agency).exists():
        raise CliError(f"{args.username} already has a role in {agency.slug}")
    with transaction.atomic():
        if user is None:
            user = User.objects.create_user(args.username, password=password)
        else:
            user.set_password(password)
        user.is_staff = args.staff
        user.save()
        Membership.objects.create(user=user, agency=agency, role=args.role, client=client)
    context.print(f"{args.username} is now {args.role} of {agency.slug}")
    return 0
