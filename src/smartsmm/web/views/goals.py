"""The goal page, the goal form with its live SMART check, editing and deleting.

Write views look the object up first (404 outside the user's reach), then check the right to
write (403 for a client viewer), then the method: a stranger learns nothing from the status code.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from smartsmm.clients.models import Client
from smartsmm.core.metrics import get_metric
from smartsmm.goals.evaluation import evaluate_draft, evaluate_goal, is_stale
from smartsmm.goals.messages import check_reason, explain_forecast
from smartsmm.goals.models import Goal
from smartsmm.web.access import with_access
from smartsmm.web.forms import GoalForm


def _checks(evaluation: dict[str, Any]) -> list[dict[str, Any]]:
    language = get_language() or "ru"
    return [{**c, "reason": check_reason(c, language)} for c in evaluation.get("checks", [])]


@with_access
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    goal = access.goal(pk)
    if is_stale(goal):
        evaluate_goal(goal)
    metric = get_metric(goal.metric_key)
    evaluation = goal.evaluation
    chart = {
        "series": evaluation.get("series", {}),
        "fan": evaluation.get("forecast", {}).get("fan", []),
        "plan": {
            "start": goal.start_date.isoformat(),
            "deadline": goal.deadline.isoformat(),
            "baseline": goal.baseline_value,
            "target": goal.target,
        },
        "percent": metric.is_percent,
    }
    return render(
        request,
        "web/goal.html",
        {
            "goal": goal,
            "client": goal.client,
            "metric": metric,
            "evaluation": evaluation,
            "checks": _checks(evaluation),
            "forecast": evaluation.get("forecast", {}),
            "explanation": explain_forecast(evaluation.get("forecast", {}), metric),
            "progress": evaluation.get("progress", {}),
            "chart": chart,
            "can_write": access.can_write,
            "language": get_language() or "ru",
        },
    )


def _save_goal(form: GoalForm, request: HttpRequest, client: Client) -> Goal:
    goal: Goal = form.save(commit=False)
    goal.client = client
    goal.metric_version = get_metric(goal.metric_key).version
    if goal.created_by_id is None:
        goal.created_by = request.user  # type: ignore[assignment]
    evaluation = evaluate_draft(form.draft())
    goal.baseline_value = evaluation["baseline"]["value"]
    baseline_date = evaluation["baseline"]["date"]
    goal.baseline_date = baseline_date
    goal.save()
    evaluate_goal(goal)
    return goal


@with_access
def goal_create(request: HttpRequest, slug: str) -> HttpResponse:
    client = request.access.client(slug)  # type: ignore[attr-defined]
    request.access.require_write()  # type: ignore[attr-defined]
    form = GoalForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        goal = _save_goal(form, request, client)
        return redirect("goal", pk=goal.pk)
    return render(request, "web/goal_form.html", {"form": form, "client": client, "goal": None})


@with_access
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = request.access.goal(pk)  # type: ignore[attr-defined]
    request.access.require_write()  # type: ignore[attr-defined]
    form = GoalForm(request.POST or None, instance=goal, client=goal.client)
    if request.method == "POST" and form.is_valid():
        goal.baseline_value = None
        goal = _save_goal(form, request, goal.client)
        return redirect("goal", pk=goal.pk)
    return render(request, "web/goal_form.html", {"form": form, "client": goal.client, "goal": goal})


@with_access
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    goal = request.access.goal(pk)  # type: ignore[attr-defined]
    request.access.require_write()  # type: ignore[attr-defined]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    slug = goal.client.slug
    goal.delete()
    return redirect("client", slug=slug)


@with_access
def goal_check(request: HttpRequest, slug: str) -> HttpResponse:
    """The live SMART check of the goal form (htmx): re-evaluates the goal as typed."""
    client = request.access.client(slug)  # type: ignore[attr-defined]
    request.access.require_write()  # type: ignore[attr-defined]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = GoalForm(request.POST, client=client)
    form.is_valid()  # fills cleaned_data with what parses; errors are shown next to the fields
    evaluation = evaluate_draft(form.draft())
    forecast = evaluation.get("forecast", {})
    metric_key = form.cleaned_data.get("metric_key")
    metric = get_metric(metric_key) if metric_key else None
    return render(
        request,
        "web/partials/smart_check.html",
        {
            "evaluation": evaluation,
            "checks": _checks(evaluation),
            "forecast": forecast,
            "metric": metric,
            "baseline": evaluation.get("baseline", {}),
        },
    )
