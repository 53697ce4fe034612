"""Report schedules: which period is due when (in the client's time zone), and the schedule pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from smartsmm.core.periods import week_key
from smartsmm.reports.models import ReportDelivery, ReportSchedule
from smartsmm.reports.scheduling import due_period, is_period_key, next_due_at
from tests.conftest import PASSWORD

MSK = ZoneInfo("Europe/Moscow")
VLAT = ZoneInfo("Asia/Vladivostok")


@dataclass
class S:
    kind: str
    day_of_month: int | None = None
    weekday: int | None = None
    hour: int = 9
    created_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)


def at(*args: int, tz: ZoneInfo = MSK) -> datetime:
    return datetime(*args, tzinfo=tz)


def test_a_monthly_report_is_due_from_its_day_and_hour_until_the_next_month():
    s = S("monthly", day_of_month=3, hour=9)
    assert due_period(s, at(2026, 11, 3, 8, 59), MSK) is None
    assert due_period(s, at(2026, 11, 3, 9, 0), MSK) == "2026-10"
    assert due_period(s, at(2026, 11, 30, 23, 0), MSK) == "2026-10"  # a stopped worker catches up
    assert due_period(s, at(2026, 12, 2, 12, 0), MSK) is None
    assert due_period(s, at(2027, 1, 3, 9, 0), MSK) == "2026-12"  # across the new year


def test_due_times_are_the_clients_local_times():
    s = S("monthly", day_of_month=1, hour=9)
    moment = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)  # 10:30 in Vladivostok, 03:30 in Moscow
    assert due_period(s, moment, VLAT) == "2026-10"
    assert due_period(s, moment, MSK) is None


def test_a_weekly_report_covers_the_previous_iso_week():
    s = S("weekly", weekday=0, hour=9)
    assert due_period(s, at(2026, 11, 2, 8, 0), MSK) is None  # Monday, before nine
    assert due_period(s, at(2026, 11, 2, 9, 0), MSK) == "2026-W44"
    assert due_period(s, at(2026, 11, 8, 23, 0), MSK) == "2026-W44"  # Sunday: still that week's
    friday = S("weekly", weekday=4, hour=18)
    assert due_period(friday, at(2026, 11, 5, 18, 0), MSK) is None
    assert due_period(friday, at(2026, 11, 6, 18, 0), MSK) == "2026-W44"
    # ISO years: Monday 4 January 2027 delivers week 53 of 2026.
    assert due_period(s, at(2027, 1, 4, 9, 0), MSK) == "2026-W53"


def test_a_schedule_created_after_the_due_moment_starts_with_the_next_period():
    s = S("monthly", day_of_month=3, hour=9, created_at=at(2026, 11, 3, 10, 0))
    assert due_period(s, at(2026, 11, 3, 11, 0), MSK) is None
    assert next_due_at(s, at(2026, 11, 3, 11, 0), MSK) == at(2026, 12, 3, 9, 0)
    assert due_period(s, at(2026, 12, 3, 9, 0), MSK) == "2026-11"
    weekly = S("weekly", weekday=2, hour=7, created_at=at(2026, 11, 1, 0, 0))
    assert next_due_at(weekly, at(2026, 11, 1, 0, 0), MSK) == at(2026, 11, 4, 7, 0)


def test_period_keys():
    assert is_period_key("monthly", "2026-10") and not is_period_key("monthly", "2026-13")
    assert is_period_key("weekly", "2026-W53") and not is_period_key("weekly", "2025-W53")
    assert not is_period_key("weekly", "2026-10") and not is_period_key("audit", "2026-10")
    assert week_key(at(2027, 1, 1).date()) == "2026-W53"


# ------------------------------------------------------------------------------------------------
# Pages

pytest_django_db = pytest.mark.django_db


def _login(web, user) -> None:
    assert web.login(username=user.username, password=PASSWORD)


FORM = {
    "kind": "monthly",
    "day_of_month": "3",
    "weekday": "",
    "hour": "9",
    "formats": ["pdf", "pptx"],
    "language": "ru",
    "recipients": "anna@client.test; Boss@client.test\nanna@client.test",
    "telegram_chat_id": "",
    "enabled": "on",
}


@pytest_django_db
def test_a_manager_adds_edits_and_deletes_a_schedule(client, manager, client_obj):
    _login(client, manager)
    url = reverse("report-schedules", args=[client_obj.slug])
    with time_machine.travel(datetime(2026, 10, 20, 9, 0, tzinfo=UTC), tick=False):
        assert client.get(url).status_code == 200
        assert client.post(url, FORM).status_code == 302
    schedule = ReportSchedule.objects.get()
    assert (schedule.client, schedule.kind, schedule.day_of_month, schedule.weekday) == (
        client_obj,
        "monthly",
        3,
        None,
    )
    assert schedule.formats == ["pdf", "pptx"]
    assert schedule.email_recipients == ["anna@client.test", "Boss@client.test"]
    ReportDelivery.objects.create(
        schedule=schedule,
        period="2026-09",
        channel="email",
        status="gave_up",
        attempts=5,
        error="e-mail: every recipient was refused (anna@client.test)",
    )
    with time_machine.travel(datetime(2026, 10, 20, 9, 0, tzinfo=UTC), tick=False):
        page = client.get(url).content.decode()
    assert "03.11.2026 09:00" in page  # next delivery, client's local time
    assert "every recipient was refused" in page

    edit = reverse("report-schedule-edit", args=[schedule.pk])
    assert client.get(edit).status_code == 200
    changed = {**FORM, "kind": "weekly", "weekday": "4", "telegram_chat_id": "@coffee_team", "recipients": ""}
    assert client.post(edit, changed).status_code == 302
    schedule.refresh_from_db()
    assert (schedule.kind, schedule.weekday, schedule.day_of_month) == ("weekly", 4, None)
    assert (schedule.email_recipients, schedule.telegram_chat_id) == ([], "@coffee_team")

    delete = reverse("report-schedule-delete", args=[schedule.pk])
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    assert not ReportSchedule.objects.exists()


@pytest_django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"recipients": "", "telegram_chat_id": ""},
            "Give at least one e-mail recipient or a Telegram chat.",
        ),
        ({"recipients": "not-an-address"}, "not-an-address is not an e-mail address."),
        ({"day_of_month": "29"}, "Ensure this value is less than or equal to 28."),
        ({"day_of_month": ""}, "Choose the day of the month (1–28)."),
        ({"kind": "weekly", "weekday": ""}, "Choose the weekday."),
        ({"hour": "24"}, "Ensure this value is less than or equal to 23."),
        ({"formats": []}, "This field is required."),
        ({"formats": ["docx"]}, "Select a valid choice."),
        ({"telegram_chat_id": "chat 1"}, "Enter a numeric chat id"),
    ],
)
def test_the_schedule_form_says_what_is_wrong(client, manager, client_obj, changes, message):
    _login(client, manager)
    response = client.post(reverse("report-schedules", args=[client_obj.slug]), {**FORM, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReportSchedule.objects.exists()


@pytest_django_db
@pytest.mark.parametrize("persona", ["viewer", "analyst"])
def test_viewers_and_analysts_cannot_manage_schedules(client, request, persona, client_obj):
    schedule = ReportSchedule.objects.create(
        client=client_obj, kind="weekly", weekday=0, formats=["pdf"], email_recipients=["a@b.test"]
    )
    _login(client, request.getfixturevalue(persona))
    assert client.get(reverse("report-schedules", args=[client_obj.slug])).status_code == 403
    assert client.post(reverse("report-schedules", args=[client_obj.slug]), FORM).status_code == 403
    assert client.post(reverse("report-schedule-edit", args=[schedule.pk]), FORM).status_code == 403
    assert client.post(reverse("report-schedule-delete", args=[schedule.pk])).status_code == 403
    assert ReportSchedule.objects.get().kind == "weekly"


@pytest_django_db
def test_an_outsider_cannot_reach_another_agencys_schedules(client, outsider, client_obj):
    schedule = ReportSchedule.objects.create(
        client=client_obj, kind="weekly", weekday=0, formats=["pdf"], email_recipients=["a@b.test"]
    )
    _login(client, outsider)
    assert client.get(reverse("report-schedules", args=[client_obj.slug])).status_code == 404
    assert client.post(reverse("report-schedule-edit", args=[schedule.pk]), FORM).status_code == 404
    assert client.post(reverse("report-schedule-delete", args=[schedule.pk])).status_code == 404
    assert ReportSchedule.objects.exists()


def test_next_due_is_after_now_for_a_due_period():
    s = S("weekly", weekday=0, hour=9)
    now = at(2026, 11, 2, 10, 0)
    assert next_due_at(s, now, MSK) == at(2026, 11, 9, 9, 0)
    assert next_due_at(s, now, MSK) - now < timedelta(days=7)
