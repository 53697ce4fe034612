"""Evaluating a goal: its history, forecast, progress and SMART checks, cached on the goal.

A forecast costs tens of milliseconds, so lists (the agency overview, `goals list`) read the
evaluation cached on each goal; it is recomputed when newer data has arrived for any account in
the goal's scope, when the client's day has changed, or when the catalogue version changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from smartsmm.clients.models import Client, SocialAccount
from smartsmm.core.forecast import GoalForecast, forecast_goal
from smartsmm.core.goals import GoalSeries, baseline, chart_start, goal_series, progress
from smartsmm.core.metrics import CATALOGUE_VERSION, Metric, get_metric
from smartsmm.core.objectives import Objective, Platform
from smartsmm.core.smart import GoalFacts, evaluate_smart, overall_status
from smartsmm.goals.models import Goal, ScopeKind
from smartsmm.measurements.queries import ScopeData, scope_data

# 3: the drivers of a lower-is-better KPI read in its own direction (they were mirrored before).
# 4: levels (views per week, ER) forecast in their own unit from an anchored centre, with a `level`
#    driver (round 4 of docs/decisions/0003): cached level forecasts were too wide.
# 5: a level's default start depends on the horizon (round 5): cached level forecasts are recomputed.
# 6: the noise term of a sparsely captured stock is measured across its captures and the follower
#    table refitted (round 9): cached stock forecasts are recomputed.
# 7: a rounded count (YouTube subscribers) is read at its steps and answered in whole steps, with a
#    `rounded` driver (round 12): cached forecasts of such counts are recomputed.
# 8: a rounded count that has not moved for weeks starts higher in its step (round 14).
# 9: the level table is fitted in four passes (round 18): cached level forecasts are recomputed.
EVALUATION_FORMAT = 9


def client_today(client: Client, now: datetime | None = None) -> date:
    """The client's local calendar day."""
    return (now or timezone.now()).astimezone(client.tz).date()


def scope_accounts(
    client: Client, scope_kind: str, account: SocialAccount | None, platform: str
) -> list[SocialAccount]:
    accounts = client.accounts.all()
    if scope_kind == ScopeKind.ACCOUNT:
        return [account] if account is not None and account.client_id == client.pk else []
    if scope_kind == ScopeKind.PLATFORM:
        return list(accounts.filter(platform=platform))
    return list(accounts)


def scope_label(client: Client, scope_kind: str, account: SocialAccount | None, platform: str) -> str:
    if scope_kind == ScopeKind.ACCOUNT:
        return account.ref if account is not None else ""
    if scope_kind == ScopeKind.PLATFORM:
        return platform
    return f"client:{client.slug}" if scope_kind == ScopeKind.CLIENT else ""


def _signed(metric: Metric, value: float) -> float:
    # The forecast answers "P(value ≥ target)"; for a KPI where lower is better (unsubscribe rate)
    # the series and target are mirrored, so the same code answers "P(value ≤ target)".
    return value if metric.higher_is_better else -value


def _unsign_forecast(metric: Metric, forecast: dict[str, Any]) -> dict[str, Any]:
    if metric.higher_is_better:
        return forecast
    flipped = dict(forecast)

    def neg(value: Any) -> Any:
        return -value if isinstance(value, int | float) else value

    flipped["p10"], flipped["p90"] = neg(forecast.get("p90")), neg(forecast.get("p10"))
    flipped["p50"] = neg(forecast.get("p50"))
    flipped["last_value"] = neg(forecast.get("last_value"))
    for key in ("required_daily_pace", "recent_daily_pace"):
        flipped[key] = neg(forecast.get(key))
    for key in ("safe_target", "realistic_target", "ambitious_target"):
        flipped[key] = neg(forecast.get(key))
    flipped["fan"] = [
        {"date": p["date"], "p10": neg(p["p90"]), "p50": neg(p["p50"]), "p90": neg(p["p10"])}
        for p in forecast.get("fan", [])
    ]
    flipped["drivers"] = [
        {**d, "params": _unsign_driver_params(d.get("params", {}))} for d in forecast.get("drivers", [])
    ]
    # The quality needs no flip: the coverage of p10–p90 and the Brier score of "P(value ≥ target)"
    # on the mirrored series are those of the p10–p90 and "P(value ≤ target)" on the KPI's own.
    return flipped


# Driver params that are values or changes of the mirrored series (see core.forecast.Driver). The
# others are sizes or ratios that the mirror leaves alone: a swing's size (`weekly_sd`), required /
# recent pace (`ratio`: both change sign), swing per pace (`relative`), the spread `factor`, weeks
# and dates, a level's kept share of the pace (`keep`). A step's `share` is its size over the absolute
# level, so it changes sign with `size`; a level's `start` is a value.
_MIRRORED_DRIVER_PARAMS = frozenset(
    {"current", "target", "required", "recent", "earlier", "size", "share", "start"}
)


def _unsign_driver_params(params: dict[str, Any]) -> dict[str, Any]:
    return {
        k: -v if k in _MIRRORED_DRIVER_PARAMS and isinstance(v, int | float) else v for k, v in params.items()
    }


def _cut_at_zero(metric: Metric, forecast: dict[str, Any]) -> dict[str, Any]:
    # A count or a rate cannot fall below zero, but a symmetric path spread around a low value
    # does; showing "p10 = −1.8 %" would only confuse. The probability is unaffected.
    if not metric.non_negative:
        return forecast

    def cut(value: Any) -> Any:
        return max(value, 0.0) if isinstance(value, int | float) else value

    result = {k: cut(v) if k in _VALUE_FIELDS else v for k, v in forecast.items()}
    result["fan"] = [
        {**p, "p10": cut(p["p10"]), "p50": cut(p["p50"]), "p90": cut(p["p90"])}
        for p in forecast.get("fan", [])
    ]
    return result


_VALUE_FIELDS = frozenset({"p10", "p50", "p90", "safe_target", "realistic_target", "ambitious_target"})


@dataclass(frozen=True)
class GoalDraft:
    """A goal as typed in the form or stored: what the evaluation needs."""

    client: Client
    metric_key: str | None
    objective: str | None
    scope_kind: str
    account: SocialAccount | None
    platform: str
    target: float | None
    start: date | None
    deadline: date | None
    baseline_value: float | None = None

    @classmethod
    def from_goal(cls, goal: Goal) -> GoalDraft:
        return cls(
            client=goal.client,
            metric_key=goal.metric_key,
            objective=goal.objective.objective,
            scope_kind=goal.scope_kind,
            account=goal.account,
            platform=goal.platform,
            target=goal.target,
            start=goal.start_date,
            deadline=goal.deadline,
            baseline_value=goal.baseline_value,
        )


def _forecast(
    metric: Metric, series: GoalSeries, target: float, deadline: date
) -> tuple[GoalForecast, dict[str, Any]]:
    result = forecast_goal(
        list(series.dates), [_signed(metric, v) for v in series.values], _signed(metric, target), deadline
    )
    return result, _cut_at_zero(metric, _unsign_forecast(metric, result.to_dict()))


def evaluate_draft(
    draft: GoalDraft, *, today: date | None = None, data: ScopeData | None = None
) -> dict[str, Any]:
    """Everything the goal page and lists show about a goal, as a JSON-friendly dict."""
    today = today or client_today(draft.client)
    metric = None
    if draft.metric_key:
        try:
            metric = get_metric(draft.metric_key)
        except KeyError:
            metric = None
    accounts = scope_accounts(draft.client, draft.scope_kind, draft.account, draft.platform)
    if data is None:
        data = scope_data(accounts, draft.client.tz, end=today - timedelta(days=1))
    start = draft.start or today
    result: dict[str, Any] = {
        "format": EVALUATION_FORMAT,
        "catalogue": CATALOGUE_VERSION,
        "computed_for": today.isoformat(),
        "metric": metric.key if metric else None,
        "metric_version": metric.version if metric else None,
        "last_data_date": data.last_data_date.isoformat() if data.last_data_date else None,
    }
    series = GoalSeries((), ())
    base_value = draft.baseline_value
    base_date: date | None = None
    forecast: dict[str, Any] = {}
    fc: GoalForecast | None = None
    if metric is not None and accounts:
        series = goal_series(metric, data.daily, data.posts, start=start, until=today - timedelta(days=1))
        found = baseline(metric, data.daily, data.posts, start=start)
        if found is not None:
            if base_value is None:
                base_value = found[0]
            base_date = found[1]
        if draft.target is not None and draft.deadline is not None and series.dates:
            fc, forecast = _forecast(metric, series, draft.target, draft.deadline)
    result["baseline"] = {"value": base_value, "date": base_date.isoformat() if base_date else None}
    # Only the part of the history the goal page draws is kept: the whole history is in the
    # database, and a cached evaluation should stay a few kilobytes.
    first_drawn = chart_start(metric, start, draft.deadline or today) if metric is not None else start
    drawn = [i for i, d in enumerate(series.dates) if d >= first_drawn]
    result["series"] = {
        "dates": [series.dates[i].isoformat() for i in drawn],
        "values": [series.values[i] for i in drawn],
    }
    result["forecast"] = forecast
    probability = fc.probability if fc is not None and fc.status == "ok" else None
    metric_last_date = series.dates[-1] if series.dates else None
    facts = GoalFacts(
        metric=metric,
        objective=Objective(draft.objective) if draft.objective else None,
        scope_label=scope_label(draft.client, draft.scope_kind, draft.account, draft.platform)
        if accounts
        else "",
        scope_platforms=frozenset(Platform(a.platform) for a in accounts),
        target=draft.target,
        baseline_value=base_value,
        start=draft.start,
        deadline=draft.deadline,
        today=today,
        last_data_date=metric_last_date,
        probability=probability,
        forecast_status=fc.status if fc is not None else "",
        forecast_reason=fc.reason if fc is not None else "",
        required_daily_pace=forecast.get("required_daily_pace"),
        recent_daily_pace=forecast.get("recent_daily_pace"),
    )
    checks = evaluate_smart(facts)
    result["checks"] = [c.to_dict() for c in checks]
    result["overall"] = str(overall_status(checks))
    if (
        metric is not None
        and draft.target is not None
        and draft.deadline is not None
        and base_value is not None
    ):
        prog = progress(
            series=series,
            baseline_value=base_value,
            target=draft.target,
            start=start,
            deadline=draft.deadline,
            today=today,
            higher_is_better=metric.higher_is_better,
            probability=probability,
            recent_daily_pace=forecast.get("recent_daily_pace"),
        )
        result["progress"] = {
            "current_value": prog.current_value,
            "current_date": prog.current_date.isoformat() if prog.current_date else None,
            "baseline_value": prog.baseline_value,
            "target": prog.target,
            "percent_of_way": prog.percent_of_way,
            "plan_value": prog.plan_value,
            "status": str(prog.status),
            "required_daily_pace": prog.required_daily_pace,
            "recent_daily_pace": prog.recent_daily_pace,
        }
    else:
        result["progress"] = {"status": "no_data"}
    return result


def evaluate_goal(goal: Goal, *, today: date | None = None, save: bool = True) -> dict[str, Any]:
    evaluation = evaluate_draft(GoalDraft.from_goal(goal), today=today)
    goal.evaluation = evaluation
    goal.evaluated_at = timezone.now()
    # Copies for lists (see Goal.evaluation_status); `progress` always holds a status.
    goal.evaluation_status = str(evaluation["progress"]["status"])
    probability = evaluation["forecast"].get("probability")
    goal.evaluation_probability = float(probability) if probability is not None else None
    if save:
        Goal.objects.filter(pk=goal.pk).update(
            evaluation=evaluation,
            evaluated_at=goal.evaluated_at,
            evaluation_status=goal.evaluation_status,
            evaluation_probability=goal.evaluation_probability,
        )
    return evaluation


def _data_changed_at(goal: Goal) -> datetime | None:
    accounts = scope_accounts(goal.client, goal.scope_kind, goal.account, goal.platform)
    if not accounts:
        return None
    found = SocialAccount.objects.filter(pk__in=[a.pk for a in accounts]).aggregate(
        last=Max("data_changed_at")
    )
    value = found["last"]
    return value if isinstance(value, datetime) else None


class ScopeChanges:
    """When the data of each goal's scope last changed, for many goals from one query.

    Checking goals one by one asks two queries per goal (its scope's accounts, their latest
    change); the refresher checks every goal of the instance every few minutes.
    """

    def __init__(self, client_ids: Iterable[int] | None = None) -> None:
        rows = SocialAccount.objects.all()
        if client_ids is not None:
            rows = rows.filter(client_id__in=list(client_ids))
        self._accounts: dict[int, list[tuple[int, str, datetime | None]]] = {}
        for pk, client_id, platform, changed in rows.values_list(
            "pk", "client_id", "platform", "data_changed_at"
        ):
            self._accounts.setdefault(client_id, []).append((pk, platform, changed))

    def for_goal(self, goal: Goal) -> datetime | None:
        accounts = self._accounts.get(goal.client_id, [])
        if goal.scope_kind == ScopeKind.ACCOUNT:
            accounts = [a for a in accounts if a[0] == goal.account_id]
        elif goal.scope_kind == ScopeKind.PLATFORM:
            accounts = [a for a in accounts if a[1] == goal.platform]
        return max((a[2] for a in accounts if a[2] is not None), default=None)


def is_stale(goal: Goal, *, today: date | None = None, changes: ScopeChanges | None = None) -> bool:
    if not goal.evaluation or goal.evaluated_at is None:
        return True
    if (
        goal.evaluation.get("format") != EVALUATION_FORMAT
        or goal.evaluation.get("catalogue") != CATALOGUE_VERSION
    ):
        return True
    today = today or client_today(goal.client)
    if goal.evaluation.get("computed_for") != today.isoformat():
        return True
    max_age = timedelta(hours=settings.SMARTSMM_EVALUATION_MAX_AGE_HOURS)
    if timezone.now() - goal.evaluated_at > max_age:
        return True
    changed = changes.for_goal(goal) if changes is not None else _data_changed_at(goal)
    return changed is not None and changed > goal.evaluated_at


def ensure_fresh(goals: Iterable[Goal], *, today: date | None = None) -> list[Goal]:
    """Re-evaluate the goals whose cached evaluation is stale; return them all."""
    goals = list(goals)
    changes = ScopeChanges({goal.client_id for goal in goals})
    result = []
    for goal in goals:
        if is_stale(goal, today=today, changes=changes):
            evaluate_goal(goal, today=today)
        result.append(goal)
    return result
