"""Tests for the account audit computations (smartsmm.core.audit), on hand-computed examples."""

from __future__ import annotations

import ast
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from smartsmm.core import audit as audit_module
from smartsmm.core.audit import (
    DayChange,
    HourCell,
    best_hours,
    choose_rate_basis,
    data_completeness,
    detect_anomalies,
    follower_summary,
    post_rate,
    posting_rhythm,
    top_and_bottom_posts,
)
from smartsmm.core.types import PostRecord

D = date
ONE_DAY = timedelta(days=1)
# Net daily adds of an ordinary week: median 10, MAD 2 (each value appears 4x in any 28 days).
WEEK_ADDS = (8, 12, 10, 9, 11, 7, 13)


def post(
    when: datetime,
    *,
    likes: int | None = None,
    views: int | None = None,
    reach: int | None = None,
    external_id: str = "",
) -> PostRecord:
    return PostRecord(published_at=when, likes=likes, views=views, reach=reach, external_id=external_id)


def utc(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def stock_series(start_value: float, adds: list[float]) -> dict[date, float]:
    """Followers series from 2024-01-01 (start_value); each following day adds the next element."""
    first = D(2024, 1, 1)
    series = {first: start_value}
    value = start_value
    for i, add in enumerate(adds, start=1):
        value += add
        series[first + timedelta(days=i)] = value
    return series


# ------------------------------------------------------------------------------------------------
# posting_rhythm
# ------------------------------------------------------------------------------------------------


def test_it_posting_rhythm_hand_computed_window() -> None:
    posts = [
        post(utc(2024, 1, 1, 10)),  # Mon
        post(utc(2024, 1, 2, 10)),  # Tue
        post(utc(2024, 1, 3, 9)),  # Wed
        post(utc(2024, 1, 3, 18)),  # Wed
        post(utc(2024, 1, 20, 10)),  # Sat
        post(utc(2024, 1, 29, 10)),  # outside the window: ignored
    ]
    r = posting_rhythm(posts, D(2024, 1, 1), D(2024, 1, 28), "UTC")

    assert r.total_posts == 5
    assert r.posts_per_week == pytest.approx(1.25)  # 5 posts / (28 days / 7)
    assert r.weekly == {D(2024, 1, 1): 4, D(2024, 1, 8): 0, D(2024, 1, 15): 1, D(2024, 1, 22): 0}
    assert r.by_weekday == (1, 1, 2, 0, 0, 1, 0)
    # Jan 4..Jan 19 silent (16 days) beats the trailing Jan 21..Jan 28 (8 days).
    assert (r.longest_gap_days, r.longest_gap_start, r.longest_gap_end) == (16, D(2024, 1, 4), D(2024, 1, 19))
    assert (r.weeks_with_posts, r.weeks_counted, r.regularity) == (2, 4, 0.5)


def test_it_posting_rhythm_regularity_ignores_partial_edge_weeks() -> None:
    # Wed Jan 3 .. Tue Jan 30: touches 5 ISO weeks, only Jan 8, 15 and 22 are fully inside.
    mondays = [post(utc(2024, 1, d)) for d in (8, 15, 22, 29)]
    r = posting_rhythm(mondays, D(2024, 1, 3), D(2024, 1, 30), "UTC")

    assert r.weekly == {
        D(2024, 1, 1): 0,
        D(2024, 1, 8): 1,
        D(2024, 1, 15): 1,
        D(2024, 1, 22): 1,
        D(2024, 1, 29): 1,
    }
    assert (r.weeks_with_posts, r.weeks_counted, r.regularity) == (3, 3, 1.0)
    # Three 6-day gaps between Mondays: the earliest wins.
    assert (r.longest_gap_days, r.longest_gap_start, r.longest_gap_end) == (6, D(2024, 1, 9), D(2024, 1, 14))

    # A window without any full week falls back to the touched weeks.
    short = posting_rhythm([post(utc(2024, 1, 4))], D(2024, 1, 3), D(2024, 1, 5), "UTC")
    assert (short.weekly, short.weeks_counted, short.regularity) == ({D(2024, 1, 1): 1}, 1, 1.0)


def test_it_posting_rhythm_daily_posting_has_no_gap() -> None:
    posts = [post(utc(2024, 1, d)) for d in range(1, 8)]
    r = posting_rhythm(posts, D(2024, 1, 1), D(2024, 1, 7), "UTC")
    assert (r.longest_gap_days, r.longest_gap_start, r.longest_gap_end) == (0, None, None)
    assert r.posts_per_week == pytest.approx(7.0)


def test_it_posting_rhythm_empty_posts() -> None:
    r = posting_rhythm([], D(2024, 1, 1), D(2024, 1, 14), "UTC")
    assert r.total_posts == 0
    assert r.posts_per_week == 0.0
    assert r.weekly == {D(2024, 1, 1): 0, D(2024, 1, 8): 0}
    assert r.by_weekday == (0,) * 7
    assert (r.longest_gap_days, r.longest_gap_start, r.longest_gap_end) == (14, D(2024, 1, 1), D(2024, 1, 14))
    assert r.regularity == 0.0


def test_it_posting_rhythm_rejects_inverted_window() -> None:
    with pytest.raises(ValueError):
        posting_rhythm([], D(2024, 1, 2), D(2024, 1, 1), "UTC")


# ------------------------------------------------------------------------------------------------
# timezone handling
# ------------------------------------------------------------------------------------------------


def test_it_post_at_2130_utc_is_next_day_hour_0_in_moscow() -> None:
    late = post(utc(2024, 3, 10, 21, 30), likes=1)  # Sunday 21:30 UTC == Monday 00:30 MSK (UTC+3)

    moscow = best_hours([late], "Europe/Moscow", min_posts=1)
    assert moscow.counts[0][0] == 1  # Monday, hour 0
    assert moscow.counts[6][21] == 0
    assert best_hours([late], ZoneInfo("UTC")).counts[6][21] == 1  # Sunday, hour 21

    assert posting_rhythm([late], D(2024, 3, 11), D(2024, 3, 11), "Europe/Moscow").total_posts == 1
    assert posting_rhythm([late], D(2024, 3, 10), D(2024, 3, 10), "Europe/Moscow").total_posts == 0
    assert posting_rhythm([late], D(2024, 3, 11), D(2024, 3, 11), "Europe/Moscow").by_weekday[0] == 1


def test_it_naive_timestamps_are_taken_as_utc() -> None:
    naive = PostRecord(published_at=datetime(2024, 3, 10, 21, 30), likes=1)
    assert best_hours([naive], "Europe/Moscow").counts[0][0] == 1


# ------------------------------------------------------------------------------------------------
# rate basis
# ------------------------------------------------------------------------------------------------


def test_it_rate_basis_rule() -> None:
    t = utc(2024, 1, 1)
    # Views on 4 of 5 posts: exactly 80 % is enough.
    assert choose_rate_basis([post(t, views=100)] * 4 + [post(t, reach=50)]) == "views"
    # Views on 3 of 5 (60 %), reach on 4 of 5: reach.
    mixed = [post(t, views=100, reach=50)] * 3 + [post(t, reach=50), post(t)]
    assert choose_rate_basis(mixed) == "reach"
    # Neither reaches 80 %: raw engagements.
    assert choose_rate_basis([post(t, views=100, reach=50)] * 3 + [post(t), post(t)]) == "engagements"
    # Zero views cannot be divided by, so they do not count as available.
    assert choose_rate_basis([post(t, views=0, reach=10)] * 2 + [post(t, views=5, reach=10)] * 3) == "reach"
    assert choose_rate_basis([]) == "engagements"


def test_it_post_rate_per_basis_and_missing_counters() -> None:
    p = PostRecord(
        published_at=utc(2024, 1, 1), likes=6, comments=2, shares=None, saves=2, views=200, reach=100
    )
    assert post_rate(p, "views") == pytest.approx(0.05)  # 10 / 200
    assert post_rate(p, "reach") == pytest.approx(0.10)  # 10 / 100
    assert post_rate(p, "engagements") == 10.0
    assert post_rate(post(utc(2024, 1, 1), likes=5), "views") is None  # no denominator
    assert post_rate(post(utc(2024, 1, 1), views=100), "views") is None  # no counter at all: unknown


# ------------------------------------------------------------------------------------------------
# best_hours
# ------------------------------------------------------------------------------------------------


def _grid_posts() -> list[PostRecord]:
    return [
        post(utc(2024, 1, 1, 9, 0), likes=10, views=100),  # Mon 9  -> 0.10
        post(utc(2024, 1, 8, 9, 30), likes=30, views=100),  # Mon 9  -> 0.30
        post(utc(2024, 1, 15, 9, 45), likes=20, views=200),  # Mon 9  -> 0.10
        post(utc(2024, 1, 2, 18, 0), likes=5, views=100),  # Tue 18 -> 0.05
        post(utc(2024, 1, 3, 18, 10), likes=50, views=250),  # Wed 18 -> 0.20
        post(utc(2024, 1, 4, 12, 0), likes=50, views=100),  # Thu 12 -> 0.50
        post(utc(2024, 1, 11, 12, 15), likes=30, views=100),  # Thu 12 -> 0.30
    ]


def test_it_best_hours_hand_computed_grid() -> None:
    r = best_hours(_grid_posts(), "UTC")

    assert r.rate_basis == "views"
    assert (r.total_posts, r.rated_posts, r.min_posts) == (7, 7, 2)
    assert (r.counts[0][9], r.counts[1][18], r.counts[2][18], r.counts[3][12]) == (3, 1, 1, 2)
    assert sum(map(sum, r.counts)) == 7
    assert r.means[0][9] == pytest.approx(0.5 / 3)  # (0.10 + 0.30 + 0.10) / 3
    assert r.means[3][12] == pytest.approx(0.40)  # (0.50 + 0.30) / 2
    assert r.means[1][18] is None  # a single post is below min_posts
    assert r.means[2][18] is None
    assert sum(m is not None for row in r.means for m in row) == 2

    assert [(c.weekday, c.hour, c.count) for c in r.top_cells] == [(3, 12, 2), (0, 9, 3)]
    assert [c.mean for c in r.top_cells] == pytest.approx([0.40, 0.5 / 3])
    assert isinstance(r.top_cells[0], HourCell)

    assert (r.hour_counts[9], r.hour_counts[12], r.hour_counts[18], sum(r.hour_counts)) == (3, 2, 2, 7)
    assert r.hour_means[9] == pytest.approx(0.5 / 3)
    assert r.hour_means[12] == pytest.approx(0.40)
    assert r.hour_means[18] == pytest.approx(0.125)  # Tue and Wed together: (0.05 + 0.20) / 2
    assert sum(m is not None for m in r.hour_means) == 3
    assert r.weekday_counts == (3, 1, 1, 2, 0, 0, 0)
    assert r.weekday_means[0] == pytest.approx(0.5 / 3)
    assert r.weekday_means[3] == pytest.approx(0.40)
    assert [m is None for m in r.weekday_means] == [False, True, True, False, True, True, True]


def test_it_best_hours_top_cells_are_capped_at_three() -> None:
    r = best_hours(_grid_posts(), "UTC", min_posts=1)
    assert [(c.weekday, c.hour) for c in r.top_cells] == [(3, 12), (2, 18), (0, 9)]
    assert r.top_cells[1].mean == pytest.approx(0.20)


def test_it_best_hours_posts_without_the_basis_count_but_do_not_enter_means() -> None:
    posts = [post(utc(2024, 1, d, 10), likes=d, reach=100) for d in (1, 8, 15, 22)]
    posts.append(post(utc(2024, 1, 29, 10), likes=99))  # no reach: 4 of 5 have it -> reach basis
    r = best_hours(posts, "UTC")
    assert r.rate_basis == "reach"
    assert (r.counts[0][10], r.rated_posts) == (5, 4)
    assert r.means[0][10] == pytest.approx((1 + 8 + 15 + 22) / 4 / 100)
    # Forcing a basis nobody has leaves only counts.
    forced = best_hours(posts, "UTC", rate="views")
    assert (forced.counts[0][10], forced.rated_posts, forced.means[0][10]) == (5, 0, None)


def test_it_best_hours_empty_posts() -> None:
    r = best_hours([], "UTC")
    assert r.rate_basis == "engagements"
    assert (r.total_posts, r.rated_posts, r.top_cells) == (0, 0, ())
    assert all(c == 0 for row in r.counts for c in row)
    assert all(m is None for row in r.means for m in row)
    assert len(r.hour_means) == 24 and all(m is None for m in r.hour_means)
    assert r.weekday_counts == (0,) * 7


def test_it_best_hours_rejects_unknown_rate() -> None:
    with pytest.raises(ValueError):
        best_hours([], "UTC", rate="clicks")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# top_and_bottom_posts
# ------------------------------------------------------------------------------------------------


def _ranked_posts() -> list[PostRecord]:
    return [
        post(utc(2024, 1, 1), likes=10, reach=100, external_id="A"),  # 0.10
        post(utc(2024, 1, 2), likes=20, reach=100, external_id="B"),  # 0.20
        post(utc(2024, 1, 3), likes=40, reach=200, external_id="C"),  # 0.20, more engagements than B
        post(utc(2024, 1, 4), likes=5, reach=100, external_id="D"),  # 0.05
        post(utc(2024, 1, 5), likes=5, reach=100, external_id="E"),  # 0.05, same as D but newer
        post(utc(2024, 1, 10), likes=1, reach=100, external_id="F"),  # 0.01, newest: young
        post(utc(2024, 1, 8, 13), likes=2, reach=100, external_id="G"),  # 0.02, 47 h before F: young
        post(utc(2024, 1, 8, 12), likes=3, reach=100, external_id="H"),  # 0.03, exactly 48 h: mature
    ]


def test_it_top_and_bottom_hand_computed_ranking() -> None:
    r = top_and_bottom_posts(_ranked_posts(), n=2)

    assert r.rate_basis == "reach"
    assert [p.post.external_id for p in r.top] == ["C", "B"]  # rate tie broken by engagements
    assert [p.rate for p in r.top] == pytest.approx([0.20, 0.20])
    assert [p.engagements for p in r.top] == [40, 20]
    # F and G are the worst but under 2 days old; D loses the D/E tie to the newer E.
    assert [p.post.external_id for p in r.bottom] == ["H", "D"]
    assert (r.total_posts, r.unrated_posts, r.young_excluded) == (8, 0, 2)

    r3 = top_and_bottom_posts(_ranked_posts(), n=3)
    assert [p.post.external_id for p in r3.top] == ["C", "B", "A"]
    assert [p.post.external_id for p in r3.bottom] == ["H", "D", "E"]


def test_it_top_and_bottom_never_overlap_with_few_posts() -> None:
    posts = [
        post(utc(2024, 1, 1), likes=1, reach=10, external_id="X"),  # 0.1
        post(utc(2024, 1, 5), likes=3, reach=10, external_id="Y"),  # 0.3
        post(utc(2024, 1, 10), likes=5, reach=10, external_id="Z"),  # 0.5 (newest, young)
    ]
    r = top_and_bottom_posts(posts, n=5)
    assert [p.post.external_id for p in r.top] == ["Z", "Y"]  # the odd post goes to the top
    assert [p.post.external_id for p in r.bottom] == ["X"]

    single = top_and_bottom_posts(posts[:1], n=5)
    assert ([p.post.external_id for p in single.top], single.bottom) == (["X"], ())


def test_it_top_and_bottom_skips_unrated_posts() -> None:
    posts = [post(utc(2024, 1, d), likes=d, reach=10, external_id=str(d)) for d in (1, 2, 3, 4)]
    posts.append(post(utc(2024, 1, 5), likes=100, external_id="no-reach"))
    r = top_and_bottom_posts(posts, n=5)
    assert r.rate_basis == "reach"
    assert r.unrated_posts == 1
    ids = {p.post.external_id for p in (*r.top, *r.bottom)}
    assert "no-reach" not in ids
    assert [p.post.external_id for p in r.top] == ["4", "3"]
    assert [p.post.external_id for p in r.bottom] == ["1", "2"]


def test_it_top_and_bottom_empty_posts() -> None:
    r = top_and_bottom_posts([])
    assert (r.rate_basis, r.top, r.bottom, r.total_posts, r.unrated_posts, r.young_excluded) == (
        "engagements",
        (),
        (),
        0,
        0,
        0,
    )


# ------------------------------------------------------------------------------------------------
# detect_anomalies
# ------------------------------------------------------------------------------------------------


def test_it_bot_purge_is_detected_and_labelled_while_noise_is_not() -> None:
    # 10,000 followers, six ordinary weeks (+420), then a 300-follower purge, then two more weeks.
    adds: list[float] = [*WEEK_ADDS * 6, -300, *WEEK_ADDS * 2]
    found = detect_anomalies(stock_series(10_000, adds), metric="followers", kind="stock")

    assert len(found) == 1
    a = found[0]
    assert (a.date, a.metric, a.kind, a.direction) == (D(2024, 2, 13), "followers", "stock", "drop")
    assert a.value == -300
    assert a.expected == 10  # median of the previous 28 net changes
    # 1.4826 * MAD = 2.97 is below the 0.1 %-of-followers floor (10.42), so scale = 10.42.
    assert a.severity == pytest.approx(310 / 10.42)
    assert a.label == "possible bot purge or mass unsubscribe"  # 300 > 1 % of 10,420


def test_it_stock_drop_below_one_percent_is_flagged_without_purge_label() -> None:
    adds: list[float] = [*WEEK_ADDS * 6, -500, *WEEK_ADDS]
    (a,) = detect_anomalies(stock_series(100_000, adds), metric="followers", kind="stock")
    assert a.direction == "drop"
    assert a.severity == pytest.approx(510 / 100.42)  # scale = 0.1 % of 100,420 followers
    assert a.label is None  # 500 < 1 % of 100,420


def test_it_stock_spike_is_labelled_as_campaign() -> None:
    adds: list[float] = [*WEEK_ADDS * 5, 200, *WEEK_ADDS]
    (a,) = detect_anomalies(stock_series(10_000, adds), metric="followers", kind="stock")
    assert (a.date, a.direction, a.value, a.expected) == (D(2024, 2, 6), "spike", 200, 10)
    assert a.label == "campaign, giveaway or viral post"


def test_it_missing_day_breaks_the_stock_difference() -> None:
    base = stock_series(10_000, [*WEEK_ADDS * 3])  # Jan 1 .. Jan 22
    last = base[D(2024, 1, 22)]
    with_gap = dict(base)
    # Jan 23 is missing; Jan 24 is +1000 on Jan 22, which must not be read as a one-day jump.
    with_gap[D(2024, 1, 24)] = last + 1000
    with_gap[D(2024, 1, 25)] = last + 1010
    assert detect_anomalies(with_gap, metric="followers", kind="stock") == []

    # Control: the same jump between consecutive days is flagged.
    no_gap = dict(base)
    no_gap[D(2024, 1, 23)] = last + 990
    no_gap[D(2024, 1, 24)] = last + 1000
    assert [a.date for a in detect_anomalies(no_gap, metric="followers", kind="stock")] == [D(2024, 1, 23)]


def test_it_flow_spike_and_drop_hand_computed_and_sorted() -> None:
    # Daily reach cycling around 100: median 100, MAD 10 -> scale 14.826.
    cycle = (90, 110, 100, 95, 105, 85, 115)
    values = [float(cycle[i % 7]) for i in range(76)]
    values[70] = 300.0  # spike
    values[35] = 10.0  # drop (more than 28 days earlier, so out of the spike's window)
    series = {D(2024, 1, 1) + timedelta(days=i): v for i, v in enumerate(values)}

    found = detect_anomalies(series, metric="reach", kind="flow")
    assert [(a.date, a.direction) for a in found] == [(D(2024, 2, 5), "drop"), (D(2024, 3, 11), "spike")]
    drop, spike = found
    assert (drop.value, drop.expected, drop.label) == (10.0, 100.0, None)
    assert drop.severity == pytest.approx(90 / 14.826)
    assert (spike.value, spike.expected) == (300.0, 100.0)
    assert spike.severity == pytest.approx(200 / 14.826)


def test_it_flat_series_does_not_flag_tiny_noise() -> None:
    flat = {D(2024, 1, 1) + timedelta(days=i): 1000.0 for i in range(20)}
    flat[D(2024, 1, 21)] = 1010.0  # MAD is 0; the 5 %-of-median floor keeps this at z = 0.2
    assert detect_anomalies(flat, metric="reach", kind="flow") == []
    flat[D(2024, 1, 21)] = 2000.0
    (a,) = detect_anomalies(flat, metric="reach", kind="flow")
    assert a.severity == pytest.approx(1000 / 50)

    followers = {D(2024, 1, 1) + timedelta(days=i): 5000.0 for i in range(20)}
    followers[D(2024, 1, 21)] = 5001.0
    assert detect_anomalies(followers, metric="followers", kind="stock") == []


def test_it_anomalies_need_seven_prior_points() -> None:
    six = {D(2024, 1, 1) + timedelta(days=i): 100.0 for i in range(6)}
    six[D(2024, 1, 7)] = 1000.0
    assert detect_anomalies(six, metric="reach", kind="flow") == []

    seven = {D(2024, 1, 1) + timedelta(days=i): 100.0 for i in range(7)}
    seven[D(2024, 1, 8)] = 1000.0
    (a,) = detect_anomalies(seven, metric="reach", kind="flow")
    assert (a.date, a.severity) == (D(2024, 1, 8), pytest.approx(900 / 5))


def test_it_anomalies_empty_and_none_values() -> None:
    assert detect_anomalies({}, metric="reach", kind="flow") == []
    assert detect_anomalies({D(2024, 1, 1): None}, metric="followers", kind="stock") == []  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        detect_anomalies({}, metric="reach", kind="level")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# data_completeness
# ------------------------------------------------------------------------------------------------


def test_it_completeness_merges_missing_ranges() -> None:
    followers = {D(2024, 1, d): 100.0 for d in (1, 2, 3, 5, 6, 9)}
    followers[D(2024, 1, 4)] = None  # type: ignore[assignment]  # None is missing, not zero
    followers[D(2024, 1, 12)] = 100.0  # outside the window
    reach = {D(2024, 1, d): 10.0 for d in range(1, 11)}
    c = data_completeness(
        {"followers": followers, "reach": reach, "views": {}}, D(2024, 1, 1), D(2024, 1, 10)
    )

    f = c.metrics["followers"]
    assert (f.days_total, f.days_with_data, f.share) == (10, 6, 0.6)
    assert f.missing_ranges == (
        (D(2024, 1, 4), D(2024, 1, 4)),
        (D(2024, 1, 7), D(2024, 1, 8)),
        (D(2024, 1, 10), D(2024, 1, 10)),
    )
    assert (f.first_day, f.last_day) == (D(2024, 1, 1), D(2024, 1, 9))

    r = c.metrics["reach"]
    assert (r.share, r.missing_ranges) == (1.0, ())

    v = c.metrics["views"]
    assert (v.share, v.missing_ranges, v.first_day, v.last_day) == (
        0.0,
        ((D(2024, 1, 1), D(2024, 1, 10)),),
        None,
        None,
    )
    assert list(c.metrics) == ["followers", "reach", "views"]
    assert c.overall == pytest.approx((0.6 + 1.0 + 0.0) / 3)


def test_it_completeness_empty_input() -> None:
    c = data_completeness({}, D(2024, 1, 1), D(2024, 1, 10))
    assert (c.metrics, c.overall, c.days_total) == ({}, None, 10)


# ------------------------------------------------------------------------------------------------
# follower_summary
# ------------------------------------------------------------------------------------------------


FOLLOWERS = {
    D(2024, 1, 1): 1000.0,
    D(2024, 1, 2): 1010.0,
    D(2024, 1, 3): 1005.0,
    # Jan 4 missing
    D(2024, 1, 5): 1050.0,
    D(2024, 1, 6): 1060.0,
    D(2024, 1, 8): 1100.0,
}


def test_it_follower_summary_hand_computed() -> None:
    s = follower_summary(FOLLOWERS, D(2024, 1, 2), D(2024, 1, 7))
    # The base is the day before the window (Jan 1), as for the catalogue's net follower growth.
    assert (s.start_date, s.start_value) == (D(2024, 1, 1), 1000.0)
    assert (s.end_date, s.end_value) == (D(2024, 1, 6), 1060.0)  # last value on or before Jan 7
    assert s.growth_abs == 60.0
    assert s.growth_pct == pytest.approx(60 / 1000 * 100)
    assert s.mean_daily_net_adds == pytest.approx(12.0)  # 60 over the 5 elapsed days
    # Jan 5 has no previous day, so its +45 is not a single-day change; of the two +10 days
    # (Jan 2 and Jan 6) the earliest wins.
    assert s.best_day == DayChange(D(2024, 1, 2), 10.0)
    assert s.worst_day == DayChange(D(2024, 1, 3), -5.0)


def test_it_follower_summary_falls_back_to_first_value_in_window() -> None:
    s = follower_summary(FOLLOWERS, D(2023, 12, 30), D(2024, 1, 3))
    assert (s.start_date, s.start_value, s.end_value) == (D(2024, 1, 1), 1000.0, 1005.0)
    assert (s.growth_abs, s.growth_pct, s.mean_daily_net_adds) == (
        5.0,
        pytest.approx(0.5),
        pytest.approx(2.5),
    )
    assert (s.best_day, s.worst_day) == (DayChange(D(2024, 1, 2), 10.0), DayChange(D(2024, 1, 3), -5.0))


def test_it_follower_summary_zero_start_has_no_percentage() -> None:
    s = follower_summary({D(2024, 1, 1): 0.0, D(2024, 1, 2): 7.0}, D(2024, 1, 1), D(2024, 1, 2))
    assert (s.growth_abs, s.growth_pct) == (7.0, None)


def test_it_follower_summary_empty_input() -> None:
    for series in ({}, {D(2024, 1, 1): None}, {D(2024, 2, 1): 10.0}):
        s = follower_summary(series, D(2024, 1, 1), D(2024, 1, 31))  # type: ignore[arg-type]
        assert s.start_value is None and s.end_value is None
        assert (s.growth_abs, s.growth_pct, s.mean_daily_net_adds, s.best_day, s.worst_day) == (None,) * 5


# ------------------------------------------------------------------------------------------------
# Serialisation and purity
# ------------------------------------------------------------------------------------------------


def test_it_results_serialise_to_json() -> None:
    rhythm = posting_rhythm(_grid_posts(), D(2024, 1, 1), D(2024, 1, 14), "UTC").to_dict()
    assert rhythm["weekly"] == {"2024-01-01": 4, "2024-01-08": 2}  # Jan 15 is outside
    hours = best_hours(_grid_posts(), "UTC").to_dict()
    assert hours["top_cells"][0] == {"weekday": 3, "hour": 12, "mean": pytest.approx(0.4), "count": 2}
    ranked = top_and_bottom_posts(_ranked_posts(), n=2).to_dict()
    assert ranked["top"][0]["post"]["published_at"] == "2024-01-03T12:00:00+00:00"
    completeness = data_completeness({"views": {}}, D(2024, 1, 1), D(2024, 1, 2)).to_dict()
    assert completeness["metrics"]["views"]["missing_ranges"] == [["2024-01-01", "2024-01-02"]]
    summary = follower_summary(FOLLOWERS, D(2024, 1, 2), D(2024, 1, 7)).to_dict()
    assert summary["best_day"] == {"date": "2024-01-02", "change": 10.0}
    anomalies = detect_anomalies(
        stock_series(10_000, [*WEEK_ADDS * 6, -300]), metric="followers", kind="stock"
    )
    for payload in (rhythm, hours, ranked, completeness, summary, *(a.to_dict() for a in anomalies)):
        json.dumps(payload)


def test_it_audit_module_imports_no_django() -> None:
    tree = ast.parse(Path(audit_module.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name == "django" or name.startswith("django.") for name in imported)
