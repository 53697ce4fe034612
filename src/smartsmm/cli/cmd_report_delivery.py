"""`smartsmm report deliver-due` and `smartsmm report schedule list|add|remove`.

These are actions of the `report` command group, whose parser lives in `cmd_report.py`; that module
calls :func:`register_actions` with its sub-parsers.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from smartsmm.cli.base import CliError, Context

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def register_actions(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    due = actions.add_parser(
        "deliver-due", help="deliver the scheduled reports that are due now (e-mail, Telegram); for cron"
    )
    due.add_argument("--now", metavar="ISO", help="pretend it is this moment (e.g. 2026-11-03T09:00+03:00)")
    due.add_argument(
        "--all-agencies", action="store_true", help="every agency's schedules (cron on a shared instance)"
    )
    due.add_argument("--json", action="store_true")
    due.set_defaults(handler=deliver_due)

    schedule = actions.add_parser("schedule", help="scheduled delivery of a client's reports")
    sched_actions = schedule.add_subparsers(dest="schedule_action", metavar="ACTION", required=True)
    listing = sched_actions.add_parser("list", help="schedules with their last delivery")
    listing.add_argument("--client", metavar="SLUG")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_schedules)
    add = sched_actions.add_parser("add", help="add a schedule")
    add.add_argument("kind", choices=["monthly", "weekly"])
    add.add_argument("--client", metavar="SLUG", required=True)
    add.add_argument("--day", type=int, metavar="1-28", help="day of the month (monthly)")
    add.add_argument("--weekday", choices=WEEKDAYS, help="weekday (weekly)")
    add.add_argument("--hour", type=int, default=9, metavar="0-23", help="hour in the client's time zone (9)")
    add.add_argument("--formats", default="pdf", help="comma-separated: pdf,xlsx,pptx,html (pdf)")
    add.add_argument("--language", choices=["ru", "en"], default="ru")
    add.add_argument(
        "--email", action="append", default=[], metavar="ADDRESS", help="a recipient (repeatable)"
    )
    add.add_argument("--telegram-chat", metavar="CHAT_ID", default="")
    add.set_defaults(handler=add_schedule)
    remove = sched_actions.add_parser("remove", help="remove a schedule")
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=remove_schedule)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """A `report` group with only these actions (when `cmd_report` is not registered)."""
    report = sub.add_parser("report", help="reports: delivery schedules")
    register_actions(report.add_subparsers(dest="action", metavar="ACTION", required=True))


def _parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(
            f"--now {value!r}: expected an ISO date and time, e.g. 2026-11-03T09:00+03:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def deliver_due(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.reports.delivery import deliver_due_reports

    agency_id = None if args.all_agencies else context.agency().pk
    result = deliver_due_reports(_parse_now(args.now), agency_id=agency_id)
    rows = [
        {
            "schedule": d.schedule_id,
            "client": d.schedule.client.slug,
            "period": d.period,
            "channel": d.channel,
            "status": d.status,
            "attempts": d.attempts,
            "error": d.error,
        }
        for d in result.deliveries
    ]
    if args.json:
        context.print_json({"counts": result.as_dict(), "deliveries": rows})
    else:
        for row in rows:
            line = f"{row['client']} {row['period']} {row['channel']}: {row['status']}"
            context.print(line + (f" — {row['error']}" if row["error"] else ""))
        context.print(", ".join(f"{k} {v}" for k, v in result.as_dict().items()))
    failed = any(row["status"] != "sent" for row in rows)
    return 1 if failed else 0


def _client(context: Context, slug: str) -> Any:
    from smartsmm.clients.models import Client

    agency = context.agency()
    client = Client.objects.filter(agency=agency, slug=slug).first()
    if client is None:
        raise CliError(f"--client {slug}: no such client in {agency.slug} (see `smartsmm clients list`)")
    return client


def list_schedules(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.reports.models import ReportSchedule

    agency = context.agency()
    qs = (
        ReportSchedule.objects.filter(client__agency=agency)
        .select_related("client")
        .order_by("client__slug", "pk")
    )
    if args.client:
        qs = qs.filter(client=_client(context, args.client))
    data = []
    for s in qs:
        last = s.deliveries.first()  # type: ignore[attr-defined]
        data.append(
            {
                "id": s.pk,
                "client": s.client.slug,
                "kind": s.kind,
                "day_of_month": s.day_of_month,
                "weekday": WEEKDAYS[s.weekday] if s.weekday is not None else None,
                "hour": s.hour,
                "formats": s.formats,
                "language": s.language,
                "email": s.email_recipients,
                "telegram_chat": s.telegram_chat_id,
                "enabled": s.enabled,
                "last_delivery": (
                    {"period": last.period, "channel": last.channel, "status": last.status} if last else None
                ),
            }
        )
    if args.json:
        context.print_json(data)
        return 0
    if not data:
        context.print("no schedules")
    for item in data:
        when = f"day {item['day_of_month']}" if item["kind"] == "monthly" else item["weekday"]
        to = ", ".join(
            [*item["email"], *([f"telegram {item['telegram_chat']}"] if item["telegram_chat"] else [])]
        )
        state = "" if item["enabled"] else " (paused)"
        context.print(
            f"#{item['id']} {item['client']} {item['kind']} {when} {item['hour']:02d}:00 "
            f"{','.join(item['formats'])} {item['language']} → {to}{state}"
        )
    return 0


def add_schedule(args: argparse.Namespace, context: Context) -> int:
    from django.core.exceptions import ValidationError

    from smartsmm.reports.models import ReportSchedule

    client = _client(context, args.client)
    schedule = ReportSchedule(
        client=client,
        kind=args.kind,
        day_of_month=args.day if args.kind == "monthly" else None,
        weekday=WEEKDAYS.index(args.weekday) if args.kind == "weekly" and args.weekday else None,
        hour=args.hour,
        formats=[f.strip().lower() for f in args.formats.split(",") if f.strip()],
        language=args.language,
        email_recipients=list(dict.fromkeys(args.email)),
        telegram_chat_id=args.telegram_chat,
    )
    try:
        schedule.full_clean()
    except ValidationError as exc:
        problems = "; ".join(
            f"{field}: {' '.join(str(m) for m in messages)}"
            if field != "__all__"
            else " ".join(str(m) for m in messages)
            for field, messages in exc.message_dict.items()
        )
        raise CliError(f"schedule not added: {problems}") from None
    schedule.save()
    context.print(f"schedule #{schedule.pk} added")
    return 0


def remove_schedule(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.reports.models import ReportSchedule

    agency = context.agency()
    deleted, _ = ReportSchedule.objects.filter(client__agency=agency, pk=args.id).delete()
    if not deleted:
        raise CliError(f"no schedule #{args.id} in {agency.slug} (see `smartsmm report schedule list`)")
    context.print(f"schedule #{args.id} removed")
    return 0
