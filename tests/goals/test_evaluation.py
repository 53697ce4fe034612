"""A goal's cached evaluation: what it stores, when it goes stale, and the overview's copies."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from smartsmm.core.metrics import get_metric
from smartsmm.goals.evaluation import _unsign_forecast, evaluate_goal, is_stale
from smartsmm.goals.messages import driver_text
from smartsmm.goals.models import Goal
from smartsmm.goals.refresher import refresh_stale_goals
from smartsmm.measurements.models import DailyMetric

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)


@pytest.fixture
def goal(account, awareness):
    start = TODAY - timedelta(days=120)
    DailyMetric.objects.bulk_create(
        DailyMetric(account=account, metric="followers", day=start + timedelta(days=i), value=1000 + 5 * i)
        for i in range(120)
    )
    return Goal.objects.create(
        client=account.client,
        objective=awareness,
        metric_key="followers",
        scope_kind="account",
        account=account,
        target=1800,
        baseline_value=1595,
        start_date=TODAY,
        deadline=TODAY + timedelta(days=90),
    )


@time_machine.travel(NOW, tick=False)
def test_it_stores_the_evaluation_and_its_summary_columns(goal):
    evaluation = evaluate_goal(goal)
    goal.refresh_from_db()
    assert goal.evaluation == evaluation
    assert goal.evaluation_status == evaluation["progress"]["status"]
    assert goal.evaluation_probability == pytest.approx(evaluation["forecast"]["probability"])
    # 5 a day for 90 days from 1,595 is ~2,045: 1,800 is well within reach.
    assert goal.evaluation_probability > 0.9
    assert [c["criterion"] for c in evaluation["checks"]] == [
        "specific",
        "measurable",
        "achievable",
        "relevant",
        "time_bound",
    ]


def test_it_goes_stale_when_data_arrives_or_the_day_changes(goal):
    with time_machine.travel(NOW, tick=False):
        evaluate_goal(goal)
        assert not is_stale(goal)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        account = goal.account
        account.data_changed_at = timezone.now()
        account.save()
        assert is_stale(goal)
        evaluate_goal(goal)
        assert not is_stale(goal)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert is_stale(goal)


def test_it_refreshes_only_stale_goals(goal):
    with time_machine.travel(NOW, tick=False):
        assert refresh_stale_goals() == 1
        assert refresh_stale_goals() == 0
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert refresh_stale_goals() == 1


def test_it_checks_every_goal_for_staleness_with_a_fixed_number_of_queries(
    goal, account, awareness, client_obj, other_client, django_assert_max_num_queries
):
    """The refresher looks at every goal every few minutes: no query per goal when nothing is stale."""
    for scope in ("client", "platform"):
        Goal.objects.create(
            client=client_obj,
            objective=awareness,
            metric_key="followers",
            scope_kind=scope,
            platform="vk" if scope == "platform" else "",
            target=1800,
            start_date=TODAY,
            deadline=TODAY + timedelta(days=90),
        )
    with time_machine.travel(NOW, tick=False):
        assert refresh_stale_goals() == 3
        with django_assert_max_num_queries(2):  # the accounts' change times, then the goals
            assert refresh_stale_goals() == 0
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        account.data_changed_at = timezone.now()
        account.save()
        # New data in the account: the account goal, the platform goal and the client goal are stale.
        assert refresh_stale_goals() == 3


@pytest.fixture
def churn_goal(account, client_obj):
    """Unsubscribes rising from 10 to 39 a day over 300 days among 10,000 followers: the 28-day
    unsubscribe rate climbs from about 2.8 % to about 10.9 %, and the goal wants it down to 5 %."""
    from smartsmm.clients.models import BusinessObjective

    loyalty = BusinessObjective.objects.create(client=client_obj, objective="loyalty")
    start = TODAY - timedelta(days=300)
    rows = []
    for i in range(300):
        day = start + timedelta(days=i)
        rows.append(DailyMetric(account=account, metric="followers", day=day, value=10_000))
        rows.append(DailyMetric(account=account, metric="unsubscribed", day=day, value=10 + i // 10))
    DailyMetric.objects.bulk_create(rows)
    return Goal.objects.create(
        client=client_obj,
        objective=loyalty,
        metric_key="churn_rate",
        scope_kind="account",
        account=account,
        target=5.0,
        start_date=TODAY,
        deadline=TODAY + timedelta(days=90),
    )


@time_machine.travel(NOW, tick=False)
def test_it_reads_a_lower_is_better_goals_drivers_in_the_kpis_own_direction(churn_goal):
    forecast = evaluate_goal(churn_goal)["forecast"]
    assert forecast["status"] == "ok"
    drivers = {d["code"]: d["params"] for d in forecast["drivers"]}
    # The rate must fall to reach 5 % but has been rising: the paces say so with their signs, as the
    # forecast's own pace fields do.
    gap = drivers["pace_gap"]
    assert gap["required"] < 0 < gap["recent"]
    assert gap["required"] == pytest.approx(forecast["required_daily_pace"], abs=1e-3)
    assert gap["recent"] == pytest.approx(forecast["recent_daily_pace"], abs=1e-3)
    assert gap["ratio"] == pytest.approx(gap["required"] / gap["recent"], rel=1e-2)  # rounded paces
    assert drivers["volatility"]["weekly_sd"] > 0
    text = driver_text({"code": "pace_gap", "params": gap}, get_metric("churn_rate"))
    assert "Pace needed from now to the deadline: −0.0" in text and "pp a day" in text
    assert text.endswith(
        "The recent pace does not move the value towards the target, so reaching it takes a change of pace."
    )


def test_it_mirrors_the_drivers_values_and_changes_but_not_their_sizes_for_a_lower_is_better_kpi():
    signed = {
        "p10": -3.0,
        "p90": -1.0,
        "fan": [],
        "drivers": [
            {"code": "already_reached", "params": {"current": -4.0, "target": -5.0}},
            {"code": "pace_gap", "params": {"required": 0.02, "recent": -0.01, "ratio": -2.0}},
            {"code": "volatility", "params": {"weekly_sd": 0.05, "relative": 0.7, "factor": 1.3}},
            {"code": "short_history", "params": {"weeks": 20.0, "recommended": 52.0}},
            {"code": "pace_change", "params": {"recent": -0.01, "earlier": 0.02}},
            {"code": "step_change", "params": {"date": "2026-03-28", "size": -1.5, "share": -0.3}},
            {"code": "level", "params": {"weeks": 13.0, "start": -2.5, "keep": 0.25}},
        ],
        "quality": {"horizon_weeks": 13, "cases": 10, "brier": 0.1, "coverage": 0.8, "brier_pace": 0.2},
    }
    unsigned = _unsign_forecast(get_metric("churn_rate"), signed)
    assert {d["code"]: d["params"] for d in unsigned["drivers"]} == {
        "already_reached": {"current": 4.0, "target": 5.0},
        "pace_gap": {"required": -0.02, "recent": 0.01, "ratio": -2.0},
        "volatility": {"weekly_sd": 0.05, "relative": 0.7, "factor": 1.3},
        "short_history": {"weeks": 20.0, "recommended": 52.0},
        "pace_change": {"recent": 0.01, "earlier": -0.02},
        "step_change": {"date": "2026-03-28", "size": 1.5, "share": 0.3},
        "level": {"weeks": 13.0, "start": 2.5, "keep": 0.25},
    }
    assert unsigned["quality"] == signed["quality"]
    assert (unsigned["p10"], unsigned["p90"]) == (1.0, 3.0)
    assert signed["drivers"][1]["params"]["required"] == 0.02  # the input is left as it was
    assert _unsign_forecast(get_metric("followers"), signed) is signed


def test_it_links_objects_like_the_url_tag(goal):
    rendered = Template("{% load smartsmm_urls %}{% object_url 'goal' pk %}|{% url 'goal' pk %}").render(
        Context({"pk": goal.pk})
    )
    remembered, plain = rendered.split("|")
    assert remembered == plain == reverse("goal", kwargs={"pk": goal.pk})
