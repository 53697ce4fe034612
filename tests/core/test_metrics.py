"""The KPI catalogue as a spec: every KPI against a hand-computed example that follows its shown formula.

The example (`SAMPLE`) is a 4-day period, 1–4 March 2024, with:
- daily values on 29 February (the day before the period) and on 5 March (the day after), which
  only stock KPIs may read (29 February) and no KPI may read (5 March);
- four posts, some of whose counters the platform does not report (None).

Every expected value below is written as the arithmetic of the KPI's `formula_en`.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from smartsmm.core.metrics import (
    DAILY_METRICS,
    METRICS,
    METRICS_BY_KEY,
    STOCK_METRICS,
    GoalMeasure,
    PeriodData,
    Unit,
    UnknownMetric,
    compute_kpi,
    get_metric,
    merge_account_series,
    metrics_for_objective,
)
from smartsmm.core.objectives import Objective
from smartsmm.core.periods import Period
from smartsmm.core.types import PostRecord

BEFORE = date(2024, 2, 29)  # the day before the period (a leap day)
D1, D2, D3, D4 = (date(2024, 3, d) for d in (1, 2, 3, 4))
AFTER = date(2024, 3, 5)  # the day after the period
PERIOD = Period(D1, D4)

DAILY = {
    #                  29 Feb   1 Mar  2 Mar  3 Mar  4 Mar   5 Mar
    "followers": {BEFORE: 960, D1: 980, D2: 990, D3: 1010, D4: 1020, AFTER: 5000},
    "unsubscribed": {BEFORE: 70, D1: 2, D2: 3, D3: 0, D4: 5, AFTER: 70},
    "reach": {BEFORE: 9999, D1: 500, D2: 700, D3: 400, D4: 400, AFTER: 9999},
    "views": {BEFORE: 50000, D1: 1000, D2: 1200, D3: 900, D4: 900, AFTER: 50000},
    "site_clicks": {BEFORE: 999, D1: 30, D2: 10, D3: 0, D4: 40, AFTER: 999},
    "leads": {BEFORE: 99, D1: 2, D2: 1, D3: 0, D4: 1, AFTER: 99},
}


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


POSTS = (
    # engagements 40 + 5 + 3 (+ saves not reported) = 48; views 800; reach 600
    PostRecord(_at(D1), likes=40, comments=5, shares=3, saves=None, views=800, reach=600),
    # engagements 20 (+ comments not reported) + 2 + 1 = 23; views unknown; reach 400
    PostRecord(_at(D2), likes=20, comments=None, shares=2, saves=1, views=None, reach=400),
    # engagements 3 + 1 + 0 + 0 = 4; views 100; reach unknown
    PostRecord(_at(D3), likes=3, comments=1, shares=0, saves=0, views=100, reach=None),
    # engagements 20 + 5 = 25; views 200; reach 200
    PostRecord(_at(D4), likes=20, comments=5, shares=None, saves=None, views=200, reach=200),
)

SAMPLE = PeriodData(PERIOD, DAILY, POSTS)

# Hand computations on SAMPLE, one per KPI, following each KPI's formula_en.
# Average followers over the period = (980 + 990 + 1010 + 1020) ÷ 4 = 4000 ÷ 4 = 1000.
HAND_COMPUTED: dict[str, float] = {
    # Followers on the last day of the period: 4 March → 1020 (5 March is outside).
    "followers": 1020,
    # Followers at the end − followers the day before it started: 1020 − 960 (29 Feb) = 60.
    "follower_growth": 60,
    # (1020 − 960) ÷ 960 × 100 = 60 ÷ 960 × 100 = 6.25.
    "follower_growth_pct": 6.25,
    # Σ unsubscribes ÷ average followers × 100 = (2 + 3 + 0 + 5) ÷ 1000 × 100 = 10 ÷ 1000 × 100 = 1.0.
    "churn_rate": 1.0,
    # Σ daily reach = 500 + 700 + 400 + 400 = 2000.
    "reach": 2000,
    # Average post reach ÷ average followers × 100; posts with known reach: 600, 400, 200
    # → (600 + 400 + 200) ÷ 3 = 400 → 400 ÷ 1000 × 100 = 40.0.
    "reach_rate": 40.0,
    # Σ daily views = 1000 + 1200 + 900 + 900 = 4000.
    "views": 4000,
    # Σ (likes + comments + shares + saves) = 48 + 23 + 4 + 25 = 100.
    "engagements": 100,
    # Σ engagements ÷ number of posts ÷ average followers × 100 = 100 ÷ 4 ÷ 1000 × 100 = 2.5.
    "er_followers": 2.5,
    # Σ engagements of posts with reach ÷ Σ their reach × 100 = (48 + 23 + 25) ÷ (600 + 400 + 200) × 100
    # = 96 ÷ 1200 × 100 = 8.0.
    "err": 8.0,
    # Σ engagements of posts with views ÷ Σ their views × 100 = (48 + 4 + 25) ÷ (800 + 100 + 200) × 100
    # = 77 ÷ 1100 × 100 = 7.0.
    "er_views": 7.0,
    # Number of posts ÷ days in the period × 7 = 4 ÷ 4 × 7 = 7.0.
    "posts_per_week": 7.0,
    # Σ site clicks = 30 + 10 + 0 + 40 = 80.
    "site_clicks": 80,
    # Σ site clicks ÷ Σ views × 100 = 80 ÷ 4000 × 100 = 2.0.
    "ctr": 2.0,
    # Σ leads = 2 + 1 + 0 + 1 = 4.
    "leads": 4,
    # Σ leads ÷ Σ site clicks × 100 = 4 ÷ 80 × 100 = 5.0.
    "conversion_rate": 5.0,
}


def _data(daily=None, posts=(), period=PERIOD) -> PeriodData:
    return PeriodData(period, daily if daily is not None else {}, posts)


# --- Every KPI against its hand computation -------------------------------------------------------


def test_it_has_a_hand_computed_example_for_every_kpi_in_the_catalogue():
    # Adding a KPI to METRICS without adding its hand computation above fails here.
    assert set(HAND_COMPUTED) == set(METRICS_BY_KEY)


@pytest.mark.parametrize("key", sorted(HAND_COMPUTED))
def test_it_computes_each_kpi_as_its_shown_formula_says(key):
    assert compute_kpi(key, SAMPLE) == pytest.approx(HAND_COMPUTED[key], rel=1e-12)


def test_it_counts_engagements_as_likes_comments_shares_and_saves_ignoring_unreported_counters():
    assert (
        PostRecord(_at(D1), likes=1, comments=2, shares=3, saves=4, views=1000, reach=500).engagements == 10
    )
    assert PostRecord(_at(D1), likes=7, comments=None, shares=None, saves=2).engagements == 9
    assert PostRecord(_at(D1)).engagements == 0


def test_it_reads_the_first_value_in_the_period_when_there_is_none_before_it():
    # No 29 February: the baseline of growth falls back to 1 March (980): 1020 − 980 = 40.
    daily = {"followers": {D1: 980, D2: 990, D3: 1010, D4: 1020}}
    assert compute_kpi("follower_growth", _data(daily)) == 40
    # 40 ÷ 980 × 100
    assert compute_kpi("follower_growth_pct", _data(daily)) == pytest.approx(40 / 980 * 100)


def test_it_reads_the_last_value_before_the_period_across_a_gap():
    # Nothing on 29 February: the last value before the period is 27 February's 900.
    daily = {"followers": {date(2024, 2, 27): 900, D2: 950, D4: 1000}}
    assert compute_kpi("followers", _data(daily)) == 1000
    assert compute_kpi("follower_growth", _data(daily)) == 100  # 1000 − 900


def test_it_ignores_days_outside_the_period_in_sums():
    # A flow of 1 on every day from 29 February to 5 March: only the 4 days of the period count.
    daily = {"leads": {d: 1 for d in (BEFORE, D1, D2, D3, D4, AFTER)}}
    assert compute_kpi("leads", _data(daily)) == 4


# --- Zero and missing denominators ----------------------------------------------------------------


@pytest.mark.parametrize("key", ["reach_rate", "engagements", "er_followers", "err", "er_views"])
def test_it_returns_none_for_post_kpis_without_posts(key):
    assert compute_kpi(key, _data(DAILY, posts=())) is None


def test_it_counts_zero_posts_per_week_without_posts():
    assert compute_kpi("posts_per_week", _data(DAILY, posts=())) == 0


def test_it_returns_none_for_err_when_the_posts_reach_is_zero():
    posts = [PostRecord(_at(D1), likes=5, reach=0), PostRecord(_at(D2), likes=5, reach=0)]
    assert compute_kpi("err", _data(DAILY, posts)) is None


def test_it_returns_none_for_err_and_reach_rate_when_no_post_reports_reach():
    posts = [PostRecord(_at(D1), likes=5, views=100)]
    assert compute_kpi("err", _data(DAILY, posts)) is None
    assert compute_kpi("reach_rate", _data(DAILY, posts)) is None


def test_it_returns_none_for_er_views_when_the_posts_views_are_zero():
    posts = [PostRecord(_at(D1), likes=5, views=0)]
    assert compute_kpi("er_views", _data(DAILY, posts)) is None


@pytest.mark.parametrize("key", ["er_followers", "reach_rate", "churn_rate", "follower_growth_pct"])
def test_it_returns_none_for_follower_based_rates_when_followers_are_zero(key):
    daily = {"followers": {BEFORE: 0, D1: 0, D2: 0, D3: 0, D4: 0}, "unsubscribed": {D1: 1}}
    assert compute_kpi(key, _data(daily, POSTS)) is None


@pytest.mark.parametrize(
    "key", ["followers", "follower_growth", "follower_growth_pct", "churn_rate", "er_followers", "reach_rate"]
)
def test_it_returns_none_for_follower_based_kpis_without_follower_data(key):
    daily = {name: series for name, series in DAILY.items() if name != "followers"}
    assert compute_kpi(key, _data(daily, POSTS)) is None


def test_it_returns_none_for_ctr_when_views_are_zero_and_for_conversion_when_clicks_are_zero():
    daily = {"views": {D1: 0, D2: 0}, "site_clicks": {D1: 0, D2: 0}, "leads": {D1: 0, D2: 0}}
    assert compute_kpi("ctr", _data(daily)) is None
    assert compute_kpi("conversion_rate", _data(daily)) is None
    # The counts themselves are a true zero, not missing.
    assert compute_kpi("site_clicks", _data(daily)) == 0
    assert compute_kpi("leads", _data(daily)) == 0


@pytest.mark.parametrize("key", ["reach", "views", "site_clicks", "leads", "ctr", "conversion_rate"])
def test_it_returns_none_for_daily_kpis_without_any_data_in_the_period(key):
    # Only days outside the period are stored: "no data" is None, not 0.
    daily = {name: {BEFORE: 10, AFTER: 10} for name in DAILY}
    assert compute_kpi(key, _data(daily)) is None


# --- Definitions that tools disagree on -----------------------------------------------------------


def test_it_computes_er_by_followers_as_a_ratio_of_totals_not_a_mean_of_per_post_ratios():
    # Followers 100 on 1 March and 300 on 2 March; one post a day with 10 engagements each.
    daily = {"followers": {D1: 100, D2: 300}}
    posts = [PostRecord(_at(D1), likes=10), PostRecord(_at(D2), likes=10)]
    data = _data(daily, posts, period=Period(D1, D2))
    # Ratio of totals: (10 + 10) ÷ 2 posts ÷ ((100 + 300) ÷ 2) × 100 = 10 ÷ 200 × 100 = 5.0.
    assert compute_kpi("er_followers", data) == pytest.approx(5.0)
    # The mean of per-post ERs would be (10 ÷ 100 + 10 ÷ 300) ÷ 2 × 100 = 6.67: not what we compute.
    assert compute_kpi("er_followers", data) != pytest.approx((10 / 100 + 10 / 300) / 2 * 100)


def test_it_computes_err_as_a_ratio_of_totals_so_a_low_reach_post_does_not_pull_it_up():
    posts = [PostRecord(_at(D1), likes=5, reach=10), PostRecord(_at(D2), likes=10, reach=1000)]
    # (5 + 10) ÷ (10 + 1000) × 100 = 15 ÷ 1010 × 100 ≈ 1.485, not (50 % + 1 %) ÷ 2 = 25.5 %.
    assert compute_kpi("err", _data(DAILY, posts)) == pytest.approx(15 / 1010 * 100)


def test_it_leaves_posts_without_any_counter_out_of_engagement_kpis():
    # A post whose counters were all unreported is unknown, not "0 engagements": it would dilute ER.
    # ER by followers: 10 ÷ 1 counted post ÷ 1000 × 100 = 1.0; engagements = 10.
    posts = [PostRecord(_at(D1), likes=10), PostRecord(_at(D2))]
    assert compute_kpi("er_followers", _data(DAILY, posts)) == pytest.approx(1.0)
    assert compute_kpi("engagements", _data(DAILY, posts)) == 10
    assert compute_kpi("engagements", _data(DAILY, [PostRecord(_at(D1))])) is None


# --- The catalogue itself -------------------------------------------------------------------------


def test_it_has_unique_keys():
    keys = [m.key for m in METRICS]
    assert len(keys) == len(set(keys))
    assert all(METRICS_BY_KEY[m.key] is m for m in METRICS)


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: m.key)
def test_it_describes_every_kpi_in_russian_and_english(metric):
    assert metric.name_ru.strip() and metric.name_en.strip()
    assert metric.formula_ru.strip() and metric.formula_en.strip()
    assert isinstance(metric.unit, Unit)
    assert metric.objectives
    assert metric.platforms
    assert metric.version >= 1
    assert metric.name("ru") == metric.name_ru and metric.name("en") == metric.name_en
    assert metric.formula("ru-RU") == metric.formula_ru and metric.formula("en") == metric.formula_en


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: m.key)
def test_it_reads_only_known_inputs(metric):
    post_counters = {"post.likes", "post.comments", "post.shares", "post.saves", "post.views", "post.reach"}
    known = set(DAILY_METRICS) | post_counters | {"post.published_at"}
    assert metric.inputs <= known
    if metric.goal_measure is GoalMeasure.CUMULATIVE and metric.key != "engagements":
        # goal_series sums a cumulative KPI's single daily input.
        assert len(metric.inputs) == 1 and next(iter(metric.inputs)) in DAILY_METRICS
        assert not (metric.inputs & STOCK_METRICS)


def test_it_lists_the_kpis_serving_an_objective_in_catalogue_order():
    assert [m.key for m in metrics_for_objective(Objective.AWARENESS)] == [
        "followers",
        "follower_growth",
        "follower_growth_pct",
        "reach",
        "reach_rate",
        "views",
    ]
    assert [m.key for m in metrics_for_objective("leads")] == ["leads", "conversion_rate"]
    assert [m.key for m in metrics_for_objective("sales")] == ["site_clicks", "leads", "conversion_rate"]
    assert [m.key for m in metrics_for_objective(Objective.LOYALTY)] == [
        "followers",
        "churn_rate",
        "er_followers",
    ]


def test_it_rejects_an_unknown_objective_and_an_unknown_kpi():
    with pytest.raises(ValueError):
        metrics_for_objective("fame")
    with pytest.raises(UnknownMetric):
        get_metric("likes")
    with pytest.raises(KeyError):  # UnknownMetric is a KeyError for callers that catch that
        compute_kpi("likes", SAMPLE)


def test_it_marks_only_unsubscribe_rate_as_lower_is_better():
    assert [m.key for m in METRICS if not m.higher_is_better] == ["churn_rate"]


# --- Merging several accounts into one scope ------------------------------------------------------


def test_it_adds_flows_day_by_day_across_accounts():
    a = {D1: 1, D2: 2}
    b = {D2: 10, D3: 20}
    # 1 March: 1; 2 March: 2 + 10 = 12; 3 March: 20 (a has no value: adds nothing).
    assert merge_account_series([a, b], stock=False) == {D1: 1, D2: 12, D3: 20}


def test_it_carries_a_stock_forward_across_one_accounts_gap():
    a = {D1: 100, D3: 120}  # no value on 2 March
    b = {D1: 50, D2: 60, D3: 70}
    # 2 March: a's 100 carried forward + 60 = 160, not a sudden drop to 60.
    assert merge_account_series([a, b], stock=True) == {D1: 150, D2: 160, D3: 190}


def test_it_starts_a_stock_only_from_each_accounts_first_observation():
    a = {D1: 100, D2: 110, D3: 120}
    b = {D3: 1000}  # connected on 3 March
    # b adds nothing before 3 March (no carrying backwards).
    assert merge_account_series([a, b], stock=True) == {D1: 100, D2: 110, D3: 1120}


def test_it_merges_nothing_into_an_empty_series():
    assert merge_account_series([], stock=True) == {}
    assert merge_account_series([], stock=False) == {}
    assert merge_account_series([{}, {D1: 5}], stock=True) == {D1: 5}
