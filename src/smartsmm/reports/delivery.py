"""Delivering scheduled reports: find what is due, claim it, build, render and send it.

:func:`deliver_due_reports` is one round; the worker runs it every few minutes
(``smartsmm.collection.tasks.deliver_reports_task``) and ``smartsmm report deliver-due`` runs it once.

**Once only.** A report (schedule + period) goes through each channel at most once, however many
workers run rounds at the same time: the first worker *creates* the :class:`ReportDelivery` row for
(schedule, period, channel) — a unique constraint, so a second worker's insert fails and it moves on —
or, for a row that failed before, *claims* it with a conditional UPDATE on the status and attempt count
it read (healthchecks' ``sendalerts`` pattern); only the worker whose UPDATE changed one row sends. Both
work the same on SQLite and PostgreSQL and need no lock table.

**Failures.** A failure is recorded with its reason and tried again on a later round, after a growing
pause (or the pause Telegram asks for), up to :data:`MAX_ATTEMPTS` attempts. A permanent error — every
e-mail recipient refused, a Telegram chat that does not exist, a bot that was blocked or whose token
was revoked — is not retried. A row left ``sending`` by a worker that died mid-send is closed as
failed, not retried: it may have gone out, and a report must never arrive twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from smartsmm.clients.models import Client
from smartsmm.reports.document import Report, ReportKind
from smartsmm.reports.models import (
    Channel,
    DeliveryStatus,
    ReportDelivery,
    ReportSchedule,
    TelegramBot,
)
from smartsmm.reports.scheduling import due_period, occurrence

logger = logging.getLogger(__name__)

#: Attempts per (schedule, period, channel), the first included.
MAX_ATTEMPTS = 5
#: Pause before the second attempt; doubled for each later one, capped at RETRY_CAP.
RETRY_BASE = timedelta(minutes=15)
RETRY_CAP = timedelta(hours=6)
#: A row still "sending" after this long belongs to a worker that died.
SENDING_LEASE = timedelta(hours=1)
#: Longest reason kept in the log.
MAX_ERROR = 1000

INTERRUPTED = (
    "interrupted: the worker stopped while sending; not sent again automatically, to avoid a duplicate"
)


class DeliveryError(Exception):
    """A channel failed; ``permanent`` errors are not retried."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass
class RoundResult:
    """What one round did: counts by outcome, and the deliveries it touched."""

    counts: Counter[str] = field(default_factory=Counter)
    deliveries: list[ReportDelivery] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return self.counts[DeliveryStatus.SENT]

    def as_dict(self) -> dict[str, int]:
        return {
            status.value: self.counts[status] for status in DeliveryStatus if status != DeliveryStatus.SENDING
        }


def build_report(client: Client, kind: str, *, period: str | None, language: str, today: date) -> Report:
    """The report document (``smartsmm.reports.service.build_report``; period None: the latest)."""
    from smartsmm.reports import service

    return service.build_report(client, ReportKind(kind), period=period, language=language, today=today)


# ------------------------------------------------------------------------------------------------
# Claiming


def reap_interrupted(now: datetime) -> int:
    """Close rows left ``sending`` past the lease (their worker died) as failed for good."""
    return ReportDelivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(status=DeliveryStatus.GAVE_UP, error=INTERRUPTED)


def claim(schedule: ReportSchedule, period: str, channel: str, now: datetime) -> ReportDelivery | None:
    """This worker's claim on sending ``period`` through ``channel``, or None (done, waiting, taken)."""
    try:
        with transaction.atomic():
            return ReportDelivery.objects.create(
                schedule=schedule,
                period=period,
                channel=channel,
                status=DeliveryStatus.SENDING,
                attempts=1,
                claimed_at=now,
                created_at=now,
            )
    except IntegrityError:
        pass  # the row exists: sent, being sent, waiting for a retry, or given up
    existing = ReportDelivery.objects.filter(schedule=schedule, period=period, channel=channel).first()
    if (
        existing is None
        or existing.status != DeliveryStatus.FAILED
        or existing.attempts >= MAX_ATTEMPTS
        or (existing.next_attempt_at is not None and existing.next_attempt_at > now)
    ):
        return None
    won = ReportDelivery.objects.filter(
        pk=existing.pk, status=DeliveryStatus.FAILED, attempts=existing.attempts
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if won != 1:
        return None
    existing.refresh_from_db()
    return existing


def _retry_pause(attempts: int, retry_after: float | None) -> timedelta:
    pause = min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_CAP)
    if retry_after is not None:
        pause = max(pause, timedelta(seconds=retry_after))
    return pause


def record_success(delivery: ReportDelivery, now: datetime) -> None:
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = now
    delivery.error = ""
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "sent_at", "error", "next_attempt_at"])


def record_failure(delivery: ReportDelivery, error: DeliveryError, now: datetime) -> None:
    final = error.permanent or delivery.attempts >= MAX_ATTEMPTS
    delivery.status = DeliveryStatus.GAVE_UP if final else DeliveryStatus.FAILED
    reason = error.message[:MAX_ERROR]
    if not error.permanent and final:
        reason = f"{reason} (gave up after {delivery.attempts} attempts)"
    delivery.error = reason
    delivery.next_attempt_at = None if final else now + _retry_pause(delivery.attempts, error.retry_after)
    delivery.save(update_fields=["status", "error", "next_attempt_at"])
    logger.warning(
        "report delivery %s (schedule %s, %s, %s) failed, attempt %d%s: %s",
        delivery.pk,
        delivery.schedule_id,
        delivery.period,
        delivery.channel,
        delivery.attempts,
        "" if final else ", will retry",
        reason,
    )


# ------------------------------------------------------------------------------------------------
# Sending


class _Files:
    """Rendered files of one report, each format rendered at most once."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self._cache: dict[str, bytes] = {}

    def get(self, fmt: str) -> tuple[str, bytes, str]:
        from smartsmm.reports.render import FORMATS, file_name, render

        if fmt not in self._cache:
            self._cache[fmt] = render(self.report, fmt)
        return file_name(self.report, fmt), self._cache[fmt], FORMATS[fmt].content_type.split(";")[0]


def send_email(schedule: ReportSchedule, files: _Files) -> None:
    from smartsmm.reports.emails import Attachment, EmailDeliveryError, send_report_email

    try:
        attachments = [Attachment(*files.get(fmt)) for fmt in schedule.formats]
        send_report_email(files.report, schedule.email_recipients, attachments)
    except EmailDeliveryError as exc:
        raise DeliveryError(exc.message, permanent=exc.permanent) from None


def caption_for(report: Report) -> str:
    return f"{report.title}\n{report.client_name} · {report.period_label}\n{report.branding.agency_name}"


def send_telegram(schedule: ReportSchedule, files: _Files) -> None:
    from smartsmm.reports import telegram

    bot = TelegramBot.objects.filter(agency_id=schedule.client.agency_id).first()
    if bot is None or not bot.token:
        # Temporary: the owner may add the bot before the attempts run out.
        raise DeliveryError("Telegram: the agency has no bot token (agency settings)")
    name, content, content_type = files.get("pdf")
    try:
        telegram.send_document(
            str(bot.token),
            schedule.telegram_chat_id,
            file_name=name,
            content=content,
            content_type=content_type,
            caption=caption_for(files.report),
        )
    except telegram.TelegramError as exc:
        raise DeliveryError(exc.message, permanent=exc.permanent, retry_after=exc.retry_after) from None


SENDERS: dict[str, Callable[[ReportSchedule, _Files], None]] = {
    Channel.EMAIL: send_email,
    Channel.TELEGRAM: send_telegram,
}


def deliver(schedule: ReportSchedule, period: str, claimed: list[ReportDelivery], now: datetime) -> None:
    """Build the report once and send it through every claimed channel, recording each outcome."""
    client = schedule.client
    try:
        report = build_report(
            client,
            schedule.kind,
            period=period,
            language=schedule.language,
            today=now.astimezone(client.tz).date(),
        )
    except Exception as exc:  # a bug or missing data must not stop the other schedules' deliveries
        logger.exception("building the %s report %s of client %s failed", schedule.kind, period, client.pk)
        error = DeliveryError(f"building the report failed: {type(exc).__name__}: {exc}")
        for delivery in claimed:
            record_failure(delivery, error, now)
        return
    files = _Files(report)
    for delivery in claimed:
        try:
            SENDERS[delivery.channel](schedule, files)
        except DeliveryError as exc:
            record_failure(delivery, exc, now)
        except Exception as exc:  # a renderer bug: recorded and retried like any temporary failure
            logger.exception("delivery %s failed unexpectedly", delivery.pk)
            record_failure(delivery, DeliveryError(f"{type(exc).__name__}: {exc}"), now)
        else:
            record_success(delivery, now)


def deliver_due_reports(now: datetime | None = None, *, agency_id: int | None = None) -> RoundResult:
    """One round: deliver every enabled schedule's due period through each of its channels.

    Args:
        now: The current time (aware; default: now).
        agency_id: Only this agency's schedules (the CLI's ``--agency``); None: every agency.

    Returns:
        Counts of the outcomes of the deliveries attempted in this round.
    """
    moment = now or timezone.now()
    result = RoundResult()
    reaped = reap_interrupted(moment)
    if reaped:
        logger.warning("closed %d report deliveries interrupted by a stopped worker", reaped)
    schedules = ReportSchedule.objects.filter(enabled=True).select_related("client", "client__agency")
    if agency_id is not None:
        schedules = schedules.filter(client__agency_id=agency_id)
    for schedule in schedules.order_by("pk"):
        period = due_period(schedule, moment, schedule.client.tz)
        if period is None:
            continue
        claimed = [d for d in (claim(schedule, period, ch, moment) for ch in schedule.channels) if d]
        if not claimed:
            continue
        deliver(schedule, period, claimed, moment)
        for delivery in claimed:
            result.counts[delivery.status] += 1
            result.deliveries.append(delivery)
    if result.deliveries:
        logger.info("report deliveries: %s", result.as_dict())
    return result


def send_now(schedule: ReportSchedule, now: datetime | None = None) -> tuple[str, list[ReportDelivery]]:
    """Deliver the schedule's latest complete period at once, through each of its channels.

    For a manager checking the set-up ("Send now"). It is that period's delivery like any other, so
    the scheduled round will not send the same period again; a period already sent (or waiting for
    its retry) is not sent twice: the list of claimed deliveries is then empty.
    """
    moment = now or timezone.now()
    period, _due_at = occurrence(schedule, moment.astimezone(schedule.client.tz))
    claimed = [d for d in (claim(schedule, period, ch, moment) for ch in schedule.channels) if d]
    if claimed:
        deliver(schedule, period, claimed, moment)
    return period, claimed
