"""Exporting daily metrics and posts as CSV in exactly the import format, and the round trip."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from smartsmm.clients.models import Client, SocialAccount
from smartsmm.measurements.exporting import csv_line, export_daily, export_posts, format_value
from smartsmm.measurements.importing import ImportResult, import_daily, import_posts
from smartsmm.measurements.models import DailyMetric, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_account(client_obj: Client) -> SocialAccount:
    return SocialAccount.objects.create(
        agency=client_obj.agency,
        client=client_obj,
        platform="telegram",
        external_id="777",
        handle="coffee_tg",
    )


def _metric(account: SocialAccount, metric: str, day: str, value: float) -> None:
    DailyMetric.objects.create(account=account, metric=metric, day=date.fromisoformat(day), value=value)


def test_it_formats_stored_values_as_whole_numbers():
    assert [format_value(v) for v in (1520.0, 0.0, 7, None, 12.5)] == ["1520", "0", "7", "", "12.5"]


def test_it_quotes_only_cells_that_need_it_a_lone_carriage_return_included():
    assert csv_line(["a", "b c", 'say "hi"', "x,y", "one\rtwo", "one\ntwo", ""]) == (
        'a,b c,"say ""hi""","x,y","one\rtwo","one\ntwo",\n'
    )


def test_it_exports_daily_metrics_in_the_import_format(tmp_path, account):
    _metric(account, "views", "2026-05-02", 5100)
    _metric(account, "followers", "2026-05-02", 1523)
    _metric(account, "followers", "2026-05-01", 1520)
    _metric(account, "leads", "2026-05-03", 2)
    out = tmp_path / "daily.csv"

    count = export_daily(account, out, None, None)

    assert count == 3
    # Columns in DAILY_METRICS order, only metrics that have data, rows by date, "\n" line ends.
    assert out.read_bytes() == (
        b"date,followers,views,leads\n2026-05-01,1520,,\n2026-05-02,1523,5100,\n2026-05-03,,,2\n"
    )


def test_it_exports_only_the_requested_days_and_only_their_metrics(tmp_path, account):
    for day, value in (("2026-04-30", 1), ("2026-05-01", 2), ("2026-05-02", 3), ("2026-05-03", 4)):
        _metric(account, "reach", day, value)
    _metric(account, "followers", "2026-04-30", 100)
    out = tmp_path / "daily.csv"

    assert export_daily(account, out, date(2026, 5, 1), date(2026, 5, 2)) == 2
    assert out.read_text(encoding="utf-8") == "date,reach\n2026-05-01,2\n2026-05-02,3\n"
    assert export_daily(account, out, date(2026, 5, 3), None) == 1
    assert out.read_text(encoding="utf-8") == "date,reach\n2026-05-03,4\n"
    assert export_daily(account, out, None, date(2026, 4, 30)) == 1
    assert out.read_text(encoding="utf-8") == "date,followers,reach\n2026-04-30,100,1\n"


def test_it_exports_a_header_only_for_an_account_without_data(tmp_path, account):
    daily, posts = tmp_path / "daily.csv", tmp_path / "posts.csv"

    assert export_daily(account, daily, None, None) == 0
    assert export_posts(account, posts, None, None) == 0
    assert daily.read_text(encoding="utf-8") == "date\n"
    assert posts.read_text(encoding="utf-8") == (
        "external_id,published_at,type,url,text,likes,comments,shares,saves,views,reach\n"
    )


def test_it_exports_posts_in_the_clients_time_zone_sorted_by_time_then_id(tmp_path, account):
    at = datetime(2026, 5, 1, 16, 0, tzinfo=UTC)  # 19:00 in Moscow
    Post.objects.create(account=account, external_id="b", published_at=at, likes=1, views=10)
    Post.objects.create(account=account, external_id="a", published_at=at, text='Say "hi", ok', reach=0)
    Post.objects.create(
        account=account,
        external_id="z",
        published_at=datetime(2026, 4, 30, 21, 30, 15, tzinfo=UTC),
        post_type="clip",
        url="https://vk.com/clip-1_2",
    )
    out = tmp_path / "posts.csv"

    assert export_posts(account, out, None, None) == 3
    assert out.read_text(encoding="utf-8") == (
        "external_id,published_at,type,url,text,likes,comments,shares,saves,views,reach\n"
        "z,2026-05-01T00:30:15+03:00,clip,https://vk.com/clip-1_2,,,,,,,\n"
        'a,2026-05-01T19:00:00+03:00,post,,"Say ""hi"", ok",,,,,,0\n'
        "b,2026-05-01T19:00:00+03:00,post,,,1,,,,10,\n"
    )


def test_it_selects_posts_by_local_day_of_publication(tmp_path, account):
    # 2026-04-30 21:30 UTC is already 1 May in Moscow; 2026-05-01 21:00 UTC is 2 May.
    Post.objects.create(
        account=account, external_id="1", published_at=datetime(2026, 4, 30, 20, 59, tzinfo=UTC)
    )
    Post.objects.create(
        account=account, external_id="2", published_at=datetime(2026, 4, 30, 21, 30, tzinfo=UTC)
    )
    Post.objects.create(
        account=account, external_id="3", published_at=datetime(2026, 5, 1, 21, 0, tzinfo=UTC)
    )
    out = tmp_path / "posts.csv"

    assert export_posts(account, out, date(2026, 5, 1), date(2026, 5, 1)) == 1
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("2,2026-05-01T00:30:00+03:00,")


def test_it_round_trips_daily_metrics_byte_for_byte(tmp_path, account, fresh_account):
    for i, day in enumerate(("2026-05-01", "2026-05-02", "2026-05-04", "2026-05-10")):
        _metric(account, "followers", day, 10_000 + i)
        if i % 2:
            _metric(account, "unsubscribed", day, i)
    _metric(account, "site_clicks", "2026-05-03", 0)
    _metric(account, "reach", "2026-05-10", 1_234_567_890_123)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"

    export_daily(account, first, None, None)
    result = import_daily(first, fresh_account)
    export_daily(fresh_account, second, None, None)

    assert result == ImportResult(rows_read=5, rows_written=5, rows_unchanged=0)
    assert second.read_bytes() == first.read_bytes()
    # Importing the export back into the account it came from changes nothing.
    assert import_daily(first, account) == ImportResult(rows_read=5, rows_written=0, rows_unchanged=5)


def test_it_round_trips_posts_byte_for_byte(tmp_path, account, fresh_account):
    Post.objects.create(
        account=account,
        external_id="wall-1_101",
        published_at=datetime(2026, 5, 1, 16, 0, tzinfo=UTC),
        url="https://vk.com/wall-1_101",
        text='Кофе, чай и "какао";\nвторая строка\r\nтретья, с запятой\rи старый Mac',
        likes=120,
        comments=4,
        shares=None,
        saves=None,
        views=5400,
        reach=3900,
    )
    Post.objects.create(
        account=account,
        external_id="wall-1_100",
        published_at=datetime(2026, 5, 1, 16, 0, 0, 250_000, tzinfo=UTC),
        post_type="clip",
        text="  пробелы по краям  ",
    )
    Post.objects.create(account=account, external_id="9", published_at=datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"

    export_posts(account, first, None, None)
    result = import_posts(first, fresh_account)
    export_posts(fresh_account, second, None, None)

    assert result == ImportResult(rows_read=3, rows_written=3, rows_unchanged=0)
    assert second.read_bytes() == first.read_bytes()
    assert "Кофе".encode() in first.read_bytes()
    assert import_posts(first, account) == ImportResult(rows_read=3, rows_written=0, rows_unchanged=3)
    copied = fresh_account.posts.get(external_id="wall-1_101")
    assert copied.text == 'Кофе, чай и "какао";\nвторая строка\r\nтретья, с запятой\rи старый Mac'
    assert (copied.shares, copied.saves, copied.likes) == (None, None, 120)
