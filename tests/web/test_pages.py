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
