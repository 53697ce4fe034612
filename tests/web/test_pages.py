"""The pages a user works with: goal form with its live SMART check, goal, client and account pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from smartsmm.goals.models import Goal
from smartsmm.measurements.models import DailyMetric, Post
from tests.conftest import PASSWORD

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def history(account):
    """200 days of followers growing 10 a day, reach 1,000 a day, and a post every other day."""
    start = TODAY - timedelta(days=200)
    rows = []
    for i in range(200):
        day = start + timedelta(days=i)
        rows.append(DailyMetric(account=account, metric="followers", day=day, value=5000 + 10 * i))
        rows.append(DailyMetric(account=account, metric="reach", day=day, value=1000))
    DailyMetric.objects.bulk_create(rows)
    Post.objects.bulk_create(
        Post(
            account=account,
            external_id=str(i),
            published_at=datetime(start.year, start.month, start.day, 15, tzinfo=UTC) + timedelta(days=i),
            likes=40 + i % 7,
            comments=3,
            shares=2,
            views=900,
            reach=800,
            text=f"Пост {i}",
        )
        for i in range(0, 200, 2)
    )
    return account


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _form(awareness, account, **overrides):
    data = {
        "objective": awareness.pk,
        "metric_key": "followers",
        "scope_kind": "account",
        "account": account.pk,
        "platform": "",
        "target": "7000",
        "start_date": "2026-11-26",
        "deadline": "2027-03-01",
        "relevance": "More followers, more people see the new shop announcements.",
    }
    data.update(overrides)
    return data


@time_machine.travel(NOW, tick=False)
def test_it_creates_a_goal_with_its_baseline_from_the_data(client, owner, awareness, history):
    _login(client, owner)
    response = client.post(reverse("goal-create", kwargs={"slug": "coffee"}), _form(awareness, history))
    goal = Goal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("goal", kwargs={"pk": goal.pk})
    # The last value before the start: 5000 + 10 × 199 on 25 Nov.
    assert goal.baseline_value == 6990
    assert goal.baseline_date == date(2026, 11, 25)
    assert goal.evaluation["progress"]["status"] in {"on_track", "at_risk", "off_track"}
    page = client.get(response["Location"]).content.decode()
    assert "SMART" in page and "goal-chart" in page


@time_machine.travel(NOW, tick=False)
def test_it_rejects_a_bad_goal_form_naming_each_field_and_saves_nothing(client, owner, awareness, history):
    _login(client, owner)
    data = _form(awareness, history, target="lots", deadline="2026-11-01", scope_kind="platform", platform="")
    response = client.post(reverse("goal-create", kwargs={"slug": "coffee"}), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "target" in errors
    assert "platform" in errors
    assert "deadline" in errors
    assert not Goal.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_rechecks_smart_as_you_type_and_proposes_targets(client, owner, awareness, history):
    _login(client, owner)
    url = reverse("goal-check", kwargs={"slug": "coffee"})
    # 10 a day for 95 days ahead of 6,990 is ~7,940: 7,900 is realistic, 20,000 is not.
    realistic = client.post(url, _form(awareness, history, target="7900"), HTTP_HX_REQUEST="true")
    assert realistic.status_code == 200
    checks = {c["criterion"]: c for c in realistic.context["checks"]}
    assert set(checks) == {"specific", "measurable", "achievable", "relevant", "time_bound"}
    assert checks["achievable"]["status"] in {"pass", "warning"}
    forecast = realistic.context["forecast"]
    assert forecast["safe_target"] < forecast["realistic_target"] < forecast["ambitious_target"]
    assert b"data-fill-target" in realistic.content
    unrealistic = client.post(url, _form(awareness, history, target="20000"))
    checks = {c["criterion"]: c for c in unrealistic.context["checks"]}
    assert checks["achievable"]["status"] == "fail"
    assert "unrealistic" in checks["achievable"]["reason"]
    half_typed = client.post(url, {"metric_key": "followers"})
    assert half_typed.status_code == 200
    checks = {c["criterion"]: c for c in half_typed.context["checks"]}
    assert checks["specific"]["status"] == "fail"
    assert checks["time_bound"]["status"] == "fail"


@time_machine.travel(NOW, tick=False)
def test_it_warns_when_the_kpi_does_not_serve_the_objective(client, owner, client_obj, history):
    from smartsmm.clients.models import BusinessObjective

    leads = BusinessObjective.objects.create(client=client_obj, objective="leads")
    _login(client, owner)
    response = client.post(
        reverse("goal-check", kwargs={"slug": "coffee"}), _form(leads, history, objective=leads.pk)
    )
    relevant = next(c for c in response.context["checks"] if c["criterion"] == "relevant")
    assert relevant["status"] == "warning"
    assert "Leads" in relevant["reason"] and "Conversion rate" in relevant["reason"]


def _goal(account, target: float, **overrides) -> Goal:
    fields = {
        "client": account.client,
        "objective": account.objective,
        "metric_key": "followers",
        "scope_kind": "account",
        "account": account,
        "target": target,
        "start_date": TODAY,
        "deadline": date(2027, 3, 1),
    }
    fields.update(overrides)
    return Goal.objects.create(**fields)


@time_machine.travel(NOW, tick=False)
def test_it_says_what_drives_the_probability_next_to_the_fan_chart(client, viewer, history):
    goal = _goal(history, 7900)
    _login(client, viewer)  # read-only users read the explanation too
    response = client.get(reverse("goal", kwargs={"pk": goal.pk}))
    page = response.content.decode()
    assert "What drives this probability" in page
    assert 'data-chart="goal"' in page and response.context["chart"]["fan"]
    codes = [item["code"] for item in response.context["explanation"]]
    assert codes == ["pace_gap", "volatility", "short_history", "quality"]
    # 10 a day for 200 days; 7,900 by 1 March needs (7,900 − 6,990) / 96 days ≈ 9.5 a day.
    assert (
        "Pace needed from now to the deadline: +9.5 a day; recent pace (typical of the last 8 weeks): +10.0 a day."
        in page
    )
    assert "The recent pace is enough: the target needs 95 % of it." in page
    assert "Only 28 weeks of history" in page
    assert "The history is too short to check how the method would have done on its own past." in page


@time_machine.travel(NOW, tick=False)
def test_it_shows_a_step_change_and_the_backtest_when_the_history_is_long(client, owner, account):
    """600 days of 10 a day with a bot purge of 600 followers on 1 August 2026."""
    start = TODAY - timedelta(days=600)
    purge = date(2026, 8, 1)
    DailyMetric.objects.bulk_create(
        DailyMetric(
            account=account,
            metric="followers",
            day=start + timedelta(days=i),
            value=5000 + 10 * i - (600 if start + timedelta(days=i) >= purge else 0),
        )
        for i in range(600)
    )
    goal = _goal(account, 11_400)
    _login(client, owner)
    response = client.get(reverse("goal", kwargs={"pk": goal.pk}))
    page = response.content.decode()
    codes = [item["code"] for item in response.context["explanation"]]
    assert codes[-2:] == ["step_change", "quality"] and "history" in codes
    assert "85 weeks of history: enough to calibrate the forecast on this history&#x27;s own past." in page
    assert "On 08/01/2026 the value dropped by 600 (" in page
    quality = response.context["forecast"]["quality"]
    assert f"of {quality['cases']} forecasts made {quality['horizon_weeks']} weeks ahead" in page
    assert "Brier score" in page


@time_machine.travel(NOW, tick=False)
def test_it_compares_this_month_with_the_previous_and_last_year(client, owner, history):
    _login(client, owner)
    response = client.get(reverse("client-kpis", kwargs={"slug": "coffee"}), {"month": "2026-10"})
    rows = {row.metric.key: row for row in response.context["rows"]}
    # October 2026 is complete: followers on 31 Oct; the history starts 10 May 2026 (day 0 = 5,000).
    day = (date(2026, 10, 31) - (TODAY - timedelta(days=200))).days
    assert rows["followers"].current == 5000 + 10 * day
    assert rows["followers"].previous == 5000 + 10 * (day - 31)
    assert rows["followers"].year_ago is None
    assert rows["reach"].current == 31 * 1000
    assert rows["reach"].vs_previous.percent == pytest.approx((31 - 30) / 30 * 100)
    assert "Σ daily reach over the period" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_it_audits_an_account_over_the_chosen_window(client, owner, history):
    _login(client, owner)
    response = client.get(reverse("account", kwargs={"pk": history.pk}), {"days": "30"})
    assert response.status_code == 200
    assert response.context["window"].days == 30
    assert response.context["rhythm"].total_posts == 15
    assert response.context["summary"].growth_abs == 300
    kpis = {k["metric"].key: k for k in response.context["kpis"]}
    assert kpis["reach"]["current"] == 30 * 1000
    bad = client.get(
        reverse("account", kwargs={"pk": history.pk}), {"from": "2026-13-01", "to": "2026-11-01"}
    )
    assert bad.status_code == 200 and bad.context["window_error"]


def test_it_logs_in_and_out(client, owner):
    assert client.get("/").status_code == 302
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302
    wrong = client.post(reverse("login"), {"username": "owner", "password": "nope"})
    assert wrong.status_code == 200 and "wrong" in wrong.content.decode()
