"""Seeding the demo agency: two clients, six accounts, 18 months of history, goals of every kind.

Deterministic (fixed seed, events dated relative to today) and idempotent: a second run finds the
demo agency and changes nothing, unless asked to rebuild it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from smartsmm.clients.models import BusinessObjective, Client, SocialAccount
from smartsmm.collection.models import Credential, SyncState
from smartsmm.core.forecast import forecast_goal
from smartsmm.core.goals import baseline, goal_series
from smartsmm.core.metrics import get_metric
from smartsmm.demo.generate import DEMO_CLIENTS, demo_history_range, demo_profiles, generate_account_history
from smartsmm.fakes.vk import DEMO_COMMUNITIES, DEMO_TOKENS
from smartsmm.goals.evaluation import evaluate_goal, scope_accounts
from smartsmm.goals.models import Goal, ScopeKind
from smartsmm.measurements.models import DailyMetric, Post
from smartsmm.measurements.queries import scope_data
from smartsmm.reports.models import AgencyBranding
from smartsmm.tenancy.models import Agency, Membership, Role

DEMO_AGENCY_SLUG = "demo"
DEMO_USERNAME = "demo"
VIEWER_USERNAME = "client"
DEMO_PASSWORD = "demo"
DEMO_SEED = 20261126
DEMO_TIMEZONE = "Europe/Moscow"

CLIENT_DETAILS: dict[str, dict[str, Any]] = {
    "coffee-chain": {
        "description": "Сеть из 12 кофеен в Москве. Цель на год — новые гости из соцсетей и предзаказы через сайт.",
        "objectives": [
            ("awareness", "Нас должны знать в районах новых кофеен: открываем 3 точки весной."),
            ("leads", "Заявки на корпоративный кофе-брейк и предзаказы через сайт."),
            ("engagement", "Живое сообщество постоянных гостей — отзывы, UGC, ответы на вопросы."),
        ],
        "accounts": {
            "vk": (
                "awareness",
                "Главная соцсеть аудитории 25–45 в Москве; таргет ведёт на сайт с предзаказом.",
            ),
            "telegram": ("engagement", "Канал для постоянных гостей: новинки меню, акции, голосования."),
            "youtube": (
                "awareness",
                "Видео о бариста и обжарке — доверие к качеству, поиск по «как сварить».",
            ),
        },
    },
    "fitness-studio": {
        "description": "Фитнес-студия в Казани: групповые и персональные тренировки. Главное — заявки на пробное занятие.",
        "objectives": [
            ("leads", "Заявки на бесплатное пробное занятие через Telegram-бота и сайт."),
            ("loyalty", "Удержание клиентов с абонементом: меньше отписок, больше участия."),
            ("awareness", "Узнаваемость бренда в районе студии."),
        ],
        "accounts": {
            "vk": ("loyalty", "Сообщество клиентов: расписание, отчёты с тренировок, поддержка."),
            "telegram": ("leads", "Канал с бот-записью на пробное занятие — основной источник заявок."),
            "youtube": ("awareness", "Короткие тренировки дома — знакомство с тренерами."),
        },
    },
}


@dataclass(frozen=True)
class DemoGoal:
    client: str
    objective: str
    metric: str
    scope: str  # "vk", "telegram", … for one account, or "client"
    started_days_ago: int
    days_left: int
    difficulty: str  # "on_track" | "at_risk" | "unrealistic"
    relevance: str


DEMO_GOALS = (
    DemoGoal("coffee-chain", "awareness", "followers", "vk", 45, 120, "on_track",
             "Больше подписчиков ВК в Москве — больше охват анонсов открытия новых кофеен."),
    DemoGoal("coffee-chain", "leads", "leads", "client", 30, 60, "at_risk",
             "Заявки на корпоративный кофе-брейк — прямой вклад соцсетей в выручку B2B."),
    DemoGoal("coffee-chain", "engagement", "followers", "telegram", 20, 90, "unrealistic",
             "Канал постоянных гостей должен расти, чтобы акции доходили до большего числа людей."),
    DemoGoal("coffee-chain", "engagement", "er_views", "telegram", 14, 75, "at_risk",
             "Активность в канале — признак живого сообщества."),
    DemoGoal("fitness-studio", "leads", "leads", "telegram", 21, 70, "on_track",
             "Заявки на пробное занятие из канала — главный результат соцсетей для студии."),
    DemoGoal("fitness-studio", "awareness", "views", "youtube", 30, 90, "at_risk",
             "Просмотры коротких тренировок знакомят район с тренерами студии."),
    DemoGoal("fitness-studio", "loyalty", "followers", "vk", 10, 60, "unrealistic",
             "Сообщество клиентов растёт вместе с числом абонементов."),
)  # fmt: skip


def _print(out: IO[str] | None, text: str) -> None:
    if out is not None:
        print(text, file=out, flush=True)


def _target_for(goal: Goal, difficulty: str, today: date) -> float:
    """Pick a target from the account's own forecast so that the goal lands where the demo needs it."""
    metric = get_metric(goal.metric_key)
    accounts = scope_accounts(goal.client, goal.scope_kind, goal.account, goal.platform)
    data = scope_data(accounts, goal.client.tz, end=today - timedelta(days=1))
    series = goal_series(
        metric, data.daily, data.posts, start=goal.start_date, until=today - timedelta(days=1)
    )
    found = baseline(metric, data.daily, data.posts, start=goal.start_date)
    goal.baseline_value, goal.baseline_date = (found[0], found[1]) if found else (None, None)
    probe = forecast_goal(list(series.dates), list(series.values), series.values[-1], goal.deadline)
    p10, p50, p90 = probe.p10 or 0.0, probe.p50 or 0.0, probe.p90 or 0.0
    current = series.values[-1]
    if difficulty == "on_track":
        # Between today's value and the median at the deadline: about 65–80 % likely.
        raw = current + 0.6 * (p50 - current) if p50 > current else p10 + 0.4 * (p50 - p10)
    elif difficulty == "at_risk":
        raw = p50 + 0.45 * (p90 - p50)  # about 30–35 % likely
    else:
        raw = p90 + 1.5 * (p90 - p50) + abs(p50) * 0.05  # well beyond p90: a few per cent
    if metric.decimals == 0:
        magnitude = 10 ** max(len(str(int(abs(raw)))) - 3, 0)
        return float(round(raw / magnitude) * magnitude)
    return round(raw, metric.decimals)


def _bulk_history(account: SocialAccount, history: object) -> tuple[int, int]:
    daily = history.daily  # type: ignore[attr-defined]
    rows = [
        DailyMetric(account=account, metric=metric, day=day, value=value)
        for metric, series in daily.items()
        for day, value in series.items()
    ]
    DailyMetric.objects.bulk_create(rows, batch_size=2000)
    posts = [
        Post(
            account=account,
            external_id=p.external_id,
            published_at=p.published_at,
            post_type=p.post_type,
            url=p.url,
            text=p.text,
            likes=p.likes,
            comments=p.comments,
            shares=p.shares,
            saves=p.saves,
            views=p.views,
            reach=p.reach,
        )
        for p in history.posts  # type: ignore[attr-defined]
    ]
    Post.objects.bulk_create(posts, batch_size=1000)
    return len(rows), len(posts)


def seed_demo(
    *, progress_to: IO[str] | None = None, rebuild: bool = False, today: date | None = None
) -> bool:
    """Create the demo agency unless it exists. Returns True when it was created now."""
    existing = Agency.objects.filter(slug=DEMO_AGENCY_SLUG).first()
    if existing is not None:
        if not rebuild:
            return False
        existing.delete()
    tz = ZoneInfo(DEMO_TIMEZONE)
    today = today or timezone.now().astimezone(tz).date()
    start, end = demo_history_range(today)
    with transaction.atomic():
        agency = Agency.objects.create(name="Демо-агентство «Цифра»", slug=DEMO_AGENCY_SLUG)
        owner = User.objects.filter(username=DEMO_USERNAME).first() or User.objects.create_user(
            DEMO_USERNAME, password=DEMO_PASSWORD
        )
        Membership.objects.get_or_create(user=owner, agency=agency, defaults={"role": Role.OWNER})
        # White label: the demo's reports carry the agency's own colours (Agency settings).
        AgencyBranding.objects.create(agency=agency, primary_color="#3B2A78", accent_color="#E07A1F")
        clients: dict[str, Client] = {}
        objectives: dict[tuple[str, str], BusinessObjective] = {}
        for slug, name in DEMO_CLIENTS.items():
            details = CLIENT_DETAILS[slug]
            client = Client.objects.create(
                agency=agency,
                name=name,
                slug=slug,
                timezone=DEMO_TIMEZONE,
                description=details["description"],
            )
            clients[slug] = client
            for priority, (objective, context) in enumerate(details["objectives"], start=1):
                objectives[(slug, objective)] = BusinessObjective.objects.create(
                    client=client, objective=objective, context=context, priority=priority
                )
        for index, (slug, profile) in enumerate(demo_profiles(today)):
            objective_key, rationale = CLIENT_DETAILS[slug]["accounts"][profile.platform]
            account = SocialAccount.objects.create(
                agency=agency,
                client=clients[slug],
                platform=profile.platform,
                external_id=_external_id(profile.platform, profile.handle, index),
                handle=profile.handle,
                name=f"{clients[slug].name} · {profile.platform}",
                url=_account_url(profile.platform, profile.handle),
                objective=objectives[(slug, objective_key)],
                rationale=rationale,
                last_synced_at=timezone.now(),
                data_changed_at=timezone.now(),
            )
            history = generate_account_history(profile, start, end, seed=DEMO_SEED + index, tz=tz)
            metrics, posts = _bulk_history(account, history)
            if profile.platform == "vk":
                _connect_to_fake(account, start)
            _print(progress_to, f"  {account.ref}: {metrics} daily values, {posts} posts")
        viewer = User.objects.filter(username=VIEWER_USERNAME).first() or User.objects.create_user(
            VIEWER_USERNAME, password=DEMO_PASSWORD
        )
        Membership.objects.get_or_create(
            user=viewer,
            agency=agency,
            defaults={"role": Role.CLIENT_VIEWER, "client": clients["coffee-chain"]},
        )
        for spec in DEMO_GOALS:
            client = clients[spec.client]
            goal_account: SocialAccount | None = None
            scope_kind = ScopeKind.CLIENT
            if spec.scope != "client":
                goal_account = client.accounts.get(platform=spec.scope)
                scope_kind = ScopeKind.ACCOUNT
            goal = Goal(
                client=client,
                objective=objectives[(spec.client, spec.objective)],
                metric_key=spec.metric,
                metric_version=get_metric(spec.metric).version,
                scope_kind=scope_kind,
                account=goal_account,
                start_date=today - timedelta(days=spec.started_days_ago),
                deadline=today + timedelta(days=spec.days_left),
                relevance=spec.relevance,
                created_by=owner,
                target=0.0,
            )
            goal.target = _target_for(goal, spec.difficulty, today)
            goal.save()
            evaluate_goal(goal, today=today)
    return True


def _external_id(platform: str, handle: str, index: int) -> str:
    """The fake VK's community id for the demo's VK accounts (so the worker collects them)."""
    if platform == "vk":
        for community in DEMO_COMMUNITIES:
            if community.screen_name == handle:
                return str(community.group_id)
    return str(100000 + index * 7919)


def _connect_to_fake(account: SocialAccount, history_start: date) -> None:
    """Store the fake's admin token and a schedule that treats the seeded history as backfilled.

    The first sync is then incremental — today's members, the last days of statistics, the recent
    posts — and extends the seeded history instead of re-reading (and overwriting) it.
    """
    Credential.objects.create(account=account, token=DEMO_TOKENS["admin"])
    SyncState.objects.create(account=account, history_starts=history_start, backfilled_at=timezone.now())


def demo_data_ends() -> date | None:
    """The last day of the demo agency's data, if it exists."""
    found = DailyMetric.objects.filter(account__agency__slug=DEMO_AGENCY_SLUG).aggregate(last=Max("day"))[
        "last"
    ]
    return found if isinstance(found, date) else None


def _account_url(platform: str, handle: str) -> str:
    return {
        "vk": f"https://vk.com/{handle}",
        "telegram": f"https://t.me/{handle}",
        "youtube": f"https://www.youtube.com/@{handle}",
    }.get(platform, "")
