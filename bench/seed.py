"""Seed the benchmark agency: 200 clients × 5 accounts × 3 years of daily metrics, 300 posts each.

Usage (into the configured database; `--migrate` applies the migrations first):

    SMARTSMM_DATA_DIR=/tmp/x python bench/seed.py --migrate          # SQLite in /tmp/x
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/db python bench/seed.py --migrate

`bench/run.py` runs it in a fresh database before measuring the pages (`bench/pages.py`).

Everything is deterministic for a given `today`: client, account and goal parameters come from
numpy generators seeded from `BENCH_SEED` and the client's number, histories from
`generate_account_history` with a seed per account. Small objects (clients, objectives, accounts,
goals) go through `bulk_create`; the ~4.1 million daily values and 300,000 posts are written with raw
`executemany` on SQLite and `COPY` on PostgreSQL, in one transaction. Goals are then evaluated once,
as the refresher does in production, so the pages read cached evaluations.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import numpy as np

BENCH_AGENCY_SLUG = "bench"
BENCH_USERNAME = "bench-owner"
BENCH_PASSWORD = "bench-owner-password"
BENCH_SEED = 20261126

CLIENTS = 200
YEARS = 3
POSTS_PER_ACCOUNT = 300

# Five platforms per client out of six: the one left out rotates, so every platform is common.
ALL_PLATFORMS: tuple[str, ...] = ("vk", "telegram", "youtube", "ok", "instagram", "threads")
REACH_PLATFORMS = frozenset({"vk", "ok", "instagram", "threads"})
TIMEZONES: tuple[str, ...] = (
    "Europe/Moscow",
    "Europe/Moscow",
    "Europe/Moscow",
    "Asia/Yekaterinburg",
    "Asia/Novosibirsk",
    "Europe/Kaliningrad",
    "Asia/Vladivostok",
)
OPTIONAL_OBJECTIVES: tuple[str, ...] = ("engagement", "traffic", "sales", "loyalty", "support")
BRANDS: tuple[str, ...] = (
    "Кофейня",
    "Фитнес-студия",
    "Барбершоп",
    "Пекарня",
    "Автосервис",
    "Стоматология",
    "Школа английского",
    "Цветочный магазин",
    "Салон красоты",
    "Книжный магазин",
)

# Daily values buffered before an executemany / COPY round (the output of about 13 clients).
FLUSH_DAILY_ROWS = 250_000


def setup_django() -> None:
    """Configure Django from the environment (call before importing any smartsmm model)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartsmm.config.settings")
    import django

    django.setup()


@dataclass
class SeedReport:
    clients: int = 0
    accounts: int = 0
    goals: int = 0
    daily_rows: int = 0
    posts: int = 0
    generate_seconds: float = 0.0
    write_seconds: float = 0.0
    seed_seconds: float = 0.0
    evaluate_seconds: float = 0.0
    evaluate_per_goal_ms: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        per_goal = sorted(self.evaluate_per_goal_ms)
        return {
            "clients": self.clients,
            "accounts": self.accounts,
            "goals": self.goals,
            "daily_rows": self.daily_rows,
            "posts": self.posts,
            "generate_seconds": round(self.generate_seconds, 2),
            "write_seconds": round(self.write_seconds, 2),
            "seed_seconds": round(self.seed_seconds, 2),
            "evaluate_seconds": round(self.evaluate_seconds, 2),
            "evaluate_goal_median_ms": round(per_goal[len(per_goal) // 2], 1) if per_goal else None,
            "evaluate_goal_max_ms": round(per_goal[-1], 1) if per_goal else None,
        }


def history_range(today: date, years: int = YEARS) -> tuple[date, date]:
    """`years` whole years of days ending yesterday."""
    end = today - timedelta(days=1)
    try:
        first = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        first = end.replace(year=end.year - years, day=28)
    return first + timedelta(days=1), end


# --------------------------------------------------------------------------------------------------
# Deterministic parameters
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientPlan:
    index: int
    name: str
    slug: str
    timezone: str
    objectives: tuple[str, ...]  # "awareness" first; "leads" present on every other client
    platforms: tuple[str, ...]


def client_plan(index: int) -> ClientPlan:
    rng = np.random.default_rng([BENCH_SEED, index, 1])
    extra = [str(o) for o in rng.choice(OPTIONAL_OBJECTIVES, size=int(rng.integers(1, 3)), replace=False)]
    objectives = ("awareness", "leads", *extra[:1]) if index % 2 == 0 else ("awareness", *extra)
    left_out = ALL_PLATFORMS[index % len(ALL_PLATFORMS)]
    platforms = tuple(p for p in ALL_PLATFORMS if p != left_out)
    brand = BRANDS[index % len(BRANDS)]
    return ClientPlan(
        index=index,
        name=f"{brand} №{index + 1:03d}",
        slug=f"bench-{index + 1:03d}",
        timezone=TIMEZONES[index % len(TIMEZONES)],
        objectives=objectives,
        platforms=platforms,
    )


def account_profile(plan: ClientPlan, slot: int, start: date, end: date, posts_per_week: float) -> Any:
    from smartsmm.demo.generate import AccountProfile, Event

    platform = plan.platforms[slot]
    rng = np.random.default_rng([BENCH_SEED, plan.index, 100 + slot])
    followers = int(10 ** rng.uniform(3.0, 5.2))
    days = (end - start).days + 1
    # Clients with a leads objective track site clicks and leads on their first two accounts.
    tracks_leads = "leads" in plan.objectives and slot < 2
    events = []
    for _ in range(int(rng.integers(0, 4))):
        kind = str(rng.choice(["campaign", "plateau", "bot_purge", "viral_post"]))
        first = start + timedelta(days=int(rng.integers(0, days - 1)))
        if kind == "campaign":
            events.append(Event("campaign", first, int(rng.integers(7, 30)), float(rng.uniform(2.0, 6.0))))
        elif kind == "plateau":
            events.append(Event("plateau", first, int(rng.integers(20, 90)), float(rng.uniform(0.0, 0.3))))
        elif kind == "bot_purge":
            events.append(Event("bot_purge", first, 1, float(rng.uniform(0.02, 0.08))))
        else:
            events.append(Event("viral_post", first, 1, float(rng.uniform(5.0, 15.0))))
    weekday = tuple(float(v) for v in rng.uniform(0.85, 1.15, 7))
    return AccountProfile(
        platform=platform,  # type: ignore[arg-type]
        handle=f"{plan.slug.replace('-', '_')}_{platform}",
        initial_followers=followers,
        daily_growth=followers * float(rng.uniform(-0.0004, 0.002)),
        growth_trend=float(rng.uniform(-0.3, 0.2)),
        posts_per_week=posts_per_week,
        er_followers=float(rng.uniform(0.02, 0.06) if platform == "youtube" else rng.uniform(0.005, 0.03)),
        reach_rate=float(rng.uniform(0.08, 0.3)) if platform in REACH_PLATFORMS else 0.0,
        site_clicks_per_1k_reach=float(rng.uniform(2.0, 8.0)) if tracks_leads else 0.0,
        lead_rate=float(rng.uniform(0.02, 0.08)) if tracks_leads else 0.0,
        events=tuple(events),
        weekday_profile=weekday,
    )


def account_history(plan: ClientPlan, slot: int, start: date, end: date, posts: int) -> Any:
    """A generated history with exactly `posts` posts (spread evenly over the years)."""
    from smartsmm.demo.generate import generate_account_history

    days = (end - start).days + 1
    # ~12 % more than needed on average, so that a draw nearly never falls short; a short draw is
    # regenerated with a higher rate (deterministically), and the surplus is dropped at random.
    posts_per_week = posts / days * 7 * 1.12
    seed = BENCH_SEED * 1000 + plan.index * 10 + slot
    for _attempt in range(10):
        profile = account_profile(plan, slot, start, end, posts_per_week)
        history = generate_account_history(profile, start, end, seed=seed, tz=ZoneInfo(plan.timezone))
        if len(history.posts) >= posts:
            break
        posts_per_week *= 1.15
    else:  # pragma: no cover - needs ten unlucky draws in a row
        raise RuntimeError(f"could not generate {posts} posts for {plan.slug} slot {slot}")
    if len(history.posts) > posts:
        rng = np.random.default_rng([BENCH_SEED, plan.index, 200 + slot])
        keep = np.sort(rng.choice(len(history.posts), size=posts, replace=False))
        history.posts = [history.posts[i] for i in keep]
    return profile, history


# --------------------------------------------------------------------------------------------------
# Fast writers
# --------------------------------------------------------------------------------------------------

POST_COLUMNS = (
    "account_id",
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


class Writer:
    """Raw bulk writes of daily values and posts: `executemany` on SQLite, `COPY` on PostgreSQL."""

    def __init__(self) -> None:
        from django.db import connection

        from smartsmm.measurements.models import DailyMetric, Post

        self.connection = connection
        self.vendor = connection.vendor
        self.daily_table = connection.ops.quote_name(DailyMetric._meta.db_table)
        self.post_table = connection.ops.quote_name(Post._meta.db_table)

    def daily(self, rows: Sequence[tuple[int, str, date, float]]) -> None:
        if not rows:
            return
        columns = "(account_id, metric, day, value)"
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {self.daily_table} {columns} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {self.daily_table} {columns} VALUES (%s, %s, %s, %s)",
                    [(a, m, d.isoformat(), v) for a, m, d, v in rows],
                )

    def posts(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        columns = "(" + ", ".join(POST_COLUMNS) + ")"
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {self.post_table} {columns} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                adapt = self.connection.ops.adapt_datetimefield_value
                placeholders = ", ".join(["%s"] * len(POST_COLUMNS))
                cursor.executemany(
                    f"INSERT INTO {self.post_table} {columns} VALUES ({placeholders})",
                    [(r[0], r[1], adapt(r[2]), *r[3:]) for r in rows],
                )


# --------------------------------------------------------------------------------------------------
# Goals
# --------------------------------------------------------------------------------------------------


def _recent_pace(series: dict[date, float], end: date, days: int = 90) -> float:
    """Mean daily change of a stock over the last `days` days."""
    first = series.get(end - timedelta(days=days))
    last = series.get(end)
    if first is None or last is None:
        return 0.0
    return (last - first) / days


def _round_target(value: float) -> float:
    magnitude = 10 ** max(len(str(int(abs(value)))) - 3, 0)
    return float(round(value / magnitude) * magnitude)


def goal_specs(plan: ClientPlan, histories: Sequence[Any], today: date) -> list[dict[str, Any]]:
    """Two goals per client: followers of one account, and leads (or reach) over the client."""
    rng = np.random.default_rng([BENCH_SEED, plan.index, 300])
    yesterday = today - timedelta(days=1)
    specs = []

    slot = plan.index % len(plan.platforms)
    followers = histories[slot].daily["followers"]
    start = today - timedelta(days=int(rng.integers(10, 90)))
    deadline = today + timedelta(days=int(rng.integers(30, 180)))
    base = followers.get(start - timedelta(days=1))
    current = followers[yesterday]
    pace = max(_recent_pace(followers, yesterday), current * 0.0002, 0.5)
    # From comfortably reachable to hopeless, so the overview shows every status.
    factor = float(rng.choice([0.4, 0.8, 1.2, 2.0, 4.0]))
    target = _round_target(current + pace * (deadline - yesterday).days * factor)
    specs.append(
        {
            "metric": "followers",
            "objective": "awareness",
            "slot": slot,
            "start": start,
            "deadline": deadline,
            "target": max(target, current + 10),
            "baseline": (base, start - timedelta(days=1)) if base is not None else (None, None),
            "relevance": "Больше подписчиков — больше охват анонсов.",
        }
    )

    metric = "leads" if "leads" in plan.objectives else "reach"
    objective = "leads" if metric == "leads" else "awareness"
    start = today - timedelta(days=int(rng.integers(7, 60)))
    deadline = today + timedelta(days=int(rng.integers(30, 120)))
    recent = 0.0
    for history in histories:
        series = history.daily.get(metric, {})
        recent += sum(series.get(yesterday - timedelta(days=i), 0.0) for i in range(90)) / 90
    factor = float(rng.choice([0.7, 0.95, 1.1, 1.3, 1.8]))
    target = _round_target(max(recent * ((deadline - start).days + 1) * factor, 10.0))
    specs.append(
        {
            "metric": metric,
            "objective": objective,
            "slot": None,
            "start": start,
            "deadline": deadline,
            "target": target,
            "baseline": (0.0, start),
            "relevance": "Прямой вклад соцсетей в заявки." if metric == "leads" else "Охват — узнаваемость.",
        }
    )
    return specs


# --------------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------------


def _print(out: IO[str] | None, text: str) -> None:
    if out is not None:
        print(text, file=out, flush=True)


def seed_bench(
    *,
    clients: int = CLIENTS,
    posts_per_account: int = POSTS_PER_ACCOUNT,
    years: int = YEARS,
    today: date | None = None,
    evaluate: bool = True,
    out: IO[str] | None = sys.stdout,
) -> SeedReport:
    """Create the benchmark agency (replacing an earlier one) and evaluate its goals once."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from smartsmm.clients.models import BusinessObjective, Client, SocialAccount
    from smartsmm.core.metrics import get_metric
    from smartsmm.goals.models import Goal, ScopeKind
    from smartsmm.tenancy.models import Agency, Membership, Role

    report = SeedReport()
    today = today or timezone.now().astimezone(ZoneInfo("Europe/Moscow")).date()
    start, end = history_range(today, years)
    t0 = time.perf_counter()
    Agency.objects.filter(slug=BENCH_AGENCY_SLUG).delete()
    plans = [client_plan(i) for i in range(clients)]
    now = timezone.now()
    with transaction.atomic():
        agency = Agency.objects.create(name="Бенчмарк-агентство", slug=BENCH_AGENCY_SLUG)
        owner = User.objects.filter(username=BENCH_USERNAME).first()
        if owner is None:
            owner = User.objects.create(username=BENCH_USERNAME, password=make_password(BENCH_PASSWORD))
        Membership.objects.create(user=owner, agency=agency, role=Role.OWNER)

        client_rows = Client.objects.bulk_create(
            [
                Client(
                    agency=agency,
                    name=p.name,
                    slug=p.slug,
                    timezone=p.timezone,
                    description=f"Клиент бенчмарка {p.index + 1}: {len(p.platforms)} аккаунтов, {years} года истории.",
                )
                for p in plans
            ],
            batch_size=500,
        )
        objective_rows = BusinessObjective.objects.bulk_create(
            [
                BusinessObjective(client=c, objective=o, context=f"Цель «{o}» клиента {p.name}.", priority=k)
                for p, c in zip(plans, client_rows, strict=True)
                for k, o in enumerate(p.objectives, start=1)
            ],
            batch_size=500,
        )
        objectives = {(o.client_id, o.objective): o for o in objective_rows}
        account_objects = []
        for p, c in zip(plans, client_rows, strict=True):
            for slot, platform in enumerate(p.platforms):
                handle = f"{p.slug.replace('-', '_')}_{platform}"
                serves = p.objectives[slot % len(p.objectives)]
                account_objects.append(
                    SocialAccount(
                        agency=agency,
                        client=c,
                        platform=platform,
                        external_id=str(1_000_000 + p.index * 10 + slot),
                        handle=handle,
                        ref_key=handle,
                        name=f"{p.name} · {platform}",
                        url=f"https://example.org/{platform}/{handle}",
                        objective=objectives[(c.pk, serves)],
                        rationale=f"Аудитория клиента есть в {platform}.",
                        # Every 37th account has a broken token: the overview's "needs attention".
                        status="needs_attention" if (p.index * 5 + slot) % 37 == 0 else "active",
                        last_synced_at=now,
                        data_changed_at=now,
                    )
                )
        account_rows = SocialAccount.objects.bulk_create(account_objects, batch_size=500)
        accounts_by_client: dict[int, list[Any]] = {}
        for a in account_rows:
            accounts_by_client.setdefault(a.client_id, []).append(a)
        report.clients, report.accounts = len(client_rows), len(account_rows)

        writer = Writer()
        daily_buffer: list[tuple[int, str, date, float]] = []
        post_buffer: list[tuple[Any, ...]] = []
        goals: list[Any] = []

        def flush() -> None:
            w0 = time.perf_counter()
            writer.daily(daily_buffer)
            writer.posts(post_buffer)
            report.write_seconds += time.perf_counter() - w0
            report.daily_rows += len(daily_buffer)
            report.posts += len(post_buffer)
            daily_buffer.clear()
            post_buffer.clear()

        for p, c in zip(plans, client_rows, strict=True):
            g0 = time.perf_counter()
            accounts = accounts_by_client[c.pk]
            histories = []
            for slot, account in enumerate(accounts):
                _profile, history = account_history(p, slot, start, end, posts_per_account)
                histories.append(history)
                pk = account.pk
                for metric, series in history.daily.items():
                    daily_buffer.extend((pk, metric, day, value) for day, value in series.items())
                post_buffer.extend(
                    (
                        pk,
                        post.external_id,
                        post.published_at,
                        post.post_type,
                        post.url,
                        post.text,
                        post.likes,
                        post.comments,
                        post.shares,
                        post.saves,
                        post.views,
                        post.reach,
                    )
                    for post in history.posts
                )
            for spec in goal_specs(p, histories, today):
                base_value, base_date = spec["baseline"]
                goals.append(
                    Goal(
                        client=c,
                        objective=objectives[(c.pk, spec["objective"])],
                        metric_key=spec["metric"],
                        metric_version=get_metric(spec["metric"]).version,
                        scope_kind=ScopeKind.ACCOUNT if spec["slot"] is not None else ScopeKind.CLIENT,
                        account=accounts[spec["slot"]] if spec["slot"] is not None else None,
                        target=spec["target"],
                        baseline_value=base_value,
                        baseline_date=base_date,
                        start_date=spec["start"],
                        deadline=spec["deadline"],
                        relevance=spec["relevance"],
                        created_by=owner,
                    )
                )
            report.generate_seconds += time.perf_counter() - g0
            if len(daily_buffer) >= FLUSH_DAILY_ROWS:
                flush()
                _print(out, f"  {p.index + 1}/{clients} clients, {report.daily_rows:,} daily values written")
        flush()
        Goal.objects.bulk_create(goals, batch_size=500)
        report.goals = len(goals)
    report.seed_seconds = time.perf_counter() - t0
    _print(
        out,
        f"seeded {report.clients} clients, {report.accounts} accounts, {report.daily_rows:,} daily values, "
        f"{report.posts:,} posts, {report.goals} goals in {report.seed_seconds:.1f} s "
        f"(generating {report.generate_seconds:.1f} s, writing {report.write_seconds:.1f} s)",
    )
    if evaluate:
        evaluate_all(report, out=out)
    return report


def evaluate_all(report: SeedReport, *, out: IO[str] | None = sys.stdout) -> None:
    """Evaluate every goal of the benchmark agency once, as the refresher would."""
    from smartsmm.goals.evaluation import evaluate_goal
    from smartsmm.goals.models import Goal

    t0 = time.perf_counter()
    goals = Goal.objects.filter(client__agency__slug=BENCH_AGENCY_SLUG).select_related(
        "client", "objective", "account"
    )
    for goal in goals:
        g0 = time.perf_counter()
        # Each goal on its client's own day (a client in Vladivostok may be a day ahead of Moscow),
        # as the refresher does.
        evaluate_goal(goal)
        report.evaluate_per_goal_ms.append((time.perf_counter() - g0) * 1000)
    report.evaluate_seconds = time.perf_counter() - t0
    _print(
        out,
        f"evaluated {len(report.evaluate_per_goal_ms)} goals in {report.evaluate_seconds:.1f} s "
        f"(median {report.as_dict()['evaluate_goal_median_ms']} ms per goal)",
    )


def analyze() -> None:
    """Refresh the planner's statistics, as PostgreSQL's autovacuum does shortly after a bulk load."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--migrate", action="store_true", help="apply migrations first")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--posts", type=int, default=POSTS_PER_ACCOUNT)
    parser.add_argument("--years", type=int, default=YEARS)
    parser.add_argument("--no-evaluate", action="store_true", help="skip the goal evaluation step")
    parser.add_argument("--output", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    result: dict[str, Any] = {"vendor": connection.vendor}
    if args.migrate:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        result["migrate_seconds"] = round(time.perf_counter() - t0, 2)
    report = seed_bench(
        clients=args.clients, posts_per_account=args.posts, years=args.years, evaluate=not args.no_evaluate
    )
    result.update(report.as_dict())
    t0 = time.perf_counter()
    analyze()
    result["analyze_seconds"] = round(time.perf_counter() - t0, 2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
