"""The five SMART checks: every reason code, at and around each threshold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from smartsmm.core.metrics import METRICS_BY_KEY, metrics_for_objective
from smartsmm.core.objectives import Objective, Platform
from smartsmm.core.smart import (
    Check,
    CheckStatus,
    Criterion,
    GoalFacts,
    check_achievable,
    check_measurable,
    check_relevant,
    check_specific,
    check_time_bound,
    evaluate_smart,
    overall_status,
)

TODAY = date(2024, 3, 1)

# A goal that passes all five checks: grow VK followers from 1000 to 1200 by 1 June,
# data up to yesterday, a 70 % chance.
GOOD = GoalFacts(
    metric=METRICS_BY_KEY["followers"],
    objective=Objective.AWARENESS,
    scope_label="VK · coffee",
    scope_platforms=frozenset({Platform.VK}),
    target=1200,
    baseline_value=1000,
    start=TODAY,
    deadline=date(2024, 6, 1),
    today=TODAY,
    last_data_date=TODAY - timedelta(days=1),
    probability=0.7,
    forecast_status="ok",
    required_daily_pace=2.2,
    recent_daily_pace=3.0,
)


def _facts(**changes) -> GoalFacts:
    return replace(GOOD, **changes)


def _result(check: Check) -> tuple[CheckStatus, str]:
    return check.status, check.code


def test_it_passes_a_good_goal_on_all_five_criteria_in_smart_order():
    checks = evaluate_smart(GOOD)
    assert [c.criterion for c in checks] == [
        Criterion.SPECIFIC,
        Criterion.MEASURABLE,
        Criterion.ACHIEVABLE,
        Criterion.RELEVANT,
        Criterion.TIME_BOUND,
    ]
    assert [c.status for c in checks] == [CheckStatus.PASS] * 5
    assert overall_status(checks) is CheckStatus.PASS


# --- Specific -------------------------------------------------------------------------------------


def test_it_fails_specific_without_a_kpi_a_scope_or_a_target():
    assert _result(check_specific(_facts(metric=None))) == (CheckStatus.FAIL, "specific.no_kpi")
    assert _result(check_specific(_facts(scope_label=""))) == (CheckStatus.FAIL, "specific.no_scope")
    assert _result(check_specific(_facts(target=None))) == (CheckStatus.FAIL, "specific.no_target")


@pytest.mark.parametrize("target", [1000, 900])
def test_it_warns_when_the_target_is_no_improvement_on_the_baseline(target):
    check = check_specific(_facts(target=target, baseline_value=1000))
    assert _result(check) == (CheckStatus.WARNING, "specific.no_improvement")
    assert check.params == {"target": target, "baseline": 1000}


def test_it_reads_improvement_downwards_for_a_lower_is_better_kpi():
    churn = METRICS_BY_KEY["churn_rate"]
    # Unsubscribe rate from 1.5 % up to 2 % is no improvement; down to 1 % is one.
    assert _result(check_specific(_facts(metric=churn, target=2.0, baseline_value=1.5))) == (
        CheckStatus.WARNING,
        "specific.no_improvement",
    )
    assert _result(check_specific(_facts(metric=churn, target=1.5, baseline_value=1.5))) == (
        CheckStatus.WARNING,
        "specific.no_improvement",
    )
    assert _result(check_specific(_facts(metric=churn, target=1.0, baseline_value=1.5))) == (
        CheckStatus.PASS,
        "specific.ok",
    )


def test_it_passes_specific_with_kpi_scope_and_target_even_without_a_baseline():
    check = check_specific(_facts(baseline_value=None))
    assert _result(check) == (CheckStatus.PASS, "specific.ok")
    assert check.params == {"kpi": "followers", "scope": "VK · coffee", "target": 1200}


# --- Measurable -----------------------------------------------------------------------------------


def test_it_fails_measurable_without_a_kpi():
    assert _result(check_measurable(_facts(metric=None))) == (CheckStatus.FAIL, "measurable.no_kpi")


def test_it_fails_measurable_when_no_platform_of_the_scope_reports_the_kpi():
    check = check_measurable(
        _facts(metric=METRICS_BY_KEY["reach"], scope_platforms=frozenset({Platform.TELEGRAM}))
    )
    assert _result(check) == (CheckStatus.FAIL, "measurable.platform_lacks_kpi")
    assert check.params == {"platforms": ["telegram"], "kpi": "reach"}


def test_it_measures_a_kpi_that_one_platform_of_a_mixed_scope_reports():
    facts = _facts(
        metric=METRICS_BY_KEY["reach"], scope_platforms=frozenset({Platform.TELEGRAM, Platform.VK})
    )
    assert _result(check_measurable(facts)) == (CheckStatus.PASS, "measurable.ok")


def test_it_fails_measurable_without_data():
    check = check_measurable(_facts(last_data_date=None))
    assert _result(check) == (CheckStatus.FAIL, "measurable.no_data")
    assert check.params == {"kpi": "followers"}


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (0, (CheckStatus.PASS, "measurable.ok")),
        (3, (CheckStatus.PASS, "measurable.ok")),  # fresh: up to 3 days old
        (4, (CheckStatus.WARNING, "measurable.stale")),
        (14, (CheckStatus.WARNING, "measurable.stale")),  # stale: up to 14 days old
        (15, (CheckStatus.FAIL, "measurable.too_old")),
    ],
)
def test_it_grades_measurable_by_the_age_of_the_last_data(age, expected):
    last = TODAY - timedelta(days=age)
    check = check_measurable(_facts(last_data_date=last))
    assert _result(check) == expected
    assert check.params == {"last_date": last.isoformat(), "days": age}


# --- Achievable -----------------------------------------------------------------------------------


def test_it_warns_achievable_is_unknown_without_a_probability():
    check = check_achievable(
        _facts(probability=None, forecast_status="insufficient_history", forecast_reason="short")
    )
    assert _result(check) == (CheckStatus.WARNING, "achievable.unknown")
    assert check.params["reason"] == "short"
    assert "probability" not in check.params


@pytest.mark.parametrize(
    ("probability", "expected"),
    [
        (1.0, (CheckStatus.WARNING, "achievable.not_ambitious")),
        (0.95, (CheckStatus.WARNING, "achievable.not_ambitious")),  # at 95 %: too safe
        (0.9499, (CheckStatus.PASS, "achievable.realistic")),
        (0.5, (CheckStatus.PASS, "achievable.realistic")),  # at 50 %: realistic
        (0.4999, (CheckStatus.WARNING, "achievable.ambitious")),
        (0.2, (CheckStatus.WARNING, "achievable.ambitious")),  # at 20 %: ambitious
        (0.1999, (CheckStatus.FAIL, "achievable.unrealistic")),
        (0.0, (CheckStatus.FAIL, "achievable.unrealistic")),
    ],
)
def test_it_grades_achievable_by_probability_band(probability, expected):
    check = check_achievable(_facts(probability=probability))
    assert _result(check) == expected
    assert check.params["probability"] == probability


def test_it_shows_the_thresholds_and_paces_with_the_achievable_result():
    params = check_achievable(GOOD).params
    assert params["not_ambitious"] == 0.95
    assert params["realistic"] == 0.5
    assert params["ambitious"] == 0.2
    assert params["required_pace"] == 2.2
    assert params["recent_pace"] == 3.0


# --- Relevant -------------------------------------------------------------------------------------


def test_it_fails_relevant_without_an_objective_or_a_kpi():
    assert _result(check_relevant(_facts(objective=None))) == (CheckStatus.FAIL, "relevant.no_objective")
    assert _result(check_relevant(_facts(metric=None))) == (CheckStatus.FAIL, "relevant.no_kpi")


def test_it_passes_relevant_when_the_kpi_serves_the_objective():
    check = check_relevant(_facts(objective=Objective.AWARENESS))
    assert _result(check) == (CheckStatus.PASS, "relevant.ok")
    assert check.params == {"kpi": "followers", "objective": "awareness"}


def test_it_warns_when_the_kpi_does_not_serve_the_objective_and_suggests_those_that_do():
    check = check_relevant(_facts(objective=Objective.LEADS))
    assert _result(check) == (CheckStatus.WARNING, "relevant.kpi_does_not_serve")
    assert check.params == {
        "kpi": "followers",
        "objective": "leads",
        "suggested": ["leads", "conversion_rate"],
    }
    assert check.params["suggested"] == [m.key for m in metrics_for_objective(Objective.LEADS)]


# --- Time-bound -----------------------------------------------------------------------------------


def test_it_fails_time_bound_without_a_deadline():
    assert _result(check_time_bound(_facts(deadline=None))) == (CheckStatus.FAIL, "time_bound.no_deadline")


@pytest.mark.parametrize("deadline", [date(2024, 3, 10), date(2024, 3, 9)])
def test_it_fails_a_deadline_on_or_before_the_start(deadline):
    check = check_time_bound(_facts(start=date(2024, 3, 10), deadline=deadline))
    assert _result(check) == (CheckStatus.FAIL, "time_bound.before_start")
    assert check.params == {"deadline": deadline.isoformat(), "start": "2024-03-10"}


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (-1, (CheckStatus.FAIL, "time_bound.past")),
        (0, (CheckStatus.FAIL, "time_bound.past")),  # a deadline today leaves no day to act
        (1, (CheckStatus.WARNING, "time_bound.too_close")),
        (6, (CheckStatus.WARNING, "time_bound.too_close")),
        (7, (CheckStatus.PASS, "time_bound.ok")),  # at least 7 days ahead
    ],
)
def test_it_grades_time_bound_by_the_days_left(days_left, expected):
    deadline = TODAY + timedelta(days=days_left)
    check = check_time_bound(_facts(start=date(2024, 1, 1), deadline=deadline))
    assert _result(check) == expected
    assert check.params["days"] == days_left


def test_it_warns_when_the_goal_spans_more_than_730_days_from_its_start():
    # The span counts from the goal's start (1 January 2024), not from today.
    start = date(2024, 1, 1)
    check = check_time_bound(_facts(start=start, deadline=start + timedelta(days=731)))
    assert _result(check) == (CheckStatus.WARNING, "time_bound.too_far")
    assert check.params["span"] == 731
    at_limit = check_time_bound(_facts(start=start, deadline=start + timedelta(days=730)))
    assert _result(at_limit) == (CheckStatus.PASS, "time_bound.ok")


def test_it_measures_the_span_from_today_when_the_goal_has_no_start():
    check = check_time_bound(_facts(start=None, deadline=TODAY + timedelta(days=731)))
    assert _result(check) == (CheckStatus.WARNING, "time_bound.too_far")
    assert _result(check_time_bound(_facts(start=None, deadline=TODAY + timedelta(days=30)))) == (
        CheckStatus.PASS,
        "time_bound.ok",
    )


def test_it_passes_time_bound_with_the_deadline_and_days_left():
    check = check_time_bound(GOOD)
    assert _result(check) == (CheckStatus.PASS, "time_bound.ok")
    assert check.params == {"deadline": "2024-06-01", "days": 92}  # 1 March → 1 June: 31 + 30 + 31 days


# --- Overall --------------------------------------------------------------------------------------


def _check(status: CheckStatus) -> Check:
    return Check(Criterion.SPECIFIC, status, "x")


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((CheckStatus.PASS,) * 5, CheckStatus.PASS),
        ((CheckStatus.PASS, CheckStatus.WARNING, CheckStatus.PASS), CheckStatus.WARNING),
        ((CheckStatus.WARNING, CheckStatus.FAIL, CheckStatus.PASS), CheckStatus.FAIL),
        ((CheckStatus.FAIL,), CheckStatus.FAIL),
    ],
)
def test_it_takes_the_worst_status_as_the_overall_one(statuses, expected):
    assert overall_status(tuple(_check(s) for s in statuses)) is expected


def test_it_fails_overall_a_goal_without_anything():
    facts = _facts(metric=None, objective=None, target=None, deadline=None, probability=None)
    assert overall_status(evaluate_smart(facts)) is CheckStatus.FAIL


def test_it_serialises_a_check_to_plain_values():
    assert check_relevant(GOOD).to_dict() == {
        "criterion": "relevant",
        "status": "pass",
        "code": "relevant.ok",
        "params": {"kpi": "followers", "objective": "awareness"},
    }
