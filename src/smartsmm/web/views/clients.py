"""The client page: objectives and platform rationale, accounts, the KPI table, goals."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from smartsmm.clients.models import Client
from smartsmm.core.periods import add_months, month_comparison
from smartsmm.goals.evaluation import ScopeChanges, client_today, evaluate_goal, is_stale
from smartsmm.goals.models import Goal
from smartsmm.measurements.kpis import kpi_table
from smartsmm.web.access import with_access
from smartsmm.web.views.live import data_version, poller_context


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
    context = kpi_context(request, client)
    context.update(
        {
            "objectives": list(client.objectives.prefetch_related("accounts")),
            "accounts": list(client.accounts.select_related("objective")),
            "goals": _goals(client),
            "can_write": access.can_write,
        }
    )
    context.update(poller_context(reverse("client-version", args=[slug]), data_version(context["accounts"])))
    return render(request, "web/client.html", context)


def _goals(client: Client) -> list[Goal]:
    goals = list(client.goals.select_related("objective", "account"))
    changes = ScopeChanges([client.pk])
    for goal in goals:
        if not goal.evaluation or is_stale(goal, changes=changes):
            evaluate_goal(goal)
    return goals


@with_access
def client_goals(request: HttpRequest, slug: str) -> HttpResponse:
    """The client's goals table (htmx): fetched again when an account's data changed."""
    client = request.access.client(slug)  # type: ignore[attr-defined]
    return render(request, "web/partials/client_goals.html", {"client": client, "goals": _goals(client)})


@with_access
def client_accounts(request: HttpRequest, slug: str) -> HttpResponse:
    """The client's accounts with their collection status (htmx)."""
    access = request.access  # type: ignore[attr-defined]
    client = access.client(slug)
    return render(
        request,
        "web/partials/client_accounts.html",
        {
            "client": client,
            "accounts": list(client.accounts.select_related("objective")),
            "can_write": access.can_write,
        },
    )


@with_access
def client_kpis(request: HttpRequest, slug: str) -> HttpResponse:
    client = request.access.client(slug)  # type: ignore[attr-defined]
    return render(request, "web/partials/kpi_table.html", kpi_context(request, client))
