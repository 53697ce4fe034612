"""The agency overview: every client with its goals' status."""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from smartsmm.goals.evaluation import evaluate_goal
from smartsmm.web.access import with_access


@with_access
def overview(request: HttpRequest) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    if access.is_client_viewer:
        return redirect("client", slug=access.membership.client.slug)
    clients = list(access.clients().prefetch_related("accounts", "objectives"))
    # The overview shows each goal's status and probability only: they are read from their own
    # columns, and the evaluation itself (tens of kilobytes of history and forecast per goal, which
    # took ~150 ms to load and decode for 400 goals) is not loaded at all. The goals' client,
    # objective and account are not shown either; `evaluate_goal` loads them if it must run.
    goals = list(access.goals().defer("evaluation"))
    for goal in goals:
        # Lists read cached evaluations (the refresher keeps them fresh); only a goal never
        # evaluated yet is computed here.
        if not goal.evaluation_status:
            evaluate_goal(goal)
    by_client: dict[int, list] = {c.pk: [] for c in clients}
    for goal in goals:
        by_client[goal.client_id].append(goal)
    rows = []
    totals: Counter[str] = Counter()
    for client in clients:
        client_goals = by_client[client.pk]
        counts = Counter(g.evaluation_status for g in client_goals)
        totals.update(counts)
        rows.append(
            {
                "client": client,
                "goals": client_goals,
                "counts": counts,
                "accounts": list(client.accounts.all()),
                "objectives": list(client.objectives.all()),
                "attention": [a for a in client.accounts.all() if a.status != "active"],
            }
        )
    return render(request, "web/overview.html", {"rows": rows, "totals": totals, "goal_count": len(goals)})
