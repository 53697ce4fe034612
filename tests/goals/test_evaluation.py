"""A goal's cached evaluation: what it stores, when it goes stale, and the overview's copies."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from smartsmm.goals.evaluation import evaluate_goal, is_stale
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


def test_it_links_objects_like_the_url_tag(goal):
    rendered = Template("{% load smartsmm_urls %}{% object_url 'goal' pk %}|{% url 'goal' pk %}").render(
        Context({"pk": goal.pk})
    )
    remembered, plain = rendered.split("|")
    assert remembered == plain == reverse("goal", kwargs={"pk": goal.pk})
