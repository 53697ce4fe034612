"""What the report builders share: loading a client's data once, KPI tables, goal rows, the glossary.

Builders run inside `translation.override(report language)`; every label here is translated text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smartsmm.clients.models import Client, PlatformChoice, SocialAccount
from smartsmm.core import audit
from smartsmm.core.metrics import (
    CATALOGUE_VERSION,
    Metric,
    Unit,
)
from smartsmm.core.periods import Change, Period
from smartsmm.core.types import DailySeries, PostRecord
from smartsmm.goals import messages
from smartsmm.goals.evaluation import GoalDraft, evaluate_draft, scope_accounts
from smartsmm.goals.models import Goal, ScopeKind
from smartsmm.measurements.kpis import KpiRow
from smartsmm.measurements.queries import ScopeData, load_daily, load_posts_by_account, merge_scope
from smartsmm.reports.branding import branding_for
from smartsmm.reports.document import Branding, Cell, Column, Table, Tone, ValueKind, text
from smartsmm.reports.formatting import format_date


def metric_kind(metric: Metric) -> ValueKind:
    if metric.unit is Unit.PERCENT:
        return ValueKind.PERCENT
    if metric.unit is Unit.COUNT and metric.decimals == 0:
        return ValueKind.INTEGER
    return ValueKind.NUMBER


def metric_cell(metric: Metric, value: float | None, tone: Tone = Tone.NEUTRAL) -> Cell:
    kind = metric_kind(metric)
    decimals = metric.decimals if kind is not ValueKind.INTEGER else None
    return Cell(value, kind, tone, decimals=decimals)


def change_tone(metric: Metric, change: Change) -> Tone:
    if change.absolute is None or change.absolute == 0:
        return Tone.NEUTRAL
    return Tone.GOOD if (change.absolute > 0) == metric.higher_is_better else Tone.BAD


def change_cell(metric: Metric, change: Change) -> Cell:
    return Cell(change.percent, ValueKind.CHANGE_PERCENT, change_tone(metric, change))


def difference_cell(metric: Metric, change: Change) -> Cell:
    """The absolute change: percentage points for a rate (as the client page shows), else units."""
    if metric.is_percent:
        return Cell(change.absolute, ValueKind.CHANGE_POINTS, change_tone(metric, change))
    decimals = metric.decimals if metric.decimals else None
    return Cell(change.absolute, ValueKind.SIGNED, change_tone(metric, change), decimals=decimals)


def long_date(day: date) -> str:
    """ "1 октября 2026" / "1 October 2026"."""
    # Django's "E" is the Russian genitive month name ("октября"), which a date needs.
    return (
        date_format(day, "j E Y") if (get_language() or "ru").startswith("ru") else date_format(day, "j F Y")
    )


def short_date(day: date) -> str:
    """The same short date as the report's cells (31.10.2026 / 2026-10-31)."""
    return format_date(day, "ru" if (get_language() or "ru").startswith("ru") else "en")


def month_label(day: date) -> str:
    """ "Октябрь 2026" / "October 2026"."""
    return date_format(day, "F Y")


def period_text(period: Period) -> str:
    return f"{long_date(period.start)} – {long_date(period.end)}"


def ranges_text(ranges: Iterable[tuple[date, date]]) -> str:
    parts = []
    for first, last in ranges:
        parts.append(short_date(first) if first == last else f"{short_date(first)}–{short_date(last)}")
    return ", ".join(parts)


@dataclass
class ClientData:
    """A client's accounts with their daily series and posts, loaded once per report."""

    client: Client
    accounts: list[SocialAccount]
    daily: dict[int, dict[str, dict[date, float]]]  # account id -> metric -> day -> value
    posts: dict[int, list[PostRecord]]  # account id -> posts, local time
    # Merged scopes by their accounts: a report asks for each platform's scope several times.
    _scopes: dict[tuple[int, ...], ScopeData] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, client: Client, start: date, end: date, *, only: SocialAccount | None = None) -> ClientData:
        """The client's accounts (or `only` one of them) with their data from `start` to `end`."""
        found = client.accounts.select_related("objective").order_by("platform", "ref_key")
        accounts = list(found.filter(pk=only.pk) if only is not None else found)
        ids = [a.pk for a in accounts]
        daily = load_daily(ids, start=start, end=end)
        posts = load_posts_by_account(ids, client.tz, start=start, end=end)
        return cls(client, accounts, daily, posts)

    def platforms(self) -> list[str]:
        return sorted({a.platform for a in self.accounts})

    def scope(self, accounts: Sequence[SocialAccount]) -> ScopeData:
        key = tuple(a.pk for a in accounts)
        if key not in self._scopes:
            posts = sorted(
                (p for a in accounts for p in self.posts.get(a.pk, [])), key=lambda p: p.published_at
            )
            self._scopes[key] = merge_scope(accounts, self.daily, posts)
        return self._scopes[key]

    def accounts_on(self, platform: str) -> list[SocialAccount]:
        return [a for a in self.accounts if a.platform == platform]


def account_label(account: SocialAccount) -> str:
    return f"{account.get_platform_display()} · {account.display_name}"


def platform_label(platform: str) -> str:
    try:
        return str(PlatformChoice(platform).label)
    except ValueError:
        return platform


# KPI tables -----------------------------------------------------------------------------------


def kpi_table(
    title: str, rows: Sequence[KpiRow], language: str, column_titles: tuple[str, str, str], *, note: str = ""
) -> Table:
    """A KPI per row: this period, the previous one and a year ago, with relative changes."""
    current, previous, year_ago = column_titles
    columns = (
        Column(_("KPI"), 3),
        Column(current),
        Column(previous),
        # "Δ" and "Δ %" as on the client page: the difference (percentage points for a rate) and
        # the relative change; a rate's relative change alone ("ER +38 %") hides how small it is.
        Column("Δ"),
        Column("Δ %"),
        Column(year_ago),
        Column("Δ"),
        Column("Δ %"),
    )
    cells = tuple(
        (
            text(row.metric.name(language)),
            metric_cell(row.metric, row.current),
            metric_cell(row.metric, row.previous),
            difference_cell(row.metric, row.vs_previous),
            change_cell(row.metric, row.vs_previous),
            metric_cell(row.metric, row.year_ago),
            difference_cell(row.metric, row.vs_year_ago),
            change_cell(row.metric, row.vs_year_ago),
        )
        for row in rows
    )
    return Table(title, columns, cells, note=note, empty_text=_("No data for this period."))


def glossary_table(metrics: Iterable[Metric], language: str) -> Table:
    seen: dict[str, Metric] = {}
    for metric in metrics:
        seen.setdefault(metric.key, metric)
    columns = (
        Column(_("KPI"), 2),
        Column(_("Formula"), 4),
        Column(_("Definition"), 4),
        Column(_("Version"), 0.7),
    )
    rows = tuple(
        (
            text(m.name(language)),
            text(m.formula(language)),
            text(m.definition(language)),
            text(f"v{m.version}"),
        )
        for m in seen.values()
    )
    return Table(
        _("KPI formulas (catalogue %(version)s)") % {"version": CATALOGUE_VERSION},
        columns,
        rows,
        note=_("Engagements = likes + comments + shares (reposts) + saves; views are not engagements."),
    )


# Goals ------------------------------------------------------------------------------------------

STATUS_TONES = {
    "on_track": Tone.GOOD,
    "achieved": Tone.GOOD,
    "at_risk": Tone.WARN,
    "off_track": Tone.BAD,
    "missed": Tone.BAD,
    "no_data": Tone.NEUTRAL,
}


def status_text(status: str | None) -> str:
    return str(messages.STATUSES.get(status or "no_data", status or ""))


def goal_scope_text(goal: Goal) -> str:
    if goal.scope_kind == ScopeKind.ACCOUNT and goal.account is not None:
        return account_label(goal.account)
    if goal.scope_kind == ScopeKind.PLATFORM:
        return _("all %(platform)s accounts") % {"platform": platform_label(goal.platform)}
    return _("all the client's accounts")


def goal_title(goal: Goal, language: str) -> str:
    return f"{messages.metric_name(goal.metric_key, language)} · {goal_scope_text(goal)}"


class GoalEvaluator:
    """Evaluates goals as of a day, loading each scope's history once for all goals and days."""

    def __init__(self, client: Client, until: date) -> None:
        self.client = client
        self.until = until
        self._scopes: dict[tuple[str, int | None, str], ScopeData] = {}
        self._history: ClientData | None = None

    def _scope_data(self, goal: Goal) -> ScopeData:
        key = (goal.scope_kind, goal.account_id, goal.platform)
        if key not in self._scopes:
            if self._history is None:
                self._history = ClientData.load(self.client, date(2000, 1, 1), self.until - timedelta(days=1))
            accounts = scope_accounts(self.client, goal.scope_kind, goal.account, goal.platform)
            known = {a.pk for a in accounts}
            self._scopes[key] = self._history.scope([a for a in self._history.accounts if a.pk in known])
        return self._scopes[key]

    def evaluate(self, goal: Goal, as_of: date) -> dict[str, Any]:
        """The goal's evaluation as it stood at the start of `as_of` (data up to the day before)."""
        data = self._scope_data(goal)
        if as_of < self.until:
            data = _cut(data, as_of - timedelta(days=1))
        return evaluate_draft(GoalDraft.from_goal(goal), today=as_of, data=data)


def _cut(data: ScopeData, last_day: date) -> ScopeData:
    daily = {m: {d: v for d, v in s.items() if d <= last_day} for m, s in data.daily.items()}
    posts = [p for p in data.posts if p.published_at.date() <= last_day]
    last = max((max(s) for s in daily.values() if s), default=None)
    return ScopeData(daily, posts, data.platforms, last)


def pace_cell(metric: Metric | None, value: Any) -> Cell:
    if not isinstance(value, int | float):
        return Cell(None, ValueKind.NUMBER)
    small = metric is not None and metric.is_percent
    return Cell(float(value), ValueKind.NUMBER, decimals=3 if small or abs(value) < 1 else 1)


def goal_value_cell(metric: Metric | None, value: Any, tone: Tone = Tone.NEUTRAL) -> Cell:
    if metric is None:
        return Cell(value if isinstance(value, int | float) else None, ValueKind.NUMBER, tone)
    return metric_cell(metric, float(value) if isinstance(value, int | float) else None, tone)


# Data completeness -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountCoverage:
    account: SocialAccount
    days_total: int
    days_with_data: int
    missing: tuple[tuple[date, date], ...]
    history_starts: date | None  # the account's first day with data, when inside the period


def coverage(account: SocialAccount, daily: Mapping[str, DailySeries], period: Period) -> AccountCoverage:
    """Which days of the period have any daily value for the account.

    Days before the account's first data ever are not "missing": the account was not measured
    yet (a client younger than the period), which is said separately.
    """
    any_day: dict[date, float] = {}
    first_ever: date | None = None
    for series in daily.values():
        for day in series:
            if first_ever is None or day < first_ever:
                first_ever = day
            if day in period:
                any_day[day] = 1.0
    if first_ever is None or first_ever > period.end:
        return AccountCoverage(account, period.days, 0, ((period.start, period.end),), None)
    start = max(period.start, first_ever)
    found = audit.data_completeness({"any": any_day}, start, period.end).metrics["any"]
    return AccountCoverage(
        account,
        found.days_total,
        found.days_with_data,
        found.missing_ranges,
        first_ever if first_ever > period.start else None,
    )


def coverage_table(coverages: Sequence[AccountCoverage]) -> Table:
    rows = tuple(
        (
            text(account_label(c.account)),
            Cell(c.days_with_data, ValueKind.INTEGER),
            Cell(c.days_total, ValueKind.INTEGER),
            text(ranges_text(c.missing) or "—", Tone.WARN if c.missing else Tone.NEUTRAL),
            text(short_date(c.history_starts) if c.history_starts else ""),
        )
        for c in coverages
    )
    return Table(
        _("Data completeness"),
        (
            Column(_("Account"), 3),
            Column(_("Days with data")),
            Column(_("Days measured")),
            Column(_("Days without data"), 3),
            Column(_("History starts")),
        ),
        rows,
        empty_text=_("The client has no accounts."),
    )


def coverage_caveats(coverages: Sequence[AccountCoverage]) -> list[str]:
    notes = []
    for c in coverages:
        missing = c.days_total - c.days_with_data
        if missing:
            notes.append(
                _(
                    "%(account)s: no data on %(count)s of %(total)s days (%(days)s); sums for this account are understated."
                )
                % {
                    "account": account_label(c.account),
                    "count": missing,
                    "total": c.days_total,
                    "days": ranges_text(c.missing),
                }
            )
        if c.history_starts:
            notes.append(
                _("%(account)s: measured since %(day)s only.")
                % {"account": account_label(c.account), "day": short_date(c.history_starts)}
            )
    return notes


def client_branding(client: Client) -> Branding:
    return branding_for(client.agency)


# Anomalies -------------------------------------------------------------------------------------

WATCHED_FOR_ANOMALIES: tuple[tuple[str, Literal["stock", "flow"]], ...] = (
    ("followers", "stock"),
    ("reach", "flow"),
    ("views", "flow"),
)


def find_anomalies(data: ClientData, period: Period) -> list[tuple[SocialAccount, audit.Anomaly]]:
    """Each account's anomalous days within the period (the data must reach 28 days before it)."""
    found = []
    for account in data.accounts:
        daily = data.daily.get(account.pk, {})
        for name, kind in WATCHED_FOR_ANOMALIES:
            if name in daily:
                found += [
                    (account, a)
                    for a in audit.detect_anomalies(daily[name], metric=name, kind=kind)
                    if a.date in period
                ]
    found.sort(key=lambda item: (item[1].date, item[0].pk, item[1].metric))
    return found


def metric_word(metric: str) -> str:
    return {"followers": _("Followers"), "reach": _("Reach"), "views": _("Views")}.get(metric, metric)


def anomaly_table(anomalies: Sequence[tuple[SocialAccount, audit.Anomaly]], empty_text: str) -> Table:
    rows = tuple(
        (
            Cell(a.date, ValueKind.DATE),
            text(account_label(account)),
            text(metric_word(a.metric)),
            Cell(a.value, ValueKind.SIGNED if a.kind == "stock" else ValueKind.INTEGER),
            Cell(a.expected, ValueKind.SIGNED if a.kind == "stock" else ValueKind.INTEGER),
            text(
                messages.anomaly_label(a.label) or (_("spike") if a.direction == "spike" else _("drop")),
                Tone.BAD if a.direction == "drop" else Tone.NEUTRAL,
            ),
        )
        for account, a in anomalies
    )
    return Table(
        _("Anomalies"),
        (
            Column(_("Day"), 1.2),
            Column(_("Account"), 2.5),
            Column(_("Metric"), 1.5),
            Column(_("Value (day change for followers)"), 1.5),
            Column(_("Usual"), 1.2),
            Column(_("Likely cause"), 2.5),
        ),
        rows,
        note=_("A day is an anomaly when it is far from the median of the 28 days before it."),
        empty_text=empty_text,
    )


# Posts -----------------------------------------------------------------------------------------

TOP_POSTS = 5
POST_TEXT_LENGTH = 140


def post_text(post: PostRecord) -> str:
    words = " ".join((post.text or "").split())
    if not words:
        return post.external_id
    return words if len(words) <= POST_TEXT_LENGTH else words[: POST_TEXT_LENGTH - 1].rstrip() + "…"


def posts_tables(owned: Sequence[tuple[SocialAccount, PostRecord]], empty_text: str) -> tuple[Table, Table]:
    """The best and the weakest posts, ranked on one basis (views, reach or engagements)."""
    owner = {id(post): account for account, post in owned}
    ranked = audit.top_and_bottom_posts([post for _account, post in owned], n=TOP_POSTS)
    basis = ranked.rate_basis
    rate_title = {
        "views": _("Engagements ÷ views"),
        "reach": _("Engagements ÷ reach"),
        "engagements": _("Engagements"),
    }[basis]
    columns = (
        Column(_("Published"), 1.4),
        Column(_("Account"), 1.8),
        Column(_("Post"), 4),
        Column(_("Views")),
        Column(_("Reach")),
        Column(_("Engagements")),
        Column(rate_title),
    )

    def rows(items: tuple[audit.RankedPost, ...]) -> tuple[tuple[Cell, ...], ...]:
        return tuple(
            (
                Cell(item.post.published_at.replace(tzinfo=None), ValueKind.DATETIME),
                text(account_label(owner[id(item.post)])),
                Cell(post_text(item.post), link=item.post.url),
                Cell(item.post.views, ValueKind.INTEGER),
                Cell(item.post.reach, ValueKind.INTEGER),
                Cell(item.engagements, ValueKind.INTEGER),
                Cell(item.rate * 100, ValueKind.PERCENT)
                if basis != "engagements"
                else Cell(item.rate, ValueKind.INTEGER),
            )
            for item in items
        )

    note = _("%(posts)s posts published; ranked by %(basis)s.") % {
        "posts": ranked.total_posts,
        "basis": rate_title.lower(),
    }
    if ranked.unrated_posts:
        note += " " + _("%(count)s posts have no counters and are not ranked.") % {
            "count": ranked.unrated_posts
        }
    return (
        Table(_("Top posts"), columns, rows(ranked.top), note=note, empty_text=empty_text),
        Table(
            _("Bottom posts"),
            columns,
            rows(ranked.bottom),
            note=_("Posts younger than two days are left out: their counters are still growing."),
            empty_text=_("Too few posts to name the weakest ones."),
        ),
    )
