"""The scripting CLI as automation sees it: exit codes, JSON shapes, one-line errors."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from smartsmm.cli import main
from smartsmm.clients.models import Client
from smartsmm.tenancy.models import Agency
from tests.shared_data import SHARED_DATA


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.django_db
def test_it_adds_and_lists_clients_as_json(capsys, agency):
    code, out, _ = run(capsys, "clients", "add", "Кофейня «Зерно»", "--timezone", "Asia/Yekaterinburg")
    assert code == 0
    assert "kofeinia-zerno" in out
    code, out, _ = run(capsys, "clients", "list", "--json")
    data = json.loads(out)
    assert data == [
        {
            "slug": "kofeinia-zerno",
            "name": "Кофейня «Зерно»",
            "timezone": "Asia/Yekaterinburg",
            "accounts": 0,
            "goals": 0,
        }
    ]


@pytest.mark.django_db
def test_it_refuses_a_bad_timezone_and_a_duplicate_slug_without_a_traceback(capsys, agency):
    code, _, err = run(capsys, "clients", "add", "Gym", "--timezone", "Mars/Olympus")
    assert code == 2
    assert "Mars/Olympus is not a known time zone" in err
    assert "Traceback" not in err
    assert not Client.objects.exists()
    run(capsys, "clients", "add", "Gym")
    code, _, err = run(capsys, "clients", "add", "Gym again", "--slug", "gym")
    assert code == 2 and "already exists" in err
    assert Client.objects.count() == 1


@pytest.mark.django_db
def test_it_needs_an_agency_choice_when_there_are_several(capsys, agency, other_agency):
    code, _, err = run(capsys, "clients", "list")
    assert code == 2
    assert "several agencies (agency-a, agency-b)" in err
    code, out, _ = run(capsys, "--agency", "agency-b", "clients", "list", "--json")
    assert code == 0 and json.loads(out) == []
    code, _, err = run(capsys, "--agency", "nope", "clients", "list")
    assert code == 2 and "no such agency" in err


@pytest.mark.django_db
def test_it_says_what_to_do_without_any_agency(capsys):
    code, _, err = run(capsys, "clients", "list")
    assert code == 2
    assert "smartsmm demo" in err


@pytest.mark.django_db
def test_it_lists_accounts_with_status_fields(capsys, account, other_client):
    code, out, _ = run(capsys, "accounts", "list", "--json")
    assert code == 0
    (item,) = json.loads(out)
    assert item["ref"] == "vk:coffee"
    assert item["platform"] == "vk"
    assert item["client"] == "coffee"
    assert item["status"] == "active"
    assert item["last_error"] == ""
    assert item["last_synced_at"] is None
    code, out, _ = run(capsys, "accounts", "list", "--client", "gym", "--json")
    assert json.loads(out) == []
    code, _, err = run(capsys, "accounts", "list", "--client", "nobody")
    assert code == 2 and "no such client" in err


def _history(tmp_path: Path, per_day: float, days: int = 180) -> tuple[Path, date]:
    start = date(2026, 1, 1)
    lines = ["date,followers"] + [f"{start + timedelta(days=i)},{1000 + per_day * i:g}" for i in range(days)]
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, start + timedelta(days=days - 1)


def test_it_forecasts_a_synthetic_series_as_the_issue_requires(capsys, tmp_path):
    path, last = _history(tmp_path, 25)
    last_value = 1000 + 25 * 179
    deadline = last + timedelta(days=90)
    code, out, _ = run(
        capsys,
        "forecast",
        "--history",
        str(path),
        "--target",
        str(last_value + 20 * 90),
        "--deadline",
        str(deadline),
        "--json",
    )
    assert code == 0
    assert json.loads(out)["probability"] >= 0.9
    code, out, _ = run(
        capsys,
        "forecast",
        "--history",
        str(path),
        "--target",
        str(last_value + 40 * 90),
        "--deadline",
        str(deadline),
        "--json",
    )
    assert json.loads(out)["probability"] <= 0.1


def test_it_forecasts_the_real_twitter_history(capsys):
    code, out, _ = run(
        capsys,
        "forecast",
        "--history",
        str(SHARED_DATA / "follower-history" / "twitter.csv"),
        "--target",
        "65000000",
        "--deadline",
        "2018-12-31",
    )
    assert code == 0
    for key in ("probability", "p10", "p50", "p90"):
        assert key in out


def test_it_reports_bad_forecast_input_by_row_and_column(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("day,count\n2026-01-01,5\n2026-13-01,6\n2026-01-03,many\n")
    code, _, err = run(
        capsys, "forecast", "--history", str(path), "--target", "10", "--deadline", "2026-06-01"
    )
    assert code == 2
    assert f"{path}:3:day: expected a date as YYYY-MM-DD, got '2026-13-01'" in err
    assert f"{path}:4:count: expected a number, got 'many'" in err
    code, _, err = run(
        capsys, "forecast", "--history", str(path), "--target", "ten", "--deadline", "2026-06-01"
    )
    assert code == 2 and "--target 'ten': expected a number" in err
    code, _, err = run(
        capsys,
        "forecast",
        "--history",
        str(tmp_path / "none.csv"),
        "--target",
        "1",
        "--deadline",
        "2026-06-01",
    )
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "forecast", "--history", str(path), "--target", "1", "--deadline", "June")
    assert code == 2 and "--deadline 'June': expected a date as YYYY-MM-DD" in err


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), tick=False)
def test_it_lists_goals_with_checks_probability_and_status(capsys):
    from smartsmm.demo.seed import seed_demo

    today = date(2026, 11, 26)
    assert seed_demo(today=today)
    code, out, _ = run(capsys, "--lang", "en", "goals", "list", "--json")
    assert code == 0
    goals = json.loads(out)
    assert len(goals) >= 6
    statuses = {g["status"] for g in goals}
    assert {"on_track", "at_risk", "off_track"} <= statuses
    for goal in goals:
        assert [c["criterion"] for c in goal["checks"]] == [
            "specific",
            "measurable",
            "achievable",
            "relevant",
            "time_bound",
        ]
        assert all(c["reason"] for c in goal["checks"])
        assert goal["probability"] is None or 0 <= goal["probability"] <= 1
    code, out, _ = run(capsys, "goals", "list", "--client", "fitness-studio", "--json")
    assert {g["client"] for g in json.loads(out)} == {"fitness-studio"}
    assert Agency.objects.count() == 1
    assert not seed_demo(today=today), "seeding twice changes nothing"


@pytest.mark.django_db
def test_it_imports_and_exports_through_the_cli_and_round_trips(capsys, tmp_path, account, other_client):
    from smartsmm.clients.models import SocialAccount

    daily = tmp_path / "daily.csv"
    daily.write_text("date,followers,reach\n2026-10-01,1000,200\n2026-10-02,1010,\n2026-10-03,1025,180\n")
    code, out, _ = run(capsys, "import", "daily", str(daily), "--account", "vk:coffee")
    assert code == 0 and "3 rows read" in out
    exported = tmp_path / "exported.csv"
    code, _, _ = run(capsys, "export", "daily", "--account", "vk:coffee", "--out", str(exported))
    assert code == 0
    SocialAccount.objects.create(
        agency=other_client.agency, client=other_client, platform="telegram", external_id="77", handle="gym"
    )
    assert run(capsys, "import", "daily", str(exported), "--account", "telegram:gym")[0] == 0
    again = tmp_path / "again.csv"
    run(capsys, "export", "daily", "--account", "telegram:gym", "--out", str(again))
    assert again.read_bytes() == exported.read_bytes()
    code, out, _ = run(capsys, "import", "daily", str(daily), "--account", "vk:coffee")
    assert code == 0 and "0 written, 3 unchanged" in out


@pytest.mark.django_db
def test_it_rejects_a_bad_import_listing_every_bad_row_and_writes_nothing(capsys, tmp_path, account):
    from smartsmm.measurements.models import DailyMetric

    bad = tmp_path / "bad.csv"
    bad.write_text("date,followers,colour\n2026-10-01,-5,red\n31/02/2026,10,blue\n2026-10-01,7,green\n")
    code, _, err = run(capsys, "import", "daily", str(bad), "--account", "vk:coffee")
    assert code == 1
    assert f"{bad}:1:colour: unknown column" in err
    assert "nothing was imported" in err
    assert "Traceback" not in err
    assert not DailyMetric.objects.exists()
    code, _, err = run(capsys, "import", "daily", str(bad), "--account", "vk:nobody")
    assert code == 2 and "--account vk:nobody: no such account" in err
    code, _, err = run(capsys, "import", "daily", str(bad), "--account", "coffee")
    assert code == 2 and "expected platform:handle" in err
    code, _, err = run(
        capsys,
        "export",
        "daily",
        "--account",
        "vk:coffee",
        "--from",
        "2026-10-05",
        "--to",
        "2026-10-01",
        "--out",
        str(tmp_path / "x.csv"),
    )
    assert code == 2 and "is before --from" in err
