"""The client page: objectives and platform rationale, accounts, the KPI table, goals."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from smartsmm.clients.models import Client
from smartsmm.core.periods import add_months, month_comparison
from smartsmm.goals.evaluation import client_today, evaluate_goal
from smartsmm.measurements.kpis import kpi_table
from smartsmm.web.access import with_access


def _month_arg(value: str | None, today: date) -> tuple[int, int]:
    """`?month=YYYY-MM`; anything else (or nothing) means the current month."""
    if value:
        try:
            year, month = (int(part) for part in value.split("-", 1))
            if 2000 <= year <= today.year + 1 and 1 <= month <= 12:
                return year, month
        except ValueError:
            pass
    return today.year, today.month


def kpi_context(request: HttpRequest, client: Client) -> dict[str, Any]:
    today = client_today(client)
    year, month = _month_arg(request.GET.get("month"), today)
    accounts = list(client.accounts.all())
    platforms = sorted({a.platform for a in accounts})
    platform = request.GET.get("platform", "")
    if platform in platforms:
        accounts = [a for a in accounts if a.platform == platform]
    else:
        platform = ""
    comparison = month_comparison(year, month, today)
    months = []
    y, m = today.year, today.month
    for _ in range(18):
        months.append(f"{y:04d}-{m:02d}")
        y, m = add_months(y, m, -1)
    return {
        "client": client,
        "rows": kpi_table(client, accounts, comparison),
        "comparison": comparison,
        "month": f"{year:04d}-{month:02d}",
        "months": months,
        "platform": platform,
        "platforms": platforms,
        "language": get_language() or "ru",
    }


@with_access
def client_detail(request: HttpRequest, slug: str) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    client = access.client(slug)
    goals = list(client.goals.select_related("objective", "account"))
    for goal in goals:
        if not goal.evaluation:
            evaluate_goal(goal)
    context = kpi_context(request, client)
    context.update(
        {
            "objectives": list(client.objectives.prefetch_related("accounts")),
            "accounts": list(client.accounts.select_related("objective")),
            "goals": goals,
            "can_write": access.can_write,
        }
    )
    return render(request, "web/client.html", context)


@with_access
def client_kpis(request: HttpRequest, slug: str) -> HttpResponse:
    client = request.access.client(slug)  # type: ignore[attr-defined]
    return render(request, "web/partials/kpi_table.html", kpi_context(request, client))
