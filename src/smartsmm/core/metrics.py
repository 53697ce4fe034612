"""The KPI catalogue: every KPI's definition, the formula shown to users, and its computation.

A KPI's `formula_*` text is what users see next to the number, and `compute` is the only code that
produces the number, so the two cannot drift apart: a unit test per KPI checks the computation
against a hand-computed example that follows the shown formula.

Where tools disagree (../shared/reference/metrics-and-forecasting.md §1.1), the catalogue says
which definition we use in `definition_*`:
- ER by followers is the *ratio of totals* (Σ engagements ÷ posts ÷ average followers), as Popsters'
  "Average ERpost" and LiveDune's default; the mean of per-post ratios is pulled up by low-reach posts.
- ERR is engagements ÷ reach (Hootsuite, LiveDune "ERReach"), not the Telegram-market "ERR"
  (views ÷ subscribers), which we call reach rate / views per follower.
- Engagements = likes + comments + shares/reposts + saves; views are not engagements.

Bump a KPI's `version` whenever its computation changes, so stored goals and reports can say which
definition produced a number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from smartsmm.core.objectives import ALL_PLATFORMS, Objective, Platform
from smartsmm.core.periods import Period
from smartsmm.core.types import DailySeries, PostRecord

CATALOGUE_VERSION = "2026.11.2"

# Daily metrics an account can store (one row per account, metric and day).
DAILY_METRICS: tuple[str, ...] = (
    "followers",
    "subscribed",
    "unsubscribed",
    "reach",
    "views",
    "site_clicks",
    "leads",
)
# Daily metrics that are stocks (a level on a day) rather than flows (a count during a day).
STOCK_METRICS: frozenset[str] = frozenset({"followers"})


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    PER_WEEK = "per_week"


class Aggregation(StrEnum):
    """How a KPI aggregates over a period."""

    LAST = "last"  # the last value in the period (a stock)
    CHANGE = "change"  # last value minus the value before the period
    SUM = "sum"  # sum of daily values
    MEAN_PER_POST = "mean_per_post"  # a total per post published in the period
    RATIO_OF_SUMS = "ratio_of_sums"  # Σ numerator ÷ Σ denominator over the period


class GoalMeasure(StrEnum):
    """What a goal on this KPI compares with its target at the deadline."""

    LEVEL = "level"  # the value on the deadline (followers)
    CUMULATIVE = "cumulative"  # the total from the goal's start to the deadline (reach, leads)
    ROLLING = "rolling"  # the KPI over the 28 days ending on the deadline (rates)


ROLLING_WINDOW_DAYS = 28


@dataclass(frozen=True)
class PeriodData:
    """What a KPI needs to compute its value over a period.

    `daily` may hold days before `period.start`: stock KPIs look back for the value before the period.
    `posts` are the posts published within the period.
    """

    period: Period
    daily: Mapping[str, DailySeries]
    posts: Sequence[PostRecord] = ()

    def values_in_period(self, metric: str) -> list[float]:
        series = self.daily.get(metric, {})
        return [v for d, v in series.items() if d in self.period]

    def last_in_period(self, metric: str) -> float | None:
        series = self.daily.get(metric, {})
        days = [d for d in series if d in self.period]
        return series[max(days)] if days else None

    def value_before_period(self, metric: str) -> float | None:
        """The last value before the period starts, else the first value within it."""
        series = self.daily.get(metric, {})
        before = [d for d in series if d < self.period.start]
        if before:
            return series[max(before)]
        inside = [d for d in series if d in self.period]
        return series[min(inside)] if inside else None

    def mean_in_period(self, metric: str) -> float | None:
        values = self.values_in_period(metric)
        return sum(values) / len(values) if values else None

    def sum_in_period(self, metric: str) -> float | None:
        values = self.values_in_period(metric)
        return float(sum(values)) if values else None


def _ratio(numerator: float | None, denominator: float | None, scale: float = 100.0) -> float | None:
    # Zero-denominator policy: a rate over nothing is undefined (None), never 0 or infinity.
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * scale


def _followers(data: PeriodData) -> float | None:
    return data.last_in_period("followers")


def _follower_growth(data: PeriodData) -> float | None:
    end = data.last_in_period("followers")
    before = data.value_before_period("followers")
    if end is None or before is None:
        return None
    return end - before


def _follower_growth_pct(data: PeriodData) -> float | None:
    return _ratio(_follower_growth(data), data.value_before_period("followers"))


def _churn_rate(data: PeriodData) -> float | None:
    return _ratio(data.sum_in_period("unsubscribed"), data.mean_in_period("followers"))


def _reach(data: PeriodData) -> float | None:
    return data.sum_in_period("reach")


def _views(data: PeriodData) -> float | None:
    return data.sum_in_period("views")


def _posts_with(data: PeriodData, attribute: str) -> list[PostRecord]:
    return [p for p in data.posts if getattr(p, attribute) is not None]


def _reach_rate(data: PeriodData) -> float | None:
    posts = _posts_with(data, "reach")
    if not posts:
        return None
    mean_reach = sum(p.reach or 0 for p in posts) / len(posts)
    return _ratio(mean_reach, data.mean_in_period("followers"))


def _counted_posts(data: PeriodData) -> list[PostRecord]:
    # A post whose platform reported no interaction counter at all is unknown, not "0 engagements":
    # counting it would dilute ER, so it stays out of numerators and denominators alike.
    return [p for p in data.posts if p.has_engagement_counters]


def _engagements(data: PeriodData) -> float | None:
    posts = _counted_posts(data)
    if not posts:
        return None
    return float(sum(p.engagements for p in posts))


def _er_followers(data: PeriodData) -> float | None:
    posts = _counted_posts(data)
    if not posts:
        return None
    per_post = sum(p.engagements for p in posts) / len(posts)
    return _ratio(per_post, data.mean_in_period("followers"))


def _err(data: PeriodData) -> float | None:
    posts = [p for p in _posts_with(data, "reach") if p.has_engagement_counters]
    if not posts:
        return None
    return _ratio(sum(p.engagements for p in posts), sum(p.reach or 0 for p in posts))


def _er_views(data: PeriodData) -> float | None:
    posts = [p for p in _posts_with(data, "views") if p.has_engagement_counters]
    if not posts:
        return None
    return _ratio(sum(p.engagements for p in posts), sum(p.views or 0 for p in posts))


def _posts_per_week(data: PeriodData) -> float | None:
    return len(data.posts) / data.period.days * 7


def _site_clicks(data: PeriodData) -> float | None:
    return data.sum_in_period("site_clicks")


def _leads(data: PeriodData) -> float | None:
    return data.sum_in_period("leads")


def _conversion_rate(data: PeriodData) -> float | None:
    return _ratio(data.sum_in_period("leads"), data.sum_in_period("site_clicks"))


def _ctr(data: PeriodData) -> float | None:
    return _ratio(data.sum_in_period("site_clicks"), data.sum_in_period("views"))


@dataclass(frozen=True)
class Metric:
    """One KPI of the catalogue."""

    key: str
    version: int
    name_ru: str
    name_en: str
    unit: Unit
    formula_ru: str
    formula_en: str
    aggregation: Aggregation
    goal_measure: GoalMeasure
    higher_is_better: bool
    objectives: frozenset[Objective]
    compute: Callable[[PeriodData], float | None]
    inputs: frozenset[str]  # daily metrics or post counters the KPI reads
    platforms: frozenset[Platform] = ALL_PLATFORMS
    definition_ru: str = ""
    definition_en: str = ""
    decimals: int = 0
    # False only for KPIs that can go below zero (net growth); forecasts of the others are cut at 0.
    non_negative: bool = True

    def name(self, language: str) -> str:
        return self.name_ru if language.startswith("ru") else self.name_en

    def formula(self, language: str) -> str:
        return self.formula_ru if language.startswith("ru") else self.formula_en

    def definition(self, language: str) -> str:
        return self.definition_ru if language.startswith("ru") else self.definition_en

    def serves(self, objective: Objective | str) -> bool:
        return Objective(objective) in self.objectives

    @property
    def is_percent(self) -> bool:
        return self.unit is Unit.PERCENT


_A = Objective
_REACH_PLATFORMS = frozenset({Platform.VK, Platform.OK, Platform.INSTAGRAM, Platform.THREADS})
_GROSS_PLATFORMS = frozenset({Platform.VK, Platform.OK})

METRICS: tuple[Metric, ...] = (
    Metric(
        key="followers",
        version=1,
        name_ru="Подписчики",
        name_en="Followers",
        unit=Unit.COUNT,
        formula_ru="Подписчики на последний день периода",
        formula_en="Followers on the last day of the period",
        aggregation=Aggregation.LAST,
        goal_measure=GoalMeasure.LEVEL,
        higher_is_better=True,
        objectives=frozenset({_A.AWARENESS, _A.LOYALTY}),
        compute=_followers,
        inputs=frozenset({"followers"}),
    ),
    Metric(
        key="follower_growth",
        version=1,
        name_ru="Прирост подписчиков",
        name_en="Net follower growth",
        unit=Unit.COUNT,
        formula_ru="Подписчики в конце периода − подписчики накануне начала периода",
        formula_en="Followers at the end of the period − followers the day before it started",
        aggregation=Aggregation.CHANGE,
        goal_measure=GoalMeasure.LEVEL,
        higher_is_better=True,
        objectives=frozenset({_A.AWARENESS}),
        compute=_follower_growth,
        inputs=frozenset({"followers"}),
        non_negative=False,
        definition_ru="Чистый прирост: новые подписчики минус отписавшиеся.",
        definition_en="Net growth: new followers minus those who left.",
    ),
    Metric(
        key="follower_growth_pct",
        version=1,
        name_ru="Прирост подписчиков, %",
        name_en="Net follower growth, %",
        unit=Unit.PERCENT,
        formula_ru="(Подписчики в конце − подписчики накануне начала) ÷ подписчики накануне начала × 100",
        formula_en="(Followers at the end − followers the day before the start) ÷ followers the day before × 100",
        aggregation=Aggregation.CHANGE,
        goal_measure=GoalMeasure.LEVEL,
        higher_is_better=True,
        objectives=frozenset({_A.AWARENESS}),
        compute=_follower_growth_pct,
        inputs=frozenset({"followers"}),
        non_negative=False,
        decimals=2,
    ),
    Metric(
        key="churn_rate",
        version=1,
        name_ru="Доля отписок",
        name_en="Unsubscribe rate",
        unit=Unit.PERCENT,
        formula_ru="Σ отписок за период ÷ среднее число подписчиков × 100",
        formula_en="Σ unsubscribes in the period ÷ average followers × 100",
        aggregation=Aggregation.RATIO_OF_SUMS,
        goal_measure=GoalMeasure.ROLLING,
        higher_is_better=False,
        objectives=frozenset({_A.LOYALTY}),
        compute=_churn_rate,
        inputs=frozenset({"unsubscribed", "followers"}),
        platforms=_GROSS_PLATFORMS,
        decimals=2,
    ),
    Metric(
        key="reach",
        version=1,
        name_ru="Охват",
        name_en="Reach",
        unit=Unit.COUNT,
        formula_ru="Σ дневного охвата за период",
        formula_en="Σ daily reach over the period",
        aggregation=Aggregation.SUM,
        goal_measure=GoalMeasure.CUMULATIVE,
        higher_is_better=True,
        objectives=frozenset({_A.AWARENESS}),
        compute=_reach,
        inputs=frozenset({"reach"}),
        platforms=_REACH_PLATFORMS,
        definition_ru="Сумма дневных уникальных охватов: человек, видевший контент в два разных дня, "
        "считается дважды (платформы не отдают уникальный охват за произвольный период).",
        definition_en="Sum of daily unique reach: a person reached on two days counts twice "
        "(platforms do not report unique reach for an arbitrary period).",
    ),
    Metric(
        key="reach_rate",
        version=1,
        name_ru="Охват от подписчиков (Reach Rate)",
        name_en="Reach rate",
        unit=Unit.PERCENT,
        formula_ru="Средний охват поста ÷ среднее число подписчиков × 100",
        formula_en="Average post reach ÷ average followers × 100",
        aggregation=Aggregation.RATIO_OF_SUMS,
        goal_measure=GoalMeasure.ROLLING,
        higher_is_better=True,
        objectives=frozenset({_A.AWARENESS}),
        compute=_reach_rate,
        inputs=frozenset({"post.reach", "followers"}),
        platforms=_REACH_PLATFORMS,
        definition_ru="Как ReachRate в LiveDune. В телеграм-аналитике похожую величину "
        "(просмотры ÷ подписчики) часто называют ERR — у нас это не ERR.",
        definition_en="As LiveDune's ReachRate. Telegram analytics often call a similar "
        "value (views ÷ subscribers) ERR — ours is not ERR.",
        decimals=1,
    ),
    Metric(
        key="views",
        version=1,
        name_ru="Просмотры",
        name_en="Views",
        unit=Unit.COUNT,
        formula_ru="Σ дневных просмотров за период",
        formula_en="Σ daily views over the period",
        aggregation=Aggregation.SUM,
        goal_measure=GoalMeasure.CUMULATIVE,
        higher_is_better=True,
        objectives=frozenset({_A.AWARENESS}),
        compute=_views,
        inputs=frozenset({"views"}),
    ),
    Metric(
        key="engagements",
        version=2,
        name_ru="Вовлечения",
        name_en="Engagements",
        unit=Unit.COUNT,
        formula_ru="Σ (лайки + комментарии + репосты + сохранения) постов периода",
        formula_en="Σ (likes + comments + shares + saves) of the period's posts",
        aggregation=Aggregation.SUM,
        goal_measure=GoalMeasure.CUMULATIVE,
        higher_is_better=True,
        objectives=frozenset({_A.ENGAGEMENT}),
        compute=_engagements,
        inputs=frozenset({"post.likes", "post.comments", "post.shares", "post.saves"}),
        definition_ru="Просмотры не считаются вовлечением; сохранения — там, где платформа их отдаёт.",
        definition_en="Views are not engagements; saves count where the platform reports them.",
    ),
    Metric(
        key="er_followers",
        version=2,
        name_ru="ER по подписчикам",
        name_en="ER by followers",
        unit=Unit.PERCENT,
        formula_ru="Σ вовлечений ÷ число постов ÷ среднее число подписчиков × 100",
        formula_en="Σ engagements ÷ number of posts ÷ average followers × 100",
        aggregation=Aggregation.MEAN_PER_POST,
        goal_measure=GoalMeasure.ROLLING,
        higher_is_better=True,
        objectives=frozenset({_A.ENGAGEMENT, _A.LOYALTY}),
        compute=_er_followers,
        inputs=frozenset({"post.likes", "post.comments", "post.shares", "post.saves", "followers"}),
        definition_ru="Отношение сумм (как «Average ERpost» в Popsters и режим по умолчанию в "
        "LiveDune), а не среднее из ER отдельных постов.",
        definition_en="Ratio of totals (Popsters' Average ERpost, LiveDune's default), not the "
        "mean of per-post ERs.",
        decimals=2,
    ),
    Metric(
        key="err",
        version=2,
        name_ru="ERR (по охвату)",
        name_en="ERR (by reach)",
        unit=Unit.PERCENT,
        formula_ru="Σ вовлечений постов ÷ Σ охвата этих постов × 100",
        formula_en="Σ engagements of posts ÷ Σ reach of those posts × 100",
        aggregation=Aggregation.RATIO_OF_SUMS,
        goal_measure=GoalMeasure.ROLLING,
        higher_is_better=True,
        objectives=frozenset({_A.ENGAGEMENT}),
        compute=_err,
        inputs=frozenset({"post.reach", "post.likes", "post.comments", "post.shares", "post.saves"}),
        platforms=_REACH_PLATFORMS,
        definition_ru="Отношение сумм по постам с известным охватом (как ERReach в LiveDune). "
        "Не путать с телеграмным «ERR» = просмотры ÷ подписчики.",
        definition_en="Ratio of totals over posts with known reach (LiveDune's ERReach). "
        "Not the Telegram-market 'ERR' = views ÷ subscribers.",
        decimals=2,
    ),
    Metric(
        key="er_views",
        version=2,
        name_ru="ER по просмотрам (ERV)",
        name_en="ER by views",
        unit=Unit.PERCENT,
        formula_ru="Σ вовлечений постов ÷ Σ просмотров этих постов × 100",
        formula_en="Σ engagements of posts ÷ Σ views of those posts × 100",
        aggregation=Aggregation.RATIO_OF_SUMS,
        goal_measure=GoalMeasure.ROLLING,
        higher_is_better=True,
        objectives=frozenset({_A.ENGAGEMENT}),
        compute=_er_views,
        inputs=frozenset({"post.views", "post.likes", "post.comments", "post.shares", "post.saves"}),
        definition_ru="Отношение сумм по постам с известными просмотрами; в Telegram это «ER» TGStat.",
        definition_en="Ratio of totals over posts with known views; TGStat's Telegram 'ER'.",
        decimals=2,
    ),
    Metric(
        key="posts_per_week",
        version=1,
        name_ru="Постов в неделю",
        name_en="Posts per week",
        unit=Unit.PER_WEEK,
        formula_ru="Число постов ÷ дней в периоде × 7",
        formula_en="Number of posts ÷ days in the period × 7",
        aggregation=Aggregation.MEAN_PER_POST,
        goal_measure=GoalMeasure.ROLLING,
        higher_is_better=True,
        objectives=frozenset({_A.ENGAGEMENT}),
        compute=_posts_per_week,
        inputs=frozenset({"post.published_at"}),
        decimals=1,
    ),
    Metric(
        key="site_clicks",
        version=1,
        name_ru="Переходы на сайт",
        name_en="Site clicks",
        unit=Unit.COUNT,
        formula_ru="Σ переходов на сайт за период",
        formula_en="Σ clicks to the site over the period",
        aggregation=Aggregation.SUM,
        goal_measure=GoalMeasure.CUMULATIVE,
        higher_is_better=True,
        objectives=frozenset({_A.TRAFFIC, _A.SALES}),
        compute=_site_clicks,
        inputs=frozenset({"site_clicks"}),
    ),
    Metric(
        key="ctr",
        version=1,
        name_ru="CTR",
        name_en="CTR",
        unit=Unit.PERCENT,
        formula_ru="Σ переходов на сайт ÷ Σ просмотров × 100",
        formula_en="Σ site clicks ÷ Σ views × 100",
        aggregation=Aggregation.RATIO_OF_SUMS,
        goal_measure=GoalMeasure.ROLLING,
        higher_is_better=True,
        objectives=frozenset({_A.TRAFFIC}),
        compute=_ctr,
        inputs=frozenset({"site_clicks", "views"}),
        definition_ru="Просмотры контента служат показами (платформы не отдают показы отдельно).",
        definition_en="Content views stand for impressions (platforms do not report impressions separately).",
        decimals=2,
    ),
    Metric(
        key="leads",
        version=1,
        name_ru="Заявки",
        name_en="Leads",
        unit=Unit.COUNT,
        formula_ru="Σ заявок за период",
        formula_en="Σ leads over the period",
        aggregation=Aggregation.SUM,
        goal_measure=GoalMeasure.CUMULATIVE,
        higher_is_better=True,
        objectives=frozenset({_A.LEADS, _A.SALES}),
        compute=_leads,
        inputs=frozenset({"leads"}),
    ),
    Metric(
        key="conversion_rate",
        version=1,
        name_ru="Конверсия в заявку",
        name_en="Conversion rate",
        unit=Unit.PERCENT,
        formula_ru="Σ заявок ÷ Σ переходов на сайт × 100",
        formula_en="Σ leads ÷ Σ site clicks × 100",
        aggregation=Aggregation.RATIO_OF_SUMS,
        goal_measure=GoalMeasure.ROLLING,
        higher_is_better=True,
        objectives=frozenset({_A.LEADS, _A.SALES}),
        compute=_conversion_rate,
        inputs=frozenset({"leads", "site_clicks"}),
        decimals=2,
    ),
)

METRICS_BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}


class UnknownMetric(KeyError):
    pass


def get_metric(key: str) -> Metric:
    try:
        return METRICS_BY_KEY[key]
    except KeyError:
        raise UnknownMetric(key) from None


def metrics_for_objective(objective: Objective | str) -> list[Metric]:
    return [m for m in METRICS if m.serves(objective)]


def compute_kpi(key: str, data: PeriodData) -> float | None:
    return get_metric(key).compute(data)


def merge_account_series(series: Sequence[DailySeries], *, stock: bool) -> dict[date, float]:
    """Add up several accounts' daily series into one for a scope (a platform or a whole client).

    Flows add day by day. A stock (followers) is carried forward within each account across its
    missing days, from its first observation on, so that one account's gap does not show up as a
    sudden drop of the total.
    """
    if not series:
        return {}
    if not stock:
        merged: dict[date, float] = {}
        for one in series:
            for day, value in one.items():
                merged[day] = merged.get(day, 0.0) + value
        return merged
    all_days = sorted({day for one in series for day in one})
    totals = dict.fromkeys(all_days, 0.0)
    for one in series:
        if not one:
            continue
        last: float | None = None
        for day in all_days:
            if day in one:
                last = one[day]
            if last is not None:
                totals[day] += last
    return totals
