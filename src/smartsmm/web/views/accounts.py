"""The account page: an audit of one social account over a chosen window."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smartsmm.clients.models import SocialAccount
from smartsmm.core import audit
from smartsmm.core.metrics import METRICS, PeriodData
from smartsmm.core.objectives import Platform
from smartsmm.core.periods import Change, Period
from smartsmm.goals.evaluation import client_today
from smartsmm.measurements.models import DailyMetric
from smartsmm.measurements.queries import scope_data
from smartsmm.web.access import with_access
from smartsmm.web.views.collection import sync_log_context
from smartsmm.web.views.live import data_version, poller_context

WINDOWS = (30, 90, 180, 365)
DEFAULT_WINDOW = 90


def _window(request: HttpRequest, today: date) -> tuple[Period, int | None, str]:
    """The audited window: `?days=N` (30/90/180/365) or `?from=YYYY-MM-DD&to=YYYY-MM-DD`."""
    yesterday = today - timedelta(days=1)
    start_arg, end_arg = request.GET.get("from"), request.GET.get("to")
    if start_arg and end_arg:
        try:
            start, end = date.fromisoformat(start_arg), date.fromisoformat(end_arg)
            if start <= end and (end - start).days <= 3 * 366:
                return Period(start, min(end, yesterday) if start <= yesterday else end), None, ""
            error = _("from/to: expected from ≤ to and at most three years apart")
        except ValueError:
            error = _("from/to: expected dates as YYYY-MM-DD")
    else:
        error = ""
    try:
        days = int(request.GET.get("days", DEFAULT_WINDOW))
    except ValueError:
        days = DEFAULT_WINDOW
    if days not in WINDOWS:
        days = DEFAULT_WINDOW
    return Period(yesterday - timedelta(days=days - 1), yesterday), days, error


def account_context(request: HttpRequest, account: SocialAccount) -> dict[str, Any]:
    """What the account page's live part shows: KPIs, charts, anomalies and posts of the window."""
    client = account.client
    tz = client.tz
    today = client_today(client)
    window, days, window_error = _window(request, today)
    previous = window.shifted_before()
    data = scope_data([account], tz, start=previous.start - timedelta(days=1), end=window.end)
    posts_now = [p for p in data.posts if p.published_at.date() in window]
    posts_before = [p for p in data.posts if p.published_at.date() in previous]
    platform = Platform(account.platform)
    language = get_language() or "ru"
    kpis = []
    for metric in METRICS:
        if platform not in metric.platforms:
            continue
        current = metric.compute(PeriodData(window, data.daily, posts_now))
        before = metric.compute(PeriodData(previous, data.daily, posts_before))
        if current is None and before is None:
            continue
        change = Change(current, before)
        improved = None
        if change.absolute not in (None, 0):
            improved = (change.absolute > 0) == metric.higher_is_better  # type: ignore[operator]
        kpis.append(
            {"metric": metric, "current": current, "previous": before, "change": change, "improved": improved}
        )

    followers = {d: v for d, v in data.daily.get("followers", {}).items() if d in window}
    window_daily = {name: {d: v for d, v in s.items() if d in window} for name, s in data.daily.items()}
    anomalies = []
    watched: tuple[tuple[str, Literal["stock", "flow"]], ...] = (
        ("followers", "stock"),
        ("reach", "flow"),
        ("views", "flow"),
    )
    for name, kind in watched:
        if name in data.daily:
            found = audit.detect_anomalies(data.daily[name], metric=name, kind=kind)
            anomalies += [a for a in found if a.date in window]
    anomalies.sort(key=lambda a: a.date)
    rhythm = audit.posting_rhythm(posts_now, window.start, window.end, tz)
    hours = audit.best_hours(posts_now, tz)
    ranked = audit.top_and_bottom_posts(posts_now, n=5)
    completeness = audit.data_completeness(window_daily, window.start, window.end)
    summary = audit.follower_summary(data.daily.get("followers", {}), window.start, window.end)
    growth_days = sorted(followers)
    charts: dict[str, Any] = {
        "growth": {
            "dates": [d.isoformat() for d in growth_days],
            "followers": [followers[d] for d in growth_days],
            "net": [
                (followers[d] - followers[d - timedelta(days=1)])
                if (d - timedelta(days=1)) in followers
                else None
                for d in growth_days
            ],
            "anomalies": [
                {"date": a.date.isoformat(), "value": followers.get(a.date)}
                for a in anomalies
                if a.metric == "followers"
            ],
        },
        "rhythm": rhythm.to_dict(),
        "heatmap": hours.to_dict(),
    }
    return {
        "account": account,
        "client": client,
        "window": window,
        "previous": previous,
        "days": days,
        "windows": WINDOWS,
        "window_error": window_error,
        "kpis": kpis,
        "rhythm": rhythm,
        "hours": hours,
        "ranked": ranked,
        "anomalies": anomalies,
        "completeness": completeness,
        "summary": summary,
        "followers_now": DailyMetric.objects.filter(account=account, metric="followers")
        .order_by("-day")
        .first(),
        "charts": charts,
        "language": language,
        "query": request.GET.urlencode(),
        "audit_formats": ("pdf", "xlsx", "pptx", "html"),
    }


@with_access
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    account = access.account(pk)
    context = account_context(request, account)
    context.update(sync_log_context(account, can_write=access.can_write))
    context.update(poller_context(reverse("account-version", args=[pk]), data_version([account])))
    return render(request, "web/account.html", context)


@with_access
def account_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The live part of the account page (htmx): fetched again when the account's data changed."""
    account = request.access.account(pk)  # type: ignore[attr-defined]
    return render(request, "web/partials/account_live.html", account_context(request, account))
