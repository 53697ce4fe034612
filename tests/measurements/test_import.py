"""Importing daily metrics and posts from CSV and XLSX files: all or nothing, every problem reported."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from smartsmm.clients.models import SocialAccount
from smartsmm.measurements import importing
from smartsmm.measurements.importing import ImportFailed, ImportResult, import_daily, import_posts
from smartsmm.measurements.models import DailyMetric, Post

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
METRICS_LIST = "followers, subscribed, unsubscribed, reach, views, site_clicks, leads"
POST_COLUMNS_LIST = "external_id, published_at, type, url, text, likes, comments, shares, saves, views, reach"
BAD_DATE = "expected a date as YYYY-MM-DD or DD.MM.YYYY"
BAD_MOMENT = "expected a date and time as ISO 8601 (2026-05-01T19:00:00+03:00) or DD.MM.YYYY HH:MM"
ENCODING = "unsupported encoding: expected UTF-8 or Windows-1251 (cp1251)"


def _file(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def _xlsx(folder: Path, name: str, rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = folder / name
    workbook.save(path)
    return path


def _snapshot(account: SocialAccount) -> tuple[Any, ...]:
    """Everything an import may touch: all metric and post rows and the account's own row."""
    return (
        list(DailyMetric.objects.order_by("pk").values_list()),
        list(Post.objects.order_by("pk").values_list()),
        SocialAccount.objects.filter(pk=account.pk).values().get(),
    )


def _daily(account: SocialAccount) -> dict[tuple[str, str], float]:
    return {(m, d.isoformat()): v for m, d, v in account.daily_metrics.values_list("metric", "day", "value")}


def _rejected(run: Any, path: Path, account: SocialAccount) -> ImportFailed:
    """Run an import that must fail, check that it wrote nothing at all, and return the failure."""
    before = _snapshot(account)
    with pytest.raises(ImportFailed) as caught:
        run(path, account)
    assert _snapshot(account) == before
    assert caught.value.total_errors >= 1
    return caught.value


@pytest.fixture
def seeded(account: SocialAccount) -> SocialAccount:
    """An account that already has data, so that "wrote nothing" is not trivially true."""
    DailyMetric.objects.create(account=account, metric="followers", day=date(2026, 4, 30), value=990)
    Post.objects.create(
        account=account, external_id="1", published_at=datetime(2026, 4, 1, tzinfo=UTC), likes=5
    )
    SocialAccount.objects.filter(pk=account.pk).update(data_changed_at=datetime(2026, 4, 30, tzinfo=UTC))
    account.refresh_from_db()
    return account


# ---------------------------------------------------------------------------------------------
# Daily files that are accepted


def test_it_imports_a_daily_csv(tmp_path, account):
    path = _file(
        tmp_path, "d.csv", "date,followers,reach\n2026-05-01,1000,300\n2026-05-02,1010,\n2026-05-03,,250\n"
    )

    result = import_daily(path, account)

    assert result == ImportResult(rows_read=3, rows_written=3, rows_unchanged=0)
    assert _daily(account) == {
        ("followers", "2026-05-01"): 1000.0,
        ("reach", "2026-05-01"): 300.0,
        ("followers", "2026-05-02"): 1010.0,
        ("reach", "2026-05-03"): 250.0,
    }
    account.refresh_from_db()
    assert account.data_changed_at is not None


def test_it_changes_nothing_when_the_same_daily_file_is_imported_again(tmp_path, account):
    path = _file(tmp_path, "d.csv", "date,followers,reach\n2026-05-01,1000,300\n2026-05-02,1010,\n")
    import_daily(path, account)
    before = _snapshot(account)

    result = import_daily(path, account)

    assert result == ImportResult(rows_read=2, rows_written=0, rows_unchanged=2)
    assert _snapshot(account) == before


def test_it_writes_only_changed_daily_values_and_an_empty_cell_deletes_nothing(tmp_path, account):
    import_daily(
        _file(tmp_path, "a.csv", "date,followers,reach\n2026-05-01,1000,300\n2026-05-02,1010,310\n"), account
    )
    changed = _file(
        tmp_path, "b.csv", "date,reach,followers\n2026-05-01,300,\n2026-05-02,311,1010\n2026-05-03,,1020\n"
    )

    result = import_daily(changed, account)

    assert result == ImportResult(rows_read=3, rows_written=2, rows_unchanged=1)
    assert _daily(account) == {
        ("followers", "2026-05-01"): 1000.0,
        ("reach", "2026-05-01"): 300.0,
        ("followers", "2026-05-02"): 1010.0,
        ("reach", "2026-05-02"): 311.0,
        ("followers", "2026-05-03"): 1020.0,
    }


def test_it_accepts_a_semicolon_csv_from_russian_excel_in_cp1251(tmp_path, account):
    # What Russian Excel saves as "CSV (разделители — точки с запятой)": cp1251, semicolons, CRLF,
    # DD.MM.YYYY dates, non-breaking spaces as thousands separators, a trailing empty column.
    content = "Date;Followers;Views;\r\n01.05.2026;12\u00a0345;1 000,00;\r\n02.05.2026;12 400.0;;\r\n;;;\r\n"
    path = _file(tmp_path, "экспорт.csv", content, encoding="cp1251")

    result = import_daily(path, account)

    assert result.rows_read == 2
    assert _daily(account) == {
        ("followers", "2026-05-01"): 12345.0,
        ("views", "2026-05-01"): 1000.0,
        ("followers", "2026-05-02"): 12400.0,
    }


def test_it_accepts_utf8_with_a_byte_order_mark(tmp_path, account):
    path = _file(tmp_path, "bom.csv", "\ufeffdate,leads\n2026-05-01,3\n")

    import_daily(path, account)

    assert _daily(account) == {("leads", "2026-05-01"): 3.0}


def test_it_accepts_xlsx_with_native_date_cells(tmp_path, account):
    path = _xlsx(
        tmp_path,
        "daily.xlsx",
        [
            ["date", "followers", "site_clicks"],
            [date(2026, 5, 1), 1000, 7],
            [datetime(2026, 5, 2), 1010.0, None],
            ["03.05.2026", "1 020", 9],
            [None, None, None],  # trailing empty rows Excel keeps
            [None, None, None],
        ],
    )

    result = import_daily(path, account)

    assert result == ImportResult(rows_read=3, rows_written=3, rows_unchanged=0)
    assert _daily(account) == {
        ("followers", "2026-05-01"): 1000.0,
        ("site_clicks", "2026-05-01"): 7.0,
        ("followers", "2026-05-02"): 1010.0,
        ("followers", "2026-05-03"): 1020.0,
        ("site_clicks", "2026-05-03"): 9.0,
    }


def test_it_accepts_unsorted_days_and_writes_them_in_several_batches(tmp_path, account, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_ROWS", 3)
    days = [date(2026, 5, 1) + timedelta(days=i) for i in (5, 0, 9, 2, 7, 1, 8, 3, 6, 4)]
    lines = ["date,followers"] + [f"{d.isoformat()},{d.day}" for d in days]
    path = _file(tmp_path, "d.csv", "\n".join(lines) + "\n")

    assert import_daily(path, account) == ImportResult(rows_read=10, rows_written=10, rows_unchanged=0)
    assert import_daily(path, account) == ImportResult(rows_read=10, rows_written=0, rows_unchanged=10)
    assert _daily(account) == {("followers", d.isoformat()): float(d.day) for d in days}


# ---------------------------------------------------------------------------------------------
# Daily files that are refused


def test_it_rejects_an_unknown_column(tmp_path, seeded):
    path = _file(tmp_path, "daily.csv", "date,followers,foo\n2026-05-01,1000,1\n")

    failed = _rejected(import_daily, path, seeded)

    assert failed.errors == [
        f'{path}:1:foo: unknown column "foo": expected date or one of {METRICS_LIST}',
    ]
    assert failed.total_errors == 1


def test_it_rejects_a_header_without_date_or_metrics(tmp_path, seeded):
    no_date = _file(tmp_path, "a.csv", "day,followers,followers\n2026-05-01,1,2\n")
    no_metric = _file(tmp_path, "b.csv", "date\n2026-05-01\n")

    assert _rejected(import_daily, no_date, seeded).errors == [
        f'{no_date}:1:day: unknown column "day": expected date or one of {METRICS_LIST}',
        f'{no_date}:1:followers: column "followers" appears twice: expected each column once',
        f'{no_date}:1: missing column "date": expected a header such as "date,followers,reach"',
    ]
    assert _rejected(import_daily, no_metric, seeded).errors == [
        f"{no_metric}:1: no metric column: expected at least one of {METRICS_LIST}",
    ]


def test_it_rejects_dates_that_do_not_parse(tmp_path, seeded):
    path = _file(
        tmp_path,
        "daily.csv",
        "date,followers\n2026-05-01,1\n31/02/2025,2\n2025-02-30,3\n31.02.2025,4\n,5\n20260506,6\n",
    )

    failed = _rejected(import_daily, path, seeded)

    assert failed.errors == [
        f'{path}:3:date: {BAD_DATE}, got "31/02/2025"',
        f'{path}:4:date: {BAD_DATE}, got "2025-02-30"',
        f'{path}:5:date: {BAD_DATE}, got "31.02.2025"',
        f"{path}:6:date: {BAD_DATE}, got an empty cell",
        f'{path}:7:date: {BAD_DATE}, got "20260506"',
    ]


def test_it_rejects_negative_and_other_invalid_counts(tmp_path, seeded):
    path = _file(
        tmp_path,
        "daily.csv",
        "date,followers,reach\n"
        "2026-05-01,-5,1\n"
        "2026-05-02,12.5,1,000\n"  # "1,000" is split by the comma: a cell beyond the header
        "2026-05-03,ten,1.000\n"
        "2026-05-04,99999999999999999999,+3\n",
    )

    failed = _rejected(import_daily, path, seeded)

    assert failed.errors == [
        f'{path}:2:followers: expected a whole number ≥ 0, got "-5"',
        f'{path}:3:followers: expected a whole number ≥ 0, got "12.5"',
        f'{path}:3:D: value "000" beyond the last column: expected at most 3 cells',
        f'{path}:4:followers: expected a whole number ≥ 0, got "ten"',
        f'{path}:4:reach: expected a whole number ≥ 0, got "1.000"',
        f"{path}:5:followers: expected a whole number ≥ 0 and at most 9007199254740991, "
        f'got "99999999999999999999"',
        f'{path}:5:reach: expected a whole number ≥ 0, got "+3"',
    ]
    assert failed.total_errors == 7


def test_it_reports_a_rows_problems_left_to_right(tmp_path, seeded):
    path = _file(tmp_path, "daily.csv", "reach;Date;views\n-1;32.01.2026;x\n")

    assert _rejected(import_daily, path, seeded).errors == [
        f'{path}:2:reach: expected a whole number ≥ 0, got "-1"',
        f'{path}:2:Date: {BAD_DATE}, got "32.01.2026"',
        f'{path}:2:views: expected a whole number ≥ 0, got "x"',
    ]


def test_it_rejects_a_duplicate_row_naming_the_first(tmp_path, seeded):
    path = _file(
        tmp_path,
        "daily.csv",
        "date,followers\n2026-05-01,1\n2026-05-02,2\n\n02.05.2026,2\n2026-05-01,1\n",
    )

    failed = _rejected(import_daily, path, seeded)

    # The empty line is row 4, as a spreadsheet would show it.
    assert failed.errors == [
        f'{path}:5:date: duplicate of row 3: expected each date once, got "2026-05-02" again',
        f'{path}:6:date: duplicate of row 2: expected each date once, got "2026-05-01" again',
    ]


def test_it_rejects_an_empty_file_and_a_header_without_rows(tmp_path, seeded):
    empty = _file(tmp_path, "daily.csv", "")
    blank = _file(tmp_path, "blank.csv", "\ufeff\r\n\r\n")
    header_only = _file(tmp_path, "header.csv", "date,followers\n")
    empty_xlsx = _xlsx(tmp_path, "empty.xlsx", [])

    expected = 'the file is empty: expected a header row such as "date,followers,reach"'
    assert _rejected(import_daily, empty, seeded).errors == [f"{empty}:1: {expected}"]
    assert _rejected(import_daily, blank, seeded).errors == [f"{blank}:1: {expected}"]
    assert _rejected(import_daily, empty_xlsx, seeded).errors == [f"{empty_xlsx}:1: {expected}"]
    assert _rejected(import_daily, header_only, seeded).errors == [f"{header_only}:2: no data rows"]


def test_it_rejects_a_file_in_another_encoding(tmp_path, seeded):
    utf16 = _file(tmp_path, "utf16.csv", "date,followers\n2026-05-01,1\n", encoding="utf-16")
    utf16_without_bom = _file(tmp_path, "utf16le.csv", "date,followers\n2026-05-01,1\n", encoding="utf-16-le")
    # 0x98 is invalid as UTF-8 and the one byte cp1251 does not define.
    undefined = _file(tmp_path, "odd.csv", b"date,followers\n2026-05-01,1\x98\n")
    bad_after_bom = _file(tmp_path, "bom.csv", b"\xef\xbb\xbfdate,followers\n2026-05-01,\xcf\n")

    for path in (utf16, utf16_without_bom, undefined, bad_after_bom):
        assert _rejected(import_daily, path, seeded).errors == [f"{path}: {ENCODING}"]


def test_it_rejects_wrong_file_types_with_a_clear_message(tmp_path, seeded):
    xls = _file(tmp_path, "daily.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    no_suffix = _file(tmp_path, "daily", "date,followers\n2026-05-01,1\n")
    text_as_xlsx = _file(tmp_path, "daily.xlsx", "date,followers\n2026-05-01,1\n")
    old_excel_as_xlsx = _file(tmp_path, "old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    damaged_xlsx = _file(tmp_path, "damaged.xlsx", b"PK\x03\x04" + b"garbage" * 20)
    workbook_as_csv = _xlsx(tmp_path, "book.xlsx", [["date", "followers"], ["2026-05-01", 1]]).rename(
        tmp_path / "book.csv"
    )
    binary = _file(tmp_path, "binary.csv", bytes(range(1, 256)).replace(b"\x98", b""))
    missing = tmp_path / "missing.csv"

    assert _rejected(import_daily, xls, seeded).errors == [
        f'{xls}: unsupported file type (extension ".xls"): expected .csv, .txt or .xlsx'
    ]
    assert _rejected(import_daily, no_suffix, seeded).errors == [
        f"{no_suffix}: unsupported file type (extension none): expected .csv, .txt or .xlsx"
    ]
    assert _rejected(import_daily, text_as_xlsx, seeded).errors == [
        f"{text_as_xlsx}: this is not an Excel workbook: expected an .xlsx file (or CSV with the .csv extension)"
    ]
    assert _rejected(import_daily, old_excel_as_xlsx, seeded).errors == [
        f"{old_excel_as_xlsx}: this is an old Excel .xls workbook: expected .xlsx (save it as .xlsx)"
    ]
    [damaged] = _rejected(import_daily, damaged_xlsx, seeded).errors
    assert damaged.startswith(f"{damaged_xlsx}: cannot open the workbook (")
    assert damaged.endswith("): expected an undamaged .xlsx file")
    assert _rejected(import_daily, workbook_as_csv, seeded).errors == [
        f"{workbook_as_csv}: this is an Excel workbook (XLSX), not CSV text: expected the .xlsx extension"
    ]
    assert _rejected(import_daily, binary, seeded).errors == [
        f"{binary}: this is not a text file: expected CSV text (comma- or semicolon-separated)"
    ]
    [gone] = _rejected(import_daily, missing, seeded).errors
    assert gone == f"{missing}: cannot read the file (No such file or directory): expected a readable file"


def test_it_rejects_values_in_columns_without_a_name(tmp_path, seeded):
    path = _file(tmp_path, "daily.csv", "date,,followers\n2026-05-01,,1\n2026-05-02,x,2\n")

    assert _rejected(import_daily, path, seeded).errors == [
        f'{path}:3:B: value "x" in a column without a name: expected a column name in row 1',
    ]


def test_it_reports_every_bad_row_and_caps_the_list_at_fifty(tmp_path, seeded):
    lines = ["date,followers,reach"] + [f"2026-13-{i:02d},-{i},{i}" for i in range(1, 31)]
    path = _file(tmp_path, "daily.csv", "\n".join(lines) + "\n")

    failed = _rejected(import_daily, path, seeded)

    assert failed.total_errors == 60
    assert len(failed.errors) == 51
    assert failed.errors[:4] == [
        f'{path}:2:date: {BAD_DATE}, got "2026-13-01"',
        f'{path}:2:followers: expected a whole number ≥ 0, got "-1"',
        f'{path}:3:date: {BAD_DATE}, got "2026-13-02"',
        f'{path}:3:followers: expected a whole number ≥ 0, got "-2"',
    ]
    assert failed.errors[49] == f'{path}:26:followers: expected a whole number ≥ 0, got "-25"'
    assert failed.errors[50] == "… and 10 more errors"
    assert str(failed) == "\n".join(failed.errors)


def test_it_rejects_bad_cells_of_an_xlsx_file_by_spreadsheet_row(tmp_path, seeded):
    path = _xlsx(
        tmp_path,
        "daily.xlsx",
        [
            ["date", "followers"],
            [date(2026, 5, 1), 1],
            [datetime(2026, 5, 2, 13, 30), 2],  # a time of day is not a day
            [None, None],  # an empty row in the middle still counts
            [date(2026, 5, 3), 2.5],
            [date(2026, 5, 4), True],
        ],
    )

    assert _rejected(import_daily, path, seeded).errors == [
        f'{path}:3:date: {BAD_DATE}, got "2026-05-02 13:30:00"',
        f'{path}:5:followers: expected a whole number ≥ 0, got "2.5"',
        f'{path}:6:followers: expected a whole number ≥ 0, got "True"',
    ]


def test_it_writes_nothing_when_a_later_batch_fails(tmp_path, seeded, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    calls = []
    real_write = importing._write_batch

    def failing_second_batch(cursor, sql, params):
        calls.append(len(params))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_write(cursor, sql, params)

    monkeypatch.setattr(importing, "_write_batch", failing_second_batch)
    path = _file(
        tmp_path, "d.csv", "date,followers\n2026-05-01,1\n2026-05-02,2\n2026-05-03,3\n2026-05-04,4\n"
    )
    before = _snapshot(seeded)

    with pytest.raises(RuntimeError, match="disk full"):
        import_daily(path, seeded)

    assert calls == [2, 2]
    assert _snapshot(seeded) == before


# ---------------------------------------------------------------------------------------------
# Posts


def _posts(account: SocialAccount) -> dict[str, Any]:
    return {
        p["external_id"]: p
        for p in account.posts.values(
            "external_id",
            "published_at",
            "post_type",
            "url",
            "text",
            "likes",
            "comments",
            "shares",
            "saves",
            "views",
            "reach",
        )
    }


def test_it_imports_posts_with_cyrillic_text_from_a_cp1251_file(tmp_path, account):
    content = (
        "external_id;published_at;type;url;text;likes;comments;shares;saves;views;reach\r\n"
        '101;2026-05-01 19:00;post;https://vk.com/wall-1_101;"Кофе; скидка ""20%""\r\nдо пятницы";'
        "120;4;3;;5 400;3900\r\n"
        "102;02.05.2026 09:30;clip;;Просто текст;;;;;;\r\n"
        "103;2026-05-03T10:00:00Z;;;;1;0;0;0;0;0\r\n"
    )
    path = _file(tmp_path, "посты.csv", content, encoding="cp1251")

    result = import_posts(path, account)

    assert result == ImportResult(rows_read=3, rows_written=3, rows_unchanged=0)
    posts = _posts(account)
    assert posts["101"]["published_at"] == datetime(2026, 5, 1, 19, 0, tzinfo=MOSCOW)
    assert posts["101"]["text"] == 'Кофе; скидка "20%"\r\nдо пятницы'
    assert posts["101"]["url"] == "https://vk.com/wall-1_101"
    assert (posts["101"]["likes"], posts["101"]["saves"], posts["101"]["views"]) == (120, None, 5400)
    assert posts["102"]["published_at"] == datetime(2026, 5, 2, 9, 30, tzinfo=MOSCOW)
    assert posts["102"]["post_type"] == "clip"
    assert [posts["102"][c] for c in ("likes", "comments", "shares", "saves", "views", "reach")] == [None] * 6
    assert posts["103"]["published_at"] == datetime(2026, 5, 3, 10, 0, tzinfo=UTC)
    assert posts["103"]["post_type"] == "post"
    assert posts["103"]["comments"] == 0
    account.refresh_from_db()
    assert account.data_changed_at is not None


def test_it_changes_nothing_when_the_same_posts_file_is_imported_again(tmp_path, account):
    path = _file(
        tmp_path,
        "posts.csv",
        "external_id,published_at,text,likes,reach\n1,2026-05-01T19:00:00+03:00,Привет,10,\n2,2026-05-02 08:00,,,7\n",
    )
    import_posts(path, account)
    before = _snapshot(account)

    result = import_posts(path, account)

    assert result == ImportResult(rows_read=2, rows_written=0, rows_unchanged=2)
    assert _snapshot(account) == before


def test_it_updates_changed_posts_and_leaves_absent_columns_alone(tmp_path, seeded):
    Post.objects.filter(account=seeded, external_id="1").update(text="old", views=100, url="https://vk.com/1")
    path = _file(
        tmp_path,
        "posts.csv",
        "published_at,external_id,likes,text\n2026-04-01T03:00:00+03:00,1,6,new\n2026-05-01 12:00,2,,\n",
    )

    result = import_posts(path, seeded)

    assert result == ImportResult(rows_read=2, rows_written=2, rows_unchanged=0)
    posts = _posts(seeded)
    # Post 1: likes and text come from the file; views and url were not in it and stay.
    assert posts["1"]["likes"] == 6
    assert posts["1"]["text"] == "new"
    assert posts["1"]["views"] == 100
    assert posts["1"]["url"] == "https://vk.com/1"
    assert posts["1"]["published_at"] == datetime(2026, 4, 1, tzinfo=UTC)
    assert posts["2"]["likes"] is None
    assert posts["2"]["post_type"] == "post"


def test_it_accepts_posts_from_xlsx_with_datetime_cells(tmp_path, account):
    path = _xlsx(
        tmp_path,
        "posts.xlsx",
        [
            ["external_id", "published_at", "text", "likes", "views"],
            [5001, datetime(2026, 5, 1, 19, 0), "Первый пост", 10, None],
            ["5002", "2026-05-02T08:15:00+00:00", "", 3.0, 1500],
        ],
    )

    assert import_posts(path, account) == ImportResult(rows_read=2, rows_written=2, rows_unchanged=0)
    posts = _posts(account)
    assert posts["5001"]["published_at"] == datetime(2026, 5, 1, 19, 0, tzinfo=MOSCOW)
    assert posts["5001"]["text"] == "Первый пост"
    assert posts["5001"]["views"] is None
    assert posts["5002"]["published_at"] == datetime(2026, 5, 2, 8, 15, tzinfo=UTC)
    assert posts["5002"]["likes"] == 3


def test_it_rejects_bad_post_rows_counting_rows_as_a_spreadsheet_does(tmp_path, seeded):
    content = (
        "external_id,published_at,url,text,likes,type\n"
        '1,2026-05-01 10:00,https://vk.com/1,"two\nlines",1,post\n'  # one row over two lines
        "2,yesterday,ftp://example.com/x,,-1,post\n"
        "1,2026-05-02 10:00,vk.com/2,,2,a-type-name-far-too-long\n"
        ",2026-05-03 10:00,,,,\n"
    )
    path = _file(tmp_path, "posts.csv", content)

    failed = _rejected(import_posts, path, seeded)

    assert failed.errors == [
        f'{path}:3:published_at: {BAD_MOMENT}, got "yesterday"',
        f'{path}:3:url: expected a link starting with http:// or https://, got "ftp://example.com/x"',
        f'{path}:3:likes: expected a whole number ≥ 0, got "-1"',
        f'{path}:4:external_id: duplicate of row 2: expected each external_id once, got "1" again',
        f'{path}:4:url: expected a link starting with http:// or https://, got "vk.com/2"',
        f'{path}:4:type: expected a post type of at most 20 characters, got "a-type-name-far-too-long"',
        f"{path}:5:external_id: expected the post's id on the platform, got an empty cell",
    ]


def test_it_rejects_a_posts_header_without_the_required_columns(tmp_path, seeded):
    path = _file(tmp_path, "posts.csv", "id,likes\n1,2\n")

    assert _rejected(import_posts, path, seeded).errors == [
        f'{path}:1:id: unknown column "id": expected one of {POST_COLUMNS_LIST}',
        f'{path}:1: missing column "external_id": expected a header such as "external_id,published_at,likes,views"',
        f'{path}:1: missing column "published_at": expected a header such as "external_id,published_at,likes,views"',
    ]


def test_it_rejects_an_empty_posts_file_and_another_encoding(tmp_path, seeded):
    empty = _file(tmp_path, "posts.csv", "")
    utf16 = _file(
        tmp_path, "posts16.csv", "external_id,published_at\n1,2026-05-01 10:00\n", encoding="utf-16"
    )

    assert _rejected(import_posts, empty, seeded).errors == [
        f'{empty}:1: the file is empty: expected a header row such as "external_id,published_at,likes,views"'
    ]
    assert _rejected(import_posts, utf16, seeded).errors == [f"{utf16}: {ENCODING}"]


def test_it_writes_no_post_when_a_later_post_batch_fails(tmp_path, seeded, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_ROWS", 1)
    real_write = importing._write_batch
    calls = []

    def failing_second_batch(cursor, sql, params):
        calls.append(params)
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        real_write(cursor, sql, params)

    monkeypatch.setattr(importing, "_write_batch", failing_second_batch)
    path = _file(
        tmp_path, "posts.csv", "external_id,published_at\n10,2026-05-01 10:00\n11,2026-05-01 11:00\n"
    )
    before = _snapshot(seeded)

    with pytest.raises(RuntimeError, match="connection lost"):
        import_posts(path, seeded)

    assert len(calls) == 2
    assert _snapshot(seeded) == before
