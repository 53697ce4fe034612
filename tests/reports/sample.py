"""A report document with every kind of block and every awkward value, for renderer tests.

Built by hand, not from a database: renderers are pure and are tested on this document; the
builders are tested separately against the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from smartsmm.reports.document import (
    Branding,
    Cell,
    Chart,
    ChartKind,
    Column,
    Figure,
    Figures,
    Paragraphs,
    Report,
    ReportKind,
    Section,
    Series,
    Table,
    Tone,
    ValueKind,
    text,
)

# A 1×1 PNG (a red pixel): enough to check that the logo reaches every format.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8cfc0f01f0005000201e2b2d0b40000000049454e44ae426082"
)


def sample_report(language: str = "ru", *, logo: bytes | None = TINY_PNG) -> Report:
    days = tuple(date(2026, 10, 1) + timedelta(days=i) for i in range(31))
    followers = tuple(30000.0 + 21 * i + (-400 if i >= 20 else 0) for i in range(31))
    reach = tuple(None if i in (12, 13) else 4000.0 + 150 * (i % 7) for i in range(31))
    ru = language == "ru"
    goals = Table(
        title="Цели" if ru else "Goals",
        columns=(
            Column("Цель" if ru else "Goal", 3),
            Column("Цель к сроку" if ru else "Target"),
            Column("Сейчас" if ru else "Now"),
            Column("% пути" if ru else "% of way"),
            Column("Статус" if ru else "Status", 1.3),
            Column("Вероятность" if ru else "Probability"),
            Column("Нужный темп, в день" if ru else "Required pace, per day"),
            Column("Текущий темп, в день" if ru else "Recent pace, per day"),
            Column("Срок" if ru else "Deadline"),
        ),
        rows=(
            (
                text("Подписчики · ВКонтакте «Зерно» (vk:zerno_coffee)" if ru else "Followers · VK Zerno"),
                Cell(35000, ValueKind.INTEGER),
                Cell(30649, ValueKind.INTEGER),
                Cell(61.2, ValueKind.PERCENT, decimals=0),
                text("В графике" if ru else "On track", Tone.GOOD),
                Cell(0.734, ValueKind.PROBABILITY, Tone.GOOD),
                Cell(14.25, ValueKind.NUMBER),
                Cell(17.5, ValueKind.NUMBER),
                Cell(date(2027, 3, 31), ValueKind.DATE),
            ),
            (
                text("Доля отписок · клиент целиком" if ru else "Unsubscribe rate · whole client"),
                Cell(0.8, ValueKind.PERCENT),
                Cell(1.12, ValueKind.PERCENT, Tone.BAD),
                Cell(-12.0, ValueKind.PERCENT, decimals=0),
                text("Под угрозой" if ru else "At risk", Tone.BAD),
                Cell(0.12, ValueKind.PROBABILITY, Tone.BAD),
                Cell(-0.004, ValueKind.NUMBER, decimals=3),
                Cell(None, ValueKind.NUMBER),
                Cell(date(2026, 12, 31), ValueKind.DATE),
            ),
        ),
        note="Вероятность — доля сценариев прогноза, в которых цель достигнута к сроку."
        if ru
        else "Probability: the share of forecast paths that reach the target by the deadline.",
    )
    kpis = Table(
        title="Показатели: октябрь 2026" if ru else "KPIs: October 2026",
        columns=(
            Column("Показатель" if ru else "KPI", 3),
            Column("Октябрь 2026" if ru else "October 2026"),
            Column("Сентябрь 2026" if ru else "September 2026"),
            Column("Изм., %" if ru else "Change, %"),
            Column("Октябрь 2025" if ru else "October 2025"),
            Column("Изм. за год, %" if ru else "Year change, %"),
        ),
        rows=(
            (
                text("Подписчики" if ru else "Followers"),
                Cell(30649, ValueKind.INTEGER),
                Cell(30001, ValueKind.INTEGER),
                Cell(2.16, ValueKind.CHANGE_PERCENT, Tone.GOOD),
                Cell(21345, ValueKind.INTEGER),
                Cell(43.59, ValueKind.CHANGE_PERCENT, Tone.GOOD),
            ),
            (
                text("ER по подписчикам" if ru else "ER by followers"),
                Cell(1.2345, ValueKind.PERCENT),
                Cell(1.5, ValueKind.PERCENT),
                Cell(-17.7, ValueKind.CHANGE_PERCENT, Tone.BAD),
                Cell(None, ValueKind.PERCENT),
                Cell(None, ValueKind.CHANGE_PERCENT),
            ),
            (
                text("Охват" if ru else "Reach"),
                Cell(1234567, ValueKind.INTEGER),
                Cell(1000000, ValueKind.INTEGER),
                Cell(23.5, ValueKind.CHANGE_PERCENT, Tone.GOOD),
                Cell(0, ValueKind.INTEGER),
                Cell(None, ValueKind.CHANGE_PERCENT),
            ),
            (
                text("Публикаций в неделю" if ru else "Posts per week"),
                Cell(4.5, ValueKind.NUMBER),
                Cell(5.25, ValueKind.NUMBER),
                Cell(-14.3, ValueKind.CHANGE_PERCENT, Tone.NEUTRAL),
                Cell(3.0, ValueKind.NUMBER),
                Cell(50.0, ValueKind.CHANGE_PERCENT),
            ),
        ),
    )
    posts = Table(
        title="Лучшие публикации" if ru else "Top posts",
        columns=(
            Column("Дата" if ru else "Date", 1.4),
            Column("Публикация" if ru else "Post", 4),
            Column("Охват" if ru else "Reach"),
            Column("Реакции" if ru else "Engagements"),
            Column("ERR", 0.8),
        ),
        rows=(
            (
                Cell(datetime(2026, 10, 3, 9, 30), ValueKind.DATETIME),
                Cell(
                    "Осенняя линейка напитков: тыквенный латте, раф с халвой и глинтвейн без алкоголя — "
                    "приходите попробовать в любую кофейню сети до конца месяца",
                    link="https://vk.com/wall-1_101",
                ),
                Cell(15400, ValueKind.INTEGER),
                Cell(612, ValueKind.INTEGER),
                Cell(3.97, ValueKind.PERCENT),
            ),
            (
                Cell(datetime(2026, 10, 17, 18, 5), ValueKind.DATETIME),
                Cell("Розыгрыш: 3 абонемента на кофе", link="https://vk.com/wall-1_117"),
                Cell(9800, ValueKind.INTEGER),
                Cell(401, ValueKind.INTEGER),
                Cell(4.09, ValueKind.PERCENT),
            ),
        ),
    )
    no_posts = Table(
        title="Худшие публикации" if ru else "Bottom posts",
        columns=posts.columns,
        rows=(),
        empty_text="Нет публикаций старше двух дней." if ru else "No posts older than two days.",
    )
    summary = Paragraphs(
        items=(
            "Подписчиков стало больше на 2,2 % (+648) по сравнению с сентябрём 2026."
            if ru
            else "Followers grew by 2.2 % (+648) against September 2026.",
            "20 октября аккаунт потерял 400 подписчиков за день — похоже на чистку ботов."
            if ru
            else "On 20 October the account lost 400 followers in a day: a likely bot purge.",
            "Цель «Доля отписок» перешла из статуса «В графике» в «Под угрозой»."
            if ru
            else "The goal “Unsubscribe rate” moved from on track to at risk.",
        ),
        title="Главное за месяц" if ru else "The month in brief",
    )
    figures = Figures(
        items=(
            Figure(
                "Подписчики" if ru else "Followers",
                Cell(30649, ValueKind.INTEGER),
                "+2,2 % к сентябрю" if ru else "+2.2 % vs September",
            ),
            Figure("Охват" if ru else "Reach", Cell(1234567, ValueKind.INTEGER), ""),
            Figure("ER", Cell(1.2345, ValueKind.PERCENT, Tone.BAD), "−17,7 %" if ru else "−17.7 %"),
            Figure("Вероятность цели" if ru else "Goal probability", Cell(0.734, ValueKind.PROBABILITY)),
        )
    )
    charts = (
        Chart(
            title="Подписчики по дням" if ru else "Followers per day",
            kind=ChartKind.LINE,
            categories=days,
            series=(
                Series("ВКонтакте" if ru else "VK", followers),
                Series("Telegram", tuple(12000.0 + 5 * i for i in range(31))),
            ),
        ),
        Chart(
            title="Охват по дням" if ru else "Reach per day",
            kind=ChartKind.BAR,
            categories=days,
            series=(Series("Охват" if ru else "Reach", reach),),
            note="12–13 октября нет данных." if ru else "No data on 12–13 October.",
        ),
        Chart(
            title="Охват по площадкам" if ru else "Reach by platform",
            kind=ChartKind.BAR,
            categories=("ВКонтакте" if ru else "VK", "Telegram", "YouTube"),
            series=(
                Series("Октябрь 2026" if ru else "October 2026", (900000.0, 300000.0, 34567.0)),
                Series("Сентябрь 2026" if ru else "September 2026", (800000.0, 150000.0, None)),
            ),
        ),
        Chart(title="Пустой график" if ru else "Empty chart", kind=ChartKind.LINE, categories=(), series=()),
    )
    glossary = Table(
        title="Глоссарий" if ru else "Glossary",
        columns=(
            Column("Показатель" if ru else "KPI", 2),
            Column("Формула" if ru else "Formula", 4),
            Column("Версия" if ru else "Version", 0.8),
        ),
        rows=(
            (
                text("ER по подписчикам" if ru else "ER by followers"),
                text("Σ реакций ÷ число публикаций ÷ среднее число подписчиков × 100 %"),
                text("2"),
            ),
            (text("Охват" if ru else "Reach"), text("Σ дневного охвата за период"), text("1")),
        ),
    )
    sections = (
        Section("summary", "Главное" if ru else "Summary", (figures, summary)),
        Section("goals", "Цели" if ru else "Goals", (goals,)),
        Section("kpis", "Показатели" if ru else "KPIs", (kpis, charts[0], charts[1], charts[2], charts[3])),
        Section("posts", "Публикации" if ru else "Posts", (posts, no_posts)),
        Section("glossary", "Глоссарий: формулы [v2026.11.2]" if ru else "Glossary: formulas", (glossary,)),
    )
    return Report(
        kind=ReportKind.MONTHLY,
        language=language,
        title="Ежемесячный отчёт: октябрь 2026" if ru else "Monthly report: October 2026",
        client_name="Кофейня «Зерно»" if ru else "Zerno coffee",
        period_label="1–31 октября 2026 (Europe/Moscow)" if ru else "1–31 October 2026 (Europe/Moscow)",
        generated_at=datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
        branding=Branding(
            "Агентство «Пример»" if ru else "Example agency", "#0B5394", "#E69138", logo, "image/png"
        ),
        sections=sections,
        caveats=(
            "Нет данных за 2 дня октября (12–13 октября): охват за месяц занижен."
            if ru
            else "2 days of October have no data (12–13 October): the month's reach is understated.",
        ),
        slug="monthly-zerno-2026-10",
    )
