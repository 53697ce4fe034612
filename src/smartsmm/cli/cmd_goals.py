"""`smartsmm goals list|refresh`."""

from __future__ import annotations

import argparse
from typing import Any

from django.utils.translation import get_language

from smartsmm.cli.base import CliError, Context


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    goals = sub.add_parser("goals", help="SMART goals")
    actions = goals.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="goals with their SMART checks, probability and status")
    listing.add_argument("--client", metavar="SLUG")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_goals)
    refresh = actions.add_parser("refresh", help="recompute every goal's forecast and checks now")
    refresh.add_argument("--client", metavar="SLUG")
    refresh.set_defaults(handler=refresh_goals)


def _goals(args: argparse.Namespace, context: Context) -> Any:
    from smartsmm.clients.models import Client
    from smartsmm.goals.models import Goal

    agency = context.agency()
    qs = Goal.objects.filter(client__agency=agency).select_related("client", "objective", "account")
    if args.client:
        if not Client.objects.filter(agency=agency, slug=args.client).exists():
            raise CliError(
                f"--client {args.client}: no such client in {agency.slug} (see `smartsmm clients list`)"
            )
        qs = qs.filter(client__slug=args.client)
    return qs.order_by("client__slug", "deadline", "id")


def goal_summary(goal: Any, language: str) -> dict[str, Any]:
    from smartsmm.goals.evaluation import scope_label
    from smartsmm.goals.messages import check_reason, metric_name

    ev = goal.evaluation
    forecast = ev.get("forecast", {})
    return {
        "id": goal.pk,
        "client": goal.client.slug,
        "objective": goal.objective.objective,
        "kpi": goal.metric_key,
        "kpi_name": metric_name(goal.metric_key, language),
        "scope": scope_label(goal.client, goal.scope_kind, goal.account, goal.platform),
        "baseline": goal.baseline_value,
        "target": goal.target,
        "start_date": goal.start_date.isoformat(),
        "deadline": goal.deadline.isoformat(),
        "status": ev.get("progress", {}).get("status", "no_data"),
        "probability": forecast.get("probability"),
        "current_value": ev.get("progress", {}).get("current_value"),
        "percent_of_way": ev.get("progress", {}).get("percent_of_way"),
        "forecast": {
            k: forecast.get(k) for k in ("p10", "p50", "p90", "projected_date", "method", "status", "reason")
        },
        "smart": ev.get("overall"),
        "checks": [
            {
                "criterion": c["criterion"],
                "status": c["status"],
                "code": c["code"],
                "reason": check_reason(c, language),
            }
            for c in ev.get("checks", [])
        ],
    }


SYMBOLS = {"pass": "✓", "warning": "!", "fail": "✗"}


def list_goals(args: argparse.Namespace, context: Context) -> int:
    from smartsmm.goals.evaluation import ensure_fresh

    language = get_language() or "ru"
    goals = ensure_fresh(list(_goals(args, context)))
    data = [goal_summary(g, language) for g in goals]
    if args.json:
        context.print_json(data)
        return 0
    if not data:
        context.print("no goals")
    for item in data:
        p = item["probability"]
        probability = f"{p * 100:.0f}%" if isinstance(p, float) else "—"
        checks = " ".join(f"{c['criterion'][0].upper()}{SYMBOLS[c['status']]}" for c in item["checks"])
        context.print(
            f"#{item['id']} {item['client']}  {item['kpi_name']} ({item['scope']}) → {item['target']:g} "
            f"by {item['deadline']}  {item['status']}  p={probability}  {checks}"
        )
        for c in item["checks"]:
            if c["status"] != "pass":
                context.print(f"    {c['criterion']}: {c['reason']}")
    return 0


def refresh_goals(args: argparse.Namespace, context: Context) -> int:
    from tqdm import tqdm

    from smartsmm.goals.evaluation import evaluate_goal

    goals = list(_goals(args, context))
    for goal in tqdm(goals, desc="goals", unit="goal", file=context.err, disable=None):
        evaluate_goal(goal)
    context.print(f"{len(goals)} goals evaluated")
    return 0
