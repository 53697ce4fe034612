"""The monthly and weekly reports count the right days: month boundaries in the client's time zone,
far from UTC and across a DST change, months with missing days, clients younger than a year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from smartsmm.clients.models import BusinessObjective, Client, SocialAccount
from smartsmm.core.types import PostRecord
from smartsmm.measurements.writes import upsert_daily, upsert_posts
from smartsmm.reports.document import Report, Table
from smartsmm.reports.formatting import format_cell
from smartsmm.reports.service import ReportError, build_report

pytestmark = pytest.mark.django_db


def _client(agency, timezone: str, slug: str = "far") -> tuple[Client, SocialAccount]:
    client = Client.objects.create(agency=agency, name="Far away", slug=slug, timezone=timezone)
    objective = BusinessObjective.objects.create(client=client, objective="awareness")
    account = SocialAccount.objects.create(
        agency=agency, client=client, platform="vk", external_id="1", handle=slug, objective=objective
    )
    return client, account


def _daily(account: SocialAccount, start: date, end: date, *, skip: set[date] = frozenset()) -> None:
    values = []
    day = start
    followers = 1000.0
    while day <= end:
        followers += 10
        if day not in skip:
            values += [("followers", day, followers), ("reach", day, 100.0)]
        day += timedelta(days=1)
    upsert_daily(account, values)


def _post(account: SocialAccount, external_id: str, at: datetime, likes: int = 10) -> None:
    upsert_posts(account, [PostRecord(published_at=at, likes=likes, views=1000, external_id=external_id)])


def _table(report: Report, section: str, title_part: str) -> Table:
    for block in report.section(section).blocks:
        if isinstance(block, Table) and title_part in block.title:
            return block
    raise AssertionError(f"no table {title_part!r} in {section}")


def _kpi(report: Report, name: str) -> list[str]:
    table = _table(report, "kpis", "All platforms")
    for row in table.rows:
        if row[0].value == name:
            return [format_cell(c, "en") for c in row]
    raise AssertionError(f"no KPI {name!r}")


def test_it_counts_posts_by_the_clients_local_day_far_east_of_utc(agency):
    client, account = _client(agency, "Pacific/Kiritimati")  # UTC+14
    _daily(account, date(2026, 9, 1), date(2026, 11, 30))
    kiritimati = ZoneInfo("Pacific/Kiritimati")
    # 2026-10-31 11:00 UTC is already 1 November, 01:00 on Kiritimati.
    _post(account, "nov-local", datetime(2026, 10, 31, 11, 0, tzinfo=UTC))
    _post(account, "oct-local", datetime(2026, 10, 31, 23, 0, tzinfo=kiritimati))
    october = build_report(client, "monthly", period="2026-10", language="en", today=date(2026, 12, 1))
    november = build_report(client, "monthly", period="2026-11", language="en", today=date(2026, 12, 1))
    assert _kpi(october, "Posts per week")[1] == "0.2"  # 1 post in 31 days × 7
    assert _kpi(november, "Posts per week")[1] == "0.2"  # 1 post in 30 days × 7
    top = _table(november, "posts", "Top posts")
    assert [format_cell(r[0], "en") for r in top.rows] == ["2026-11-01 01:00"]


def test_it_picks_the_last_complete_month_in_the_clients_time_zone(agency):
    client, account = _client(agency, "Pacific/Kiritimati")
    _daily(account, date(2026, 9, 1), date(2026, 11, 30))
    # 30 November 12:00 UTC is already 1 December on Kiritimati: November is complete there.
    with time_machine.travel(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tick=False):
        report = build_report(client, "monthly", language="en")
    assert report.slug == "monthly-far-2026-11"
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=UTC), tick=False):
        report = build_report(client, "monthly", language="en")
    assert report.slug == "monthly-far-2026-10"


def test_it_keeps_month_boundaries_across_a_dst_change(agency):
    client, account = _client(agency, "Europe/Berlin")  # summer time ends on 25 October 2026
    _daily(account, date(2026, 9, 1), date(2026, 11, 30))
    berlin = ZoneInfo("Europe/Berlin")
    _post(account, "last-hour-of-october", datetime(2026, 10, 31, 23, 30, tzinfo=berlin))  # 22:30 UTC
    _post(
        account, "first-hour-of-november", datetime(2026, 11, 1, 0, 30, tzinfo=berlin)
    )  # 23:30 UTC on 31.10
    _post(account, "dst-night", datetime(2026, 10, 25, 2, 30, tzinfo=berlin, fold=1))
    october = build_report(client, "monthly", period="2026-10", language="en", today=date(2026, 12, 1))
    november = build_report(client, "monthly", period="2026-11", language="en", today=date(2026, 12, 1))
    october_posts = {format_cell(r[0], "en") for r in _table(october, "posts", "Top posts").rows}
    october_posts |= {format_cell(r[0], "en") for r in _table(october, "posts", "Bottom posts").rows}
    assert october_posts == {"2026-10-31 23:30", "2026-10-25 02:30"}
    november_posts = [format_cell(r[0], "en") for r in _table(november, "posts", "Top posts").rows]
    assert november_posts == ["2026-11-01 00:30"]
    # October has 31 local days whatever the clock does: net growth is 31 days × 10.
    assert _kpi(october, "Net follower growth")[1] == "310"


def test_it_states_missing_days_and_does_not_count_them(agency):
    client, account = _client(agency, "Asia/Vladivostok")
    missing = {date(2026, 10, 12), date(2026, 10, 13), date(2026, 10, 31)}
    _daily(account, date(2025, 9, 1), date(2026, 11, 30), skip=missing)
    report = build_report(client, "monthly", period="2026-10", language="en", today=date(2026, 12, 1))
    assert _kpi(report, "Reach")[1] == "2,800"  # 28 days with data × 100
    coverage = _table(report, "data", "Data completeness")
    assert [format_cell(c, "en") for c in coverage.rows[0][1:4]] == [
        "28",
        "31",
        "2026-10-12–2026-10-13, 2026-10-31",
    ]
    assert any("no data on 3 of 31 days" in caveat for caveat in report.caveats)


def test_it_compares_a_client_younger_than_a_year_without_inventing_last_year(agency):
    client, account = _client(agency, "Europe/Moscow")
    _daily(account, date(2026, 8, 15), date(2026, 11, 30))
    report = build_report(client, "monthly", period="2026-08", language="en", today=date(2026, 12, 1))
    followers = _kpi(report, "Followers")
    assert followers[5:] == ["—", "—", "—"]  # no August 2025
    assert any("measured since 2026-08-15 only" in caveat for caveat in report.caveats)
    october = build_report(client, "monthly", period="2026-10", language="en", today=date(2026, 12, 1))
    assert _kpi(october, "Followers")[5] == "—"
    assert not any("no data on" in caveat for caveat in october.caveats)


def test_it_compares_a_running_month_with_the_same_days_of_earlier_months(agency):
    client, account = _client(agency, "Europe/Moscow")
    _daily(account, date(2025, 1, 1), date(2026, 11, 30))
    report = build_report(client, "monthly", period="2026-03", language="en", today=date(2026, 3, 11))
    assert _kpi(report, "Reach")[1:3] == ["1,000", "1,000"]  # 1–10 March against 1–10 February
    assert "is not over" in report.caveats[0]
    # A whole March is compared with a whole (28-day) February.
    whole = build_report(client, "monthly", period="2026-03", language="en", today=date(2026, 4, 1))
    assert _kpi(whole, "Reach")[1:3] == ["3,100", "2,800"]


def test_it_refuses_a_month_that_has_not_started_and_a_malformed_one(agency):
    client, _account = _client(agency, "Europe/Moscow")
    with pytest.raises(ReportError, match="has not started"):
        build_report(client, "monthly", period="2027-01", today=date(2026, 12, 1))
    with pytest.raises(ReportError, match="expected YYYY-MM"):
        build_report(client, "monthly", period="2026-13", today=date(2026, 12, 1))
    with pytest.raises(ReportError, match="expected an ISO week"):
        build_report(client, "weekly", period="2026-W60", today=date(2026, 12, 1))


def test_it_builds_the_weekly_report_on_iso_weeks_in_the_clients_time_zone(agency):
    client, account = _client(agency, "America/New_York")  # DST ends on 1 November 2026
    _daily(account, date(2025, 9, 1), date(2026, 11, 30), skip={date(2026, 11, 4)})
    report = build_report(client, "weekly", period="2026-W45", language="en", today=date(2026, 12, 1))
    assert report.period_label.startswith("2 November 2026 – 8 November 2026")
    changes = report.section("changes").blocks[0]
    assert isinstance(changes, Table)
    reach = next(r for r in changes.rows if r[0].value == "Reach")
    assert [format_cell(c, "en") for c in reach[1:3]] == ["600", "700"]  # one day missing this week
    health = _table(report, "health", "Accounts")
    assert format_cell(health.rows[0][4], "en") == "1"
    # The default is the last complete ISO week of the client's calendar.
    with time_machine.travel(
        datetime(2026, 11, 30, 3, 0, tzinfo=UTC), tick=False
    ):  # Sunday evening in New York
        assert build_report(client, "weekly", language="en").slug == "weekly-far-2026-W47"


def test_it_builds_every_report_in_every_format_for_an_empty_client(agency):
    """A client just added, with no accounts, goals or data: every report says so instead of failing."""
    from smartsmm.reports.render import FORMATS, render

    client = Client.objects.create(agency=agency, name="Empty", slug="empty", timezone="Asia/Kamchatka")
    for kind in ("monthly", "weekly"):
        report = build_report(client, kind, language="ru", today=date(2026, 12, 1))
        for fmt in FORMATS:
            assert render(report, fmt)
    monthly = build_report(client, "monthly", language="en", today=date(2026, 12, 1))
    assert _table(monthly, "goals", "Goals").empty_text == "The client has no goals running this month."
    assert not _table(monthly, "data", "Data completeness").rows
