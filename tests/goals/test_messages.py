"""What drives a goal's probability, in words: one sentence per driver of the forecast, then its backtest.

The drivers come from the cached evaluation (already in the KPI's own direction); the sentences are
built in smartsmm.goals.messages. English is tested here in full; the Russian tests run once the
catalogue holds these strings (they are skipped until then, see `russian`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from smartsmm.core.metrics import get_metric
from smartsmm.goals.messages import driver_text, explain_forecast, quality_text

FOLLOWERS = get_metric("followers")
CHURN = get_metric("churn_rate")  # a percentage where lower is better


def _driver(code: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "params": params}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_it_says_the_target_is_already_met():
    text = driver_text(_driver("already_reached", current=1250.0, target=1200.0), FOLLOWERS)
    assert text == (
        "The current value 1,250 already meets the target 1,200: the goal is reached if it holds until the "
        "deadline."
    )


def test_it_compares_the_pace_needed_with_the_recent_pace_in_the_kpis_units():
    enough = driver_text(_driver("pace_gap", required=13.3, recent=20.2, ratio=0.66), FOLLOWERS)
    assert enough == (
        "Pace needed from now to the deadline: +13.3 a day; recent pace (typical of the last 8 weeks): "
        "+20.2 a day. The recent pace is enough: the target needs 66 % of it."
    )
    short = driver_text(_driver("pace_gap", required=43.4, recent=13.7, ratio=3.17), FOLLOWERS)
    assert short.endswith(
        "+43.4 a day; recent pace (typical of the last 8 weeks): +13.7 a day. "
        "The target needs 3.2 times the recent pace."
    )
    away = driver_text(_driver("pace_gap", required=30.8, recent=-0.92), FOLLOWERS)
    assert "−0.92 a day" in away
    assert away.endswith(
        "The recent pace does not move the value towards the target, so reaching it takes a change of pace."
    )


def test_it_gives_percentage_kpis_their_paces_in_points_and_reads_them_in_the_kpis_direction():
    # Unsubscribe rate: the target is below, so a falling rate is progress.
    text = driver_text(_driver("pace_gap", required=-0.02, recent=-0.04, ratio=0.5), CHURN)
    assert text == (
        "Pace needed from now to the deadline: −0.020 pp a day; recent pace (typical of the last 8 weeks): "
        "−0.040 pp a day. The recent pace is enough: the target needs 50 % of it."
    )
    rising = driver_text(_driver("pace_gap", required=-0.02, recent=0.01, ratio=-2.0), CHURN)
    assert "+0.010 pp a day" in rising and "does not move the value towards the target" in rising


def test_it_adds_no_verdict_when_the_target_is_already_behind():
    text = driver_text(_driver("pace_gap", required=-2.0, recent=5.0, ratio=-0.4), FOLLOWERS)
    assert text == (
        "Pace needed from now to the deadline: −2.0 a day; recent pace (typical of the last 8 weeks): +5.0 a day."
    )


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        (0.27, "about ±24.0, small next to a week's typical change (27 % of it): the path is steady."),
        (0.5, "about ±24.0, comparable to a week's typical change (50 % of it)."),
        (
            8.6,
            "about ±24.0, 8.6 times a week's typical change: the outcome is uncertain and the forecast "
            "range wide.",
        ),
        (None, "about ±24.0."),
    ],
)
def test_it_sizes_the_weekly_swings_against_the_pace(relative, expected):
    params: dict[str, Any] = {"weekly_sd": 24.0, "factor": 1.0}
    if relative is not None:
        params["relative"] = relative
    text = driver_text(_driver("volatility", **params), FOLLOWERS)
    assert text == "Week-to-week swings around the trend are " + expected


def test_it_says_when_the_accounts_own_past_widens_or_narrows_the_range():
    wider = driver_text(_driver("volatility", weekly_sd=0.05, relative=1.0, factor=1.6), CHURN)
    assert wider.startswith("Week-to-week swings around the trend are about ±0.050 pp,")
    assert wider.endswith(
        "Forecasts at this history's own past dates missed by more than usual, so its range is 1.6 times as "
        "wide as for a typical account."
    )
    narrower = driver_text(_driver("volatility", weekly_sd=24.0, relative=0.3, factor=0.73), FOLLOWERS)
    assert narrower.endswith(
        "This history has been more predictable than a typical account's, so its range is narrower (×0.73)."
    )
    usual = driver_text(_driver("volatility", weekly_sd=24.0, relative=0.3, factor=1.05), FOLLOWERS)
    assert usual.endswith("the path is steady.")


def test_it_says_how_short_the_history_is():
    text = driver_text(_driver("short_history", weeks=20.0, recommended=52.0), FOLLOWERS)
    assert text == (
        "Only 20 weeks of history: the forecast relies mostly on how accounts behave in general, not on this "
        "history's own past (that takes about 52 weeks)."
    )
    none_yet = driver_text(
        _driver("short_history", weeks=1.0, recommended=52.0), FOLLOWERS, forecast_ok=False
    )
    assert none_yet == "Only 1 week of history: too little for a forecast yet."


def test_it_says_whether_a_change_of_pace_helps_the_goal():
    slowed = driver_text(_driver("pace_change", recent=-0.76, earlier=9.4), FOLLOWERS)
    assert slowed == (
        "The pace has changed against the goal: −0.76 a day over the last 8 weeks against +9.4 a day in the "
        "18 weeks before; the forecast follows the recent pace."
    )
    # An unsubscribe rate that started falling has changed in the goal's favour.
    falling = driver_text(_driver("pace_change", recent=-0.01, earlier=0.02), CHURN)
    assert falling.startswith(
        "The pace has changed in the goal's favour: −0.010 pp a day over the last 8 weeks"
    )


def test_it_dates_and_sizes_a_step_change():
    drop = driver_text(_driver("step_change", date="2026-03-28", size=-806.0, share=-0.06), FOLLOWERS)
    assert drop == (
        "On 03/28/2026 the value dropped by 806 (6.0 % of the level before it): a bot purge, a mass "
        "unsubscribe? A one-off step like this is not taken for the pace."
    )
    jump = driver_text(_driver("step_change", date="2025-12-12", size=1200.0, share=0.24), FOLLOWERS)
    assert jump == (
        "On 12/12/2025 the value jumped by 1,200 (24 % of the level before it): a campaign, a giveaway, a "
        "viral post? A one-off step like this is not taken for the pace."
    )
    from_zero = driver_text(_driver("step_change", date="2025-12-12", size=40.0), FOLLOWERS)
    assert "jumped by 40.0:" in from_zero


def test_it_says_a_level_is_forecast_from_its_recent_average():
    er = get_metric("err")
    anchored = driver_text(_driver("level", weeks=13.0, start=4.26, keep=0.25), er)
    assert anchored == (
        "This KPI moves up and down around a level rather than adding up, so it is forecast as a level: it "
        "starts from 4.26 %, drawn towards its average of the last 13 weeks rather than the last value, keeps "
        "25 % of the recent pace, and its range is as wide as the level's own past swings over as long a time."
    )
    from_last = driver_text(_driver("level", weeks=1.0, start=4.4, keep=1.0), er)
    assert from_last.endswith(
        "forecast as a level: it keeps 100 % of the recent pace, and its range is as wide as the level's own "
        "past swings over as long a time."
    )


def test_it_says_a_rounded_count_is_read_where_it_moved():
    assert driver_text(_driver("rounded", unit=10000.0), FOLLOWERS) == (
        "The platform publishes this count rounded (to 10,000), so it stands still for weeks and then jumps "
        "by a whole step; the forecast reads it where it moved, not as stalls and jumps."
    )


def test_it_ignores_a_driver_it_does_not_know():
    assert driver_text(_driver("moon_phase", phase=0.5), FOLLOWERS) == ""


def test_it_tells_how_the_method_did_on_the_accounts_own_past():
    quality = {"horizon_weeks": 13, "cases": 10, "brier": 0.138, "coverage": 0.8, "brier_pace": 0.333}
    assert quality_text(quality) == (
        "Checked on this history's own past: of 10 forecasts made 13 weeks ahead, 8 ended inside their "
        "p10–p90 range (80 %; about 80 % is right). The forecast's probabilities came closer to what happened "
        "than simply extending the recent pace (Brier score 0.138 against 0.333; 0 is perfect, 0.25 is a coin "
        "toss)."
    )
    narrow = quality_text({**quality, "coverage": 0.5, "brier": 0.35})
    assert "5 ended inside" in narrow
    assert "The range has been too narrow for this history: read the probability with caution." in narrow
    assert "did no better than simply extending the recent pace (Brier score 0.350 against 0.333" in narrow
    wide = quality_text({**quality, "coverage": 1.0, "horizon_weeks": 1})
    assert "made 1 week ahead" in wide and "The range has been wider than this history needed." in wide


def test_it_says_plainly_when_the_history_is_too_short_for_a_quality_check():
    expected = "The history is too short to check how the method would have done on its own past."
    assert quality_text(None) == expected
    assert quality_text({"cases": 3}) == expected


def _forecast(**overrides: Any) -> dict[str, Any]:
    forecast: dict[str, Any] = {
        "status": "ok",
        "method": "calibrated-pace-ets-weekly",
        "weekly_points": 79,
        "drivers": [
            _driver("pace_gap", required=13.3, recent=20.2, ratio=0.66),
            _driver("volatility", weekly_sd=73.8, relative=0.5, factor=1.0),
            _driver("step_change", date="2026-03-28", size=-806.0, share=-0.06),
        ],
        "quality": {"horizon_weeks": 17, "cases": 8, "brier": 0.09, "coverage": 1.0, "brier_pace": 0.17},
    }
    forecast.update(overrides)
    return forecast


def test_it_explains_a_forecast_driver_by_driver_with_the_history_and_the_backtest():
    items = explain_forecast(_forecast(), FOLLOWERS)
    assert [i["code"] for i in items] == ["pace_gap", "volatility", "history", "step_change", "quality"]
    assert (
        items[2]["text"]
        == "78 weeks of history: enough to calibrate the forecast on this history's own past."
    )
    assert items[-1]["text"].startswith(
        "Checked on this history's own past: of 8 forecasts made 17 weeks ahead"
    )


def test_it_explains_a_short_history_without_a_quality_check():
    forecast = _forecast(
        weekly_points=21,
        drivers=[_driver("pace_gap", required=5.0, recent=10.0), _driver("short_history", weeks=20.0)],
        quality=None,
    )
    items = explain_forecast(forecast, FOLLOWERS)
    assert [i["code"] for i in items] == ["pace_gap", "short_history", "quality"]
    assert items[-1]["text"].startswith("The history is too short")


def test_it_explains_why_there_is_no_probability_yet():
    forecast = _forecast(
        status="insufficient_history",
        method="none",
        weekly_points=2,
        drivers=[_driver("pace_gap", required=5.0, recent=10.0), _driver("short_history", weeks=1.0)],
        quality=None,
    )
    texts = [i["text"] for i in explain_forecast(forecast, FOLLOWERS)]
    assert "Only 1 week of history: too little for a forecast yet." in texts
    assert texts[-1].startswith("The history is too short")


def test_it_explains_nothing_without_a_forecast_or_after_the_deadline():
    assert explain_forecast({}, FOLLOWERS) == []
    assert explain_forecast(_forecast(method="observed"), FOLLOWERS) == []


# Russian -------------------------------------------------------------------------------------------


@pytest.fixture
def russian() -> Iterator[None]:
    with translation.override("ru"):
        if translation.gettext("What drives this probability") == "What drives this probability":
            pytest.skip("the Russian strings of issue 3 are not merged into the catalogue yet")
        yield


def test_it_speaks_russian_with_russian_numbers_and_plurals(russian):
    pace = driver_text(_driver("pace_gap", required=43.4, recent=13.7, ratio=3.17), FOLLOWERS)
    assert pace == (
        "Нужный темп от сегодня до срока: +43,4 в день; недавний темп (типичный за последние 8 недель): "
        "+13,7 в день. Цели нужен темп в 3,2 раза быстрее недавнего."
    )
    churn = driver_text(_driver("pace_gap", required=-0.02, recent=-0.04), CHURN)
    assert "−0,020 п.п. в день" in churn and "Недавнего темпа хватает: цели нужно 50 % от него." in churn
    level = driver_text(_driver("level", weeks=4.0, start=12500.0, keep=0.5), FOLLOWERS)
    assert level.startswith("Этот KPI колеблется вокруг уровня, а не накапливается")
    assert "с 12\xa0500 — ближе к среднему за последние 4 недели" in level and "сохраняет 50 %" in level
    drop = driver_text(_driver("step_change", date="2026-03-28", size=-806.0, share=-0.06), FOLLOWERS)
    assert drop.startswith("28.03.2026 значение резко упало на 806 (6,0 % от прежнего уровня)")
    assert driver_text(_driver("short_history", weeks=21.0), FOLLOWERS, forecast_ok=False) == (
        "Всего 21 неделя истории: для прогноза пока мало."
    )
    swings = driver_text(_driver("volatility", weekly_sd=24.0, relative=0.3, factor=1.0), FOLLOWERS)
    assert swings.startswith("Колебания от недели к неделе вокруг тренда — около ±24,0")
    change = driver_text(_driver("pace_change", recent=-0.76, earlier=9.4), FOLLOWERS)
    assert change.startswith("Темп изменился не в пользу цели: −0,76 в день за последние 8 недель")
    reached = driver_text(_driver("already_reached", current=1250.0, target=1200.0), FOLLOWERS)
    assert reached.startswith("Текущее значение 1\u00a0250 уже достигает цели 1\u00a0200")  # NBSP groups
    rounded = driver_text(_driver("rounded", unit=10000.0), FOLLOWERS)
    assert rounded.startswith("Площадка публикует это число округлённым (до 10\u00a0000)")


def test_it_tells_the_backtest_in_russian(russian):
    one = quality_text({"horizon_weeks": 1, "cases": 21, "brier": 0.1, "coverage": 0.81, "brier_pace": 0.2})
    assert one.startswith(
        "Проверка на собственном прошлом этих данных: из 21 прогноза на 1 неделю вперёд в свой диапазон "
        "p10–p90 попали 17 (81 %; правильно — около 80 %)."
    )
    many = quality_text({"horizon_weeks": 13, "cases": 10, "brier": 0.1, "coverage": 0.8, "brier_pace": 0.2})
    assert "из 10 прогнозов на 13 недель вперёд" in many
    assert quality_text(None).startswith("История слишком короткая")
    history = explain_forecast(_forecast(), FOLLOWERS)[2]["text"]
    assert (
        history
        == "78 недель истории: достаточно, чтобы откалибровать прогноз на собственном прошлом этих данных."
    )
