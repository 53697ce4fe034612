"""The SMART check of a goal: five criteria, each pass / warning / fail with its reason.

The core returns a reason *code* with parameters, not text: the web app and the CLI render it in
the user's language through Django's translation catalogue (smartsmm.goals.messages), so every
sentence a user reads is translatable in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from smartsmm.core.metrics import METRICS, Metric
from smartsmm.core.objectives import Objective, Platform


class Criterion(StrEnum):
    SPECIFIC = "specific"
    MEASURABLE = "measurable"
    ACHIEVABLE = "achievable"
    RELEVANT = "relevant"
    TIME_BOUND = "time_bound"


class CheckStatus(StrEnum):
    PASS = "pass"
    WARNING = "warning"
    FAIL = "fail"


# Thresholds of the Achievable check, shown to users with the result.
NOT_AMBITIOUS_PROBABILITY = 0.95  # at or above: warning, the target is too safe
REALISTIC_PROBABILITY = 0.5  # at or above: pass
AMBITIOUS_PROBABILITY = 0.2  # at or above: warning (ambitious); below: fail (unrealistic)

# Thresholds of the Measurable and Time-bound checks.
FRESH_DATA_DAYS = 3
STALE_DATA_DAYS = 14
MIN_HORIZON_DAYS = 7
MAX_HORIZON_DAYS = 730


@dataclass(frozen=True)
class Check:
    criterion: Criterion
    status: CheckStatus
    code: str
    params: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "criterion": str(self.criterion),
            "status": str(self.status),
            "code": self.code,
            "params": self.params,
        }


@dataclass(frozen=True)
class GoalFacts:
    """Everything the SMART check looks at, gathered by the caller."""

    metric: Metric | None
    objective: Objective | None
    scope_label: str
    scope_platforms: frozenset[Platform]
    target: float | None
    baseline_value: float | None
    start: date | None
    deadline: date | None
    today: date
    last_data_date: date | None
    probability: float | None
    forecast_status: str  # "ok" | "insufficient_history" | "" when not forecast
    forecast_reason: str = ""
    required_daily_pace: float | None = None
    recent_daily_pace: float | None = None


def check_specific(facts: GoalFacts) -> Check:
    if facts.metric is None:
        return Check(Criterion.SPECIFIC, CheckStatus.FAIL, "specific.no_kpi")
    if not facts.scope_label:
        return Check(Criterion.SPECIFIC, CheckStatus.FAIL, "specific.no_scope")
    if facts.target is None:
        return Check(Criterion.SPECIFIC, CheckStatus.FAIL, "specific.no_target")
    if facts.baseline_value is not None:
        sign = 1 if facts.metric.higher_is_better else -1
        if sign * (facts.target - facts.baseline_value) <= 0:
            return Check(
                Criterion.SPECIFIC,
                CheckStatus.WARNING,
                "specific.no_improvement",
                {"target": facts.target, "baseline": facts.baseline_value},
            )
    return Check(
        Criterion.SPECIFIC,
        CheckStatus.PASS,
        "specific.ok",
        {"kpi": facts.metric.key, "scope": facts.scope_label, "target": facts.target},
    )


def check_measurable(facts: GoalFacts) -> Check:
    if facts.metric is None:
        return Check(Criterion.MEASURABLE, CheckStatus.FAIL, "measurable.no_kpi")
    if facts.scope_platforms and not (facts.scope_platforms & facts.metric.platforms):
        return Check(
            Criterion.MEASURABLE,
            CheckStatus.FAIL,
            "measurable.platform_lacks_kpi",
            {"platforms": sorted(str(p) for p in facts.scope_platforms), "kpi": facts.metric.key},
        )
    if facts.last_data_date is None:
        return Check(Criterion.MEASURABLE, CheckStatus.FAIL, "measurable.no_data", {"kpi": facts.metric.key})
    age = (facts.today - facts.last_data_date).days
    params: dict[str, object] = {"last_date": facts.last_data_date.isoformat(), "days": age}
    if age <= FRESH_DATA_DAYS:
        return Check(Criterion.MEASURABLE, CheckStatus.PASS, "measurable.ok", params)
    if age <= STALE_DATA_DAYS:
        return Check(Criterion.MEASURABLE, CheckStatus.WARNING, "measurable.stale", params)
    return Check(Criterion.MEASURABLE, CheckStatus.FAIL, "measurable.too_old", params)


def check_achievable(facts: GoalFacts) -> Check:
    params: dict[str, object] = {
        "required_pace": facts.required_daily_pace,
        "recent_pace": facts.recent_daily_pace,
        "not_ambitious": NOT_AMBITIOUS_PROBABILITY,
        "realistic": REALISTIC_PROBABILITY,
        "ambitious": AMBITIOUS_PROBABILITY,
    }
    if facts.probability is None:
        params["reason"] = facts.forecast_reason
        return Check(Criterion.ACHIEVABLE, CheckStatus.WARNING, "achievable.unknown", params)
    p = facts.probability
    params["probability"] = p
    if p >= NOT_AMBITIOUS_PROBABILITY:
        return Check(Criterion.ACHIEVABLE, CheckStatus.WARNING, "achievable.not_ambitious", params)
    if p >= REALISTIC_PROBABILITY:
        return Check(Criterion.ACHIEVABLE, CheckStatus.PASS, "achievable.realistic", params)
    if p >= AMBITIOUS_PROBABILITY:
        return Check(Criterion.ACHIEVABLE, CheckStatus.WARNING, "achievable.ambitious", params)
    return Check(Criterion.ACHIEVABLE, CheckStatus.FAIL, "achievable.unrealistic", params)


def check_relevant(facts: GoalFacts) -> Check:
    if facts.objective is None:
        return Check(Criterion.RELEVANT, CheckStatus.FAIL, "relevant.no_objective")
    if facts.metric is None:
        return Check(Criterion.RELEVANT, CheckStatus.FAIL, "relevant.no_kpi")
    # Suggest only KPIs the scope's platforms can measure: "reach" is no advice for a Telegram channel.
    serving = [
        m.key
        for m in METRICS
        if m.serves(facts.objective) and (not facts.scope_platforms or m.platforms & facts.scope_platforms)
    ]
    if not facts.metric.serves(facts.objective):
        return Check(
            Criterion.RELEVANT,
            CheckStatus.WARNING,
            "relevant.kpi_does_not_serve",
            {"kpi": facts.metric.key, "objective": str(facts.objective), "suggested": serving},
        )
    return Check(
        Criterion.RELEVANT,
        CheckStatus.PASS,
        "relevant.ok",
        {"kpi": facts.metric.key, "objective": str(facts.objective)},
    )


def check_time_bound(facts: GoalFacts) -> Check:
    if facts.deadline is None:
        return Check(Criterion.TIME_BOUND, CheckStatus.FAIL, "time_bound.no_deadline")
    if facts.start is not None and facts.deadline <= facts.start:
        return Check(
            Criterion.TIME_BOUND,
            CheckStatus.FAIL,
            "time_bound.before_start",
            {"deadline": facts.deadline.isoformat(), "start": facts.start.isoformat()},
        )
    days = (facts.deadline - facts.today).days
    params: dict[str, object] = {"deadline": facts.deadline.isoformat(), "days": days}
    if days <= 0:
        return Check(Criterion.TIME_BOUND, CheckStatus.FAIL, "time_bound.past", params)
    if days < MIN_HORIZON_DAYS:
        return Check(Criterion.TIME_BOUND, CheckStatus.WARNING, "time_bound.too_close", params)
    span = (facts.deadline - (facts.start or facts.today)).days
    if span > MAX_HORIZON_DAYS:
        params["span"] = span
        return Check(Criterion.TIME_BOUND, CheckStatus.WARNING, "time_bound.too_far", params)
    return Check(Criterion.TIME_BOUND, CheckStatus.PASS, "time_bound.ok", params)


def evaluate_smart(facts: GoalFacts) -> tuple[Check, ...]:
    """All five SMART criteria, in S-M-A-R-T order."""
    return (
        check_specific(facts),
        check_measurable(facts),
        check_achievable(facts),
        check_relevant(facts),
        check_time_bound(facts),
    )


def overall_status(checks: tuple[Check, ...]) -> CheckStatus:
    statuses = {c.status for c in checks}
    if CheckStatus.FAIL in statuses:
        return CheckStatus.FAIL
    if CheckStatus.WARNING in statuses:
        return CheckStatus.WARNING
    return CheckStatus.PASS
